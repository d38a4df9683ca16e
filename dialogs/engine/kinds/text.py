"""Free text, never empty, at most the field's ``max_length`` characters."""

from __future__ import annotations

from typing import Any

from dialogs.contract import Answer
from dialogs.engine import flow
from dialogs.engine.kinds.base import FieldKind, narrow
from dialogs.engine.turn import Rows, Turn
from dialogs.parsing import clean_text
from dialogs.render import cut, group
from dialogs.schema import AnyField, Questionnaire, TextField
from dialogs.walk import Step


class Text(FieldKind):
    name = "text"

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        limit = narrow(step.field, TextField).max_length
        hint = t._("Напишите ответ (до {n} знаков).").format(n=group(limit))
        return t._(step.field.label) + "\n" + hint, []

    def on_text(self, t: Turn, text: str) -> None:
        value = clean_text(text, narrow(t.step.field, TextField).max_length)
        t.save(t.code, value)
        t.say(t._("Сохранено."))
        flow.advance(t)

    def render(self, q: Questionnaire, field: AnyField, value: Any, lang: str, limit: int) -> str:
        return cut(str(value), limit)
