"""Rankings within each subject kind (§13.3 of the Rules), by share of reporting subjects.

Sections (``section``):

``risks``, ``factors``, ``measures``
    the yes/no fields of block 1 items 1, 2 and 3: ``subjects`` of the kind answered
    "yes", ``n`` answered yes or no ("no data" left out), ``share`` = subjects / n.
``citizenship``, ``age``, ``sex``, ``exploitation``, ``trafficking_form``
    the categories of the victim profiles (items with a country and a sex breakdown:
    2.8, 3.1, 6.1, 9.1, 11.1, 15.1, 16.1), every breakdown of exploitation and of forms
    of trafficking: ``subjects`` reported at least one person (or crime) in the category,
    ``n`` gave the breakdown, ``share`` = subjects / n; ``persons`` is the sum *within the
    kind* and ``persons_share`` its part of the kind's total.

Persons are never added across kinds (the same people are reported by the police, a
shelter and an NGO); the all-kinds rows (``subject_kind`` empty) are labelled as a sum of
*reports*.  Ranks are competition ranks within a kind and section (1, 1, 3), by share and
then by persons.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from admin.export.aggregate import AggKey, Totals
from admin.export.labels import word
from admin.export.rows import Labels
from admin.export.tables import field_index
from dialogs.schema import BaseField, BreakdownField, Item, OpenBreakdownField, Questionnaire

COLUMNS = (
    "section",
    "subject_kind",
    "field_code",
    "category",
    "label",
    "subjects",
    "n",
    "share",
    "persons",
    "persons_share",
    "rank",
)
YES_NO_SECTIONS = {"b01.i01": "risks", "b01.i02": "factors", "b01.i03": "measures"}
COUNT_SECTIONS = ("citizenship", "age", "sex", "exploitation", "trafficking_form")
SHARE_PLACES = Decimal("0.0001")


def competition_ranks(values: list[Any]) -> list[int]:
    """Rank of each value, largest first; equal values share a rank (1, 1, 3)."""
    return [1 + sum(1 for other in values if other > v) for v in values]


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def is_victim_item(item: Item) -> bool:
    """An item profiling victims: a country breakdown beside a sex breakdown."""
    has_country = any(
        isinstance(f, OpenBreakdownField) and f.dimension == "country" for f in item.fields
    )
    has_sex = any(isinstance(f, BreakdownField) and f.categories == "sex" for f in item.fields)
    return has_country and has_sex


def section_fields(q: Questionnaire, section: str) -> list[str]:
    """Codes of the breakdowns ranked in a count section."""
    found = []
    for _, item, f in q.walk():
        victim = is_victim_item(item)
        dim = getattr(f, "dimension", None)
        cats = getattr(f, "categories", None)
        if (
            (section == "citizenship" and dim == "country" and victim)
            or (section == "age" and victim and isinstance(cats, str) and cats.startswith("age"))
            or (section == "sex" and victim and cats == "sex")
            or (section == "exploitation" and dim == "exploitation_type")
            or (section == "trafficking_form" and dim == "trafficking_form")
        ):
            found.append(q.field_code(item, f))
    return found


def ranking_rows(totals: Totals, lang: str, hidden: set[AggKey], mark: str) -> Iterator[list[Any]]:
    """Every section, kind by kind, best-ranked first; then the all-kinds reports."""
    q = totals.q
    labels = Labels(q, lang)
    index = field_index(q)
    for item_code, section in YES_NO_SECTIONS.items():
        item = next(i for b in q.blocks for i in b.items if i.code == item_code)
        codes = [q.field_code(item, f) for f in item.fields if f.kind == "yes_no"]
        for kind_code in sorted(totals.kinds):
            rows = []
            for code in codes:
                cell = totals.cells.get((kind_code, None, code, "yes"))
                n = totals.reporting(kind_code, None, code)
                subjects = cell.value if cell else 0
                label = labels.field(index[code][1])
                rows.append([section, kind_code, code, "", label, subjects, n, share(subjects, n)])
            yield from _ranked(rows, with_persons=False)
    for section in COUNT_SECTIONS:
        codes = section_fields(q, section)
        for kind in sorted(totals.kinds):
            for code in codes:
                rows = list(
                    _count_rows(totals, labels, index[code][1], section, kind, code, hidden, mark)
                )
                yield from _ranked(rows, with_persons=True)
        yield from _ranked(list(_reports(totals, labels, section, codes, hidden, mark)), True)


def _count_rows(
    totals: Totals,
    labels: Labels,
    f: BaseField,
    section: str,
    kind: str | None,
    code: str,
    hidden: set[AggKey],
    mark: str,
) -> Iterator[list[Any]]:
    keys = _by_field(totals).get((kind, code), [])
    if not keys:
        return
    n = totals.reporting(kind, None, code)
    whole = sum(totals.cells[k].value for k in keys)
    any_hidden = any(k in hidden for k in keys)
    for key in keys:
        cell = totals.cells[key]
        persons: Any = mark if key in hidden else cell.value
        persons_share = None if any_hidden else share(cell.value, whole)
        shown_kind = kind if kind is not None else word(labels.lang, "all_kinds")
        yield [
            section,
            shown_kind,
            code,
            key[3],
            labels.category(code, f, key[3]),
            cell.positive,
            n,
            share(cell.positive, n),
            persons,
            persons_share,
            -1 if key in hidden else cell.value,  # the sort key, dropped before writing
        ]


def _by_field(totals: Totals) -> dict[tuple[str | None, str], list[AggKey]]:
    """Kind-level keys grouped by (kind, field code), built once per totals."""
    cells = totals.cells
    cached = getattr(totals, "_by_field", None)
    if cached is not None and cached[0] is cells:
        return cached[1]  # type: ignore[no-any-return]
    grouped: dict[tuple[str | None, str], list[AggKey]] = {}
    for key in cells:
        if key[1] is None:
            grouped.setdefault((key[0], key[2]), []).append(key)
    totals._by_field = (cells, grouped)  # type: ignore[attr-defined]
    return grouped


def _reports(
    totals: Totals,
    labels: Labels,
    section: str,
    codes: list[str],
    hidden: set[AggKey],
    mark: str,
) -> Iterator[list[Any]]:
    """The all-kinds view of a section: sums of *reports* over its fields and kinds."""
    index = field_index(totals.q)
    sums: dict[str, list[Any]] = {}
    for key, cell in totals.cells.items():
        kind, region, code, category = key
        if kind is not None or region is not None or code not in codes:
            continue
        entry = sums.setdefault(category, [0, 0, False, code])
        entry[0] += cell.value
        entry[1] += cell.positive
        entry[2] = entry[2] or key in hidden
    n = sum(totals.reporting(None, None, code) for code in codes)
    whole = sum(e[0] for e in sums.values())
    any_hidden = any(e[2] for e in sums.values())
    shown_kind = word(labels.lang, "all_kinds")
    for category, (value, positive, was_hidden, code) in sorted(sums.items()):
        yield [
            section,
            shown_kind,
            "*",
            category,
            labels.category(code, index[code][1], category),
            positive,
            n,
            share(positive, n),
            mark if was_hidden else value,
            None if any_hidden else share(value, whole),
            -1 if was_hidden else value,
        ]


def _ranked(rows: list[list[Any]], with_persons: bool) -> Iterator[list[Any]]:
    def key(row: list[Any]) -> tuple[Any, ...]:
        s = row[7] if row[7] is not None else Decimal(-1)
        return (s, row[10]) if with_persons else (s,)

    keys = [key(r) for r in rows]
    ranks = competition_ranks(keys)
    ordered = sorted(zip(rows, ranks, strict=True), key=lambda p: p[1])
    for row, rank in ordered:
        if with_persons:
            yield [*row[:10], rank]
        else:
            yield [*row, None, None, rank]
