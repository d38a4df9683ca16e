"""A new campaign and its organisations in real headless Chromium (as test_panel_browser).

The coordinator opens "new data collection" from the campaigns list, keeps last year's
organisations (the default), creates the draft, opens its organisations, narrows them
by region and takes one out; on a laptop (1280×800) and a phone (390×844).  Screenshots
``tests/artifacts/panel-campaign-new-*.png`` and ``panel-members-*.png``; axe-core finds
no serious or critical violation.
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


@pytest.mark.parametrize("size", list(SIZES))
async def test_a_new_campaign_and_its_organisations(server, browser, size):  # noqa: F811
    runtime, campaign, filled = server
    base = runtime.settings.public_url
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, problems = await signed_in(browser, base, size)
    checked: dict[str, list[str]] = {}

    await page.click("text=Новый сбор данных")
    await page.wait_for_url(f"{base}/admin/campaigns/new")
    assert await page.is_checked("#members-from")
    await page.fill("#title", "Сбор 2026")
    await page.fill("#period_start", "2026-01-01")
    await page.fill("#period_end", "2026-12-31")
    await page.fill("#requested_on", "2027-01-10")
    await snap(page, f"campaign-new-{size}", checked)
    await page.click("#new-campaign button[type=submit]")
    await page.wait_for_url("**done=created**")
    notice = await page.inner_text("#manage")
    assert "Сбор создан (черновик); организаций в нём: 18." in notice, notice

    await page.click(".meta >> text=Организации сбора")
    await page.wait_for_url("**/members")
    assert "Участвуют: 18" in await page.inner_text("#inside-title")
    await page.select_option("#region", "Жетысуская область")
    await page.click(".filters button[type=submit]")
    await page.wait_for_url("**region=**")
    rows = page.locator("#inside-form tbody tr")
    assert await rows.count() == 1
    assert "Под фильтр подходят: 1" in await page.inner_text("main")
    await page.check("#inside-form input[name=org]")
    await snap(page, f"members-{size}", checked)
    await page.click("#inside-form button[type=submit]")
    await page.wait_for_url("**done=removed**")
    assert "Исключено организаций: 1." in await page.inner_text("main")
    assert "Участвуют: 17" in await page.inner_text("#inside-title")

    assert problems == []
    serious = {name: [p for p in found if p.startswith(SERIOUS)] for name, found in checked.items()}
    assert serious == {name: [] for name in checked}, serious
    await context.close()
