"""Yes/no, choices, texts, numbers, the period; descriptions, "no data" reasons, comments."""

from __future__ import annotations

from decimal import Decimal

from dialogs.countries import AmbiguousCountry
from dialogs.engine.turn import COMMENT_MAX, REASON_MAX, Turn
from dialogs.i18n import N_
from dialogs.parsing import (
    ParseError,
    clean_text,
    parse_amount,
    parse_count,
    parse_yes_no,
)
from dialogs.render import category_label, group, shorten
from dialogs.rules import comment_code
from dialogs.walk import Step


class AnswerSteps:
    """Yes/no, choices, texts, numbers, the period; descriptions, "no data" reasons, comments."""

    # --- yes/no and choice -----------------------------------------------------------------

    def _yes_no(self, t: Turn, yes: bool) -> None:
        f = t.step.field
        if yes and getattr(f, "describe_on_yes", True):
            t.state.mode = "describe"
            t.state.draft["yes"] = True
            self._prompt(t)
            return
        t.save(t.state.code, {"answer": "yes" if yes else "no", "description": None})
        t.say(t._("Сохранено."))
        self._advance(t)

    def _choose(self, t: Turn, code: str) -> None:
        option = next((o for o in t.step.field.options if o.code == code), None)
        if option is None:
            t.error(N_("Такого варианта нет. Выберите один из предложенных."))
            self._prompt(t, repeat=True)
            return
        if option.describe:
            t.state.mode = "describe"
            t.state.draft["option"] = code
            self._prompt(t)
            return
        t.save(t.state.code, {"option": code, "description": None})
        t.say(t._("Сохранено."))
        self._advance(t)

    def _sub_prompt(self, t: Turn, step: Step) -> str:
        _ = t._
        mode = t.state.mode
        if mode == "describe":
            if "option" in t.state.draft:
                option = next(o for o in step.field.options if o.code == t.state.draft["option"])
                return _("Вы выбрали: {option}\nОпишите, пожалуйста.").format(
                    option=_(option.label)
                )
            return _("{label}\nВы ответили «Да». Опишите, пожалуйста.").format(
                label=_(step.field.label)
            )
        if mode == "no_data":
            return _(
                "«{label}»: нет данных. Укажите причину, по которой данных нет или их невозможно предоставить."
            ).format(label=_(step.field.label))
        if mode == "comment":
            current = t.ctx.answers.get(comment_code(step.item.code))
            text = _("Комментарий к пункту {n}: напишите пояснение.").format(
                n=f"{step.block.number}.{step.item.number}"
            )
            if current is not None and current.value:
                text += "\n" + _("Текущий комментарий: {value}").format(
                    value=shorten(current.value, 300)
                )
            return text
        if mode == "bd_value":
            cat = category_label(self.q, step.field, t.state.draft.get("cat", ""), t.state.lang)
            return _("Сколько — «{category}»? Введите число.").format(category=cat)
        if mode == "list_col":
            col = step.field.columns[int(t.state.draft.get("col", 0))]
            hint = _("страна") if col.kind == "country" else ""
            return _("Новая запись. {column}{hint}:").format(
                column=_(col.label), hint=f" ({hint})" if hint else ""
            )
        if mode == "rule_explain":
            return _("Поясните, пожалуйста, почему данные не сходятся.")
        return ""

    def _txt_describe(self, t: Turn, text: str) -> None:
        desc = self._clean(t, text, COMMENT_MAX * 2)
        if desc is None:
            return
        if "option" in t.state.draft:
            value = {"option": t.state.draft["option"], "description": desc}
        else:
            value = {"answer": "yes", "description": desc}
        t.state.mode = "field"
        t.save(t.state.code, value)
        t.say(t._("Сохранено."))
        self._advance(t)

    def _txt_no_data(self, t: Turn, text: str) -> None:
        reason = self._clean(t, text, REASON_MAX)
        if reason is None:
            return
        t.state.mode = "field"
        t.save(t.state.code, None, reason)
        t.say(t._("Сохранено: нет данных."))
        self._advance(t)

    def _txt_comment(self, t: Turn, text: str) -> None:
        comment = self._clean(t, text, COMMENT_MAX)
        if comment is None:
            return
        t.state.mode = "field"
        t.save(comment_code(t.step.item.code), comment)
        t.say(t._("Комментарий сохранён."))
        self._prompt(t, repeat=True)

    def _clean(self, t: Turn, text: str, limit: int) -> str | None:
        try:
            return clean_text(text, limit)
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            self._prompt(t, repeat=True)
            return None

    # --- the field in "field" mode, typed --------------------------------------------------

    def _txt_field(self, t: Turn, text: str) -> None:
        f = t.step.field
        try:
            handler = getattr(self, f"_typed_{f.kind}")
            handler(t, text)
        except AmbiguousCountry as exc:
            self._offer_pick(t, exc)
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            self._prompt(t, repeat=True)

    def _typed_yes_no(self, t: Turn, text: str) -> None:
        yes = parse_yes_no(text)
        if yes is None:
            raise ParseError(N_("Ответьте «Да» или «Нет» — кнопкой или словом."))
        self._yes_no(t, yes)

    def _typed_choice(self, t: Turn, text: str) -> None:
        options = t.step.field.options
        raw = text.strip().rstrip(".)")
        if raw.isdigit() and 1 <= int(raw) <= len(options):
            self._choose(t, options[int(raw) - 1].code)
            return
        raise ParseError(N_("Выберите вариант кнопкой или номером от 1 до {n}."), n=len(options))

    def _typed_text(self, t: Turn, text: str) -> None:
        value = clean_text(text, t.step.field.max_length)
        t.save(t.state.code, value)
        t.say(t._("Сохранено."))
        self._advance(t)

    def _typed_count(self, t: Turn, text: str) -> None:
        value = parse_count(text, t.step.field.max_value)
        t.save(t.state.code, value)
        t.say(t._("Сохранено: {value}.").format(value=group(value)))
        if not self._check_rules(t):
            self._advance(t)

    def _typed_amount(self, t: Turn, text: str) -> None:
        value: Decimal = parse_amount(text, t.step.field.max_value)
        t.save(t.state.code, f"{value:.2f}")
        t.say(t._("Сохранено: {value} тенге.").format(value=group(f"{value:.2f}")))
        self._advance(t)

    def _typed_period(self, t: Turn, text: str) -> None:
        if parse_yes_no(text):
            self._btn_field(t, "ok")
            return
        raise ParseError(
            N_("Отчетный период задан координатором. Нажмите «Подтверждаю» или «Нет данных».")
        )
