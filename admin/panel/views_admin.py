"""The coordinator's own pages: the audit log viewer and the panel's users.

Filters are GET parameters, so a filtered view is a link one can keep; a filter that
cannot be understood is said so and left out, never half-applied.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from aiohttp import web

from admin.panel.texts import PROBLEMS, ROLES, translate
from admin.panel.web import PREFIX, ZONE, panel_of, render, see_other, visitor
from dialogs.i18n import N_
from storage import errors
from storage.panel_reads import AuditFilter

PAGE = 100
FILTER_NAMES = {
    "actor": N_("Кто"),
    "action": N_("Действие"),
    "entity_type": N_("Объект"),
    "entity_id": N_("Номер объекта"),
    "since": N_("С даты"),
    "until": N_("По дату"),
}


def _day_start(text: str) -> datetime:
    return datetime.combine(date.fromisoformat(text), time(0), tzinfo=ZONE)


def parse_filter(query: Any) -> tuple[AuditFilter, dict[str, str], list[str]]:
    """(the filter, the raw values to show back in the form, names of values not understood)."""
    raw = {name: str(query.get(name, "")).strip()[:200] for name in FILTER_NAMES}
    bad: list[str] = []
    values: dict[str, Any] = {k: raw[k] or None for k in ("actor", "action", "entity_type")}
    for name in ("entity_id", "since", "until"):
        if not raw[name]:
            continue
        try:
            if name == "entity_id":
                values[name] = int(raw[name])
            elif name == "since":
                values[name] = _day_start(raw[name])
            else:  # up to and including that day
                values[name] = _day_start(raw[name]) + timedelta(days=1)
        except (ValueError, OverflowError):
            bad.append(name)
    return AuditFilter(**values), raw, bad


def _details(details: dict[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)


async def audit(request: web.Request) -> web.StreamResponse:
    store = panel_of(request).store
    lang = visitor(request).lang
    where, raw, bad = parse_filter(request.query)
    before: int | None = None
    try:
        before = int(request.query["before"]) if "before" in request.query else None
    except ValueError:
        bad.append("before")
    events = await store.search_audit(where, before_id=before, limit=PAGE + 1)
    more = len(events) > PAGE
    events = events[:PAGE]
    actions, types = await store.audit_choices()
    older = None
    if more and events:
        older = str(request.rel_url.update_query(before=events[-1].id))
    context = {
        "events": [
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "entity": e.entity_type,
                "entity_id": e.entity_id,
                "details": _details(e.details),
            }
            for e in events
        ],  # fmt: skip
        "raw": raw,
        "labels": {k: translate(lang, v) for k, v in FILTER_NAMES.items()},
        "problems": [
            translate(lang, PROBLEMS["filter"], name=translate(lang, FILTER_NAMES.get(n, n)))
            for n in bad
            if n in FILTER_NAMES
        ],
        "actions": actions,
        "types": types,
        "older": older,
    }
    return render(request, "audit.html", context)


async def users(request: web.Request) -> web.StreamResponse:
    lang = visitor(request).lang
    now = panel_of(request).clock()
    rows = [
        {
            "id": u.id,
            "login": u.login,
            "name": u.display_name,
            "role": translate(lang, ROLES.get(u.role, u.role)),
            "active": u.active,
            "totp_required": u.totp_required,
            "totp_on": bool(u.totp_secret),
            "locked_until": u.locked_until if u.locked_until and u.locked_until > now else None,
            "last": u.last_sign_in_at,
        }
        for u in await panel_of(request).store.list_users()
    ]
    return render(request, "users.html", {"users": rows})


async def require_totp(request: web.Request) -> web.StreamResponse:
    """Make the second factor required (or optional) for one user."""
    form = await request.post()
    try:
        user_id = int(request.match_info["user_id"])
        await panel_of(request).store.require_totp(
            user_id, form.get("required") == "1", actor=visitor(request).actor
        )
    except (ValueError, errors.NotFound):
        raise web.HTTPNotFound() from None
    return see_other(f"{PREFIX}/users")
