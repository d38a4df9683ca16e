"""``python -m admin reminders …``: a campaign's reminder settings, log and unreachable people.

::

    python -m admin reminders show 2        # the settings and the schedule, with counts
    python -m admin reminders set 2 --offsets 14,7,1 --overdue-every 3 --overdue-cap 4 \\
        --min-gap-hours 20 --time-zone Asia/Almaty --hours 9-19 [--no-on-the-day]
    python -m admin reminders log 2         # which channel reached (or failed) whom, when
    python -m admin reminders undeliverable [--campaign 2]
    python -m admin reminders retry 12 [--channel telegram]   # they unblocked the bot
    python -m admin reminders email 12 a.sapar@example.kz     # or --clear

The work is done by :mod:`admin.ops.reminders`.
"""

from __future__ import annotations

import argparse
from typing import Any

from admin.common import add_common, run, table, when
from admin.ops import reminders as ops
from storage.repository import Store


def _hours(text: str) -> tuple[int, int]:
    start, sep, end = text.partition("-")
    if not sep or not start.strip().isdigit() or not end.strip().isdigit():
        raise argparse.ArgumentTypeError(f"hours as FROM-UNTIL, e.g. 9-20, not {text!r}")
    return int(start), int(end)


def register(subparsers: Any) -> None:
    """Add ``reminders`` and its actions."""
    parser = subparsers.add_parser("reminders", help="reminder settings, log, undeliverable")
    actions = parser.add_subparsers(dest="reminders_command", required=True)
    p = actions.add_parser("show", help="a campaign's reminder settings and schedule")
    p.add_argument("campaign_id", metavar="ID", type=int)
    add_common(p)
    p.set_defaults(handler=show)
    p = actions.add_parser("set", help="change a campaign's reminder settings")
    p.add_argument("campaign_id", metavar="ID", type=int)
    p.add_argument("--offsets", help="days before the deadline, e.g. 7,3,1")
    p.add_argument("--on-the-day", dest="on_the_day", action="store_true", default=None)
    p.add_argument("--no-on-the-day", dest="on_the_day", action="store_false")
    p.add_argument("--overdue-every", dest="overdue_every_days", type=int, metavar="DAYS")
    p.add_argument("--overdue-cap", dest="overdue_cap", type=int, metavar="N")
    p.add_argument("--min-gap-hours", dest="min_gap_hours", type=int, metavar="HOURS")
    p.add_argument("--time-zone", dest="time_zone", metavar="ZONE", help="e.g. Asia/Almaty")
    p.add_argument("--hours", type=_hours, metavar="FROM-UNTIL", help="sending hours, e.g. 9-20")
    add_common(p)
    p.set_defaults(handler=set_)
    p = actions.add_parser("log", help="every reminder sent or tried, with its channel")
    p.add_argument("campaign_id", metavar="ID", type=int)
    add_common(p)
    p.set_defaults(handler=log)
    p = actions.add_parser("undeliverable", help="contacts a channel cannot reach")
    p.add_argument("--campaign", type=int, metavar="ID", help="of a campaign's organisations")
    add_common(p)
    p.set_defaults(handler=undeliverable)
    p = actions.add_parser("retry", help="try an undeliverable contact again")
    p.add_argument("contact_id", metavar="CONTACT", type=int)
    p.add_argument("--channel", choices=("telegram", "email"))
    add_common(p)
    p.set_defaults(handler=retry)
    p = actions.add_parser("email", help="where e-mail reminders reach a contact")
    p.add_argument("contact_id", metavar="CONTACT", type=int)
    p.add_argument("address", nargs="?")
    p.add_argument("--clear", action="store_true")
    add_common(p)
    p.set_defaults(handler=email)


def _describe(policy: Any) -> str:
    offsets = ", ".join(f"D-{n}" for n in policy.milestones())
    gap = int(policy.min_gap.total_seconds() // 3600)
    return (
        f"before the deadline: {offsets or 'none'}; overdue: every {policy.overdue_every_days} "
        f"day(s), at most {policy.overdue_cap}; minimum gap {gap} h; sending hours "
        f"{policy.hours[0]:02d}:00-{policy.hours[1]:02d}:00 {policy.time_zone}"
    )


def show(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        policy = await ops.get_policy(store, args.campaign_id)
        print(_describe(policy))
        rows = [
            (m.kind, m.due_on, m.sent, m.failed)
            for m in await ops.schedule(store, args.campaign_id)
        ]
        print(table(("reminder", "due on", "sent", "failed"), rows))
        return 0

    return run(args, work)


def set_(args: argparse.Namespace) -> int:
    names = ("offsets", "on_the_day", "overdue_every_days", "overdue_cap", "min_gap_hours")
    changes = {n: getattr(args, n) for n in (*names, "time_zone", "hours")}
    changes = {n: v for n, v in changes.items() if v is not None}

    async def work(store: Store) -> int:
        policy = await ops.set_policy(store, args.campaign_id, **changes)
        print(f"campaign {args.campaign_id}: {_describe(policy)}")
        return 0

    return run(args, work)


def log(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        entries = await ops.reminder_log(store, args.campaign_id)
        if not entries:
            print("no reminders sent or tried yet")
            return 0
        rows = [
            (e.at.strftime("%Y-%m-%d %H:%M"), e.contact_id, e.organisation_id, e.kind,
             e.deadline, e.channel, e.status, e.error or "")
            for e in entries
        ]  # fmt: skip
        print(
            table(
                ("at (UTC)", "contact", "org", "kind", "deadline", "channel", "status", "error"),
                rows,
            )
        )
        return 0

    return run(args, work)


def undeliverable(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        found = await ops.undeliverable(store, args.campaign)
        if not found:
            print("nobody is undeliverable")
            return 0
        rows = [
            (u.contact_id, u.display_name, u.organisation_id, u.channel, when(u.at), u.reason)
            for u in found
        ]
        print(table(("contact", "name", "org", "channel", "since", "reason"), rows))
        return 0

    return run(args, work)


def retry(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        removed = await ops.clear_undeliverable(store, args.contact_id, args.channel)
        print(
            f"contact {args.contact_id}: "
            + ("will be tried again" if removed else "was not undeliverable")
        )
        return 0

    return run(args, work)


def email(args: argparse.Namespace) -> int:
    if (args.address is None) == (not args.clear):
        print("error: give an address or --clear")
        return 2

    async def work(store: Store) -> int:
        await ops.set_email(store, args.contact_id, None if args.clear else args.address)
        print(
            f"contact {args.contact_id}: "
            + (f"e-mail {args.address}" if args.address else "no e-mail")
        )
        return 0

    return run(args, work)
