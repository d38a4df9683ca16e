"""Walk the complete questionnaire of every subject kind, in Russian and Kazakh."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs import i18n
from dialogs.contract import Button, Input, Reply
from dialogs.questionnaire import default
from dialogs.walk import Walk
from tests.engine.scripted import ScriptedPerson
from tests.engine.transcript import render_reply as shown

SUMMARY = (
    "Все вопросы заполнены: {total}, из них «нет данных» — {nd}.\nПроверьте ответы (/review) и "
    "отправьте анкету. После отправки изменить ответы сможет только координатор, вернув анкету "
    "на доработку."
)
SENT = (
    "Анкета отправлена и доступна только для просмотра. Если нужно что-то исправить, обратитесь "
    "к координатору: он может вернуть анкету на доработку."
)


def reply(text: str, kind: str, *rows: tuple[tuple[str, str], ...]) -> str:
    """A reply as shown, from its text and rows of (label, action)."""
    buttons = tuple(tuple(Button(label, f"0|{action}") for label, action in row) for row in rows)
    return shown(Reply(text, buttons, kind))


KINDS = [k.code for k in default().subject_kinds]


async def stored(demo, contact_id: int) -> dict[str, tuple[str, object]]:
    response = await demo.store.get_response_for_contact(contact_id, demo.campaign.id)
    rows = await demo.store.list_answers(response.id)
    out = {}
    for r in rows:
        out[r.field_code] = (
            ("no_data", r.no_data_reason) if r.status == "no_data" else ("value", r.value)
        )
    return out


def expected_values(person: ScriptedPerson, period: dict) -> dict:
    return {
        code: ("value", period) if value == ("value", "period") else value
        for code, value in person.expected.items()
    }


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("kind", KINDS)
async def test_complete_walk_of_every_subject_kind(demo, kind, lang):
    contact_id = await demo.contact(kind, user=1000 + KINDS.index(kind), lang=lang)
    person = ScriptedPerson(demo.service, contact_id, lang=lang)
    await person.begin()
    await person.walk_all()

    org = demo.orgs[kind].organisation
    walk = Walk(default(), org.blocks)
    assert set(person.expected) == {s.code for s in walk.steps}, "every field was asked once"
    period = {"start": "2025-01-01", "end": "2025-12-31"}
    assert await stored(demo, contact_id) == expected_values(person, period)

    _ = i18n.translator(lang)
    no_data = sum(1 for status, _value in person.expected.values() if status == "no_data")
    summary = reply(
        _(SUMMARY).format(total=len(walk), nd=no_data),
        "summary",
        ((_("Отправить анкету"), "submit"),),
        ((_("Просмотр"), "cmd:review"),),
    )
    assert [shown(r) for r in await person.send(Input.command("submit"))] == [summary]
    await person.submit()
    response = await demo.store.get_response_for_contact(contact_id, demo.campaign.id)
    assert response.status == "submitted"
    assert response.submitted_by == contact_id

    # After submit the response is read-only: typing changes nothing.
    before = await stored(demo, contact_id)
    replies = await person.send(Input.text("99"))
    assert await stored(demo, contact_id) == before
    sent = reply(
        _(SENT), "question", ((_("Просмотр"), "cmd:review"), (_("Прогресс"), "cmd:progress"))
    )
    assert [shown(r) for r in replies] == [sent], "read-only: the review and the progress"


async def test_kazakh_walk_speaks_kazakh(demo):
    contact_id = await demo.contact("ngo", user=77, lang="kk")
    person = ScriptedPerson(demo.service, contact_id, lang="kk")
    await person.begin()
    assert [shown(r) for r in person.replies] == [KAZAKH_FIRST_QUESTION]


async def test_period_comes_from_the_campaign(demo):
    contact_id = await demo.contact("mvd_unit", user=78)
    person = ScriptedPerson(demo.service, contact_id, no_data_every=10_000)
    await person.begin()
    while (await person.where())["code"] != "b02.i01.period":
        await person.answer_current()
    assert [shown(r) for r in person.replies] == [PERIOD_OF_2_1]
    await person.answer_current()
    rows = await stored(demo, contact_id)
    assert rows["b02.i01.period"] == ("value", {"start": "2025-01-01", "end": "2025-12-31"})
    assert demo.campaign.deadline == date(2026, 3, 1)


KAZAKH_FIRST_QUESTION = """\
« question
Тіл: Қазақша.

Сәлеметсіз бе! Бұл — «Демо: Адам саудасына қарсы іс-қимыл саласында жұмыс істейтін коммерциялық емес ұйым» ұйымына арналған, 01.01.2025 – 31.12.2025 кезеңіндегі адам саудасына қарсы іс-қимыл саласындағы тәуекелдерді бағалау жөніндегі сауалнама. Тапсыру мерзімі — 01.03.2026.
Әр жауап бірден сақталады; кез келген уақытта тоқтап, кейін жалғастыруға болады. Деректер болмаса, «Деректер жоқ» батырмасын басып, себебін көрсетіңіз.

1-блок. Жалпы сұрақтар
1.1. Қазақстан Республикасында адам саудасына қарсы іс-қимыл саласында қандай тәуекелдер байқалады?
Ескертпе: Адам саудасының профилактикасы, оның алдын алу және онымен күрес жөніндегі күш-жігердің тиімділігін шектеуі мүмкін ықтимал тәуекелдер көрсетіледі.

Адам саудасына қарсы іс-қимыл саласындағы заңнамадағы олқылықтар, халықаралық стандарттарға сәйкес келмеуі
Иә ме, жоқ па? Иә болса, сипаттаңыз.
   [Иә → yes] [Жоқ → no]
   [Жоқ — қалған барлық тармақтарға → no_rest]
   [Деректер жоқ → nd] [Өткізіп жіберу → skip] [Артқа → back]
   [Түсініктеме → comment] [Мәзір → cmd:menu]"""
PERIOD_OF_2_1 = """\
« question
Сохранено.

Блок 2. Министерство внутренних дел Республики Казахстан (территориальные подразделения по борьбе с торговлей людьми департаментов полиции городов Астана, Алматы, Шымкент, областей и на транспорте)
2.1. Количество зарегистрированных преступлений, связанных с торговлей людьми (в разрезе форм торговли людьми), в том числе по информации, поступившей от субъектов противодействия торговле людьми. Какие города/области наиболее подвержены воздействию торговли людьми и какие основные причины?

Отчетный период
Отчетный период: 01.01.2025 – 31.12.2025. Подтвердите, пожалуйста.
   [Подтверждаю → ok]
   [Нет данных → nd] [Пропустить → skip] [Назад → back]
   [Комментарий → comment] [Меню → cmd:menu]"""
