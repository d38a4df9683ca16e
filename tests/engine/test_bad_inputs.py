"""Inputs real people send, for every kind of field: a clear message, nothing stored."""

from __future__ import annotations

import pytest

from dialogs import countries, i18n, parsing
from dialogs.contract import Input
from tests.engine.scripted import ScriptedPerson, button

LONG = "ж" * 5000

CASES = [
    # (field code, input, msgid the reply must start with)
    ("b16.i01.received", "-3", parsing.NEGATIVE_COUNT),
    ("b16.i01.received", "двадцать", parsing.WORDS),
    ("b16.i01.received", "1e9", parsing.NOT_A_COUNT),
    ("b16.i01.received", "3.5", parsing.FRACTION),
    ("b16.i01.received", "12,5", parsing.FRACTION),
    ("b16.i01.received", "99999999999", parsing.TOO_LARGE),
    ("b16.i01.received", "👍", parsing.NOT_A_COUNT),
    ("b16.i01.received", "   ", parsing.EMPTY_NUMBER),
    ("b16.i01.received", LONG, parsing.WORDS),
    ("b16.i01.received", "<script>alert(1)</script>", parsing.NOT_A_COUNT),
    ("b16.i01.received", '=HYPERLINK("http://x")', parsing.WORDS),
    ("b01.i10.problems", "   ", parsing.EMPTY),
    ("b01.i10.problems", "👍👍👍", parsing.NO_WORDS),
    ("b01.i10.problems", LONG, parsing.TEXT_TOO_LONG),
    ("b01.i01.legislation_gaps", "может быть", "Ответьте «Да» или «Нет» — кнопкой или словом."),
    ("b01.i04.cooperation", "7", "Выберите вариант кнопкой или номером от 1 до {n}."),
    ("b16.i01.sex", "марсиане: 3", parsing.UNKNOWN_CATEGORY),
    ("b16.i01.sex", "мужской: 2; мужской: 3", parsing.DUPLICATE_CATEGORY),
    ("b16.i01.sex", "мужской: -1", parsing.CATEGORY_VALUE),
    ("b16.i01.citizenship", "Щшщзх: 3", countries.UNKNOWN_COUNTRY),
    (
        "b16.i01.period",
        "нет",
        "Отчетный период задан координатором. Нажмите «Подтверждаю» или «Нет данных».",
    ),
]


async def goto(person: ScriptedPerson, code: str) -> None:
    """Jump through the menu to the item, then skip to the field."""
    item = ".".join(code.split(".")[:2])
    block = int(item.split(".")[0][1:])
    await person.send(Input.command("menu"))
    await person.send(button(person.replies, f"blk:{block}"))
    await person.send(button(person.replies, f"itm:{item}"))
    for _ in range(30):
        if (await person.where())["code"] == code:
            return
        await person.send(button(person.replies, "skip"))
    raise AssertionError(f"never reached {code}")


async def answers(demo, contact_id):
    response = await demo.store.get_response_for_contact(contact_id, demo.campaign.id)
    return [(r.field_code, r.version, r.value) for r in await demo.store.list_answers(response.id)]


@pytest.mark.parametrize(
    ("code", "raw", "msgid"), CASES, ids=[f"{c[0]}:{c[1][:12]}" for c in CASES]
)
@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_bad_input_is_refused_politely_and_nothing_is_stored(demo, code, raw, msgid, lang):
    contact_id = await demo.contact("ngo", user=5, lang=lang)
    person = ScriptedPerson(demo.service, contact_id, lang=lang)
    await person.begin()
    await goto(person, code)
    before = await answers(demo, contact_id)

    replies = await person.send(Input.text(raw))

    reply = replies[-1]
    assert reply.kind == "error", reply.text
    expected = i18n.gettext(lang, msgid).split("{")[0]
    assert reply.text.startswith(expected), (reply.text[:200], expected)
    assert reply.buttons, "the question is asked again, with its buttons"
    assert await answers(demo, contact_id) == before
    assert (await person.where())["code"] == code


async def test_stale_button_is_never_applied_to_the_current_question(demo):
    contact_id = await demo.contact("ngo", user=6)
    person = ScriptedPerson(demo.service, contact_id)
    await person.begin()
    old_yes = button(person.replies, "yes")
    await person.send(old_yes)
    await person.send(Input.text("описание"))
    before = await answers(demo, contact_id)
    replies = await person.send(old_yes)  # the same button, tapped again
    assert replies[-1].kind == "error"
    assert "прошлому сообщению" in replies[-1].text
    assert await answers(demo, contact_id) == before


@pytest.mark.parametrize("data", ["garbage", "999999|yes", "1|" + "x" * 80, "|", "abc|nd"])
async def test_forged_button_data_is_refused(demo, data):
    contact_id = await demo.contact("ngo", user=7)
    person = ScriptedPerson(demo.service, contact_id)
    await person.begin()
    before = await answers(demo, contact_id)
    replies = await person.send(Input.button(data))
    assert replies[-1].kind == "error"
    assert replies[-1].buttons
    assert await answers(demo, contact_id) == before


async def test_unknown_command_lists_the_commands(demo):
    contact_id = await demo.contact("ngo", user=8)
    person = ScriptedPerson(demo.service, contact_id)
    await person.begin()
    replies = await person.send(Input.text("/frobnicate"))
    assert "/menu" in replies[-1].text and replies[-1].kind == "error"


async def test_script_is_stored_as_plain_text(demo):
    contact_id = await demo.contact("ngo", user=9)
    person = ScriptedPerson(demo.service, contact_id)
    await person.begin()
    await goto(person, "b01.i10.problems")
    await person.send(Input.text("<script>alert(1)</script>"))
    stored = dict((c, v) for c, _, v in await answers(demo, contact_id))
    assert stored["b01.i10.problems"] == "<script>alert(1)</script>"
