"""The dashboard and an item-level return in real headless Chromium (as test_panel_browser).

A coordinator signs in, reads the campaign's dashboard (both SVG charts drawn, the
auto-refresh script running under the real Content-Security-Policy), opens the submitted
organisation, ticks item 1.6 with a note and returns it; on a laptop (1280×800) and a
phone (390×844).  Screenshots go to ``tests/artifacts/panel-dashboard-*.png`` and
``panel-return-*.png``; axe-core finds no serious or critical violation on any page.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_panel_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    PASSWORD,
    SIZES,
    browser,
    server,
    snap,
)
from tests.panel.data import XSS_ANSWER, XSS_NAME

SERIOUS = ("serious:", "critical:")


async def signed_in(chromium: Any, base: str, size: str) -> tuple[Any, Any, list[str]]:
    width, height = SIZES[size]
    context = await chromium.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=1,
        is_mobile=size == "phone", has_touch=size == "phone", locale="ru-RU",
    )  # fmt: skip
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    await page.goto(f"{base}/admin/sign-in")
    await page.fill("#login", "aigerim")
    await page.fill("#password", PASSWORD)
    await page.press("#password", "Enter")
    await page.wait_for_url(f"{base}/admin/campaigns")
    return context, page, problems


@pytest.mark.parametrize("size", list(SIZES))
async def test_dashboard_and_a_return(server, browser, size):  # noqa: F811
    runtime, campaign, filled = server
    base = runtime.settings.public_url
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, problems = await signed_in(browser, base, size)
    checked: dict[str, list[str]] = {}

    await page.goto(f"{base}/admin/campaigns/{campaign.id}/dashboard")
    assert await page.locator("svg.bars").count() == 2
    assert await page.locator("svg.bars rect.seg-late").count() == 2  # one per chart
    tiles = await page.inner_text(".tiles")
    assert "18\nожидается" in tiles or "18 ожидается" in tiles, tiles
    assert XSS_NAME in await page.inner_text(".recent")  # submitted today, shown as text
    await snap(page, f"dashboard-{size}", checked)
    await page.evaluate("document.getElementById('by-region').scrollIntoView()")
    await snap(page, f"dashboard-chart-{size}", checked)
    await page.select_option("#region", "Алматы")
    await page.click(".filters button[type=submit]")
    await page.wait_for_url("**region=**")
    assert "1 ожидается" in " ".join((await page.inner_text(".tiles")).split())

    path = f"{base}/admin/campaigns/{campaign.id}/organisations/{filled.organisation.id}"
    await page.goto(path)
    await page.check("#ret-b01\\.i06")
    await page.fill("#note-b01\\.i06", f"Уточните меры {XSS_ANSWER}")
    await page.locator("#item-b01\\.i06").scroll_into_view_if_needed()
    await snap(page, f"return-form-{size}", checked)
    await page.click("#return-form button[type=submit]")
    await page.wait_for_url("**returned=**")
    assert "Анкета возвращена на доработку" in await page.inner_text("main")
    note = await page.inner_text("#item-b01\\.i06 .returned-note")
    assert note == f"Возвращён на доработку: Уточните меры {XSS_ANSWER}"
    await snap(page, f"return-{size}", checked)

    assert problems == []
    serious = {name: [p for p in found if p.startswith(SERIOUS)] for name, found in checked.items()}
    assert serious == {name: [] for name in checked}, serious
    await context.close()
