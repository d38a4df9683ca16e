"""Answers: one typed value per field, compare-and-set, every revision kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.answer_writes import (
    BUMP_RESPONSE,
    INSERT_ANSWER,
    INSERT_REVISION,
    LOCKED_READ,
    LOCKED_READ_WITH_CONTACT,
    UPDATE_ANSWER,
    CurrentAnswer,
    check_access,
)
from storage.base import (
    NothingToClear,
    StoreBase,
    check_choice,
    check_field_code,
)
from storage.models import (
    Answer,
    AnswerRevision,
    AnswerStatus,
    Channel,
    Response,
    ResponseStatus,
    utcnow,
)


class AnswerStore(StoreBase):
    """Answers: one typed value per field, compare-and-set, every revision kept."""

    # --- answers ---------------------------------------------------------------------------

    async def _lock_writable_response(
        self, session: AsyncSession, response_id: int, contact_id: int | None
    ) -> Response:
        response = await self._get(session, Response, response_id, lock=True)
        await self._check_contact_owns(session, contact_id, response)
        if response.status == ResponseStatus.SUBMITTED:
            raise errors.ResponseLockedError(response_id, response.status)
        if response.status == ResponseStatus.NOT_STARTED:
            response.status = ResponseStatus.IN_PROGRESS.value
        response.version += 1
        response.updated_at = utcnow()
        return response

    @staticmethod
    async def _current_answer(
        session: AsyncSession, response_id: int, field_code: str
    ) -> Answer | None:
        query = (
            select(Answer)
            .where(Answer.response_id == response_id, Answer.field_code == field_code)
            .with_for_update()
        )
        return (await session.scalars(query)).one_or_none()

    @staticmethod
    def _check_expected(
        response_id: int,
        field_code: str,
        expected_version: int | None,
        answer: Answer | CurrentAnswer | None,
    ) -> None:
        """``None``: no check; ``0``: the field must have no answer; ``n``: must be at ``n``."""
        if expected_version is None:
            return
        current = answer.version if answer is not None else None
        if (current or 0) != expected_version:
            raise errors.StaleAnswerError(
                response_id,
                field_code,
                expected_version,
                current,
                answer.value if answer is not None else None,
                answer.status if answer is not None else None,
                answer.contact_id if answer is not None else None,
            )

    async def save_answer(
        self,
        response_id: int,
        field_code: str,
        *,
        value: Any = None,
        no_data_reason: str | None = None,
        contact_id: int | None,
        channel: str,
        expected_version: int | None = None,
    ) -> Answer:
        """Write one field of a response in its own transaction, committed before returning.

        Give ``no_data_reason`` (and no ``value``) to record "no data"; otherwise ``value`` is
        the field's JSON value.  ``expected_version`` is the version the person saw (``0`` if
        the field had no answer); if the field changed since, nothing is written and
        :class:`~storage.errors.StaleAnswerError` carries the current value.  ``None`` writes
        unconditionally (last write wins on this field; the history keeps both).
        Raises :class:`~storage.errors.ResponseLockedError` on a submitted response and
        :class:`~storage.errors.AccessDenied` when the contact is of another organisation.
        ``contact_id`` is ``None`` only for coordinator corrections (``channel="admin"``).
        """
        check_field_code(field_code)
        check_choice("channel", channel, Channel)
        if no_data_reason is not None and value is not None:
            raise ValueError("give either a value or a no_data_reason, not both")
        status = AnswerStatus.NO_DATA if no_data_reason is not None else AnswerStatus.ANSWERED

        async def work() -> Answer:
            async with self._tx() as s:
                return await self._write_answer(
                    s, response_id, field_code, status, value, no_data_reason, contact_id,
                    channel, expected_version,
                )  # fmt: skip

        return await self._retrying(work)

    async def _write_answer(
        self,
        s: AsyncSession,
        response_id: int,
        field_code: str,
        status: AnswerStatus,
        value: Any,
        no_data_reason: str | None,
        contact_id: int | None,
        channel: str,
        expected_version: int | None,
    ) -> Answer:
        """:meth:`save_answer`'s transaction in Core statements: one locked read, then writes.

        The read locks the response row (every writer of its answers takes that lock
        first, so they are serialised) and brings the contact's access, the field's
        current answer and its last revision with it; every refusal is raised before
        anything is written, so inside a step's unit of work no savepoint is needed.
        """
        read = LOCKED_READ if contact_id is None else LOCKED_READ_WITH_CONTACT
        params = {"rid": response_id, "field": field_code, "cid": contact_id}
        row = (await s.execute(read, params)).one_or_none()
        if row is None:
            raise errors.NotFound("Response", response_id)
        check_access(row, response_id, contact_id)
        if row.status == ResponseStatus.SUBMITTED:
            raise errors.ResponseLockedError(response_id, row.status)
        current = CurrentAnswer(row) if row.answer_id is not None else None
        self._check_expected(response_id, field_code, expected_version, current)
        now = utcnow()
        started = row.status == ResponseStatus.NOT_STARTED
        bump = {"rid": response_id, "version": row.version + 1, "updated_at": now,
                "status": ResponseStatus.IN_PROGRESS.value if started else row.status}  # fmt: skip
        await s.execute(BUMP_RESPONSE, bump)
        cells = {
            "status": status.value,
            "value": value,
            "no_data_reason": no_data_reason,
            "contact_id": contact_id,
            "channel": channel,
            "answered_at": now,
        }
        if current is None:
            version = (row.last_revision or 0) + 1
            new = {"response_id": response_id, "field_code": field_code, "version": version}
            answer_id = await s.scalar(INSERT_ANSWER, {**new, **cells})
        else:
            version, answer_id = current.version + 1, row.answer_id
            await s.execute(UPDATE_ANSWER, {"aid": answer_id, "version": version, **cells})
        revision = {"response_id": response_id, "field_code": field_code, "revision": version}
        await s.execute(INSERT_REVISION, {**revision, **cells})
        return Answer(
            id=answer_id, response_id=response_id, field_code=field_code, version=version, **cells
        )

    async def clear_answer(
        self,
        response_id: int,
        field_code: str,
        *,
        contact_id: int | None,
        channel: str,
        expected_version: int | None = None,
    ) -> bool:
        """Remove a field's answer (the clearing is kept as a ``cleared`` revision).

        Returns ``False`` if there was nothing to clear.  Same checks as :meth:`save_answer`.
        """
        check_field_code(field_code)
        check_choice("channel", channel, Channel)
        try:
            async with self._tx(savepoint=True) as s:  # refusals come after the version bump
                await self._lock_writable_response(s, response_id, contact_id)
                answer = await self._current_answer(s, response_id, field_code)
                self._check_expected(response_id, field_code, expected_version, answer)
                if answer is None:
                    raise NothingToClear  # rolls back the response version bump
                s.add(
                    AnswerRevision(
                        response_id=response_id,
                        field_code=field_code,
                        revision=answer.version + 1,
                        status=AnswerStatus.CLEARED.value,
                        value=None,
                        no_data_reason=None,
                        contact_id=contact_id,
                        channel=channel,
                        answered_at=utcnow(),
                    )
                )
                await s.delete(answer)
        except NothingToClear:
            return False
        return True

    async def get_answer(self, response_id: int, field_code: str) -> Answer | None:
        query = select(Answer).where(
            Answer.response_id == response_id, Answer.field_code == field_code
        )
        async with self._tx() as s:
            return (await s.scalars(query)).one_or_none()

    async def list_answers(
        self, response_id: int, *, contact_id: int | None = None
    ) -> list[Answer]:
        """Current answers of a response by field code; with ``contact_id``, checks access."""
        async with self._tx() as s:
            response = await self._get(s, Response, response_id)
            await self._check_contact_owns(s, contact_id, response)
            query = (
                select(Answer).where(Answer.response_id == response_id).order_by(Answer.field_code)
            )
            return list((await s.scalars(query)).all())

    async def answer_history(self, response_id: int, field_code: str) -> list[AnswerRevision]:
        """Every value ever written to the field (and every clearing), oldest first."""
        query = (
            select(AnswerRevision)
            .where(
                AnswerRevision.response_id == response_id,
                AnswerRevision.field_code == field_code,
            )
            .order_by(AnswerRevision.revision)
        )
        return await self._all(query)
