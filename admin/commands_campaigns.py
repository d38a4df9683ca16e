"""The coordinator's campaign work: campaigns, organisations, invitations, progress, returns.

::

    python -m admin campaign create --title "2025" --period 2025-01-01:2025-12-31
    python -m admin campaign open|close ID  ·  campaign list  ·  campaign deadline ID DATE
    python -m admin org add --kind ngo --name-ru … --name-kk … [--region R]
    python -m admin org import FILE.csv  ·  org list [--kind K]
    python -m admin invite ORG_ID --campaign ID [--uses N] [--days D]
    python -m admin invite all --campaign ID --out links.csv
    python -m admin progress --campaign ID
    python -m admin return RESPONSE_ID --reason "…"

Every command takes ``--url`` (default: ``$DATABASE_URL`` / the settings) and ``--actor``
(default ``coordinator:$USER``; written to the audit log).  Output is plain text tables on
stdout; errors go to stderr as ``error: …`` saying what to do, with exit status 2.

The helpers they share with :mod:`admin.commands_export` are in :mod:`admin.common`.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from admin.common import (
    IMPORT_COLUMNS,
    NAME_MAX,
    REGION_MAX,
    CommandError,
    actor_of,
    add_common,
    blocks_for,
    check_kind,
    fail,
    iso_date,
    kinds_text,
    period,
    positive,
    run,
    shorten,
    table,
)
from admin.export import checks as export_checks
from admin.export.csv_writer import BOM, cell
from admin.export.data import iso_utc, load
from dialogs.application.settings import load_settings
from dialogs.questionnaire import default
from storage import errors
from storage.repository import Store

# --- registration ----------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add ``campaign``, ``org``, ``invite``, ``progress`` and ``return``."""
    campaign = subparsers.add_parser("campaign", help="create, open, close and list campaigns")
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
    add_common(p)
    p.set_defaults(handler=campaign_create)

    for name, status, text in (("open", "open", "open"), ("close", "closed", "close")):
        p = actions.add_parser(name, help=f"{text} a campaign")
        p.add_argument("campaign_id", metavar="ID", type=int)
        add_common(p)
        p.set_defaults(handler=campaign_status, status=status)

    p = actions.add_parser("list", help="every campaign, newest first")
    add_common(p)
    p.set_defaults(handler=campaign_list)

    p = actions.add_parser("deadline", help="move a campaign's deadline")
    p.add_argument("campaign_id", metavar="ID", type=int)
    p.add_argument("deadline", metavar="DATE", type=iso_date)
    add_common(p)
    p.set_defaults(handler=campaign_deadline)

    org = subparsers.add_parser("org", help="organisations that answer")
    actions = org.add_subparsers(dest="org_command", required=True)
    p = actions.add_parser("add", help="add one organisation")
    p.add_argument("--kind", required=True, help="subject kind (see `questionnaire --json`)")
    p.add_argument("--name-ru", required=True)
    p.add_argument("--name-kk", required=True)
    p.add_argument("--region")
    add_common(p)
    p.set_defaults(handler=org_add)

    p = actions.add_parser(
        "import", help="add organisations from a CSV (subject_kind,name_ru,name_kk,region)"
    )
    p.add_argument("file", metavar="FILE.csv", type=Path)
    add_common(p)
    p.set_defaults(handler=org_import)

    p = actions.add_parser("list", help="organisations, by id")
    p.add_argument("--kind")
    add_common(p)
    p.set_defaults(handler=org_list)

    p = subparsers.add_parser(
        "invite",
        help="invitation links for an organisation (ORG_ID) or for every organisation (all)",
    )
    p.add_argument("target", metavar="ORG_ID|all")
    p.add_argument("--campaign", type=int, required=True, metavar="ID")
    p.add_argument("--uses", type=positive, default=1, help="people the link may bind (default 1)")
    p.add_argument("--days", type=positive, default=45, help="days the link is valid (default 45)")
    p.add_argument("--out", type=Path, help="with `all`: the CSV file for the links")
    add_common(p)
    p.set_defaults(handler=invite)

    p = subparsers.add_parser("progress", help="who has answered how much")
    p.add_argument("--campaign", type=int, required=True, metavar="ID")
    add_common(p)
    p.set_defaults(handler=progress)

    p = subparsers.add_parser("return", help="return a submitted response for correction")
    p.add_argument("response_id", metavar="RESPONSE_ID", type=int)
    p.add_argument("--reason", required=True, help="what the organisation must correct")
    add_common(p)
    p.set_defaults(handler=return_response)


