"""A choice among the Appendix's options; some options ask for a description."""

from __future__ import annotations

from typing import Any

from dialogs import i18n
from dialogs.contract import Answer, Mode
from dialogs.engine import flow
from dialogs.engine.kinds.base import FieldKind, narrow
from dialogs.engine.turn import Rows, Turn
from dialogs.i18n import N_
from dialogs.parsing import ParseError
from dialogs.render import cut
from dialogs.schema import AnyField, ChoiceField, Questionnaire
from dialogs.walk import Step


class Choice(FieldKind):
    name = "choice"
    takes_text = False  # answered by a button (a choice's number may still be typed)

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        _ = t._
        options = narrow(step.field, ChoiceField).options
        lines = [_(step.field.label)]
        lines.extend(f"{n}. {_(o.label)}" for n, o in enumerate(options, start=1))
        rows = [[(str(n), f"opt:{o.code}") for n, o in enumerate(options, start=1)]]
        return "\n".join(lines), rows

    def on_button(self, t: Turn, action: str) -> bool:
        if not action.startswith("opt:"):
            return False
        self.choose(t, action[4:])
        return True

    def on_text(self, t: Turn, text: str) -> None:
        options = narrow(t.step.field, ChoiceField).options
        raw = text.strip().rstrip(".)")
        if raw.isdigit() and 1 <= int(raw) <= len(options):
            self.choose(t, options[int(raw) - 1].code)
            return
        raise ParseError(N_("Выберите вариант кнопкой или номером от 1 до {n}."), n=len(options))

    def choose(self, t: Turn, code: str) -> None:
        options = narrow(t.step.field, ChoiceField).options
        option = next((o for o in options if o.code == code), None)
        if option is None:
            t.error(N_("Такого варианта нет. Выберите один из предложенных."))
            t.show()
        elif option.describe:
            t.state.draft["option"] = code
            t.enter(Mode.DESCRIBE)
            t.show()
        else:
            t.save(t.code, {"option": code, "description": None})
            t.say(t._("Сохранено."))
            flow.advance(t)

    def describe_prompt(self, t: Turn, step: Step) -> str:
        options = narrow(step.field, ChoiceField).options
        option = next(o for o in options if o.code == t.state.draft["option"])
        return t._("Вы выбрали: {option}\nОпишите, пожалуйста.").format(option=t._(option.label))

    def described(self, t: Turn, description: str) -> Any:
        return {"option": t.state.draft["option"], "description": description}

    def render(self, q: Questionnaire, field: AnyField, value: Any, lang: str, limit: int) -> str:
        _ = i18n.translator(lang)
        options = narrow(field, ChoiceField).options
        found = [(n, o) for n, o in enumerate(options, start=1) if o.code == value.get("option")]
        # By its number and full text: options may share their first hundred characters.
        shown = f"{found[0][0]}. {_(found[0][1].label)}" if found else str(value.get("option"))
        label = cut(shown, limit)
        desc = value.get("description")
        return f"{label} — {cut(desc, limit)}" if desc else label
