"""When reminders are due: a campaign's reminder policy and the calendar arithmetic.

Pure functions over dates and times, no storage, so the rules are tested on their own:

* ``d-N`` on the day the deadline is N days away (N in the policy's offsets), ``d-0``
  on the deadline itself (``on_the_day``);
* ``overdue-K`` after it: the first the day after the deadline, then every
  ``overdue_every_days``, up to ``overdue_cap`` of them;
* each reminder covers the days until the next begins, so one missed while nothing ran
  goes out on the next run (once: the log remembers it), never two at once;
* "today" and the sending hours are those of the campaign's time zone
  (``Asia/Almaty`` by default, through :mod:`zoneinfo`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OVERDUE = "overdue"
DEFAULT_TIME_ZONE = "Asia/Almaty"
#: The longest offset allowed: a request gives one month (§9), so more is a typo.
MAX_OFFSET = 60


def parse_days(value: str | Sequence[int]) -> tuple[int, ...]:
    """``"7,3,1"`` → ``(7, 3, 1)``; blanks ignored; a negative or non-number is refused."""
    items = value.split(",") if isinstance(value, str) else list(value)
    days = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if not text.isdigit():
            raise ValueError(f"reminder days must be whole numbers ≥ 0, not {text!r}")
        if int(text) > MAX_OFFSET:
            raise ValueError(f"reminder days are at most {MAX_OFFSET} before the deadline")
        days.append(int(text))
    return tuple(dict.fromkeys(days))


def time_zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; a clear :class:`ValueError` for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (an IANA name, e.g. Asia/Almaty)") from exc


@dataclass(frozen=True, slots=True)
class Policy:
    """A campaign's reminder settings (the defaults, or its ``reminder_policies`` row)."""

    offsets: tuple[int, ...] = (7, 3, 1)
    on_the_day: bool = True
    overdue_every_days: int = 7
    overdue_cap: int = 3
    min_gap: timedelta = timedelta(hours=20)
    time_zone: str = DEFAULT_TIME_ZONE
    hours: tuple[int, int] = (9, 20)
    zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.overdue_every_days < 1:
            raise ValueError("overdue reminders repeat every 1 day or more")
        if self.overdue_cap < 0:
            raise ValueError("the number of overdue reminders cannot be negative")
        if self.min_gap < timedelta(0):
            raise ValueError("the minimum gap cannot be negative")
        start, end = self.hours
        if not 0 <= start < end <= 24:
            raise ValueError(f"sending hours must be 0 ≤ from < until ≤ 24, not {start}-{end}")
        object.__setattr__(self, "offsets", parse_days(self.offsets))
        object.__setattr__(self, "zone", time_zone(self.time_zone))

    @classmethod
    def of(cls, row: Any | None, *, offsets: Sequence[int] | None = None) -> Policy:
        """The policy of a stored row (``None``: the defaults); ``offsets`` overrides them."""
        if row is None:
            return cls() if offsets is None else cls(offsets=tuple(offsets))
        return cls(
            offsets=tuple(row.offsets if offsets is None else offsets),
            on_the_day=bool(row.on_the_day),
            overdue_every_days=int(row.overdue_every_days),
            overdue_cap=int(row.overdue_cap),
            min_gap=timedelta(hours=int(row.min_gap_hours)),
            time_zone=str(row.time_zone),
            hours=(int(row.send_from_hour), int(row.send_until_hour)),
        )

    def columns(self) -> dict[str, Any]:
        """The values of a ``reminder_policies`` row."""
        return {
            "offsets": list(self.offsets),
            "on_the_day": self.on_the_day,
            "overdue_every_days": self.overdue_every_days,
            "overdue_cap": self.overdue_cap,
            "min_gap_hours": int(self.min_gap.total_seconds() // 3600),
            "time_zone": self.time_zone,
            "send_from_hour": self.hours[0],
            "send_until_hour": self.hours[1],
        }

    def local(self, now: datetime) -> datetime:
        """``now`` (aware) in the campaign's time zone."""
        return now.astimezone(self.zone)

    def in_hours(self, now: datetime) -> bool:
        """Whether ``now`` falls within the sending hours (start inclusive, end exclusive)."""
        start, end = self.hours
        return start <= self.local(now).hour < end

    def next_window(self, now: datetime) -> datetime:
        """When sending may next start: ``now`` within the hours, else the next opening."""
        if self.in_hours(now):
            return now
        local = self.local(now)
        opening = local.replace(hour=self.hours[0], minute=0, second=0, microsecond=0)
        if local.hour >= self.hours[0]:
            opening += timedelta(days=1)
        return opening

    def milestones(self) -> tuple[int, ...]:
        """Days before the deadline on which a reminder goes out, longest first."""
        days = set(self.offsets) | ({0} if self.on_the_day else set())
        return tuple(sorted(days, reverse=True))

    def due_kind(self, deadline: date, today: date) -> str | None:
        """The deadline reminder due on ``today`` (see the module docstring), or ``None``."""
        left = (deadline - today).days
        if left < 0:
            if self.overdue_cap == 0:
                return None
            nth = (-left - 1) // self.overdue_every_days + 1
            return f"{OVERDUE}-{min(nth, self.overdue_cap)}"
        milestone = min((n for n in self.milestones() if n >= left), default=None)
        return None if milestone is None else f"d-{milestone}"

    def schedule(self, deadline: date) -> list[tuple[date, str]]:
        """Every deadline reminder of this policy with the day it becomes due."""
        plan = [(deadline - timedelta(days=n), f"d-{n}") for n in self.milestones()]
        for nth in range(1, self.overdue_cap + 1):
            day = deadline + timedelta(days=1 + (nth - 1) * self.overdue_every_days)
            plan.append((day, f"{OVERDUE}-{nth}"))
        return plan


def is_deadline_kind(kind: str) -> bool:
    """``d-N`` and ``overdue-K`` (and the old single ``overdue``), not ``returned-K``."""
    return kind.startswith(("d-", OVERDUE))
