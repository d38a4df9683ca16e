"""The expert group's export: exact CSV bytes, XLSX without formulas, JSON, limits, audit."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from admin.export import checks, load, rows
from admin.export.csv_writer import Budget, ExportTooLarge, cell, write_csv
from tests.admin.conftest import ACTOR, build_fixture, with_store

# Hand-checked once, then frozen (Datasette style): any change to the layout must
# change these bytes on purpose.  BOM, \r\n, quoting, apostrophes before = + - @.
EXPECTED_ANSWERS_CSV = (
    "\ufeff"
    "campaign,questionnaire_version,organisation_id,organisation,subject_kind,region,status,block,item,field_code,field_kind,category,label_ru,category_label_ru,value,no_data_reason,comment,answered_at,channel\r\n"
    '1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,1,b01.i01.legislation_gaps,yes_no,,"Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие международным стандартам",,yes,,"Комментарий, с запятой",2026-01-20T09:30:00Z,web\r\n'
    '1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,1,b01.i01.legislation_gaps,yes_no,description,"Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие международным стандартам",,"\'=HYPERLINK(""http://evil.example"",""click"")",,"Комментарий, с запятой",2026-01-20T09:30:00Z,web\r\n'
    '1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,1,b01.i01.weak_regulation,yes_no,,Недостаточное практическое регулирование механизмов реализации положений Закона Республики Казахстан «О противодействии торговле людьми»,,no,,"Комментарий, с запятой",2026-01-20T09:30:00Z,web\r\n'
    '1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,4,b01.i04.cooperation,choice,,"Выберите вариант, который соответствует вашей практике, и опишите его","Международное сотрудничество осуществляется в рамках международных конвенций, соглашений, форумов, круглых столов. Сложности возникают (из-за различий правовых систем и законодательства; практического применения законодательства; проблем с обменом информацией и получением ответов в короткие сроки, недостаточности ресурсов и финансирования для проведения международных мероприятий).",with_difficulties,,,2026-01-20T09:30:00Z,web\r\n'
    '1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,4,b01.i04.cooperation,choice,description,"Выберите вариант, который соответствует вашей практике, и опишите его",,<script>alert(1)</script>,,,2026-01-20T09:30:00Z,web\r\n'
    "1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,5,b01.i05.partner_states,list,entries,Иностранные государства и результаты взаимодействия,,1,,,2026-01-20T09:30:00Z,web\r\n"
    "1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,5,b01.i05.partner_states,list,entry 1.state,Иностранные государства и результаты взаимодействия,Иностранное государство,UZ,,,2026-01-20T09:30:00Z,web\r\n"
    "1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,5,b01.i05.partner_states,list,entry 1.results,Иностранные государства и результаты взаимодействия,Результаты работы,'-обмен опытом,,,2026-01-20T09:30:00Z,web\r\n"
    '1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,8,b01.i08.trained,count,,"Количество сотрудников, прошедших обучение/тренинги/повышение квалификации",,10,,,2026-01-20T09:30:00Z,web\r\n'
    "1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,8,b01.i08.trained_where,breakdown,in_country,Организованных внутри страны/за границей,внутри страны,6,,,2026-01-20T09:30:00Z,web\r\n"
    "1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,8,b01.i08.trained_where,breakdown,abroad,Организованных внутри страны/за границей,за границей,3,,,2026-01-20T09:30:00Z,web\r\n"
    "1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,8,b01.i08.trained_where,breakdown,unknown,Организованных внутри страны/за границей,неизвестно,0,,,2026-01-20T09:30:00Z,web\r\n"
    "1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,1,10,b01.i10.problems,text,,Проблемные вопросы,,,нет учёта,,2026-01-20T09:30:00Z,web\r\n"
    "1,2024.1,1,Министерство туризма и спорта,tourism_ministry,Астана,submitted,13,1,b13.i01.reports_referred,count,,Количество перенаправленных сообщений,,3,,,2026-01-20T09:30:00Z,web\r\n"
    '1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,1,1,b01.i01.legislation_gaps,yes_no,,"Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие международным стандартам",,yes,,,2026-01-21T10:00:00Z,telegram\r\n'
    '1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,1,1,b01.i01.legislation_gaps,yes_no,description,"Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие международным стандартам",,Пробелы,,,2026-01-21T10:00:00Z,telegram\r\n'
    "1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,1,1,b01.i01.weak_regulation,yes_no,,Недостаточное практическое регулирование механизмов реализации положений Закона Республики Казахстан «О противодействии торговле людьми»,,yes,,,2026-01-21T10:00:00Z,telegram\r\n"
    "1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,1,1,b01.i01.weak_regulation,yes_no,description,Недостаточное практическое регулирование механизмов реализации положений Закона Республики Казахстан «О противодействии торговле людьми»,,'+7 701 000 00 00,,,2026-01-21T10:00:00Z,telegram\r\n"
    "1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,12,1,b12.i01.period,period,start,Отчетный период,,2025-01-01,,,2026-01-21T10:00:00Z,telegram\r\n"
    "1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,12,1,b12.i01.period,period,end,Отчетный период,,2025-12-31,,,2026-01-21T10:00:00Z,telegram\r\n"
    '1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,12,3,b12.i03.platforms,text,,"Социальные сети, интернет-ресурсы, веб-страницы",,"Две строки:\n""кавычки""",,,2026-01-21T10:00:00Z,telegram\r\n'
    "1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,12,4,b12.i04.resources,count,,Количество поступивших интернет-ресурсов,,3,,,2026-01-21T10:00:00Z,telegram\r\n"
    "1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,12,4,b12.i04.resources_by_subject,open_breakdown,police,В разрезе субъектов,органы внутренних дел,2,,,2026-01-21T10:00:00Z,telegram\r\n"
    "1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,12,4,b12.i04.resources_by_subject,open_breakdown,Акимат,В разрезе субъектов,Акимат,1,,,2026-01-21T10:00:00Z,telegram\r\n"
    "1,2024.1,2,Министерство культуры и информации,culture_ministry,,submitted,12,5,b12.i05.social_orders_amount,amount,,Сумма (тенге),,1234567.50,,,2026-01-21T10:00:00Z,telegram\r\n"
).encode()

