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


class CsvTable:
    """One CSV file: labels, codes, then rows."""

    def __init__(
        self,
        path: Path,
        codes: Sequence[str],
        labels: Sequence[str],
        budget: Budget,
        decimal_comma: bool,
    ) -> None:
        self.file = path.open("wb")
        self.stream = LimitedWriter(self.file, budget)
        self.stream.write(BOM)
        delimiter = ";" if decimal_comma else ","
        self.writer = csv.writer(self.stream, delimiter=delimiter, lineterminator="\r\n")
        self.decimal_comma = decimal_comma
        self.writer.writerow([csv_text(x) for x in labels])
        self.writer.writerow(codes)
        self.rows = 0

    def row(self, values: Sequence[Any]) -> None:
        self.writer.writerow(csv_row(values, self.decimal_comma))
        self.rows += 1

    def close(self) -> None:
        self.file.close()


class JsonlTable:
    """One JSON Lines file: an object per row, keyed by the codes."""

    def __init__(self, path: Path, codes: Sequence[str], budget: Budget) -> None:
        self.file = path.open("wb")
        self.stream = LimitedWriter(self.file, budget)
        self.codes = list(codes)
        self.rows = 0

    def row(self, values: Sequence[Any]) -> None:
        record = {
            c: json_value(v) if v.__class__ is Decimal else v
            for c, v in zip(self.codes, values, strict=False)
        }
        self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.rows += 1

    def close(self) -> None:
        self.file.close()
