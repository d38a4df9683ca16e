from datetime import date

import pytest

from storage.deadlines import add_months, default_deadline


@pytest.mark.parametrize(
    ("requested_on", "deadline"),
    [
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2025, 1, 31), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2024, 1, 30), date(2024, 2, 29)),
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 8, 31), date(2025, 9, 30)),
        (date(2025, 2, 28), date(2025, 3, 28)),
        (date(2025, 12, 31), date(2026, 1, 31)),  # across the year
        (date(2025, 12, 1), date(2026, 1, 1)),
    ],
)
def test_default_deadline_is_one_calendar_month_later(requested_on: date, deadline: date) -> None:
    assert default_deadline(requested_on) == deadline


def test_add_months_backwards_and_over_years() -> None:
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 1, 15), -1) == date(2024, 12, 15)
    assert add_months(date(2025, 1, 31), 13) == date(2026, 2, 28)


def test_a_deadline_must_follow_the_request_and_be_plausible() -> None:
    from datetime import UTC, datetime

    from storage import errors
    from storage.deadlines import check_deadline, local_date

    period_end, requested = date(2025, 12, 31), date(2026, 1, 15)
    check_deadline(date(2026, 2, 15), requested_on=requested, period_end=period_end)
    check_deadline(date(2026, 12, 31), requested_on=requested, period_end=period_end)
    for bad, words in (
        (date(2026, 1, 15), "is not after the request date 2026-01-15"),
        (date(2020, 2, 15), "is not after the request date"),
        (date(2027, 1, 1), "latest plausible date is 2026-12-31 — check the year"),
        (date(2027, 2, 15), "more than 12 months after the period ends (2025-12-31)"),
    ):
        with pytest.raises(errors.ImplausibleDeadline) as info:
            check_deadline(bad, requested_on=requested, period_end=period_end)
        assert words in str(info.value) and info.value.deadline == bad
        assert isinstance(info.value, ValueError)
    # a submission at 23:30 in Almaty (18:30 UTC) is on the local date
    assert local_date(datetime(2026, 2, 15, 18, 30, tzinfo=UTC)) == date(2026, 2, 15)
    assert local_date(datetime(2026, 2, 15, 19, 30, tzinfo=UTC)) == date(2026, 2, 16)
