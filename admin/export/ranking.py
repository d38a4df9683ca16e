"""Risks and victims ranked across organisations (§13.3 of the Rules).

Sections (``section`` column; the JSON export keys them the same way):

``risks``, ``factors``, ``measures``
    the yes/no fields of block 1 items 1, 2 and 3: ``count`` organisations answered
    "yes", ``base`` answered yes or no ("no data" is left out), ``share`` = count/base.
``citizenship``
    victims by country: the sum of the ``country`` breakdowns of the *victim items* —
    the items that profile victims (a country breakdown next to a sex breakdown:
    2.8, 3.1, 6.1, 9.1, 11.1, 15.1, 16.1).  Items 2.9–2.12 are left out: they count
    subsets of the victims of 2.8 and would count the same people twice.
``exploitation``
    victims by type of exploitation: every ``exploitation_type`` breakdown.
``trafficking_form``
    registered crimes by form of trafficking: every ``trafficking_form`` breakdown.

For the count sections ``base`` is the section's total and ``share`` = count/base.
``organisations`` is how many organisations reported a non-zero count (or "yes").
Ranks are competition ranks: ties share a rank, the next rank skips (1, 1, 3).
Rows are ordered by rank, then by the Appendix's order (yes/no) or by code (counts).
Typed keys that are not suggestion codes are merged case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from admin.export.data import CampaignData
from admin.export.rows import Cell, label
from dialogs.schema import BaseField, BreakdownField, Item, OpenBreakdownField, Questionnaire

COLUMNS = ("section", "code", "label_ru", "count", "base", "share", "organisations", "rank")
YES_NO_SECTIONS = {"b01.i01": "risks", "b01.i02": "factors", "b01.i03": "measures"}
COUNT_SECTIONS = ("citizenship", "exploitation", "trafficking_form")
SHARE_PLACES = Decimal("0.0001")


@dataclass
class Tally:
    """One thing ranked: its code and label, the count, and who reported it."""

    code: str
    label_ru: str
    order: int
    count: int = 0
    base: int = 0
    organisations: set[int] = field(default_factory=set)


def competition_ranks(values: list[int]) -> list[int]:
    """Rank of each value, largest first; equal values share a rank (1, 1, 3)."""
    return [1 + sum(1 for other in values if other > v) for v in values]


def share(part: int, whole: int) -> Decimal | None:
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


def count_fields(q: Questionnaire, section: str) -> list[tuple[Item, BaseField]]:
    """The breakdown fields summed in a count section."""
    found: list[tuple[Item, BaseField]] = []
    for _block, item, f in q.walk():
        if not isinstance(f, OpenBreakdownField):
            continue
        if (
            (section == "citizenship" and f.dimension == "country" and is_victim_item(item))
            or (section == "exploitation" and f.dimension == "exploitation_type")
            or (section == "trafficking_form" and f.dimension == "trafficking_form")
        ):
            found.append((item, f))
    return found


def _ranked(section: str, tallies: list[Tally]) -> list[dict[str, Any]]:
    ranks = competition_ranks([t.count for t in tallies])
    return [
        {
            "section": section,
            "code": t.code,
            "label_ru": t.label_ru,
            "count": t.count,
            "base": t.base,
            "share": share(t.count, t.base),
            "organisations": len(t.organisations),
            "rank": rank,
        }
        for t, rank in sorted(zip(tallies, ranks, strict=True), key=lambda p: (p[1], p[0].order))
    ]


def _yes_no(data: CampaignData, item_code: str) -> list[dict[str, Any]]:
    q = data.questionnaire
    item = next(i for b in q.blocks for i in b.items if i.code == item_code)
    tallies = []
    for order, f in enumerate(item.fields):
        if f.kind != "yes_no":
            continue
        code = q.field_code(item, f)
        tally = Tally(code, f.label, order)
        for sheet in data.sheets:
            a = sheet.answers.get(code)
            if a is None or a.is_no_data or not isinstance(a.value, dict):
                continue
            tally.base += 1
            if a.value.get("answer") == "yes":
                tally.count += 1
                tally.organisations.add(sheet.organisation_id)
        tallies.append(tally)
    return _ranked(YES_NO_SECTIONS[item_code], tallies)


def _merge_key(q: Questionnaire, f: Any, key: str) -> str:
    """Country codes and suggestion codes as they are; typed text folded."""
    if f.dimension == "country":
        return key
    dim = next(d for d in q.dimensions if d.code == f.dimension)
    if any(s.code == key for s in dim.suggestions):
        return key
    return " ".join(key.split()).casefold()


def _counts(data: CampaignData, section: str) -> list[dict[str, Any]]:
    q = data.questionnaire
    fields = count_fields(q, section)
    tallies: dict[str, Tally] = {}
    for sheet in data.sheets:
        for item, f in fields:
            a = sheet.answers.get(q.field_code(item, f))
            if a is None or a.is_no_data or not isinstance(a.value, dict):
                continue
            for key, n in a.value.items():
                if not isinstance(n, int) or isinstance(n, bool):
                    continue
                merged = _merge_key(q, f, key)
                tally = tallies.setdefault(merged, Tally(merged, label(q, f, key), 0))
                tally.count += n
                if n:
                    tally.organisations.add(sheet.organisation_id)
    ordered = sorted(tallies.values(), key=lambda t: t.code)
    for n, t in enumerate(ordered):
        t.order = n
    total = sum(t.count for t in ordered)
    for t in ordered:
        t.base = total
    return _ranked(section, ordered)


def ranking(data: CampaignData) -> dict[str, list[dict[str, Any]]]:
    """Every section, each a list of rows (keys: :data:`COLUMNS`), best-ranked first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for item_code, section in YES_NO_SECTIONS.items():
        out[section] = _yes_no(data, item_code)
    for section in COUNT_SECTIONS:
        out[section] = _counts(data, section)
    return out


def ranking_rows(ranked: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, Cell]]:
    """The sections one after another, as one flat table."""
    for rows in ranked.values():
        for row in rows:
            yield {column: row.get(column) for column in COLUMNS}
