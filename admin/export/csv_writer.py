"""CSV and JSON Lines: one file per table, streamed row by row through a size limit.

CSV is for spreadsheets: UTF-8 with a byte-order mark (Excel then reads Cyrillic), ``\\r\\n``
line ends (RFC 4180), a row of labels in the export's language over a row of codes
(``pandas.read_csv(path, header=1)`` takes the codes), numbers as numbers — with a decimal
comma and ``;`` between fields under ``--decimal-comma``, as a ru/kk spreadsheet expects —
and texts defused against formula injection (:mod:`admin.export.cells`).

JSON Lines is for programs: one object per row keyed by the codes, numbers as numbers.

Like Datasette's streaming CSV, every file counts its bytes against one budget for the
whole export and stops with :class:`ExportTooLarge` before the output passes it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from admin.export.cells import csv_row, csv_text, json_value
from admin.export.options import MB

BOM = "\ufeff"


class ExportTooLarge(Exception):
    """The output would pass the size limit; nothing is left claiming to be complete."""

    def __init__(self, limit_bytes: int, hint: str = "") -> None:
        self.limit_bytes = limit_bytes
        mb = round(limit_bytes / MB, 3)
        super().__init__(
            f"the export would exceed {mb:g} MB; nothing was written. "
            f"Raise the limit with --max-mb{hint}"
        )


class Budget:
    """Bytes left for the whole export (shared by its files)."""

    def __init__(self, limit_bytes: int) -> None:
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
        budget = self.budget
        used = budget.used + len(data)
        if used > budget.limit_bytes:
            raise ExportTooLarge(budget.limit_bytes)
        budget.used = used
        self.binary.write(data)
        return len(text)


def cell(value: Any) -> str:
    """A value as CSV text (kept for the invitation links file)."""
    return csv_text(value)


class Lines:
    """Where ``csv.writer`` puts its lines: ``write`` is a list's ``append``, so a row
    costs no Python call beyond the writer's own."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.write = self.lines.append


class Chunked:
    """Lines gathered in memory and written a chunk at a time, each chunk paid for from
    the budget before it reaches the disk: a file never passes the limit."""

    #: Rows per chunk: a few megabytes at the most, even with long answers.
    ROWS = 2048

    def __init__(self, path: Path, budget: Budget) -> None:
        self.file = path.open("wb")
        self.budget = budget
        self.out = Lines()
        self.rows = 0

    def flush(self) -> None:
        data = "".join(self.out.lines).encode("utf-8")
        self.out.lines.clear()
        used = self.budget.used + len(data)
        if used > self.budget.limit_bytes:
            raise ExportTooLarge(self.budget.limit_bytes)
        self.budget.used = used
        self.file.write(data)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.file.close()


class CsvTable(Chunked):
    """One CSV file: labels, codes, then rows (texts defused by
    :func:`~admin.export.cells.csv_row`, which passes a clean row on uncopied)."""

    def __init__(
        self,
        path: Path,
        codes: Sequence[str],
        labels: Sequence[str],
        budget: Budget,
        decimal_comma: bool,
    ) -> None:
        super().__init__(path, budget)
        delimiter = ";" if decimal_comma else ","
        self.writer = csv.writer(self.out, delimiter=delimiter, lineterminator="\r\n")
        self.writerow = self.writer.writerow
        self.decimal_comma = decimal_comma
        self.out.write(BOM)
        self.writerow([csv_text(x) for x in labels])
        self.writerow(codes)

    def row(self, values: Sequence[Any]) -> None:
        self.writerow(csv_row(values, self.decimal_comma))
        self.rows += 1
        if self.rows % self.ROWS == 0:
            self.flush()


class JsonlTable(Chunked):
    """One JSON Lines file: an object per row, keyed by the codes."""

    def __init__(self, path: Path, codes: Sequence[str], budget: Budget) -> None:
        super().__init__(path, budget)
        self.codes = list(codes)
        self.dumps = json.JSONEncoder(ensure_ascii=False).encode

    def row(self, values: Sequence[Any]) -> None:
        record = {
            c: json_value(v) if v.__class__ is Decimal else v
            for c, v in zip(self.codes, values, strict=False)
        }
        self.out.write(self.dumps(record) + "\n")
        self.rows += 1
        if self.rows % self.ROWS == 0:
            self.flush()
