"""The summary before submitting (``CONFIRM``), the submission, and after it (``SUBMITTED``).

The summary is pinned to the response's version the person saw: if a colleague
changes an answer meanwhile, the submission is refused and the summary shown again.
"""

from __future__ import annotations

from dialogs import rules
from dialogs.contract import Mode, Submit
from dialogs.engine import checks, flow
from dialogs.engine.modes.review import review_buttons
from dialogs.engine.turn import Turn
from dialogs.engine.views import Screen


class Confirm(Screen):
    def show(self, t: Turn) -> None:
        if t.ctx.read_only:
            flow.read_only(t)
            return
        unanswered, mismatched = rules.missing(t.walk, t.ctx.answers)
        if unanswered or mismatched:
            refuse(t, unanswered, mismatched)
            return
        _ = t._
        done, total = t.walk.progress(t.answered())
        no_data = sum(1 for s in t.walk.steps if t.ctx.answers[s.code].is_no_data)
        t.state.draft = {"version": t.ctx.response_version}
        t.ask(
            _(
                "Все вопросы заполнены: {total}, из них «нет данных» — {nd}.\nПроверьте ответы (/review) и отправьте анкету. После отправки изменить ответы сможет только координатор, вернув анкету на доработку."
            ).format(total=total, nd=no_data),
            [[(_("Отправить анкету"), "submit")], [(_("Просмотр"), "cmd:review")]],
            "summary",
        )

    def on_button(self, t: Turn, action: str) -> bool:
        if action != "submit":
            return False
        unanswered, mismatched = rules.missing(t.walk, t.ctx.answers)
        if unanswered or mismatched:
            t.show()
            return True
        t.effects.append(Submit(t.state.draft.get("version")))
        t.ctx.status = "submitted"
        t.enter(Mode.SUBMITTED)
        t.say(t._("Спасибо! Анкета отправлена. Координатор получит ваши ответы."), "summary")
        return True


def refuse(t: Turn, unanswered: list[str], mismatched: list[str]) -> None:
    """Not yet: say what is missing and go to the first of it."""
    _ = t._
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
                items=", ".join(item_number(c) for c in mismatched)
            )
        )
    t.say("\n".join(lines), "error")
    if unanswered:
        t.state.code = unanswered[0]
    else:
        t.state.code = t.walk.steps[t.walk.first_of_item(mismatched[0]) or 0].code
    t.enter(Mode.FIELD)
    t.state.draft = {}
    if unanswered:
        t.show()
    else:
        checks.show_rule(t, rules.violations(t.ctx.answers, t.step.item)[0][0].code)


def item_number(item_code: str) -> str:
    """``b16.i01`` → ``16.1``."""
    b, i = item_code.split(".")
    return f"{int(b[1:])}.{int(i[1:])}"


class Submitted(Screen):
    """Sent: read-only (the review stays open); after a return for correction, the walk."""

    def show(self, t: Turn) -> None:
        if t.ctx.read_only:
            flow.read_only(t)
        else:
            flow.begin(t)

    def on_button(self, t: Turn, action: str) -> bool:
        return review_buttons(t, action)
