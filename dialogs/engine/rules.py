"""Consistency rules, checked as soon as their fields are answered."""

from __future__ import annotations

from dialogs import i18n, rules
from dialogs.contract import Answer
from dialogs.engine.turn import COMMENT_MAX, Turn
from dialogs.render import group
from dialogs.rules import rule_code
from dialogs.schema import Item, Rule


class Rules:
    """Consistency rules, checked as soon as their fields are answered."""

    @staticmethod
    def violations(answers: dict[str, Answer], item: Item) -> list[tuple[Rule, int, int]]:
        """Rules of ``item`` broken by the answers and not confirmed (see :mod:`dialogs.rules`)."""
        return rules.violations(answers, item)

    def _check_rules(self, t: Turn) -> bool:
        """After a number: show the first broken rule that uses this field; True if shown."""
        step = t.step
        for rule, _total, _summed in self.violations(t.ctx.answers, step.item):
            if step.field.key in [rule.total, *rule.parts]:
                t.state.mode = "rule"
                t.state.draft["rule"] = rule.code
                self._show_rule(t)
                return True
        return False

    @staticmethod
    def _rule_text(lang: str, item: Item, rule: Rule, total: int, summed: int) -> str:
        """The mismatch, in words, in ``lang``."""
        _ = i18n.translator(lang)
        labels = ", ".join(_(item.field(p).label) for p in rule.parts)
        whole = _(item.field(rule.total).label)
        if rule.check == "equal":
            return _(
                "Данные не сходятся: «{parts}» — {sum}, а «{whole}» — {total}. Сумма должна быть равна."
            ).format(parts=labels, sum=group(summed), whole=whole, total=group(total))
        return _(
            "Данные не сходятся: «{parts}» — {sum}, это больше, чем «{whole}» — {total}."
        ).format(parts=labels, sum=group(summed), whole=whole, total=group(total))

    def _show_rule(self, t: Turn) -> None:
        item = t.step.item
        broken = {r.code: (r, tot, s) for r, tot, s in self.violations(t.ctx.answers, item)}
        found = broken.get(t.state.draft.get("rule", ""))
        if found is None:
            t.state.mode = "field"
            self._advance(t)
            return
        _ = t._
        t.ask(
            self._rule_text(t.state.lang, item, *found),
            [[(_("Исправить"), "fix"), (_("Данные верны, пояснить"), "explain")]],
        )

    def _btn_rule(self, t: Turn, action: str) -> bool:
        if action == "fix":
            t.state.mode = "field"
            t.state.draft.pop("rule", None)
            self._prompt(t, repeat=True)
        elif action == "explain":
            t.state.mode = "rule_explain"
            self._prompt(t)
        else:
            return False
        return True

    def _txt_rule_explain(self, t: Turn, text: str) -> None:
        explanation = self._clean(t, text, COMMENT_MAX)
        if explanation is None:
            return
        item = t.step.item
        broken = {r.code: (r, tot, s) for r, tot, s in self.violations(t.ctx.answers, item)}
        found = broken.get(t.state.draft.pop("rule", ""))
        t.state.mode = "field"
        if found is not None:
            rule, total, summed = found
            t.save(
                rule_code(item.code, rule), {"explanation": explanation, "values": [total, summed]}
            )
            t.say(t._("Пояснение сохранено."))
        self._advance(t)
