"""Invitation links and contacts through the CLI: make, list, revoke, resend; release, deactivate."""

from __future__ import annotations

import csv
import io
import re

import pytest

from admin.ops.errors import OpsError
from admin.ops.links import link_maker, why_not_public
from storage.repository import hash_token
from tests.admin.conftest import ACTOR, with_store

TOKEN = r"([A-Za-z0-9_-]{43})"


def setup_campaign_and_orgs(cli, n=2):
    cli("campaign", "create", "--title", "T", "--period", "2025-01-01:2025-12-31",
        "--requested", "2026-01-15")  # fmt: skip
    for i in range(n):
        cli("org", "add", "--kind", "ngo", "--name-ru", f"=Орг {i}", "--name-kk", f"Ұйым {i}")
    cli("campaign", "add-org", "1", "--all")


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://saualnama.example.kz", True),
        ("http://203.0.113.7:8080", False),  # documentation range: not global
        ("https://8.8.8.8", True),
        ("http://127.0.0.1:8080", False),
        ("http://localhost:8080", False),
        ("https://saualnama.local", False),
        ("http://10.1.2.3", False),
        ("http://192.168.0.10:8080", False),
        ("https://intranet", False),
        ("ftp://example.kz", False),
        ("saualnama.example.kz", False),
    ],
)
def test_only_public_addresses_make_links(url, public):
    assert (why_not_public(url) is None) == public


def test_the_link_maker_says_why_not_and_what_is_missing():
    with pytest.raises(OpsError) as info:
        link_maker("http://127.0.0.1:8080", "saualnama_bot")
    assert "points at 127.0.0.1" in str(info.value) and "--local" in str(info.value)
    local = link_maker("http://127.0.0.1:8080", None, allow_local=True)
    assert local.web("T") == "http://127.0.0.1:8080/i/T" and local.telegram("T") is None
    assert (
        local.telegram_missing is not None and "BOT_USERNAME is not set" in local.telegram_missing
    )
    assert any("open on this machine only" in n for n in local.notes)
    public = link_maker("https://x.kz/", "@saualnama_bot")
    assert public.telegram("T") == "https://t.me/saualnama_bot?start=T" and public.notes == []
    assert link_maker("https://x.kz", "bad name!").telegram("T") is None
    assert "unencrypted" in link_maker("http://x.kz", "saualnama_bot").notes[0]


def test_invite_prints_the_web_and_telegram_links_once(cli, db_url):
    setup_campaign_and_orgs(cli)
    r = cli("invite", "1", "--campaign", "1", "--uses", "3", "--days", "10")
    assert r.code == 0, r.err
    assert "campaign 1 is draft; open it before sending" in r.err  # a note, not an error
    web = re.search(rf"web:\s+https://saualnama\.example\.kz/i/{TOKEN}\n", r.out)
    tg = re.search(rf"telegram:\s+https://t\.me/saualnama_bot\?start={TOKEN}\n", r.out)
    assert web and tg and web.group(1) == tg.group(1)
    assert "shown only this once" in r.out
    invitation = with_store(db_url, lambda s: s.get_invitation(1))
    assert invitation.token_hash == hash_token(web.group(1))
    assert invitation.max_uses == 3 and invitation.created_by == ACTOR


def test_no_links_to_a_local_address_unless_asked(cli, db_url, monkeypatch):
    setup_campaign_and_orgs(cli)
    monkeypatch.setenv("PUBLIC_URL", "http://127.0.0.1:8080")
    r = cli("invite", "1", "--campaign", "1")
    assert r.code == 2 and "PUBLIC_URL 'http://127.0.0.1:8080' points at 127.0.0.1" in r.err
    assert with_store(db_url, lambda s: s.list_invitations()) == []
    r = cli("invite", "1", "--campaign", "1", "--local")
    assert r.code == 0 and "web:      http://127.0.0.1:8080/i/" in r.out
    assert "note: local links" in r.err


def test_without_a_bot_username_the_telegram_column_says_why(cli, monkeypatch, tmp_path):
    monkeypatch.delenv("BOT_USERNAME")
    setup_campaign_and_orgs(cli)
    cli("campaign", "open", "1")
    r = cli("invite", "2", "--campaign", "1")
    assert r.code == 0 and "t.me/" not in r.out
    assert "telegram: — (BOT_USERNAME is not set" in r.out
    assert "note: BOT_USERNAME is not set" in r.err
    out = tmp_path / "links.csv"
    r = cli("invite", "all", "--campaign", "1", "--out", str(out), "--include-bound")
    assert "the telegram_link column is empty: BOT_USERNAME is not set" in r.out


def test_invite_errors(cli):
    setup_campaign_and_orgs(cli)
    r = cli("invite", "1", "--campaign", "9")
    assert r.code == 2 and "campaign 9 does not exist" in r.err
    r = cli("invite", "9", "--campaign", "1")
    assert r.code == 2 and "organisation 9 does not exist; see `python -m admin org list`" in r.err
    r = cli("invite", "x", "--campaign", "1")
    assert r.code == 2 and "neither an organisation id nor one of: all, list" in r.err
    r = cli("invite", "1", "--campaign", "1", "--uses", "0")
    assert r.code == 2 and "at least 1" in r.err
    assert "give --out" in cli("invite", "all", "--campaign", "1").err
    assert "needs --campaign" in cli("invite", "list").err
    assert "--campaign ID" in cli("invite", "1").err
    assert "takes one invitation id" in cli("invite", "resend").err
    assert "invitation 7 does not exist" in cli("invite", "revoke", "7").err


