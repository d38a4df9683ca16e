"""Year two: the dialog service passes last year's submitted answers to the engine, which
offers a description again ("same as last year") — never a number of the period."""

from __future__ import annotations

from datetime import date

from tests.engine.scripted import ScriptedPerson, button
from tests.engine.test_bad_inputs import goto
from tests.engine.transcript import render_reply as shown


async def last_year_submitted(demo, kind: str, answers: dict) -> None:
    """A 2024 campaign in which the organisation submitted ``answers``."""
    org = demo.orgs[kind].organisation
    old = await demo.store.create_campaign(
        title="2024",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        questionnaire_version=demo.campaign.questionnaire_version,
        requested_on=date(2025, 1, 10),
        actor="test",
    )
    await demo.store.add_campaign_members(old.id, [org.id], actor="test")
    response = await demo.store.get_or_create_response(org.id, old.id)
    for code, value in answers.items():
        await demo.store.save_answer(response.id, code, value=value, contact_id=None, channel="web")
    response = await demo.store.get_response(response.id)
    await demo.store.submit_response(
        response.id, expected_version=response.version, contact_id=None
    )


async def test_a_description_is_offered_as_last_year_and_kept_in_one_tap(demo):
    await last_year_submitted(
        demo,
        "ngo",
        {
            "b01.i01.legislation_gaps": {"answer": "yes", "description": "Нет закона о жертвах"},
            "b01.i08.trained": 12,
        },
    )
    contact_id = await demo.contact("ngo", user=7)
    person = ScriptedPerson(demo.service, contact_id)
    await person.begin()
    assert "В прошлом году: Да: Нет закона о жертвах" in person.replies[-1].text
    await person.send(button(person.replies, "same"))
    rows = await demo.store.get_or_create_response(
        demo.orgs["ngo"].organisation.id, demo.campaign.id
    )
    saved = {a.field_code: a.value for a in await demo.store.list_answers(rows.id)}
    assert saved["b01.i01.legislation_gaps"] == {
        "answer": "yes",
        "description": "Нет закона о жертвах",
    }
    await goto(person, "b01.i08.trained")
    assert "В прошлом году" not in shown(person.replies[-1])
