"""The kinds of field, one module each, in one registry keyed by the questionnaire's ``kind``.

Adding a kind: its model in :mod:`dialogs.schema`, a module here with a
:class:`~dialogs.engine.kinds.base.FieldKind` (its question, its parser call, its
buttons, how its answer reads), and one line below.
"""

from __future__ import annotations

from collections.abc import Mapping

from dialogs import i18n
from dialogs.contract import Answer
from dialogs.engine.kinds.amount import Amount
from dialogs.engine.kinds.base import FieldKind
from dialogs.engine.kinds.breakdown import Breakdown
from dialogs.engine.kinds.choice import Choice
from dialogs.engine.kinds.count import Count
from dialogs.engine.kinds.list import List
from dialogs.engine.kinds.open_breakdown import OpenBreakdown
from dialogs.engine.kinds.period import Period
from dialogs.engine.kinds.text import Text
from dialogs.engine.kinds.yes_no import YesNo
from dialogs.render import cut
from dialogs.schema import AnyField, Questionnaire

KINDS: Mapping[str, FieldKind] = {
    k.name: k
    for k in (
        YesNo(),
        Choice(),
        Text(),
        Count(),
        Amount(),
        Period(),
        Breakdown(),
        OpenBreakdown(),
        List(),
    )
}

__all__ = ["KINDS", "FieldKind", "answer_text", "kind_of"]


def kind_of(field: AnyField) -> FieldKind:
    """The kind of ``field``."""
    return KINDS[field.kind]


def answer_text(
    q: Questionnaire, field: AnyField, answer: Answer | None, lang: str, limit: int = 0
) -> str:
    """One answer as a line of text (``limit`` > 0 shortens free texts): "no answer" and
    "no data" read the same for every kind, a value as its kind renders it."""
    _ = i18n.translator(lang)
    if answer is None:
        return _("нет ответа")
    if answer.is_no_data:
        return _("нет данных: {reason}").format(reason=cut(answer.no_data_reason or "", limit))
    return kind_of(field).render(q, field, answer.value, lang, limit)
