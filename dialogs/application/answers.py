"""How a stored answer reads, for the coordinator's pages and messages outside the dialog.

Each field kind renders its own answers (:mod:`dialogs.engine.kinds`); the coordinator
side may not import the engine, so it asks here and reads exactly what the dialog shows.
"""

from __future__ import annotations

from dialogs.contract import Answer
from dialogs.engine.kinds import answer_text
from dialogs.schema import AnyField, Questionnaire


def format_answer(
    q: Questionnaire, field: AnyField, answer: Answer | None, lang: str, limit: int = 0
) -> str:
    """One answer as a line of text in ``lang``; ``limit`` > 0 shortens free texts."""
    return answer_text(q, field, answer, lang, limit)
