"""A block's answers (``REVIEW``), with a button to edit each item and to go to other blocks."""

from __future__ import annotations

from dataclasses import replace

from dialogs import i18n, rules
from dialogs.contract import Answer, Mode, ReviewEntry
from dialogs.engine import checks, flow
from dialogs.engine.kinds import answer_text
from dialogs.engine.turn import Rows, Turn
from dialogs.engine.views import Screen
from dialogs.rules import comment_code, rule_code
from dialogs.schema import Questionnaire


def review_entries(
    q: Questionnaire, answers: dict[str, Answer], number: int, lang: str, editable: bool = True
) -> list[ReviewEntry]:
    """Every answer of block ``number`` in full, as data: fields, comments, mismatches
    (unconfirmed, and confirmed with their explanations).  Channels fold long ones.

    ``edit`` is the bare action here (``edit:<item>``); the review on screen adds its
    nonce (:meth:`Review.show`), as to any button."""
    _ = i18n.translator(lang)
    entries = []
    for item in q.block(number).items:
        n, question = f"{number}.{item.number}", _(item.question)
        edit = f"edit:{item.code}" if editable else None
        for f in item.fields:
            code = q.field_code(item, f)
            answer = answer_text(q, f, answers.get(code), lang)
            entries.append(ReviewEntry(n, question, _(f.label), answer, edit=edit, code=code))
        code = comment_code(item.code)
        comment = answers.get(code)
        if comment is not None and comment.value:
            label = _("Комментарий")
            entries.append(ReviewEntry(n, question, label, comment.value, "comment", code=code))
        for rule, total, summed in rules.violations(answers, item):
            text = checks.rule_text(lang, item, rule, total, summed)
            code = rule_code(item.code, rule)
            entries.append(ReviewEntry(n, question, "", text, "mismatch", edit=edit, code=code))
        for rule, total, summed, why in rules.confirmed(answers, item):
            text = checks.rule_text(lang, item, rule, total, summed)
            code = rule_code(item.code, rule)
            entries.append(
                ReviewEntry(n, question, "", text, "mismatch", why, edit=edit, code=code)
            )
    return entries


def review_entry(
    q: Questionnaire, answers: dict[str, Answer], blocks: list[int], code: str, lang: str
) -> ReviewEntry | None:
    """The review's entry stored under ``code``, in full (a channel that showed it
    shortened sends it whole); None for a code of no block in ``blocks``."""
    head = code.removeprefix("rule:").split(".", 1)[0]
    number = int(head[1:]) if head[:1] == "b" and head[1:].isdigit() else None
    if number not in blocks:
        return None
    return next((e for e in review_entries(q, answers, number, lang) if e.code == code), None)


def review_text(q: Questionnaire, answers: dict[str, Answer], number: int, lang: str) -> str:
    """One block's answers as text, every answer in full (used by the engine and the web)."""
    _ = i18n.translator(lang)
    lines = [_("Блок {n}. {title}").format(n=number, title=_(q.block(number).title))]
    item = None
    for e in review_entries(q, answers, number, lang):
        if e.item != item:
            item = e.item
            lines.extend(["", f"{e.item}. {e.question}"])
        if e.kind == "answer":
            lines.append(f"  {e.label}: {e.answer}")
        elif e.kind == "comment":
            lines.append("  " + _("Комментарий: {text}").format(text=e.answer))
        elif e.note is None:
            lines.append(f"  ⚠ {e.answer}")
        else:
            lines.append(f"  ✓ {e.answer} " + _("Пояснение: {text}").format(text=e.note))
    return "\n".join(lines)


class Review(Screen):
    def show(self, t: Turn) -> None:
        _ = t._
        number = int(t.state.draft.get("block", 1))
        if t.walk.first_of_block(number) is None:
            number = t.walk.blocks[0].number
        t.state.draft["block"] = number
        text = review_text(t.q, t.ctx.answers, number, t.state.lang)
        entries = review_entries(t.q, t.ctx.answers, number, t.state.lang, not t.ctx.read_only)
        rows: Rows = []
        if not t.ctx.read_only:
            edit = [
                (_("Изменить {n}").format(n=f"{number}.{i.number}"), f"edit:{i.code}")
                for i in t.q.block(number).items
            ]
            rows.extend(edit[i : i + 4] for i in range(0, len(edit), 4))
        others = [
            (_("Блок {n}").format(n=b.number), f"rev:{b.number}")
            for b in t.walk.blocks
            if b.number != number
        ]
        rows.extend(others[i : i + 4] for i in range(0, len(others), 4))
        rows.append([(_("Продолжить"), "resume"), (_("Отправить"), "cmd:submit")])
        t.ask(text, rows, "summary")
        nonce = t.state.nonce  # an entry's «Изменить» is a button of this review
        entries = [replace(e, edit=e.edit and f"{nonce}|{e.edit}") for e in entries]
        t.replies[-1] = replace(t.replies[-1], review=tuple(entries))

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
