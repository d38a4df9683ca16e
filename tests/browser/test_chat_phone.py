"""The web chat on a phone (390×844) and a laptop (1280×800), in headless Chromium.

What a person on a phone needs: the first question and its buttons on screen without
scrolling, the cursor in the text box after "Да"/"Иә" (so the keyboard opens), the review
showing long answers in full, the header's "submit" never moving the person, every label
in the chosen language, and a page axe-core finds nothing wrong with in any state.
Screenshots go to ``tests/artifacts/chat-*.png``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from dialogs import i18n
from tests.browser.test_chat_browser import (
    ARTIFACTS,
    CHROMIUM_ARGS,  # noqa: F401 - the module's skips apply here too
    SHOWN,
    browser,  # noqa: F401 - fixture
    server,  # noqa: F401 - fixture
    settled,
    shown,
)
from tests.browser.test_panel_browser import axe_problems

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


async def open_chat(chromium: Any, base: str, token: str, size: dict[str, int], locale: str):
    phone = size == PHONE
    context = await chromium.new_context(
        viewport=size, device_scale_factor=2 if phone else 1, is_mobile=phone,
        has_touch=phone, locale=locale,
    )  # fmt: skip
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    await page.goto(f"{base}/i/{token}")
    await page.wait_for_selector(SHOWN)
    return context, page, problems


async def press(page: Any, label: str) -> None:
    before = await shown(page)
    button = page.locator(
        "#transcript button.choice:enabled", has_text=re.compile(f"^{re.escape(label)}$")
    )
    await button.last.click()
    await settled(page, before)


async def send_text(page: Any, text: str) -> None:
    before = await shown(page)
    await page.fill("#message", text)
    await page.press("#message", "Enter")
    await settled(page, before)


async def in_view(page: Any, inner: str) -> bool:
    """Whether the ``inner`` elements of the last question lie wholly inside the viewport."""
    return await page.evaluate(
        """(inner) => {
              const questions = document.querySelectorAll('#transcript .msg.bot.kind-question');
              const els = [...questions[questions.length - 1].querySelectorAll(inner)];
              return els.length > 0 && els.every(e => {
                const r = e.getBoundingClientRect();
                return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
              });
           }""",
        inner,
    )


async def check_axe(page: Any, state: str, found: dict[str, list[str]]) -> None:
    found[state] = await axe_problems(page)
    with (ARTIFACTS / "chat-axe.txt").open("a", encoding="utf-8") as log:
        log.write(f"{state}: {len(found[state])} violation(s) {found[state]}\n")


def asked(page: Any) -> Any:
    """What the last question asks now (its last paragraph)."""
    return page.locator("#transcript .msg.bot.kind-question .asked").last


@pytest.mark.parametrize(("size", "lang"), [(PHONE, "ru"), (PHONE, "kk"), (LAPTOP, "ru")])
async def test_first_question_yes_focus_submit_and_landmarks(server, browser, size, lang):  # noqa: F811
    runtime, campaign, orgs, store = server
    base = runtime.settings.public_url
    name = f"{'phone' if size == PHONE else 'laptop'}-{lang}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    context, page, problems = await open_chat(
        browser, base, orgs["ngo"].token, size, "kk-KZ" if lang == "kk" else "ru-RU"
    )
    await check_axe(page, f"{name} language question", found)
    await press(page, {"ru": "✓ Русский", "kk": "✓ Қазақша"}[lang])

    # The first question and all its buttons are on screen without scrolling.
    assert await in_view(page, "button.choice")
    assert await in_view(page, ".asked")
    await page.screenshot(path=str(ARTIFACTS / f"chat-{name}-first-question.png"))
    await check_axe(page, f"{name} first question", found)

    # "Да"/"Иә": the text box has the focus (a phone opens its keyboard).
    await press(page, i18n.gettext(lang, "Да"))
    assert await page.evaluate("document.activeElement.id") == "message"
    before = await shown(page)
    await page.keyboard.type("Пробелы в нормативной базе")
    await page.keyboard.press("Enter")
    await settled(page, before)
    assert await page.evaluate("document.activeElement.id") == "message"
    await page.screenshot(path=str(ARTIFACTS / f"chat-{name}-after-yes.png"))
    await check_axe(page, f"{name} after yes", found)

    # The header's "submit" midway: a note, and the same question stays.
    question = await asked(page).inner_text()
    await page.click("nav.actions button[data-cmd='submit']")
    note = page.locator("#transcript .msg[role='status']").last
    await note.wait_for()
    progress = await page.locator("#progress").get_attribute("value")
    assert await note.locator(".text").inner_text() == i18n.gettext(
        lang,
        "Анкету можно отправить, когда на все вопросы дан ответ: сейчас заполнено {done} из "
        "{total}. Продолжайте с текущего вопроса.",
    ).format(done=progress, total=await page.locator("#progress").get_attribute("max"))
    assert await asked(page).inner_text() == question
    await check_axe(page, f"{name} submit too early", found)

    # Sending a message and submitting the questionnaire are told apart.
    send = await page.locator("#send").inner_text()
    submit = await page.locator("nav.actions button[data-cmd='submit']").inner_text()
    assert send == i18n.gettext(lang, "Ответить") and submit != send

    # Landmarks: the log inside <main>, an <h1>, the text box inside the main landmark.
    assert await page.locator("main #transcript[role='log']").count() == 1
    assert await page.locator("main[role='log']").count() == 0
    assert await page.locator("h1").count() == 1
    assert await page.locator("main #message").count() == 1
    assert found and all(v == [] for v in found.values()), found
    assert problems == []
    await context.close()


async def test_language_switch_updates_every_label(server, browser):  # noqa: F811
    runtime, campaign, orgs, store = server
    context, page, problems = await open_chat(
        browser, runtime.settings.public_url, orgs["ngo"].token, PHONE, "ru-RU"
    )
    await press(page, "✓ Русский")
    before = await shown(page)
    await page.click("button.lang[data-lang='kk']")
    await settled(page, before)
    kk = i18n.translator("kk")
    assert await page.locator("#progress-text").inner_text() == kk(
        "Заполнено {done} из {total}"
    ).format(
        done=await page.locator("#progress").get_attribute("value"),
        total=await page.locator("#progress").get_attribute("max"),
    )
    assert await page.locator("#send").inner_text() == kk("Ответить")
    assert await page.get_attribute("#message", "placeholder") == kk("Напишите ответ…")
    assert await page.locator("h1").inner_text() == kk("Анкета по противодействию торговле людьми")
    assert await page.locator("#org").inner_text() == "Демо: " + kk(
        "Некоммерческая организация, работающая в сфере противодействия торговле людьми"
    )
    assert problems == []
    await context.close()


async def test_a_breakdown_as_a_table_sent_in_one_action(server, browser):  # noqa: F811
    runtime, campaign, orgs, store = server
    demo = orgs["tourism_ministry"]
    found: dict[str, list[str]] = {}
    for size in (PHONE, LAPTOP):
        name = "phone" if size == PHONE else "laptop"
        context, page, problems = await open_chat(
            browser, runtime.settings.public_url, demo.token, size, "ru-RU"
        )
        await press(page, "✓ Русский")
        for label in ("Меню", "Блок 1", "1.8"):
            await press(page, label)
        await send_text(page, "10")  # the count the breakdown breaks down
        table = page.locator("#transcript form.sheet").last
        await table.wait_for()
        inputs = table.locator("input")
        assert await page.evaluate("document.activeElement.tagName") == "INPUT"
        total = table.locator(".sheet-total")
        for n in range(await inputs.count()):  # the laptop sees the phone's numbers: clear
            await inputs.nth(n).fill("")
        await inputs.nth(0).fill("7")
        assert (await total.inner_text()).startswith("Итого 7 из 10 — «")
        await inputs.nth(1).fill("3")
        assert (await total.inner_text()).startswith("Итого 10 из 10 — «")
        await page.screenshot(path=str(ARTIFACTS / f"chat-{name}-table.png"))
        await check_axe(page, f"{name} breakdown table", found)
        if size == PHONE:
            before = await shown(page)
            await table.locator("button[type='submit']").click()  # ONE action for the row
            await settled(page, before)
            response = await store.get_or_create_response(demo.organisation.id, campaign.id)
            answers = {a.field_code: a.value for a in await store.list_answers(response.id)}
            assert sum(answers["b01.i08.trained_where"].values()) == 10
            assert sorted(answers["b01.i08.trained_where"].values())[-2:] == [3, 7]
        assert problems == []
        await context.close()
    assert all(v == [] for v in found.values()), found


def review_payload() -> dict[str, Any]:
    """A block's review as the engine gives it (Reply.review): a 1,000-character answer,
    item 1.4's chosen option by number and full text, a confirmed mismatch."""
    from bot.web.texts import ui_labels
    from dialogs.questionnaire import default

    item = next(i for i in default().blocks[0].items if i.number == 4)
    options = item.fields[0].options
    long = ("Проведено обучение сотрудников по выявлению признаков торговли людьми. " * 15)[:1000]
    entries = [
        {"item": "1.2", "question": "Какие меры принимались?", "label": "Описание мер",
         "answer": long, "kind": "answer", "note": None, "edit": "9|itm:b01.i02"},
        {"item": "1.4", "question": item.question, "label": item.fields[0].label,
         "answer": f"2. {options[1].label}", "kind": "answer", "note": None,
         "edit": "9|itm:b01.i04"},
        {"item": "1.4", "question": item.question, "label": "Другая организация",
         "answer": f"1. {options[0].label}", "kind": "answer", "note": None, "edit": None},
        {"item": "2.8", "question": "Сколько лиц выявлено?", "label": "Выявлено ≠ всего",
         "answer": "Идентифицированных 7 + неидентифицированных 4 ≠ 10 поступивших",
         "kind": "mismatch", "note": "Одно лицо учтено дважды", "edit": None},
    ]  # fmt: skip
    reply = {"text": "Просмотр блока 1", "kind": "summary", "buttons": [], "review": entries}
    return {"replies": [reply], "progress": {"done": 5, "total": 52}, "lang": "ru",
            "ui": ui_labels("ru")}  # fmt: skip


