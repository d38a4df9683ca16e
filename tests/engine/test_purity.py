"""The engine changes nothing it is given: not the state (down to the draft's nested entry),
not the context, not its answers; the new state comes back in the outcome."""

from __future__ import annotations

import copy

import pytest

from dialogs.contract import Answer, Context, Input, Mode, State
from tests.engine.transcript import context, engine, filled


def list_entry_halfway() -> tuple[State, Context]:
    state = State(
        lang_confirmed=True,
        mode=Mode.LIST_CELL,
        code="b01.i05.partner_states",
        nonce=3,
        shown_item="b01.i05",
        draft={"entry": {"state": "UZ"}, "col": 1, "seen_version": 1},
    )
    entries = [{"state": "KG", "results": "Обмен опытом"}]
    return state, context([1], **{"b01.i05.partner_states": Answer(entries, None, 1)})


def a_count() -> tuple[State, Context]:
    state = State(lang_confirmed=True, mode=Mode.FIELD, code="b16.i01.not_identified", nonce=2)
    answers = {"b16.i01.received": Answer(10, None, 1), "b16.i01.identified": Answer(7, None, 1)}
    return state, context([1, 16], **answers)


def the_summary() -> tuple[State, Context]:
    s = filled(16)
    return State(lang_confirmed=True, mode=Mode.CONFIRM, code=s.state.code, nonce=5), s.ctx


CASES = [
    ("a list entry's last column", list_entry_halfway, Input.text("Совместные операции")),
    ("a count breaking a rule", a_count, Input.text("5")),
    ("a summary refreshed", the_summary, Input.command("submit")),
    ("a submission", the_summary, Input.button("5|submit")),
    ("a language switch", a_count, Input.button("2|lang:kk")),
]


@pytest.mark.parametrize(("name", "given", "inp"), CASES, ids=[c[0] for c in CASES])
def test_a_step_leaves_what_it_was_given_untouched(name, given, inp):
    state, ctx = given()
    state_before, ctx_before = copy.deepcopy(state), copy.deepcopy(ctx)
    outcome = engine().step(state, ctx, inp)
    assert outcome.state != state, "the step moved the dialog on"
    assert state == state_before
    assert ctx == ctx_before
    assert outcome.state is not state and outcome.state.draft is not state.draft
    if "entry" in state.draft:
        assert outcome.state.draft.get("entry") is not state.draft["entry"]


def test_start_and_resume_leave_the_state_untouched():
    state, ctx = list_entry_halfway()
    before = copy.deepcopy(state)
    assert engine().resume(state, ctx).state.draft.get("seen_version") is None
    fresh_state = State()
    engine().start(fresh_state, ctx, "kk-KZ")
    assert state == before
    assert fresh_state == State()


def test_settle_pins_a_new_state_and_leaves_the_outcome_untouched():
    state = State(lang_confirmed=True, mode=Mode.FIELD, code="b16.i05.new_methods", nonce=4)
    ctx = filled(16, missing="b16.i05.new_methods").ctx
    outcome = engine().step(state, ctx, Input.text("Новых методов нет"))
    assert outcome.awaits_response_version and outcome.state.mode is Mode.CONFIRM
    assert outcome.state.draft == {"version": ctx.response_version}
    settled = engine().settle(outcome, 42)
    assert settled.state.draft == {"version": 42}
    assert not settled.awaits_response_version
    assert outcome.state.draft == {"version": ctx.response_version}
    assert settled.replies == outcome.replies and settled.effects == outcome.effects
    assert engine().settle(settled, 43) is settled, "nothing to pin: the outcome as it is"


def test_a_summary_without_saves_awaits_no_version():
    state, ctx = the_summary()
    outcome = engine().step(state, ctx, Input.command("submit"))
    assert outcome.state.mode is Mode.CONFIRM
    assert not outcome.awaits_response_version
    assert outcome.state.draft == {"version": ctx.response_version}
