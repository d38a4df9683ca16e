"""The default answer deadline of a data request (§9 of the Rules).

The deadline is one calendar month after the request date.  When the next month
is shorter the deadline falls on its last day: a request of 31 January is due on
28 February (29 in a leap year), one of 31 March on 30 April.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from storage.errors import ImplausibleDeadline


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the end of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def default_deadline(requested_on: date) -> date:
    """One calendar month after ``requested_on``; the request itself may set another date."""
    return add_months(requested_on, 1)


#: Kazakhstan's time zone since 1 March 2024 (one zone, UTC+5): a deadline is a local date.
LOCAL_TZ = ZoneInfo("Asia/Almaty")
#: How long after the end of the reporting period a deadline can plausibly be.
LATEST_DEADLINE_MONTHS = 12


def local_date(moment: datetime) -> date:
    """The calendar date of ``moment`` in Kazakhstan (a submission at 23:30 local is on time)."""
    return moment.astimezone(LOCAL_TZ).date()


def check_deadline(deadline: date, *, requested_on: date, period_end: date) -> None:
    """Refuse a deadline that cannot be meant: on or before the request, or more than
    :data:`LATEST_DEADLINE_MONTHS` months after the period ends (a year typed wrong would
    make everyone "overdue" at once, or nobody for a year).

    Raises :class:`~storage.errors.ImplausibleDeadline` saying which bound it broke.
    """
    latest = add_months(period_end, LATEST_DEADLINE_MONTHS)
    if deadline <= requested_on:
        raise ImplausibleDeadline(
            deadline, f"is not after the request date {requested_on}; give a later date"
        )
    if deadline > latest:
        raise ImplausibleDeadline(
            deadline,
            f"is more than {LATEST_DEADLINE_MONTHS} months after the period ends"
            f" ({period_end}); the latest plausible date is {latest} — check the year",
        )
