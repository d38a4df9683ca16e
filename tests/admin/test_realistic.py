"""A whole questionnaire answered through the dialog, then progress, export and return."""

from __future__ import annotations

import asyncio
import csv
import io
import json

from admin.cli import main
from dialogs.application.dialog import DialogService
from storage.repository import Store
from tests.admin.conftest import ACTOR
from tests.engine.scripted import ScriptedPerson


async def run_cli(url: str, *args: str) -> int:
    return await asyncio.to_thread(main, [*args, "--url", url, "--actor", ACTOR])


async def test_a_submitted_walk_is_progressed_exported_and_returned(demo_db, tmp_path, capsys):
    url = demo_db.url
    store = Store.from_url(url)
    try:
        campaign, orgs = demo_db.campaign, list(demo_db.orgs.values())
        ngo = demo_db.orgs["ngo"]
        contact = await store.redeem_invitation(ngo.token, web_login="ngo-person", channel="web")
        # every 5th field "no data" (not the default 7th): 16.1's country breakdown then
        # keeps its value, so the ranking has victims to rank
        person = ScriptedPerson(DialogService(store), contact.id, no_data_every=5)
        await person.begin()
        await person.walk_all()
        await person.submit()
        response = await store.get_response_for_contact(contact.id, campaign.id)
        assert response.status == "submitted"

        capsys.readouterr()
        table = tmp_path / "progress.csv"
        cmd = ("progress", "--campaign", str(campaign.id), "--out", str(table))
        assert await run_cli(url, *cmd) == 0
        out = capsys.readouterr().out
        rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
        (row,) = [r for r in rows if r["subject_kind"] == "ngo"]
        no_data = sum(1 for v in person.expected.values() if v[0] == "no_data")
        assert (row["response_id"], row["status"], row["answered"], row["fields"]) == (
            str(response.id),
            "submitted",
            "52",
            "52",
        )
        assert (row["percent"], row["no_data"], row["mismatches"]) == ("100", str(no_data), "0")
        assert (row["contacts"], row["channels"], row["links_used"]) == ("1", "web", "1")
        assert row["submitted_at"] and row["last_seen_at"]
        assert f"submitted 1 of {len(orgs)} (" in out

        path = tmp_path / "walk.jsonl"
        cmd = ("export", "--campaign", str(campaign.id), "--format", "jsonl", "--out", str(path))
        assert await run_cli(url, *cmd) == 0

        def table(name: str) -> list[dict]:
            where = path if name == "answers" else tmp_path / f"walk-{name}.jsonl"
            return [json.loads(x) for x in where.read_text(encoding="utf-8").splitlines()]

        answers = table("answers")
        assert {a["organisation_id"] for a in answers} == {ngo.organisation.id}
        assert {a["channel"] for a in answers} == {"web"}
        assert {a["field_code"] for a in answers} == set(person.expected)
        for code, (kind, expected) in person.expected.items():
            rows = [a for a in answers if a["field_code"] == code]
            if kind == "no_data":
                assert [(r["value"], r["no_data_reason"]) for r in rows] == [(None, expected)]
            elif isinstance(expected, dict) and rows[0]["field_kind"] in (
                "breakdown",
                "open_breakdown",
            ):
                assert {r["category"]: r["value"] for r in rows} == expected
            elif isinstance(expected, int):
                assert [r["value"] for r in rows] == [expected]
        quality = {q["organisation_id"]: q for q in table("quality")}
        assert len(quality) == len(orgs)  # non-submitters are listed too
        mine = quality[ngo.organisation.id]
        assert (mine["fields"], mine["answered"], mine["mismatches"]) == (52, 52, 0)
        findings = table("findings")
        assert {f["field_code"] for f in findings if f["check"] == "нет данных"} == {
            code for code, v in person.expected.items() if v[0] == "no_data"
        }
        assert not [f for f in findings if f["check"] in ("нет ответа", "несоответствие")]
        citizenship = [r for r in table("ranking") if r["section"] == "citizenship"]
        assert person.expected["b16.i01.citizenship"][0] == "value"
        ngo_rows = [(r["category"], r["rank"]) for r in citizenship if r["subject_kind"] == "ngo"]
        assert [c for c, _ in ngo_rows] == sorted(
            person.expected["b16.i01.citizenship"][1],
            key=lambda c: -person.expected["b16.i01.citizenship"][1][c],
        )

        csv_path = tmp_path / "walk.csv"
        cmd = ("export", "--campaign", str(campaign.id), "--format", "csv", "--out", str(csv_path))
        assert await run_cli(url, *cmd) == 0
        lines = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
        rows_csv = [dict(zip(lines[1], r, strict=True)) for r in lines[2:]]
        texts = [r["value"] for r in rows_csv if r["field_kind"] == "text" and r["value"]]
        assert texts and all(t.startswith("'=HYPERLINK(") for t in texts)

        capsys.readouterr()
        assert await run_cli(url, "return", str(response.id), "--reason", "Уточните 16.1") == 0
        assert (await store.get_response(response.id)).status == "returned"
        assert await run_cli(url, "return", str(response.id), "--reason", "ещё") == 2
        assert capsys.readouterr().err == (
            f"error: response {response.id} is returned: only a submitted response can be "
            "returned (see `python -m admin progress --campaign ID`)\n"
        )
        events = await store.list_audit_events(action="export.taken")
        assert [e.details["format"] for e in events] == ["jsonl", "csv"]
    finally:
        await store.close()