EXPECTED_RANKING_CSV = (
    "\ufeff"
    "section,code,label_ru,count,base,share,organisations,rank\r\n"
    'risks,b01.i01.legislation_gaps,"Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие международным стандартам",2,2,1.0000,2,1\r\n'
    "risks,b01.i01.weak_regulation,Недостаточное практическое регулирование механизмов реализации положений Закона Республики Казахстан «О противодействии торговле людьми»,1,2,0.5000,1,2\r\n"
    'risks,b01.i01.weak_cooperation,"Недостаточное межведомственное взаимодействие (обмен информацией, установление сотрудничества)",0,0,,0,3\r\n'
    "risks,b01.i01.no_monitoring,Отсутствие систем мониторинга и оценки для отслеживания эффективности мер противодействия торговле людьми,0,0,,0,3\r\n"
    "risks,b01.i01.underfunding,Недостаточное финансирование проектов в сфере противодействия торговле людьми,0,0,,0,3\r\n"
    "risks,b01.i01.weak_training,Недостаточное обучение субъектов противодействия торговле людьми,0,0,,0,3\r\n"
    "risks,b01.i01.weak_outreach,Недостаточная работа с общественностью в части информирования о проблеме торговли людьми,0,0,,0,3\r\n"
    'risks,b01.i01.no_transparency,"Отсутствие прозрачности, регулярной отчетности о принятых мерах и их результатах",0,0,,0,3\r\n'
    "risks,b01.i01.other_risks,Иные риски (опишите),0,0,,0,3\r\n"
    'factors,b01.i02.economic,"Экономические факторы (экономический кризис, положение приграничных стран, уровень безработицы, неравенство в доходах и доступе к ресурсам)",0,0,,0,1\r\n'
    'factors,b01.i02.social_demographic,"Социальные и демографические факторы (уровень образования, низкая осведомленность населения о рисках торговли людьми, рост численности населения, внутренняя/внешняя миграция, социальная стигматизация)",0,0,,0,1\r\n'
    "factors,b01.i02.other_factors,Иные факторы (опишите),0,0,,0,1\r\n"
    "measures,b01.i03.adapt_legislation,Адаптация национального законодательства к международным стандартам,0,0,,0,1\r\n"
    "measures,b01.i03.implementation_mechanisms,Внедрение механизмов реализации положений Закона Республики Казахстан «О противодействии торговле людьми»,0,0,,0,1\r\n"
    'measures,b01.i03.stronger_cooperation,"Усиление межведомственного взаимодействия (обмен информацией, установление сотрудничества)",0,0,,0,1\r\n'
    "measures,b01.i03.monitoring_systems,Введение систем мониторинга и оценки для отслеживания эффективности мер противодействия торговле людьми,0,0,,0,1\r\n"
    "measures,b01.i03.social_projects,Реализация социальных проектов в сфере противодействия торговле людьми,0,0,,0,1\r\n"
    "measures,b01.i03.systematic_training,Системное обучение субъектов противодействия торговле людьми,0,0,,0,1\r\n"
    "measures,b01.i03.public_awareness,Активизация работы с общественностью в части повышения информированности о проблеме торговли людьми,0,0,,0,1\r\n"
    'measures,b01.i03.transparency,"Обеспечение прозрачности, регулярной отчетности о принятых мерах и их результатах",0,0,,0,1\r\n'
    "measures,b01.i03.other_measures,Иные меры (опишите),0,0,,0,1\r\n"
).encode()


