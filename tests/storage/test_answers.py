"""Answers: typed JSON values, append-only history, compare-and-set, concurrent writers."""

from __future__ import annotations

import asyncio

import pytest

from storage import errors
from storage.repository import Store
from tests.storage.conftest import World

VALUES = {
    "b01.i01": 17,
    "b01.i02": {"answer": True, "description": "Joint raids with the NGO"},
    "b02.i01": {"women": 3, "men": 1, "children": 0},
    "b02.i02": [{"date": "2025-03-01", "article": "128"}, {"date": "2025-07-11", "article": "135"}],
    "b02.i03": 2.5,
    "b01.i01.comment": "Data from the regional department",
    "rule:sum_b02": True,
}


@pytest.fixture
async def response_id(store: Store, world: World) -> int:
    return (await store.get_response_for_contact(world.alice.id, world.campaign.id)).id


async def test_typed_values_round_trip(store: Store, world: World, response_id: int) -> None:
    for code, value in VALUES.items():
        saved = await store.save_answer(
            response_id, code, value=value, contact_id=world.alice.id, channel="telegram"
        )
        assert (saved.version, saved.status) == (1, "answered")
    answers = await store.list_answers(response_id, contact_id=world.alice.id)
    assert {a.field_code: a.value for a in answers} == VALUES
    assert [a.field_code for a in answers] == sorted(VALUES)
    one = await store.get_answer(response_id, "b02.i01")
    assert (one.contact_id, one.channel) == (world.alice.id, "telegram")
    assert one.answered_at.tzinfo is not None


async def test_no_data_answer(store: Store, world: World, response_id: int) -> None:
    saved = await store.save_answer(
        response_id,
        "b01.i05",
        no_data_reason="Not collected by this body",
        contact_id=world.alice.id,
        channel="web",
    )
    assert (saved.status, saved.value, saved.no_data_reason) == (
        "no_data",
        None,
        "Not collected by this body",
    )
    with pytest.raises(ValueError):
        await store.save_answer(
            response_id, "b01.i05", value=1, no_data_reason="x", contact_id=None, channel="admin"
        )
    for bad in ["", "x" * 201]:
        with pytest.raises(ValueError):
            await store.save_answer(response_id, bad, value=1, contact_id=None, channel="admin")
    with pytest.raises(ValueError):
        await store.save_answer(response_id, "b01.i05", value=1, contact_id=None, channel="fax")
    long_code = "b" + "x" * 199
    assert (
        await store.save_answer(response_id, long_code, value=1, contact_id=None, channel="admin")
    ).field_code == long_code


async def test_history_keeps_every_value_in_order(
    store: Store, world: World, response_id: int
) -> None:
    colleague = await store.create_contact(world.org_a.id, web_login="colleague", actor="c")
    await store.save_answer(
        response_id, "b01.i01", value=1, contact_id=world.alice.id, channel="telegram"
    )
    await store.save_answer(response_id, "b01.i01", value=2, contact_id=colleague.id, channel="web")
    await store.save_answer(
        response_id,
        "b01.i01",
        no_data_reason="unknown",
        contact_id=world.alice.id,
        channel="telegram",
    )
    assert await store.clear_answer(response_id, "b01.i01", contact_id=colleague.id, channel="web")
    assert await store.get_answer(response_id, "b01.i01") is None
    assert not await store.clear_answer(
        response_id, "b01.i01", contact_id=colleague.id, channel="web"
    )
    again = await store.save_answer(
        response_id, "b01.i01", value=3, contact_id=world.alice.id, channel="telegram"
    )
    assert again.version == 5  # versions keep counting across the clearing

    history = await store.answer_history(response_id, "b01.i01")
    assert [
        (h.revision, h.status, h.value, h.no_data_reason, h.contact_id, h.channel) for h in history
    ] == [
        (1, "answered", 1, None, world.alice.id, "telegram"),
        (2, "answered", 2, None, colleague.id, "web"),
        (3, "no_data", None, "unknown", world.alice.id, "telegram"),
        (4, "cleared", None, None, colleague.id, "web"),
        (5, "answered", 3, None, world.alice.id, "telegram"),
    ]
    assert all(h.answered_at.tzinfo is not None for h in history)
    assert [h.answered_at for h in history] == sorted(h.answered_at for h in history)
    assert await store.answer_history(response_id, "b09.i09") == []


async def test_stale_edit_is_refused_not_applied(
    store: Store, world: World, response_id: int
) -> None:
    colleague = await store.create_contact(world.org_a.id, web_login="colleague", actor="c")
    first = await store.save_answer(
        response_id,
        "b02.i01",
        value={"women": 1},
        contact_id=world.alice.id,
        channel="telegram",
        expected_version=0,
    )
    # both saw version 1; the colleague saves first
    await store.save_answer(
        response_id,
        "b02.i01",
        value={"women": 2},
        contact_id=colleague.id,
        channel="web",
        expected_version=first.version,
    )
    with pytest.raises(errors.StaleAnswerError) as info:
        await store.save_answer(
            response_id,
            "b02.i01",
            value={"women": 9},
            contact_id=world.alice.id,
            channel="telegram",
            expected_version=first.version,
        )
    stale = info.value
    assert (stale.field_code, stale.expected_version, stale.current_version) == ("b02.i01", 1, 2)
    assert stale.current_value == {"women": 2} and stale.current_status == "answered"
    assert "someone changed it" in str(stale)
    assert (await store.get_answer(response_id, "b02.i01")).value == {"women": 2}
    assert [h.value for h in await store.answer_history(response_id, "b02.i01")] == [
        {"women": 1},
        {"women": 2},
    ]
    # "I saw no answer" is stale once someone answered
    with pytest.raises(errors.StaleAnswerError) as info:
        await store.save_answer(
            response_id,
            "b02.i01",
            value={},
            contact_id=world.alice.id,
            channel="telegram",
            expected_version=0,
        )
    assert info.value.current_version == 2
    # a clear with a stale version is refused too
    with pytest.raises(errors.StaleAnswerError):
        await store.clear_answer(
            response_id,
            "b02.i01",
            contact_id=world.alice.id,
            channel="telegram",
            expected_version=1,
        )
    # a plain write (no expected version) wins, and history keeps both
    await store.save_answer(
        response_id, "b02.i01", value={"women": 3}, contact_id=world.alice.id, channel="telegram"
    )
    assert [h.revision for h in await store.answer_history(response_id, "b02.i01")] == [1, 2, 3]


