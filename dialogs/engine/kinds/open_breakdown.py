"""A breakdown over open categories (countries, forms of exploitation …): typed as
"category: number", or a suggestion pressed; an unsure country is offered as buttons
(mode ``COUNTRY_PICK``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dialogs import i18n
from dialogs.categories import closed
from dialogs.contract import Answer, Expects, Mode
from dialogs.countries import AmbiguousCountry
from dialogs.engine import flow
from dialogs.engine.kinds import multi
from dialogs.engine.kinds.base import FieldKind, narrow
from dialogs.engine.turn import Rows, Turn
from dialogs.engine.views import Screen
from dialogs.i18n import N_
from dialogs.parsing import ParseError, clean_text, parse_open_breakdown
from dialogs.render import breakdown_text, category_label, countries, group
from dialogs.schema import AnyField, OpenBreakdownField, OpenDimension, Questionnaire
from dialogs.walk import Step
from dialogs.words import parse_open_words

#: The countries offered as buttons, the most frequent in the Rules' practice.
COUNTRY_BUTTONS = ("KZ", "UZ", "KG", "TJ", "RU")


def dimension(t: Turn, field: OpenBreakdownField) -> OpenDimension:
    return next(d for d in t.q.dimensions if d.code == field.dimension)


class OpenBreakdown(FieldKind):
    name = "open_breakdown"
    shows_current = False

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        _ = t._
        field = narrow(step.field, OpenBreakdownField)
        value = multi.current(t, step.code)
        dim = dimension(t, field)
        lines = [_(field.label)]
        for key, n in value.items():
            lines.append(f"• {category_label(t.q, field, key, t.state.lang)}: {group(n)}")
        lines.append(multi.running(t, step, value))
        if field.dimension == "country":
            example = _("Узбекистан: 3; Кыргызстан: 2; неизвестно: 1")
        else:
            example = _("{category}: 3").format(
                category=_(dim.suggestions[0].label) if dim.suggestions else _("категория")
            )
        lines.append(
            _(
                "Напишите категорию и число, можно несколько через «;», например: {example}. "
                "Чтобы убрать строку, укажите 0."
            ).format(example=example)
        )
        if dim.closed and dim.other:
            lines.append(_("Другой субъект или вид — напишите его название и число."))
        if field.dimension == "country":
            sugg = [(countries().name(c, t.state.lang), f"cat:{c}") for c in COUNTRY_BUTTONS]
        else:
            sugg = [(_(s.label), f"cat:{s.code}") for s in dim.suggestions]  # in full: wrapped
        sugg.append((_("неизвестно"), "cat:unknown"))
        rows = [sugg[i : i + 2] for i in range(0, len(sugg), 2)]
        rows.append([(_("Готово"), "done")])
        return "\n".join(lines), rows

    def on_button(self, t: Turn, action: str) -> bool:
        if action.startswith("cat:"):
            multi.ask_category(t, action[4:])
        elif action == "done":
            multi.finish(t)
        else:
            return False
        return True

    def on_text(self, t: Turn, text: str) -> None:
        try:
            parsed = parse_open_words(text, self.resolver(t))
        except AmbiguousCountry as exc:
            # One unsure entry: keep its number, so picking the country completes it.
            counts = parse_open_breakdown(text, lambda label: label)
            count = next(iter(counts.values())) if len(counts) == 1 else None
            t.state.draft["candidates"] = list(exc.candidates)[:5]
            t.state.draft["count"] = count
            t.enter(Mode.COUNTRY_PICK)
            t.show()
            return
        multi.merge(t, parsed, multi.echo(t, parsed))

    def expects(self, t: Turn, step: Step) -> Expects:
        field = narrow(step.field, OpenBreakdownField)
        value = multi.current(t, step.code)
        if field.dimension == "country":
            keys = list(dict.fromkeys([*COUNTRY_BUTTONS, *value]))
        else:
            keys = list(dict.fromkeys([*(s.code for s in dimension(t, field).suggestions), *value]))
        keys.extend([] if "unknown" in keys else ["unknown"])
        rows = [(k, category_label(t.q, field, k, t.state.lang)) for k in keys]
        return multi.table(t, step, rows, open_=True)

    def on_form(self, t: Turn, values: Mapping[str, str]) -> None:
        resolve = self.resolver(t)
        field = t.step.field
        keyed: dict[str, tuple[str, str]] = {}
        for label, raw in values.items():
            if not raw.strip():
                continue
            key = resolve(label)
            if key in keyed:
                raise ParseError(
                    N_(
                        "«{first}» и «{second}» — одно и то же ({category}). Укажите каждое один раз."
                    ),
                    first=keyed[key][0],
                    second=label,
                    category=category_label(t.q, field, key, t.state.lang),
                )
            keyed[key] = (label, raw)
        labels = {k: category_label(t.q, field, k, t.state.lang) for k in keyed}
        parsed = multi.form_counts({k: v[1] for k, v in keyed.items()}, labels)
        multi.replace_all(t, {k: n for k, n in parsed.items() if n})

    def resolver(self, t: Turn) -> Callable[[str], str]:
        """Typed label → key: a country code, a suggestion's code, "unknown", or the text."""
        field = narrow(t.step.field, OpenBreakdownField)
        if field.dimension == "country":
            return countries().resolve
        dim = dimension(t, field)
        if dim.closed:
            return closed(dim).resolve
        suggestions = dim.suggestions
        unknown = {i18n.gettext(lang, "неизвестно").casefold() for lang in i18n.LANGUAGES}

        def resolve(label: str) -> str:
            wanted = " ".join(label.casefold().split())
            for s in suggestions:
                names = {i18n.gettext(lang, s.label).casefold() for lang in i18n.LANGUAGES}
                if wanted in names or wanted == s.code:
                    return s.code
            if wanted in unknown:
                return "unknown"
            return clean_text(label, 100)

        return resolve

    def render(self, q: Questionnaire, field: AnyField, value: Any, lang: str, limit: int) -> str:
        return breakdown_text(q, field, value, lang)


class CountryPick(Screen):
    """Mode ``COUNTRY_PICK``: «Не уверен, какая страна…» with the closest countries as buttons."""

    def show(self, t: Turn) -> None:
        names = [
            (countries().name(c, t.state.lang), f"pick:{c}")
            for c in t.state.draft.get("candidates", [])
        ]
        rows = [names[i : i + 2] for i in range(0, len(names), 2)]
        rows.append([(t._("Отмена"), "cancel")])
        flow.ask_field(t, t._("Не уверен, какая страна имеется в виду. Выберите:"), rows)

    def on_button(self, t: Turn, action: str) -> bool:
        if action == "cancel":
            flow.cancel(t)
            return True
        code = action.removeprefix("pick:")
        if not action.startswith("pick:") or code not in t.state.draft.get("candidates", []):
            return flow.field_buttons(t, action)
        count = t.state.draft.get("count")
        for key in ("candidates", "count"):
            t.state.draft.pop(key, None)
        if count is None:
            multi.ask_category(t, code)
        else:
            multi.merge(t, {code: int(count)})
        return True
