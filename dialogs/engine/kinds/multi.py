"""What breakdowns and lists share: a value built over several inputs, finished with «Готово»,
and the question for one category's number (mode ``BREAKDOWN_VALUE``).

Every input is saved at once (nothing typed is kept only in the dialog state), so a
breakdown interrupted halfway keeps what was entered.
"""

from __future__ import annotations

from dialogs.contract import Mode
from dialogs.engine import checks, flow
from dialogs.engine.turn import Turn
from dialogs.engine.views import SubQuestion
from dialogs.i18n import N_
from dialogs.parsing import ParseError, parse_count
from dialogs.render import category_label, group
from dialogs.schema import BreakdownField, OpenBreakdownField
from dialogs.walk import Step

#: The most one category may hold.
CATEGORY_MAX = 10_000_000


def total_of(t: Turn, step: Step) -> int | None:
    """The count a breakdown breaks down (its ``of``), if answered."""
    field = step.field
    of = field.of if isinstance(field, BreakdownField | OpenBreakdownField) else None
    if not of:
        return None
    answer = t.ctx.answers.get(f"{step.item.code}.{of}")
    return answer.value if answer is not None and not answer.is_no_data else None


def running(t: Turn, step: Step, value: dict[str, int]) -> str:
    """ "Итого: 4 из 9." — the sum so far, against the count it must reach."""
    total = total_of(t, step)
    summed = sum(value.values())
    if total is None:
        return t._("Итого: {sum}.").format(sum=group(summed))
    return t._("Итого: {sum} из {total}.").format(sum=group(summed), total=group(total))


def current(t: Turn, code: str) -> dict[str, int]:
    """The breakdown saved so far (a copy), empty if none."""
    answer = t.ctx.answers.get(code)
    if answer is None or answer.is_no_data or not isinstance(answer.value, dict):
        return {}
    return dict(answer.value)


def merge(t: Turn, parsed: dict[str, int]) -> None:
    """Add typed or picked numbers to the breakdown, save it, ask for more."""
    step = t.step
    field = step.field
    value = current(t, step.code)
    if isinstance(field, BreakdownField) and not value:
        value = {c.code: 0 for c in t.q.category_set(field.categories).categories}
    for key, n in parsed.items():
        if n == 0 and isinstance(field, OpenBreakdownField):
            value.pop(key, None)
        else:
            value[key] = n
    t.save(step.code, value)
    t.enter(Mode.FIELD)
    t.state.draft.pop("cat", None)
    t.say(t._("Сохранено. {running}").format(running=running(t, step, value)))
    t.show()


def finish(t: Turn) -> None:
    """«Готово»: an empty list is an answer, an empty breakdown is not; then the rules."""
    step = t.step
    if step.code not in t.ctx.answers:
        if step.field.kind != "list":
            t.error(
                N_("Пока ничего не введено. Введите данные, нажмите «Нет данных» или «Пропустить».")
            )
            t.show()
            return
        t.save(step.code, [])
    if not checks.check(t):
        flow.advance(t)


def ask_category(t: Turn, code: str) -> None:
    """Ask for the number of one category (pressed, or a country picked)."""
    t.enter(Mode.BREAKDOWN_VALUE)
    t.state.draft["cat"] = code
    t.show()


class BreakdownValue(SubQuestion):
    """Mode ``BREAKDOWN_VALUE``: «Сколько — «мужской»?», one number."""

    def question(self, t: Turn) -> str:
        cat = category_label(t.q, t.step.field, t.state.draft.get("cat", ""), t.state.lang)
        return t._("Сколько — «{category}»? Введите число.").format(category=cat)

    def on_text(self, t: Turn, text: str) -> None:
        try:
            n = parse_count(text, CATEGORY_MAX)
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            t.show()
            return
        merge(t, {t.state.draft.get("cat", "unknown"): n})
