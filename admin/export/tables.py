"""The totals table (§13.2) and the disclosure control of every aggregate.

``totals``: one row per field × category × scope, where the scope is a subject kind
(all its regions), a kind in one region, or all kinds together — the last labelled as a
sum of *reports*, never as persons.  ``reporting`` is how many organisations gave the
field, ``no_data`` how many answered "no data".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from admin.export.aggregate import AggKey, Totals
from admin.export.data import per_questionnaire
from admin.export.disclosure import Line, forced, primary, secondary
from admin.export.labels import word
from admin.export.masking import breakdown_totals, sensitive
from admin.export.options import Disclosure
from admin.export.rows import Labels
from dialogs.schema import BaseField, Questionnaire

COLUMNS = (
    "scope",
    "subject_kind",
    "region",
    "field_code",
    "category",
    "field_label",
    "category_label",
    "reports",
    "reporting",
    "no_data",
)


@per_questionnaire
def field_index(q: Questionnaire) -> dict[str, tuple[int, BaseField]]:
    """Field code → (position in the Appendix, field)."""
    return {q.field_code(i, f): (n, f) for n, (_, i, f) in enumerate(q.walk())}


def aggregate_mask(totals: Totals, rule: Disclosure) -> tuple[set[AggKey], set[AggKey]]:
    """(primary, secondary) aggregate cells to show as ``<k``."""
    if not rule.enabled:
        return set(), set()
    codes = sensitive(totals.q)
    values = {k: c.value for k, c in totals.cells.items() if k[2] in codes}
    parts = {k: c.hidden for k, c in totals.cells.items() if k[2] in codes}
    first = primary(values, rule) | forced(parts)
    hidden = set(first)
    added = secondary(values, hidden, _lines(totals, values), _prefer(totals))
    return first, added


def _prefer(totals: Totals) -> Any:
    def rank(key: AggKey) -> tuple[object, ...]:
        cell = totals.cells[key]
        return (cell.hidden < 2, cell.value == 0, cell.value, str(key))

    return rank


def _lines(totals: Totals, values: dict[AggKey, Any]) -> Iterator[Line[AggKey]]:
    by_field: dict[tuple[str | None, str | None, str], list[AggKey]] = {}
    by_column: dict[tuple[str | None, str, str], list[AggKey]] = {}
    for key in values:
        kind, region, code, category = key
        by_field.setdefault((kind, region, code), []).append(key)
        if kind is not None and region is not None:
            by_column.setdefault((kind, code, category), []).append(key)
    for (kind, code, category), cells in by_column.items():
        yield Line(cells, (kind, None, code, category))  # regions → the kind
    kinds: dict[tuple[str, str], list[AggKey]] = {}
    for key in values:
        if key[0] is not None and key[1] is None:
            kinds.setdefault((key[2], key[3]), []).append(key)
    for (code, category), cells in kinds.items():
        yield Line(cells, (None, None, code, category))  # kinds → all kinds
    of = breakdown_totals(totals.q)
    for (kind, region, code), cells in by_field.items():
        if code in of:
            yield Line(cells, (kind, region, of[code], ""))  # categories → their count


def totals_rows(totals: Totals, lang: str, hidden: set[AggKey], mark: str) -> Iterator[list[Any]]:
    """The rows of the totals table, in the Appendix's order, kinds before regions."""
    index = field_index(totals.q)
    labels = Labels(totals.q, lang)

    def order(key: AggKey) -> tuple[Any, ...]:
        kind, region, code, category = key
        return (
            index[code][0],
            kind is not None,
            kind or "",
            region is not None,
            region or "",
            category,
        )

    for key in sorted(totals.cells, key=order):
        kind, region, code, category = key
        cell = totals.cells[key]
        f = index[code][1]
        stats = totals.fields.get((kind, region, code))
        scope = "all_kinds" if kind is None else ("kind" if region is None else "region")
        yield [
            word(lang, scope),
            kind or "",
            "" if region is None else (region or word(lang, "no_region")),
            code,
            category,
            labels.field(f),
            labels.category(code, f, category) if category not in ("", "yes") else "",
            mark if key in hidden else cell.value,
            stats.reporting if stats else 0,
            stats.no_data if stats else 0,
        ]
