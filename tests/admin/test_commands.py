"""Every coordinator command: the happy path and its main errors, in-process."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from admin.cli import main
from admin.common import default_actor, table
from storage.repository import hash_token
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
    assert r.code == 2 and "before the request date" in r.err
    assert cli("campaign", "create", "--title", "T", "--period", "2025-01-01:2025-12-31").code == 0
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


# --- organisations ---------------------------------------------------------------------------


def test_org_add_gives_the_blocks_of_its_kind(cli, db_url):
    r = cli(
        "org",
        "add",
        "--kind",
        "ngo",
        "--name-ru",
        "ОФ «Сана»",
        "--name-kk",
        "«Сана» ҚҚ",
        "--region",
        "Алматы",
    )
    assert r.code == 0, r.err
    assert r.out == "organisation 1 added: ОФ «Сана» (ngo; blocks 1, 16)\n"
    org = with_store(db_url, lambda s: s.get_organisation(1))
    assert (org.blocks, org.region, org.name_kk) == ([1, 16], "Алматы", "«Сана» ҚҚ")
    r = cli("org", "add", "--kind", "social_protection_body", "--name-ru", "УЗ", "--name-kk", "ӘҚ")
    assert r.out.endswith("(social_protection_body; blocks 1, 3)\n")


def test_org_add_unknown_kind_lists_the_kinds(cli):
    r = cli("org", "add", "--kind", "police", "--name-ru", "a", "--name-kk", "b")
    assert r.code == 2
    assert r.err.startswith("error: unknown subject kind 'police'; use one of: mvd_unit,")
    assert "ngo" in r.err
    r = cli("org", "add", "--kind", "ngo", "--name-ru", "  ", "--name-kk", "b")
    assert r.code == 2 and "name_ru is empty" in r.err
    assert "no organisations" in cli("org", "list").out


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_org_import_and_list(cli, tmp_path):
    f = write(
        tmp_path / "orgs.csv",
        "\ufeffsubject_kind,name_ru,name_kk,region\r\n"
        "ngo,ОФ «Сана»,«Сана» ҚҚ,Алматы\r\n"
        'mvd_unit,"ДП г. Алматы, УБТЛ",Алматы қ. ПД,\r\n'
        "culture_ministry,МКИ,МАМ,\r\n",
    )
    r = cli("org", "import", f)
    assert r.code == 0, r.err
    assert r.out == "3 organisation(s) imported (ids 1–3)\n"
    lines = cli("org", "list").out.splitlines()
    assert lines[0].split() == ["id", "kind", "region", "blocks", "name"]
    assert lines[2].split() == ["1", "ngo", "Алматы", "1,16", "ОФ", "«Сана»"]
    assert lines[3].split() == ["2", "mvd_unit", "1,2", "ДП", "г.", "Алматы,", "УБТЛ"]
    only = cli("org", "list", "--kind", "culture_ministry").out.splitlines()
    assert len(only) == 3 and "МКИ" in only[2]
    r = cli("org", "list", "--kind", "nope")
    assert r.code == 2 and "unknown subject kind" in r.err


def test_org_import_reports_every_bad_row_and_imports_nothing(cli, tmp_path):
    f = write(
        tmp_path / "orgs.csv",
        "subject_kind,name_ru,name_kk,region\n"
        "ngo,Хорошая,Жақсы,\n"  # line 2: fine
        "police,Плохая,Жаман,\n"  # line 3: unknown kind
        "ngo,,Аты жоқ,\n"  # line 4: no Russian name
        '"ngo","Многострочное\nимя",Көп,\n'  # lines 5-6: fine, a quoted newline
        "ngo,Хорошая,Қайта,\n"  # line 7: repeats line 2
        "ngo,Лишнее,Артық,R,extra\n",  # line 8: one cell too many
    )
    r = cli("org", "import", f)
    assert r.code == 2
    assert "4 bad row(s), nothing imported" in r.err
    assert f"{f}:3: unknown subject kind 'police'" in r.err
    assert f"{f}:4: name_ru is empty" in r.err
    assert f"{f}:7: 'Хорошая' (ngo) already exists" in r.err
    assert f"{f}:8: more cells than columns" in r.err
    assert ":2:" not in r.err and ":6:" not in r.err
    assert "no organisations" in cli("org", "list").out


def test_org_import_file_errors(cli, tmp_path):
    r = cli("org", "import", str(tmp_path / "none.csv"))
    assert r.code == 2 and "does not exist" in r.err
    r = cli("org", "import", write(tmp_path / "h.csv", "kind,name\nngo,x\n"))
    assert r.code == 2 and ":1: the header must name the columns" in r.err
    assert "missing: subject_kind, name_ru, name_kk, region" in r.err
    r = cli("org", "import", write(tmp_path / "e.csv", "subject_kind,name_ru,name_kk,region\n"))
    assert r.code == 2 and "no rows" in r.err
    (tmp_path / "b.csv").write_bytes("subject_kind,name_ru\nngo,Имя\n".encode("cp1251"))
    r = cli("org", "import", str(tmp_path / "b.csv"))
    assert r.code == 2 and "not UTF-8" in r.err


def test_org_import_refuses_organisations_that_already_exist(cli, tmp_path):
    f = write(tmp_path / "o.csv", "subject_kind,name_ru,name_kk,region\nngo,Сана,Сана,\n")
    assert cli("org", "import", f).code == 0
    r = cli("org", "import", f)
    assert r.code == 2 and f"{f}:2: 'Сана' (ngo) already exists" in r.err


# --- invitations -----------------------------------------------------------------------------


def setup_campaign_and_orgs(cli, n=2):
    cli("campaign", "create", "--title", "T", "--period", "2025-01-01:2025-12-31")
    for i in range(n):
        cli("org", "add", "--kind", "ngo", "--name-ru", f"=Орг {i}", "--name-kk", f"Ұйым {i}")


def test_invite_prints_the_web_and_telegram_links_once(cli, db_url):
    setup_campaign_and_orgs(cli)
    r = cli("invite", "1", "--campaign", "1", "--uses", "3", "--days", "10")
    assert r.code == 0, r.err
    assert "campaign 1 is draft; open it before sending" in r.err  # a note, not an error
    web = re.search(r"web:\s+https://saualnama\.example\.kz/i/([A-Za-z0-9_-]{43})\n", r.out)
    tg = re.search(r"telegram:\s+https://t\.me/saualnama_bot\?start=([A-Za-z0-9_-]{43})\n", r.out)
    assert web and tg and web.group(1) == tg.group(1)
    assert "shown only this once" in r.out
    invitation = with_store(db_url, lambda s: s.get_invitation(1))
    assert invitation.token_hash == hash_token(web.group(1))
    assert invitation.max_uses == 3 and invitation.created_by == ACTOR


def test_invite_without_a_bot_prints_only_the_web_link(cli, monkeypatch):
    monkeypatch.delenv("BOT_USERNAME")
    setup_campaign_and_orgs(cli)
    cli("campaign", "open", "1")
    r = cli("invite", "2", "--campaign", "1")
    assert r.code == 0 and r.err == ""
    assert "web:" in r.out and "t.me" not in r.out


def test_invite_errors(cli):
    setup_campaign_and_orgs(cli)
    r = cli("invite", "1", "--campaign", "9")
    assert r.code == 2 and "campaign 9 does not exist" in r.err
    r = cli("invite", "9", "--campaign", "1")
    assert r.code == 2 and "organisation 9 does not exist; see `python -m admin org list`" in r.err
    r = cli("invite", "x", "--campaign", "1")
    assert r.code == 2 and "neither an organisation id nor `all`" in r.err
    r = cli("invite", "1", "--campaign", "1", "--uses", "0")
    assert r.code == 2 and "at least 1" in r.err
    r = cli("invite", "all", "--campaign", "1")
    assert r.code == 2 and "give --out" in r.err


def test_invite_all_writes_one_link_per_organisation(cli, db_url, tmp_path):
    setup_campaign_and_orgs(cli, n=3)
    out = tmp_path / "links.csv"
    r = cli("invite", "all", "--campaign", "1", "--out", str(out))
    assert r.code == 0, r.err
    assert "3 invitation(s) written" in r.out and "shown only this once" in r.out
    assert out.stat().st_mode & 0o077 == 0  # tokens: readable by the coordinator only
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["organisation_id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["organisation"] == "'=Орг 0"  # CSV injection defence
    assert rows[0]["kind"] == "ngo"
    tokens = [r["web_link"].rsplit("/", 1)[1] for r in rows]
    assert len(set(tokens)) == 3
    assert [r["telegram_link"] for r in rows] == [
        f"https://t.me/saualnama_bot?start={t}" for t in tokens
    ]
    for n, token in enumerate(tokens, start=1):
        assert with_store(db_url, lambda s, n=n: s.get_invitation(n)).token_hash == hash_token(
            token
        )
    r = cli("invite", "all", "--campaign", "1", "--out", str(out))
    assert r.code == 2 and "exists" in r.err


# --- progress and returns --------------------------------------------------------------------


def test_progress_and_return(cli, fixture, db_url, monkeypatch):
    monkeypatch.setattr("admin.commands_campaigns.date", FixedDate)
    r = cli("progress", "--campaign", "1")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].split() == [
        "id",
        "kind",
        "region",
        "name",
        "response",
        "status",
        "answered",
        "%",
        "no_data",
        "mismatches",
        "last_answer",
    ]
    assert lines[2].split() == [
        "1",
        "tourism_ministry",
        "Астана",
        "Министерство",
        "туризма",
        "и",
        "спорта",
        "1",
        "submitted",
        "8/32",
        "25%",
        "1",
        "0",
        "2026-01-20T09:30:00Z",
    ]
    assert lines[3].split()[-7:] == [
        "2",
        "submitted",
        "7/41",
        "17%",
        "0",
        "0",
        "2026-01-21T10:00:00Z",
    ]
    assert lines[-1] == "submitted 2 of 2; campaign 1 is open, deadline 2026-02-15 (5 day(s) left)"

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
    assert r.code == 2 and "--reason is empty" in r.err

    FixedDate.today_is = date(2026, 2, 20)
    r = cli("progress", "--campaign", "1")
    assert r.out.splitlines()[2].split()[8] == "returned"
    assert r.out.splitlines()[-1] == (
        "submitted 1 of 2; campaign 1 is open, deadline 2026-02-15 — OVERDUE by 5 day(s)"
    )


def test_progress_shows_organisations_that_have_not_started(cli, fixture, monkeypatch):
    monkeypatch.setattr("admin.commands_campaigns.date", FixedDate)
    FixedDate.today_is = date(2026, 2, 10)
    cli("org", "add", "--kind", "ngo", "--name-ru", "Новая", "--name-kk", "Жаңа")
    lines = cli("progress", "--campaign", "1").out.splitlines()
    assert lines[4].split() == ["3", "ngo", "Новая", "not_started", "0/52", "0%", "0", "0"]
    assert lines[-1].startswith("submitted 2 of 3;")
    r = cli("progress", "--campaign", "5")
    assert r.code == 2 and "campaign 5 does not exist" in r.err


class FixedDate(date):
    today_is = date(2026, 2, 10)

    @classmethod
    def today(cls):
        return cls.today_is


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
