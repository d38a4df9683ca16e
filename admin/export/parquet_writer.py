"""Parquet (optional: ``pip install saualnama[parquet]``) for pandas, R and DuckDB.

One file per table, as for CSV.  Columns are typed by their code: counts are ``int64``,
shares and scores ``float64``, everything else text.  A column that may hold a number or a
text (``value``, ``reports``, ``persons``, ``reference``: a count, an amount, a hidden
``<k`` or a free text) is written twice — as text under its code and as ``float64`` under
``<code>_number`` (null where it is not a number) — so a program can sum it directly.
Rows are written in row groups as they come; memory holds one group.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

INTEGER = frozenset(
    {
        "campaign",
        "organisation_id",
        "block",
        "item",
        "fields",
        "answered",
        "unanswered",
        "no_data",
        "mismatches",
        "explained",
        "subjects",
        "n",
        "rank",
        "reporting",
        "answers",
    }
)
FLOAT = frozenset({"completeness", "share", "persons_share", "score"})
MIXED = frozenset({"value", "reports", "persons", "reference"})
GROUP = 20_000


class ParquetUnavailable(Exception):
    """pyarrow is not installed."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class ParquetTable:
    """One Parquet file, written a row group at a time."""

    def __init__(self, path: Path, codes: Sequence[str]) -> None:
        try:
            import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]
            import pyarrow.parquet as pq  # type: ignore[import-untyped,import-not-found,unused-ignore]
        except ImportError:
            raise ParquetUnavailable(
                "Parquet needs pyarrow: pip install 'saualnama[parquet]'"
            ) from None
        self.pa = pa
        self.codes = list(codes)
        fields = []
        for code in self.codes:
            if code in INTEGER:
                fields.append(pa.field(code, pa.int64()))
            elif code in FLOAT:
                fields.append(pa.field(code, pa.float64()))
            else:
                fields.append(pa.field(code, pa.string()))
            if code in MIXED:
                fields.append(pa.field(f"{code}_number", pa.float64()))
        self.schema = pa.schema(fields)
        self.writer = pq.ParquetWriter(str(path), self.schema, compression="zstd")
        self.buffer: list[Sequence[Any]] = []
        self.rows = 0

    def row(self, values: Sequence[Any]) -> None:
        self.buffer.append(values)
        self.rows += 1
        if len(self.buffer) >= GROUP:
            self._flush()

    def _flush(self) -> None:
        if not self.buffer:
            return
        columns: list[list[Any]] = []
        for n, code in enumerate(self.codes):
            cells = [r[n] if n < len(r) else None for r in self.buffer]
            if code in INTEGER:
                columns.append(
                    [v if isinstance(v, int) and not isinstance(v, bool) else None for v in cells]
                )
            elif code in FLOAT:
                columns.append([_number(v) for v in cells])
            else:
                columns.append([_text(v) for v in cells])
            if code in MIXED:
                columns.append([_number(v) for v in cells])
        batch = self.pa.RecordBatch.from_arrays(
            [self.pa.array(c, type=f.type) for c, f in zip(columns, self.schema, strict=True)],
            schema=self.schema,
        )
        self.writer.write_batch(batch)
        self.buffer = []

    def close(self) -> None:
        self._flush()
        self.writer.close()
