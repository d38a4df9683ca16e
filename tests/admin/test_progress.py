"""Who to chase: statuses, reporting rates, filters, the CSV, closing with a check."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlalchemy import update

from admin.ops.progress import campaign_progress
from storage.models import Response
from tests.admin.conftest import ACTOR, Fixture, with_store

ON_TIME = datetime(2026, 2, 15, 18, 30, tzinfo=UTC)  # 23:30 in Almaty on the deadline
LATE = datetime(2026, 2, 15, 19, 30, tzinfo=UTC)  # 00:30 the next day in Almaty


async def _set_submitted_at(store, response_id: int, at: datetime) -> None:  # type: ignore[no-untyped-def]
    async with store.sessions() as s, s.begin():
        await s.execute(update(Response).where(Response.id == response_id).values(submitted_at=at))


async def add_the_others(store, fx: Fixture) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Beside the fixture's two submitted: one of each other status."""
    await _set_submitted_at(store, fx.response_ids[0], ON_TIME)
    await _set_submitted_at(store, fx.response_ids[1], LATE)
    made = {}
    for n, label in enumerate(("not_reached", "link_opened", "in_progress", "returned")):
        org = await store.create_organisation(
            name_ru=f"ОФ {label}", name_kk=label, subject_kind="ngo", region="Алматы",
            blocks=[1, 16],
        )  # fmt: skip
        made[label] = org.id
        await store.add_campaign_members(fx.campaign_id, [org.id], actor=ACTOR)
        if label == "not_reached":
            await store.create_invitation(org.id, fx.campaign_id, actor=ACTOR)  # never opened
            continue
        contact = await store.create_contact(org.id, telegram_user_id=500 + n, actor=ACTOR)
        if label == "link_opened":
            continue
        response = await store.get_response_for_contact(contact.id, fx.campaign_id)
        await store.save_answer(
            response.id, "b01.i08.trained", value=3, contact_id=contact.id, channel="telegram"
        )
        if label == "returned":
            current = await store.get_response(response.id)
            await store.submit_response(
                response.id, expected_version=current.version, contact_id=contact.id
            )
            await store.return_for_correction(response.id, "check 1.8", actor=ACTOR)
    return made


def test_each_status_and_the_reporting_rates(db_url, fixture):
    made = with_store(db_url, lambda s: add_the_others(s, fixture))
    before = with_store(
        db_url, lambda s: campaign_progress(s, fixture.campaign_id, today=date(2026, 2, 10))
    )
    status = {r.organisation_id: r.status for r in before.rows}
    assert status == {
        fixture.org_ids[0]: "submitted",
        fixture.org_ids[1]: "submitted",
        made["not_reached"]: "not_reached",
        made["link_opened"]: "link_opened",
        made["in_progress"]: "in_progress",
        made["returned"]: "returned",
    }
    first, second = before.rows[0], before.rows[1]
    assert (first.submitted_at, first.on_time) == (ON_TIME, True)
    assert (second.submitted_at, second.on_time) == (LATE, False)
    assert (before.rates.expected, before.rates.actual, before.rates.on_time) == (6, 2, 1)
    assert (before.rates.actual_percent, before.rates.on_time_percent) == (33, 16)
    reached = next(r for r in before.rows if r.organisation_id == made["not_reached"])
    assert (reached.links.made, reached.links.used, reached.contacts) == (1, 0, ())

    after = with_store(
        db_url, lambda s: campaign_progress(s, fixture.campaign_id, today=date(2026, 2, 16))
    )
    late = {r.organisation_id: (r.status, r.stage) for r in after.rows if r.status == "overdue"}
    assert late == {
        made["not_reached"]: ("overdue", "not_reached"),
        made["link_opened"]: ("overdue", "link_opened"),
        made["in_progress"]: ("overdue", "in_progress"),
        made["returned"]: ("overdue", "returned"),
    }


