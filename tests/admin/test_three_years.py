"""Three annual campaigns run as a coordinator would, on SQLite and PostgreSQL.

2024: A, B and C take part; A submits, B stops half-way, C never opens its link.
2025: C leaves the list, D joins; the campaign starts from 2024's with one command and the
bound contacts need no new link; A's person changes jobs to D.
2026: from 2025; B leaves, E joins.
Each closed campaign's progress and export organisation list stay what they were when it
closed, whatever happens to the master list, the contacts and the later campaigns.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from admin.cli import main
from admin.export.data import load
from admin.ops import campaigns, contacts, invitations, members, organisations
from admin.ops.links import link_maker
from admin.ops.org_files import read_master_file
from admin.ops.progress import CampaignProgress, campaign_progress, close_with_check
from dialogs.application.outgoing import Outgoing
from dialogs.application.reminders import Reminders
from dialogs.questionnaire import default
from storage.repository import Store
from tests.storage import conftest as backends

# both backends (SQLite, and PostgreSQL when TEST_POSTGRES_URL is set), as in tests/storage
database_url, store = backends.database_url, backends.store

ACTOR = "coordinator:test"
LINKS = link_maker("https://saualnama.example.kz", "saualnama_bot")
MASTER = (
    "subject_kind,name_ru,name_kk,region\n"
    "ngo,ОФ «А»,«А» ҚҚ,Алматы\n"
    "mvd_unit,ДП «Б»,«Б» ПД,Астана\n"
    "local_executive_body,Акимат «В»,«В» әкімдігі,Шымкент\n"
)


def picture(p: CampaignProgress) -> list[tuple[object, ...]]:
    """What a campaign's progress says, organisation by organisation, and its rates."""
    rows = [
        (
            r.organisation_id,
            r.status,
            r.stage,
            r.submitted_at,
            r.answered,
            tuple(c.contact_id for c in r.contacts),
            (r.links.made, r.links.used, r.links.revoked),
        )
        for r in p.rows
    ]
    return [*rows, (p.rates.expected, p.rates.actual, p.rates.on_time, p.as_of)]


async def frozen(store: Store, campaign_id: int) -> tuple[object, ...]:
    """Progress and the export's organisation list: what must not change once closed."""
    data = await load(store, campaign_id, only_submitted=False, include_not_started=True)
    submitted = await load(store, campaign_id)
    progress = await campaign_progress(store, campaign_id, today=date(2030, 1, 1))
    return (
        picture(progress),
        [s.organisation_id for s in data.sheets],
        [s.organisation_id for s in submitted.sheets],
    )


async def year(store: Store, n: int, members_from: int | None) -> int:
    made = await campaigns.create_campaign(
        store,
        title=f"Оценка рисков {n}",
        period_start=date(n, 1, 1),
        period_end=date(n, 12, 31),
        requested_on=date(n + 1, 1, 15),
        members_from=members_from,
        all_organisations=members_from is None,
        actor=ACTOR,
    )
    await campaigns.open_campaign(store, made.campaign.id, actor=ACTOR)
    return made.campaign.id


async def answer_and_submit(store: Store, contact_id: int, campaign_id: int, *, submit: bool) -> None:  # fmt: skip
    response = await store.get_response_for_contact(contact_id, campaign_id)
    saved = await store.save_answer(
        response.id, "b01.i08.trained", value=5, contact_id=contact_id, channel="telegram"
    )
    assert saved.value == 5
    if submit:
        current = await store.get_response(response.id)
        await store.submit_response(
            response.id, expected_version=current.version, contact_id=contact_id
        )


def token_of(link: invitations.IssuedLink) -> str:
    return link.web.rsplit("/", 1)[1]


