"""``python -m admin db …``: apply or roll back the database schema migrations by hand.

The application upgrades to the latest schema itself at start; this command is
for the coordinator's maintenance (and for rolling back a bad release).
"""

from __future__ import annotations

import argparse
import asyncio

from storage import db


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``db`` command with ``upgrade``, ``downgrade`` and ``current``."""
    parser = subparsers.add_parser("db", help="database schema migrations")
    actions = parser.add_subparsers(dest="db_command", required=True)
    url_help = f"database URL (default: $DATABASE_URL, else {db.DEFAULT_URL})"

    up = actions.add_parser("upgrade", help="upgrade the schema (to the latest by default)")
    up.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    up.add_argument("--url", help=url_help)
    up.set_defaults(handler=_upgrade)

    down = actions.add_parser("downgrade", help="downgrade the schema to REV ('base' empties it)")
    down.add_argument("revision", metavar="REV", help="target revision, e.g. 0001 or base")
    down.add_argument("--url", help=url_help)
    down.set_defaults(handler=_downgrade)

    current = actions.add_parser("current", help="print the revision the database is at")
    current.add_argument("--url", help=url_help)
    current.set_defaults(handler=_current)


def _upgrade(args: argparse.Namespace) -> int:
    asyncio.run(db.upgrade(args.url, args.revision))
    print(f"database upgraded to {args.revision}")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    asyncio.run(db.downgrade(args.url, args.revision))
    print(f"database downgraded to {args.revision}")
    return 0


def _current(args: argparse.Namespace) -> int:
    revision = asyncio.run(db.current_revision(args.url))
    print(revision or "(empty database)")
    return 0
