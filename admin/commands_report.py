"""``python -m admin report``: the draft risk assessment (§17 of the Rules) as DOCX and PDF.

::

    python -m admin report --campaigns 1,2,3 --out draft.docx [--lang kk] [--suppress]

The draft has the structure of §17 — description, analysis per §14 sub-point with tables
and charts, the trend over the campaigns, and empty sections for the conclusions, the
recommendations and the risk profiles — for the expert group to edit.  A PDF is written
beside it when LibreOffice is installed (``--no-pdf`` to skip).  Recorded in the audit
log as ``report.drafted``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from admin.commands_export import disclosure, parse_campaigns, resolve
from admin.common import CommandError, actor_of, add_common, run
from admin.export import ExportOptions
from admin.report import build_report
from admin.report.pdf import NoLibreOffice
from dialogs.i18n import LANGUAGES
from storage.repository import Store


def register(subparsers: Any) -> None:
    """Add the ``report`` command."""
    p = subparsers.add_parser("report", help="the draft risk assessment (§17) as DOCX/PDF")
    p.add_argument("--campaigns", required=True, metavar="LIST", help="ids or years: 1,2,3 or 1-3")
    p.add_argument("--out", type=Path, required=True, metavar="PATH.docx")
    p.add_argument("--lang", choices=LANGUAGES, default="ru")
    p.add_argument(
        "--pdf",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also write PATH.pdf (default: when LibreOffice is installed)",
    )
    p.add_argument("--suppress", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--k", type=int, default=None, metavar="K")
    add_common(p)
    p.set_defaults(handler=report)


def report(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".docx":
        print("error: --out must name a .docx file, e.g. draft.docx", file=sys.stderr)
        return 2
    if not args.out.parent.exists():
        print(
            f"error: the folder {args.out.parent} does not exist; create it first", file=sys.stderr
        )
        return 2
    return run(args, lambda store: _report(store, args))


async def _report(store: Store, args: argparse.Namespace) -> int:
    ids = await resolve(store, parse_campaigns(args.campaigns))
    options = ExportOptions(lang=args.lang, disclosure=disclosure(args))
    want_pdf = args.pdf if args.pdf is not None else shutil.which("soffice") is not None
    try:
        result = await build_report(store, ids, args.out, options, pdf=want_pdf)
    except NoLibreOffice as exc:
        raise CommandError(str(exc)) from None
    files = [str(result.docx), *([str(result.pdf)] if result.pdf else [])]
    await store.record_event(
        actor_of(args),
        "report.drafted",
        "campaign",
        result.campaigns[-1],
        {"campaigns": result.campaigns, "lang": args.lang, "files": files},
    )
    print(
        f"draft assessment over campaigns {', '.join(map(str, result.campaigns))}:"
        f" {result.charts} chart(s)"
    )
    for path in files:
        print(f"  {path}")
    return 0