def test_progress_filters_and_writes_csv(cli, db_url, fixture, tmp_path):
    made = with_store(db_url, lambda s: add_the_others(s, fixture))
    r = cli("progress", "--campaign", "1", "--today", "2026-02-10")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].split() == [
        "id", "kind", "region", "name", "response", "status", "answered", "%", "no_data",
        "mismatches", "submitted", "contacts", "last_seen", "links",
    ]  # fmt: skip
    assert lines[2].split()[:4] == ["1", "tourism_ministry", "Астана", "Министерство"]
    assert "2026-02-15" in lines[2] and "2026-02-16 late" in lines[3]
    assert (
        "by status: not_reached 1, link_opened 1, in_progress 1, submitted 2, returned 1" in r.out
    )
    assert (
        "submitted 2 of 6 (33%), on time 1 (16%); campaign 1 is open, deadline 2026-02-15"
        " (5 day(s) left)" in r.out
    )
    r = cli("progress", "--campaign", "1", "--today", "2026-02-20", "--status", "not_reached")
    body = r.out.splitlines()
    assert len(body) == 3 + 3 and body[2].split()[0] == str(made["not_reached"])
    assert "overdue" in body[2] and "— OVERDUE by 5 day(s)" in r.out
    r = cli("progress", "--campaign", "1", "--region", "астана")
    assert [x.split()[0] for x in r.out.splitlines()[2:3]] == ["1"]
    assert "submitted 1 of 1 (100%)" in r.out  # the rates of what was asked for
    r = cli("progress", "--campaign", "1", "--kind", "ngo", "--status", "submitted")
    assert "no organisations match" in r.out
    assert cli("progress", "--campaign", "1", "--kind", "police").code == 2
    assert cli("progress", "--campaign", "1", "--status", "lost").code == 2

    out = tmp_path / "progress.csv"
    r = cli("progress", "--campaign", "1", "--today", "2026-02-10", "--out", str(out))
    assert f"6 row(s) written to {out}" in r.out
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [row["status"] for row in rows] == [
        "submitted", "submitted", "not_reached", "link_opened", "in_progress", "returned",
    ]  # fmt: skip
    assert (rows[0]["submitted_at"], rows[0]["on_time"]) == ("2026-02-15T18:30:00Z", "yes")
    assert rows[1]["on_time"] == "no" and rows[2]["on_time"] == ""
    assert (rows[3]["contacts"], rows[3]["channels"], rows[3]["languages"]) == (
        "1",
        "telegram",
        "ru",
    )
    assert (rows[2]["links_made"], rows[2]["links_used"]) == ("1", "0")
    assert out.stat().st_mode & 0o077 == 0


def test_closing_lists_who_has_not_submitted_and_asks_for_yes(cli, db_url, fixture):
    with_store(db_url, lambda s: add_the_others(s, fixture))
    r = cli("campaign", "close", "1")
    assert r.code == 1
    assert "4 organisation(s) have not submitted:" in r.out
    assert "ОФ not_reached" in r.out and "ОФ returned" in r.out
    assert "python -m admin campaign close 1 --yes" in r.err
    assert with_store(db_url, lambda s: s.get_campaign(1)).status == "open"
    r = cli("campaign", "close", "1", "--yes")
    assert r.code == 0 and r.out.endswith("campaign 1 is now closed\n")
    r = cli("campaign", "close", "1", "--yes")
    assert r.code == 2 and "is 'closed' and cannot become 'closed'" in r.err
    # a closed campaign reads as of the day it closed
    r = cli("progress", "--campaign", "1")
    assert "figures as of that day" in r.out


def test_return_for_correction(cli, db_url, fixture):
    r = cli("return", "1", "--reason", "Проверьте пункт 1.8")
    assert r.code == 0, r.err
    assert r.out.startswith("response 1 returned for correction: Проверьте пункт 1.8")
    (event,) = with_store(db_url, lambda s: s.list_audit_events(action="response.returned"))
    assert event.actor == ACTOR and event.details == {"reason": "Проверьте пункт 1.8"}
    r = cli("return", "1", "--reason", "ещё раз")
    assert r.code == 2
    assert "response 1 is returned: only a submitted response can be returned" in r.err
    r = cli("return", "99", "--reason", "x")
    assert r.code == 2 and "response 99 does not exist" in r.err
    r = cli("return", "2", "--reason", "  ")
    assert r.code == 2 and "the reason is empty" in r.err
    assert cli("progress", "--campaign", "5").err.startswith("error: campaign 5 does not exist")
