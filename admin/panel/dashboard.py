"""The campaign dashboard's figures: reporting rates by region and by subject kind.

Pure functions of :class:`admin.ops.progress.CampaignProgress` (what ``python -m admin
progress`` prints), so the panel counts nothing its own way.  Each group's organisations
fall into exactly one of four chart segments by stage — submitted on time, submitted
late, at work (a link opened, answering, or returned), not reached — so the bars add
up to 100 %; *overdue* (not submitted once the deadline has passed) is a column of its
own because after the deadline it covers the last two segments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from admin.export.checks import percent
from admin.ops.progress import NOT_REACHED, OVERDUE, SUBMITTED, OrganisationProgress

#: chart segments in drawing order (the CSS gives each its colour and pattern)
SEGMENTS = ("on_time", "late", "working", "not_reached")
BAR_ROW = 44  # px per group in the chart


@dataclass(frozen=True, slots=True)
class Tally:
    """One group's reporting rate (DHIS2's expected / actual / on time, and the rest)."""

    key: str
    label: str
    expected: int
    submitted: int
    on_time: int
    overdue: int
    not_reached: int

    @property
    def late(self) -> int:
        return self.submitted - self.on_time

    @property
    def working(self) -> int:
        return self.expected - self.submitted - self.not_reached

    @property
    def submitted_percent(self) -> int:
        return percent(self.submitted, self.expected)

    @property
    def on_time_percent(self) -> int:
        return percent(self.on_time, self.expected)

    def segments(self) -> list[tuple[str, int, float, float]]:
        """(segment, count, x %, width %) of the bar; empty segments left out."""
        out: list[tuple[str, int, float, float]] = []
        x = 0.0
        for name in SEGMENTS:
            n = int(getattr(self, name))
            width = 100.0 * n / self.expected if self.expected else 0.0
            if n:
                out.append((name, n, round(x, 3), round(width, 3)))
            x += width
        return out


def tally(key: str, label: str, rows: Iterable[OrganisationProgress]) -> Tally:
    expected = submitted = on_time = overdue = not_reached = 0
    for r in rows:
        expected += 1
        submitted += r.stage == SUBMITTED
        on_time += r.on_time is True
        overdue += r.status == OVERDUE
        not_reached += r.stage == NOT_REACHED
    return Tally(key, label, expected, submitted, on_time, overdue, not_reached)


def by(
    rows: list[OrganisationProgress],
    key: Callable[[OrganisationProgress], str],
    label: Callable[[str], str],
) -> list[Tally]:
    """One tally per value of ``key``, the lowest submission rate first (who to chase)."""
    groups: dict[str, list[OrganisationProgress]] = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    tallies = [tally(k, label(k), members) for k, members in groups.items()]
    return sorted(tallies, key=lambda t: (t.submitted_percent, t.label))


@dataclass(frozen=True, slots=True)
class Changes:
    """What happened in the last 24 hours (the dashboard's "since yesterday")."""

    submitted: list[OrganisationProgress]
    active: int  # changed (answered, returned…) but not submitted
    newly_overdue: int  # the deadline was yesterday: all these are now overdue


def since_yesterday(
    rows: list[OrganisationProgress], now: datetime, as_of: date, deadline: date
) -> Changes:
    since = now - timedelta(days=1)
    submitted = sorted(
        (r for r in rows if r.submitted_at is not None and r.submitted_at >= since),
        key=lambda r: r.submitted_at or now,
        reverse=True,
    )
    active = sum(
        1
        for r in rows
        if r.stage != SUBMITTED and r.updated_at is not None and r.updated_at >= since
    )
    newly = (
        sum(1 for r in rows if r.status == OVERDUE) if as_of - deadline == timedelta(days=1) else 0
    )
    return Changes(submitted, active, newly)


def days_left(as_of: date, deadline: date) -> int:
    """Days from ``as_of`` to the deadline (0 on the day; negative once it has passed)."""
    return (deadline - as_of).days


def chart_height(tallies: list[Tally]) -> int:
    return BAR_ROW * len(tallies) + 4
