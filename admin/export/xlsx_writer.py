"""XLSX through XlsxWriter in ``constant_memory`` mode: rows go to disk as they are written.

Worksheets are added in the order a reader wants them (the cover first) and filled in any
order, each row after the previous one of its sheet.  Texts are written with
``write_string`` on a workbook whose ``strings_to_formulas``/``strings_to_numbers``/
``strings_to_urls`` are off: a text such as ``=HYPERLINK(…)`` or ``+7 701 000 00 00`` is
stored as the text typed — no apostrophe — and never becomes a formula; numbers are typed
numbers.  Each sheet has a row of labels over a row of codes, frozen, with an autofilter.

A sheet that fills up continues on ``name (2)``, ``name (3)`` …; a table that cannot
(too many columns) stops the export with :class:`SheetFull` — nothing is truncated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from admin.export.options import XLSX_MAX_COLUMNS

MAX_WIDTH = 60
#: Characters of one XLSX cell; XlsxWriter would cut a longer text without a word.
MAX_CELL = 32_767
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (31 characters, none of []:*?/\\)."""
    base = FORBIDDEN.sub(" ", title).strip()[:31] or "sheet"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


MEASURED_ROWS = 200
HEADER_ROWS = 2


class SheetFull(Exception):
    """A table does not fit in a worksheet; the export stops instead of dropping data."""


class XlsxBook:
    """One workbook; :meth:`table` adds a worksheet now, in tab order."""

    def __init__(self, path: Path, max_rows: int) -> None:
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.max_rows = max_rows
        self.bold = self.workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.code = self.workbook.add_format({"font_color": "#666666"})
        self.tables: list[XlsxTable] = []
        self.names: set[str] = set()

    def table(self, title: str, codes: Sequence[str], labels: Sequence[str]) -> XlsxTable:
        if len(codes) > XLSX_MAX_COLUMNS:
            raise SheetFull(
                f"the table {title!r} has {len(codes)} columns; a worksheet holds"
                f" {XLSX_MAX_COLUMNS}. Nothing was written"
            )
        table = XlsxTable(self, title, codes, labels)
        self.tables.append(table)
        return table

    def close(self) -> None:
        for table in self.tables:
            table.finish()
        self.workbook.close()


class XlsxTable:
    """A table over one or more worksheets (``title``, ``title (2)`` …)."""

    def __init__(self, book: XlsxBook, title: str, codes: Sequence[str], labels: Sequence[str]):
        self.book, self.title = book, title
        self.codes, self.labels = list(codes), list(labels)
        self.rows = 0
        self.sheets: list[tuple[Worksheet, int]] = []
        self.widths = [
            min(max(len(c), len(lab) // 2, 6), MAX_WIDTH)
            for c, lab in zip(codes, labels, strict=True)
        ]
        self._new_sheet()

    def _new_sheet(self) -> None:
        n = len(self.sheets) + 1
        title = self.title if n == 1 else f"{self.title[:25]} ({n})"
        ws = self.book.workbook.add_worksheet(sheet_name(title, self.book.names))
        for col, label in enumerate(self.labels):  # row by row: constant_memory flushes
            ws.write_string(0, col, label, self.book.bold)
        for col, code in enumerate(self.codes):
            ws.write_string(1, col, code, self.book.code)
        self.ws, self.next = ws, HEADER_ROWS
        self.sheets.append((ws, 0))

    def row(self, values: Sequence[Any]) -> None:
        if self.next >= self.book.max_rows:
            self._close_sheet()
            self._new_sheet()
        ws, r = self.ws, self.next
        measure = self.rows < MEASURED_ROWS
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(r, col, value)
            elif isinstance(value, Decimal):
                ws.write_number(r, col, float(value))
            else:
                text = str(value)
                if len(text) > MAX_CELL:
                    raise SheetFull(
                        f"a text of {len(text)} characters in {self.title!r} does not fit an"
                        f" XLSX cell ({MAX_CELL}); export as CSV or JSON Lines. Nothing was written"
                    )
                ws.write_string(r, col, text)
            if measure:
                self.widths[col] = min(max(self.widths[col], len(str(value))), MAX_WIDTH)
        self.next += 1
        self.rows += 1

    def _close_sheet(self) -> None:
        last = max(self.next - 1, HEADER_ROWS)
        self.ws.freeze_panes(HEADER_ROWS, 0)
        self.ws.autofilter(1, 0, last, len(self.codes) - 1)
        for col, width in enumerate(self.widths):
            self.ws.set_column(col, col, width + 2)

    def finish(self) -> None:
        self._close_sheet()
