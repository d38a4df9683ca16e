"""``python -m admin campaign …``: the annual data requests and the organisations in each.

::

    python -m admin campaign create --title "2026" --period 2026-01-01:2026-12-31 --from 1
    python -m admin campaign open ID  ·  campaign list  ·  campaign deadline ID DATE
    python -m admin campaign close ID [--yes]      # lists who has not submitted first
    python -m admin campaign members ID
    python -m admin campaign add-org ID ORG_ID… | --kind K | --all
    python -m admin campaign remove-org ID ORG_ID…

The work is done by :mod:`admin.ops.campaigns`, :mod:`admin.ops.members` and
:func:`admin.ops.progress.close_with_check`; this module parses and prints.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from admin.common import actor_of, add_common, ids_list, iso_date, period, run, shorten, table
from admin.ops import campaigns, members
from admin.ops.progress import close_with_check
from storage.repository import Store


def register(subparsers: Any) -> None:
    """Add ``campaign`` and its actions."""
    campaign = subparsers.add_parser("campaign", help="campaigns and their organisations")
    actions = campaign.add_subparsers(dest="campaign_command", required=True)

    p = actions.add_parser("create", help="a new campaign (draft)")
    p.add_argument("--title", required=True)
    p.add_argument(
        "--period", required=True, type=period, help="reporting period START:END (YYYY-MM-DD)"
    )
    p.add_argument("--requested", type=iso_date, help="date of the data request (default: today)")
    p.add_argument(
        "--deadline",
        type=iso_date,
        help="answers due (default: one calendar month after the request, §9 of the Rules)",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--from",
        dest="members_from",
        type=int,
        metavar="ID",
        help="take that campaign's organisations (their bound contacts need no new link)",
    )
    source.add_argument(
        "--all-orgs", action="store_true", help="take every organisation of the master list"
    )
    add_common(p)
    p.set_defaults(handler=create)

    p = actions.add_parser("open", help="open a campaign")
    p.add_argument("campaign_id", metavar="ID", type=int)
    add_common(p)
    p.set_defaults(handler=open_)

    p = actions.add_parser("close", help="close a campaign (lists who has not submitted first)")
    p.add_argument("campaign_id", metavar="ID", type=int)
    p.add_argument("--yes", action="store_true", help="close even if some have not submitted")
    add_common(p)
    p.set_defaults(handler=close)

    p = actions.add_parser("list", help="every campaign, newest first")
    add_common(p)
    p.set_defaults(handler=list_)

    p = actions.add_parser("deadline", help="move a campaign's deadline")
    p.add_argument("campaign_id", metavar="ID", type=int)
    p.add_argument("deadline", metavar="DATE", type=iso_date)
    add_common(p)
    p.set_defaults(handler=deadline)

    p = actions.add_parser("members", help="the organisations taking part in a campaign")
    p.add_argument("campaign_id", metavar="ID", type=int)
    add_common(p)
    p.set_defaults(handler=list_members)

    p = actions.add_parser("add-org", help="add organisations to a campaign")
    p.add_argument("campaign_id", metavar="ID", type=int)
    p.add_argument("organisation_ids", metavar="ORG_ID", type=int, nargs="*")
    p.add_argument("--kind", help="every organisation of this subject kind")
    p.add_argument("--all", action="store_true", help="every organisation of the master list")
    add_common(p)
    p.set_defaults(handler=add_members)

    p = actions.add_parser("remove-org", help="take organisations out of a campaign")
    p.add_argument("campaign_id", metavar="ID", type=int)
    p.add_argument("organisation_ids", metavar="ORG_ID", type=int, nargs="+")
    add_common(p)
    p.set_defaults(handler=remove_members)


def create(args: argparse.Namespace) -> int:
    start, end = args.period

    async def work(store: Store) -> int:
        made = await campaigns.create_campaign(
            store,
            title=args.title,
            period_start=start,
            period_end=end,
            requested_on=args.requested or date.today(),
            deadline=args.deadline,
            members_from=args.members_from,
            all_organisations=args.all_orgs,
            actor=actor_of(args),
        )
        c = made.campaign
        why = " (one calendar month after the request, §9)" if made.deadline_defaulted else ""
        print(
            f"campaign {c.id} created (draft): {c.title}\n"
            f"period {c.period_start}–{c.period_end}, requested {c.requested_on},"
            f" deadline {c.deadline}{why}"
        )
        if args.members_from is not None or args.all_orgs:
            source = "the master list" if args.all_orgs else f"campaign {args.members_from}"
            print(
                f"{made.members} organisation(s) from {source};"
                f" {made.with_contacts} already have a contact and need no new link"
            )
        else:
            print(
                "no organisations yet: add them with"
                f" `python -m admin campaign add-org {c.id} --all` (or ORG_ID…)"
            )
        if made.members > made.with_contacts:
            print(
                f"links for the {made.members - made.with_contacts} without a contact:"
                f" python -m admin invite all --campaign {c.id} --out links.csv"
            )
        print(f"open it with: python -m admin campaign open {c.id}")
        return 0

    return run(args, work)


def open_(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        c = await campaigns.open_campaign(store, args.campaign_id, actor=actor_of(args))
        print(f"campaign {c.id} is now {c.status}")
        return 0

    return run(args, work)


def close(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        check = await close_with_check(
            store, args.campaign_id, confirmed=args.yes, actor=actor_of(args)
        )
        if check.not_submitted:
            rows = [
                (r.organisation_id, r.status, r.subject_kind, shorten(r.name_ru))
                for r in check.not_submitted
            ]
            print(f"{len(rows)} organisation(s) have not submitted:")
            sys.stdout.write(table(("id", "status", "kind", "name"), rows))
        if not check.closed:
            print(
                f"campaign {args.campaign_id} is still {check.campaign.status}; to close it"
                f" anyway: python -m admin campaign close {args.campaign_id} --yes",
                file=sys.stderr,
            )
            return 1
        print(f"campaign {check.campaign.id} is now closed")
        return 0

    return run(args, work)


def list_(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        found = await campaigns.list_campaigns(store)
        if not found:
            print("no campaigns yet; create one with `python -m admin campaign create`")
            return 0
        rows = [
            (
                c.id,
                c.status,
                f"{c.period_start}:{c.period_end}",
                str(c.requested_on),
                str(c.deadline),
                c.questionnaire_version,
                c.title,
            )
            for c in found
        ]
        headers = ("id", "status", "period", "requested", "deadline", "version", "title")
        sys.stdout.write(table(headers, rows))
        return 0

    return run(args, work)


def deadline(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        moved = await campaigns.move_deadline(
            store, args.campaign_id, args.deadline, actor=actor_of(args)
        )
        line = f"campaign {args.campaign_id}: deadline is now {moved.campaign.deadline}"
        if moved.extended:
            line += f" (was {moved.previous}; reminders not yet due will go out for the new date)"
        print(line)
        return 0

    return run(args, work)


def list_members(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        found = await members.list_members(store, args.campaign_id)
        if not found:
            print(f"campaign {args.campaign_id} has no organisations yet")
            return 0
        rows = [
            (o.id, o.subject_kind, o.region or "", "removed" if o.removed else "", o.name_ru)
            for o in found
        ]
        sys.stdout.write(table(("id", "kind", "region", "list", "name"), rows))
        print(f"{len(found)} organisation(s) in campaign {args.campaign_id}")
        return 0

    return run(args, work)


def add_members(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        done = await members.add_members(
            store,
            args.campaign_id,
            args.organisation_ids,
            kind=args.kind,
            everyone=args.all,
            actor=actor_of(args),
        )
        print(f"campaign {args.campaign_id}: {len(done.changed)} organisation(s) added")
        if done.changed:
            print(f"  added: {ids_list(done.changed)}")
        if done.unchanged:
            print(f"  already in it: {ids_list(done.unchanged)}")
        return 0

    return run(args, work)


def remove_members(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        done = await members.remove_members(
            store, args.campaign_id, args.organisation_ids, actor=actor_of(args)
        )
        print(f"campaign {args.campaign_id}: {len(done.changed)} organisation(s) taken out")
        if done.changed:
            print(
                f"  taken out: {ids_list(done.changed)} — their links for this campaign are"
                " revoked; their answers are kept and come back if they are added again"
            )
        if done.unchanged:
            print(f"  not in it: {ids_list(done.unchanged)}")
        return 0

    return run(args, work)
