"""What a person is told when the answer they changed was changed meanwhile.

Why a module: "a colleague changed this" must be said only when the newer revision came
from another contact; the same contact's own write from another tab or channel is named
as theirs, never blamed on a colleague who does not exist.
"""

from __future__ import annotations

from dialogs import i18n
from dialogs.application.answers import format_answer
from dialogs.contract import Answer, Reply
from dialogs.engine import Engine
from dialogs.i18n import N_
from dialogs.schema import Questionnaire
from storage import errors

BY_COLLEAGUE = N_(
    "Этот ответ только что изменил коллега из вашей организации. Сейчас сохранено: {value}. "
    "Ваш ответ не записан, чтобы не затереть чужой; если нужно, ответьте ещё раз."
)
BY_YOU_ELSEWHERE = N_(
    "Этот ответ вы уже изменили в другом окне или в другом канале. Сейчас сохранено: {value}. "
    "Этот ответ не записан; если нужно, ответьте ещё раз."
)


def stale_answer_reply(
    engine: Engine, q: Questionnaire, exc: errors.StaleAnswerError, lang: str, contact_id: int
) -> Reply:
    """Say what is stored now, and who stored it (a colleague, or you elsewhere)."""
    _ = i18n.translator(lang)
    value = _("нет ответа")
    every = engine.walk([b.number for b in q.blocks])
    position = every.index.get(exc.field_code)
    if exc.current_version and position is not None:
        no_data = exc.current_status == "no_data"
        answer = Answer(None if no_data else exc.current_value, "…" if no_data else None)
        value = format_answer(q, every.steps[position].field, answer, lang, 300)
    elif exc.current_version:  # a comment, or a mismatch's explanation: its text
        current = exc.current_value
        value = str(current.get("explanation") if isinstance(current, dict) else current)
    mine = exc.current_contact_id is not None and exc.current_contact_id == contact_id
    return Reply(_(BY_YOU_ELSEWHERE if mine else BY_COLLEAGUE).format(value=value), (), "error")
