"""Inputs real people send, for every kind of field: a clear message, nothing stored."""

from __future__ import annotations

import pytest

from dialogs import countries, parsing
from dialogs.contract import Input, Reply
from dialogs.parsing import ParseError
from dialogs.questionnaire import default
from dialogs.render import countries as country_names
from dialogs.walk import Walk
from tests.engine.scripted import ScriptedPerson, button
from tests.engine.transcript import render_reply as shown

LONG = "ж" * 5000

CASES = [
    # (field code, input, msgid of the refusal)
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
    ("b01.i01.legislation_gaps", "👍👍", parsing.NO_WORDS),  # other text: a yes described
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


def refusal(code: str, raw: str, msgid: str) -> ParseError:
    """What the field's parser says of ``raw`` (the parsers have their own tests)."""
    q = default()
    walk = Walk(q, [b.number for b in q.blocks])
    field = walk.steps[walk.index[code]].field
    if field.kind == "choice":
        return ParseError(msgid, n=len(field.options))
    if field.kind in ("yes_no", "period"):
        return ParseError(msgid)
    with pytest.raises(ParseError) as info:
        if field.kind == "count":
            parsing.parse_count(raw, field.max_value)
        elif field.kind == "text":
            parsing.clean_text(raw, field.max_length)
        elif field.kind == "breakdown":
            cats = q.category_set(field.categories).categories
            parsing.parse_breakdown(raw, parsing.breakdown_categories(cats), 10_000_000)
        else:
            parsing.parse_open_breakdown(raw, country_names().resolve)
    return info.value


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
    asked = (await person.send(Input.command("progress")))[-1]  # one line, then the question
    question = asked.text.split("\n\n", 1)[1]
    before = await answers(demo, contact_id)

    replies = await person.send(Input.text(raw))

    error = refusal(code, raw, msgid)
    assert error.msgid == msgid
    again = Reply(f"{error.render(lang)}\n\n{question}", asked.buttons, "error")
    assert [shown(r) for r in replies] == [shown(again)], "the refusal, then the same question"
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
    assert [shown(r) for r in replies] == [STALE_AT_1_1_2]
    assert await answers(demo, contact_id) == before


@pytest.mark.parametrize("data", ["garbage", "999999|yes", "1|" + "x" * 80, "|", "abc|nd"])
async def test_forged_button_data_is_refused(demo, data):
    contact_id = await demo.contact("ngo", user=7)
    person = ScriptedPerson(demo.service, contact_id)
    await person.begin()
    before = await answers(demo, contact_id)
    replies = await person.send(Input.button(data))
    expected = STALE_AT_1_1 if data == "999999|yes" else UNRECOGNISED_AT_1_1
    assert [shown(r) for r in replies] == [expected]
    assert await answers(demo, contact_id) == before


async def test_unknown_command_lists_the_commands(demo):
    contact_id = await demo.contact("ngo", user=8)
    person = ScriptedPerson(demo.service, contact_id)
    await person.begin()
    replies = await person.send(Input.text("/frobnicate"))
    assert [shown(r) for r in replies] == [UNKNOWN_COMMAND_AT_1_1]


async def test_script_is_stored_as_plain_text(demo):
    contact_id = await demo.contact("ngo", user=9)
    person = ScriptedPerson(demo.service, contact_id)
    await person.begin()
    await goto(person, "b01.i10.problems")
    await person.send(Input.text("<script>alert(1)</script>"))
    stored = dict((c, v) for c, _, v in await answers(demo, contact_id))
    assert stored["b01.i10.problems"] == "<script>alert(1)</script>"


STALE_AT_1_1_2 = """\
« error
Эта кнопка относится к прошлому сообщению. Вот текущий вопрос.

Недостаточное практическое регулирование механизмов реализации положений Закона Республики Казахстан «О противодействии торговле людьми»
Да или нет? Если да — опишите.
   [Да → yes] [Нет → no]
   [Нет — на все оставшиеся пункты → no_rest]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
STALE_AT_1_1 = """\
« error
Эта кнопка относится к прошлому сообщению. Вот текущий вопрос.

Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие международным стандартам
Да или нет? Если да — опишите.
   [Да → yes] [Нет → no]
   [Нет — на все оставшиеся пункты → no_rest]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
UNRECOGNISED_AT_1_1 = """\
« error
Эта кнопка не распознана. Вот текущий вопрос.

Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие международным стандартам
Да или нет? Если да — опишите.
   [Да → yes] [Нет → no]
   [Нет — на все оставшиеся пункты → no_rest]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
UNKNOWN_COMMAND_AT_1_1 = """\
« error
Неизвестная команда. Команды: /menu, /progress, /review, /submit, /language, /help.

Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие международным стандартам
Да или нет? Если да — опишите.
   [Да → yes] [Нет → no]
   [Нет — на все оставшиеся пункты → no_rest]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
