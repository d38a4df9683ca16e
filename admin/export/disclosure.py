"""Small-cell suppression, primary and secondary, so no person in a small cell is exposed.

*Primary*: a count of persons from 1 to k-1 is hidden (shown as ``<k``).
*Secondary*: a hidden cell must not be recoverable from a published total.  Every total
is a *line* — cells that add up to it (the categories of a breakdown and the count it
breaks down; the regions of a subject kind and the kind's total; the kinds and the
all-kinds figure).  A line whose numbers are all known and in which exactly one entry is
hidden gives that entry away by subtraction, so one more entry of the line is hidden —
the smallest non-zero cell, the total only when nothing else is left — and the lines are
checked again until every line has none or at least two hidden entries.

Aggregates are sums of organisations' cells that are themselves published (masked) in
the long and wide tables: an aggregate to which exactly one hidden organisation cell
contributes would give that cell away, so it is hidden too (:func:`forced`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from admin.export.options import Disclosure

K = TypeVar("K", bound=Hashable)
Number = int | Decimal


@dataclass(frozen=True)
class Line(Generic[K]):
    """Cells that add up to ``total`` (``None``: their sum is published nowhere)."""

    cells: Sequence[K]
    total: K | None = None


def primary(values: Mapping[K, Number | None], rule: Disclosure) -> set[K]:
    """The cells that are small counts."""
    return {key for key, value in values.items() if rule.small(value)}


def secondary(
    values: Mapping[K, Number | None],
    hidden: set[K],
    lines: Iterable[Line[K]],
    prefer: Callable[[K], tuple[object, ...]] | None = None,
) -> set[K]:
    """Hide more cells until no line has exactly one hidden entry; returns those added.

    ``hidden`` is updated in place.  ``prefer`` orders the candidates (smallest first);
    by default the smallest non-zero value.
    """
    rank = prefer or (lambda key: (values.get(key) == 0, values.get(key) or 0, str(key)))
    todo = [line for line in lines if line.cells]
    added: set[K] = set()
    changed = True
    while changed:
        changed = False
        for line in todo:
            members = [*line.cells, *([line.total] if line.total is not None else [])]
            if line.total is None or any(values.get(m) is None for m in members):
                continue  # no published sum, or an unknown part: nothing to subtract from
            if sum(1 for m in members if m in hidden) != 1:
                continue
            options = [m for m in members if m not in hidden]
            pick = min(options, key=rank)
            hidden.add(pick)
            added.add(pick)
            changed = True
    return added


def forced(hidden_parts: Mapping[K, int]) -> set[K]:
    """Aggregates with exactly one hidden organisation cell among their parts."""
    return {key for key, n in hidden_parts.items() if n == 1}
