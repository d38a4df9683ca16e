"""One review entry read whole through the dialog service (what Telegram's «Показать
полностью» sends): the contact's own answer, in their dialog's language; nothing of a
block they do not answer, nothing for a code that is no entry."""

from __future__ import annotations

from dialogs.contract import Input
from tests.engine.test_behaviour import person_at

LONG = "Вербовка через мессенджеры и объявления о работе за рубежом. " * 20


async def test_an_entry_is_read_whole_and_only_the_contacts_own(demo) -> None:
    person = await person_at(demo, "b16.i05.new_methods")
    await person.send(Input.text(LONG))
    entry = await demo.service.review_entry(person.contact_id, "b16.i05.new_methods")
    assert entry is not None and entry.answer == LONG.strip() and entry.item == "16.5"
    assert entry.label == "Новые формы и методы"
    for code in ("b02.i04.requests_received", "b16.i05.nothing", "rule:", "", "b99.i01.x"):
        assert await demo.service.review_entry(person.contact_id, code) is None, code
    before = (await person.where())["nonce"]
    await demo.service.review_entry(person.contact_id, "b16.i05.new_methods")
    assert (await person.where())["nonce"] == before, "a read: the dialog did not move"
