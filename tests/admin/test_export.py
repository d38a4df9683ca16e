"""The expert group's export, read back: XLSX cell by cell, CSV bytes, JSON Lines, limits, audit."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from admin.export import ExportOptions, SheetFull, export_campaigns
from admin.export.cells import csv_text
from admin.export.csv_writer import Budget, CsvTable, ExportTooLarge
from dialogs.questionnaire import default
from storage.repository import Store
from tests.admin.conftest import ACTOR, build_fixture, with_store


def stored(db_url: str) -> dict[int, dict[str, Any]]:
    """organisation id → {field code: (value, no-data reason)} straight from the database."""

    async def read(store: Store) -> dict[int, dict[str, Any]]:
        snap = await store.campaign_snapshot(1)
        by_response = {r.id: r.organisation_id for r in snap.responses}
        out: dict[int, dict[str, Any]] = {}
        for response_id, answers in snap.answers.items():
            org = by_response[response_id]
            out[org] = {a.field_code: (a.value, a.no_data_reason) for a in answers}
        return out

    return with_store(db_url, read)


def expected_cells(answers: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """What the long table must hold for one organisation, worked out from the raw values."""
    q = default()
    kinds = {q.field_code(i, f): f.kind for _, i, f in q.walk()}
    out: dict[tuple[str, str], Any] = {}
    for code, (value, reason) in answers.items():
        kind = kinds.get(code)
        if kind is None:
            continue  # comments and confirmations are not fields
        if reason is not None:
            out[(code, "")] = None
        elif kind == "yes_no":
            out[(code, "")] = {"yes": "Да", "no": "Нет"}[value["answer"]]
            if value.get("description"):
                out[(code, "description")] = value["description"]
        elif kind == "choice":
            out[(code, "")] = value["option"]
            if value.get("description"):
                out[(code, "description")] = value["description"]
        elif kind == "amount":
            out[(code, "")] = float(Decimal(value))
        elif kind in ("count", "text"):
            out[(code, "")] = value
        elif kind == "period":
            out[(code, "start")], out[(code, "end")] = value["start"], value["end"]
        elif kind in ("breakdown", "open_breakdown"):
            out.update({(code, k): n for k, n in value.items()})
        elif kind == "list":
            out[(code, "entries")] = len(value)
            for n, entry in enumerate(value, start=1):
                out.update({(code, f"entry {n}.{c}"): v for c, v in entry.items()})
    return out


def sheet_rows(ws) -> tuple[list[str], list[list[Any]]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[1], rows[2:]


def test_the_xlsx_holds_every_stored_answer_cell_by_cell(cli, fixture, db_url, tmp_path):
    out = tmp_path / "export.xlsx"
    result = cli("export", "--campaign", "1", "--format", "xlsx", "--out", str(out))
    assert result.code == 0, result.err
    wb = openpyxl.load_workbook(out)  # not data_only: a formula would show as one
    answers = stored(db_url)
    codes, table = sheet_rows(wb["Ответы"])
    at = {c: n for n, c in enumerate(codes)}
    got: dict[int, dict[tuple[str, str], Any]] = {}
    for row in table:
        key = (row[at["field_code"]], row[at["category"]] or "")
        got.setdefault(row[at["organisation_id"]], {})[key] = row[at["value"]]
    assert got == {org: expected_cells(a) for org, a in answers.items()}
    # the wide sheets hold the same values, one row per organisation
    codes, table = sheet_rows(wb["Блок 1"])
    for row in table:
        org = row[0]
        for (code, category), value in expected_cells(answers[org]).items():
            if not code.startswith("b01.") or category.startswith("entry"):
                continue
            column = code if category == "" else f"{code}.{category}"
            assert row[codes.index(column)] == value, (org, column)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    phone = next(r for r in sheet_rows(wb["Ответы"])[1] if r[at["value"]] == "+7 701 000 00 00")
    assert phone  # typed as text, no apostrophe
    amount = next(r for r in table if r[0] == 2)
    assert isinstance(amount[codes.index("b01.i01.legislation_gaps")], str)


def test_the_cover_says_what_the_file_is(cli, fixture, tmp_path):
    out = tmp_path / "export.xlsx"
    assert (
        cli("export", "--campaign", "1", "--format", "xlsx", "--out", str(out), "--lang", "kk").code
        == 0
    )
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == wb.worksheets[0].title
    cover = {r[0]: r[2] for r in list(wb.worksheets[0].iter_rows(values_only=True))[2:]}
    assert cover["campaign"] == 1 and cover["title"] == "Оценка рисков 2025"
    assert cover["period"] == "2025-01-01 — 2025-12-31"
    assert cover["requested_on"] == "2026-01-15" and cover["deadline"] == "2026-02-15"
    assert cover["questionnaire_version"] == "2024.1" and cover["language"] == "kk"
    assert cover["organisations"] == 2 and cover["submitted"] == 2 and cover["included"] == 2
    assert cover["rows.answers"] == 25
    assert cover["kind.tourism_ministry"] == "Қазақстан Республикасы Туризм және спорт министрлігі"
    assert wb.sheetnames[:2] == ["Титул парағы", "Сапа"]
    ws = wb["Жауаптар"]
    labels = [c.value for c in ws[1]]
    codes = [c.value for c in ws[2]]
    assert labels[codes.index("field_code")] == "Өріс коды"  # Kazakh labels over the codes
    assert labels[codes.index("organisation_kk")] == "Ұйым (қазақ тілінде)"


def test_a_long_table_over_several_sheets_loses_no_row(fixture, db_url, tmp_path):
    async def go(store: Store, out: Path, rows: int):
        return await export_campaigns(store, [1], "xlsx", out, ExportOptions(sheet_rows=rows))

    whole = tmp_path / "whole.xlsx"
    split = tmp_path / "split.xlsx"
    with_store(db_url, lambda s: go(s, whole, 1_048_576))
    result = with_store(db_url, lambda s: go(s, split, 10))
    wb = openpyxl.load_workbook(split)
    parts = [n for n in wb.sheetnames if n.startswith("Ответы")]
    assert parts == ["Ответы", *(f"Ответы ({n})" for n in range(2, len(parts) + 1))]
    assert len(parts) == 4  # 25 rows, 8 a sheet under two header rows
    rows = []
    for name in parts:
        ws = wb[name]
        assert ws.max_row <= 10
        rows += sheet_rows(ws)[1]
    assert rows == sheet_rows(openpyxl.load_workbook(whole)["Ответы"])[1]
    assert result.rows["answers"] == 25


def test_a_table_too_wide_for_a_sheet_stops_the_export(fixture, db_url, tmp_path, monkeypatch):
    import admin.export.xlsx_writer as xw

    monkeypatch.setattr(xw, "XLSX_MAX_COLUMNS", 40)
    out = tmp_path / "x.xlsx"
    with pytest.raises(SheetFull, match="columns"):
        with_store(db_url, lambda s: export_campaigns(s, [1], "xlsx", out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["admin.db"]


def read_csv(path: Path, delimiter: str = ",") -> tuple[list[str], list[dict[str, str]]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))
    return lines[0], [dict(zip(lines[1], r, strict=True)) for r in lines[2:]]


def test_csv_has_labels_over_codes_typed_numbers_and_defused_formulas(cli, fixture, tmp_path):
    out = tmp_path / "export.csv"
    assert cli("export", "--campaign", "1", "--format", "csv", "--out", str(out)).code == 0
    labels, table = read_csv(out)
    assert labels[:3] == ["Кампания", "Версия опросника", "Код организации"]
    by = {(r["organisation_id"], r["field_code"], r["category"]): r for r in table}
    assert by["1", "b01.i01.legislation_gaps", "description"]["value"] == (
        '\'=HYPERLINK("http://evil.example","click")'
    )
    assert by["2", "b01.i01.weak_regulation", "description"]["value"] == "+7 701 000 00 00"
    assert by["1", "b01.i05.partner_states", "entry 1.results"]["value"] == "'-обмен опытом"
    assert by["2", "b12.i05.social_orders_amount", ""]["value"] == "1234567.50"
    assert by["1", "b01.i10.problems", ""]["no_data_reason"] == "нет учёта"
    assert len(table) == 25
    names = sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv")
    assert "export-quality.csv" in names and "export-cover.csv" in names
    assert "export-analysis-vulnerable_groups.csv" in names
    assert not list(tmp_path.glob("*.partial"))


def test_decimal_comma_csv_for_a_ru_spreadsheet(cli, fixture, tmp_path):
    out = tmp_path / "export.csv"
    cmd = ("export", "--campaign", "1", "--format", "csv", "--out", str(out), "--decimal-comma")
    assert cli(*cmd).code == 0
    _, table = read_csv(out, ";")
    amount = next(r for r in table if r["field_code"] == "b12.i05.social_orders_amount")
    assert amount["value"] == "1234567,50"
    _, quality = read_csv(tmp_path / "export-quality.csv", ";")
    assert quality[0]["completeness"] == "0,2500"


def test_json_lines_of_the_long_table(cli, fixture, tmp_path):
    out = tmp_path / "export.jsonl"
    assert cli("export", "--campaign", "1", "--format", "jsonl", "--out", str(out)).code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 25
    by = {(r["organisation_id"], r["field_code"], r["category"]): r for r in rows}
    assert by[1, "b01.i01.legislation_gaps", "description"]["value"] == (
        '=HYPERLINK("http://evil.example","click")'
    )
    assert by[1, "b01.i08.trained", ""]["value"] == 10
    assert by[2, "b12.i05.social_orders_amount", ""]["value"] == 1234567.5
    assert by[2, "b12.i04.resources_by_subject", "Акимат"]["value"] == 1
    assert by[1, "b01.i01.weak_regulation", ""]["comment"] == "Комментарий, с запятой"
    quality = [json.loads(x) for x in (tmp_path / "export-quality.jsonl").read_text().splitlines()]
    assert [q["organisation_id"] for q in quality] == [1, 2]
    for path in tmp_path.glob("export*.jsonl"):  # every record of every table has every key
        records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
        assert len({tuple(r) for r in records}) <= 1, path.name


def test_non_submitters_are_listed_and_all_adds_their_answers(cli, db_url, tmp_path):
    with_store(db_url, lambda store: build_fixture(store, submit=(True, False)))
    out = tmp_path / "export.jsonl"
    assert cli("export", "--campaign", "1", "--format", "jsonl", "--out", str(out)).code == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert {r["organisation_id"] for r in rows} == {1}
    quality = [json.loads(x) for x in (tmp_path / "export-quality.jsonl").read_text().splitlines()]
    assert [(q["organisation_id"], q["status"]) for q in quality] == [
        (1, "отправлена"),
        (2, "заполняется"),
    ]
    assert (
        cli("export", "--campaign", "1", "--format", "jsonl", "--out", str(out), "--all").code == 0
    )
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert {r["organisation_id"] for r in rows} == {1, 2}


def test_the_size_limit_stops_the_csv_and_leaves_no_half_file(cli, fixture, db_url, tmp_path):
    out = tmp_path / "export.csv"
    out.write_bytes(b"an earlier, complete export")
    cmd = ("export", "--campaign", "1", "--format", "csv", "--out", str(out), "--max-mb", "0.005")
    result = cli(*cmd)
    assert result.code == 2
    assert "exceed 0.005 MB" in result.err and "--max-mb" in result.err
    assert "--all" not in result.err  # not advice about an option that was not given
    assert out.read_bytes() == b"an earlier, complete export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["admin.db", "export.csv"]
    events = with_store(db_url, lambda store: store.list_audit_events(action="export.failed"))
    assert events[0].details["format"] == "csv"
    assert with_store(db_url, lambda store: store.list_audit_events(action="export.taken")) == []


def test_the_limited_writer_counts_bytes_not_characters(tmp_path):
    budget = Budget(200)
    table = CsvTable(tmp_path / "x.csv", ["a"], ["а"], budget, False)
    with pytest.raises(ExportTooLarge):
        for _ in range(10):
            table.row(["ж" * 20])  # 40 bytes, 20 characters
        table.close()
    assert budget.used <= 200
    assert (tmp_path / "x.csv").stat().st_size <= 200  # nothing past the limit reached the disk


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        (" =1+2", "' =1+2"),
        ("\t=HYPERLINK(1)", "'\t=HYPERLINK(1)"),
        ("+A1", "'+A1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+7 701 000 00 00", "+7 701 000 00 00"),
        ("+7 (701) 000-00-00", "+7 (701) 000-00-00"),
        ("-5", "-5"),
        ("-обмен опытом", "'-обмен опытом"),  # Excel would read a formula (#NAME?)
        ("a=b", "a=b"),
        (-5, "-5"),
        (Decimal("-1.50"), "-1.50"),
        (None, ""),
    ],
)
def test_csv_injection_defence_touches_only_what_would_run(value, written):
    assert csv_text(value) == written


CSV_CELLS = [
    "=1+2", " =1+2", "\t=HYPERLINK(1)", "+A1", "@SUM(A1)", "+7 701 000 00 00", "-5",
    "-обмен опытом", "a=b", "\u2003=HYPERLINK(1)", "\n=1", "a, =b", "x\n=1", "", -5,
    Decimal("-1.50"), None, 12, "ДП г. Алматы",
]  # fmt: skip


@pytest.mark.parametrize("rows_per_chunk", [2048, 4, 1])
@pytest.mark.parametrize("at", [0, 1])
def test_a_csv_table_defuses_each_cell_as_csv_text_does_wherever_it_stands(
    tmp_path, monkeypatch, at, rows_per_chunk
):
    """Clean rows go to csv.writer uncopied and only rows with a risky text are defused,
    chunk by chunk: every cell, first in its line or not, must come out as csv_text says."""
    monkeypatch.setattr(CsvTable, "ROWS", rows_per_chunk)
    table = CsvTable(tmp_path / "x.csv", ["v", "w"], ["v", "w"], Budget(10**6), False)
    rows = [[cell, "ok"] if at == 0 else ["ok", cell] for cell in CSV_CELLS]
    for row in rows:
        table.row(row)
    table.close()
    with (tmp_path / "x.csv").open(encoding="utf-8-sig", newline="") as f:
        read = list(csv.reader(f))[2:]
    column = 0 if at == 0 else 1
    assert [r[column] for r in read] == [csv_text(c) for c in CSV_CELLS]
    assert csv_text("\u2003=HYPERLINK(1)").startswith("'")  # an em space hides nothing


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_every_export_is_audited_with_actor_format_and_rows(cli, fixture, db_url, tmp_path, fmt):
    out = tmp_path / f"export.{fmt}"
    assert cli("export", "--campaign", "1", "--format", fmt, "--out", str(out)).code == 0
    (event,) = with_store(db_url, lambda store: store.list_audit_events(action="export.taken"))
    assert event.actor == ACTOR
    assert event.entity_type == "campaign" and event.entity_id == 1
    assert event.details["format"] == fmt
    assert event.details["rows"] == 25
    assert event.details["only_submitted"] is True
    assert event.details["organisations"] == 2


def test_export_errors(cli, fixture, tmp_path):
    result = cli("export", "--campaign", "99", "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert result.code == 2 and "campaign 99 does not exist" in result.err
    assert not list(tmp_path.glob("x*"))
    result = cli("export", "--campaign", "1", "--format", "csv", "--out", str(tmp_path))
    assert result.code == 2 and "is a directory" in result.err
    result = cli("export", "--campaign", "1", "--format", "pdf", "--out", "x.pdf")
    assert result.code == 2 and "invalid choice" in result.err
    missing = tmp_path / "no" / "such" / "x.csv"
    result = cli("export", "--campaign", "1", "--format", "csv", "--out", str(missing))
    assert result.code == 2 and "does not exist" in result.err
    result = cli(
        "export", "--campaigns", "1-x", "--format", "csv", "--out", str(tmp_path / "y.csv")
    )
    assert result.code == 2 and "ids or years" in result.err
    result = cli(
        "export", "--campaigns", "2031", "--format", "csv", "--out", str(tmp_path / "y.csv")
    )
    assert result.code == 2 and "no campaign began in 2031" in result.err


ROUTE_CALL = re.compile(
    r"add_(?:get|post|put|patch|delete|route|view)\(\s*(?:\"[A-Z]+\",\s*)?\"([^\"]+)\""
)


def test_no_dialog_channel_serves_an_export():
    """Exports are the coordinator's CLI only: no web route, no bot command reaches them."""
    bot = Path(__file__).parents[2] / "bot"
    sources = {p: p.read_text(encoding="utf-8") for p in bot.rglob("*.py")}
    routes = [path for text in sources.values() for path in ROUTE_CALL.findall(text)]
    assert "/api/input" in routes  # the pattern does find the routes
    assert not [r for r in routes if "export" in r.lower()]
    for path, text in sources.items():
        assert "admin.export" not in text, path
        assert not re.search(r"[\"']/?export", text), path


