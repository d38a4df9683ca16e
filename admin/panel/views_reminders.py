"""A campaign's reminders: today's plan and the delivery log, with who cannot be reached.

A read-only view over what :class:`dialogs.application.reminders.Reminders` exposes
today — ``plan_due`` (what ``python -m admin remind --dry-run`` prints: due, or skipped
when no channel reaches the contact) and the log of claimed deliveries (sent, failed,
pending) — so it follows the reminders' rework without a second way of planning.  The
plan uses the channels this deployment sends by (:func:`admin.ops.reminders.sending_channels`;
Telegram when none is set up, as ``--dry-run`` does), so "cannot be reached" is true here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from aiohttp import web

from admin.ops.reminders import sending_channels
from admin.panel import reminder_labels as labels
from admin.panel.views_campaigns import campaign_id
from admin.panel.web import panel_of, render, visitor
from dialogs.application.reminders import Delivery, Reminders, parse_days
from dialogs.questionnaire import default
from storage import errors
from storage.deadlines import local_date
from storage.repository import Store


@dataclass(frozen=True, slots=True)
class Unreached:
    """A contact no channel reaches: who, of which organisation, and why."""

    contact_id: int
    name: str
    organisation_id: int
    organisation: str
    kind: str
    why: str


async def _unreached(store: Store, skipped: list[Delivery], lang: str) -> list[Unreached]:
    """Names for the skipped deliveries (a handful: the plan itself stays by id)."""
    names: dict[int, str] = {}
    out = []
    for d in skipped:
        contact = await store.get_contact(d.contact_id)
        if d.organisation_id not in names:
            names[d.organisation_id] = (await store.get_organisation(d.organisation_id)).name_ru
        out.append(Unreached(d.contact_id, contact.display_name, d.organisation_id,
                             names[d.organisation_id], labels.kind(lang, d.kind),
                             labels.reason(lang, d.error)))  # fmt: skip
    return out


async def reminders(request: web.Request) -> web.StreamResponse:
    panel = panel_of(request)
    store, lang = panel.store, visitor(request).lang
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
    plan = await Reminders(store, default()).plan_due(
        today=today, days=days, campaign_id=target,
        channels=sending_channels(panel.settings) or ["telegram"],
    )  # fmt: skip
    log = await store.list_reminder_deliveries(target)
    skipped = [d for d in plan if d.status == "skipped"]
    return render(request, "reminders.html", {
        "campaign": campaign, "plan": plan, "log": list(reversed(log)),
        "unreached": await _unreached(store, skipped, lang),
        "failed": [d for d in log if d.status == "failed"],
        "days": ", ".join(map(str, days)), "today": today,
        "kind_label": partial(labels.kind, lang), "status_label": partial(labels.status, lang),
        "reason": partial(labels.reason, lang),
    })  # fmt: skip
