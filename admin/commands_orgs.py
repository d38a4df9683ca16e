"""``python -m admin org …``: the master list of organisations.

::

    python -m admin org import FILE.csv|FILE.xlsx [--dry-run]   # add new rows, update changed
    python -m admin org add --kind ngo --name-ru … --name-kk … [--region R] [--bin БИН]
    python -m admin org update ID [--name-ru …] [--name-kk …] [--region R] [--kind K] [--bin B]
    python -m admin org remove ID  ·  org restore ID  ·  org list [--kind K] [--removed]

The work is done by :mod:`admin.ops.organisations` and :mod:`admin.ops.org_files`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from admin.common import actor_of, add_common, fail, ids_list, run, table
from admin.ops import organisations as orgs
from admin.ops.org_files import read_master_file
from storage.repository import ImportOutcome, Store


def register(subparsers: Any) -> None:
    """Add ``org`` and its actions."""
    org = subparsers.add_parser("org", help="the master list of organisations")
    actions = org.add_subparsers(dest="org_command", required=True)

    p = actions.add_parser("add", help="add one organisation")
    p.add_argument("--kind", required=True, help="subject kind (see `questionnaire --json`)")
    p.add_argument("--name-ru", required=True)
    p.add_argument("--name-kk", required=True)
    p.add_argument("--region")
    p.add_argument("--bin", help="the 12-digit БИН, where known")
    add_common(p)
    p.set_defaults(handler=add)

    p = actions.add_parser(
        "import",
        help="add new and update changed organisations from the master file (CSV or XLSX:"
        " subject_kind,name_ru,name_kk,region[,bin])",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    add_common(p)
    p.set_defaults(handler=import_)

    p = actions.add_parser("update", help='change an organisation ("" clears region or БИН)')
    p.add_argument("organisation_id", metavar="ID", type=int)
    p.add_argument("--name-ru")
    p.add_argument("--name-kk")
    p.add_argument("--region")
    p.add_argument("--kind", help="a new subject kind (its blocks come with it)")
    p.add_argument("--bin")
    add_common(p)
    p.set_defaults(handler=update)

    p = actions.add_parser("remove", help="take an organisation off the list (kept in the past)")
    p.add_argument("organisation_id", metavar="ID", type=int)
    add_common(p)
    p.set_defaults(handler=remove)

    p = actions.add_parser("restore", help="put a removed organisation back on the list")
    p.add_argument("organisation_id", metavar="ID", type=int)
    add_common(p)
    p.set_defaults(handler=restore)

    p = actions.add_parser("list", help="organisations, by id")
    p.add_argument("--kind")
    p.add_argument("--removed", action="store_true", help="include removed organisations")
    add_common(p)
    p.set_defaults(handler=list_)


def _describe(o: orgs.OrganisationInfo) -> str:
    blocks = ", ".join(str(b) for b in o.blocks)
    return f"{o.name_ru} ({o.subject_kind}; blocks {blocks})"


def add(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        o = await orgs.add_organisation(
            store,
            kind=args.kind,
            name_ru=args.name_ru,
            name_kk=args.name_kk,
            region=args.region,
            bin=args.bin,
            actor=actor_of(args),
        )
        print(f"organisation {o.id} added: {_describe(o)}")
        return 0

    return run(args, work)


def _print_outcome(outcome: ImportOutcome, read_as: str) -> None:
    verb = "would be" if outcome.dry_run else ""
    for label, done in (("added", outcome.added), ("restored", outcome.restored)):
        for r in done:
            at = f"organisation {r.organisation_id}" if r.organisation_id else "new"
            print(f"  line {r.line}: {label} — {at}: {r.name_ru}")
    for r in [*outcome.updated, *outcome.restored]:
        for name, (before, after) in r.changes.items():
            print(
                f"  line {r.line}: organisation {r.organisation_id} {name}: {before!r} → {after!r}"
            )
    counts = (
        f"{len(outcome.added)} {verb} added, {len(outcome.updated)} {verb} updated,"
        f" {len(outcome.restored)} {verb} restored, {len(outcome.unchanged)} unchanged"
    )
    print(" ".join(counts.split()) + f" (read as {read_as})")
    if outcome.dry_run:
        print("dry run: nothing was changed; run again without --dry-run to import")


def import_(args: argparse.Namespace) -> int:
    try:
        with open(args.file, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return fail(f"{args.file} does not exist")
    except IsADirectoryError:
        return fail(f"{args.file} is a folder; give the master file")

    async def work(store: Store) -> int:
        master = read_master_file(args.file, data)
        summary = await orgs.import_organisations(
            store, master, actor=actor_of(args), dry_run=args.dry_run
        )
        _print_outcome(summary.outcome, summary.read_as)
        return 0

    return run(args, work)


def update(args: argparse.Namespace) -> int:
    changes = (args.name_ru, args.name_kk, args.region, args.kind, args.bin)
    if all(v is None for v in changes):
        return fail("nothing to change: give --name-ru, --name-kk, --region, --kind or --bin")

    async def work(store: Store) -> int:
        o = await orgs.update_organisation(
            store,
            args.organisation_id,
            kind=args.kind,
            name_ru=args.name_ru,
            name_kk=args.name_kk,
            region=args.region,
            bin=args.bin,
            actor=actor_of(args),
        )
        print(
            f"organisation {o.id} updated: {_describe(o)}, region {o.region or '—'},"
            f" БИН {o.bin or '—'}"
        )
        return 0

    return run(args, work)


def remove(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        done = await orgs.remove_organisation(store, args.organisation_id, actor=actor_of(args))
        print(
            f"organisation {done.organisation.id} removed from the list: {done.organisation.name_ru}"
        )
        if done.left_campaigns:
            print(
                f"  taken out of campaign(s) {ids_list(done.left_campaigns)} (its links there"
                " revoked, its answers kept)"
            )
        if done.kept_in_closed:
            print(f"  kept in the closed campaign(s) {ids_list(done.kept_in_closed)}")
        print(f"  bring it back with: python -m admin org restore {done.organisation.id}")
        return 0

    return run(args, work)


def restore(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        o = await orgs.restore_organisation(store, args.organisation_id, actor=actor_of(args))
        print(
            f"organisation {o.id} is back on the list: {o.name_ru} (add it to a campaign with"
            " `campaign add-org`)"
        )
        return 0

    return run(args, work)


def list_(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        found = await orgs.list_organisations(store, kind=args.kind, include_removed=args.removed)
        if not found:
            print("no organisations; add them with `org add` or `org import`")
            return 0
        rows = [
            (
                o.id,
                o.subject_kind,
                o.region or "",
                ",".join(map(str, o.blocks)),
                o.bin or "",
                "removed" if o.removed else "",
                o.name_ru,
            )
            for o in found
        ]
        headers = ("id", "kind", "region", "blocks", "bin", "list", "name")
        sys.stdout.write(table(headers, rows))
        return 0

    return run(args, work)
