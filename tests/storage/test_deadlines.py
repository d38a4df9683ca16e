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
