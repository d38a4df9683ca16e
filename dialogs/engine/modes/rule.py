"""A broken consistency rule (``RULE``): fix the numbers, or confirm them and explain why
they do not add up (``RULE_EXPLAIN``)."""

from __future__ import annotations

from dialogs.contract import Mode
from dialogs.engine import checks, flow
from dialogs.engine.turn import COMMENT_MAX, Turn
from dialogs.engine.views import Screen, SubQuestion
from dialogs.rules import rule_code


class Rule(Screen):
    def show(self, t: Turn) -> None:
        item = t.step.item
        found = checks.broken(t, item).get(t.state.draft.get("rule", ""))
        if found is None:  # fixed meanwhile (by a colleague, or another field)
            t.enter(Mode.FIELD)
            flow.advance(t)
            return
        _ = t._
        t.ask(
            checks.rule_text(t.state.lang, item, *found),
            [[(_("Исправить"), "fix"), (_("Данные верны, пояснить"), "explain")]],
        )

    def on_button(self, t: Turn, action: str) -> bool:
        if action == "fix":
            t.enter(Mode.FIELD)
            t.state.draft.pop("rule", None)
        elif action == "explain":
            t.enter(Mode.RULE_EXPLAIN)
        else:
            return False
        t.show()
        return True


class RuleExplain(SubQuestion):
    def question(self, t: Turn) -> str:
        return t._("Поясните, пожалуйста, почему данные не сходятся.")

    def on_text(self, t: Turn, text: str) -> None:
        explanation = self.clean(t, text, COMMENT_MAX)
        if explanation is None:
            return
        item = t.step.item
        found = checks.broken(t, item).get(t.state.draft.pop("rule", ""))
        t.enter(Mode.FIELD)
        if found is not None:
            rule, total, summed = found
            value = {"explanation": explanation, "values": [total, summed]}
            t.save(rule_code(item.code, rule), value)
            t.say(t._("Пояснение сохранено."))
        flow.advance(t)
