"""The review in Telegram, through the fake Bot API and the real aiogram bot: reached by
walking to the summary, one message per block (split between items past 4096), a
1,000-character answer behind «Показать полностью» arriving whole when tapped, a
4,000-character one in messages within the limit, «Изменить 2.4» landing on 2.4's first
field, and the number typed there stored in that field and no other."""

from __future__ import annotations

import re

from dialogs.contract import Input
from dialogs.questionnaire import default
from dialogs.walk import Walk
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, person

LONG = ("Проведены встречи с партнёрами по обмену сведениями. " * 20).strip()  # ~1,070
HUGE = ("Причина: сложность сбора доказательств за рубежом; " * 80)[:4000].strip()
HEADING = re.compile(r"^\d+\.\d+\. ")


def sends(calls: list) -> list:
    return [c for c in calls if c.method == "sendMessage" and c.error is None]


def full_buttons(call) -> dict[str, str]:
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


async def test_the_review_on_a_phone(running: Harness) -> None:
    h = running
    p = person(h, "mvd_unit", user_id=9301)
    await p.begin()
    q = default()
    steps = Walk(q, h.orgs["mvd_unit"].organisation.blocks).steps
    response = await h.store.get_response_for_contact(p.contact_id, h.campaign.id)
    values = {"count": 10, "text": "Ответ", "amount": "1000.00"}
    for s in steps[:-1]:  # everything but the last field, as saved earlier
        if s.field.kind in values:
            value = values[s.field.kind]
            await h.store.save_answer(response.id, s.code, value=value, contact_id=p.contact_id,
                                      channel="telegram")  # fmt: skip
        else:
            await h.store.save_answer(response.id, s.code, no_data_reason="Учёт не ведётся",
                                      contact_id=p.contact_id, channel="telegram")  # fmt: skip
    for code, text in (("b02.i05.measures", LONG), ("b02.i06.low_rate_reasons", HUGE)):
        await h.store.save_answer(response.id, code, value=text, contact_id=p.contact_id,
                                  channel="telegram")  # fmt: skip
    # the walk: the menu to 2.13, its answered fields kept, the last one typed; the
    # summary; «Просмотр»
    await p.send(Input.command("menu"))
    await p.send(button(p.replies, "blk:2"))
    await p.send(button(p.replies, "itm:b02.i13"))
    while (await p.where())["code"] != steps[-1].code:
        await p.send(button(p.replies, "keep"))
    await p.send(Input.text("Риски при работе с несовершеннолетними"))
    assert (await p.where())["mode"] == "confirm"
    await p.send(button(p.replies, "cmd:review"))
    block2, review = sends(p.calls), p.replies
    assert [c.params["text"].split("\n", 1)[0][:8] for c in block2][0] == "Блок 2. "
    assert len(block2) == 2, "block 2 (13 items) fills two messages, split between items"
    assert all(len(c.params["text"]) <= 4096 for c in block2)
    assert HEADING.match(block2[1].params["text"])
    text = "\n".join(c.params["text"] for c in block2)
    assert "2.4 Количество поступивших международных поручений: 10" in text.split("\n")
    assert LONG not in text and HUGE[:1000] not in text
    marks = {b: d for c in block2 for b, d in full_buttons(c).items() if d.startswith("full:")}
    assert marks == {"Показать полностью [1]": "full:b02.i05.measures",
                     "Показать полностью [2]": "full:b02.i06.low_rate_reasons"}  # fmt: skip
    assert "Изменить 2.4" in full_buttons(block2[-1]) and "Отправить" in full_buttons(block2[-1])

    # «Показать полностью [1]»: the answer whole; the review stays as it was
    await p.deliver(h.tg.callback(p.tg_user, marks["Показать полностью [1]"],
                                  block2[0].result["message_id"]))  # fmt: skip
    (whole,) = sends(p.calls)
    assert whole.params["text"].endswith("Предпринятые меры реагирования\n\n" + LONG)
    assert not [c for c in p.calls if c.method.startswith("edit")], "the review is untouched"
    # the 4,000-character one: in messages within the limit, all of it
    await p.deliver(h.tg.callback(p.tg_user, marks["Показать полностью [2]"],
                                  block2[0].result["message_id"]))  # fmt: skip
    parts = [c.params["text"] for c in sends(p.calls)]
    assert len(parts) == 2 and all(len(t) <= 4096 for t in parts)
    assert HUGE in "".join(parts).replace("\n", "")

    # block 1: its 36 fields just past one message, the last item goes on in a second
    await p.send(button(review, "rev:1"))
    block1 = [c.params["text"] for c in sends(p.calls)]
    assert len(block1) == 2 and all(len(t) <= 4096 for t in block1)
    assert block1[0].startswith("Блок 1. Общие вопросы\n\n1.1. ")
    assert block1[1].startswith("1.10. Проблемные вопросы")

    # «Изменить 2.4» from block 2's review: 2.4's first field; «12» goes there only
    await p.send(button(p.replies, "rev:2"))
    before = await h.stored("mvd_unit")
    await p.send(button(p.replies, "edit:b02.i04"))
    assert (await p.where())["code"] == "b02.i04.requests_received"
    asked = p.replies[-1].text
    assert "2.4. " in asked and "Количество поступивших международных поручений" in asked
    await p.send(Input.text("12"))
    after = await h.stored("mvd_unit")
    assert after["b02.i04.requests_received"] == ("value", 12)
    assert {k: v for k, v in after.items() if k != "b02.i04.requests_received"} == {
        k: v for k, v in before.items() if k != "b02.i04.requests_received"
    }
    assert (await p.where())["code"] == "b02.i04.requests_sent"  # the item's next field
    await p.send(button(p.replies, "keep"))  # then back to the review of block 2
    assert sends(p.calls)[0].params["text"].startswith("Блок 2. ")
