"""The dialog service: loads a contact's world from storage, runs the engine, applies effects.

This is the one place where the conversation meets the database, through the
:class:`storage.repository.Store` API (never SQL).  Channels call
:meth:`DialogService.handle` with an :class:`~dialogs.contract.Input` and show
the replies.

One step is one unit of work (issue 10): the dialog position is read and locked, the
step's answers with their revisions and audit rows, the new position and (Telegram) the
processed-update marks are committed in ONE transaction before the reply is returned,
so a crash anywhere leaves the step wholly applied or not at all.  A step that lost its
connection, or a serialization race, is run again once from the start.  Every input is
bound to the prompt it answers (:mod:`dialogs.application.prompts`): it is never
replayed against another question.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dialogs import i18n
from dialogs.application import prompts
from dialogs.application.campaigns import NoCampaign, current_snapshot
from dialogs.application.conflicts import stale_answer_reply
from dialogs.application.metrics import ANSWERS_SAVED, DIALOG_STEPS
from dialogs.contract import (
    Answer,
    Context,
    Input,
    Outcome,
    Reply,
    ReviewEntry,
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
#: The answers the step running in this task has written so far (counted after commit).
_SAVED: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("saved", default=None)

#: One dialog step: from the stored position and the loaded context to the outcome.
Step = Callable[[State, Context], Outcome]


@dataclass
class Turned:
    """What a channel shows after one input: the replies, the progress, the language."""

    replies: list[Reply]
    progress: tuple[int, int] | None
    lang: str
    #: The prompt now on screen: the web client sends it back with typed text.
    prompt: int | None = None
    #: The update was handled before (a redelivery): nothing was done, nothing to show.
    handled_before: bool = False


class _HandledBefore(Exception):
    """Internal: the step's update is marked already; rolls the unit of work back."""


