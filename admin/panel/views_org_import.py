"""The master list's import page: upload, preview, Apply (see :mod:`admin.panel.org_import`).

Coordinators only (the guard refuses everyone else, and checks Origin and the CSRF token
of both forms).  The upload is a CSV or an XLSX of at most 5 MB; the preview lists new
organisations, changed ones (field: before → after), how many are unchanged, refused rows
and duplicates, each with its line.  Apply sends back only the preview's token (and, if
wanted, an open campaign to add the file's organisations to, through the CLI's
:func:`admin.ops.members.add_members`); the store audits the import and every membership.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from yarl import URL

from admin.ops.campaigns import list_campaigns
from admin.ops.errors import OpsError
from admin.ops.members import add_members
from admin.ops.org_files import ReadAs, RowProblem, read_master_file
from admin.ops.organisations import import_organisations
from admin.panel import org_import
from admin.panel.org_import import UPLOAD_MAX, Preview, Upload
from admin.panel.texts import (
    CAMPAIGN_STATUSES,
    ERRORS,
    IMPORT,
    IMPORT_FIELDS,
    IMPORT_READ,
    IMPORT_REASONS,
    day,
    translate,
)
from admin.panel.views_campaigns import kind_labels
from admin.panel.web import PREFIX, form_value, panel_of, render, see_other, visitor
from storage import errors

PAGE = f"{PREFIX}/organisations/import"
TYPES = (".csv", ".xlsx", ".txt")
COUNTS = ("added", "updated", "restored", "unchanged", "members")


def _shown(value: object, kinds: dict[str, str], name: str) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name == "subject_kind":
        return kinds.get(str(value), str(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _read_as(lang: str, how: ReadAs) -> str:
    if how.kind == "xlsx":
        return translate(lang, IMPORT_READ["xlsx"], sheet=how.sheet)
    encoding = how.encoding
    if encoding == "Windows-1251":
        encoding = translate(lang, IMPORT_READ["1251"])
    return translate(lang, IMPORT_READ["csv"], encoding=encoding,
                     delimiter=translate(lang, IMPORT_READ[how.delimiter]))  # fmt: skip


def _reason(lang: str, problem: RowProblem) -> dict[str, Any]:
    """A refused row's line and why, in ``lang`` when the reason has a code."""
    text = problem.text
    if problem.code in IMPORT_REASONS:
        text = translate(lang, IMPORT_REASONS[problem.code], **problem.values)
    return {"line": problem.line, "text": text}


def _preview_context(lang: str, shown: Preview) -> dict[str, Any]:
    kinds = kind_labels(lang)
    outcome = shown.outcome
    added = []
    changed = []
    if outcome is not None:
        for r in outcome.added:
            row = shown.rows[r.line]
            added.append({"line": r.line, "name_ru": row.name_ru, "name_kk": row.name_kk,
                          "kind": kinds.get(row.subject_kind, row.subject_kind),
                          "region": row.region or "—", "bin": row.bin or "—"})  # fmt: skip
        for r in [*outcome.updated, *outcome.restored]:
            changed.append({
                "line": r.line, "id": r.organisation_id, "name": r.name_ru,
                "restored": r in outcome.restored,
                "changes": [{"field": translate(lang, IMPORT_FIELDS.get(k, k)),
                             "before": _shown(b, kinds, k), "after": _shown(a, kinds, k)}
                            for k, (b, a) in r.changes.items()],
            })  # fmt: skip
    return {
        "source": shown.source, "read_as": _read_as(lang, shown.read_as), "added": added, "changed": changed,
        "unchanged": len(outcome.unchanged) if outcome is not None else 0,
        "refused": [_reason(lang, p) for p in shown.refused],
        "duplicates": [_reason(lang, p) for p in shown.duplicates],
        "can_apply": shown.can_apply,
    }  # fmt: skip


