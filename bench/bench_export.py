"""Exports of a national campaign: time against the bare libraries, and peak memory.

Run: ``python bench/bench_export.py [--responses 10000]``.  A campaign of generated
responses to the whole questionnaire (:mod:`bench.generate`; kept in ``bench/results/``
between runs) is exported once per format, each export in its own process so that its
peak RSS is its own (``os.wait4``).  The baseline, measured in the same run, writes *the
same cells* — read back from the export's files beforehand, untimed — with the bare
library (XlsxWriter in ``constant_memory`` mode, ``csv.writer``, ``json.dumps``), after a
bare streamed read of the same answer rows (``sqlite3``).  Targets:

* our table writers / the bare library, writing the same cells: at most 1.3×;
* peak RSS of the export process: under 150 MB, whatever the size of the campaign.

It also prints the whole export — reading, checking, summing, ranking, grouping and
writing every table in one pass — against a bare read of the answers (``sqlite3``,
``json.loads``) plus the bare write: the price of everything the export computes.

The figures are printed and written to ``bench/RESULTS.md`` (section "Exports").
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
FORMATS = ("xlsx", "csv", "jsonl")


def database(responses: int) -> Path:
    """The generated campaign (made once per size)."""
    from bench.generate import generate
    from storage.db import upgrade

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"export-{responses}.db"
    if not path.exists():
        url = f"sqlite+aiosqlite:///{path}.tmp"
        Path(f"{path}.tmp").unlink(missing_ok=True)
        asyncio.run(upgrade(url))
        started = time.perf_counter()
        asyncio.run(generate(url, organisations=responses, years=[2025]))
        print(f"generated {responses} responses in {time.perf_counter() - started:.0f} s")
        os.replace(f"{path}.tmp", path)
    return path


def child(args: list[str]) -> tuple[dict[str, Any], int]:
    """Run this script as a child; its JSON result and its peak RSS in kB."""
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"child {args} failed with {proc.returncode}")
    return json.loads(out.decode().strip().splitlines()[-1]), usage.ru_maxrss


def run_export(db: str, fmt: str, out: str) -> dict[str, Any]:
    from admin.export import export_campaigns
    from storage.repository import Store

    async def go() -> dict[str, Any]:
        store = Store.from_url(f"sqlite+aiosqlite:///{db}")
        try:
            started = time.perf_counter()
            result = await export_campaigns(store, [1], fmt, Path(out))
            return {
                "seconds": time.perf_counter() - started,
                "rows": result.rows,
                "files": [str(p) for p in result.files],
            }
        finally:
            await store.close()

    return asyncio.run(go())


def bare_read(db: str) -> dict[str, Any]:
    """The same answer rows, streamed by sqlite3 with nothing done to them."""
    started = time.perf_counter()
    conn = sqlite3.connect(db)
    n = 0
    for row in conn.execute(
        "SELECT r.organisation_id, a.field_code, a.status, a.value, a.no_data_reason,"
        " a.answered_at, a.channel, a.version FROM answers a JOIN responses r"
        " ON a.response_id = r.id WHERE r.campaign_id = 1 ORDER BY r.organisation_id, a.field_code"
    ):
        if isinstance(row[3], str):
            json.loads(row[3])  # the values are JSON: any reader decodes them
        n += 1
    for _row in conn.execute(
        "SELECT * FROM organisations o LEFT JOIN responses r ON r.organisation_id = o.id"
    ):
        n += 1
    conn.close()
    return {"seconds": time.perf_counter() - started, "rows": n}


def read_cells(fmt: str, files: list[str]) -> list[tuple[str, list[list[Any]]]]:
    """Every table of the export's files, as (name, rows incl. header rows)."""
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(files[0], read_only=True)
        return [
            (ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets
        ]
    tables = []
    for path in files:
        if fmt == "csv":
            data = Path(path).read_text(encoding="utf-8-sig")
            tables.append((path, list(csv.reader(data.splitlines(keepends=True)))))
        else:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
            tables.append((path, [json.loads(x) for x in lines]))
    return tables


def our_write(fmt: str, files: list[str], folder: str) -> dict[str, Any]:
    """The same cells through the export's own table writers (defusing, size budget,
    labels over codes, sheet splitting): the writer layer against the bare library."""
    from admin.export.options import ExportOptions
    from admin.export.output import Output

    tables = read_cells(fmt, files)
    output = Output(fmt, Path(folder) / f"ours.{fmt}", ExportOptions())
    started = time.perf_counter()
    for n, (name, rows) in enumerate(tables):
        if fmt == "jsonl":
            codes = list(rows[0]) if rows else ["x"]
            table = output.open(f"t{n}", name[:20], codes, codes)
            for record in rows:
                table.row(list(record.values()))
            continue
        codes = [str(c) if c is not None else "" for c in rows[1]] if len(rows) > 1 else ["x"]
        labels = [str(c) if c is not None else "" for c in rows[0]] if rows else ["x"]
        width = max(len(r) for r in rows) if rows else 1
        codes += [""] * (width - len(codes))
        labels += [""] * (width - len(labels))
        table = output.open(f"t{n}", f"s{n}", codes, labels)
        for row in rows[2:]:
            table.row(row)
    output.commit()
    return {"seconds": time.perf_counter() - started}


def bare_write(fmt: str, files: list[str], folder: str) -> dict[str, Any]:
    tables = read_cells(fmt, files)
    cells = sum(len(r) for _, rows in tables for r in rows)
    started = time.perf_counter()
    if fmt == "xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(Path(folder) / "bare.xlsx"), {"constant_memory": True})
        for name, rows in tables:
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, int | float):
                        ws.write_number(r, c, value)
                    else:
                        ws.write_string(r, c, value)
        wb.close()
    elif fmt == "csv":
        for n, (_, rows) in enumerate(tables):
            with open(Path(folder) / f"bare-{n}.csv", "w", encoding="utf-8", newline="") as f:
                f.write("\ufeff")
                csv.writer(f, lineterminator="\r\n").writerows(rows)
    else:
        for n, (_, rows) in enumerate(tables):
            with open(Path(folder) / f"bare-{n}.jsonl", "w", encoding="utf-8") as f:
                for record in rows:
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {"seconds": time.perf_counter() - started, "cells": cells}