async def test_review_shows_every_answer_in_full(server, browser):  # noqa: F811
    """The page draws Reply.review: the long answer unfolds to all 1,000 characters, the
    two options of 1.4 differ on screen, the mismatch shows its explanation."""
    import json

    runtime, campaign, orgs, store = server
    payload = review_payload()
    context, page, problems = await open_chat(
        browser, runtime.settings.public_url, orgs["ngo"].token, PHONE, "ru-RU"
    )

    async def fulfil(route: Any) -> None:
        await route.fulfill(status=200, content_type="application/json", body=json.dumps(payload))

    await page.route("**/api/state", fulfil)
    await page.reload()
    review = page.locator("#transcript .review").last
    await review.wait_for()
    entries = payload["replies"][0]["review"]
    long_answer = review.locator(".review-answer").nth(0)
    await long_answer.locator("button.more").click()
    assert (await long_answer.inner_text()).startswith(entries[0]["answer"])
    assert len(entries[0]["answer"]) == 1000
    assert await long_answer.locator(".fold-rest").is_visible()
    one = await review.locator(".review-answer").nth(2).inner_text()
    two = await review.locator(".review-answer").nth(1).inner_text()
    assert one == entries[2]["answer"] and two == entries[1]["answer"] and one != two
    assert await review.locator(".review-entry.kind-mismatch .review-note").inner_text() == (
        "Пояснение: Одно лицо учтено дважды"
    )
    assert await review.locator("button.more", has_text="Изменить").count() == 2
    await page.screenshot(path=str(ARTIFACTS / "chat-phone-review.png"), full_page=False)
    found: dict[str, list[str]] = {}
    await check_axe(page, "phone review", found)
    assert found == {"phone review": []}
    assert problems == []
    await context.close()


