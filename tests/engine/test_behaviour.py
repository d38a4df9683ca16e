"""The dialog's features one by one: buttons, rules, language, review, edit, submit, conflicts."""

from __future__ import annotations

from dialogs.application.dialog import DialogService
from dialogs.contract import Input
from tests.engine.scripted import ScriptedPerson, button
from tests.engine.test_bad_inputs import answers, goto


async def stored(demo, contact_id) -> dict:
    return {c: v for c, _, v in await answers(demo, contact_id)}


async def person_at(demo, code: str, user: int = 1, lang: str = "ru", kind: str = "ngo"):
    contact_id = await demo.contact(kind, user=user, lang=lang)
    person = ScriptedPerson(demo.service, contact_id, lang=lang)
    await person.begin()
    await goto(person, code)
    return person


async def test_breakdown_category_by_category_with_a_running_sum(demo):
    person = await person_at(demo, "b16.i01.identified")
    await person.send(Input.text("9"))  # identified
    await goto(person, "b16.i01.sex")
    await person.send(button(person.replies, "cat:male"))
    assert "мужской" in person.replies[-1].text
    await person.send(Input.text("4"))
    assert "Итого: 4 из 9" in person.replies[-1].text
    await person.send(button(person.replies, "cat:female"))
    await person.send(Input.text("5"))
    assert "Итого: 9 из 9" in person.replies[-1].text
    await person.send(button(person.replies, "done"))
    values = await stored(demo, person.contact_id)
    assert values["b16.i01.sex"] == {"male": 4, "female": 5, "unknown": 0}
    assert (await person.where())["code"] == "b16.i01.social_status"


async def test_a_mismatch_is_shown_at_once_and_can_be_confirmed_with_an_explanation(demo):
    person = await person_at(demo, "b16.i01.received")
    await person.send(Input.text("10"))
    await goto(person, "b16.i01.identified")
    await person.send(Input.text("7"))
    await person.send(Input.text("5"))  # not identified: 7 + 5 ≠ 10
    text = person.replies[-1].text
    assert "не сходятся" in text and "12" in text and "10" in text
    await person.send(button(person.replies, "explain"))
    await person.send(Input.text("Двое поступили повторно"))
    values = await stored(demo, person.contact_id)
    assert values["rule:b16.i01.identified_plus_not"] == {
        "explanation": "Двое поступили повторно",
        "values": [10, 12],
    }
    # The confirmation holds for these numbers only: change one and it is asked again.
    await goto(person, "b16.i01.not_identified")
    await person.send(Input.text("4"))
    assert "не сходятся" in person.replies[-1].text


async def test_a_mismatch_can_be_corrected(demo):
    person = await person_at(demo, "b16.i01.received")
    await person.send(Input.text("10"))
    await goto(person, "b16.i01.identified")
    await person.send(Input.text("7"))
    await person.send(Input.text("5"))
    await person.send(button(person.replies, "fix"))
    assert (await person.where())["code"] == "b16.i01.not_identified"
    await person.send(Input.text("3"))
    assert "не сходятся" not in person.replies[-1].text
    assert (await stored(demo, person.contact_id))["b16.i01.not_identified"] == 3


async def test_language_switch_continues_the_walk_in_the_new_language(demo):
    person = await person_at(demo, "b01.i02.economic")
    await person.send(Input.command("language"))
    await person.send(button(person.replies, "lang:kk"))
    text = person.replies[-1].text
    assert "Экономикалық" in text
    assert (await person.where())["code"] == "b01.i02.economic"
    contact = await demo.store.get_contact(person.contact_id)
    assert contact.language == "kk"
    person.lang = "kk"
    await person.send(Input.text("Жоқ"))
    assert (await stored(demo, person.contact_id))["b01.i02.economic"] == {
        "answer": "no",
        "description": None,
    }


async def test_back_skip_and_progress(demo):
    person = await person_at(demo, "b01.i01.legislation_gaps")
    await person.send(button(person.replies, "skip"))
    assert (await person.where())["code"] == "b01.i01.weak_regulation"
    await person.send(button(person.replies, "back"))
    assert (await person.where())["code"] == "b01.i01.legislation_gaps"
    await person.send(Input.command("progress"))
    assert "Блок 1, пункт 1 из 10" in person.replies[-1].text
    assert "0%" in person.replies[-1].text