def write_results(lines: list[str]) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    head = "## Exports"
    before = text.split(head)[0].rstrip() + "\n\n"
    after = ""
    if head in text:
        rest = text.split(head, 1)[1]
        after = "\n## " + rest.split("\n## ", 1)[1] if "\n## " in rest else ""
    path.write_text(before + head + "\n\n" + "\n".join(lines) + "\n" + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument(
        "--repeat", type=int, default=1, help="N rounds per format; the median round is kept"
    )
    args = parser.parse_args()
    db = database(args.responses)

    out = RESULTS / "out"
    out.mkdir(exist_ok=True)
    rows = []
    for fmt in args.formats.split(","):
        # Each round runs the four measurements back to back, so a ratio compares runs
        # made under the same load; the median round is reported (the machine is shared).
        rounds = []
        for _ in range(max(args.repeat, 1)):
            read, _ = child(["--child", "read", str(db)])
            ours, rss = child(["--child", "export", str(db), fmt, str(out / f"export.{fmt}")])
            files = json.dumps(ours["files"])
            bare, _ = child(["--child", "bare", fmt, files, str(out)])
            mine, _ = child(["--child", "write", fmt, files, str(out)])
            rounds.append((mine["seconds"] / bare["seconds"], read, ours, rss, bare, mine))
        rounds.sort(key=lambda r: float(r[0]))
        _, read, ours, rss, bare, mine = rounds[len(rounds) // 2]
        rss = max(r[3] for r in rounds)
        base = read["seconds"] + bare["seconds"]
        rows.append((fmt, read, ours, rss, bare, base, mine))
        print(
            f"{fmt}: export {ours['seconds']:.1f} s, bare read {read['seconds']:.1f} s +"
            f" bare write {bare['seconds']:.1f} s → {ours['seconds'] / base:.2f}×;"
            f" our writers {mine['seconds']:.1f} s → {mine['seconds'] / bare['seconds']:.2f}×"
            f" (rounds: {', '.join(f'{r[0]:.2f}' for r in rounds)});"
            f" peak RSS {rss / 1024:.0f} MB; long rows {ours['rows']['answers']}"
        )
    lines = [
        f"`python bench/bench_export.py --responses {args.responses} --repeat {args.repeat}` —"
        f" {args.responses} generated"
        " responses to the whole questionnaire, SQLite, one process per export (2-core machine"
        " shared with other work; the median of --repeat rounds, each round measuring"
        " read, export, bare write and our writers back to back; "
        + time.strftime("%Y-%m-%d")
        + ").",
        "",
        "| format | whole export | bare read + bare write (same cells) | export ratio |"
        " our writers, same cells | writer ratio (target ≤ 1.3×) | peak RSS of the export"
        " (target < 150 MB) | long-table rows | cells |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for fmt, read, ours, rss, bare, base, mine in rows:
        lines.append(
            f"| {fmt} | {ours['seconds']:.1f} s | {read['seconds']:.1f} + {bare['seconds']:.1f} s |"
            f" {ours['seconds'] / base:.2f}× | {mine['seconds']:.1f} s |"
            f" {mine['seconds'] / bare['seconds']:.2f}× | {rss / 1024:.0f} MB |"
            f" {ours['rows']['answers']} | {bare['cells']} |"
        )
    write_results(lines)
    print("written to bench/RESULTS.md")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "export":
            result = run_export(*rest)
        elif kind == "read":
            result = bare_read(rest[0])
        elif kind == "write":
            result = our_write(rest[0], json.loads(rest[1]), rest[2])
        else:
            result = bare_write(rest[0], json.loads(rest[1]), rest[2])
        print(json.dumps(result))
    else:
        main()