def test_the_export_runs_inside_a_running_event_loop(fixture, db_url, tmp_path):
    async def go() -> None:
        store = Store.from_url(db_url)
        try:
            await export_campaigns(store, [1], "csv", tmp_path / "e.csv")
        finally:
            await store.close()

    asyncio.run(go())
    assert (tmp_path / "e.csv").exists()


def test_parquet_tables_typed_for_pandas_and_duckdb(cli, fixture, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="pip install 'saualnama[parquet]'")
    out = tmp_path / "export.parquet"
    assert cli("export", "--campaign", "1", "--format", "parquet", "--out", str(out)).code == 0
    table = pq.read_table(out)
    assert table.num_rows == 25
    assert str(table.schema.field("organisation_id").type) == "int64"
    assert str(table.schema.field("value_number").type) == "double"
    rows = table.to_pylist()
    by = {(r["organisation_id"], r["field_code"], r["category"]): r for r in rows}
    amount = by[2, "b12.i05.social_orders_amount", ""]
    assert (amount["value"], amount["value_number"]) == ("1234567.50", 1234567.5)
    link = by[1, "b01.i01.legislation_gaps", "description"]
    assert link["value"] == '=HYPERLINK("http://evil.example","click")'
    assert link["value_number"] is None
    quality = pq.read_table(tmp_path / "export-quality.parquet").to_pylist()
    assert [q["completeness"] for q in quality] == [0.25, pytest.approx(7 / 41, abs=1e-4)]
