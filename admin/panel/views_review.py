"""Returning a submitted questionnaire item by item, and accepting one (DHIS2's approval).

The coordinator ticks items on the organisation page and writes a note on each; the
return goes through :func:`admin.ops.responses.return_response` (as ``python -m admin
return``), and the contacts are told at once through the senders registered under
``saualnama.senders`` — Telegram, else e-mail with the web chat's link where SMTP is set
up (:meth:`Reminders.send_returned`, claimed like every reminder, so the bot's loop
does not send it twice).  Every contact also sees the items and notes at the top of the
web chat when they open it.  Accepting locks the submission until a later return.
"""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack

from aiohttp import web
from yarl import URL

from admin.ops.errors import OpsError
from admin.ops.reminders import sending_channels
from admin.ops.responses import accept_response, return_response
from admin.panel.texts import PROBLEMS, translate
from admin.panel.views_campaigns import campaign_id
from admin.panel.views_organisation import _organisation_id, _page, _record
from admin.panel.web import PREFIX, form_value, panel_of, see_other, visitor
from dialogs.application.outgoing import Sender
from dialogs.application.reminders import Delivery, Reminders
from dialogs.application.senders import NoSender, sender_for
from dialogs.questionnaire import default
from storage.deadlines import local_date

log = logging.getLogger(__name__)
NOTE_LIMIT = 1000


def _page_url(request: web.Request, **query: str) -> URL:
    path = f"{PREFIX}/campaigns/{campaign_id(request)}/organisations/{_organisation_id(request)}"
    return URL(path).with_query(query)


async def _notify(request: web.Request, organisation_id: int) -> list[Delivery]:
    """Tell the organisation's contacts now, through every channel this deployment sends
    by (Telegram with a bot token, e-mail with an SMTP server; a contact gets one, as
    reminders do); nothing sent (logged) without either."""
    panel = panel_of(request)
    channels = sending_channels(panel.settings)
    if not channels:
        return []
    reminders = Reminders(panel.store, default(), web_url=panel.settings.public_url)
    async with AsyncExitStack() as stack:
        senders: dict[str, Sender] = {}
        for channel in channels:
            try:
                senders[channel] = await stack.enter_async_context(
                    sender_for(panel.settings, channel)
                )
            except NoSender as exc:
                log.warning("panel: the return is not sent at once by %s: %s", channel, exc)
        if not senders:
            return []
        return await reminders.send_returned(
            senders, today=local_date(panel.clock()), campaign_id=campaign_id(request),
            organisation_id=organisation_id,
        )  # fmt: skip


async def return_items(request: web.Request) -> web.StreamResponse:
    """POST: ``item`` (repeated: item codes), ``note:<item code>`` each, ``reason``."""
    who = visitor(request)
    record = await _record(request)
    form = await request.post()
    ticked = [str(v) for v in form.getall("item", []) if isinstance(v, str)]
    notes = {code: form_value(form, f"note:{code}", NOTE_LIMIT) for code in ticked}
    reason = form_value(form, "reason", NOTE_LIMIT)
    response = record.response
    if response is None or response.status != "submitted":
        return _page(
            request,
            record,
            status=409,
            decision_problem=translate(who.lang, PROBLEMS["not_submitted"]),
        )
    if not ticked:
        return _page(
            request, record, status=400, decision_problem=translate(who.lang, PROBLEMS["no_items"])
        )
    try:
        await return_response(panel_of(request).store, response.id, reason, actor=who.actor,
                              items=notes)  # fmt: skip
    except OpsError:
        return _page(
            request, record, status=400, decision_problem=translate(who.lang, PROBLEMS["no_items"])
        )
    sent = [d for d in await _notify(request, record.organisation.id) if d.status == "sent"]
    told = {"returned": str(sum(1 for d in sent if d.channel == "telegram"))}
    mailed = sum(1 for d in sent if d.channel == "email")
    if mailed:
        told["mailed"] = str(mailed)
    return see_other(_page_url(request, **told).with_fragment("decision"))


async def accept(request: web.Request) -> web.StreamResponse:
    who = visitor(request)
    record = await _record(request)
    response = record.response
    try:
        if response is None:
            raise OpsError("nothing to accept")
        await accept_response(panel_of(request).store, response.id, actor=who.actor)
    except OpsError:
        return _page(
            request,
            record,
            status=409,
            decision_problem=translate(who.lang, PROBLEMS["not_submitted"]),
        )
    return see_other(_page_url(request, accepted="1").with_fragment("decision"))
