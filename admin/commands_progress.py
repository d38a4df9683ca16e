"""``python -m admin progress`` (who to chase) and ``python -m admin return`` (send back).

::

    python -m admin progress --campaign ID [--status S] [--region R] [--kind K] [--out FILE.csv]
    python -m admin return RESPONSE_ID --reason "…"

The work is done by :mod:`admin.ops.progress` and :mod:`admin.ops.responses`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from admin.common import actor_of, add_common, iso_date, run, shorten, table, when, write_csv
from admin.ops import progress_table
from admin.ops.progress import STATUSES, CampaignProgress, OrganisationProgress, campaign_progress
from admin.ops.responses import return_response
from storage.deadlines import local_date
from storage.models import utcnow
from storage.repository import Store

HEADERS = (
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
    "submitted",
    "contacts",
    "last_seen",
    "links",
)


def register(subparsers: Any) -> None:
    """Add ``progress`` and ``return``."""
    p = subparsers.add_parser("progress", help="who to chase: each organisation's status")
    p.add_argument("--campaign", type=int, required=True, metavar="ID")
    p.add_argument("--status", choices=STATUSES, help="only organisations in this status")
    p.add_argument("--region", help="only organisations of this region")
    p.add_argument("--kind", help="only organisations of this subject kind")
    p.add_argument("--out", type=Path, metavar="FILE.csv", help="also write the table as CSV")
    p.add_argument("--today", type=iso_date, help="the day to compute for (default: today)")
    add_common(p)
    p.set_defaults(handler=progress)

    p = subparsers.add_parser("return", help="return a submitted response for correction")
    p.add_argument("response_id", metavar="RESPONSE_ID", type=int)
    p.add_argument("--reason", required=True, help="what the organisation must correct")
    add_common(p)
    p.set_defaults(handler=return_)


def today() -> date:
    """Today in Kazakhstan (the deadline is a local date)."""
    return local_date(utcnow())


def _contacts(row: OrganisationProgress) -> str:
    if not row.contacts:
        return "—"
    channels = sorted({ch for c in row.contacts for ch in c.channels})
    langs = sorted({c.language for c in row.contacts})
    return f"{len(row.contacts)} {'+'.join(channels) or 'none'} {','.join(langs)}"


def _line(row: OrganisationProgress) -> tuple[Any, ...]:
    late = " late" if row.on_time is False else ""
    return (
        row.organisation_id,
        row.subject_kind,
        row.region or "",
        shorten(row.name_ru),
        row.response_id if row.response_id is not None else "",
        row.status,
        f"{row.answered}/{row.fields}",
        f"{row.percent}%",
        row.no_data,
        row.mismatches,
        (when(row.submitted_at)[:10] + late) if row.submitted_at else "",
        _contacts(row),
        when(progress_table.last_seen(row)),
        f"{row.links.made}/{row.links.used}/{row.links.revoked}",
    )


def _summary(p: CampaignProgress) -> str:
    c, rates = p.campaign, p.rates
    line = (
        f"submitted {rates.actual} of {rates.expected} ({rates.actual_percent}%), on time"
        f" {rates.on_time} ({rates.on_time_percent}%); campaign {c.id} is {c.status},"
        f" deadline {c.deadline}"
    )
    if c.closed_at is not None:
        return line + f" (closed {p.as_of}; figures as of that day)"
    if p.as_of > c.deadline and rates.actual < rates.expected:
        return line + f" — OVERDUE by {(p.as_of - c.deadline).days} day(s)"
    if p.as_of <= c.deadline:
        return line + f" ({(c.deadline - p.as_of).days} day(s) left)"
    return line


def progress(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        p = await campaign_progress(
            store,
            args.campaign,
            today=args.today or today(),
            status=args.status,
            region=args.region,
            kind=args.kind,
        )
        if p.rows:
            sys.stdout.write(table(HEADERS, [_line(r) for r in p.rows]))
        elif args.status or args.region or args.kind:
            print("no organisations match")
        else:
            print(
                f"campaign {args.campaign} has no organisations; add them with"
                f" `python -m admin campaign add-org {args.campaign} --all`"
            )
        counts = Counter(r.status for r in p.rows)
        if counts:
            print("by status: " + ", ".join(f"{s} {counts[s]}" for s in STATUSES if counts[s]))
        print(_summary(p))
        print("links: made/used/revoked; times in Kazakhstan")
        if args.out is not None:
            n = write_csv(args.out, progress_table.COLUMNS, progress_table.rows(p))
            print(f"{n} row(s) written to {args.out}")
        return 0

    return run(args, work)


def return_(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        done = await return_response(store, args.response_id, args.reason, actor=actor_of(args))
        print(
            f"response {done.response_id} returned for correction: {done.reason}\n"
            "its contacts are told by the bot's reminder loop"
        )
        return 0

    return run(args, work)
