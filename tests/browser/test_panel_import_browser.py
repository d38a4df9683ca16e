"""The master list's import in real headless Chromium (as test_panel_browser).

The coordinator opens "Master list" from the navigation, uploads a file with a new
organisation (named like a script), a changed one, a bad row and a duplicate: the preview
lists them and offers no Apply.  A clean file is then previewed and applied into the demo
campaign.  Laptop (1280×800) and phone (390×844); screenshots
``tests/artifacts/panel-import-*.png``; axe-core finds no serious or critical violation.
"""

from __future__ import annotations

import pytest

from tests.browser.test_panel_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    SIZES,
    browser,
    server,
    snap,
)
from tests.browser.test_panel_dashboard_browser import SERIOUS, signed_in

HEADER = "subject_kind,name_ru,name_kk,region\n"
CHANGED = "local_executive_body,Акимат Жетысуской области,Жетісу облысының әкімдігі,Талдыкорган\n"
NEW = "ngo,<script>alert(1)</script>,Жаңа қор,Алматы\n"
BAD = "spaceship,Корабль,Кеме,\nngo,  <SCRIPT>alert(1)</SCRIPT> ,Қайта,\n"


def csv_file(text: str) -> dict[str, object]:
    return {"name": "master.csv", "mimeType": "text/csv", "buffer": text.encode()}


@pytest.mark.parametrize("size", list(SIZES))
async def test_import_preview_and_apply(server, browser, size):  # noqa: F811
    runtime, campaign, filled = server
    base = runtime.settings.public_url
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, problems = await signed_in(browser, base, size)
    checked: dict[str, list[str]] = {}
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))

    await page.click(".nav >> text=Справочник")
    await page.wait_for_url(f"{base}/admin/organisations/import")
    await page.set_input_files("#file", files=[csv_file(HEADER + CHANGED + NEW + BAD)])
    await snap(page, f"import-upload-{size}", checked)
    await page.click("#upload-form button[type=submit]")
    await page.wait_for_selector("#preview")
    counts = await page.inner_text("#preview-counts")
    assert "Новых: 1" in counts and "Изменённых: 1" in counts, counts
    assert "Отклонённых строк: 1" in counts and "Повторов: 1" in counts, counts
    assert "<script>alert(1)</script>" in await page.inner_text("#added")
    assert "Талдыкорган" in await page.inner_text("#changed")
    assert await page.locator("#apply-form").count() == 0
    await snap(page, f"import-preview-{size}", checked)

    await page.set_input_files("#file", files=[csv_file(HEADER + CHANGED + NEW)])
    await page.click("#upload-form button[type=submit]")
    await page.wait_for_selector("#apply-form")
    await page.select_option("#campaign", str(campaign.id))
    await snap(page, f"import-apply-{size}", checked)
    width = await page.evaluate("document.documentElement.scrollWidth")
    wide = await page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > innerWidth).map(e => e.tagName + '.' + e.className)"
    )
    assert width <= SIZES[size][0], f"{width}px wide, it scrolls sideways: {wide}"
    full = ARTIFACTS / f"panel-import-apply-full-{size}.png"
    await page.screenshot(path=str(full), full_page=True)  # the changes and Apply, below
    await page.click("#apply-form button[type=submit]")
    await page.wait_for_url("**done=1**")
    main = await page.inner_text("main")
    assert "Импорт применён: добавлено 1, изменено 1" in main, main
    assert "В сбор добавлено организаций: 1." in main, main

    await page.goto(f"{base}/admin/organisations/import?lang=kk")
    await page.set_input_files("#file", files=[csv_file(HEADER + CHANGED + NEW + BAD)])
    await page.click("#upload-form button[type=submit]")
    await page.wait_for_selector("#preview")
    assert "Субъектінің белгісіз түрі: «spaceship»." in await page.inner_text("#refused")
    await snap(page, f"import-preview-kk-{size}", checked)

    assert problems == [] and dialogs == []
    serious = {name: [p for p in found if p.startswith(SERIOUS)] for name, found in checked.items()}
    assert serious == {name: [] for name in checked}, serious
    await context.close()
