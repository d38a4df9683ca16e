"""Which organisations take part in a campaign: the page, adding, taking out.

Over the functions ``python -m admin campaign add-org`` / ``remove-org`` call
(:func:`admin.ops.members.add_members`, :func:`~admin.ops.members.remove_members`): the
store audits each membership, and taking one out keeps its answers but revokes its links
to this campaign.  The page lists the members and the rest of the master list, both
narrowed by kind, region and name, each with boxes to tick; a closed campaign's members
cannot change (the store refuses; the page says to reopen it first).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from yarl import URL

from admin.ops.errors import OpsError
from admin.ops.members import add_members, list_members, remove_members
from admin.ops.organisations import OrganisationInfo, list_organisations
from admin.panel.texts import CAMPAIGN_STATUSES, MEMBERS, day, translate
from admin.panel.views_campaigns import campaign_id, kind_labels
from admin.panel.web import PREFIX, panel_of, render, see_other, visitor
from storage import errors

SHOWN_MAX = 500  # rows per list; the filters narrow a national master list


def _wanted(request: web.Request) -> dict[str, str]:
    return {name: request.query.get(name, "").strip()[:200] for name in ("kind", "region", "q")}


def _match(o: OrganisationInfo, wanted: dict[str, str]) -> bool:
    if wanted["kind"] and o.subject_kind != wanted["kind"]:
        return False
    if wanted["region"] and (o.region or "") != wanted["region"]:
        return False
    q = wanted["q"].casefold()
    return not q or q in o.name_ru.casefold() or q in o.name_kk.casefold()


def _row(o: OrganisationInfo, lang: str) -> dict[str, Any]:
    name = o.name_kk if lang == "kk" and o.name_kk else o.name_ru
    return {"id": o.id, "name": name, "kind": o.subject_kind, "region": o.region or ""}


async def members(request: web.Request) -> web.StreamResponse:
    store, lang = panel_of(request).store, visitor(request).lang
    target = campaign_id(request)
    try:
        campaign = await store.get_campaign(target)
        inside = await list_members(store, target)
    except errors.NotFound:
        raise web.HTTPNotFound() from None
    ids = {o.id for o in inside}
    outside = [o for o in await list_organisations(store) if o.id not in ids]
    wanted = _wanted(request)
    everyone = inside + outside
    shown_in = [_row(o, lang) for o in inside if _match(o, wanted)]
    shown_out = [_row(o, lang) for o in outside if _match(o, wanted)]
    q = request.query
    key = q.get("done") or q.get("problem") or ""
    kinds = kind_labels(lang)
    return render(request, "members.html", {
        "campaign": {
            "id": campaign.id, "title": campaign.title,
            "status": translate(lang, CAMPAIGN_STATUSES.get(campaign.status, campaign.status)),
            "period": f"{day(campaign.period_start)} – {day(campaign.period_end)}",
            "deadline": day(campaign.deadline), "closed": campaign.status == "closed",
        },
        "inside": shown_in[:SHOWN_MAX], "outside": shown_out[:SHOWN_MAX],
        "counts": {"inside": len(inside), "outside": len(outside), "shown_in": len(shown_in),
                   "shown_out": len(shown_out), "max": SHOWN_MAX},
        "notice": translate(lang, MEMBERS[key], n=q.get("n", "0")[:6]) if key in MEMBERS else "",
        "problem": bool(q.get("problem")),
        "filters": wanted, "kinds": kinds,
        "kind_choices": sorted({o.subject_kind for o in everyone}, key=lambda k: kinds.get(k, k)),
        "region_choices": sorted({o.region for o in everyone if o.region}),
    })  # fmt: skip


def _back(request: web.Request, **query: str) -> web.Response:
    url = URL(f"{PREFIX}/campaigns/{campaign_id(request)}/members").with_query(query)
    return see_other(url)


async def _ticked(request: web.Request) -> list[int]:
    form = await request.post()
    return [int(v) for v in form.getall("org", []) if isinstance(v, str) and v.isdigit()]


async def _change(request: web.Request, adding: bool) -> web.Response:
    """Add or take out the ticked organisations, and say how it went."""
    chosen = await _ticked(request)
    if not chosen:
        return _back(request, problem="none")
    store, target, actor = panel_of(request).store, campaign_id(request), visitor(request).actor
    try:
        if adding:
            done = await add_members(store, target, chosen, actor=actor)
        else:
            done = await remove_members(store, target, chosen, actor=actor)
    except errors.CampaignClosed:
        return _back(request, problem="closed")
    except errors.OrganisationRemoved:
        return _back(request, problem="removed_org")
    except errors.NotFound:
        raise web.HTTPNotFound() from None
    except OpsError:
        return _back(request, problem="none")
    return _back(request, done="added" if adding else "removed", n=str(len(done.changed)))


async def add(request: web.Request) -> web.StreamResponse:
    return await _change(request, adding=True)


async def remove(request: web.Request) -> web.StreamResponse:
    return await _change(request, adding=False)
