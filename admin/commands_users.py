"""``python -m admin user …``: the people who sign in to the web panel at /admin.

::

    python -m admin user add LOGIN --role coordinator|expert [--name NAME] [--require-totp]
    python -m admin user list
    python -m admin user disable LOGIN
    python -m admin user reset LOGIN [--keep-password] [--totp] [--enable]

The first coordinator is made here; the panel itself cannot make users yet.  Passwords
are asked twice without echo, or read from the first line of standard input with
``--password-stdin`` (for scripts) — never taken from the command line, where the shell
history and ``ps`` would show them.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from admin.accounts import PasswordRejected, Passwords, check_password
from admin.common import CommandError, actor_of, add_common, run, table
from admin.export.data import iso_utc
from storage.models import PanelRole, PanelUser, utcnow
from storage.repository import Store
from storage.users import LoginTaken, normal_login


def register(subparsers: Any) -> None:
    """Add ``user`` with ``add``, ``list``, ``disable`` and ``reset``."""
    user = subparsers.add_parser("user", help="people who sign in to the web panel (/admin)")
    actions = user.add_subparsers(dest="user_command", required=True)

    p = actions.add_parser("add", help="a new coordinator or expert (the password is asked)")
    p.add_argument("login", help="2-100 characters: Latin letters, digits, . _ @ -")
    p.add_argument("--role", required=True, choices=[r.value for r in PanelRole])
    p.add_argument("--name", default="", help="the name shown in the panel and the audit log")
    p.add_argument(
        "--require-totp",
        action="store_true",
        help="a code from an authenticator app is needed at every sign-in (set up at the first)",
    )
    _password_option(p)
    add_common(p)
    p.set_defaults(handler=user_add)

    p = actions.add_parser("list", help="every panel user")
    add_common(p)
    p.set_defaults(handler=user_list)

    p = actions.add_parser("disable", help="stop a user signing in (signs them out at once)")
    p.add_argument("login")
    add_common(p)
    p.set_defaults(handler=user_disable)

    p = actions.add_parser(
        "reset", help="a new password, and the lock after failed sign-ins lifted"
    )
    p.add_argument("login")
    p.add_argument("--keep-password", action="store_true", help="only lift the lock")
    p.add_argument(
        "--totp", action="store_true", help="forget the authenticator (set up again at sign-in)"
    )
    p.add_argument("--enable", action="store_true", help="enable a disabled user too")
    _password_option(p)
    add_common(p)
    p.set_defaults(handler=user_reset)


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of asking",
    )


def read_password(args: argparse.Namespace, login: str) -> str:
    """The new password: from stdin with ``--password-stdin``, else asked twice."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sys.stdin.isatty():
        raise CommandError("no terminal to ask the password in; pipe it with --password-stdin")
    else:
        password = getpass.getpass(f"Password for {login}: ")
        if getpass.getpass("The same password again: ") != password:
            raise CommandError("the two passwords differ; nothing was changed")
    try:
        check_password(password, login)
    except PasswordRejected as exc:
        raise CommandError(f"{exc}; nothing was changed") from None
    return password


def _login(text: str) -> str:
    try:
        return normal_login(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


async def _find(store: Store, login: str) -> PanelUser:
    user = await store.find_user(login)
    if user is None:
        raise CommandError(f"no panel user {login!r}; see `python -m admin user list`")
    return user


def user_add(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        login = _login(args.login)
        if await store.find_user(login) is not None:
            raise CommandError(f"the login {login!r} is taken; choose another")
        password = read_password(args, login)
        try:
            user = await store.create_user(
                login,
                role=args.role,
                password_hash=Passwords().hash(password),
                display_name=args.name,
                totp_required=args.require_totp,
                actor=actor_of(args),
            )
        except LoginTaken:
            raise CommandError(f"the login {login!r} is taken; choose another") from None
        print(f"{user.role} {user.login} added (id {user.id}); sign in at /admin")
        if args.require_totp:
            print("an authenticator app is set up at the first sign-in")
        if user.role != "coordinator" and not await store.count_users("coordinator"):
            print("note: there is no coordinator yet; add one with --role coordinator")
        return 0

    return run(args, work)


def _second_factor(user: PanelUser) -> str:
    if user.totp_secret:
        return "on"
    return "to set up" if user.totp_required else "off"


def user_list(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        users = await store.list_users()
        if not users:
            print(
                "no panel users; add the first coordinator with `user add LOGIN --role coordinator`"
            )
            return 0
        now = utcnow()
        rows = [
            (
                u.login,
                u.role,
                u.display_name,
                "yes" if u.active else "disabled",
                _second_factor(u),
                iso_utc(u.locked_until) if u.locked_until and u.locked_until > now else "",
                u.failed_sign_ins,
                iso_utc(u.last_sign_in_at),
            )
            for u in users
        ]
        headers = ("login", "role", "name", "active", "2fa", "locked_until", "failures", "last_in")
        sys.stdout.write(table(headers, rows))
        return 0

    return run(args, work)


def user_disable(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        user = await _find(store, args.login)
        await store.set_user_active(user.id, False, actor=actor_of(args))
        print(f"{user.login} is disabled and signed out everywhere")
        return 0

    return run(args, work)


def user_reset(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        user = await _find(store, args.login)
        hashed = None if args.keep_password else Passwords().hash(read_password(args, user.login))
        actor = actor_of(args)
        await store.reset_user(user.id, password_hash=hashed, forget_totp=args.totp, actor=actor)
        done = ["unlocked", "signed out everywhere"]
        if hashed:
            done.insert(0, "has a new password")
        if args.totp:
            done.append("sets up the authenticator again at the next sign-in")
        if args.enable and not user.active:
            await store.set_user_active(user.id, True, actor=actor)
            done.append("enabled")
        print(f"{user.login} " + ", ".join(done))
        if not user.active and not args.enable:
            print(f"note: {user.login} is disabled; add --enable to let them sign in")
        return 0

    return run(args, work)
