"""``python -m admin contact …``: the people who answer, and stopping or freeing them.

::

    python -m admin contact list [--campaign ID | --org ORG_ID] [--all]
    python -m admin contact deactivate ID  ·  contact activate ID  ·  contact release ID

The work is done by :mod:`admin.ops.contacts`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from admin.common import actor_of, add_common, run, shorten, table, when
from admin.ops import contacts
from storage.repository import Store

EFFECT = {
    "deactivate": "deactivated: it can read and write nothing, and no link reactivates it",
    "activate": "active again",
    "release": (
        "released: deactivated, and its Telegram account / web login is free to be bound again"
        " (a new link, for this organisation or another)"
    ),
}


def register(subparsers: Any) -> None:
    """Add ``contact`` and its actions."""
    contact = subparsers.add_parser("contact", help="contacts: list, deactivate, release")
    actions = contact.add_subparsers(dest="contact_command", required=True)
    p = actions.add_parser("list", help="contacts, with their channels and when last seen")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--campaign", type=int, metavar="ID", help="of a campaign's organisations")
    scope.add_argument("--org", type=int, metavar="ORG_ID", help="of one organisation")
    p.add_argument("--all", action="store_true", help="include deactivated and released ones")
    add_common(p)
    p.set_defaults(handler=list_)
    for name, text in (
        ("deactivate", "stop a contact (signed out everywhere; no link brings it back)"),
        ("activate", "let a deactivated contact answer again"),
        ("release", "deactivate and free its Telegram account / web login"),
    ):
        p = actions.add_parser(name, help=text)
        p.add_argument("contact_id", metavar="ID", type=int)
        add_common(p)
        p.set_defaults(handler=change, action=name)


def list_(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        found = await contacts.list_contacts(
            store, campaign_id=args.campaign, organisation_id=args.org, include_inactive=args.all
        )
        if not found:
            print("no contacts" + ("" if args.all else " (active; --all shows the others)"))
            return 0
        rows = [
            (
                c.id,
                c.organisation_id,
                shorten(c.organisation, 30),
                shorten(c.display_name, 24),
                ",".join(c.channels) or "—",
                c.language,
                c.state,
                c.joined_via or "coordinator",
                when(c.last_seen_at),
            )
            for c in found
        ]
        headers = (
            "id",
            "org",
            "organisation",
            "name",
            "channels",
            "lang",
            "state",
            "joined",
            "last_seen",
        )
        sys.stdout.write(table(headers, rows))
        return 0

    return run(args, work)


def change(args: argparse.Namespace) -> int:
    act = {
        "deactivate": contacts.deactivate_contact,
        "activate": contacts.activate_contact,
        "release": contacts.release_contact,
    }[args.action]

    async def work(store: Store) -> int:
        c = await act(store, args.contact_id, actor=actor_of(args))
        print(
            f"contact {c.id} ({c.display_name or 'no name'}, {c.organisation}) {EFFECT[args.action]}"
        )
        return 0

    return run(args, work)
