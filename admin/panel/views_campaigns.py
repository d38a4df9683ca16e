"""The campaigns list and a campaign's organisations (with filters).

The organisations' progress is computed as ``python -m admin progress`` computes it
(:func:`admin.export.data.load`, :func:`admin.export.checks.summary`): one reading
of the campaign, no second way of counting.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from aiohttp import web

from admin.export import checks
from admin.export.data import CampaignData, Sheet, load
from admin.panel.texts import CAMPAIGN_STATUSES, MANAGE, RESPONSE_STATUSES, day, translate
from admin.panel.web import PREFIX, panel_of, render, visitor
from dialogs import i18n
from dialogs.questionnaire import default
from storage import errors


def kind_labels(lang: str) -> dict[str, str]:
    """Subject kind code → its name in ``lang``."""
    _ = i18n.translator(lang)
    return {k.code: _(k.label) for k in default().subject_kinds}


def campaign_id(request: web.Request) -> int:
    try:
        return int(request.match_info["campaign_id"])
    except ValueError:
        raise web.HTTPNotFound() from None


async def index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther(f"{PREFIX}/campaigns")


async def campaigns(request: web.Request) -> web.StreamResponse:
    store = panel_of(request).store
    lang = visitor(request).lang
    counts = await store.response_counts()
    members = await store.member_counts()
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "status": translate(lang, CAMPAIGN_STATUSES.get(c.status, c.status)),
            "status_code": c.status,
            "period": f"{day(c.period_start)} – {day(c.period_end)}",
            "deadline": day(c.deadline),
            "submitted": counts.get(c.id, {}).get("submitted", 0),
            "organisations": members.get(c.id, 0),
        }
        for c in await store.list_campaigns()
    ]
    return render(request, "campaigns.html", {"campaigns": rows})


def _row(data: CampaignData, sheet: Sheet, lang: str) -> dict[str, Any]:
    summary = checks.summary(data, sheet)
    return {
        "id": sheet.organisation_id,
        "name": sheet.name_kk if lang == "kk" and sheet.name_kk else sheet.name_ru,
        "kind": sheet.subject_kind,
        "region": sheet.region or "",
        "status": sheet.status,
        "status_label": translate(lang, RESPONSE_STATUSES.get(sheet.status, sheet.status)),
        "answered": summary["answered"],
        "fields": summary["fields"],
        "percent": checks.percent(summary["answered"], summary["fields"]),
        "no_data": summary["no_data"],
        "mismatches": summary["mismatches"],
        "last": sheet.last_answer_at(),
    }


def _filters(request: web.Request) -> dict[str, str]:
    return {
        name: request.query.get(name, "").strip()[:200]
        for name in ("kind", "region", "status", "q")
    }


def _matches(row: dict[str, Any], wanted: dict[str, str]) -> bool:
    for name in ("kind", "region", "status"):
        if wanted[name] and row[name] != wanted[name]:
            return False
    return not wanted["q"] or wanted["q"].casefold() in row["name"].casefold()


async def campaign(request: web.Request) -> web.StreamResponse:
    store = panel_of(request).store
    lang = visitor(request).lang
    try:
        data = await load(store, campaign_id(request), only_submitted=False,
                          include_not_started=True)  # fmt: skip
    except errors.NotFound:
        raise web.HTTPNotFound() from None
    rows = [_row(data, sheet, lang) for sheet in data.sheets]
    wanted = _filters(request)
    shown = [r for r in rows if _matches(r, wanted)]
    by_status = Counter(r["status"] for r in rows)
    kinds = kind_labels(lang)
    context = {
        "campaign": {
            "id": data.campaign_id,
            "title": data.title,
            "status": translate(lang, CAMPAIGN_STATUSES.get(data.status, data.status)),
            "period": f"{day(data.period_start)} – {day(data.period_end)}",
            "deadline": day(data.deadline),
        },
        "rows": shown,
        "total": len(rows),
        "statuses": [
            {"code": code, "label": translate(lang, label), "count": by_status.get(code, 0)}
            for code, label in RESPONSE_STATUSES.items()
        ],
        "kinds": kinds,
        "kind_choices": sorted({r["kind"] for r in rows}, key=lambda k: kinds.get(k, k)),
        "regions": sorted({r["region"] for r in rows if r["region"]}),
        "filters": wanted,
        "manage": manage(request, lang, data.status, data.deadline.isoformat()),
    }
    return render(request, "campaign.html", context)


def manage(request: web.Request, lang: str, status: str, deadline: str) -> dict[str, Any]:
    """The coordinator's card: open, close, deadline, and what the last form did."""
    q = request.query
    key = q.get("done") or q.get("problem") or ""
    confirm = q.get("confirm_close", "")
    return {
        "status": status,
        "deadline": deadline,
        "notice": translate(lang, MANAGE[key], n=q.get("members", "0")[:6])
        if key in MANAGE and key != "confirm_close"
        else "",
        "problem": bool(q.get("problem")),
        "confirm": translate(lang, MANAGE["confirm_close"], n=confirm) if confirm.isdigit() else "",
    }
