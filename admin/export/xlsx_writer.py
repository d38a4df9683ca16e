"""XLSX through XlsxWriter in ``constant_memory`` mode (rows go to disk as written).

Texts are written with ``write_string`` and the workbook is opened with
``strings_to_formulas``/``strings_to_numbers``/``strings_to_urls`` off, so a text
such as ``=HYPERLINK(…)`` is stored as text and never becomes a formula.  Each
sheet has a bold, frozen header row, an autofilter and column widths fitted to
the content (at most 60 characters).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

MAX_WIDTH = 60

Sheet = tuple[str, Sequence[str], Iterable[dict[str, Any]]]


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> dict[str, int]:
    """Write the sheets (name, columns, rows) in order; returns rows written per sheet."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    header = workbook.add_format({"bold": True})
    counts: dict[str, int] = {}
    try:
        for name, columns, rows in sheets:
            ws = workbook.add_worksheet(name)
            widths = [len(c) for c in columns]
            for col, title in enumerate(columns):
                ws.write_string(0, col, title, header)
            r = 0
            for r, row in enumerate(rows, start=1):
                for col, column in enumerate(columns):
                    shown = _write(ws, r, col, row.get(column))
                    widths[col] = max(widths[col], min(shown, MAX_WIDTH))
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(r, 1), len(columns) - 1)
            for col, width in enumerate(widths):
                ws.set_column(col, col, width + 2)
            counts[name] = r
    finally:
        workbook.close()
    return counts


def _write(ws: Any, row: int, col: int, value: Any) -> int:
    """Write one cell; returns its width in characters."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, int | Decimal):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value)
        return len(str(value))
    text = str(value)
    ws.write_string(row, col, text)
    return max((len(line) for line in text.splitlines()), default=0)
