"""What a contact reads when the coordinator has returned their questionnaire.

The web chat shows it as a banner at the top of the page, before the dialog says
anything: which items were returned (the Appendix's number and question, in the
contact's language) with the coordinator's note on each, and the general note.  The
channel gets plain strings; the response and the questionnaire stay here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dialogs import i18n
from dialogs.application.campaigns import NoCampaign, current_campaign
from dialogs.schema import Questionnaire
from storage import errors
from storage.models import ResponseStatus
from storage.repository import Store


@dataclass(frozen=True, slots=True)
class ReturnedItem:
    """One returned item: ``2.4``, its question, the coordinator's note ("" for none)."""

    number: str
    question: str
    note: str


@dataclass(frozen=True, slots=True)
class ReturnNotice:
    """A response returned for correction, as its contacts are told."""

    returned_at: datetime | None
    #: the coordinator's general note (the items' notes are on the items)
    reason: str
    #: the items to correct, in the Appendix's order; empty: the whole questionnaire
    items: tuple[ReturnedItem, ...]


def general_note(reason: str, item_lines: list[str]) -> str:
    """The stored reason without the item lines :func:`admin.ops.responses.reason_of`
    appended to it (the banner lists the items itself)."""
    lines = reason.split("\n")
    if item_lines and lines[-len(item_lines) :] == item_lines:
        lines = lines[: -len(item_lines)]
    return "\n".join(lines).strip()


class Returns:
    """Reads the return a contact's current questionnaire is under, if any."""

    def __init__(self, store: Store, questionnaire: Questionnaire) -> None:
        self._store = store
        self._q = questionnaire

    async def notice(self, contact_id: int, lang: str | None = None) -> ReturnNotice | None:
        """The return of the contact's current response, or ``None`` when it is not
        returned (or there is no campaign to answer); the questions in ``lang`` (else the
        contact's language)."""
        stored = await self._store.get_dialog_state(contact_id)
        remembered = stored.state.get("campaign_id") if stored is not None else None
        try:
            campaign_id = await current_campaign(self._store, contact_id, remembered)
            response = await self._store.get_response_for_contact(contact_id, campaign_id)
        except (NoCampaign, errors.AccessDenied):
            return None
        if response.status != ResponseStatus.RETURNED:
            return None
        if lang is None:
            lang = (await self._store.get_contact(contact_id)).language
        _ = i18n.translator(i18n.normalise(lang))
        notes = dict(response.return_items or {})
        items = []
        for block in self._q.blocks:
            for item in block.items:
                if item.code in notes:
                    number = f"{block.number}.{item.number}"
                    items.append(ReturnedItem(number, _(item.question), notes[item.code]))
        lines = [f"{i.number} — {i.note}" if i.note else i.number for i in items]
        reason = general_note(response.return_reason or "", lines)
        return ReturnNotice(response.returned_at, reason, tuple(items))
