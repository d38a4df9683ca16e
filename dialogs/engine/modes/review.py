"""A block's answers (``REVIEW``), with a button to edit each item and to go to other blocks."""

from __future__ import annotations

from dialogs import i18n, rules
from dialogs.contract import Answer, Mode
from dialogs.engine import checks, flow
from dialogs.engine.kinds import answer_text
from dialogs.engine.turn import Rows, Turn
from dialogs.engine.views import Screen
from dialogs.render import shorten
from dialogs.rules import comment_code
from dialogs.schema import Questionnaire


def review_text(q: Questionnaire, answers: dict[str, Answer], number: int, lang: str) -> str:
    """A compact review of one block's answers (used by the engine and the web page)."""
    _ = i18n.translator(lang)
    block = q.block(number)
    lines = [_("Блок {n}. {title}").format(n=number, title=_(block.title))]
    for item in block.items:
        lines.append("")
        lines.append(f"{number}.{item.number}. {shorten(_(item.question), 120)}")
        for f in item.fields:
            answer = answers.get(q.field_code(item, f))
            lines.append(f"  {shorten(_(f.label), 80)}: {answer_text(q, f, answer, lang, 120)}")
        comment = answers.get(comment_code(item.code))
        if comment is not None and comment.value:
            lines.append("  " + _("Комментарий: {text}").format(text=shorten(comment.value, 120)))
        for rule, total, summed in rules.violations(answers, item):
            lines.append("  ⚠ " + checks.rule_text(lang, item, rule, total, summed))
    return "\n".join(lines)


class Review(Screen):
    def show(self, t: Turn) -> None:
        _ = t._
        number = int(t.state.draft.get("block", 1))
        if t.walk.first_of_block(number) is None:
            number = t.walk.blocks[0].number
        t.state.draft["block"] = number
        text = review_text(t.q, t.ctx.answers, number, t.state.lang)
        rows: Rows = []
        if not t.ctx.read_only:
            edit = [(f"✏️ {number}.{i.number}", f"edit:{i.code}") for i in t.q.block(number).items]
            rows.extend(edit[i : i + 4] for i in range(0, len(edit), 4))
        others = [
            (_("Блок {n}").format(n=b.number), f"rev:{b.number}")
            for b in t.walk.blocks
            if b.number != number
        ]
        rows.extend(others[i : i + 4] for i in range(0, len(others), 4))
        rows.append([(_("Продолжить"), "resume"), (_("Отправить"), "cmd:submit")])
        t.ask(text, rows, "summary")

    def on_button(self, t: Turn, action: str) -> bool:
        return review_buttons(t, action)


def review_buttons(t: Turn, action: str) -> bool:
    """Edit an item (then back here), another block's review, or continue the walk."""
    if action.startswith("edit:"):
        pos = t.walk.first_of_item(action[5:])
        if pos is None:
            return False
        t.state.shown_item = None
        flow.goto(t, pos, after=f"review:{t.state.draft.get('block', 1)}")
    elif action.startswith("rev:") and action[4:].isdigit():
        flow.review(t, int(action[4:]))
    elif action == "resume":
        t.enter(Mode.FIELD)
        t.state.after = None
        flow.resume(t)
    else:
        return False
    return True
