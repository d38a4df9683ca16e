"""The review as Telegram messages, drawn from the engine's entries: one line per field
with its item number and full label, long answers shortened behind «Показать полностью»,
split between items (never inside an entry) within the limit, the engine's buttons last."""

from __future__ import annotations

import re

from bot.telegram.limits import utf16_len
from bot.telegram.review import FOLD_CHARS, full_text, review_parts
from dialogs.contract import Answer, Button, Input, Mode, Reply, State
from dialogs.walk import Walk
from tests.engine.transcript import context, engine, filled

LONG = "Проведены встречи с партнёрами по обмену сведениями, " * 20  # ~1,080 characters


def review_of(block: int, **answers: Answer) -> Reply:
    """Block ``block`` of mvd_unit's questionnaire (blocks 1, 2) as the engine reviews it."""
    e = engine()
    ctx = context([1, 2], **answers)
    code = Walk(e.q, [1, 2]).steps[-1].code if block == 2 else "b01.i01.legislation_gaps"
    out = e.resume(State(lang_confirmed=True, mode=Mode.FIELD, code=code), ctx)
    out = e.step(out.state, ctx, Input.command("review"))
    (reply,) = [r for r in out.replies if r.review]
    return reply


def test_one_line_per_field_a_long_answer_behind_a_button() -> None:
    reply = review_of(2, **{"b02.i05.measures": Answer(LONG, None, 1),
                            "b02.i04.requests_received": Answer(12, None, 1)})  # fmt: skip
    first, last = review_parts(reply, "ru")  # block 2's thirteen items: two messages
    lines = first.text.split("\n")
    assert lines[0].startswith("Блок 2. Министерство внутренних дел")
    assert (
        lines[2]
        == "2.1. Количество зарегистрированных преступлений, связанных с торговлей людьми (в разрезе форм…"
    )
    assert "2.4 Количество поступивших международных поручений: 12" in lines
    (measures,) = [x for x in lines if x.startswith("2.5 Предпринятые меры реагирования: ")]
    assert measures.endswith("… [1]") and len(measures) < FOLD_CHARS + 60
    assert first.rows == [[Button("Показать полностью [1]", "full:b02.i05.measures")]]
    assert re.match(r"2\.1\d\. ", last.text)  # an item's heading: split between items
    labels = [b.label for row in last.rows for b in row]
    assert labels[:13] == [f"Изменить 2.{n}" for n in range(1, 14)]  # one per item, then
    assert labels[-2:] == ["Продолжить", "Отправить"]  # the engine's other buttons
    entry = next(e for e in reply.review if e.code == "b02.i05.measures")
    assert full_text(entry, "ru").endswith("\n\n" + LONG)


def test_a_review_longer_than_a_message_is_split_between_items() -> None:
    reason = ("Сведения не ведутся: " + "подробное пояснение " * 14)[: FOLD_CHARS - 20]
    e = engine()
    answers = {s.code: Answer(None, reason, 1) for s in Walk(e.q, [1]).steps}
    reply = review_of(1, **answers)
    parts = review_parts(reply, "ru")
    assert len(parts) > 1 and all(utf16_len(p.text) <= 4096 for p in parts)
    for p in parts[1:]:
        assert p.text.split("\n", 1)[0].split(" ", 1)[0] in {f"1.{n}." for n in range(1, 11)}
    shown = [line for p in parts for line in p.text.split("\n")]
    for entry in reply.review:  # every entry whole, in one message
        assert entry.answer.startswith("нет данных: Сведения не ведутся")
        assert f"{entry.item} {entry.label}: {entry.answer}" in shown
    assert [bool(p.rows) for p in parts] == [False] * (len(parts) - 1) + [True]


def test_an_item_longer_than_a_message_goes_on_by_entries_with_its_buttons() -> None:
    reply = review_of(2, **{f"b02.i13.{k}": Answer(LONG, None, 1) for k in (
        "risks_investigation", "risks_public_order", "risks_reception_centres",
        "risks_migration_control", "risks_minors")})  # fmt: skip
    parts = review_parts(reply, "ru", limit=900)
    assert all(utf16_len(p.text) <= 900 for p in parts)
    for n in range(1, 6):  # each footnote's button under the message showing its line
        (holder,) = [p for p in parts if f"… [{n}]" in p.text]
        assert f"Показать полностью [{n}]" in [b.label for row in holder.rows for b in row]
    assert [b.label for row in parts[-1].rows for b in row][-1] == "Отправить"


def test_a_confirmed_mismatch_reads_with_its_explanation() -> None:
    why = "Трое поступили в конце года, их данные будут учтены в следующем периоде. " * 6
    s = filled(16, **{
        "b16.i01.received": Answer(3, None, 1), "b16.i01.referred_by": Answer({"unknown": 3}, None, 1),
        "rule:b16.i01.identified_plus_not": Answer({"explanation": why, "values": [3, 0]}, None, 1),
    })  # fmt: skip
    s.send(Input.command("review"))
    reply = s.replies[-1]
    (line,) = [x for p in review_parts(reply, "ru") for x in p.text.split("\n") if "✓" in x]
    assert line.startswith("16.1 ✓ Данные не сходятся")
    assert "Пояснение: Трое поступили в конце года" in line and line.endswith("… [1]")
    rows = [r for p in review_parts(reply, "ru") for r in p.rows]
    (full,) = [b for row in rows for b in row if b.label == "Показать полностью [1]"]
    assert full.data == "full:rule:b16.i01.identified_plus_not"
    (entry,) = [x for x in reply.review if x.code == full.data[5:]]
    assert full_text(entry, "ru").endswith("Пояснение: " + why)