class DialogService:
    """Stateless between calls: everything it needs is in storage."""

    def __init__(self, store: Store, questionnaire: Questionnaire | None = None) -> None:
        self.store = store
        self.q = questionnaire or default()
        self.engine = Engine(self.q)

    async def handle(
        self,
        contact_id: int,
        inp: Input,
        *,
        channel: str,
        lang_hint: str | None = None,
        updates: Sequence[int] = (),
    ) -> list[Reply]:
        """One input from one contact → the replies to show (answers already saved)."""
        turned = await self.converse(
            contact_id, inp, channel=channel, lang_hint=lang_hint, updates=updates
        )
        return turned.replies

    async def converse(
        self,
        contact_id: int,
        inp: Input,
        *,
        channel: str,
        lang_hint: str | None = None,
        updates: Sequence[int] = (),
    ) -> Turned:
        """Like :meth:`handle`, with the progress and language a page shows beside the replies.

        ``updates``: the channel's update ids this input came in (Telegram), marked
        processed in the step's own transaction; if one is marked already, nothing is done
        and ``handled_before`` is set.
        """

        def step(state: State, ctx: Context) -> Outcome:
            if inp.kind == "command" and inp.value == "start":
                return self.engine.start(state, ctx, lang_hint)
            return self.engine.step(state, ctx, inp)

        return await self.run(
            contact_id, step, channel=channel, lang_hint=lang_hint, inp=inp, updates=updates
        )

    async def run(
        self,
        contact_id: int,
        step: Step,
        *,
        channel: str,
        lang_hint: str | None = None,
        inp: Input | None = None,
        updates: Sequence[int] = (),
    ) -> Turned:
        """Load the contact's world, take ``step``, apply its effects, store the new position,
        all in one unit of work.

        Retried from the start when another handler stored this contact's dialog first,
        and once after a dropped connection or a serialization failure, so a step always
        applies to the position it was taken on, and one cut connection is not an error.
        """
        transient_retries = 1
        for attempt in range(4):
            saved: list[str] = []
            _SAVED.set(saved)
            try:
                async with self.store.unit_of_work():
                    turned = await self._run_once(
                        contact_id, step, channel, lang_hint, inp, updates
                    )
                DIALOG_STEPS.labels(channel, "ok").inc()
                ANSWERS_SAVED.labels(channel).inc(len(saved))  # counted once committed
                return turned
            except errors.StaleDialogStateError:
                log.info("dialog of contact %s changed meanwhile; retry %s", contact_id, attempt)
            except _HandledBefore:
                return Turned([], None, "ru", handled_before=True)
            except Exception as exc:
                if not errors.is_transient(exc) or transient_retries == 0:
                    DIALOG_STEPS.labels(channel, "error").inc()
                    raise
                transient_retries -= 1
                log.warning("step of contact %s lost its database (%s); run again", contact_id, exc)
        DIALOG_STEPS.labels(channel, "conflict").inc()
        text = N_("Не удалось обработать сообщение. Попробуйте ещё раз.")
        return Turned([self._error_reply("ru", text)], None, "ru")

    async def delivered(self, contact_id: int, channel: str, prompt: int | None) -> None:
        """The replies showing ``prompt`` reached the person on ``channel`` (Telegram).

        Text typed there is for that prompt until a newer one is delivered; recorded only
        after sending, so a reply lost in a crash leaves the resend bound to the question
        the person actually saw.
        """
        if prompt is None:
            return
        async with self.store.unit_of_work():
            row = await self.store.get_dialog_state(contact_id, lock=True)
            if row is None:
                return
            stored = dict(row.state)
            shown = dict(stored.get("shown") or {})
            if shown.get(channel, -1) >= prompt:
                return
            shown[channel] = prompt
            stored["shown"] = shown
            await self.store.save_dialog_state(contact_id, stored, expected_version=row.version)

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

    async def review_entry(self, contact_id: int, code: str) -> ReviewEntry | None:
        """One entry of the contact's review in full (a field, a comment, a confirmed
        mismatch, by ``code``), in their dialog's language: a channel that showed it
        shortened sends it whole on request.  Reads only; None if it is not theirs."""
        async with self.store.unit_of_work():
            row = await self.store.get_dialog_state(contact_id)
            stored: dict[str, Any] = dict(row.state) if row else {}
            try:
                _, ctx, _ = await self._context(contact_id, stored.get("campaign_id"))
            except NoCampaign:
                return None
        lang = State.from_json(stored.get("engine")).lang
        return self.engine.review_entry(ctx.answers, ctx.blocks, code, lang)

    async def language(self, contact_id: int) -> str:
        """The contact's language, for texts produced outside the dialog."""
        contact = await self.store.get_contact(contact_id)
        return i18n.normalise(contact.language)

    async def _run_once(
        self,
        contact_id: int,
        step: Step,
        channel: str,
        lang_hint: str | None,
        inp: Input | None,
        updates: Sequence[int],
    ) -> Turned:
        row = await self.store.get_dialog_state(contact_id, lock=True)
        stored: dict[str, Any] = dict(row.state) if row else {}
        state_version = row.version if row else 0
        for update_id in updates:
            if not await self.store.mark_processed(channel, update_id):
                last = stored.get("last") or {}
                if update_id not in (last.get("updates") or ()):
                    raise _HandledBefore
                # Our own commit whose acknowledgement the cut connection lost: answer as then.
                progress = last.get("progress")
                lang = State.from_json(stored.get("engine")).lang
                replies = prompts.replies_of(last)
                return Turned(replies, tuple(progress) if progress else None, lang)
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
        prompt = self._prompt(stored, inp, channel)
        if inp is not None and prompt is not None and prompt != state.nonce:
            again = prompts.resent(stored, inp, prompt)
            if again is not None:  # the same input sent again: answered as the first time
                progress = again.get("progress")
                replies = prompts.replies_of(again)
                return Turned(
                    replies, tuple(progress) if progress else None, state.lang, state.nonce
                )
            if inp.kind == "text" and not prompts.still_here(stored, prompt, state):
                outcome = self.engine.resume(state, ctx)
                old = prompts.shown_code(stored, prompt)
                refused = prompts.refusal(self.q, state.lang, old, outcome.state.code)
                return await self._store_turn(
                    contact_id, stored, state_version, inp, prompt, outcome, [refused], updates
                )
        outcome = step(state, ctx)
        conflict = await self._apply(outcome, contact_id, response.id, channel)
        before: list[Reply] = []
        if conflict is not None:
            _, ctx, _ = await self._context(contact_id, campaign_id)
            outcome = self.engine.resume(state, ctx)
            before = [conflict]
        if outcome.awaits_response_version:
            # The summary was shown after this step's own saves: confirm against that version.
            version = (await self.store.get_response(response.id)).version
            outcome = self.engine.settle(outcome, version)
        return await self._store_turn(
            contact_id, stored, state_version, inp, prompt, outcome, before, updates
        )

    async def _store_turn(
        self,
        contact_id: int,
        stored: dict[str, Any],
        state_version: int,
        inp: Input | None,
        prompt: int | None,
        outcome: Outcome,
        before: list[Reply],
        updates: Sequence[int] = (),
    ) -> Turned:
        """Store the new position (with the prompt now shown and this step's record)."""
        replies = [*before, *outcome.replies]
        stored["engine"] = outcome.state.to_json()
        prompts.remember_prompt(stored, outcome.state)
        if inp is not None:
            prompts.record_last(stored, inp, prompt, replies, outcome.progress, updates)
        await self.store.save_dialog_state(contact_id, stored, expected_version=state_version)
        return Turned(replies, outcome.progress, outcome.state.lang, outcome.state.nonce)

    @staticmethod
    def _prompt(stored: dict[str, Any], inp: Input | None, channel: str) -> int | None:
        """The prompt ``inp`` answers: named by it, else the last one shown on ``channel``."""
        if inp is None:
            return None
        prompt = prompts.prompt_of(inp)
        if prompt is None and inp.kind == "text":
            shown = (stored.get("shown") or {}).get(channel)
            prompt = shown if isinstance(shown, int) else None
        return prompt

    async def _context(self, contact_id: int, campaign_id: int | None) -> tuple[int, Context, Any]:
        snap = await current_snapshot(self.store, contact_id, campaign_id)
        campaign, contact, org, response = (
            snap.campaign,
            snap.contact,
            snap.organisation,
            snap.response,
        )
        answers = {
            r.field_code: Answer(
                r.value, r.no_data_reason if r.status == "no_data" else None, r.version
            )
            for r in snap.answers
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
            return_items=dict(response.return_items or {}),
            response_version=response.version,
            last_year={
                r.field_code: Answer(r.value, r.no_data_reason if r.status == "no_data" else None)
                for r in snap.last_year
            },
            organisation_names={"ru": org.name_ru, "kk": org.name_kk or org.name_ru},
        )
        return campaign.id, ctx, response

    async def _apply(
        self, outcome: Outcome, contact_id: int, response_id: int, channel: str
    ) -> Reply | None:
        """Apply effects in order; on a conflict stop and return what to tell the person."""
        lang = outcome.state.lang
        for effect in outcome.effects:
            try:
                await self._apply_one(effect, contact_id, response_id, channel)
            except errors.StaleAnswerError as exc:
                return stale_answer_reply(self.engine, self.q, exc, lang, contact_id)
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
            bucket = _SAVED.get()
            if bucket is not None:
                bucket.append(effect.code)
        elif isinstance(effect, SetLanguage):
            await self.store.update_contact(contact_id, language=effect.lang)
        elif isinstance(effect, Submit):
            if effect.expected_version is None:
                raise errors.StaleResponseError(response_id, 0, None)
            await self.store.submit_response(
                response_id, expected_version=effect.expected_version, contact_id=contact_id
            )

    @staticmethod
    def _error_reply(lang: str, msgid: str) -> Reply:
        return Reply(i18n.gettext(lang, msgid), (), "error")
