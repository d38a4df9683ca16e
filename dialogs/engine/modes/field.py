"""Mode ``FIELD``: a field's question, answered the way its kind answers (typed or a button),
with the buttons every field has (no data, skip, back, comment, menu)."""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.contract import Answer
from dialogs.engine import flow
from dialogs.engine.kinds import answer_text, kind_of
from dialogs.engine.turn import Rows, Turn
from dialogs.engine.views import Screen
from dialogs.parsing import ParseError


class Field(Screen):
    def show(self, t: Turn) -> None:
        _ = t._
        step = t.step
        kind = kind_of(step.field)
        answer = t.ctx.answers.get(step.code)
        t.state.draft.setdefault("seen_version", answer.version if answer else 0)
        text, rows = kind.prompt(t, step, answer)
        parts = [text]
        if answer is not None and kind.shows_current:
            value = answer_text(t.q, step.field, answer, t.state.lang)
            parts.append(_("Текущий ответ: {value}").format(value=value))
            rows.insert(0, [(_("Оставить как есть"), "keep")])
        last = last_year(t)
        if answer is None and last is not None:
            value = answer_text(t.q, step.field, last, t.state.lang)
            parts.append(_("В прошлом году: {value}").format(value=value))
            rows.insert(0, [(_("Как в прошлом году"), "same")])
        rows.extend(common_rows(t))
        flow.ask_field(t, "\n\n".join(parts), rows)

    def on_text(self, t: Turn, text: str) -> None:
        try:
            kind_of(t.step.field).on_text(t, text)
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            t.show()

    def on_form(self, t: Turn, values: Mapping[str, str]) -> None:
        """A whole breakdown or list as one input: the kind's parsers, its messages."""
        try:
            kind_of(t.step.field).on_form(t, values)
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            t.show()

    def on_button(self, t: Turn, action: str) -> bool:
        last = last_year(t)
        if action == "same" and last is not None:
            t.save(t.code, last.value)
            t.say(t._("Сохранено: как в прошлом году."))
            flow.advance(t)
            return True
        return kind_of(t.step.field).on_button(t, action) or flow.field_buttons(t, action)


#: The kinds whose answer may stay the same from year to year: descriptions, never the
#: period's numbers (counts, amounts, breakdowns, lists of the year's events).
SAME_AS_LAST_YEAR = frozenset({"yes_no", "choice", "text"})


def last_year(t: Turn) -> Answer | None:
    """Last year's answer to this field, if it may be offered again (a description given)."""
    last = t.ctx.last_year.get(t.code)
    if t.step.field.kind not in SAME_AS_LAST_YEAR or last is None or last.is_no_data:
        return None
    return last


def common_rows(t: Turn) -> Rows:
    _ = t._
    return [
        [(_("Нет данных"), "nd"), (_("Пропустить"), "skip"), (_("Назад"), "back")],
        [(_("Комментарий"), "comment"), (_("Меню"), "cmd:menu")],
    ]
