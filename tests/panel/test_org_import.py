"""The master list's import page: a preview from the CLI's dry run, then Apply.

Apply is compared with ``python -m admin org import`` run on a copy of the same database
with the same file: the two master lists and their audit events come out the same.
"""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from openpyxl import Workbook

from admin.cli import main
from admin.ops.org_files import read_master_file
from admin.ops.organisations import PreviewChanged, import_organisations
from admin.panel.org_import import KEEP, KEPT_MAX, Upload, Uploads
from storage.repository import ImportOutcome, Store
from tests.panel.conftest import EXPERT_PASSWORD, ORIGIN, PanelEnv, csrf_of

PAGE = "/admin/organisations/import"
HEADER = "subject_kind,name_ru,name_kk,region\r\n"
SCRIPT = "<script>alert(1)</script>"


async def master(env: PanelEnv, *rows: str, sep: str = ",") -> str:
    """A master file: the demo NGO moved to Шымкент, every other organisation as it is,
    then ``rows`` (comma-separated, no quoting)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(["subject_kind", "name_ru", "name_kk", "region"])
    moved = env.org("ngo")
    for org in await env.store.list_organisations():
        region = "Шымкент" if org.id == moved else (org.region or "")
        writer.writerow([org.subject_kind, org.name_ru, org.name_kk, region])
    for row in rows:
        writer.writerow(row.split(","))
    return out.getvalue()


def upload_form(csrf: str | None, name: str, data: bytes) -> FormData:
    form = FormData()
    if csrf is not None:
        form.add_field("csrf", csrf)
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    return form


async def upload(client: TestClient, csrf: str | None, name: str, data: bytes) -> Any:
    return await client.post(PAGE, data=upload_form(csrf, name, data),
                             headers={"Origin": ORIGIN}, allow_redirects=False)  # fmt: skip


def token_of(html: str) -> str:
    marker = 'name="token" value="'
    assert marker in html, "the preview offers no Apply"
    return html.split(marker, 1)[1].split('"', 1)[0]


async def master_list(store: Store) -> list[tuple[Any, ...]]:
    return [(o.id, o.key, o.bin, o.subject_kind, o.name_ru, o.name_kk, o.region,
             list(o.blocks or []), o.removed_at is None)
            for o in await store.list_organisations(include_removed=True)]  # fmt: skip


async def imports(store: Store) -> list[tuple[str, str, Any]]:
    return [(e.actor, e.action, e.details) for e in await store.list_audit_events()
            if e.action == "organisation.imported"]  # fmt: skip


async def test_the_preview_shows_new_changed_refused_and_duplicate_rows(panel: PanelEnv):
    client = await panel.browser()
    csrf = await panel.sign_in(client)
    before, audit = await master_list(panel.store), len(await panel.store.list_audit_events())
    text = await master(panel, f"ngo,{SCRIPT},Жаңа қор,Алматы", "spaceship,Корабль,Кеме,",
                  f"ngo,  {SCRIPT.upper()} ,Қайта,")  # fmt: skip
    resp = await upload(client, csrf, "master.csv", text.encode())
    html = await resp.text()
    assert resp.status == 200, html
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Новых: 1" in html and "Изменённых: 1" in html
    n = len(before)  # the file: header, the n organisations, then the three rows above
    assert f"Без изменений: {n - 1}" in html
    assert "Отклонённых строк: 1" in html and "Повторов: 1" in html
    refused = html.split('id="refused"', 1)[1].split("</table>", 1)[0]
    assert f">{n + 3}<" in refused and "Неизвестный вид субъекта «spaceship»." in refused
    duplicates = html.split('id="duplicates"', 1)[1].split("</table>", 1)[0]
    assert f">{n + 4}<" in duplicates
    assert f"Та же организация, что в строке {n + 2}." in duplicates
    changed = html.split('id="changed"', 1)[1].split("</table>", 1)[0]
    old = panel.orgs["ngo"].organisation.region or "—"
    assert f"Регион: <del>{old}</del> → <ins>Шымкент</ins>" in changed
    assert 'name="token"' not in html, "a file with bad rows cannot be applied"
    assert await master_list(panel.store) == before
    assert len(await panel.store.list_audit_events()) == audit, "a preview records nothing"
    en = await (await client.get(PAGE + "?lang=en")).text()
    assert "Import the master list of organisations" in en
    resp = await upload(client, csrf, "master.csv", text.encode())
    assert "Unknown subject kind “spaceship”." in await resp.text()  # the page's language
    kk = await (await client.get(PAGE + "?lang=kk")).text()
    assert "Ұйымдар анықтамалығын импорттау" in kk


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


async def test_apply_changes_the_list_as_the_cli_import_does(
    panel: PanelEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await panel.browser()
    csrf = await panel.sign_in(client)
    data = (await master(panel, "ngo,Фонд «Ясный путь»,«Айқын жол» қоры,Астана")).encode()
    twin = tmp_path / "twin.db"
    _copy(tmp_path / "panel.db", twin)
    (tmp_path / "master.csv").write_bytes(data)
    monkeypatch.chdir(tmp_path)  # the audit names the file as given: "master.csv" in both
    code = await asyncio.to_thread(main, ["org", "import", "master.csv",
                                          "--url", f"sqlite+aiosqlite:///{twin}",
                                          "--actor", "coordinator:coord"])  # fmt: skip
    assert code == 0

    resp = await upload(client, csrf, "master.csv", data)
    token = token_of(await resp.text())
    resp = await panel.post(client, PAGE + "/apply", {"csrf": csrf, "token": token})
    assert resp.status == 303
    done = await (await client.get(resp.headers["Location"])).text()
    assert "добавлено 1, изменено 1, восстановлено 0" in done
    cli_store = Store.from_url(f"sqlite+aiosqlite:///{twin}")
    try:
        assert await master_list(panel.store) == await master_list(cli_store)
        assert await imports(panel.store) == await imports(cli_store)
    finally:
        await cli_store.close()
    assert len(await imports(panel.store)) == 1
    again = await panel.post(client, PAGE + "/apply", {"csrf": csrf, "token": token})
    assert again.status == 400 and "уже применён" in await again.text(), "one use"
    assert len(await imports(panel.store)) == 1


async def test_a_semicolon_csv_and_an_xlsx_with_the_campaign_chosen(panel: PanelEnv):
    client = await panel.browser()
    csrf = await panel.sign_in(client)
    text = await master(panel, "ngo,Фонд «Точка с запятой»,Нүктелі үтір қоры,", sep=";")
    resp = await upload(client, csrf, "excel.csv", text.encode())
    html = await resp.text()
    assert "CSV, кодировка UTF-8, разделитель — точка с запятой" in html and "Новых: 1" in html
    book = Workbook()
    sheet = book.active
    text = await master(panel, "ngo,Фонд «Книга»,«Кітап» қоры,Атырау")
    for cells in csv.reader(io.StringIO(text)):
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    resp = await upload(client, csrf, "master.xlsx", buffer.getvalue())
    html = await resp.text()
    assert "книга Excel, лист «Sheet»" in html and "Фонд «Книга»" in html
    resp = await panel.post(
        client,
        PAGE + "/apply",
        {"csrf": csrf, "token": token_of(html), "campaign": str(panel.campaign.id)},
    )
    assert resp.status == 303
    done = await (await client.get(resp.headers["Location"])).text()
    assert "В сбор добавлено организаций: 1." in done
    members = await panel.store.campaign_organisations(panel.campaign.id)
    assert "Фонд «Книга»" in {o.name_ru for o in members}
    assert "Фонд «Точка с запятой»" not in {o.name_ru for o in members}, "only what was applied"


async def test_an_expert_cannot_import_and_a_missing_csrf_is_refused(panel: PanelEnv):
    expert = await panel.browser()
    csrf = await panel.sign_in(expert, "expert", EXPERT_PASSWORD)
    before = await master_list(panel.store)
    data = (await master(panel, "ngo,Фонд эксперта,Сарапшы қоры,")).encode()
    resp = await upload(expert, csrf, "master.csv", data)
    assert resp.status == 403 and "только координатору" in await resp.text()
    assert (await expert.get(PAGE, allow_redirects=False)).status == 403
    coordinator = await panel.browser()
    good = await panel.sign_in(coordinator)
    resp = await upload(coordinator, None, "master.csv", data)
    assert resp.status == 403 and "Запрос отклонён" in await resp.text()
    token = token_of(await (await upload(coordinator, good, "master.csv", data)).text())
    resp = await panel.post(coordinator, PAGE + "/apply", {"token": token})
    assert resp.status == 403
    resp = await panel.post(expert, PAGE + "/apply", {"csrf": csrf, "token": token})
    assert resp.status == 403
    assert await master_list(panel.store) == before


async def test_a_stale_preview_is_shown_again_not_applied(panel: PanelEnv):
    client = await panel.browser()
    csrf = await panel.sign_in(client)
    data = (await master(panel, "ngo,Фонд «Поздний»,«Кеш» қоры,")).encode()
    first = token_of(await (await upload(client, csrf, "master.csv", data)).text())
    ngo = panel.orgs["ngo"].organisation
    await panel.store.update_organisation(ngo.id, region="Тараз", actor="coordinator:other")
    before = await master_list(panel.store)
    resp = await panel.post(client, PAGE + "/apply", {"csrf": csrf, "token": first})
    html = await resp.text()
    assert resp.status == 409 and "Справочник изменился после просмотра" in html
    assert "Регион: <del>Тараз</del> → <ins>Шымкент</ins>" in html
    assert await master_list(panel.store) == before and not await imports(panel.store)
    other = await panel.browser()
    other_csrf = await panel.sign_in(other)
    resp = await panel.post(other, PAGE + "/apply", {"csrf": other_csrf, "token": token_of(html)})
    assert resp.status == 400, "a token is its session's only"
    resp = await panel.post(client, PAGE + "/apply", {"csrf": csrf, "token": token_of(html)})
    assert resp.status == 303 and len(await imports(panel.store)) == 1


async def test_wrong_type_and_too_large_files_are_refused_politely(panel: PanelEnv):
    client = await panel.browser()
    csrf = await panel.sign_in(client)
    resp = await upload(client, csrf, "photo.png", b"\x89PNG\r\n")
    assert resp.status == 400 and "не CSV и не XLSX" in await resp.text()
    resp = await upload(client, csrf, "big.csv", HEADER.encode() + b"x" * (6 * 1024 * 1024))
    assert resp.status == 413 and "до 5 МБ" in await resp.text()
    resp = await upload(client, csrf, "bad.csv", b"name,region\r\nx,y\r\n")
    html = await resp.text()
    assert resp.status == 400 and "header must name the columns" in html
    page = await (await client.get(PAGE)).text()
    assert csrf_of(page) == csrf and 'enctype="multipart/form-data"' in page


async def test_apply_takes_the_previewed_bytes_never_a_file_sent_with_it(panel: PanelEnv):
    client = await panel.browser()
    csrf = await panel.sign_in(client)
    previewed = (await master(panel, "ngo,Фонд «Просмотренный»,Қарау қоры,")).encode()
    token = token_of(await (await upload(client, csrf, "master.csv", previewed)).text())
    other = (await master(panel, "ngo,Фонд «Подменённый»,Ауыс қоры,")).encode()
    form = upload_form(csrf, "master.csv", other)
    form.add_field("token", token)
    resp = await client.post(PAGE + "/apply", data=form, headers={"Origin": ORIGIN},
                             allow_redirects=False)  # fmt: skip
    assert resp.status == 303
    names = {o.name_ru for o in await panel.store.list_organisations()}
    assert "Фонд «Просмотренный»" in names and "Фонд «Подменённый»" not in names


def test_a_kept_upload_is_its_sessions_once_and_expires() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    kept = Uploads()
    upload = Upload("session-a", "m.csv", b"x", "sig", now + KEEP)
    token = kept.keep(upload, now)
    assert kept.take(token, "session-b", now) is None, "another session's token"
    assert kept.take(token, "session-a", now) == upload
    assert kept.take(token, "session-a", now) is None, "once"
    late = kept.keep(upload, now)
    assert kept.take(late, "session-a", now + KEEP + timedelta(seconds=1)) is None
    tokens = [kept.keep(upload, now) for _ in range(KEPT_MAX + 2)]
    assert kept.take(tokens[0], "session-a", now) is None, "the oldest went first"
    assert kept.take(tokens[-1], "session-a", now) == upload


async def test_an_import_whose_outcome_is_not_the_expected_one_changes_nothing(panel: PanelEnv):
    data = (await master(panel, "ngo,Фонд «Ожидаемый»,Күтілген қоры,")).encode()
    before, audit = await master_list(panel.store), len(await panel.store.list_audit_events())
    seen: list[int] = []

    def expect(outcome: ImportOutcome) -> bool:
        seen.append(len(outcome.added))
        return False

    with pytest.raises(PreviewChanged):
        await import_organisations(panel.store, read_master_file("m.csv", data),
                                   actor="coordinator:coord", expect=expect)  # fmt: skip
    assert seen == [1], "judged on the real outcome, inside the import"
    assert await master_list(panel.store) == before
    assert len(await panel.store.list_audit_events()) == audit
