"""Walk the complete questionnaire of every subject kind, in Russian and Kazakh."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs.questionnaire import default
from dialogs.walk import Walk
from tests.engine.scripted import ScriptedPerson

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

    summary = person.replies[-1].text
    assert str(len(walk)) in summary
    await person.submit()
    response = await demo.store.get_response_for_contact(contact_id, demo.campaign.id)
    assert response.status == "submitted"
    assert response.submitted_by == contact_id

    # After submit the response is read-only: typing changes nothing.
    before = await stored(demo, contact_id)
    replies = await person.send(
        person.replies[-1] and __import__("dialogs.contract").contract.Input.text("99")
    )
    assert await stored(demo, contact_id) == before
    assert replies[-1].buttons, "read-only message offers review and progress"


async def test_kazakh_walk_speaks_kazakh(demo):
    contact_id = await demo.contact("ngo", user=77, lang="kk")
    person = ScriptedPerson(demo.service, contact_id, lang="kk")
    await person.begin()
    text = person.replies[-1].text
    assert "Блок 1" in text or "1-блок" in text
    assert "Иә" in [b.label for row in person.replies[-1].buttons for b in row]
    assert "Қазақстан Республикасында" in text


async def test_period_comes_from_the_campaign(demo):
    contact_id = await demo.contact("mvd_unit", user=78)
    person = ScriptedPerson(demo.service, contact_id, no_data_every=10_000)
    await person.begin()
    while (await person.where())["code"] != "b02.i01.period":
        await person.answer_current()
    assert "01.01.2025 – 31.12.2025" in person.replies[-1].text
    await person.answer_current()
    rows = await stored(demo, contact_id)
    assert rows["b02.i01.period"] == ("value", {"start": "2025-01-01", "end": "2025-12-31"})
    assert demo.campaign.deadline == date(2026, 3, 1)