# --- campaigns -------------------------------------------------------------------------------


def campaign_create(args: argparse.Namespace) -> int:
    start, end = args.period
    requested = args.requested or date.today()
    if args.deadline is not None and args.deadline < requested:
        return fail(f"the deadline {args.deadline} is before the request date {requested}")

    async def work(store: Store) -> int:
        campaign = await store.create_campaign(
            title=args.title,
            period_start=start,
            period_end=end,
            questionnaire_version=default().version,
            requested_on=requested,
            deadline=args.deadline,
            actor=actor_of(args),
        )
        why = "" if args.deadline else " (one calendar month after the request, §9)"
        print(
            f"campaign {campaign.id} created (draft): {campaign.title}\n"
            f"period {start}–{end}, requested {requested}, deadline {campaign.deadline}{why}\n"
            f"open it with: python -m admin campaign open {campaign.id}"
        )
        return 0

    return run(args, work)


def campaign_status(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        campaign = await store.set_campaign_status(
            args.campaign_id, args.status, actor=actor_of(args)
        )
        print(f"campaign {campaign.id} is now {campaign.status}")
        return 0

    return run(args, work)


def campaign_list(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        campaigns = await store.list_campaigns()
        if not campaigns:
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
            for c in campaigns
        ]
        headers = ("id", "status", "period", "requested", "deadline", "version", "title")
        sys.stdout.write(table(headers, rows))
        return 0

    return run(args, work)


def campaign_deadline(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        await store.set_campaign_deadline(args.campaign_id, args.deadline, actor=actor_of(args))
        print(f"campaign {args.campaign_id}: deadline is now {args.deadline}")
        return 0

    return run(args, work)


# --- organisations ---------------------------------------------------------------------------


def org_add(args: argparse.Namespace) -> int:
    try:
        check_kind(args.kind)
        names = _check_names(args.name_ru, args.name_kk, args.region)
    except CommandError as exc:
        return fail(str(exc))

    async def work(store: Store) -> int:
        org = await store.create_organisation(
            name_ru=names[0],
            name_kk=names[1],
            subject_kind=args.kind,
            region=names[2],
            blocks=blocks_for(args.kind),
        )
        await store.record_event(
            actor_of(args), "organisation.created", "organisation", org.id, {"kind": args.kind}
        )
        blocks = ", ".join(str(b) for b in org.blocks)
        print(f"organisation {org.id} added: {org.name_ru} ({org.subject_kind}; blocks {blocks})")
        return 0

    return run(args, work)


def _check_names(name_ru: str, name_kk: str, region: str | None) -> tuple[str, str, str | None]:
    name_ru, name_kk = name_ru.strip(), name_kk.strip()
    region = (region or "").strip() or None
    for label, value in (("name_ru", name_ru), ("name_kk", name_kk)):
        if not value:
            raise CommandError(f"{label} is empty; every organisation needs both names")
        if len(value) > NAME_MAX:
            raise CommandError(f"{label} is longer than {NAME_MAX} characters")
    if region is not None and len(region) > REGION_MAX:
        raise CommandError(f"region is longer than {REGION_MAX} characters")
    return name_ru, name_kk, region


def read_import(
    path: Path, existing: set[tuple[str, str]]
) -> list[tuple[str, str, str, str | None]]:
    """Every row of the import file, or :class:`CommandError` listing every bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path} does not exist") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text; save it as CSV UTF-8") from None
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise CommandError(
            f"{path}:1: the header must name the columns {','.join(IMPORT_COLUMNS)};"
            f" missing: {', '.join(missing)}"
        )
    reader.fieldnames = header
    problems: list[str] = []
    rows = []
    seen = set(existing)
    kinds = {k.code for k in default().subject_kinds}
    for row in reader:
        line = reader.line_num
        kind = (row.get("subject_kind") or "").strip()
        if None in row:
            problems.append(f"{path}:{line}: more cells than columns")
            continue
        if kind not in kinds:
            problems.append(f"{path}:{line}: unknown subject kind {kind!r}")
            continue
        try:
            name_ru, name_kk, region = _check_names(
                row.get("name_ru") or "", row.get("name_kk") or "", row.get("region")
            )
        except CommandError as exc:
            problems.append(f"{path}:{line}: {exc}")
            continue
        if (kind, name_ru) in seen:
            problems.append(f"{path}:{line}: {name_ru!r} ({kind}) already exists")
            continue
        seen.add((kind, name_ru))
        rows.append((kind, name_ru, name_kk, region))
    if problems:
        raise CommandError(
            f"{len(problems)} bad row(s), nothing imported; fix them and run the import again:\n"
            + "\n".join(problems)
            + f"\n(subject kinds: {kinds_text()})"
        )
    if not rows:
        raise CommandError(f"{path} has no rows under its header; nothing imported")
    return rows


def org_import(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        existing = {(o.subject_kind, o.name_ru) for o in await store.list_organisations()}
        rows = read_import(args.file, existing)
        ids = []
        for kind, name_ru, name_kk, region in rows:
            org = await store.create_organisation(
                name_ru=name_ru,
                name_kk=name_kk,
                subject_kind=kind,
                region=region,
                blocks=blocks_for(kind),
            )
            ids.append(org.id)
        await store.record_event(
            actor_of(args),
            "organisation.imported",
            "organisation",
            None,
            {"file": str(args.file), "ids": ids},
        )
        print(f"{len(ids)} organisation(s) imported (ids {ids[0]}–{ids[-1]})")
        return 0

    return run(args, work)


def org_list(args: argparse.Namespace) -> int:
    if args.kind is not None:
        try:
            check_kind(args.kind)
        except CommandError as exc:
            return fail(str(exc))

    async def work(store: Store) -> int:
        orgs = await store.list_organisations(args.kind)
        if not orgs:
            print("no organisations; add them with `org add` or `org import`")
            return 0
        rows = [
            (o.id, o.subject_kind, o.region or "", ",".join(map(str, o.blocks)), o.name_ru)
            for o in orgs
        ]
        sys.stdout.write(table(("id", "kind", "region", "blocks", "name"), rows))
        return 0

    return run(args, work)


# --- invitations -----------------------------------------------------------------------------


def links(token: str) -> tuple[str, str]:
    """(web link, Telegram link or "")."""
    settings = load_settings()
    web = f"{settings.public_url.rstrip('/')}/i/{token}"
    bot = (settings.bot_username or "").lstrip("@")
    return web, f"https://t.me/{bot}?start={token}" if bot else ""


def invite(args: argparse.Namespace) -> int:
    if args.target == "all":
        if args.out is None:
            return fail("`invite all` writes the links to a file; give --out links.csv")
        if args.out.exists():
            return fail(f"{args.out} exists; choose another --out (the links in it stay valid)")
        return run(args, lambda store: _invite_all(store, args))
    try:
        org_id = int(args.target)
    except ValueError:
        return fail(f"{args.target!r} is neither an organisation id nor `all`")
    return run(args, lambda store: _invite_one(store, args, org_id))


async def _campaign_note(store: Store, campaign_id: int) -> None:
    campaign = await store.get_campaign(campaign_id)
    if campaign.status != "open":
        print(
            f"note: campaign {campaign_id} is {campaign.status}; open it before sending the links"
            f" (python -m admin campaign open {campaign_id})",
            file=sys.stderr,
        )


async def _invite_one(store: Store, args: argparse.Namespace, org_id: int) -> int:
    await _campaign_note(store, args.campaign)
    org = await store.get_organisation(org_id)
    invitation, token = await store.create_invitation(
        org_id,
        args.campaign,
        actor=actor_of(args),
        expires_at=datetime.now(UTC) + timedelta(days=args.days),
        max_uses=args.uses,
    )
    web, telegram = links(token)
    print(f"invitation {invitation.id} for organisation {org.id}: {org.name_ru}")
    print(f"web:      {web}")
    if telegram:
        print(f"telegram: {telegram}")
    print(
        f"valid until {iso_utc(invitation.expires_at)} for {args.uses} person(s)."
        " The link is shown only this once (only its hash is stored)."
    )
    return 0


async def _invite_all(store: Store, args: argparse.Namespace) -> int:
    await _campaign_note(store, args.campaign)
    orgs = await store.list_organisations()
    if not orgs:
        raise CommandError("there are no organisations; add them with `org add` or `org import`")
    expires = datetime.now(UTC) + timedelta(days=args.days)
    partial = args.out.with_name(args.out.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as f:
            f.write(BOM)
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(
                ("organisation_id", "organisation", "kind", "web_link", "telegram_link")
            )
            for org in orgs:
                _, token = await store.create_invitation(
                    org.id,
                    args.campaign,
                    actor=actor_of(args),
                    expires_at=expires,
                    max_uses=args.uses,
                )
                web, telegram = links(token)
                writer.writerow((org.id, cell(org.name_ru), org.subject_kind, web, telegram))
        os.replace(partial, args.out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    print(
        f"{len(orgs)} invitation(s) written to {args.out}, valid until {iso_utc(expires)}.\n"
        "The links are shown only this once (only their hashes are stored): keep the file"
        " safe, send each organisation its own link, then delete the file."
    )
    return 0


# --- progress and returns --------------------------------------------------------------------


def progress(args: argparse.Namespace) -> int:
    async def work(store: Store) -> int:
        data = await load(store, args.campaign, only_submitted=False, include_not_started=True)
        rows = []
        submitted = 0
        for sheet in data.sheets:
            s = export_checks.summary(data, sheet)
            submitted += sheet.status == "submitted"
            rows.append(
                (
                    sheet.organisation_id,
                    sheet.subject_kind,
                    sheet.region or "",
                    shorten(sheet.name_ru),
                    sheet.response_id if sheet.response_id is not None else "",
                    sheet.status,
                    f"{s['answered']}/{s['fields']}",
                    f"{export_checks.percent(s['answered'], s['fields'])}%",
                    s["no_data"],
                    s["mismatches"],
                    iso_utc(sheet.last_answer_at()),
                )
            )
        headers = (
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
            "last_answer",
        )
        if rows:
            sys.stdout.write(table(headers, rows))
        else:
            print("no organisations; add them with `org add` or `org import`")
        today = date.today()
        line = (
            f"submitted {submitted} of {len(data.sheets)}; campaign {data.campaign_id} is"
            f" {data.status}, deadline {data.deadline}"
        )
        if today > data.deadline and submitted < len(data.sheets):
            line += f" — OVERDUE by {(today - data.deadline).days} day(s)"
        elif today <= data.deadline:
            line += f" ({(data.deadline - today).days} day(s) left)"
        print(line)
        return 0

    return run(args, work)


def return_response(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        return fail("--reason is empty; say what the organisation must correct")

    async def work(store: Store) -> int:
        try:
            response = await store.return_for_correction(
                args.response_id, args.reason.strip(), actor=actor_of(args)
            )
        except errors.InvalidTransition as exc:
            raise CommandError(
                f"response {args.response_id} is {exc.current}: only a submitted response can"
                " be returned (see `python -m admin progress --campaign ID`)"
            ) from None
        print(
            f"response {response.id} returned for correction: {response.return_reason}\n"
            "its contacts are told by the bot's reminder loop"
        )
        return 0

    return run(args, work)
