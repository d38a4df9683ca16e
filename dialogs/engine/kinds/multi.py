"""What breakdowns and lists share: a value built over several inputs, finished with «Готово»
or by adding up to its total, and the question for one category's number (mode
``BREAKDOWN_VALUE``).

A breakdown being entered is kept in the dialog state (``draft["values"]``, stored with
the position after every step, so a restart keeps it) and saved when it is complete: it
adds up to the count it breaks down, «Готово» is pressed, or it came as a whole table.  A
breakdown left halfway is therefore not an answer: it is never saved with zeros filled in
for what was not entered.
"""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.contract import Category, Expects, Mode
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
    """ "По полу — итого 4 из 9." — the sum so far, named by what it breaks down (a bare
    "4 из 9" under several breakdowns of one count says nothing), against the count it
    must reach."""
    total = total_of(t, step)
    summed = sum(value.values())
    what = t._(step.field.label)
    if total is None:
        return t._("{what} — итого {sum}.").format(what=what, sum=group(summed))
    return t._("{what} — итого {sum} из {total}.").format(
        what=what, sum=group(summed), total=group(total)
    )


def current(t: Turn, code: str) -> dict[str, int]:
    """The breakdown being entered, else the one saved (a copy), empty if none."""
    draft = t.state.draft.get("values")
    if isinstance(draft, dict) and t.state.code == code:
        return {str(k): int(v) for k, v in draft.items()}
    answer = t.ctx.answers.get(code)
    if answer is None or answer.is_no_data or not isinstance(answer.value, dict):
        return {}
    return dict(answer.value)


def complete(t: Turn, step: Step, value: dict[str, int]) -> bool:
    """Does ``value`` add up to the count it breaks down?"""
    total = total_of(t, step)
    return total is not None and sum(value.values()) == total and bool(value)


def filled(t: Turn, step: Step, value: dict[str, int]) -> dict[str, int]:
    """The value as saved: a fixed breakdown has every category (zeros for those not given)."""
    field = step.field
    if isinstance(field, BreakdownField):
        return {c.code: value.get(c.code, 0) for c in t.q.category_set(field.categories).categories}
    return value


def merge(t: Turn, parsed: dict[str, int], echo: str = "") -> None:
    """Add typed or picked numbers to the breakdown; saved and done once it adds up.

    ``echo`` is what was understood of a typed message, said back before the sum.
    """
    step = t.step
    value = current(t, step.code)
    for key, n in parsed.items():
        if n == 0 and isinstance(step.field, OpenBreakdownField):
            value.pop(key, None)
        else:
            value[key] = n
    t.enter(Mode.FIELD)
    t.state.draft.pop("cat", None)
    lead = t._("Понято: {parts}.").format(parts=echo) + " " if echo else ""
    if complete(t, step, value):
        t.state.draft.pop("values", None)
        t.save(step.code, filled(t, step, value))
        t.say(lead + t._("Сохранено. {running}").format(running=running(t, step, value)))
        if not checks.check(t):
            flow.advance(t)
        return
    t.state.draft["values"] = value
    t.say(lead + running(t, step, value))
    t.show()


def echo(t: Turn, parsed: dict[str, int]) -> str:
    """What was understood of a typed breakdown: ``мужской — 5; женский — 3``."""
    field = t.step.field
    return "; ".join(
        f"{category_label(t.q, field, key, t.state.lang)} — {group(n)}" for key, n in parsed.items()
    )


def replace_all(t: Turn, value: dict[str, int]) -> None:
    """A whole breakdown sent as one table: saved as it is, then as «Готово»."""
    step = t.step
    t.state.draft.pop("values", None)
    t.save(step.code, filled(t, step, value))
    t.say(t._("Сохранено. {running}").format(running=running(t, step, value)))
    if not checks.check(t):
        flow.advance(t)


def finish(t: Turn) -> None:
    """«Готово»: what was entered is saved; an empty list is an answer, an empty breakdown
    is not; then the rules."""
    step = t.step
    draft = t.state.draft.pop("values", None)
    if isinstance(draft, dict) and (draft or step.code in t.ctx.answers):
        t.save(step.code, filled(t, step, {str(k): int(v) for k, v in draft.items()}))
    elif step.code not in t.ctx.answers:
        if step.field.kind != "list":
            t.error(
                N_("Пока ничего не введено. Введите данные, нажмите «Нет данных» или «Пропустить».")
            )
            t.show()
            return
        t.save(step.code, [])
    if not checks.check(t):
        flow.advance(t)


def table(t: Turn, step: Step, categories: list[tuple[str, str]], open_: bool) -> Expects:
    """A breakdown as a table: (code, label) rows with their numbers, the total to reach."""
    value = current(t, step.code)
    field = step.field
    of = field.of if isinstance(field, BreakdownField | OpenBreakdownField) else None
    whole = step.item.field(of).label if of else None
    return Expects(
        text=True,
        field=step.code,
        kind=field.kind,
        categories=tuple(Category(c, label, value.get(c)) for c, label in categories),
        open=open_,
        total=total_of(t, step),
        total_label=t._(whole) if whole else None,
        form=f"{t.state.nonce}|form",
    )


def form_counts(values: Mapping[str, str], label_of: Mapping[str, str]) -> dict[str, int]:
    """A table's numbers as typed (empty cells left out), each read as a count; an error
    names the category (``label_of``: key → label shown)."""
    parsed: dict[str, int] = {}
    for key, raw in values.items():
        if not raw.strip():
            continue
        label = label_of.get(key, key)
        try:
            parsed[key] = parse_count(raw, CATEGORY_MAX)
        except ParseError as exc:
            raise ParseError(N_("«{category}»: {problem}"), category=label, problem=exc) from exc
    return parsed


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
