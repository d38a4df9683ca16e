"""Consistency rules in the dialog: checked as soon as their fields are answered, said in words.

The rules themselves are pure functions in :mod:`dialogs.rules` (the exports use them
too); this module decides when the dialog shows a broken one.
"""

from __future__ import annotations

from dialogs import i18n, rules
from dialogs.contract import Mode
from dialogs.engine.turn import Turn
from dialogs.render import group
from dialogs.schema import Item, Rule


def check(t: Turn) -> bool:
    """After a number: show the first broken rule that uses this field; True if shown."""
    step = t.step
    for rule, _total, _summed in rules.violations(t.ctx.answers, step.item):
        if step.field.key in [rule.total, *rule.parts]:
            show_rule(t, rule.code)
            return True
    return False


def show_rule(t: Turn, code: str) -> None:
    """Ask about the broken rule ``code`` of the current item: fix, or confirm."""
    t.enter(Mode.RULE)
    t.state.draft["rule"] = code
    t.show()


def broken(t: Turn, item: Item) -> dict[str, tuple[Rule, int, int]]:
    """The item's broken, unconfirmed rules by code: (rule, total, parts' sum)."""
    return {
        r.code: (r, total, summed) for r, total, summed in rules.violations(t.ctx.answers, item)
    }


def rule_text(lang: str, item: Item, rule: Rule, total: int, summed: int) -> str:
    """The mismatch, in words, in ``lang``."""
    _ = i18n.translator(lang)
    labels = ", ".join(_(item.field(p).label) for p in rule.parts)
    whole = _(item.field(rule.total).label)
    if rule.check == "equal":
        return _(
            "Данные не сходятся: «{parts}» — {sum}, а «{whole}» — {total}. Сумма должна быть равна."
        ).format(parts=labels, sum=group(summed), whole=whole, total=group(total))
    return _("Данные не сходятся: «{parts}» — {sum}, это больше, чем «{whole}» — {total}.").format(
        parts=labels, sum=group(summed), whole=whole, total=group(total)
    )
