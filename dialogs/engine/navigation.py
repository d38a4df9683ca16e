"""Menu, progress, review and submit."""

from __future__ import annotations

from dialogs import i18n, rules
from dialogs.contract import (
    Answer,
    Submit,
)
from dialogs.engine.turn import Turn
from dialogs.render import format_value, shorten
from dialogs.rules import comment_code


class Navigation:
    """Menu, progress, review and submit."""

    # --- menu, progress, review --------------------------------------------------------------

    def _menu(self, t: Turn) -> None:
        _ = t._
        t.state.mode = "menu"
        answered = set(t.ctx.answers)
        rows = []
        lines = [_("Выберите блок:")]
        for b in t.walk.blocks:
            codes = [s.code for s in t.walk.steps if s.block.number == b.number]
            done = sum(1 for c in codes if c in answered)
            lines.append(f"{b.number}. {shorten(_(b.title), 80)} — {done}/{len(codes)}")
            rows.append([(_("Блок {n}").format(n=b.number), f"blk:{b.number}")])
        rows.append([(_("Продолжить"), "resume"), (_("Отправить"), "cmd:submit")])
        t.ask("\n".join(lines), rows)

    def _btn_menu(self, t: Turn, action: str) -> bool:
        if action.startswith("blk:") and action[4:].isdigit():
            self._items(t, int(action[4:]))
        elif action == "resume":
            t.state.mode = "field"
            self._resume(t, repeat=True)
        else:
            return False
        return True

    def _items(self, t: Turn, number: int) -> None:
        _ = t._
        if t.walk.first_of_block(number) is None:
            self._menu(t)
            return
        t.state.mode = "items"
        t.state.draft["block"] = number
        block = self.q.block(number)
        lines = [
            _("Блок {n}. {title}").format(n=number, title=_(block.title)),
            _("Выберите пункт:"),
        ]
        buttons = []
        for item in block.items:
            codes = [self.q.field_code(item, f) for f in item.fields]
            done = sum(1 for c in codes if c in t.ctx.answers)
            lines.append(
                f"{number}.{item.number}. {shorten(_(item.question), 70)} — {done}/{len(codes)}"
            )
            buttons.append((f"{number}.{item.number}", f"itm:{item.code}"))
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
        rows.append([(_("Просмотр блока"), f"rev:{number}"), (_("Назад"), "cmd:menu")])
        t.ask("\n".join(lines), rows)

    def _btn_items(self, t: Turn, action: str) -> bool:
        if action.startswith("itm:"):
            pos = t.walk.first_of_item(action[4:])
            if pos is None:
                return False
            t.state.shown_item = None
            self._goto(t, pos)
            return True
        if action.startswith("rev:") and action[4:].isdigit():
            self._review(t, int(action[4:]))
            return True
        return False

    def _progress(self, t: Turn) -> None:
        _ = t._
        done, total = t.walk.progress(t.answered())
        step = t.step
        block_items = step.block.items
        percent = round(100 * done / total) if total else 100
        t.say(
            _(
                "Блок {block}, пункт {item} из {items} — заполнено {percent}% анкеты ({done} из {total})."
            ).format(
                block=step.block.number,
                item=step.item.number,
                items=len(block_items),
                percent=percent,
                done=done,
                total=total,
            )
        )

    def review_text(
        self, answers: dict[str, Answer], blocks: list[int], number: int, lang: str
    ) -> str:
        """A compact review of one block's answers (used by the engine and the web page)."""
        _ = i18n.translator(lang)
        block = self.q.block(number)
        lines = [_("Блок {n}. {title}").format(n=number, title=_(block.title))]
        for item in block.items:
            lines.append("")
            lines.append(f"{number}.{item.number}. {shorten(_(item.question), 120)}")
            for f in item.fields:
                answer = answers.get(self.q.field_code(item, f))
                lines.append(
                    f"  {shorten(_(f.label), 80)}: {format_value(self.q, f, answer, lang, 120)}"
                )
            comment = answers.get(comment_code(item.code))
            if comment is not None and comment.value:
                lines.append(
                    "  " + _("Комментарий: {text}").format(text=shorten(comment.value, 120))
                )
            for rule, total, summed in self.violations(answers, item):
                lines.append("  ⚠ " + self._rule_text(lang, item, rule, total, summed))
        return "\n".join(lines)

    def _review(self, t: Turn, number: int) -> None:
        _ = t._
        if t.walk.first_of_block(number) is None:
            number = t.walk.blocks[0].number
        t.state.mode = "review"
        t.state.draft["block"] = number
        text = self.review_text(t.ctx.answers, t.ctx.blocks, number, t.state.lang)
        block = self.q.block(number)
        rows: list[list[tuple[str, str]]] = []
        if not t.ctx.read_only:
            edit = [(f"✏️ {number}.{i.number}", f"edit:{i.code}") for i in block.items]
            rows.extend(edit[i : i + 4] for i in range(0, len(edit), 4))
        others = [
            (_("Блок {n}").format(n=b.number), f"rev:{b.number}")
            for b in t.walk.blocks
            if b.number != number
        ]
        rows.extend(others[i : i + 4] for i in range(0, len(others), 4))
        rows.append([(_("Продолжить"), "resume"), (_("Отправить"), "cmd:submit")])
        t.ask(text, rows, "summary")

    def _btn_review(self, t: Turn, action: str) -> bool:
        if action.startswith("edit:"):
            pos = t.walk.first_of_item(action[5:])
            if pos is None:
                return False
            t.state.shown_item = None
            self._goto(t, pos, after=f"review:{t.state.draft.get('block', 1)}")
            return True
        if action.startswith("rev:") and action[4:].isdigit():
            self._review(t, int(action[4:]))
            return True
        if action == "resume":
            t.state.mode = "field"
            t.state.after = None
            self._resume(t, repeat=True)
            return True
        return False

    _btn_submitted = _btn_review

    # --- submit ----------------------------------------------------------------------------

    def missing(self, answers: dict[str, Answer], blocks: list[int]) -> tuple[list[str], list[str]]:
        """(unanswered field codes, item codes with unconfirmed mismatches)."""
        return rules.missing(self.walk(blocks), answers)

    def _confirm_submit(self, t: Turn) -> None:
        _ = t._
        if t.ctx.read_only:
            self._read_only(t)
            return
        unanswered, mismatched = self.missing(t.ctx.answers, t.ctx.blocks)
        done, total = t.walk.progress(t.answered())
        if unanswered or mismatched:
            lines = [_("Отправить пока нельзя.")]
            if unanswered:
                first = t.walk.steps[t.walk.index[unanswered[0]]]
                lines.append(
                    _(
                        "Без ответа: {n} (первый — пункт {item}). На каждый вопрос нужен ответ или «Нет данных» с причиной."
                    ).format(n=len(unanswered), item=f"{first.block.number}.{first.item.number}")
                )
            if mismatched:
                lines.append(
                    _("Не сходятся данные в пунктах: {items}. Исправьте или поясните.").format(
                        items=", ".join(self._item_number(c) for c in mismatched)
                    )
                )
            target = (
                unanswered[0]
                if unanswered
                else t.walk.steps[t.walk.first_of_item(mismatched[0])].code
            )
            t.say("\n".join(lines), "error")
            t.state.code = target
            t.state.mode = "field"
            t.state.draft = {}
            if mismatched and not unanswered:
                t.state.draft["rule"] = self.violations(t.ctx.answers, t.step.item)[0][0].code
                t.state.mode = "rule"
                self._show_rule(t)
                return
            self._prompt(t)
            return
        no_data = sum(1 for s in t.walk.steps if t.ctx.answers[s.code].is_no_data)
        t.state.mode = "confirm"
        t.state.draft = {"version": t.ctx.response_version}
        t.ask(
            _(
                "Все вопросы заполнены: {total}, из них «нет данных» — {nd}.\nПроверьте ответы (/review) и отправьте анкету. После отправки изменить ответы сможет только координатор, вернув анкету на доработку."
            ).format(total=total, nd=no_data),
            [[(_("Отправить анкету"), "submit")], [(_("Просмотр"), "cmd:review")]],
            "summary",
        )

    def _item_number(self, item_code: str) -> str:
        b, i = item_code.split(".")
        return f"{int(b[1:])}.{int(i[1:])}"

    def _btn_confirm(self, t: Turn, action: str) -> bool:
        if action != "submit":
            return False
        unanswered, mismatched = self.missing(t.ctx.answers, t.ctx.blocks)
        if unanswered or mismatched:
            self._confirm_submit(t)
            return True
        t.effects.append(Submit(t.state.draft.get("version")))
        t.ctx.status = "submitted"
        t.state.mode = "submitted"
        t.say(t._("Спасибо! Анкета отправлена. Координатор получит ваши ответы."), "summary")
        return True
