"""Cell values on their way into a file: typed numbers, defused texts, local decimals.

A spreadsheet evaluates a CSV cell that starts — after any leading whitespace — with
``=``, ``+``, ``-`` or ``@`` (OWASP's "CSV injection").  Only such a text is prefixed
with an apostrophe, and only when it could do harm: a text of digits, spaces, signs,
brackets, dots and commas (``-5``, ``+7 701 000 00 00``, ``(727) 250-00-00``) can at worst
be read as arithmetic of numbers — it cannot call a function or reach another cell — so
it is left exactly as typed.  XLSX cells are written with a string type and are never
evaluated: they are never prefixed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

Cell = str | int | float | Decimal | None
TRIGGERS = ("=", "+", "-", "@")
HARMLESS = re.compile(r"[\d\s()+\-.,/]*")


def dangerous(text: str) -> bool:
    """True if a spreadsheet opening this CSV text could evaluate it as a formula."""
    stripped = text.lstrip()
    if not stripped.startswith(TRIGGERS):
        return False
    return HARMLESS.fullmatch(stripped) is None


def defuse(text: str) -> str:
    """The text as a spreadsheet must show it (apostrophe only where needed)."""
    return "'" + text if dangerous(text) else text


def number_text(value: int | float | Decimal, decimal_comma: bool = False) -> str:
    """A number as CSV text: ``1234567.50`` or, for a ru/kk spreadsheet, ``1234567,50``."""
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",") if decimal_comma else text


def csv_text(value: Any, decimal_comma: bool = False) -> str:
    """A value as CSV text: numbers as they are, texts defused, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return number_text(value, decimal_comma)
    return defuse(str(value))


#: What a text may start with to need a look: a trigger, or any whitespace (a
#: spreadsheet skips it before a formula).  Every other text is safe as it is.
RISKY_START = frozenset(TRIGGERS) | frozenset(c for c in map(chr, range(0x3001)) if c.isspace())


def csv_row(values: Any, decimal_comma: bool = False) -> Any:
    """A row for ``csv.writer``: texts defused, the rest as it is (``csv`` writes numbers
    itself and ``None`` as an empty field); with a decimal comma every cell is converted.

    Nearly every row has no text starting with a trigger or a space: such a row is
    passed on as it is after one scan, instead of being copied cell by cell (the copy
    cost more than ``csv.writer`` itself)."""
    if decimal_comma:
        return [csv_text(v, True) for v in values]
    risky, text = RISKY_START, str
    for value in values:
        if value.__class__ is text and value and value[0] in risky:
            return [defuse(v) if v.__class__ is text else v for v in values]
    return values


def json_value(value: Any) -> Any:
    """Decimals as JSON numbers (whole ones as integers)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
