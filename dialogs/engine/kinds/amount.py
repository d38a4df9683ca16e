"""A sum in tenge, two decimals at most, stored as a string ("1500000.00")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dialogs import i18n
from dialogs.contract import Answer
from dialogs.engine import flow
from dialogs.engine.kinds.base import FieldKind, narrow
from dialogs.engine.turn import Rows, Turn
from dialogs.parsing import parse_amount
from dialogs.render import group
from dialogs.schema import AmountField, AnyField, Questionnaire
from dialogs.walk import Step


class Amount(FieldKind):
    name = "amount"

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        hint = t._("Введите сумму в тенге, например: 1 500 000 или 12 500,50.")
        return t._(step.field.label) + "\n" + hint, []

    def on_text(self, t: Turn, text: str) -> None:
        value = parse_amount(text, narrow(t.step.field, AmountField).max_value)
        t.save(t.code, f"{value:.2f}")
        t.say(t._("Сохранено: {value} тенге.").format(value=group(f"{value:.2f}")))
        flow.advance(t)

    def render(self, q: Questionnaire, field: AnyField, value: Any, lang: str, limit: int) -> str:
        _ = i18n.translator(lang)
        return _("{amount} тенге").format(amount=group(Decimal(str(value))))
