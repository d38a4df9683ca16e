"""CSV for spreadsheets: streamed row by row through a size-limited writer.

* UTF-8 with a byte-order mark, so Excel opens Cyrillic text correctly;
* ``\\r\\n`` line ends (RFC 4180), fields quoted only when they must be;
* numbers are written as numbers (``12``, ``1234567.50``, ``0.6667``);
* CSV injection: a *text* cell starting with ``= + - @``, a tab or a carriage
  return gets a leading apostrophe, so a spreadsheet shows it as text and never
  runs it as a formula (OWASP's advice);
* like Datasette's streaming CSV, the writer counts bytes and stops with
  :class:`ExportTooLarge` before the output passes the limit (100 MB by default).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

DEFAULT_MAX_MB = 100
MB = 1024 * 1024
BOM = "\ufeff"
INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportTooLarge(Exception):
    """The output would pass the size limit; nothing is left claiming to be complete."""

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        mb = round(limit_bytes / MB, 3)
        super().__init__(
            f"the export would exceed {mb:g} MB; nothing was written. "
            "Raise the limit with --max-mb, or leave out --all to export fewer responses"
        )


class Budget:
    """Bytes left for the whole export (shared by its files)."""

    def __init__(self, limit_bytes: int = DEFAULT_MAX_MB * MB) -> None:
        self.limit_bytes = limit_bytes
        self.used = 0

    def spend(self, n: int) -> None:
        if self.used + n > self.limit_bytes:
            raise ExportTooLarge(self.limit_bytes)
        self.used += n


class LimitedWriter:
    """A text stream over a binary file that refuses to write past the budget."""

    def __init__(self, binary: BinaryIO, budget: Budget) -> None:
        self.binary = binary
        self.budget = budget

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.budget.spend(len(data))
        self.binary.write(data)
        return len(text)


def text_cell(text: str) -> str:
    """Defuse a text that a spreadsheet would take for a formula."""
    return "'" + text if text.startswith(INJECTION_PREFIXES) else text


def cell(value: Any) -> str:
    """A value as CSV text: numbers as they are, texts defused, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal):
        return str(value)
    return text_cell(str(value))


def write_csv(
    path: Path,
    columns: Sequence[str],
    rows: Iterable[dict[str, Any]],
    budget: Budget,
) -> int:
    """Write a header and the rows to ``path``; returns the number of rows written."""
    count = 0
    with path.open("wb") as binary:
        stream = LimitedWriter(binary, budget)
        stream.write(BOM)
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(c)) for c in columns])
            count += 1
    return count
