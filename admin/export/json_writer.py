"""JSON: one document ``{campaign, questionnaire_version, answers, checks, ranking}``.

Streamed one row per line through the same size-limited writer as the CSV;
numbers are JSON numbers (amounts and shares too), absent values ``null``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from admin.export.csv_writer import Budget, LimitedWriter


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        exact_int = int(value.as_tuple().exponent) >= 0
        return int(value) if exact_int else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_default)


def write_json(
    path: Path,
    head: dict[str, Any],
    lists: dict[str, Iterable[dict[str, Any]]],
    tail: dict[str, Any],
    budget: Budget,
) -> dict[str, int]:
    """``head`` keys, then each list streamed row by row, then ``tail`` keys."""
    counts: dict[str, int] = {}
    with path.open("wb") as binary:
        out = LimitedWriter(binary, budget)
        out.write("{")
        first = True
        for key, value in head.items():
            out.write(("" if first else ",\n") + f"{dumps(key)}: {dumps(value)}")
            first = False
        for key, rows in lists.items():
            out.write(("" if first else ",\n") + f"{dumps(key)}: [")
            first = False
            n = 0
            for row in rows:
                out.write(("\n" if n == 0 else ",\n") + dumps(row))
                n += 1
            out.write("\n]" if n else "]")
            counts[key] = n
        for key, value in tail.items():
            out.write(("" if first else ",\n") + f"{dumps(key)}: {dumps(value)}")
            first = False
        out.write("}\n")
    return counts