async def _page(
    request: web.Request,
    *,
    problem: str = "",
    notice: str = "",
    shown: Preview | None = None,
    token: str = "",
    status: int = 200,
) -> web.Response:
    lang = visitor(request).lang
    campaigns = [
        {"id": c.id, "label": f"{c.title} ({translate(lang, CAMPAIGN_STATUSES[c.status])},"
                              f" {day(c.period_start)} – {day(c.period_end)})"}
        for c in await list_campaigns(panel_of(request).store) if c.status != "closed"
    ]  # fmt: skip
    context: dict[str, Any] = {
        "problem": problem, "notice": notice, "token": token, "campaigns": campaigns,
        "preview": _preview_context(lang, shown) if shown is not None else None,
        "upload_max_mb": UPLOAD_MAX // (1024 * 1024),
    }  # fmt: skip
    return render(request, "org_import.html", context, status=status)


async def page(request: web.Request) -> web.StreamResponse:
    """The upload form; after an Apply, what it did."""
    q, lang = request.query, visitor(request).lang
    notice = ""
    if q.get("done") == "1":
        counts = {k: q.get(k, "0")[:7] for k in COUNTS}
        notice = translate(lang, IMPORT["done"], **counts)
        if q.get("campaign"):
            notice += " " + translate(lang, IMPORT["members"], n=counts["members"])
    problem = translate(lang, IMPORT["members_failed"]) if q.get("members_failed") else ""
    return await _page(request, notice=notice, problem=problem)


async def _preview_and_keep(
    request: web.Request, source: str, data: bytes, notice: str = "", status: int = 200
) -> web.Response:
    panel, who = panel_of(request), visitor(request)
    assert who.session is not None
    try:
        shown = await org_import.preview(panel.store, source, data, actor=who.actor)
    except OpsError as exc:
        reason = translate(who.lang, IMPORT["unreadable"], reason=str(exc))
        return await _page(request, problem=reason, status=400)
    token = ""
    if shown.can_apply:
        upload = Upload(who.session.id, source, data, shown.signature,
                        panel.clock() + org_import.KEEP)  # fmt: skip
        token = panel.uploads.keep(upload, panel.clock())
    return await _page(request, notice=notice, shown=shown, token=token, status=status)


async def upload(request: web.Request) -> web.StreamResponse:
    """Read the uploaded file and show its preview (nothing changes yet)."""
    lang = visitor(request).lang
    sent = (await request.post()).get("file")
    if not isinstance(sent, web.FileField) or not sent.filename:
        return await _page(request, problem=translate(lang, IMPORT["no_file"]), status=400)
    source = sent.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not source.lower().endswith(TYPES):
        return await _page(request, problem=translate(lang, IMPORT["type"]), status=400)
    data = sent.file.read(UPLOAD_MAX + 1)
    if len(data) > UPLOAD_MAX:  # the guard's body limit stops most; a field stops here
        return await _page(request, problem=translate(lang, ERRORS["too_large"][1]), status=413)
    return await _preview_and_keep(request, source, data)


async def apply(request: web.Request) -> web.StreamResponse:
    """Import the previewed file, unless the master list changed since the preview
    (:class:`~admin.ops.organisations.PreviewChanged`: then the new preview is shown)."""
    panel, who = panel_of(request), visitor(request)
    assert who.session is not None
    form = await request.post()
    kept = panel.uploads.take(form_value(form, "token", 100), who.session.id, panel.clock())
    if kept is None:
        return await _page(request, problem=translate(who.lang, IMPORT["gone"]), status=400)
    try:
        summary = await import_organisations(
            panel.store, read_master_file(kept.source, kept.data), actor=who.actor,
            expect=lambda outcome: org_import.signature(outcome) == kept.signature,
        )  # fmt: skip
    except OpsError:  # PreviewChanged, or rows that no longer match one to one
        notice = translate(who.lang, IMPORT["changed"])
        return await _preview_and_keep(request, kept.source, kept.data, notice, status=409)
    outcome = summary.outcome
    query = {k: str(len(getattr(outcome, k))) for k in COUNTS[:-1]} | {"done": "1"}
    chosen = form_value(form, "campaign", 20)
    if chosen.isdigit():
        try:
            done = await add_members(panel.store, int(chosen), org_import.imported_ids(outcome),
                                     actor=who.actor)  # fmt: skip
            query |= {"campaign": chosen, "members": str(len(done.changed))}
        except (errors.StorageError, OpsError):
            query |= {"members_failed": "1"}
    return see_other(URL(PAGE).with_query(query))
