"""A new campaign from the panel, as ``python -m admin campaign create`` makes one.

The form calls :func:`admin.ops.campaigns.create_campaign` (nothing counted or checked
a second way here): a title, the reporting period, the day of the request and, if
wanted, a deadline (else one calendar month after the request, §9); its organisations
are none yet, those of an earlier campaign (the CLI's ``--from``: year two in one step,
their bound contacts need no new link) or the whole master list (``--all``).  The store
audits the creation and every membership.  A refused form is shown again with what was
typed and what to change; a created campaign opens its page (a draft, to be opened).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web
from yarl import URL

from admin.ops.campaigns import TITLE_MAX, create_campaign, list_campaigns
from admin.ops.errors import OpsError
from admin.panel.texts import CREATE, day, translate
from admin.panel.web import PREFIX, form_value, panel_of, render, see_other, visitor
from storage import errors
from storage.deadlines import local_date

FIELDS = ("title", "period_start", "period_end", "requested_on", "deadline", "members", "source")


async def _page(
    request: web.Request, values: dict[str, str], problem: str = "", status: int = 200
) -> web.Response:
    campaigns = [
        {"id": c.id, "label": f"{c.title} ({day(c.period_start)} – {day(c.period_end)})"}
        for c in await list_campaigns(panel_of(request).store)
    ]
    context: dict[str, Any] = {
        "values": values, "problem": problem, "campaigns": campaigns, "title_max": TITLE_MAX,
    }  # fmt: skip
    return render(request, "campaign_new.html", context, status=status)


def _blank(request: web.Request) -> dict[str, str]:
    today = local_date(panel_of(request).clock())
    year = today.year - 1
    return {
        "title": "", "period_start": date(year, 1, 1).isoformat(),
        "period_end": date(year, 12, 31).isoformat(), "requested_on": today.isoformat(),
        "deadline": "", "members": "none", "source": "",
    }  # fmt: skip


async def new_page(request: web.Request) -> web.StreamResponse:
    values = _blank(request)
    latest = await list_campaigns(panel_of(request).store)
    if latest:  # year two: last year's organisations, by default
        values.update(members="from", source=str(latest[0].id))
    return await _page(request, values)


def _dates(values: dict[str, str]) -> tuple[date, date, date, date | None]:
    """The form's dates (ValueError for one not given or not a date)."""
    deadline = date.fromisoformat(values["deadline"]) if values["deadline"] else None
    return (
        date.fromisoformat(values["period_start"]),
        date.fromisoformat(values["period_end"]),
        date.fromisoformat(values["requested_on"]),
        deadline,
    )


async def create(request: web.Request) -> web.StreamResponse:
    lang = visitor(request).lang
    form = await request.post()
    values = {name: form_value(form, name, TITLE_MAX + 10).strip() for name in FIELDS}
    try:
        start, end, requested, deadline = _dates(values)
    except ValueError:
        return await _page(request, values, translate(lang, CREATE["dates"]), 400)
    source = int(values["source"]) if values["source"].isdigit() else None
    if values["members"] == "from" and source is None:
        return await _page(request, values, translate(lang, CREATE["source"]), 400)
    try:
        made = await create_campaign(
            panel_of(request).store, title=values["title"], period_start=start, period_end=end,
            requested_on=requested, deadline=deadline,
            members_from=source if values["members"] == "from" else None,
            all_organisations=values["members"] == "all", actor=visitor(request).actor,
        )  # fmt: skip
    except errors.NotFound:
        return await _page(request, values, translate(lang, CREATE["source"]), 400)
    except (OpsError, errors.StorageError, ValueError):
        problem = CREATE["title"] if not " ".join(values["title"].split()) else CREATE["invalid"]
        return await _page(request, values, translate(lang, problem, most=TITLE_MAX), 400)
    url = URL(f"{PREFIX}/campaigns/{made.campaign.id}").with_query(
        done="created", members=str(made.members)
    )
    return see_other(url.with_fragment("manage"))