def test_csv_answers_and_ranking_are_exactly_these_bytes(cli, fixture, tmp_path):
    out = tmp_path / "export.csv"
    result = cli(
        "export", "--campaign", str(fixture.campaign_id), "--format", "csv", "--out", str(out)
    )
    assert result.code == 0, result.err
    assert out.read_bytes() == EXPECTED_ANSWERS_CSV
    assert (tmp_path / "export-ranking.csv").read_bytes() == EXPECTED_RANKING_CSV
    assert result.out == (
        "campaign 1: 2 organisation(s), submitted responses\n"
        f"  {tmp_path / 'export.csv'}\n"
        f"  {tmp_path / 'export-checks.csv'}\n"
        f"  {tmp_path / 'export-ranking.csv'}\n"
        "rows: answers 25, checks 62, ranking 21\n"
        f"recorded in the audit log as export.taken by {ACTOR}\n"
    )
    assert not list(tmp_path.glob("*.partial"))


def test_csv_checks_list_completeness_missing_no_data_and_confirmed_mismatch(
    cli, fixture, tmp_path
):
    out = tmp_path / "export.csv"
    assert cli("export", "--campaign", "1", "--format", "csv", "--out", str(out)).code == 0
    data = (tmp_path / "export-checks.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(table[0]) == list(checks.COLUMNS)
    org1 = [r for r in table if r["organisation_id"] == "1"]
    assert org1[0]["check"] == "completeness"
    assert org1[0]["detail"] == (
        "answered 8 of 32 fields (25%); no data 1; unconfirmed mismatches 0"
    )
    missing = {r["code"] for r in org1 if r["check"] == "missing"}
    assert "b01.i06.effective_measures" in missing and "b01.i08.trained" not in missing
    assert len(missing) == 32 - 8
    (no_data,) = [r for r in org1 if r["check"] == "no_data"]
    assert (no_data["code"], no_data["detail"]) == ("b01.i10.problems", "нет учёта")
    (mismatch,) = [r for r in org1 if r["check"] == "breakdown_sum"]
    assert mismatch["code"] == "b01.i08.trained_where_sum"
    assert mismatch["confirmed"] == "yes"
    assert mismatch["explanation"] == "один сотрудник учился дважды"
    assert "= 9" in mismatch["detail"] and "= 10" in mismatch["detail"]


def xlsx_expected(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def test_xlsx_has_the_same_cells_and_no_formulas(cli, fixture, db_url, tmp_path):
    out = tmp_path / "export.xlsx"
    result = cli("export", "--campaign", "1", "--format", "xlsx", "--out", str(out))
    assert result.code == 0, result.err
    data = with_store(db_url, lambda store: load(store, 1))
    expected = {
        "answers": (rows.COLUMNS, list(rows.answer_rows(data))),
        "checks": (checks.COLUMNS, list(checks.check_rows(data))),
    }
    wb = openpyxl.load_workbook(out)  # not data_only: a formula would show as one
    assert wb.sheetnames == ["answers", "checks", "ranking"]
    for name, (columns, table) in expected.items():
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref is not None
        got = [list(r) for r in ws.iter_rows(values_only=True)]
        assert got[0] == list(columns)
        assert got[1:] == [[xlsx_expected(r[c]) for c in columns] for r in table]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    hyperlink = wb["answers"]["O3"]
    assert hyperlink.value == '=HYPERLINK("http://evil.example","click")'
    assert hyperlink.data_type == "s"
    assert wb["answers"].column_dimensions["M"].width > 20
    ranking = [list(r) for r in wb["ranking"].iter_rows(values_only=True)]
    assert ranking[1] == ["risks", "b01.i01.legislation_gaps", ranking[1][2], 2, 2, 1, 2, 1]


def test_json_is_one_document(cli, fixture, tmp_path):
    out = tmp_path / "export.json"
    assert cli("export", "--campaign", "1", "--format", "json", "--out", str(out)).code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert list(doc) == ["campaign", "questionnaire_version", "answers", "checks", "ranking"]
    assert doc["campaign"]["id"] == 1 and doc["campaign"]["deadline"] == "2026-02-15"
    assert doc["questionnaire_version"] == "2024.1"
    answers = doc["answers"]
    assert len(answers) == 25
    assert list(answers[0]) == list(rows.COLUMNS)
    by = {(a["organisation_id"], a["field_code"], a["category"]): a for a in answers}
    assert by[1, "b01.i01.legislation_gaps", "description"]["value"] == (
        '=HYPERLINK("http://evil.example","click")'
    )
    assert by[1, "b01.i04.cooperation", "description"]["value"] == "<script>alert(1)</script>"
    assert by[1, "b01.i08.trained", ""]["value"] == 10
    assert by[1, "b01.i10.problems", ""]["value"] is None
    assert by[1, "b01.i10.problems", ""]["no_data_reason"] == "нет учёта"
    assert by[2, "b12.i05.social_orders_amount", ""]["value"] == 1234567.5
    assert by[2, "b12.i04.resources_by_subject", "Акимат"]["value"] == 1
    assert by[1, "b01.i01.weak_regulation", ""]["comment"] == "Комментарий, с запятой"
    assert set(doc["ranking"]) == {
        "risks",
        "factors",
        "measures",
        "citizenship",
        "exploitation",
        "trafficking_form",
    }
    assert doc["ranking"]["risks"][0]["share"] == 1.0
    assert doc["ranking"]["risks"][2]["share"] is None
    confirmed = [c for c in doc["checks"] if c["check"] == "breakdown_sum"]
    assert confirmed[0]["explanation"] == "один сотрудник учился дважды"


def test_all_includes_unsubmitted_responses(cli, db_url, tmp_path):
    with_store(db_url, lambda store: build_fixture(store, submit=(True, False)))
    out = tmp_path / "export.json"
    assert cli("export", "--campaign", "1", "--format", "json", "--out", str(out)).code == 0
    assert {a["organisation_id"] for a in json.loads(out.read_text())["answers"]} == {1}
    assert (
        cli("export", "--campaign", "1", "--format", "json", "--out", str(out), "--all").code == 0
    )
    doc = json.loads(out.read_text())
    assert {a["organisation_id"] for a in doc["answers"]} == {1, 2}
    assert {a["status"] for a in doc["answers"] if a["organisation_id"] == 2} == {"in_progress"}


def test_the_size_limit_stops_the_csv_and_leaves_no_half_file(cli, fixture, db_url, tmp_path):
    out = tmp_path / "export.csv"
    out.write_bytes(b"an earlier, complete export")
    result = cli(
        "export", "--campaign", "1", "--format", "csv", "--out", str(out), "--max-mb", "0.005"
    )
    assert result.code == 2
    assert result.err == (
        "error: the export would exceed 0.005 MB; nothing was written. Raise the limit with "
        "--max-mb, or leave out --all to export fewer responses\n"
    )
    assert out.read_bytes() == b"an earlier, complete export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["admin.db", "export.csv"]
    events = with_store(db_url, lambda store: store.list_audit_events(action="export.failed"))
    assert events[0].details["format"] == "csv"
    taken = with_store(db_url, lambda store: store.list_audit_events(action="export.taken"))
    assert taken == []


def test_the_limited_writer_counts_bytes_not_characters(tmp_path):
    budget = Budget(60)
    with pytest.raises(ExportTooLarge):
        write_csv(tmp_path / "x.csv", ["a"], [{"a": "ж" * 20}, {"a": "ж" * 20}], budget)
    assert budget.used <= 60


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+7 701", "'+7 701"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        (-5, "-5"),
        (Decimal("-1.50"), "-1.50"),
        (None, ""),
    ],
)
def test_csv_injection_defence_touches_text_only(value, written):
    assert cell(value) == written


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
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
    assert result.code == 2
    assert result.err == "error: campaign 99 does not exist; see `python -m admin campaign list`\n"
    assert not list(tmp_path.glob("x*"))
    result = cli("export", "--campaign", "1", "--format", "csv", "--out", str(tmp_path))
    assert result.code == 2
    assert result.err == (
        f"error: {tmp_path} is a directory; give a file name such as {tmp_path / 'export.csv'}\n"
    )
    result = cli("export", "--campaign", "1", "--format", "pdf", "--out", "x.pdf")
    assert result.code == 2 and "invalid choice" in result.err
    missing = tmp_path / "no" / "such" / "x.csv"
    result = cli("export", "--campaign", "1", "--format", "csv", "--out", str(missing))
    assert result.code == 2
    assert result.err == f"error: the folder {missing.parent} does not exist; create it first\n"


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
        assert "export_answers" not in text, path
        assert "admin.export" not in text, path
        assert not re.search(r"[\"']/?export", text), path


async def test_no_route_of_the_web_app_mentions_export(tmp_path):
    from bot.web import create_web_app
    from dialogs.application.factory import Application
    from storage.repository import Store
    from tests.web.conftest import make_settings

    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    store = Store.from_url(url)
    try:
        app = create_web_app(make_settings(url), Application.over(store))
        paths = [r.canonical for r in app.router.resources()]
    finally:
        await store.close()
    assert "/chat" in paths
    assert not [p for p in paths if "export" in p.lower()]
