"""One organisation's numbers, and which of them disclosure control hides.

The sensitive numbers are those that describe people or cases by category: every
breakdown's categories and the count each breaks down (``of``).  A single count
(publications, meetings) or an amount in tenge is never hidden.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from admin.export.data import Sheet, per_questionnaire
from admin.export.disclosure import Line, primary, secondary
from admin.export.options import Disclosure
from dialogs.schema import BreakdownField, OpenBreakdownField, Questionnaire

#: (field code, category): ``""`` for a count, the category key for a breakdown.
CellKey = tuple[str, str]
Number = int | Decimal


@per_questionnaire
def sensitive(q: Questionnaire) -> frozenset[str]:
    """Codes of the breakdowns and of the counts they break down."""
    codes: set[str] = set()
    for _, item, f in q.walk():
        if isinstance(f, BreakdownField | OpenBreakdownField):
            codes.add(q.field_code(item, f))
            if f.of:
                codes.add(f"{item.code}.{f.of}")
    return frozenset(codes)


@per_questionnaire
def breakdown_totals(q: Questionnaire) -> dict[str, str]:
    """Breakdown code → code of the count it breaks down."""
    return {
        q.field_code(item, f): f"{item.code}.{f.of}"
        for _, item, f in q.walk()
        if isinstance(f, BreakdownField | OpenBreakdownField) and f.of
    }


def number(value: Any) -> Number | None:
    """An int stays an int, an amount an exact Decimal; anything else is no number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str | float):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return None


def numbers(q: Questionnaire, sheet: Sheet) -> dict[CellKey, Number]:
    """The sensitive numbers this organisation gave (answered, not "no data")."""
    out: dict[CellKey, Number] = {}
    for code in sensitive(q):
        answer = sheet.answers.get(code)
        if answer is None or answer.is_no_data:
            continue
        value = answer.value
        if isinstance(value, dict):
            for key, n in value.items():
                if isinstance(n, int) and not isinstance(n, bool):
                    out[(code, str(key))] = n
        elif isinstance(value, int) and not isinstance(value, bool):
            out[(code, "")] = value
    return out


def mask(q: Questionnaire, sheet: Sheet, rule: Disclosure) -> tuple[set[CellKey], set[CellKey]]:
    """(primary, secondary) cells of this sheet that are shown as ``<k``."""
    if not rule.enabled:
        return set(), set()
    values = numbers(q, sheet)
    hidden = primary(values, rule)
    if not hidden:
        return hidden, set()
    by_code: dict[str, list[CellKey]] = {}
    for key in values:
        by_code.setdefault(key[0], []).append(key)
    totals = breakdown_totals(q)
    lines = [Line(keys, (totals[code], "")) for code, keys in by_code.items() if code in totals]
    first = set(hidden)
    return first, secondary(values, hidden, lines)