async def test_review_and_edit_an_answer(demo):
    person = await person_at(demo, "b16.i05.new_methods")
    await person.send(Input.text("Вербовка через мессенджеры"))
    await person.send(Input.command("review"))
    await person.send(button(person.replies, "rev:16"))
    review = person.replies[-1].text
    assert "Вербовка через мессенджеры" in review
    await person.send(button(person.replies, "edit:b16.i05"))
    assert "Текущий ответ: Вербовка через мессенджеры" in person.replies[-1].text
    await person.send(Input.text("Вербовка через соцсети"))
    assert person.replies[-1].kind == "summary", "back to the review after the edit"
    assert "Вербовка через соцсети" in person.replies[-1].text
    response = await demo.store.get_response_for_contact(person.contact_id, demo.campaign.id)
    history = await demo.store.answer_history(response.id, "b16.i05.new_methods")
    assert [h.value for h in history] == ["Вербовка через мессенджеры", "Вербовка через соцсети"]


async def test_item_comment_is_stored(demo):
    person = await person_at(demo, "b16.i04.channels")
    await person.send(button(person.replies, "comment"))
    await person.send(Input.text("Данные за второе полугодие"))
    assert (await stored(demo, person.contact_id))[
        "b16.i04.comment"
    ] == "Данные за второе полугодие"
    assert (await person.where())["code"] == "b16.i04.channels"


async def test_submit_is_refused_until_everything_is_answered(demo):
    person = await person_at(demo, "b16.i05.new_methods")
    await person.send(Input.command("submit"))
    reply = person.replies[-1]
    assert "Отправить пока нельзя" in reply.text
    response = await demo.store.get_response_for_contact(person.contact_id, demo.campaign.id)
    assert response.status != "submitted"


async def test_returned_for_correction_reopens_and_says_why(demo):
    contact_id = await demo.contact("tourism_ministry", user=31)
    person = ScriptedPerson(demo.service, contact_id)
    await person.begin()
    await person.walk_all()
    await person.submit()
    response = await demo.store.get_response_for_contact(contact_id, demo.campaign.id)
    assert response.status == "submitted"
    await demo.store.return_for_correction(
        response.id, "Уточните пункт 13.1", actor="coordinator:test"
    )
    replies = await demo.service.start(contact_id, channel="web")
    assert any("Уточните пункт 13.1" in r.text for r in replies)
    await goto(person, "b13.i01.reports_referred")
    await person.send(Input.text("11"))
    assert (await stored(demo, contact_id))["b13.i01.reports_referred"] == 11


async def test_two_colleagues_never_overwrite_each_other(demo):
    first = await person_at(demo, "b16.i02.residence_appeals", user=41)
    colleague_id = await demo.contact("ngo", user=42)
    colleague = ScriptedPerson(DialogService(demo.store), colleague_id)
    await colleague.begin()
    await goto(colleague, "b16.i02.residence_appeals")
    await colleague.send(Input.text("5"))  # the colleague answers first
    replies = await first.send(Input.text("6"))  # the first saw the field empty
    assert "изменил коллега" in replies[0].text
    assert "5" in replies[0].text
    assert (await stored(demo, first.contact_id))["b16.i02.residence_appeals"] == 5
    await first.send(Input.text("6"))  # now they knowingly replace it
    assert (await stored(demo, first.contact_id))["b16.i02.residence_appeals"] == 6


async def test_an_unsure_country_offers_the_closest_matches(demo):
    person = await person_at(demo, "b16.i01.citizenship")
    await person.send(Input.text("Австр: 3"))
    labels = [b.label for row in person.replies[-1].buttons for b in row]
    assert "Австрия" in labels and "Австралия" in labels
    await person.send(button(person.replies, "pick:AT"))
    assert (await stored(demo, person.contact_id))["b16.i01.citizenship"] == {"AT": 3}


async def test_countries_typed_in_kazakh_and_english(demo):
    person = await person_at(demo, "b16.i01.citizenship", lang="kk")
    await person.send(Input.text("Өзбекстан: 2; Russia: 1; азаматтығы жоқ: 1"))
    assert (await stored(demo, person.contact_id))["b16.i01.citizenship"] == {
        "UZ": 2,
        "RU": 1,
        "stateless": 1,
    }
    assert "Ресей: 1" in person.replies[-1].text


async def test_help_explains_and_keeps_the_question(demo):
    person = await person_at(demo, "b16.i02.residence_appeals")
    await person.send(Input.command("help"))
    assert "/menu" in person.replies[-1].text
    assert (await person.where())["code"] == "b16.i02.residence_appeals"


async def test_a_closed_collection_is_read_only(demo):
    person = await person_at(demo, "b16.i02.residence_appeals")
    await demo.store.set_campaign_status(demo.campaign.id, "closed", actor="coordinator:test")
    before = await stored(demo, person.contact_id)
    replies = await person.send(Input.text("5"))
    assert "Сбор данных завершён" in replies[-1].text
    assert await stored(demo, person.contact_id) == before
    await person.send(Input.command("review"))
    assert person.replies[-1].kind == "summary", "answers can still be read"
