"""How the chat reads: a question answered by a button keeps that answer, one line for an
unknown command."""

from __future__ import annotations

from dialogs.questionnaire import default
from dialogs.walk import Walk
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, person

KIND = "ngo"


async def test_a_question_answered_by_a_button_shows_the_answer(running: Harness):
    h = running
    p = person(h, KIND, user_id=8301)
    await p.begin()
    asked = p.replies[-1]
    message_id = p.button_message[button(p.replies, "no").value]
    await p.send(button(p.replies, "no"))
    (edit,) = [c for c in p.calls if c.method == "editMessageText"]
    assert edit.params["message_id"] == message_id
    assert edit.params["text"] == f"{asked.text}\n\n→ Нет"
    assert not edit.params.get("reply_markup")  # its buttons are gone
    assert edit.error is None
    # what the chat holds now: the question with its answer, then the next question
    stored = h.tg.messages[(p.chat_id, message_id)]
    assert stored["text"].endswith("→ Нет") and "reply_markup" not in stored
    first = Walk(default(), h.orgs[KIND].organisation.blocks).steps[0]
    assert await h.stored(KIND) == {first.code: ("value", {"answer": "no", "description": None})}
