"""The default answer deadline of a data request (§9 of the Rules).

The deadline is one calendar month after the request date.  When the next month
is shorter the deadline falls on its last day: a request of 31 January is due on
28 February (29 in a leap year), one of 31 March on 30 April.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the end of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def default_deadline(requested_on: date) -> date:
    """One calendar month after ``requested_on``; the request itself may set another date."""
    return add_months(requested_on, 1)