async def test_a_walked_review_shows_the_long_answer_and_the_chosen_option_in_full(
    server,  # noqa: F811
    browser,  # noqa: F811
):
    """The same review from answers given on the page: a 1,000-character description typed
    after «Да» and item 1.4's second option (whose first 125 characters are the first
    option's) read back in full from the engine's own Reply.review, not a made-up one."""
    from dialogs.questionnaire import default

    runtime, campaign, orgs, store = server
    demo = orgs["ngo"]
    options = next(i for i in default().blocks[0].items if i.number == 4).fields[0].options
    long = ("Не хватает методики выявления жертв в сельских районах; " * 20)[:999] + "!"
    context, page, problems = await open_chat(
        browser, runtime.settings.public_url, demo.token, PHONE, "ru-RU"
    )
    await press(page, "✓ Русский")
    await press(page, "Да")
    await send_text(page, long)
    for label in ("Меню", "Блок 1", "1.4"):
        await press(page, label)
    await press(page, "2")  # the options are numbered in the question, one tap each
    await send_text(page, "С Кыргызстаном: ответы на запросы идут месяцами")
    before = await shown(page)
    await page.click("nav.actions button[data-cmd='review']")
    await settled(page, before)

    review = page.locator("#transcript .review").last
    await review.wait_for()
    answers = review.locator(".review-answer")
    texts = [await answers.nth(n).inner_text() for n in range(await answers.count())]
    folded = next(n for n, t in enumerate(texts) if t.startswith("Да: " + long[:100]))
    await answers.nth(folded).locator("button.more").click()
    assert long in await answers.nth(folded).inner_text()
    chosen = [t for t in texts if options[1].label in t]
    assert len(chosen) == 1 and options[0].label not in chosen[0]
    assert chosen[0].startswith("2. ")
    response = await store.get_or_create_response(demo.organisation.id, campaign.id)
    stored = {a.field_code: a.value for a in await store.list_answers(response.id)}
    assert stored["b01.i01.legislation_gaps"] == {"answer": "yes", "description": long}
    await page.screenshot(path=str(ARTIFACTS / "chat-phone-walked-review.png"))
    found: dict[str, list[str]] = {}
    await check_axe(page, "phone walked review", found)
    assert found == {"phone walked review": []}
    assert problems == []
    await context.close()
