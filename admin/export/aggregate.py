"""Sums over organisations (§13.2 of the Rules), by subject kind and region, in one pass.

Every numeric answer (a count, an amount, a breakdown's categories, the yes of a yes/no)
is added to three scopes: its kind and region, its kind (all regions: ``region`` None) and
all kinds (``kind`` None).  Persons are never meant to be added across kinds — police,
shelters, embassies and NGOs report the same people — so the all-kinds scope is shown
only as *reports*.  Each cell also counts the organisations with a positive value and
those whose own cell disclosure control hid (see :mod:`admin.export.disclosure`).
Memory is bounded by the questionnaire, kinds and regions, not by the campaign's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from admin.export.checks import walk_for
from admin.export.data import Sheet
from admin.export.masking import CellKey, number
from dialogs.schema import BaseField, OpenBreakdownField, Questionnaire

NUMERIC = ("count", "amount", "breakdown", "open_breakdown", "yes_no")
Scope = tuple[str | None, str | None]  # (kind, region)
AggKey = tuple[str | None, str | None, str, str]  # (kind, region, field code, category)


@dataclass
class CellStats:
    value: int | Decimal = 0
    positive: int = 0
    hidden: int = 0


@dataclass
class FieldStats:
    reporting: int = 0
    no_data: int = 0


def merge_key(q: Questionnaire, f: BaseField, key: str) -> str:
    """Country and suggestion codes as they are; typed text folded (case, spaces)."""
    if not isinstance(f, OpenBreakdownField) or f.dimension == "country":
        return key
    dim = next(d for d in q.dimensions if d.code == f.dimension)
    if any(s.code == key for s in dim.suggestions):
        return key
    return " ".join(key.split()).casefold()


class Totals:
    """The accumulator: ``add`` every included sheet, then read ``cells`` and ``fields``."""

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.regions: set[str] = set()
        self.kinds: set[str] = set()
        self._cells: dict[AggKey, CellStats] = {}
        self._fields: dict[tuple[str | None, str | None, str], FieldStats] = {}
        self._merged: dict[tuple[str, str], str] = {}
        self._done: tuple[dict[AggKey, CellStats], dict[Any, FieldStats]] | None = None

    def add(self, sheet: Sheet, hidden: set[CellKey]) -> None:
        """Add one organisation to its kind and region (the wider scopes are summed later)."""
        region = sheet.region or ""
        kind = sheet.subject_kind
        self.regions.add(region)
        self.kinds.add(kind)
        self._done = None
        cells, fields = self._cells, self._fields
        for step in walk_for(self.q, tuple(sheet.blocks)).steps:
            f = step.field
            if f.kind not in NUMERIC:
                continue
            answer = sheet.answers.get(step.code)
            if answer is None:
                continue
            stats = fields.get((kind, region, step.code))
            if stats is None:
                stats = fields[(kind, region, step.code)] = FieldStats()
            if answer.is_no_data:
                stats.no_data += 1
                continue
            stats.reporting += 1
            for (category, stored), value in self._values(f, step.code, answer.value):
                key = (kind, region, step.code, category)
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = CellStats()
                cell.value += value
                cell.positive += value > 0
                cell.hidden += (step.code, stored) in hidden

    def _finish(self) -> tuple[dict[AggKey, CellStats], dict[Any, FieldStats]]:
        """Every scope: kind and region, kind (``region`` None), all kinds (both None)."""
        if self._done is None:
            cells = dict(self._cells)
            for (kind, _region, code, category), c in self._cells.items():
                for wider in ((kind, None, code, category), (None, None, code, category)):
                    total = cells.setdefault(wider, CellStats())
                    total.value += c.value
                    total.positive += c.positive
                    total.hidden += c.hidden
            fields = dict(self._fields)
            for (kind, _region, code), st in self._fields.items():
                for wide in ((kind, None, code), (None, None, code)):
                    total_f = fields.setdefault(wide, FieldStats())
                    total_f.reporting += st.reporting
                    total_f.no_data += st.no_data
            self._done = (cells, fields)
        return self._done

    @property
    def cells(self) -> dict[AggKey, CellStats]:
        return self._finish()[0]

    @property
    def fields(self) -> dict[Any, FieldStats]:
        return self._finish()[1]

    def _values(
        self, f: BaseField, code: str, value: Any
    ) -> Iterator[tuple[tuple[str, str], int | Decimal]]:
        """((merged category, stored key), number) of one answer."""
        if f.kind == "yes_no":
            if isinstance(value, dict):
                yield ("yes", "yes"), int(value.get("answer") == "yes")
        elif isinstance(value, dict):
            merged = self._merged
            for key, n in value.items():
                if n.__class__ is int:
                    found = merged.get((code, key))
                    if found is None:
                        found = merged[(code, key)] = merge_key(self.q, f, str(key))
                    yield (found, str(key)), n
        else:
            n = number(value)
            if n is not None:
                yield ("", ""), n

    def value(self, key: AggKey) -> int | Decimal | None:
        cell = self.cells.get(key)
        return None if cell is None else cell.value

    def reporting(self, kind: str | None, region: str | None, code: str) -> int:
        stats = self.fields.get((kind, region, code))
        return 0 if stats is None else stats.reporting
