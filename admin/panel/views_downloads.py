"""Downloads of a campaign's exports (every format of :mod:`admin.export`), streamed.

A download is a GET (experts download too, and an expert may never POST): the form on
the downloads page only chooses the format and options.  Experts always get disclosure
control — whatever the query says, small counts of persons are hidden (``k`` at least
the setting's).  The export is written by :func:`admin.export.export_campaigns` into a
temporary folder (one workbook, or one file per table zipped), streamed in chunks, then
deleted; every download, and every refused one, is in the audit log as the CLI records
it (``export.taken`` / ``export.failed``), with the panel user as the actor.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from aiohttp import web

from admin.export import (
    FORMATS,
    Disclosure,
    ExportOptions,
    ExportResult,
    ExportTooLarge,
    SheetFull,
    export_campaigns,
)
from admin.export.parquet_writer import ParquetUnavailable
from admin.panel.views_campaigns import campaign_id
from admin.panel.web import Visitor, error_page, panel_of, render, visitor
from dialogs import i18n
from storage import errors

CHUNK = 256 * 1024
TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def options_of(request: web.Request, who: Visitor) -> tuple[str, ExportOptions]:
    """(format, options) from the query; experts get disclosure control forced on."""
    q = request.query
    fmt = q.get("format", "xlsx")
    if fmt not in FORMATS:
        raise web.HTTPNotFound()
    settings = panel_of(request).settings
    lang = q.get("lang", who.lang)
    try:
        k = max(int(q.get("k", settings.export_suppression_k)), 2)
    except ValueError:
        k = settings.export_suppression_k
    suppress = q.get("suppress") == "1"
    if not who.is_coordinator:
        suppress, k = True, max(k, settings.export_suppression_k)
    return fmt, ExportOptions(
        lang=lang if lang in i18n.LANGUAGES else i18n.SOURCE_LANGUAGE,
        only_submitted=not (who.is_coordinator and q.get("all") == "1"),
        decimal_comma=q.get("decimal_comma") == "1",
        disclosure=Disclosure(k=k, enabled=suppress),
    )


async def downloads(request: web.Request) -> web.StreamResponse:
    """The page: formats and options (disclosure control shown forced for experts)."""
    store = panel_of(request).store
    try:
        campaign = await store.get_campaign(campaign_id(request))
    except errors.NotFound:
        raise web.HTTPNotFound() from None
    settings = panel_of(request).settings
    return render(request, "downloads.html", {
        "campaign": campaign, "formats": FORMATS, "k": settings.export_suppression_k,
    })  # fmt: skip


def _details(fmt: str, options: ExportOptions, ids: list[int]) -> dict[str, Any]:
    return {
        "format": fmt, "only_submitted": options.only_submitted, "campaigns": ids,
        "lang": options.lang, "via": "panel",
        "suppression": {"enabled": options.disclosure.enabled, "k": options.disclosure.k},
    }  # fmt: skip


def _bundle(result: ExportResult, folder: Path, name: str) -> Path:
    """The one file to send: the workbook, or a zip of the tables' files."""
    if len(result.files) == 1:
        return result.files[0]
    bundle = folder / f"{name}.zip"
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in result.files:
            z.write(path, arcname=path.name)
    return bundle


async def export(request: web.Request) -> web.StreamResponse:
    who = visitor(request)
    store = panel_of(request).store
    target = campaign_id(request)
    fmt, options = options_of(request, who)
    details = _details(fmt, options, [target])
    with tempfile.TemporaryDirectory(prefix="saualnama-export-") as tmp:
        folder = Path(tmp)
        name = f"saualnama-{target}"
        try:
            result = await export_campaigns(store, [target], fmt, folder / f"{name}.{fmt}",
                                            options)  # fmt: skip
        except errors.NotFound:
            raise web.HTTPNotFound() from None
        except (ParquetUnavailable, ExportTooLarge, SheetFull) as exc:
            await store.record_event(who.actor, "export.failed", "campaign", target,
                                     {**details, "reason": str(exc)})  # fmt: skip
            return error_page(request, 409, "export")
        counts = result.counts
        await store.record_event(who.actor, "export.taken", "campaign", target, {
            **details, "organisations": counts.organisations, "included": counts.included,
            "rows": result.rows.get("answers", 0), "files": [p.name for p in result.files],
        })  # fmt: skip
        path = _bundle(result, folder, name)
        return await _stream(request, path)


async def _stream(request: web.Request, path: Path) -> web.StreamResponse:
    response = web.StreamResponse(headers={
        "Content-Type": TYPES.get(path.suffix.lstrip("."), "application/zip"),
        "Content-Disposition": f'attachment; filename="{path.name}"',
        "Content-Length": str(path.stat().st_size),
    })  # fmt: skip
    await response.prepare(request)
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            await response.write(chunk)
    await response.write_eof()
    return response