async def test_three_years_each_closed_campaign_stays_as_it_closed(store: Store) -> None:
    # --- 2024 ---------------------------------------------------------------------------
    master = read_master_file("master.csv", MASTER.encode())
    await organisations.import_organisations(store, master, actor=ACTOR)
    a, b, c = (o.id for o in await organisations.list_organisations(store))
    y2024 = await year(store, 2024, None)
    issued = await invitations.invite_campaign(store, LINKS, y2024, actor=ACTOR)
    tokens = {link.invitation.organisation_id: token_of(link) for link in issued.links}
    assert set(tokens) == {a, b, c}
    aigerim = await store.redeem_invitation(tokens[a], telegram_user_id=1, channel="telegram")
    bolat = await store.redeem_invitation(tokens[b], web_login="bolat", channel="web")
    await answer_and_submit(store, aigerim.id, y2024, submit=True)
    await answer_and_submit(store, bolat.id, y2024, submit=False)
    check = await close_with_check(store, y2024, confirmed=False, actor=ACTOR)
    assert not check.closed and [r.organisation_id for r in check.not_submitted] == [b, c]
    assert (await close_with_check(store, y2024, confirmed=True, actor=ACTOR)).closed
    closed_2024 = await frozen(store, y2024)
    assert closed_2024[1:] == ([a, b, c], [a])
    statuses = [row[2] for row in closed_2024[0][:-1]]
    assert statuses == ["submitted", "in_progress", "not_reached"]

    # --- 2025: C leaves the list, D joins; one command starts the year --------------------
    await organisations.remove_organisation(store, c, actor=ACTOR)
    with_d = read_master_file("master.csv", (MASTER + "ngo,ОФ «Г»,«Г» ҚҚ,Алматы\n").encode())
    summary = await organisations.import_organisations(store, with_d, actor=ACTOR)
    (d,) = [r.organisation_id for r in summary.outcome.added]
    assert [r.organisation_id for r in summary.outcome.restored] == [c]  # in the file again
    await organisations.remove_organisation(store, c, actor=ACTOR)  # …but it does leave
    url = str(store.sessions.kw["bind"].url.render_as_string(hide_password=False))
    code = await asyncio.to_thread(
        main,
        ["campaign", "create", "--title", "2025", "--period", "2025-01-01:2025-12-31",
         "--requested", "2026-01-15", "--from", str(y2024), "--url", url, "--actor", ACTOR],
    )  # fmt: skip
    assert code == 0
    y2025 = max(c_.id for c_ in await campaigns.list_campaigns(store))
    await members.add_members(store, y2025, [d], actor=ACTOR)
    await campaigns.open_campaign(store, y2025, actor=ACTOR)
    assert [o.id for o in await members.list_members(store, y2025)] == [a, b, d]
    # year two: the bound contacts go on without a link; only D gets one
    links_2025 = await invitations.invite_campaign(store, LINKS, y2025, actor=ACTOR)
    assert [link.invitation.organisation_id for link in links_2025.links] == [d]
    assert sorted(links_2025.skipped_bound) == [a, b]
    assert (await store.current_campaign(aigerim.id)).id == y2025  # type: ignore[union-attr]
    await answer_and_submit(store, bolat.id, y2025, submit=True)
    # Aigerim moves from A to D: released at A, bound to D with the same Telegram account
    await contacts.release_contact(store, aigerim.id, actor=ACTOR)
    moved = await store.redeem_invitation(
        token_of(links_2025.links[0]), telegram_user_id=1, channel="telegram"
    )
    assert (moved.organisation_id, moved.id != aigerim.id) == (d, True)
    await answer_and_submit(store, moved.id, y2025, submit=True)
    assert await close_with_check(store, y2025, confirmed=True, actor=ACTOR)
    closed_2025 = await frozen(store, y2025)
    assert [row[2] for row in closed_2025[0][:-1]] == ["not_reached", "submitted", "submitted"]
    assert closed_2025[1:] == ([a, b, d], [b, d])
    assert await frozen(store, y2024) == closed_2024

    # --- 2026: from 2025; B leaves, E joins -----------------------------------------------
    y2026 = await year(store, 2026, y2025)
    await members.remove_members(store, y2026, [b], actor=ACTOR)
    e = (
        await organisations.add_organisation(
            store, kind="ngo", name_ru="ОФ «Д»", name_kk="«Д» ҚҚ", actor=ACTOR
        )
    ).id
    await members.add_members(store, y2026, [e], actor=ACTOR)
    assert [o.id for o in await members.list_members(store, y2026)] == [a, d, e]
    await organisations.update_organisation(store, a, region="Конаев", actor=ACTOR)
    open_2026 = await campaign_progress(store, y2026, today=date(2027, 1, 20))
    assert {r.organisation_id: r.status for r in open_2026.rows} == {
        a: "not_reached",
        d: "link_opened",
        e: "not_reached",
    }
    assert (await store.current_campaign(moved.id)).id == y2026  # type: ignore[union-attr]
    assert await store.current_campaign(bolat.id) is None  # B is not part of 2026

    # the closed years, after everything: as they closed
    assert await frozen(store, y2024) == closed_2024
    assert await frozen(store, y2025) == closed_2025
    listed_2024 = await contacts.list_contacts(store, campaign_id=y2024, include_inactive=True)
    assert {x.id: x.state for x in listed_2024} == {aigerim.id: "released", bolat.id: "active"}

    # reminders: the open year's members only; the closed years' logs stay empty
    class Recorder:
        def __init__(self) -> None:
            self.sent: list[Outgoing] = []

        async def send(self, message: Outgoing) -> None:
            self.sent.append(message)

    recorder = Recorder()
    deadline = (await store.get_campaign(y2026)).deadline
    noon = datetime.combine(deadline - timedelta(days=1), time(7), tzinfo=UTC)
    done = await Reminders(store, default(), clock=lambda: noon).send_due(recorder, now=noon)
    assert [(x.campaign_id, x.contact_id, x.kind, x.status) for x in done] == [
        (y2026, moved.id, "d-1", "sent")
    ]
    assert [m.address for m in recorder.sent] == [1]
    assert "«Г»" in recorder.sent[0].text  # D's questionnaire, in the year it belongs to
    assert await store.list_reminder_deliveries(y2024) == []
    assert await store.list_reminder_deliveries(y2025) == []