def test_invite_all_writes_one_link_per_organisation_not_yet_reached(cli, db_url, tmp_path):
    setup_campaign_and_orgs(cli, n=3)
    cli("org", "add", "--kind", "ngo", "--name-ru", "Не в кампании", "--name-kk", "Жоқ")
    # org 2 already has a contact: it goes on without a new link
    with_store(db_url, lambda s: s.create_contact(2, web_login="w2", actor=ACTOR))
    out = tmp_path / "links.csv"
    r = cli("invite", "all", "--campaign", "1", "--out", str(out))
    assert r.code == 0, r.err
    assert "2 invitation(s) written" in r.out and "shown only this once" in r.out
    assert "1 organisation(s) skipped: they already have a contact" in r.out
    assert out.stat().st_mode & 0o077 == 0  # tokens: readable by the coordinator only
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["organisation_id"] for r in rows] == ["1", "3"]  # members only, not 4
    assert rows[0]["organisation"] == "'=Орг 0"  # CSV injection defence
    assert rows[0]["kind"] == "ngo"
    tokens = [r["web_link"].rsplit("/", 1)[1] for r in rows]
    assert [r["telegram_link"] for r in rows] == [
        f"https://t.me/saualnama_bot?start={t}" for t in tokens
    ]
    for n, token in enumerate(tokens, start=1):
        invitation = with_store(db_url, lambda s, n=n: s.get_invitation(n))
        assert invitation.token_hash == hash_token(token)
    r = cli("invite", "all", "--campaign", "1", "--out", str(out))
    assert r.code == 2 and "exists" in r.err
    cli("campaign", "create", "--title", "Empty", "--period", "2025-01-01:2025-12-31",
        "--requested", "2026-01-15")  # fmt: skip
    r = cli("invite", "all", "--campaign", "2", "--out", str(tmp_path / "none.csv"))
    assert r.code == 2 and "campaign 2 has no organisations" in r.err


def test_list_revoke_and_resend(cli, db_url):
    setup_campaign_and_orgs(cli)
    first = re.search(rf"/i/{TOKEN}", cli("invite", "1", "--campaign", "1").out)
    cli("invite", "2", "--campaign", "1", "--uses", "2")
    assert first is not None
    with_store(db_url, lambda s: s.redeem_invitation(first.group(1), web_login="a", channel="web"))
    listed = cli("invite", "list", "--campaign", "1").out.splitlines()
    assert listed[0].split()[:5] == ["id", "org", "organisation", "state", "used"]
    assert listed[2].split()[:6] == ["1", "1", "=Орг", "0", "used_up", "1/1"]
    assert "live" in listed[3] and "0/2" in listed[3]
    assert len(cli("invite", "list", "--campaign", "1", "--org", "2").out.splitlines()) == 3

    r = cli("invite", "revoke", "2")
    assert r.code == 0 and "invitation 2 (=Орг 1) revoked at" in r.out
    assert "revoked" in cli("invite", "list", "--campaign", "1").out.splitlines()[3]
    r = cli("invite", "resend", "1")
    assert r.code == 0, r.err
    assert r.out.startswith(
        "invitation 1 revoked; its replacement:\ninvitation 3 for organisation 1"
    )
    new = with_store(db_url, lambda s: s.get_invitation(3))
    assert (new.organisation_id, new.max_uses) == (1, 1)
    assert with_store(db_url, lambda s: s.get_invitation(1)).revoked_at is not None


def test_contacts_are_listed_deactivated_activated_and_released(cli, db_url):
    setup_campaign_and_orgs(cli)
    token = re.search(rf"/i/{TOKEN}", cli("invite", "1", "--campaign", "1").out)
    assert token is not None
    with_store(
        db_url,
        lambda s: s.redeem_invitation(
            token.group(1), telegram_user_id=77, channel="telegram", display_name="Айгерим",
            language="kk",
        ),
    )  # fmt: skip
    with_store(db_url, lambda s: s.create_contact(2, web_login="b", actor=ACTOR))
    lines = cli("contact", "list").out.splitlines()
    assert lines[0].split() == [
        "id", "org", "organisation", "name", "channels", "lang", "state", "joined", "last_seen",
    ]  # fmt: skip
    assert lines[2].split() == ["1", "1", "=Орг", "0", "Айгерим", "telegram", "kk", "active",
                                "telegram"]  # fmt: skip
    assert lines[3].split()[-4:] == ["web", "ru", "active", "coordinator"]
    assert len(cli("contact", "list", "--org", "2").out.splitlines()) == 3

    r = cli("contact", "deactivate", "1")
    assert r.code == 0 and "no link reactivates it" in r.out
    assert len(cli("contact", "list").out.splitlines()) == 3  # active ones only
    assert "deactivated" in cli("contact", "list", "--all").out
    assert "active again" in cli("contact", "activate", "1").out
    r = cli("contact", "release", "1")
    assert "free to be bound again" in r.out
    assert with_store(db_url, lambda s: s.find_contact(telegram_user_id=77)) is None
    released = cli("contact", "list", "--all").out.splitlines()[2]
    assert "released" in released and "—" in released
    assert (
        "contact 9 does not exist; see `python -m admin contact list`"
        in cli("contact", "release", "9").err
    )
