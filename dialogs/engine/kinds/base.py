"""What every kind of field provides to the engine: its question, what it does with a
typed answer or its own buttons, and how its stored answer reads back.

A kind works in the ``field`` mode (the field's question on screen).  Kinds that need
a question of their own (a category's number, a list entry's columns, a country to
pick) define it as a mode in their module; the machine wires it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from dialogs.contract import Answer, Expects
from dialogs.engine.turn import Rows, Turn
from dialogs.i18n import N_
from dialogs.parsing import ParseError
from dialogs.schema import AnyField, BaseField, Questionnaire
from dialogs.walk import Step

F = TypeVar("F", bound=BaseField)


def narrow(field: AnyField, model: type[F]) -> F:
    """The field as the model of its kind (a kind only ever gets fields of its own kind)."""
    if not isinstance(field, model):
        raise TypeError(f"{field.key} is a {field.kind}, not a {model.__name__}")
    return field


class FieldKind:
    """One kind of field; ``name`` is the ``kind`` of its fields in the questionnaire."""

    name: ClassVar[str]
    #: Show "Current answer: …" with a "Keep" button (breakdowns and lists show their value
    #: in the question itself).
    shows_current: ClassVar[bool] = True
    #: Typed text answers the field's question (the web puts the cursor in the box).
    takes_text: ClassVar[bool] = True

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        """The field's question and its own buttons (the common ones are added after)."""
        raise NotImplementedError

    def on_text(self, t: Turn, text: str) -> None:
        """A typed answer; a :class:`~dialogs.parsing.ParseError` asks the question again."""
        raise NotImplementedError

    def on_button(self, t: Turn, action: str) -> bool:
        """One of the kind's buttons; False if ``action`` is not one."""
        return False

    def expects(self, t: Turn, step: Step) -> Expects:
        """What the field's question expects, as data (breakdowns and lists add a table)."""
        return Expects(text=self.takes_text, field=step.code, kind=self.name)

    def on_form(self, t: Turn, values: Mapping[str, str]) -> None:
        """A whole value sent as one input (``Input.table``); only tables take one."""
        raise ParseError(N_("Этот вопрос заполняется не таблицей. Ответьте на него, пожалуйста."))

    def render(self, q: Questionnaire, field: AnyField, value: Any, lang: str, limit: int) -> str:
        """A stored value as one line of text (``limit`` > 0 shortens free texts)."""
        raise NotImplementedError

    # --- for kinds whose answer may ask for a description (yes/no, choice) -----------------

    def describe_prompt(self, t: Turn, step: Step) -> str:
        """What the description is asked with."""
        raise NotImplementedError(self.name)

    def described(self, t: Turn, description: str) -> Any:
        """The value to save, with the description typed."""
        raise NotImplementedError(self.name)
