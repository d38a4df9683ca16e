"""``python -m admin export``: the expert group's data of a campaign (§3, §13, §14 of the Rules).

::

    python -m admin export --campaign 3 --format xlsx --out 2025.xlsx [--lang kk]
    python -m admin export --campaigns 1,2,3 --format xlsx --out trend.xlsx   # or 1-3, or years
    python -m admin export --campaign 3 --format csv --out 2025.csv --decimal-comma
    python -m admin export --campaign 3 --format jsonl --out 2025.jsonl --suppress --k 11
    python -m admin export --campaign 3 --format parquet --out 2025.parquet   # pyarrow extra

Only submitted responses by default; ``--all`` adds the unsubmitted ones (every
organisation of the campaign is listed in the quality table either way).  ``--suppress``
hides small counts of persons (``EXPORT_SUPPRESSION``/``EXPORT_SUPPRESSION_K`` set the
default).  The files are described in :mod:`admin.export.output`.  Every export is
recorded in the audit log as ``export.taken`` (actor, format, rows, files); a refused one
as ``export.failed``.

Exporting is the coordinator's tool on the server only: the dialog channels
(Telegram, the web chat) have no export path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from admin.common import CommandError, actor_of, add_common, run
from admin.export import (
    DEFAULT_MAX_MB,
    FORMATS,
    MB,
    Disclosure,
    ExportOptions,
    ExportTooLarge,
    SheetFull,
    export_campaigns,
)
from admin.export.options import XLSX_MAX_ROWS
from admin.export.parquet_writer import ParquetUnavailable
from dialogs.application.settings import load_settings
from dialogs.i18n import LANGUAGES
from storage.repository import Store


def register(subparsers: Any) -> None:
    """Add the ``export`` command."""
    p = subparsers.add_parser("export", help="the expert group's tables (§13, §14, trend)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--campaign", type=int, metavar="ID")
    which.add_argument(
        "--campaigns", metavar="LIST", help="campaigns of the trend: ids or years, 1,2,3 or 1-3"
    )
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument("--out", type=Path, required=True, metavar="PATH", help="the file to write")
    p.add_argument("--all", action="store_true", help="include responses that are not submitted")
    p.add_argument("--lang", choices=LANGUAGES, default="ru", help="language of the labels")
    p.add_argument(
        "--decimal-comma", action="store_true", help="CSV for a ru/kk spreadsheet: 12,5 and ;"
    )
    p.add_argument(
        "--suppress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="hide small counts of persons (default: EXPORT_SUPPRESSION)",
    )
    p.add_argument(
        "--k",
        type=int,
        default=None,
        metavar="K",
        help="suppression threshold (default: EXPORT_SUPPRESSION_K, 5)",
    )
    p.add_argument(
        "--max-mb",
        type=float,
        default=DEFAULT_MAX_MB,
        help=f"stop if the export would exceed this size (default {DEFAULT_MAX_MB} MB)",
    )
    p.add_argument("--sheet-rows", type=int, default=XLSX_MAX_ROWS, help=argparse.SUPPRESS)
    add_common(p)
    p.set_defaults(handler=export)


def disclosure(args: argparse.Namespace) -> Disclosure:
    settings = load_settings()
    k = args.k if args.k is not None else settings.export_suppression_k
    enabled = args.suppress if args.suppress is not None else settings.export_suppression
    return Disclosure(k=k, enabled=bool(enabled))


def export(args: argparse.Namespace) -> int:
    problem = _check(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    return run(args, lambda store: _export(store, args))


def _check(args: argparse.Namespace) -> str | None:
    if args.max_mb <= 0:
        return "--max-mb must be more than 0"
    if args.k is not None and args.k < 2:
        return "--k must be at least 2"
    if args.out.is_dir():
        return f"{args.out} is a directory; give a file name such as {args.out / f'export.{args.format}'}"
    if not args.out.parent.exists():
        return f"the folder {args.out.parent} does not exist; create it first"
    return None


def parse_campaigns(text: str) -> list[int]:
    """``1,2,3`` or ``1-3`` (or years: ``2024-2026``) → the numbers, in order."""
    numbers: list[int] = []
    for token in filter(None, (x.strip() for x in text.split(","))):
        first, sep, last = token.partition("-")
        try:
            lo, hi = int(first), int(last) if sep else int(first)
        except ValueError:
            raise CommandError(
                f"--campaigns {text!r}: write ids or years, e.g. 1,2,3 or 1-3"
            ) from None
        if hi < lo or hi - lo > 50:
            raise CommandError(f"--campaigns {text!r}: the range {token} is empty or too long")
        numbers += [n for n in range(lo, hi + 1) if n not in numbers]
    if not numbers:
        raise CommandError("--campaigns needs at least one campaign")
    return numbers


async def resolve(store: Store, numbers: list[int]) -> list[int]:
    """Each number is a campaign id, or else the year its period starts in."""
    async with store.export_snapshot() as reader:
        campaigns = await reader.campaigns()
    ids = {c.id for c in campaigns}
    out = []
    for n in numbers:
        if n in ids:
            out.append(n)
            continue
        same_year = [c.id for c in campaigns if c.period_start.year == n]
        if len(same_year) != 1:
            found = "no campaign" if not same_year else f"campaigns {same_year}"
            raise CommandError(
                f"{n} is no campaign id, and {found} began in {n}; see `campaign list`"
            )
        out.append(same_year[0])
    return out


async def _export(store: Store, args: argparse.Namespace) -> int:
    actor = actor_of(args)
    ids = (
        [args.campaign]
        if args.campaign is not None
        else await resolve(store, parse_campaigns(args.campaigns))
    )
    options = ExportOptions(
        lang=args.lang,
        only_submitted=not args.all,
        decimal_comma=args.decimal_comma,
        disclosure=disclosure(args),
        max_bytes=int(args.max_mb * MB),
        sheet_rows=args.sheet_rows,
    )
    details: dict[str, Any] = {
        "format": args.format,
        "only_submitted": options.only_submitted,
        "campaigns": ids,
        "lang": options.lang,
        "suppression": {"enabled": options.disclosure.enabled, "k": options.disclosure.k},
    }
    target = max(ids, key=ids.index)
    try:
        result = await export_campaigns(store, ids, args.format, args.out, options)
    except ParquetUnavailable as exc:
        raise CommandError(str(exc)) from None
    except (ExportTooLarge, SheetFull) as exc:
        message = str(exc) + (", or leave out --all to export fewer responses" if args.all else "")
        await store.record_event(
            actor, "export.failed", "campaign", target, {**details, "reason": message}
        )
        raise CommandError(message) from None
    target = result.campaigns[-1]
    counts = result.counts
    await store.record_event(
        actor,
        "export.taken",
        "campaign",
        target,
        {
            **details,
            "organisations": counts.organisations,
            "included": counts.included,
            "rows": result.rows.get("answers", 0),
            "tables": result.rows,
            "suppressed": [
                counts.primary + counts.aggregate_primary,
                counts.secondary + counts.aggregate_secondary,
            ],
            "files": [str(p) for p in result.files],
        },
    )
    scope = "submitted responses" if options.only_submitted else "all responses"
    print(
        f"campaign {target}: {counts.organisations} organisation(s), {counts.included}"
        f" exported ({scope}); {counts.submitted} submitted, {counts.on_time} on time"
    )
    for path in result.files:
        print(f"  {path}")
    print(f"rows of the long table: {result.rows.get('answers', 0)}")
    if options.disclosure.enabled:
        print(
            f"small cells hidden (<{options.disclosure.k}): primary"
            f" {counts.primary + counts.aggregate_primary}, secondary"
            f" {counts.secondary + counts.aggregate_secondary}"
        )
    print(f"recorded in the audit log as export.taken by {actor}")
    return 0
