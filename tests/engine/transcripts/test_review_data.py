"""The review as data a person can trust before submitting: every answer in full, a
choice by its number and full text, a confirmed mismatch with its explanation; resume
says what was answered last; the skipped questions skipped again end at the review."""

from __future__ import annotations

from dialogs.contract import Answer, Input, ReviewEntry
from tests.engine.transcript import at, filled

LONG = ("Описание " + "очень подробное " * 63).strip()  # over 1,000 characters


def test_the_review_holds_every_answer_in_full_and_options_by_number() -> None:
    s = at(
        "b01.i01.legislation_gaps",
        **{
            "b01.i01.legislation_gaps": Answer({"answer": "yes", "description": LONG}, None, 1),
            "b01.i04.cooperation": Answer(
                {"option": "with_difficulties", "description": "Долгие ответы"}, None, 1
            ),
        },
    )
    s.send(Input.command("review"))
    nonce = s.state.nonce
    entries = {e.label: e for e in s.replies[-1].review}
    gaps = entries[
        "Пробелы в законодательстве в сфере противодействия торговле людьми, несоответствие "
        "международным стандартам"
    ]
    assert len(LONG) > 1000
    assert gaps == ReviewEntry(
        "1.1",
        "Какие риски наблюдаются в сфере противодействия торговле людьми в Республике Казахстан?",
        gaps.label,
        f"Да: {LONG}",
        edit=f"{nonce}|edit:b01.i01",  # a button of this review, pressed as it is
        code="b01.i01.legislation_gaps",
    )
    choice = entries["Выберите вариант, который соответствует вашей практике, и опишите его"]
    assert choice.answer.startswith(
        "2. Международное сотрудничество осуществляется в рамках международных конвенций, "
        "соглашений, форумов, круглых столов. Сложности возникают (из-за различий"
    )
    assert choice.answer.endswith("международных мероприятий). — Долгие ответы")
    assert f"Да: {LONG}" in s.replies[-1].text
    s.send(Input.button(gaps.edit or ""))  # «Изменить» as the web sends it: 1.1's first field
    assert s.state.code == "b01.i01.legislation_gaps" and s.state.after == "review:1"


def test_a_confirmed_mismatch_shows_its_explanation_in_the_review() -> None:
    s = filled(
        16,
        **{
            "b16.i01.received": Answer(3, None, 1),
            "b16.i01.referred_by": Answer({"unknown": 3}, None, 1),
            "rule:b16.i01.identified_plus_not": Answer(
                {"explanation": "Трое поступили в конце года", "values": [3, 0]}, None, 1
            ),
        },
    )
    s.send(Input.command("review"))  # the block of the field on screen: 16
    mismatches = [e for e in s.replies[-1].review if e.kind == "mismatch"]
    assert [(e.item, e.answer, e.note) for e in mismatches] == [
        (
            "16.1",
            "Данные не сходятся: «Из них идентифицированных, Из них не идентифицированных» — 0, "
            "а «Общее количество поступивших лиц» — 3. Сумма должна быть равна.",
            "Трое поступили в конце года",
        )
    ]
    assert (
        "  ✓ Данные не сходятся: «Из них идентифицированных, Из них не идентифицированных» — 0, "
        "а «Общее количество поступивших лиц» — 3. Сумма должна быть равна. "
        "Пояснение: Трое поступили в конце года"
    ) in s.replies[-1].text.split("\n")


def test_resume_says_what_was_answered_last() -> None:
    s = at(
        "b01.i01.weak_regulation",
        **{"b01.i01.legislation_gaps": Answer({"answer": "no", "description": None}, None, 1)},
    )
    s.resume()
    assert s.replies[-1].text.split("\n\n")[0] == (
        "Последний ответ — 1.1. Пробелы в законодательстве в сфере противодействия торговле "
        "людьми, несоответствие международным стандартам: Нет"
    )
    assert s.replies[-1].text.split("\n\n")[1].startswith("Блок 1. Общие вопросы\n1.1. ")


def test_skipping_the_skipped_questions_again_ends_at_the_review() -> None:
    """Two open fields: past the last question, back to the first; skipped twice more,
    the review of their block with how many are open — not the first one again."""
    s = filled(16, missing="b16.i01.received")
    s.ctx.answers.pop("b16.i02.residence_appeals")
    s.resume()  # on the last field
    s.press("skip")
    assert s.state.code == "b16.i01.received"
    assert s.replies[-1].text.startswith("Это был последний вопрос. Вернёмся к пропущенным.")
    s.press("skip")
    assert s.state.code == "b16.i02.residence_appeals"
    s.press("skip")
    assert s.state.mode.value == "review"
    assert [r.kind for r in s.replies] == ["info", "summary"]  # the note, then the review
    assert s.replies[0].text == (
        "Без ответа осталось вопросов: 2. Ответьте на них (кнопки «Изменить» ниже) или "
        "укажите «Нет данных»; затем анкету можно отправить."
    )
