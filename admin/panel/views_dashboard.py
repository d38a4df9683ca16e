"""A campaign's dashboard: reporting rates by region and by kind, a chart, days left, changes.

The statuses come from :func:`admin.ops.progress.campaign_progress` (the CLI's
``progress``) without reading the answers (``counts=False``): a 3,000-organisation
campaign is one roster read, narrowed to a region or kind in memory
(:func:`~admin.ops.progress.narrow`).  The chart is SVG drawn by the template on the
server (percent widths, so it fits a phone and a laptop without script); ``panel.js``
reloads the live part of the page every minute while the page is visible.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.ops.errors import OpsError
from admin.ops.progress import CampaignProgress, campaign_progress, narrow
from admin.panel import dashboard as dash
from admin.panel.texts import CAMPAIGN_STATUSES, DASHBOARD, PROBLEMS, day, translate
from admin.panel.views_campaigns import campaign_id, kind_labels
from admin.panel.web import panel_of, render, visitor
from storage import errors
from storage.deadlines import local_date

REFRESH_SECONDS = 60


async def _progress(request: web.Request) -> CampaignProgress:
    panel = panel_of(request)
    try:
        return await campaign_progress(
            panel.store, campaign_id(request), today=local_date(panel.clock()), counts=False
        )
    except errors.NotFound:
        raise web.HTTPNotFound() from None


def _wanted(request: web.Request, kinds: dict[str, str]) -> tuple[dict[str, str], str]:
    """The filters asked for, and a problem to show for one not understood (then dropped)."""
    wanted = {n: request.query.get(n, "").strip()[:200] for n in ("region", "kind")}
    if wanted["kind"] and wanted["kind"] not in kinds:
        lang = visitor(request).lang
        wanted["kind"] = ""
        return wanted, translate(lang, PROBLEMS["filter"], name=translate(lang, DASHBOARD["kind"]))
    return wanted, ""


async def dashboard(request: web.Request) -> web.StreamResponse:
    lang = visitor(request).lang
    kinds = kind_labels(lang)
    wanted, problem = _wanted(request, kinds)
    everything = await _progress(request)
    try:
        progress = narrow(everything, region=wanted["region"] or None, kind=wanted["kind"] or None)
    except OpsError:
        progress = everything
    rows, info = progress.rows, progress.campaign
    no_region = translate(lang, DASHBOARD["no_region"])
    context: dict[str, Any] = {
        "campaign": {
            "id": info.id,
            "title": info.title,
            "status": translate(lang, CAMPAIGN_STATUSES.get(info.status, info.status)),
            "period": f"{day(info.period_start)} – {day(info.period_end)}",
            "deadline": day(info.deadline),
            "closed": info.status == "closed",
        },
        "as_of": day(progress.as_of),
        "days_left": dash.days_left(progress.as_of, info.deadline),
        "total": dash.tally("all", "", rows),
        "regions": dash.by(rows, lambda r: r.region or "", lambda k: k or no_region),
        "kinds": dash.by(rows, lambda r: r.subject_kind, lambda k: kinds.get(k, k)),
        "changes": dash.since_yesterday(
            rows, panel_of(request).clock(), progress.as_of, info.deadline
        ),
        "kind_choices": sorted(
            {r.subject_kind for r in everything.rows}, key=lambda k: kinds.get(k, k)
        ),
        "region_choices": sorted({r.region for r in everything.rows if r.region}),
        "kind_names": kinds,
        "filters": wanted,
        "problem": problem,
        "refresh": REFRESH_SECONDS,
        "bar_row": dash.BAR_ROW,
        "chart_height": dash.chart_height,
    }
    return render(request, "dashboard.html", context)
