"""The reporting period: set by the coordinator for the campaign, only confirmed here."""

from __future__ import annotations

from typing import Any

from dialogs.contract import Answer
from dialogs.engine import flow
from dialogs.engine.kinds.base import FieldKind
from dialogs.engine.turn import Rows, Turn
from dialogs.i18n import N_
from dialogs.parsing import ParseError, parse_yes_no
from dialogs.schema import AnyField, Questionnaire
from dialogs.walk import Step


class Period(FieldKind):
    name = "period"
    takes_text = False  # confirmed by a button

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        _ = t._
        text = _("Отчетный период: {start} – {end}. Подтвердите, пожалуйста.").format(
            start=t.ctx.period_start.strftime("%d.%m.%Y"),
            end=t.ctx.period_end.strftime("%d.%m.%Y"),
        )
        return _(step.field.label) + "\n" + text, [[(_("Подтверждаю"), "ok")]]

    def on_button(self, t: Turn, action: str) -> bool:
        if action != "ok":
            return False
        self.confirm(t)
        return True

    def on_text(self, t: Turn, text: str) -> None:
        if not parse_yes_no(text):
            raise ParseError(
                N_("Отчетный период задан координатором. Нажмите «Подтверждаю» или «Нет данных».")
            )
        self.confirm(t)

    def confirm(self, t: Turn) -> None:
        period = {"start": t.ctx.period_start.isoformat(), "end": t.ctx.period_end.isoformat()}
        t.save(t.code, period)
        t.say(t._("Сохранено."))
        flow.advance(t)

    def render(self, q: Questionnaire, field: AnyField, value: Any, lang: str, limit: int) -> str:
        return f"{_date(value['start'])} – {_date(value['end'])}"


def _date(iso: str) -> str:
    y, m, day = iso.split("-")
    return f"{day}.{m}.{y}"
