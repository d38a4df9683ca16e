"""An organisation's page in a campaign, and a new invitation link with its QR code and letter.

Experts read the answers of a submitted questionnaire only (a draft is the
organisation's own until it is sent) and never see contacts or links: those are
the coordinator's to manage.  A new link's token is shown once, on the page the
POST returns (only its hash is stored), with the printable letters.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from admin.accounts import qr_svg
from admin.panel.organisation_view import build
from admin.panel.review_view import changes_since_return, decision
from admin.panel.texts import LETTER, PROBLEMS, RESPONSE_STATUSES, day, letter, translate
from admin.panel.views_campaigns import campaign_id, kind_labels
from admin.panel.web import form_value, panel_of, render, visitor, when
from dialogs.questionnaire import default
from storage import errors
from storage.models import Contact, Invitation, Organisation
from storage.panel_reads import OrganisationRecord

MAX_USES = 50
MAX_DAYS = 90
DEFAULT_DAYS = 45


def _organisation_id(request: web.Request) -> int:
    try:
        return int(request.match_info["organisation_id"])
    except ValueError:
        raise web.HTTPNotFound() from None


def name_in(org: Organisation, lang: str) -> str:
    return org.name_kk if lang == "kk" and org.name_kk else org.name_ru


def _contact_row(contact: Contact) -> dict[str, Any]:
    ways = [w for w, v in (("Telegram", contact.telegram_user_id), ("web", contact.web_login)) if v]
    return {
        "id": contact.id,
        "name": contact.display_name,
        "ways": ways,
        "language": contact.language,
        "active": contact.active,
        "created": contact.created_at,
    }


def _invitation_row(inv: Invitation, now: Any) -> dict[str, Any]:
    state = "active"
    if inv.expires_at <= now:
        state = "expired"
    elif inv.uses >= inv.max_uses:
        state = "used_up"
    return {
        "id": inv.id,
        "created": inv.created_at,
        "by": inv.created_by,
        "expires": inv.expires_at,
        "uses": inv.uses,
        "max_uses": inv.max_uses,
        "state": state,
    }


async def _record(request: web.Request) -> OrganisationRecord:
    try:
        return await panel_of(request).store.organisation_record(
            _organisation_id(request), campaign_id(request)
        )
    except errors.NotFound:
        raise web.HTTPNotFound() from None


def _page(
    request: web.Request, record: OrganisationRecord, *, problem: str = "",
    form: dict[str, str] | None = None, status: int = 200, decision_problem: str = "",
) -> web.Response:  # fmt: skip
    who = visitor(request)
    lang = who.lang
    response = record.response
    state = response.status if response is not None else "not_started"
    readable = who.is_coordinator or state == "submitted"
    blocks, totals = build(record, default(), lang) if readable else ([], None)
    now = panel_of(request).clock()
    context = {
        "campaign": record.campaign,
        "campaign_deadline": day(record.campaign.deadline),
        "org": record.organisation,
        "org_name": name_in(record.organisation, lang),
        "kind": kind_labels(lang).get(record.organisation.subject_kind, ""),
        "state": state,
        "state_label": translate(lang, RESPONSE_STATUSES.get(state, state)),
        "response": response,
        "readable": readable,
        "blocks": blocks,
        "totals": totals,
        "contacts": [_contact_row(c) for c in record.contacts] if who.is_coordinator else [],
        "invitations": [_invitation_row(i, now) for i in record.invitations]
        if who.is_coordinator
        else [],
        "problem": problem,
        "form": form or {"uses": "1", "days": str(DEFAULT_DAYS)},
        "max_uses": MAX_USES,
        "max_days": MAX_DAYS,
        "changes": changes_since_return(record, lang) if readable else [],
        "decision": decision(request, record, decision_problem),
    }
    return render(request, "organisation.html", context, status=status)


async def organisation(request: web.Request) -> web.StreamResponse:
    return _page(request, await _record(request))


def _bounded(text: str, most: int) -> int | None:
    try:
        n = int(text.strip())
    except ValueError:
        return None
    return n if 1 <= n <= most else None


async def new_invitation(request: web.Request) -> web.StreamResponse:
    """Make a link; the page it returns is the only place its token is ever shown."""
    record = await _record(request)
    who = visitor(request)
    form = await request.post()
    given = {"uses": form_value(form, "uses", 10), "days": form_value(form, "days", 10)}
    uses, days = _bounded(given["uses"], MAX_USES), _bounded(given["days"], MAX_DAYS)
    if uses is None or days is None:
        key, most = ("uses", MAX_USES) if uses is None else ("days", MAX_DAYS)
        problem = translate(who.lang, PROBLEMS[key], most=most)
        return _page(request, record, problem=problem, form=given, status=400)
    panel = panel_of(request)
    invitation, token = await panel.store.create_invitation(
        record.organisation.id, record.campaign.id, actor=who.actor,
        expires_at=panel.clock() + timedelta(days=days), max_uses=uses,
    )  # fmt: skip
    web_link, tg_link = panel.invite_links(token)
    campaign = record.campaign
    values = {
        "start": day(campaign.period_start), "end": day(campaign.period_end),
        "deadline": day(campaign.deadline), "expires": when(invitation.expires_at)[:10],
        "uses": uses,
    }  # fmt: skip
    letters = [
        {"lang": code, "to": name_in(record.organisation, code), "t": letter(code, **values)}
        for code in ("ru", "kk")
    ]
    context = {
        "campaign": campaign,
        "org": record.organisation,
        "org_name": name_in(record.organisation, who.lang),
        "web_link": web_link,
        "tg_link": tg_link,
        "qr": qr_svg(web_link, translate(who.lang, LETTER["qr"]), scale=5),
        "invitation": invitation,
        "letters": letters,
    }
    return render(request, "invitation.html", context, status=201)
