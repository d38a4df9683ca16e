"""The dialog service: loads a contact's world from storage, runs the engine, applies effects.

This is the one place where the conversation meets the database, through the
:class:`storage.repository.Store` API (never SQL).  Channels call
:meth:`DialogService.handle` with an :class:`~dialogs.contract.Input` and show
the replies.  Order matters and is kept: every answer is committed (its own
short transaction) before the reply that says "saved" is returned, and the
dialog position is stored after the effects, so a crash at any point loses
nothing that the person was told was saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dialogs import i18n
from dialogs.application.answers import format_answer
from dialogs.application.campaigns import NoCampaign, current_campaign
from dialogs.application.metrics import ANSWERS_SAVED, DIALOG_STEPS
from dialogs.contract import (
    Answer,
    Context,
    Input,
    Outcome,
    Reply,
    Save,
    SetLanguage,
    State,
    Submit,
)
from dialogs.engine import Engine
from dialogs.i18n import N_
from dialogs.questionnaire import default
from dialogs.schema import Questionnaire
from storage import errors
from storage.repository import Store

log = logging.getLogger(__name__)

#: One dialog step: from the stored position and the loaded context to the outcome.
Step = Callable[[State, Context], Outcome]


@dataclass
class Turned:
    """What a channel shows after one input: the replies, the progress, the language."""

    replies: list[Reply]
    progress: tuple[int, int] | None
    lang: str


class DialogService:
    """Stateless between calls: everything it needs is in storage."""

    def __init__(self, store: Store, questionnaire: Questionnaire | None = None) -> None:
        self.store = store
        self.q = questionnaire or default()
        self.engine = Engine(self.q)

    async def handle(
        self, contact_id: int, inp: Input, *, channel: str, lang_hint: str | None = None
    ) -> list[Reply]:
        """One input from one contact → the replies to show (answers already saved)."""
        return (await self.converse(contact_id, inp, channel=channel, lang_hint=lang_hint)).replies

    async def converse(
        self, contact_id: int, inp: Input, *, channel: str, lang_hint: str | None = None
    ) -> Turned:
        """Like :meth:`handle`, with the progress and language a page shows beside the replies."""

        def step(state: State, ctx: Context) -> Outcome:
            if inp.kind == "command" and inp.value == "start":
                return self.engine.start(state, ctx, lang_hint)
            return self.engine.step(state, ctx, inp)

        return await self.run(contact_id, step, channel=channel, lang_hint=lang_hint)

    async def run(
        self, contact_id: int, step: Step, *, channel: str, lang_hint: str | None = None
    ) -> Turned:
        """Load the contact's world, take ``step``, apply its effects, store the new position.

        Retried from the start when another handler stored this contact's dialog first
        (two tabs, two devices), so a step always applies to the position it was taken on.
        """
        for attempt in range(3):
            try:
                turned = await self._run_once(contact_id, step, channel, lang_hint)
            except errors.StaleDialogStateError:
                log.info(
                    "dialog state of contact %s changed meanwhile; retry %s", contact_id, attempt
                )
            except Exception as exc:
                DIALOG_STEPS.labels(channel, type(exc).__name__).inc()
                raise
            else:
                DIALOG_STEPS.labels(channel, "ok").inc()
                return turned
        DIALOG_STEPS.labels(channel, "conflict").inc()
        text = N_("Не удалось обработать сообщение. Попробуйте ещё раз.")
        return Turned([self._error_reply("ru", text)], None, "ru")

    async def start(
        self, contact_id: int, *, channel: str, lang_hint: str | None = None
    ) -> list[Reply]:
        """First contact (after an invitation) or /start: language, welcome, where we were."""
        return await self.handle(
            contact_id, Input.command("start"), channel=channel, lang_hint=lang_hint
        )

    async def remember_campaign(self, contact_id: int, campaign_id: int) -> None:
        """The campaign the contact's invitation opened: their dialog answers that one."""
        row = await self.store.get_dialog_state(contact_id)
        stored = dict(row.state) if row else {}
        stored["campaign_id"] = campaign_id
        await self.store.save_dialog_state(contact_id, stored, expected_version=None)

    async def language(self, contact_id: int) -> str:
        """The contact's language, for texts produced outside the dialog."""
        contact = await self.store.get_contact(contact_id)
        return i18n.normalise(contact.language)

    async def _run_once(
        self, contact_id: int, step: Step, channel: str, lang_hint: str | None
    ) -> Turned:
        row = await self.store.get_dialog_state(contact_id)
        stored: dict[str, Any] = dict(row.state) if row else {}
        state_version = row.version if row else 0
        state = State.from_json(stored.get("engine"))
        if not stored.get("engine"):
            contact = await self.store.get_contact(contact_id)
            state.lang = i18n.normalise(lang_hint or contact.language)
        try:
            campaign_id, ctx, response = await self._context(contact_id, stored.get("campaign_id"))
        except NoCampaign:
            text = N_("Сейчас нет открытого сбора данных. Мы сообщим, когда он начнётся.")
            return Turned([self._error_reply(state.lang, text)], None, state.lang)
        if stored.get("engine") and stored.get("campaign_id") not in (None, campaign_id):
            # A new year's campaign: start its walk afresh, keeping the language and the
            # prompt counter (so buttons of last year's messages stay stale).
            state = State(lang=state.lang, lang_confirmed=state.lang_confirmed, nonce=state.nonce)
        stored["campaign_id"] = campaign_id
        outcome = step(state, ctx)
        conflict = await self._apply(outcome, contact_id, response.id, channel)
        replies = outcome.replies
        if conflict is not None:
            _, ctx, _ = await self._context(contact_id, campaign_id)
            again = self.engine.resume(state, ctx)
            replies = [conflict, *again.replies]
            outcome = again
        if outcome.awaits_response_version:
            # The summary was shown after this step's own saves: confirm against that version.
            version = (await self.store.get_response(response.id)).version
            outcome = self.engine.settle(outcome, version)
        stored["engine"] = outcome.state.to_json()
        await self.store.save_dialog_state(contact_id, stored, expected_version=state_version)
        return Turned(replies, outcome.progress, outcome.state.lang)

    async def _context(self, contact_id: int, campaign_id: int | None) -> tuple[int, Context, Any]:
        campaign_id = await current_campaign(self.store, contact_id, campaign_id)
        snap = await self.store.dialog_snapshot(contact_id, campaign_id)
        campaign, contact, org, response = (
            snap.campaign,
            snap.contact,
            snap.organisation,
            snap.response,
        )
        rows = snap.answers
        answers = {
            r.field_code: Answer(
                r.value, r.no_data_reason if r.status == "no_data" else None, r.version
            )
            for r in rows
        }
        name = org.name_kk if contact.language == "kk" and org.name_kk else org.name_ru
        ctx = Context(
            blocks=list(org.blocks),
            period_start=campaign.period_start,
            period_end=campaign.period_end,
            deadline=campaign.deadline,
            organisation=name,
            answers=answers,
            status="closed"
            if campaign.status == "closed" and response.status != "submitted"
            else response.status,
            return_reason=response.return_reason,
            response_version=response.version,
        )
        return campaign_id, ctx, response

    async def _apply(
        self, outcome: Outcome, contact_id: int, response_id: int, channel: str
    ) -> Reply | None:
        """Apply effects in order; on a conflict stop and return what to tell the person."""
        lang = outcome.state.lang
        for effect in outcome.effects:
            try:
                await self._apply_one(effect, contact_id, response_id, channel)
            except errors.StaleAnswerError as exc:
                return self._stale_answer(exc, lang)
            except errors.StaleResponseError:
                return self._error_reply(
                    lang,
                    N_(
                        "Пока вы смотрели сводку, коллега изменил ответы. Проверьте их и отправьте ещё раз."
                    ),
                )
            except errors.ResponseLockedError:
                return self._error_reply(
                    lang,
                    N_(
                        "Анкета уже отправлена, изменить ответы нельзя. Если нужно исправление, обратитесь к координатору."
                    ),
                )
        return None

    async def _apply_one(
        self, effect: Any, contact_id: int, response_id: int, channel: str
    ) -> None:
        if isinstance(effect, Save):
            await self.store.save_answer(
                response_id,
                effect.code,
                value=effect.value,
                no_data_reason=effect.no_data_reason,
                contact_id=contact_id,
                channel=channel,
                expected_version=effect.expected_version,
            )
            ANSWERS_SAVED.labels(channel).inc()
        elif isinstance(effect, SetLanguage):
            await self.store.update_contact(contact_id, language=effect.lang)
        elif isinstance(effect, Submit):
            if effect.expected_version is None:
                raise errors.StaleResponseError(response_id, 0, None)
            await self.store.submit_response(
                response_id, expected_version=effect.expected_version, contact_id=contact_id
            )

    def _stale_answer(self, exc: errors.StaleAnswerError, lang: str) -> Reply:
        """A colleague answered this field meanwhile: say what is stored now."""
        _ = i18n.translator(lang)
        value = _("нет ответа")
        every = self.engine.walk([b.number for b in self.q.blocks])
        position = every.index.get(exc.field_code)
        if exc.current_version and position is not None:
            no_data = exc.current_status == "no_data"
            answer = Answer(None if no_data else exc.current_value, "…" if no_data else None)
            value = format_answer(self.q, every.steps[position].field, answer, lang, 300)
        elif exc.current_version:  # a comment, or a mismatch's explanation: its text
            current = exc.current_value
            value = str(current.get("explanation") if isinstance(current, dict) else current)
        text = _(
            "Этот ответ только что изменил коллега из вашей организации. Сейчас сохранено: {value}. "
            "Ваш ответ не записан, чтобы не затереть чужой; если нужно, ответьте ещё раз."
        ).format(value=value)
        return Reply(text, (), "error")

    @staticmethod
    def _error_reply(lang: str, msgid: str) -> Reply:
        return Reply(i18n.gettext(lang, msgid), (), "error")
