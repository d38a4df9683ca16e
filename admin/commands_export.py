"""``python -m admin export``: the expert group's data of a campaign (§13 of the Rules).

::

    python -m admin export --campaign 3 --format csv  --out export.csv  [--all] [--max-mb 100]
    python -m admin export --campaign 3 --format xlsx --out export.xlsx
    python -m admin export --campaign 3 --format json --out export.json

Only submitted responses by default; ``--all`` adds the unsubmitted ones (and lists
organisations that have not started in the checks).  The layout of the files is
described in :mod:`admin.export`.  Every export is recorded in the audit log as
``export.taken`` (actor, format, rows, files); a refused one as ``export.failed``.

Exporting is the coordinator's tool on the server only: the dialog channels
(Telegram, the web chat) have no export path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from admin.common import CommandError, actor_of, add_common, run
from admin.export import DEFAULT_MAX_MB, FORMATS, ExportTooLarge, load, write_export
from admin.export.csv_writer import MB
from dialogs.questionnaire import default
from storage.repository import Store


def register(subparsers: Any) -> None:
    """Add the ``export`` command."""
    p = subparsers.add_parser("export", help="answers, checks and ranking for the expert group")
    p.add_argument("--campaign", type=int, required=True, metavar="ID")
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="PATH",
        help="file to write (csv: PATH plus <stem>-checks.csv and <stem>-ranking.csv beside it)",
    )
    p.add_argument("--all", action="store_true", help="include responses that are not submitted")
    p.add_argument(
        "--max-mb",
        type=float,
        default=DEFAULT_MAX_MB,
        help=f"stop if the export would exceed this size (default {DEFAULT_MAX_MB} MB)",
    )
    add_common(p)
    p.set_defaults(handler=export)


def export(args: argparse.Namespace) -> int:
    if args.max_mb <= 0:
        print("error: --max-mb must be more than 0", file=sys.stderr)
        return 2
    if args.out.is_dir():
        print(
            f"error: {args.out} is a directory; give a file name such as"
            f" {args.out / f'export.{args.format}'}",
            file=sys.stderr,
        )
        return 2
    if not args.out.parent.exists():
        print(
            f"error: the folder {args.out.parent} does not exist; create it first", file=sys.stderr
        )
        return 2
    return run(args, lambda store: _export(store, args))


async def _export(store: Store, args: argparse.Namespace) -> int:
    actor = actor_of(args)
    only_submitted = not args.all
    data = await load(
        store, args.campaign, only_submitted=only_submitted, include_not_started=args.all
    )
    if data.questionnaire_version != default().version:
        print(
            f"warning: campaign {args.campaign} was collected with questionnaire"
            f" {data.questionnaire_version}, exported with {default().version}'s layout",
            file=sys.stderr,
        )
    details: dict[str, Any] = {
        "format": args.format,
        "only_submitted": only_submitted,
        "organisations": len(data.sheets),
    }
    try:
        result = write_export(data, args.format, args.out, max_bytes=int(args.max_mb * MB))
    except ExportTooLarge as exc:
        await store.record_event(
            actor, "export.failed", "campaign", args.campaign, {**details, "reason": str(exc)}
        )
        raise CommandError(str(exc)) from None
    await store.record_event(
        actor,
        "export.taken",
        "campaign",
        args.campaign,
        {
            **details,
            "rows": result.rows.get("answers", 0),
            "checks": result.rows.get("checks", 0),
            "ranking": result.rows.get("ranking", 0),
            "files": [str(p) for p in result.files],
        },
    )
    scope = "submitted responses" if only_submitted else "all responses"
    print(f"campaign {args.campaign}: {len(data.sheets)} organisation(s), {scope}")
    for path in result.files:
        print(f"  {path}")
    print(
        "rows: "
        + ", ".join(f"{name} {n}" for name, n in result.rows.items())
        + f"\nrecorded in the audit log as export.taken by {actor}"
    )
    return 0
