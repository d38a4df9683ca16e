"""A campaign's reminders: today's plan and the delivery log, with who cannot be reached.

A read-only view over what :class:`dialogs.application.reminders.Reminders` exposes
today — ``plan_due`` (what ``python -m admin remind --dry-run`` prints: due, or skipped
for a contact without Telegram) and the log of claimed deliveries (sent, failed,
pending) — so it follows the reminders' rework without a second way of planning.
"""

from __future__ import annotations

from aiohttp import web

from admin.panel.views_campaigns import campaign_id
from admin.panel.web import panel_of, render
from dialogs.application.reminders import Reminders, parse_days
from dialogs.questionnaire import default
from storage import errors
from storage.deadlines import local_date


async def reminders(request: web.Request) -> web.StreamResponse:
    panel = panel_of(request)
    store = panel.store
    target = campaign_id(request)
    try:
        campaign = await store.get_campaign(target)
    except errors.NotFound:
        raise web.HTTPNotFound() from None
    try:
        days = parse_days(panel.settings.reminder_days)
    except ValueError:
        days = ()
    today = local_date(panel.clock())
    plan = await Reminders(store, default()).plan_due(today=today, days=days, campaign_id=target)
    log = await store.list_reminder_deliveries(target)
    return render(request, "reminders.html", {
        "campaign": campaign, "plan": plan, "log": list(reversed(log)),
        "skipped": [d for d in plan if d.status == "skipped"],
        "failed": [d for d in log if d.status == "failed"],
        "days": ", ".join(map(str, days)), "today": today,
    })  # fmt: skip
