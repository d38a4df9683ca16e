"""The web chat of a questionnaire returned for correction, in headless Chromium.

The coordinator has returned items 1.6 and 1.8 with a note on each (one holding markup)
and a general note; a contact of the organisation opens an invitation.  Above the chat
the banner names both items with their questions and notes, the note's markup shown as
text; the first bot message still arrives below it.  On a phone (390×844) and a laptop
(1280×800); screenshots ``tests/artifacts/panel-chat-returned-*.png``; axe-core finds no
serious or critical violation; switched to Kazakh, the banner follows (``*-kk-*.png``).
"""

from __future__ import annotations

import pytest

from admin.ops.responses import return_response
from storage.repository import Store
from tests.browser.test_chat_browser import SHOWN
from tests.browser.test_chat_phone import open_chat
from tests.browser.test_panel_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    SIZES,
    browser,
    server,
    snap,
)
from tests.panel.data import XSS_ANSWER

SERIOUS = ("serious:", "critical:")


@pytest.mark.parametrize("size", list(SIZES))
async def test_the_returned_items_stand_above_the_chat(server, browser, size):  # noqa: F811
    runtime, campaign, filled = server
    store = Store.from_url(runtime.settings.database_url)
    try:
        await return_response(store, filled.response.id, "Проверьте раздел 1 целиком",
                              actor="coordinator:test",
                              items={"1.6": "Уточните, какие меры дали результат",
                                     "1.8": f"Разбивка не сходится {XSS_ANSWER}"})  # fmt: skip
        _, token = await store.create_invitation(filled.organisation.id, campaign.id,
                                                 actor="test")  # fmt: skip
    finally:
        await store.close()
    ARTIFACTS.mkdir(exist_ok=True)
    width, height = SIZES[size]
    context, page, problems = await open_chat(
        browser, runtime.settings.public_url, token, {"width": width, "height": height}, "ru-RU"
    )
    banner = page.locator("#returned")
    assert await banner.is_visible()
    text = await banner.inner_text()
    assert text.startswith("Координатор вернул анкету на доработку")
    assert "Замечание координатора: Проверьте раздел 1 целиком" in text
    assert "Уточните, какие меры дали результат" in text
    assert f"Разбивка не сходится {XSS_ANSWER}" in text  # markup shown as text
    assert await page.locator("#returned img").count() == 0
    box = await banner.bounding_box()
    assert box is not None and box["y"] < height / 3 and box["height"] <= 0.4 * height + 1
    assert await page.locator(SHOWN).first.is_visible()  # the chat still shows below it
    checked: dict[str, list[str]] = {}
    await snap(page, f"chat-returned-{size}", checked)
    # switching to Kazakh rewrites the banner (chat.js, as text) in the new language
    await page.click("button.lang[data-lang='kk']")
    await page.wait_for_function(
        "() => document.getElementById('returned-title').textContent.startsWith('Үйлестіруші')"
    )
    text = await banner.inner_text()
    assert "Үйлестірушінің ескертуі: Проверьте раздел 1 целиком" in text
    assert f"Үйлестірушінің ескертуі: Разбивка не сходится {XSS_ANSWER}" in text
    assert await page.locator("#returned img").count() == 0
    await snap(page, f"chat-returned-kk-{size}", checked)
    assert problems == []
    serious = [p for found in checked.values() for p in found if p.startswith(SERIOUS)]
    assert serious == [], serious
    await context.close()
