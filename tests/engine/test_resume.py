"""Interrupt a walk anywhere, continue with a fresh engine: the same answers are stored."""

from __future__ import annotations

import random

import pytest

from dialogs.application.dialog import DialogService
from dialogs.contract import Input
from storage.repository import Store
from tests.demo_db import DemoTemplate
from tests.engine.scripted import ScriptedPerson


async def run(
    template: DemoTemplate, tmp_path, name: str, kind: str, lang: str, seed: int | None
) -> dict:
    demo = template.copy_to(tmp_path / f"{name}.db")
    url, campaign, token = demo.url, demo.campaign, demo.token(kind)
    store = Store.from_url(url)
    contact = await store.redeem_invitation(token, web_login="p1", channel="web", language=lang)
    person = ScriptedPerson(DialogService(store), contact.id, lang=lang)
    await person.begin()
    rng = random.Random(seed)
    restarts = 0
    while True:
        if seed is not None and rng.random() < 0.15:
            # The process dies between two messages: a new store, a new engine.
            await store.close()
            store = Store.from_url(url)
            person.service = DialogService(store)
            restarts += 1
            if rng.random() < 0.5:  # and the person reopens the chat with /start
                await person.send(Input.command("start"))
        if not await person.answer_current():
            break
    response = await store.get_response_for_contact(contact.id, campaign.id)
    rows = await store.list_answers(response.id)
    await store.close()
    assert seed is None or restarts > 0
    return {r.field_code: (r.status, r.value, r.no_data_reason) for r in rows}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
async def test_interrupted_walk_ends_with_the_same_answers(demo_template, tmp_path, seed):
    kind, lang = ("labour_ministry", "ru") if seed % 2 else ("mvd_unit", "kk")
    straight = await run(demo_template, tmp_path, "straight", kind, lang, None)
    interrupted = await run(demo_template, tmp_path, f"interrupted{seed}", kind, lang, seed)
    assert interrupted == straight
    assert len(straight) > 40
