"""The walk from field to field, which every mode shares: resume, go to, advance, the header.

These are functions over a :class:`Turn`, not methods of a mode: a mode that is done
calls ``advance`` and the walk decides what comes next (the next field, back to the
review the person came from, the skipped ones, or the summary).
"""

from __future__ import annotations

from dialogs.contract import Mode
from dialogs.engine import correction
from dialogs.engine.turn import Rows, Turn
from dialogs.i18n import N_
from dialogs.walk import Step


def resume(t: Turn) -> None:
    """Show what the person should do now: the current question, menu or summary."""
    if t.ctx.read_only:
        read_only(t)
    elif t.state.code is None or not correction.allows(t, t.walk.position_of(t.state.code)):
        begin(t)
    else:
        t.show()


def last_answered(t: Turn) -> str:
    """ "Last answered: 1.2. «label» — answer", the answered field nearest before the
    current one (said on resume, so the person sees where they stopped); empty if none."""
    if t.state.code is None or t.state.mode is not Mode.FIELD:
        return ""
    pos = t.walk.position_of(t.state.code)
    for step in reversed(t.walk.steps[:pos]):
        answer = t.ctx.answers.get(step.code)
        if answer is not None:
            from dialogs.engine.kinds import answer_text  # the kinds import this module

            value = answer_text(t.q, step.field, answer, t.state.lang)
            return t._("Последний ответ — {n}. {label}: {value}").format(
                n=f"{step.block.number}.{step.item.number}",
                label=t._(step.field.label),
                value=value,
            )
    return ""


def begin(t: Turn) -> None:
    """From the start: the first open field, or the summary if none is left (a limited
    correction: the first returned field, answered or not)."""
    pos = correction.first(t) if correction.active(t) else t.walk.next_open(t.answered(), 0)
    if correction.active(t):
        t.say(t._(correction.TEXT_RETURNED).format(items=correction.labels(t)))
    if pos is None:
        summary(t)
    else:
        goto(t, pos)


def goto(t: Turn, pos: int, after: str | None = None) -> None:
    """Ask the field at ``pos``; ``after`` is where to return (``review:<block>``)."""
    if not correction.allows(t, pos):
        correction.refuse(t)
        pos, after = correction.first(t) or 0, None
    t.state.code = t.walk.steps[pos].code
    t.enter(Mode.FIELD)
    t.state.draft = {}
    t.state.after = after
    t.show()


#: ``State.after`` while going round the skipped questions after the last one.
SKIPPED = "skipped"


def advance(t: Turn) -> None:
    """After a field is answered (or skipped): the next one, or back to where we came from.

    Past the last question the skipped ones are asked once more, open ones only; skipped
    again, the walk ends at the review of the first one's block (with «Отправить»)
    instead of going round them for ever.
    """
    after = t.state.after
    if after and after.startswith("review:"):
        nxt = t.walk.position_of(t.state.code) + 1
        if nxt < len(t.walk) and t.walk.steps[nxt].item.code == t.step.item.code:
            goto(t, nxt, after)
        else:
            review(t, int(after.split(":")[1]))
        return
    if correction.active(t):
        following = correction.after(t, t.walk.position_of(t.state.code))
        if following is None:
            summary(t)
        else:
            goto(t, following)
        return
    pos = t.walk.position_of(t.state.code) + 1
    if after == SKIPPED:
        answered = t.answered()
        found = (n for n in range(pos, len(t.walk)) if t.walk.steps[n].code not in answered)
        still_open = next(found, None)
        if still_open is not None:
            goto(t, still_open, SKIPPED)
        else:
            skipped_again(t)
        return
    if pos < len(t.walk):
        goto(t, pos)
        return
    left = t.walk.next_open(t.answered(), 0)
    if left is None:
        summary(t)
    else:
        t.say(t._("Это был последний вопрос. Вернёмся к пропущенным."))
        goto(t, left, SKIPPED)


