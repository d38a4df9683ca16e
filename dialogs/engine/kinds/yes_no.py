"""Yes/no ("Да/Нет (Если да, опишите)"): a yes asks for its description."""

from __future__ import annotations

from typing import Any

from dialogs import i18n
from dialogs.contract import Answer, Mode
from dialogs.engine import flow
from dialogs.engine.kinds.base import FieldKind, narrow
from dialogs.engine.turn import Rows, Turn
from dialogs.i18n import N_
from dialogs.parsing import ParseError, parse_yes_no
from dialogs.render import cut
from dialogs.schema import AnyField, Questionnaire, YesNoField
from dialogs.walk import Step


class YesNo(FieldKind):
    name = "yes_no"

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        _ = t._
        text = _(step.field.label) + "\n" + _("Да или нет? Если да — опишите.")
        return text, [[(_("Да"), "yes"), (_("Нет"), "no")]]

    def on_button(self, t: Turn, action: str) -> bool:
        if action not in ("yes", "no"):
            return False
        self.answer(t, action == "yes")
        return True

    def on_text(self, t: Turn, text: str) -> None:
        yes = parse_yes_no(text)
        if yes is None:
            raise ParseError(N_("Ответьте «Да» или «Нет» — кнопкой или словом."))
        self.answer(t, yes)

    def answer(self, t: Turn, yes: bool) -> None:
        if yes and narrow(t.step.field, YesNoField).describe_on_yes:
            t.state.draft["yes"] = True
            t.enter(Mode.DESCRIBE)
            t.show()
            return
        t.save(t.code, {"answer": "yes" if yes else "no", "description": None})
        t.say(t._("Сохранено."))
        flow.advance(t)

    def describe_prompt(self, t: Turn, step: Step) -> str:
        return t._("{label}\nВы ответили «Да». Опишите, пожалуйста.").format(
            label=t._(step.field.label)
        )

    def described(self, t: Turn, description: str) -> Any:
        return {"answer": "yes", "description": description}

    def render(self, q: Questionnaire, field: AnyField, value: Any, lang: str, limit: int) -> str:
        _ = i18n.translator(lang)
        word = _("Да") if value.get("answer") == "yes" else _("Нет")
        desc = value.get("description")
        return f"{word}: {cut(desc, limit)}" if desc else word
