"""Outliers of §13.1: numbers far from last year's, or from organisations of the same kind.

Two tests on every count and amount an organisation gave:

``change``    against the same organisation's answer in the previous campaign: flagged when
              it changed by at least half (:data:`CHANGE_SHARE`) and by at least
              :data:`CHANGE_MIN` (so 1 → 2 is not news); ``reference`` is last year's value,
              ``score`` the relative change (``None`` from a zero).
``robust_z``  against the organisations of the same kind that gave the field (at least
              :data:`MIN_PEERS`): the modified z-score of Iglewicz and Hoaglin,
              0.6745·(x − median)/MAD, flagged beyond ±3.5; when more than half the values are
              equal (MAD = 0) the mean absolute deviation stands in (x − median)/(1.2533·MeanAD).
              ``reference`` is the median.

Values are kept as compact arrays per kind and field; memory grows with the number of
numbers, about 16 bytes each.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from admin.export.checks import walk_for
from admin.export.data import Sheet
from admin.export.labels import word
from admin.export.masking import number
from admin.export.options import Disclosure
from dialogs.schema import Questionnaire

COLUMNS = (
    "organisation_id",
    "organisation_ru",
    "subject_kind",
    "region",
    "field_code",
    "field_label",
    "value",
    "test",
    "reference",
    "score",
    "n",
)
CHANGE_SHARE = Decimal("0.5")
CHANGE_MIN = 5
MIN_PEERS = 5
Z_LIMIT = 3.5
PLACES = Decimal("0.01")


def numeric_values(q: Questionnaire, sheet: Sheet) -> Iterator[tuple[str, float]]:
    """(field code, value) of every count and amount the sheet gives."""
    for step in walk_for(q, tuple(sheet.blocks)).steps:
        if step.field.kind not in ("count", "amount"):
            continue
        answer = sheet.answers.get(step.code)
        if answer is None or answer.is_no_data:
            continue
        n = number(answer.value)
        if n is not None:
            yield step.code, float(n)


def robust_z(values: list[float]) -> list[float | None]:
    """The modified z-score of each of ``values`` among them (None when all are equal)."""
    m = median(values)
    mad = median(abs(v - m) for v in values)
    if mad:
        return [0.6745 * (x - m) / mad for x in values]
    mean_ad = sum(abs(v - m) for v in values) / len(values)
    if not mean_ad:
        return [None for _ in values]
    return [(x - m) / (1.253314 * mean_ad) for x in values]


class Outliers:
    """Collects values while the sheets stream by; :meth:`rows` flags them at the end."""

    def __init__(
        self, q: Questionnaire, previous: dict[tuple[int, str], float], lang: str = "ru"
    ) -> None:
        self.q, self.lang = q, lang
        self.previous = previous
        self.values: dict[tuple[str, str], tuple[array[int], array[float]]] = {}
        self.orgs: dict[int, tuple[str, str, str]] = {}
        self.changes: list[tuple[int, str, float, float]] = []

    def add(self, sheet: Sheet) -> None:
        self.orgs[sheet.organisation_id] = (sheet.name_ru, sheet.subject_kind, sheet.region or "")
        for code, x in numeric_values(self.q, sheet):
            ids, xs = self.values.setdefault((sheet.subject_kind, code), (array("q"), array("d")))
            ids.append(sheet.organisation_id)
            xs.append(x)
            before = self.previous.get((sheet.organisation_id, code))
            if before is not None and _changed(before, x):
                self.changes.append((sheet.organisation_id, code, x, before))

    def rows(self, labels: dict[str, str], rule: Disclosure) -> Iterator[list[Any]]:
        """Flagged values: changes first (in organisation order), then robust z by field."""
        for org_id, code, x, before in self.changes:
            score = None if not before else _round((x - before) / before)
            yield self._row(org_id, code, labels, x, "change", before, score, None, rule)
        for (_kind, code), (ids, xs) in sorted(self.values.items()):
            if len(xs) < MIN_PEERS:
                continue
            peers = list(xs)
            m = median(peers)
            for org_id, x, z in zip(ids, peers, robust_z(peers), strict=True):
                if z is not None and abs(z) > Z_LIMIT:
                    yield self._row(
                        org_id, code, labels, x, "robust_z", m, _round(z), len(peers), rule
                    )

    def _row(
        self,
        org_id: int,
        code: str,
        labels: dict[str, str],
        x: float,
        test: str,
        reference: float,
        score: Decimal | None,
        n: int | None,
        rule: Disclosure,
    ) -> list[Any]:
        name, kind, region = self.orgs[org_id]
        value, ref = _shown(x, rule), _shown(reference, rule)
        hidden = rule.mark in (value, ref)  # the score would give the hidden number away
        return [
            org_id,
            name,
            kind,
            region,
            code,
            labels.get(code, code),
            value,
            word(self.lang, test),
            ref,
            None if hidden else score,
            n,
        ]


def _changed(before: float, x: float) -> bool:
    diff = abs(x - before)
    if diff < CHANGE_MIN:
        return False
    return before == 0 or diff / before >= float(CHANGE_SHARE)


def _round(value: float) -> Decimal:
    return Decimal(str(value)).quantize(PLACES, rounding=ROUND_HALF_UP)


def _shown(value: float, rule: Disclosure) -> Any:
    n: Any = int(value) if float(value).is_integer() else Decimal(str(value))
    return rule.mark if rule.small(n) else n


def previous_values(q: Questionnaire, sheet: Sheet, into: dict[tuple[int, str], float]) -> None:
    """Remember a previous campaign's counts and amounts of one sheet."""
    for code, x in numeric_values(q, sheet):
        into[(sheet.organisation_id, code)] = x
