"""§3 of the Rules: the assessment every three years looks at each indicator year by year.

One row per indicator — a field × category summed within a subject kind (never across
kinds), or the share of a kind's subjects answering "yes" to a yes/no of block 1 — with,
per campaign, its value and ``n`` (subjects that gave it), then the change from each
campaign to the next, absolute and in per cent.  Campaigns are compared by field code:
codes never change once used, so campaigns of the same questionnaire codes line up.
A value hidden by disclosure control hides the changes computed from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from admin.export.aggregate import AggKey, Totals
from admin.export.labels import t
from admin.export.ranking import share
from admin.export.rows import Labels
from admin.export.tables import field_index
from dialogs.i18n import N_
from storage.exports import CampaignRow

HEAD = ("subject_kind", "field_code", "category", "field_label", "category_label")
PLACES = Decimal("0.1")


@dataclass
class Year:
    """One campaign of the trend: its totals and which of them are hidden."""

    campaign: CampaignRow
    totals: Totals
    hidden: set[AggKey]
    organisations: int = 0
    submitted: int = 0
    on_time: int = 0


def names(years: Sequence[Year]) -> list[str]:
    """The year of each campaign's period; its id too when two share a year."""
    plain = [str(y.campaign.period_start.year) for y in years]
    return [
        p if plain.count(p) == 1 else f"{p} (#{y.campaign.id})"
        for p, y in zip(plain, years, strict=True)
    ]


def columns(years: Sequence[Year], lang: str) -> tuple[list[str], list[str]]:
    """(codes, labels) of the trend table's columns."""
    shown = names(years)
    value = t(lang, N_("значение"))
    codes, labels = list(HEAD), []
    for name in shown:
        codes += [f"value_{name}", f"n_{name}"]
        labels += [f"{name}: {value}", f"{name}: n"]
    for before, after in zip(shown, shown[1:], strict=False):
        codes += [f"change_{after}", f"change_pct_{after}"]
        labels += [
            t(lang, N_("{after} к {before}")).format(after=after, before=before),
            t(lang, N_("{after} к {before}, %")).format(after=after, before=before),
        ]
    return codes, labels


def indicators(years: Sequence[Year]) -> list[AggKey]:
    """Kind-level keys present in any year, in the Appendix's order."""
    index = field_index(years[-1].totals.q)
    keys = {k for y in years for k in y.totals.cells if k[0] is not None and k[1] is None}
    return sorted(
        (k for k in keys if k[2] in index), key=lambda k: (index[k[2]][0], k[0] or "", k[3])
    )


def trend_rows(years: Sequence[Year], lang: str, mark: str) -> Iterator[list[Any]]:
    q = years[-1].totals.q
    index = field_index(q)
    labels = Labels(q, lang)
    for key in indicators(years):
        kind, _, code, category = key
        f = index[code][1]
        values: list[Any] = []
        cells: list[Any] = []
        for y in years:
            cell = y.totals.cells.get(key)
            n = y.totals.reporting(kind, None, code)
            value: Any = None if cell is None else cell.value
            if f.kind == "yes_no" and value is not None:
                value = share(value, n)
            hidden = key in y.hidden
            values.append(None if hidden else value)
            cells += [mark if hidden else value, n]
        for before, after in zip(values, values[1:], strict=False):
            cells += _change(before, after)
        label = labels.category(code, f, category) if category not in ("", "yes") else ""
        yield [kind, code, category, labels.field(f), label, *cells]


def _change(before: Any, after: Any) -> list[Any]:
    if before is None or after is None:
        return [None, None]
    diff = after - before
    pct = (
        None
        if not before
        else (Decimal(diff) * 100 / Decimal(before)).quantize(PLACES, ROUND_HALF_UP)
    )
    return [diff, pct]
