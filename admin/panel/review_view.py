"""What changed since the last return: the diff the coordinator reads before accepting.

Pure functions of the organisation's record.  A field changed if it has a revision
written after ``returned_at``; *before* is its last value written up to the return
(none if it was unanswered), *after* its current value.  The items that were returned
come first, so an edit outside them (impossible in the dialog, possible for a
coordinator) still shows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from admin.panel.organisation_view import _change
from admin.panel.texts import DECISION, translate
from admin.panel.web import visitor, when
from dialogs import i18n
from dialogs.questionnaire import default
from dialogs.walk import Walk
from storage.models import AnswerRevision
from storage.panel_reads import OrganisationRecord


@dataclass(frozen=True, slots=True)
class FieldChange:
    item_code: str
    item_number: str
    label: str
    before: str  # empty: no answer before
    after: str
    who: str
    at: str
    returned: bool  # the field's item was one of those returned


def changes_since_return(record: OrganisationRecord, lang: str) -> list[FieldChange]:
    """Every field changed after the last return, in the walk's order (returned items first)."""
    response = record.response
    if response is None or response.returned_at is None:
        return []
    q = default()
    _ = i18n.translator(lang)
    cut = response.returned_at
    history: dict[str, list[AnswerRevision]] = defaultdict(list)
    for rev in record.revisions:
        history[rev.field_code].append(rev)
    contacts = {c.id: c for c in record.contacts}
    returned = set(response.return_items or {})
    found: list[FieldChange] = []
    for step in Walk(q, list(record.organisation.blocks or [])).steps:
        revs = history.get(step.code, [])
        later = [r for r in revs if r.answered_at > cut]
        if not later:
            continue
        earlier = [r for r in revs if r.answered_at <= cut]
        before = _change(q, step.field, earlier[-1], contacts, lang).shown if earlier else ""
        after = _change(q, step.field, later[-1], contacts, lang)
        found.append(
            FieldChange(
                item_code=step.item.code,
                item_number=f"{step.block.number}.{step.item.number}",
                label=_(step.field.label),
                before=before,
                after=after.shown,
                who=after.who,
                at=when(after.at),
                returned=step.item.code in returned,
            )
        )
    return sorted(found, key=lambda c: not c.returned)


def decision(request: web.Request, record: OrganisationRecord, problem: str) -> dict[str, Any]:
    """The coordinator's return-or-accept card: what may be done now, and what was."""
    who = visitor(request)
    response = record.response
    state = response.status if response is not None else "not_started"
    returned = dict(response.return_items or {}) if response is not None else {}
    query = request.query
    notice = ""
    if "returned" in query:
        sent, mailed = query.get("returned", "0"), query.get("mailed", "0")
        notice = translate(
            who.lang, DECISION["returned"], sent=sent if sent.isdigit() else "0",
            mailed=mailed if mailed.isdigit() else "0",
        )  # fmt: skip
    elif "accepted" in query:
        notice = translate(who.lang, DECISION["accepted"])
    return {
        "can_return": who.is_coordinator and state == "submitted",
        "can_accept": who.is_coordinator
        and state == "submitted"
        and not (response is not None and response.accepted_at is not None),
        "accepted_at": response.accepted_at if response is not None else None,
        "accepted_by": response.accepted_by if response is not None else None,
        "returned_at": response.returned_at if response is not None else None,
        "returned_items": returned,
        "open": state == "returned",
        "notice": notice,
        "problem": problem,
    }
