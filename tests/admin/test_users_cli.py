"""``python -m admin user``: add, list, disable, reset; passwords never on the command line."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from admin.accounts import Passwords
from storage.models import utcnow
from tests.admin.conftest import ACTOR, with_store

PASSWORD = "correct horse battery"


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch):
    def feed(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return feed


def test_add_list_disable_and_reset(cli, db_url, stdin):
    stdin(PASSWORD + "\n")
    r = cli("user", "add", "Aigerim", "--role", "coordinator", "--name", "Айгерим",
            "--password-stdin")  # fmt: skip
    assert r.code == 0, r.err
    assert r.out == "coordinator aigerim added (id 1); sign in at /admin\n"
    user = with_store(db_url, lambda s: s.find_user("aigerim"))
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert Passwords().verify(user.password_hash, PASSWORD)
    assert not Passwords().verify(user.password_hash, PASSWORD + "!")

    stdin(PASSWORD + "\n")
    r = cli("user", "add", "expert1", "--role", "expert", "--require-totp", "--password-stdin")
    assert r.code == 0 and "authenticator app is set up at the first sign-in" in r.out

    lines = cli("user", "list").out.splitlines()
    assert lines[0].split() == [
        "login", "role", "name", "active", "2fa", "locked_until", "failures", "last_in",
    ]  # fmt: skip
    assert lines[2].split() == ["aigerim", "coordinator", "Айгерим", "yes", "off", "0"]
    assert lines[3].split() == ["expert1", "expert", "yes", "to", "set", "up", "0"]

    assert (
        cli("user", "disable", "EXPERT1").out == "expert1 is disabled and signed out everywhere\n"
    )
    assert not with_store(db_url, lambda s: s.find_user("expert1")).active

    async def lock(store):
        user = await store.find_user("aigerim")
        for _ in range(5):
            await store.record_sign_in_failure(
                user.id, limit=5, lock_for=timedelta(minutes=15), reason="password", address="x"
            )

    with_store(db_url, lock)
    assert (
        "aigerim" in cli("user", "list").out
        and with_store(db_url, lambda s: s.find_user("aigerim")).locked_until > utcnow()
    )
    r = cli("user", "reset", "aigerim", "--keep-password")
    assert r.out == "aigerim unlocked, signed out everywhere\n"
    assert with_store(db_url, lambda s: s.find_user("aigerim")).locked_until is None

    stdin("a new long password\n")
    r = cli("user", "reset", "expert1", "--password-stdin", "--totp", "--enable")
    assert r.code == 0, r.err
    assert r.out == (
        "expert1 has a new password, unlocked, signed out everywhere, sets up the"
        " authenticator again at the next sign-in, enabled\n"
    )
    expert = with_store(db_url, lambda s: s.find_user("expert1"))
    assert expert.active and Passwords().verify(expert.password_hash, "a new long password")
    actions = [e.action for e in with_store(db_url, lambda s: s.list_audit_events())]
    assert actions.count("panel_user.created") == 2 and "panel_user.disabled" in actions
    assert actions.count("panel_user.reset") == 2 and "panel_user.enabled" in actions
    events = with_store(db_url, lambda s: s.list_audit_events(action="panel_user.created"))
    assert {e.actor for e in events} == {ACTOR}


def test_refusals_say_what_to_do(cli, db_url, stdin):
    stdin("short\n")
    r = cli("user", "add", "aigerim", "--role", "coordinator", "--password-stdin")
    assert r.code == 2 and "at least 10 characters; nothing was changed" in r.err
    stdin("aigerim\n")
    r = cli("user", "add", "aigerim", "--role", "coordinator", "--password-stdin")
    assert r.code == 2 and "at least 10" in r.err
    stdin("AIGERIM.KZ\n")
    r = cli("user", "add", "aigerim.kz", "--role", "coordinator", "--password-stdin")
    assert r.code == 2 and "cannot be the login" in r.err
    r = cli("user", "add", "имя", "--role", "coordinator", "--password-stdin")
    assert r.code == 2 and "Latin letters" in r.err
    stdin("")  # not a terminal and no --password-stdin: nothing is read or echoed
    r = cli("user", "add", "aigerim", "--role", "coordinator")
    assert r.code == 2 and "--password-stdin" in r.err
    assert r.code == 2
    r = cli("user", "add", "aigerim", "--role", "admin")
    assert r.code == 2 and "invalid choice" in r.err
    stdin(PASSWORD + "\n")
    assert cli("user", "add", "expert1", "--role", "expert", "--password-stdin").out.endswith(
        "note: there is no coordinator yet; add one with --role coordinator\n"
    )
    stdin(PASSWORD + "\n")
    r = cli("user", "add", "Expert1", "--role", "coordinator", "--password-stdin")
    assert r.code == 2 and "is taken" in r.err
    r = cli("user", "disable", "nobody")
    assert r.code == 2 and "see `python -m admin user list`" in r.err
    assert "no panel users" not in cli("user", "list").out
    assert with_store(db_url, lambda s: s.count_users()) == 1


def test_an_empty_list_says_how_to_begin(cli):
    assert "add the first coordinator" in cli("user", "list").out
