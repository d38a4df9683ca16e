"""Yes/no ("Да/Нет (Если да, опишите)"): a yes asks for its description.

Typed text that is not a bare yes or no is the description of a yes (one action instead
of «Да» and then the text): "Да, нет закона о защите свидетелей" and "Нет закона о
защите свидетелей" are both a yes with that description, since only a whole one-word
answer is a no.  "Нет данных" typed asks for the reason, as the button does.
"""

from __future__ import annotations

import re
from typing import Any

from dialogs import i18n
from dialogs.contract import Answer, Mode
from dialogs.engine import flow
from dialogs.engine.kinds.base import FieldKind, narrow
from dialogs.engine.turn import COMMENT_MAX, Rows, Turn
from dialogs.i18n import N_
from dialogs.parsing import ParseError, clean_text, parse_yes_no
from dialogs.render import cut
from dialogs.schema import AnyField, Questionnaire, YesNoField
from dialogs.walk import Step


class YesNo(FieldKind):
    name = "yes_no"

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        _ = t._
        text = _(step.field.label) + "\n" + _("Да или нет? Если да — опишите.")
        rows = [[(_("Да"), "yes"), (_("Нет"), "no")]]
        if rest_of_list(t, step):
            rows.append([(_("Нет — на все оставшиеся пункты"), "no_rest")])
        return text, rows

    def on_button(self, t: Turn, action: str) -> bool:
        if action == "no_rest" and rest_of_list(t, t.step):
            no_to_the_rest(t)
            return True
        if action not in ("yes", "no"):
            return False
        self.answer(t, action == "yes")
        return True

    def on_text(self, t: Turn, text: str) -> None:
        yes = parse_yes_no(text)
        if yes is not None:
            self.answer(t, yes)
        elif not narrow(t.step.field, YesNoField).describe_on_yes:
            raise ParseError(N_("Ответьте «Да» или «Нет» — кнопкой или словом."))
        elif no_data_typed(text):
            t.enter(Mode.NO_DATA)
            t.show()
        else:
            description = clean_text(without_yes(text), COMMENT_MAX * 2)
            t.save(t.code, {"answer": "yes", "description": description})
            t.say(t._("Сохранено: «Да» с описанием."))
            flow.advance(t)

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


#: "No data" typed in words, in ru, kk and en (case, ё and punctuation ignored).
NO_DATA_WORDS = frozenset(
    {"нет данных", "данных нет", "нет сведений", "деректер жоқ", "мәлімет жоқ", "no data", "нд"}
)
_LEADING_YES = re.compile(r"^\s*(да|иә|ия|yes)\s*[,.:;!—–-]+\s*", re.IGNORECASE)


def no_data_typed(text: str) -> bool:
    """Is ``text`` "no data" in words ("Нет данных.", "деректер жоқ", "н/д")?"""
    words = "".join(ch for ch in text.casefold().replace("ё", "е") if ch.isalpha() or ch == " ")
    return " ".join(words.split()) in NO_DATA_WORDS


def without_yes(text: str) -> str:
    """The description without a leading "Да," ("Да, нет закона…" → "нет закона…")."""
    rest = _LEADING_YES.sub("", text, count=1)
    return rest if rest.strip() else text


def rest_of_list(t: Turn, step: Step) -> list[str]:
    """The codes of this field and the unanswered ones after it, in an item that is a list
    of yes/no points (1.1 risks, 1.2 factors, 1.3 measures); empty if it is not one or
    nothing follows."""
    fields = step.item.fields
    if len(fields) < 3 or any(f.kind != "yes_no" for f in fields):
        return []
    keys = [f.key for f in fields]
    after = keys[keys.index(step.field.key) + 1 :]
    codes = [f"{step.item.code}.{k}" for k in after]
    rest = [c for c in codes if c not in t.ctx.answers]
    return [step.code, *rest] if rest else []


def no_to_the_rest(t: Turn) -> None:
    """«Нет» to this point and every unanswered one after it; then the next item."""
    codes = rest_of_list(t, t.step)
    for code in codes:
        t.save(code, {"answer": "no", "description": None})
    t.say(t._("Сохранено: «Нет» — пунктов: {n}.").format(n=len(codes)))
    t.state.code = f"{t.step.item.code}.{t.step.item.fields[-1].key}"
    flow.advance(t)
