"""The master list through the CLI: import as an upsert (CSV , or ;, XLSX), add, update, remove."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from tests.admin.conftest import with_store

HEADER = "subject_kind,name_ru,name_kk,region\r\n"
MASTER = (
    HEADER + "ngo,ОФ «Сана»,«Сана» ҚҚ,Алматы\r\n"
    'mvd_unit,"ДП г. Алматы, УБТЛ",Алматы қ. ПД,\r\n'
    "culture_ministry,МКИ,МАМ,\r\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> str:
    path.write_bytes(text.encode(encoding))
    return str(path)


def names(db_url: str) -> list[tuple[int, str, str | None]]:
    orgs = with_store(db_url, lambda s: s.list_organisations(include_removed=True))
    return [(o.id, o.name_ru, o.region) for o in orgs]


def test_import_and_list(cli, tmp_path):
    f = write(tmp_path / "orgs.csv", "\ufeff" + MASTER)
    r = cli("org", "import", f)
    assert r.code == 0, r.err
    assert "  line 2: added — organisation 1: ОФ «Сана»" in r.out
    assert r.out.splitlines()[-1] == (
        "3 added, 0 updated, 0 restored, 0 unchanged (read as CSV, UTF-8, commas)"
    )
    lines = cli("org", "list").out.splitlines()
    assert lines[0].split() == ["id", "kind", "region", "blocks", "bin", "list", "name"]
    assert lines[2].split() == ["1", "ngo", "Алматы", "1,16", "ОФ", "«Сана»"]
    assert lines[3].split() == ["2", "mvd_unit", "1,2", "ДП", "г.", "Алматы,", "УБТЛ"]
    only = cli("org", "list", "--kind", "culture_ministry").out.splitlines()
    assert len(only) == 3 and "МКИ" in only[2]
    r = cli("org", "list", "--kind", "nope")
    assert r.code == 2 and "unknown subject kind" in r.err


def test_the_master_file_reimported_with_one_new_and_one_changed_row(cli, db_url, tmp_path):
    assert cli("org", "import", write(tmp_path / "m.csv", MASTER)).code == 0
    changed = (
        HEADER + "ngo,ОФ «Сана»,«Сана» ҚҚ,Алматы\r\n"
        'mvd_unit,"ДП г. Алматы, УБТЛ",Алматы қ. ПД,Алматы\r\n'  # region added
        "culture_ministry,МКИ,МАМ,\r\n"
        "ngo,ФОНД ПРОБЕЛЫ,ПРОБЕЛЫ ҚОРЫ,\r\n"  # new
    )
    f = write(tmp_path / "m2.csv", changed)
    dry = cli("org", "import", f, "--dry-run")
    assert dry.code == 0, dry.err
    assert "  line 5: added — new: ФОНД ПРОБЕЛЫ" in dry.out
    assert "  line 3: organisation 2 region: None → 'Алматы'" in dry.out
    assert "1 would be added, 1 would be updated, 0 would be restored, 2 unchanged" in dry.out
    assert "dry run: nothing was changed" in dry.out
    assert len(names(db_url)) == 3 and names(db_url)[1][2] is None

    r = cli("org", "import", f)
    assert r.code == 0, r.err
    assert "1 added, 1 updated, 0 restored, 2 unchanged" in r.out
    assert names(db_url) == [
        (1, "ОФ «Сана»", "Алматы"),
        (2, "ДП г. Алматы, УБТЛ", "Алматы"),
        (3, "МКИ", None),
        (4, "ФОНД ПРОБЕЛЫ", None),
    ]
    # a third time with a new spelling of the same fund: one organisation, renamed
    again = changed.replace("ФОНД ПРОБЕЛЫ,", "Фонд  «Пробелы»,")
    r = cli("org", "import", write(tmp_path / "m3.csv", again))
    assert "0 added, 1 updated, 0 restored, 3 unchanged" in r.out, r.err
    assert names(db_url)[3] == (4, "Фонд «Пробелы»", None)


def test_a_semicolon_csv_in_windows_1251_from_russian_excel(cli, db_url, tmp_path):
    text = (
        "subject_kind;name_ru;name_kk;region;БИН\r\nngo;Фонд «Пробелы»;?ор;Астана;012345678901\r\n"
    )
    # Excel writes "?" for the Kazakh letters Windows-1251 lacks: refused, not stored
    r = cli("org", "import", write(tmp_path / "excel.csv", text, "cp1251"))
    assert r.code == 2, r.out
    assert ":2: name_kk has '?' where Excel dropped a letter it could not save" in r.err
    text = text.replace("?ор", "Кор")
    r = cli("org", "import", write(tmp_path / "excel.csv", text, "cp1251"))
    assert r.code == 0, r.err
    assert "(read as CSV, Windows-1251 (not UTF-8), semicolons)" in r.out
    (org,) = with_store(db_url, lambda s: s.list_organisations())
    assert (org.name_ru, org.region, org.bin) == ("Фонд «Пробелы»", "Астана", "012345678901")


def test_an_xlsx_master_file(cli, db_url, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Список"
    sheet.append(["name_ru", "name_kk", "subject_kind", "region", "bin"])  # any column order
    sheet.append(["Фонд «Пробелы»", "Пробелы қоры", "ngo", None, 12345678901])  # a lost 0
    sheet.append(["Акимат г. Астаны", "Астана қ. әкімдігі", "local_executive_body", "Астана", None])
    sheet.append([None, None, None, None, None])  # Excel's empty rows at the end
    path = tmp_path / "master.xlsx"
    book.save(path)
    r = cli("org", "import", str(path))
    assert r.code == 0, r.err
    assert "2 added" in r.out and "(read as Excel workbook, sheet 'Список')" in r.out
    fund, akimat = with_store(db_url, lambda s: s.list_organisations())
    assert (fund.bin, fund.key, fund.blocks) == ("012345678901", "bin:012345678901", [1, 16])
    assert (akimat.subject_kind, akimat.region) == ("local_executive_body", "Астана")
    # a bad row in a workbook is named by its row number
    sheet.append(["", "Аты жоқ", "ngo", None, "123"])
    book.save(path)
    r = cli("org", "import", str(path))
    assert r.code == 2
    assert f"{path}:5: name_ru is empty" in r.err
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0rest")
    r = cli("org", "import", str(tmp_path / "old.xls"))
    assert r.code == 2 and "old Excel file (.xls); save it as .xlsx or as CSV" in r.err
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    r = cli("org", "import", str(tmp_path / "broken.xlsx"))
    assert r.code == 2 and "cannot be read as an Excel workbook" in r.err


def test_duplicates_by_normalised_name_and_every_bad_row_with_its_line(cli, db_url, tmp_path):
    f = write(
        tmp_path / "orgs.csv",
        "subject_kind,name_ru,name_kk,region\n"
        "ngo,ФОНД ПРОБЕЛЫ,Жақсы,\n"  # line 2: fine
        "police,Плохая,Жаман,\n"  # line 3: unknown kind
        "ngo,,Аты жоқ,\n"  # line 4: no Russian name
        '"ngo","Многострочное\nимя",Көп,\n'  # lines 5-6: fine, a quoted newline
        "ngo,Фонд пробелы,Қайта,\n"  # line 7: line 2 again, other case
        "ngo,Лишнее,Артық,R,extra\n"  # line 8: one cell too many
        "local_executive_body,Фонд «Пробелы»,Басқа,\n",  # line 9: same name, another kind: fine
    )
    r = cli("org", "import", f)
    assert r.code == 2
    assert "4 bad row(s), nothing imported" in r.err
    assert f"{f}:3: unknown subject kind 'police'" in r.err
    assert f"{f}:4: name_ru is empty" in r.err
    assert f"{f}:7: 'Фонд пробелы' (ngo) is the same organisation as line 2" in r.err
    assert f"{f}:8: more cells than columns" in r.err
    assert "(subject kinds: mvd_unit," in r.err
    assert ":2:" not in r.err and ":6:" not in r.err and ":9:" not in r.err
    assert names(db_url) == []
    # one at a time: `org add` refuses a second spelling of a listed organisation
    ok = cli("org", "add", "--kind", "ngo", "--name-ru", "ФОНД ПРОБЕЛЫ", "--name-kk", "Қор")
    assert ok.code == 0
    r = cli("org", "add", "--kind", "ngo", "--name-ru", "Фонд «пробелы»", "--name-kk", "Қор")
    assert r.code == 2 and "organisation 1 is already this organisation (ngo:фонд пробелы)" in r.err


def test_file_errors(cli, tmp_path):
    r = cli("org", "import", str(tmp_path / "none.csv"))
    assert r.code == 2 and "does not exist" in r.err
    r = cli("org", "import", write(tmp_path / "h.csv", "kind,name\nngo,x\n"))
    assert r.code == 2 and ":1: the header must name the columns" in r.err
    assert "missing: subject_kind, name_ru, name_kk, region" in r.err
    r = cli("org", "import", write(tmp_path / "e.csv", HEADER))
    assert r.code == 2 and "no rows" in r.err
    r = cli("org", "import", write(tmp_path / "b.csv", "ngo;x\n"))
    assert r.code == 2 and "the header read: ['ngo', 'x']" in r.err
    r = cli("org", "import", str(tmp_path))
    assert r.code == 2 and "is a folder" in r.err


def test_org_add_update_remove_restore(cli, db_url):
    r = cli(
        "org", "add", "--kind", "ngo", "--name-ru", "ОФ «Сана»", "--name-kk", "«Сана» ҚҚ",
        "--region", "Алматы",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert r.out == "organisation 1 added: ОФ «Сана» (ngo; blocks 1, 16)\n"
    r = cli("org", "add", "--kind", "police", "--name-ru", "a", "--name-kk", "b")
    assert r.code == 2 and r.err.startswith("error: unknown subject kind 'police'; use one of:")
    r = cli("org", "add", "--kind", "ngo", "--name-ru", "  ", "--name-kk", "b")
    assert r.code == 2 and "name_ru is empty" in r.err
    r = cli("org", "add", "--kind", "ngo", "--name-ru", "x", "--name-kk", "y", "--bin", "12")
    assert r.code == 2 and "БИН '12' is not 12 digits" in r.err

    r = cli("org", "update", "1", "--name-ru", "ОФ «Сана плюс»", "--region", "", "--bin",
            "123456789012")  # fmt: skip
    assert r.code == 0, r.err
    assert "region —, БИН 123456789012" in r.out
    org = with_store(db_url, lambda s: s.get_organisation(1))
    assert (org.name_ru, org.region, org.key) == ("ОФ «Сана плюс»", None, "bin:123456789012")
    r = cli("org", "update", "1", "--kind", "social_protection_body")
    assert r.out.startswith("organisation 1 updated: ОФ «Сана плюс» (social_protection_body;")
    assert cli("org", "update", "1").code == 2
    assert "organisation 9 does not exist" in cli("org", "update", "9", "--region", "x").err

    r = cli("org", "remove", "1")
    assert r.code == 0 and "removed from the list" in r.out
    assert "no organisations" in cli("org", "list").out
    assert "removed" in cli("org", "list", "--removed").out
    assert cli("org", "restore", "1").code == 0
    assert "ОФ «Сана плюс»" in cli("org", "list").out
