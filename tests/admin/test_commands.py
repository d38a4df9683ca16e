"""Every coordinator command: the happy path and its main errors, in-process."""

from __future__ import annotations

from datetime import date

from admin.cli import main
from admin.common import default_actor, table
from tests.admin.conftest import ACTOR, with_store

# --- campaigns -------------------------------------------------------------------------------


def test_campaign_create_defaults_the_deadline_to_one_month(cli, db_url):
    r = cli(
        "campaign",
        "create",
        "--title",
        "Оценка 2025",
        "--period",
        "2025-01-01:2025-12-31",
        "--requested",
        "2026-01-31",
    )
    assert r.code == 0, r.err
    assert "campaign 1 created (draft)" in r.out
    assert "deadline 2026-02-28 (one calendar month after the request, §9)" in r.out
    campaign = with_store(db_url, lambda s: s.get_campaign(1))
    assert (campaign.period_start, campaign.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert campaign.questionnaire_version == "2024.1"
    (event,) = with_store(db_url, lambda s: s.list_audit_events(action="campaign.created"))
    assert event.actor == ACTOR


def test_campaign_create_with_deadline_open_close_list_and_move(cli, db_url):
    r = cli(
        "campaign",
        "create",
        "--title",
        "T",
        "--period",
        "2025-01-01:2025-12-31",
        "--requested",
        "2026-01-15",
        "--deadline",
        "2026-03-01",
    )
    assert r.code == 0 and "deadline 2026-03-01\n" in r.out
    assert cli("campaign", "open", "1").out == "campaign 1 is now open\n"
    listed = cli("campaign", "list").out.splitlines()
    assert listed[0].split() == [
        "id",
        "status",
        "period",
        "requested",
        "deadline",
        "version",
        "title",
    ]
    assert listed[2].split() == [
        "1",
        "open",
        "2025-01-01:2025-12-31",
        "2026-01-15",
        "2026-03-01",
        "2024.1",
        "T",
    ]
    assert cli("campaign", "deadline", "1", "2026-03-10").code == 0
    assert with_store(db_url, lambda s: s.get_campaign(1)).deadline == date(2026, 3, 10)
    assert cli("campaign", "close", "1").out == "campaign 1 is now closed\n"


def test_campaign_errors(cli):
    r = cli("campaign", "open", "7")
    assert r.code == 2
    assert r.err == "error: campaign 7 does not exist; see `python -m admin campaign list`\n"
    r = cli("campaign", "create", "--title", "T", "--period", "2025-12-31:2025-01-01")
    assert r.code == 2 and "ends before it starts" in r.err
    r = cli("campaign", "create", "--title", "T", "--period", "2025")
    assert r.code == 2 and "write START:END" in r.err
    r = cli("campaign", "create", "--title", "T", "--period", "2025-01-01:2025-13-01")
    assert r.code == 2 and "write YYYY-MM-DD" in r.err
    r = cli(
        "campaign",
        "create",
        "--title",
        "T",
        "--period",
        "2025-01-01:2025-12-31",
        "--requested",
        "2026-01-15",
        "--deadline",
        "2026-01-01",
    )
    assert r.code == 2 and "is not after the request date 2026-01-15" in r.err
    r = cli("campaign", "create", "--title", "T", "--period", "2025-01-01:2025-12-31",
            "--requested", "2026-12-01")  # fmt: skip
    assert r.code == 2
    assert "the deadline 2027-01-01 is more than 12 months after the period ends" in r.err
    assert "the latest plausible date is 2026-12-31 — check the year" in r.err
    r = cli("campaign", "create", "--title", "  ", "--period", "2025-01-01:2025-12-31")
    assert r.code == 2 and "the title must be 1 to 300 characters" in r.err
    assert cli("campaign", "list").out.startswith("no campaigns yet")
    r = cli("campaign", "create", "--title", "T", "--period", "2025-01-01:2025-12-31",
            "--requested", "2026-01-15")  # fmt: skip
    assert r.code == 0 and "no organisations yet" in r.out
    r = cli("campaign", "deadline", "1", "2025-06-01")
    assert r.code == 2 and "is not after the request date 2026-01-15" in r.err
    assert cli("campaign", "close", "1").code == 0
    r = cli("campaign", "close", "1")
    assert r.code == 2 and "is 'closed' and cannot become 'closed'" in r.err
    assert cli("campaign", "list").code == 0


def test_an_empty_campaign_list_and_a_database_without_tables(cli, tmp_path):
    assert "no campaigns yet" in cli("campaign", "list").out
    empty = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    code = main(["campaign", "list", "--url", empty])
    assert code == 2


def test_no_tables_message(tmp_path, capsys):
    empty = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    assert main(["org", "list", "--url", empty]) == 2
    assert "run `python -m admin db upgrade --url URL`" in capsys.readouterr().err


# --- helpers ---------------------------------------------------------------------------------


def test_table_aligns_numbers_right():
    text = table(("id", "name"), [(1, "a"), (10, "bb")])
    assert text == "id  name\n--  ----\n 1  a\n10  bb\n"


def test_default_actor_is_the_login(monkeypatch):
    monkeypatch.setenv("USER", "aigerim")
    assert default_actor() == "coordinator:aigerim"


def test_every_command_is_registered():
    from admin.cli import build_parser

    choices = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"campaign", "org", "invite", "progress", "return", "export"} <= set(choices)


async def test_the_cli_also_runs_inside_an_event_loop(db_url, capsys):
    """Called from a running loop, a command runs its own loop in a worker thread."""
    assert main(["campaign", "list", "--url", db_url]) == 0
    assert "no campaigns yet" in capsys.readouterr().out
