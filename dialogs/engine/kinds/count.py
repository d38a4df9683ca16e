"""A whole number of cases, persons, events; the item's rules are checked at once."""

from __future__ import annotations

from typing import Any

from dialogs.contract import Answer
from dialogs.engine import checks, flow
from dialogs.engine.kinds.base import FieldKind, narrow
from dialogs.engine.turn import Rows, Turn
from dialogs.parsing import parse_count
from dialogs.render import group
from dialogs.schema import AnyField, CountField, Questionnaire
from dialogs.walk import Step


class Count(FieldKind):
    name = "count"

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        return t._(step.field.label) + "\n" + t._("Введите число цифрами, например: 25."), []

    def on_text(self, t: Turn, text: str) -> None:
        value = parse_count(text, narrow(t.step.field, CountField).max_value)
        t.save(t.code, value)
        t.say(t._("Сохранено: {value}.").format(value=group(value)))
        if not checks.check(t):
            flow.advance(t)

    def render(self, q: Questionnaire, field: AnyField, value: Any, lang: str, limit: int) -> str:
        return group(int(value))
