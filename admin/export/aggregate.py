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
        self.cells: dict[AggKey, CellStats] = {}
        self.fields: dict[tuple[str | None, str | None, str], FieldStats] = {}
        self.regions: set[str] = set()
        self.kinds: set[str] = set()
        self.labels: dict[tuple[str, str], str] = {}

    def add(self, sheet: Sheet, hidden: set[CellKey]) -> None:
        region = sheet.region or ""
        kind = sheet.subject_kind
        self.regions.add(region)
        self.kinds.add(kind)
        scopes: list[Scope] = [(kind, region), (kind, None), (None, None)]
        for step in walk_for(self.q, tuple(sheet.blocks)).steps:
            f = step.field
            if f.kind not in NUMERIC:
                continue
            answer = sheet.answers.get(step.code)
            if answer is None:
                continue
            for scope in scopes:
                stats = self.fields.setdefault((*scope, step.code), FieldStats())
                if answer.is_no_data:
                    stats.no_data += 1
                else:
                    stats.reporting += 1
            if answer.is_no_data:
                continue
            for category, value in self._values(f, answer.value):
                was_hidden = (step.code, category[1]) in hidden
                for scope in scopes:
                    cell = self.cells.setdefault((*scope, step.code, category[0]), CellStats())
                    cell.value += value
                    cell.positive += value > 0
                    cell.hidden += was_hidden

    def _values(self, f: BaseField, value: Any) -> Iterator[tuple[tuple[str, str], int | Decimal]]:
        """((merged category, stored key), number) of one answer."""
        if f.kind == "yes_no":
            if isinstance(value, dict):
                yield ("yes", "yes"), int(value.get("answer") == "yes")
        elif isinstance(value, dict):
            for key, n in value.items():
                if isinstance(n, int) and not isinstance(n, bool):
                    yield (merge_key(self.q, f, str(key)), str(key)), n
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