async def test_submitted_response_refuses_writes(
    store: Store, world: World, response_id: int
) -> None:
    await store.save_answer(
        response_id, "b01.i01", value=1, contact_id=world.alice.id, channel="telegram"
    )
    version = (await store.get_response(response_id)).version
    await store.submit_response(response_id, expected_version=version, contact_id=world.alice.id)
    with pytest.raises(errors.ResponseLockedError) as info:
        await store.save_answer(
            response_id, "b01.i01", value=2, contact_id=world.alice.id, channel="telegram"
        )
    assert info.value.status == "submitted"
    with pytest.raises(errors.ResponseLockedError):
        await store.save_answer(response_id, "b01.i09", value=2, contact_id=None, channel="admin")
    with pytest.raises(errors.ResponseLockedError):
        await store.clear_answer(response_id, "b01.i01", contact_id=world.alice.id, channel="web")
    assert (await store.get_answer(response_id, "b01.i01")).value == 1
    assert len(await store.answer_history(response_id, "b01.i01")) == 1
    assert (await store.get_response(response_id)).version == version + 1


async def test_two_contacts_writing_many_fields_concurrently_lose_nothing(
    store: Store, world: World, response_id: int
) -> None:
    colleague = await store.create_contact(world.org_a.id, web_login="colleague", actor="c")

    async def writer(contact_id: int, prefix: str) -> None:
        for i in range(25):
            await store.save_answer(
                response_id,
                f"{prefix}.i{i:02d}",
                value=i,
                contact_id=contact_id,
                channel="telegram",
                expected_version=0,
            )

    await asyncio.gather(writer(world.alice.id, "b01"), writer(colleague.id, "b02"))
    answers = {a.field_code: (a.value, a.contact_id) for a in await store.list_answers(response_id)}
    assert len(answers) == 50
    assert all(answers[f"b01.i{i:02d}"] == (i, world.alice.id) for i in range(25))
    assert all(answers[f"b02.i{i:02d}"] == (i, colleague.id) for i in range(25))
    # every answer bumped the response version exactly once
    assert (await store.get_response(response_id)).version == 51


async def test_two_writers_same_field_same_version_exactly_one_wins(
    store: Store, world: World, response_id: int
) -> None:
    colleague = await store.create_contact(world.org_a.id, web_login="colleague", actor="c")
    base = await store.save_answer(
        response_id, "b01.i01", value=0, contact_id=world.alice.id, channel="telegram"
    )
    for round_ in range(5):
        results = await asyncio.gather(
            store.save_answer(
                response_id,
                "b01.i01",
                value=f"alice-{round_}",
                contact_id=world.alice.id,
                channel="telegram",
                expected_version=base.version,
            ),
            store.save_answer(
                response_id,
                "b01.i01",
                value=f"colleague-{round_}",
                contact_id=colleague.id,
                channel="web",
                expected_version=base.version,
            ),
            return_exceptions=True,
        )
        winners = [r for r in results if not isinstance(r, BaseException)]
        losers = [r for r in results if isinstance(r, BaseException)]
        assert len(winners) == 1 and len(losers) == 1
        assert isinstance(losers[0], errors.StaleAnswerError)
        assert losers[0].current_value == winners[0].value
        stored = await store.get_answer(response_id, "b01.i01")
        assert (stored.value, stored.version) == (winners[0].value, base.version + 1)
        base = stored
    assert len(await store.answer_history(response_id, "b01.i01")) == 6


async def test_concurrent_first_answers_to_one_field(
    store: Store, world: World, response_id: int
) -> None:
    """Both saw an empty field (expected_version=0): one creates it, the other is refused."""
    colleague = await store.create_contact(world.org_a.id, web_login="colleague", actor="c")
    results = await asyncio.gather(
        store.save_answer(
            response_id,
            "b05.i01",
            value="a",
            contact_id=world.alice.id,
            channel="telegram",
            expected_version=0,
        ),
        store.save_answer(
            response_id,
            "b05.i01",
            value="b",
            contact_id=colleague.id,
            channel="web",
            expected_version=0,
        ),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["Answer", "StaleAnswerError"]
    assert len(await store.answer_history(response_id, "b05.i01")) == 1


async def test_unknown_response(store: Store, world: World) -> None:
    with pytest.raises(errors.NotFound):
        await store.save_answer(9999, "b01.i01", value=1, contact_id=None, channel="admin")