def skipped_again(t: Turn) -> None:
    """The skipped questions were skipped again: the summary if none is left, else the
    review of the first open one's block, saying how many are open."""
    left = t.walk.next_open(t.answered(), 0)
    if left is None:
        summary(t)
        return
    open_ = len(t.walk) - t.walk.progress(t.answered())[0]
    t.say(
        t._(
            "Без ответа осталось вопросов: {n}. Ответьте на них (кнопки «Изменить» ниже) или "
            "укажите «Нет данных»; затем анкету можно отправить."
        ).format(n=open_)
    )
    t.state.code = t.walk.steps[left].code
    t.state.after = None
    review(t, t.walk.steps[left].block.number)


def review(t: Turn, number: int) -> None:
    """The answers of block ``number``."""
    t.state.draft["block"] = number
    t.enter(Mode.REVIEW)
    t.show()


def summary(t: Turn) -> None:
    """Everything answered? The summary with the submit button; else what is missing."""
    t.enter(Mode.CONFIRM)
    t.show()


def read_only(t: Turn) -> None:
    """Submitted or closed: say so, offer the review and the progress."""
    if t.ctx.status == "closed":
        text = t._(
            "Сбор данных завершён, анкета доступна только для просмотра. Если нужно "
            "что-то добавить, обратитесь к координатору."
        )
    else:
        text = t._(
            "Анкета отправлена и доступна только для просмотра. Если нужно что-то "
            "исправить, обратитесь к координатору: он может вернуть анкету на доработку."
        )
    t.ask(text, [[(t._("Просмотр"), "cmd:review"), (t._("Прогресс"), "cmd:progress")]])
    t.enter(Mode.SUBMITTED)


def item_header(t: Turn) -> str:
    """The item's number and question (with its block's title on entering a block), shown
    once per item; empty if this item is already on screen."""
    step = t.step
    if t.state.shown_item == step.item.code:
        return ""
    shown, t.state.shown_item = t.state.shown_item, step.item.code
    return header(t, step, shown)


def header(t: Turn, step: Step, shown_item: str | None) -> str:
    _ = t._
    lines = []
    if shown_item is None or shown_item.split(".")[0] != step.block.code:
        lines.append(_("Блок {n}. {title}").format(n=step.block.number, title=_(step.block.title)))
    lines.append(f"{step.block.number}.{step.item.number}. {_(step.item.question)}")
    if step.item.note:
        lines.append(_("Примечание: {note}").format(note=_(step.item.note)))
    remark = correction.note(t, step.item.code)
    if remark:
        lines.append(remark)
    return "\n".join(lines)


def ask_field(t: Turn, body: str, rows: Rows) -> None:
    """Ask ``body`` under the item's header (when the item is new on screen)."""
    t.ask("\n\n".join(p for p in (item_header(t), body) if p), rows)


def cancel(t: Turn) -> None:
    """Leave a sub-question for the field's question, dropping what it had collected."""
    t.enter(Mode.FIELD)
    for key in ("cat", "entry", "col", "yes", "option", "count", "candidates", "rule"):
        t.state.draft.pop(key, None)
    t.show()


def field_buttons(t: Turn, action: str) -> bool:
    """The buttons under every field's question: no data, skip, back, comment, keep."""
    if action == "nd":
        t.enter(Mode.NO_DATA)
        t.show()
    elif action in ("skip", "keep"):
        advance(t)
    elif action == "back":
        pos = t.walk.position_of(t.state.code)
        if pos == 0:
            t.say(t._("Это первый вопрос."))
            t.show()
        else:
            goto(t, pos - 1, t.state.after)
    elif action == "comment":
        t.enter(Mode.COMMENT)
        t.show()
    else:
        return False
    return True


def buttons_only(t: Turn) -> None:
    """Text where only a button answers (a menu, a rule, a country to pick)."""
    t.error(N_("Сейчас ответ выбирается кнопкой под сообщением."))
    resume(t)
