"""The files of an export: which tables, in which order, written how for each format.

``xlsx`` — one workbook: the cover, quality, findings, reasons, outliers, totals,
ranking, one sheet per §14 analysis, the trend (over several campaigns), one wide sheet
per block, then the long table (``Ответы``, continued on ``Ответы (2)`` … when full).

``csv`` / ``jsonl`` / ``parquet`` — the long table at ``--out PATH``, and beside it one file per other
table: ``<stem>-cover``, ``-quality``, ``-findings``, ``-reasons``, ``-outliers``,
``-totals``, ``-ranking``, ``-analysis-<name>``, ``-trend`` (the wide sheets are XLSX only).

Every file is written to ``<name>.partial`` first and renamed only when the whole export
is complete; on any error the partial files are removed and earlier files of the same
names are left untouched.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from admin.export.csv_writer import Budget, CsvTable, ExportTooLarge, JsonlTable
from admin.export.labels import header, t
from admin.export.options import ExportOptions
from admin.export.parquet_writer import ParquetTable
from admin.export.xlsx_writer import XlsxBook
from dialogs.i18n import N_

FORMATS = ("xlsx", "csv", "jsonl", "parquet")
PARTIAL = ".partial"
MAIN = "answers"
#: Table name → worksheet title (Russian msgid).
TITLES = {
    "cover": N_("Титульный лист"),
    "quality": N_("Качество"),
    "findings": N_("Замечания"),
    "reasons": N_("Причины отсутствия данных"),
    "outliers": N_("Выбросы"),
    "totals": N_("Итоги"),
    "ranking": N_("Ранжирование"),
    "trend": N_("Динамика"),
    "answers": N_("Ответы"),
    "block": N_("Блок {number}"),
}


class Table(Protocol):
    rows: int

    def row(self, values: Sequence[Any]) -> None: ...


def partial(path: Path) -> Path:
    return path.with_name(path.name + PARTIAL)


class Output:
    """Opens the tables of one export and commits or removes its files together."""

    def __init__(self, fmt: str, out: Path, options: ExportOptions) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        self.fmt, self.out, self.options = fmt, out, options
        self.files: dict[Path, Path] = {}  # final → partial
        self.tables: dict[str, Table] = {}
        self.budget = Budget(options.max_bytes)
        self.book: XlsxBook | None = None
        if fmt == "xlsx":
            self.book = XlsxBook(self._partial(out), options.sheet_rows)

    def _partial(self, path: Path) -> Path:
        self.files[path] = partial(path)
        return self.files[path]

    def path_of(self, name: str) -> Path:
        if name == MAIN:
            return self.out
        suffix = self.out.suffix or f".{self.fmt}"
        return self.out.with_name(f"{self.out.stem}-{name.replace('.', '-')}{suffix}")

    def open(
        self, name: str, title: str, codes: Sequence[str], labels: Sequence[str] | None = None
    ) -> Table:
        """Add a table; ``labels`` default to the translated column names of ``codes``."""
        lang = self.options.lang
        shown = list(labels) if labels is not None else header(lang, codes)
        table: Table
        if self.book is not None:
            table = self.book.table(title, codes, shown)
        elif self.fmt == "csv":
            path = self._partial(self.path_of(name))
            table = CsvTable(path, codes, shown, self.budget, self.options.decimal_comma)
        elif self.fmt == "parquet":
            table = ParquetTable(self._partial(self.path_of(name)), codes)
        else:
            table = JsonlTable(self._partial(self.path_of(name)), codes, self.budget)
        self.tables[name] = table
        return table

    def labels(self, codes: Sequence[str]) -> list[str]:
        return header(self.options.lang, codes)

    def title_text(self, message: str) -> str:
        return t(self.options.lang, message)

    def title(self, name: str, **params: Any) -> str:
        return t(self.options.lang, TITLES[name]).format(**params)

    def rows(self) -> dict[str, int]:
        return {name: table.rows for name, table in self.tables.items()}

    def commit(self) -> list[Path]:
        """Close every file, check the size, then rename them all into place."""
        tables = list(self.tables.values())
        for table in tables:
            close = getattr(table, "close", None)
            if close is not None:
                close()
        if self.book is not None:
            self.book.close()
            if self.files[self.out].stat().st_size > self.options.max_bytes:
                raise ExportTooLarge(self.options.max_bytes)
        if self.fmt == "parquet":
            total = sum(p.stat().st_size for p in self.files.values())
            if total > self.options.max_bytes:
                raise ExportTooLarge(self.options.max_bytes)
        for final, temp in self.files.items():
            os.replace(temp, final)
        return list(self.files)

    def abort(self) -> None:
        for table in self.tables.values():
            file = getattr(table, "file", None)
            if file is not None:
                file.close()  # what is buffered is dropped: the export failed
        if self.book is not None:
            with contextlib.suppress(Exception):  # it failed already: clean up only
                self.book.close()
        for temp in self.files.values():
            temp.unlink(missing_ok=True)
