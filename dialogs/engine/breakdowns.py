"""Breakdowns over fixed and open categories, typed at once or category by category."""

from __future__ import annotations

from collections.abc import Callable

from dialogs import i18n
from dialogs.contract import (
    Answer,
)
from dialogs.countries import AmbiguousCountry
from dialogs.engine.turn import Turn
from dialogs.i18n import N_
from dialogs.parsing import (
    ParseError,
    clean_text,
    parse_breakdown,
    parse_count,
    parse_open_breakdown,
)
from dialogs.render import category_label, countries, group
from dialogs.schema import BaseField
from dialogs.walk import Step


class Breakdowns:
    """Breakdowns over fixed and open categories, typed at once or category by category."""

    # --- breakdowns ------------------------------------------------------------------------

    def _categories(self, t: Turn, f: BaseField) -> list[tuple[str, list[str]]]:
        cats = self.q.category_set(f.categories).categories
        return [(c.code, [i18n.gettext(lang, c.label) for lang in i18n.LANGUAGES]) for c in cats]

    def _total_of(self, t: Turn, step: Step) -> int | None:
        of = getattr(step.field, "of", None)
        if not of:
            return None
        answer = t.ctx.answers.get(f"{step.item.code}.{of}")
        return answer.value if answer is not None and not answer.is_no_data else None

    def _running(self, t: Turn, step: Step, value: dict[str, int]) -> str:
        total = self._total_of(t, step)
        summed = sum(value.values())
        if total is None:
            return t._("Итого: {sum}.").format(sum=group(summed))
        return t._("Итого: {sum} из {total}.").format(sum=group(summed), total=group(total))

    def _current_dict(self, t: Turn, code: str) -> dict[str, int]:
        answer = t.ctx.answers.get(code)
        if answer is None or answer.is_no_data or not isinstance(answer.value, dict):
            return {}
        return dict(answer.value)

    def _breakdown_prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, list]:
        _ = t._
        value = self._current_dict(t, step.code)
        cats = self.q.category_set(step.field.categories).categories
        lines = [_(step.field.label)]
        for c in cats:
            lines.append(f"• {_(c.label)}: {group(value.get(c.code, 0))}")
        lines.append(self._running(t, step, value))
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

    def _open_prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, list]:
        _ = t._
        value = self._current_dict(t, step.code)
        dim = next(d for d in self.q.dimensions if d.code == step.field.dimension)
        lines = [_(step.field.label)]
        for key, n in value.items():
            lines.append(f"• {category_label(self.q, step.field, key, t.state.lang)}: {group(n)}")
        lines.append(self._running(t, step, value))
        if step.field.dimension == "country":
            example = _("Узбекистан: 3; Кыргызстан: 2; неизвестно: 1")
        else:
            example = _("{category}: 3").format(
                category=_(dim.suggestions[0].label) if dim.suggestions else _("категория")
            )
        lines.append(
            _(
                "Напишите категорию и число, можно несколько через «;», например: {example}. "
                "Чтобы убрать строку, укажите 0."
            ).format(example=example)  # fmt: skip
        )
        rows = []
        sugg = [(_(s.label)[:40], f"cat:{s.code}") for s in dim.suggestions]
        if step.field.dimension == "country":
            sugg = [
                (countries().name(c, t.state.lang), f"cat:{c}")
                for c in ("KZ", "UZ", "KG", "TJ", "RU")
            ]
        sugg.append((_("неизвестно"), "cat:unknown"))
        rows.extend(sugg[i : i + 2] for i in range(0, len(sugg), 2))
        rows.append([(_("Готово"), "done")])
        return "\n".join(lines), rows

    def _typed_breakdown(self, t: Turn, text: str) -> None:
        parsed = parse_breakdown(text, self._categories(t, t.step.field), 10_000_000)
        self._merge(t, parsed)

    def _typed_open_breakdown(self, t: Turn, text: str) -> None:
        try:
            parsed = parse_open_breakdown(text, self._resolver(t))
        except AmbiguousCountry as exc:
            # One unsure entry: keep its number, so picking the country completes it.
            counts = parse_open_breakdown(text, lambda label: label)
            if len(counts) == 1:
                exc.count = next(iter(counts.values()))
            raise
        self._merge(t, parsed)

    def _resolver(self, t: Turn) -> Callable[[str], str]:
        f = t.step.field
        if f.dimension == "country":
            return countries().resolve
        dim = next(d for d in self.q.dimensions if d.code == f.dimension)

        def resolve(label: str) -> str:
            wanted = " ".join(label.casefold().split())
            for s in dim.suggestions:
                names = {i18n.gettext(lang, s.label).casefold() for lang in i18n.LANGUAGES}
                if wanted in names or wanted == s.code:
                    return s.code
            if wanted in {i18n.gettext(lang, "неизвестно").casefold() for lang in i18n.LANGUAGES}:
                return "unknown"
            return clean_text(label, 100)

        return resolve

    def _merge(self, t: Turn, parsed: dict[str, int]) -> None:
        step = t.step
        value = self._current_dict(t, step.code)
        if step.field.kind == "breakdown" and not value:
            value = {c.code: 0 for c in self.q.category_set(step.field.categories).categories}
        for key, n in parsed.items():
            if n == 0 and step.field.kind == "open_breakdown":
                value.pop(key, None)
            else:
                value[key] = n
        t.save(step.code, value)
        t.state.mode = "field"
        t.state.draft.pop("cat", None)
        t.say(t._("Сохранено. {running}").format(running=self._running(t, step, value)))
        self._prompt(t, repeat=True)

    def _txt_bd_value(self, t: Turn, text: str) -> None:
        try:
            n = parse_count(text, 10_000_000)
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            self._prompt(t, repeat=True)
            return
        self._merge(t, {t.state.draft.get("cat", "unknown"): n})

    def _finish_multi(self, t: Turn) -> None:
        step = t.step
        if step.code not in t.ctx.answers:
            if step.field.kind == "list":
                t.save(step.code, [])
            else:
                t.error(
                    N_(
                        "Пока ничего не введено. Введите данные, нажмите «Нет данных» или «Пропустить»."
                    )
                )
                self._prompt(t, repeat=True)
                return
        if not self._check_rules(t):
            self._advance(t)

    def _offer_pick(self, t: Turn, exc: AmbiguousCountry) -> None:
        t.state.mode = "pick"
        t.state.draft["candidates"] = list(exc.candidates)[:5]
        t.state.draft["count"] = getattr(exc, "count", None)
        self._show_pick(t, "")

    def _show_pick(self, t: Turn, header: str) -> None:
        names = [
            (countries().name(c, t.state.lang), f"pick:{c}")
            for c in t.state.draft.get("candidates", [])
        ]
        text = t._("Не уверен, какая страна имеется в виду. Выберите:")
        rows = [names[i : i + 2] for i in range(0, len(names), 2)]
        rows.append([(t._("Отмена"), "cancel")])
        t.ask("\n\n".join(p for p in (header, text) if p), rows)

    def _btn_pick(self, t: Turn, action: str) -> bool:
        if action == "cancel":
            self._btn_cancel(t)
            return True
        if not action.startswith("pick:") or action[5:] not in t.state.draft.get("candidates", []):
            return False
        code = action[5:]
        count = t.state.draft.get("count")
        for key in ("candidates", "count"):
            t.state.draft.pop(key, None)
        if count is None:
            t.state.mode = "bd_value"
            t.state.draft["cat"] = code
            self._prompt(t)
        else:
            self._merge(t, {code: int(count)})
        return True
