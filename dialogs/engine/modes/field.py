"""Mode ``FIELD``: a field's question, answered the way its kind answers (typed or a button),
with the buttons every field has (no data, skip, back, comment, menu)."""

from __future__ import annotations

from collections.abc import Mapping

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
            value = answer_text(t.q, step.field, answer, t.state.lang, 300)
            parts.append(_("Текущий ответ: {value}").format(value=value))
            rows.insert(0, [(_("Оставить как есть"), "keep")])
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
        return kind_of(t.step.field).on_button(t, action) or flow.field_buttons(t, action)


def common_rows(t: Turn) -> Rows:
    _ = t._
    return [
        [(_("Нет данных"), "nd"), (_("Пропустить"), "skip"), (_("Назад"), "back")],
        [(_("Комментарий"), "comment"), (_("Меню"), "cmd:menu")],
    ]
