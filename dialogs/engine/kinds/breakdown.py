"""A breakdown over fixed categories (age bands, sex …), typed at once or category by category;
its sum must equal the count it breaks down (a rule made from its ``of``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogs import i18n
from dialogs.contract import Answer, Expects
from dialogs.engine.kinds import multi
from dialogs.engine.kinds.base import FieldKind, narrow
from dialogs.engine.turn import Rows, Turn
from dialogs.i18n import N_
from dialogs.parsing import ParseError
from dialogs.render import breakdown_text, group
from dialogs.schema import AnyField, BreakdownField, Questionnaire
from dialogs.walk import Step
from dialogs.words import parse_breakdown_words


class Breakdown(FieldKind):
    name = "breakdown"
    shows_current = False

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        _ = t._
        value = multi.current(t, step.code)
        cats = t.q.category_set(narrow(step.field, BreakdownField).categories).categories
        lines = [_(step.field.label)]
        lines.extend(f"• {_(c.label)}: {group(value.get(c.code, 0))}" for c in cats)
        lines.append(multi.running(t, step, value))
        example = "; ".join(f"{_(c.label)}: {n}" for c, n in zip(cats[:2], (3, 5), strict=False))
        lines.append(
            _("Нажмите категорию или напишите всё одним сообщением, например: {example}").format(
                example=example
            )
        )
        buttons = [(f"{_(c.label)} ({value.get(c.code, 0)})", f"cat:{c.code}") for c in cats]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([(_("Готово"), "done")])
        return "\n".join(lines), rows

    def on_button(self, t: Turn, action: str) -> bool:
        if action.startswith("cat:"):
            field = narrow(t.step.field, BreakdownField)
            codes = {c.code for c in t.q.category_set(field.categories).categories}
            if action[4:] not in codes:  # forged: never store a category the set lacks
                return False
            multi.ask_category(t, action[4:])
        elif action == "done":
            multi.finish(t)
        else:
            return False
        return True

    def on_text(self, t: Turn, text: str) -> None:
        field = narrow(t.step.field, BreakdownField)
        labels = [
            (c.code, [i18n.gettext(lang, c.label) for lang in i18n.LANGUAGES])
            for c in t.q.category_set(field.categories).categories
        ]
        parsed = parse_breakdown_words(text, labels, multi.CATEGORY_MAX)
        multi.merge(t, parsed, multi.echo(t, parsed))

    def expects(self, t: Turn, step: Step) -> Expects:
        cats = t.q.category_set(narrow(step.field, BreakdownField).categories).categories
        return multi.table(t, step, [(c.code, t._(c.label)) for c in cats], open_=False)

    def on_form(self, t: Turn, values: Mapping[str, str]) -> None:
        cats = t.q.category_set(narrow(t.step.field, BreakdownField).categories).categories
        labels = {c.code: t._(c.label) for c in cats}
        unknown = [k for k in values if k not in labels]
        if unknown:  # forged: never store a category the set lacks
            raise ParseError(
                N_("Не узнаю категорию «{label}». Возможные: {choices}"),
                label=unknown[0],
                choices=", ".join(labels.values()),
            )
        multi.replace_all(t, multi.form_counts(values, labels))

    def render(self, q: Questionnaire, field: AnyField, value: Any, lang: str, limit: int) -> str:
        return breakdown_text(q, field, value, lang)
