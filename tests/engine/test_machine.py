"""The state machine itself: its drawing is its wiring, stored states still load, the wiring
is enforced, and no input a person can send makes a step raise."""

from __future__ import annotations

import json
import random
import re

import pytest

import dialogs.engine
from dialogs.contract import Answer, Input, Mode, State
from dialogs.engine.machine import ANYWHERE, TABLE
from dialogs.engine.turn import IllegalTransition
from tests.engine.transcript import Session, at, context, engine, filled, fresh


def drawn() -> tuple[dict[str, set[str]], set[str]]:
    """The mode table and the "from anywhere" modes as the package docstring draws them."""
    doc = dialogs.engine.__doc__ or ""
    table = {}
    for line in doc.splitlines():
        if "→" in line and line.split()[0] in {m.name.lower() for m in Mode}:
            exits = line.split("→", 1)[1].strip()
            table[line.split()[0]] = {e.strip() for e in exits.split(",") if e.strip()}
    anywhere = re.search(r"from\s+anywhere:\s+([a-z_,\s]+)\.", doc)
    assert anywhere, "the docstring names what every mode leads to"
    return table, {m.strip() for m in anywhere.group(1).split(",")}


def test_the_docstring_draws_the_wiring_as_it_is():
    table, anywhere = drawn()
    wired = {
        mode.name.lower(): {e.name.lower() for e in exits} for mode, (_, exits) in TABLE.items()
    }
    assert table == wired
    assert anywhere == {m.name.lower() for m in ANYWHERE}


def test_every_mode_is_wired_once():
    assert set(TABLE) == set(Mode)
    views = [view for view, _ in TABLE.values()]
    assert len({type(v) for v in views}) == len(views), "one view class per mode"


STORED = {
    "new": Mode.NEW,
    "field": Mode.FIELD,
    "describe": Mode.DESCRIBE,
    "no_data": Mode.NO_DATA,
    "comment": Mode.COMMENT,
    "bd_value": Mode.BREAKDOWN_VALUE,
    "pick": Mode.COUNTRY_PICK,
    "list_col": Mode.LIST_CELL,
    "list_more": Mode.LIST_MORE,
    "rule": Mode.RULE,
    "rule_explain": Mode.RULE_EXPLAIN,
    "menu": Mode.MENU,
    "items": Mode.ITEMS,
    "review": Mode.REVIEW,
    "confirm": Mode.CONFIRM,
    "submitted": Mode.SUBMITTED,
    "lang": Mode.NEW,  # listed by the old engine, never set
    "frobnicate": Mode.NEW,
}


@pytest.mark.parametrize(("stored", "mode"), STORED.items())
def test_mode_strings_stored_by_any_version_load(stored, mode):
    state = State.from_json({"mode": stored, "code": "b01.i01.legislation_gaps", "junk": 1})
    assert state.mode is mode
    again = json.loads(json.dumps(state.to_json()))
    assert again["mode"] == mode.value and type(again["mode"]) is str
    assert State.from_json(again) == state


@pytest.mark.parametrize("stored", [None, 7, ["field"]])
def test_a_stored_mode_that_is_not_a_string_starts_afresh(stored):
    assert State.from_json({"mode": stored}).mode is Mode.NEW


def test_a_state_stored_by_the_old_engine_halfway_through_a_list_entry_continues():
    stored = {
        "lang": "ru",
        "lang_confirmed": True,
        "mode": "list_col",
        "code": "b01.i05.partner_states",
        "nonce": 7,
        "shown_item": "b01.i05",
        "draft": {"entry": {"state": "UZ"}, "col": 1, "seen_version": 0},
        "after": None,
    }
    s = Session(State.from_json(stored), context([1]))
    assert s.resume() == (
        "« question\n"
        "Блок 1. Общие вопросы\n"
        "1.5. С какими иностранными государствами наиболее активно взаимодействуете в сфере "
        "противодействия торговле людьми? Результаты работы (обмен опытом, внедрение "
        "положительной практики, обучение сотрудников, оказание помощи жертвам торговли "
        "людьми, раскрытие преступления)?\n\n"
        "Новая запись. Результаты работы:\n"
        "   [Отмена → cancel]"
    )
    assert s.type("Совместные операции") == (
        "« question\n"
        "Запись добавлена.\n"
        "Записей: 1. Добавить ещё?\n"
        "   [Добавить ещё → add] [Готово → done]\n"
        '+ save b01.i05.partner_states = [{"results": "Совместные операции", "state": "UZ"}] '
        "(seen any)"  # resume forgets the version seen; only a field's question records it
    )


def test_a_transition_the_wiring_does_not_have_is_refused():
    t = engine().turn(
        State(lang_confirmed=True, mode=Mode.DESCRIBE, code="b01.i01.weak_regulation"), context([1])
    )
    with pytest.raises(IllegalTransition, match="describe → list_more"):
        t.enter(Mode.LIST_MORE)
    t.enter(Mode.MENU)  # from anywhere
    t.enter(Mode.ITEMS)
    assert t.state.mode is Mode.ITEMS


TYPED = [
    "да", "нет", "иә", "1", "2", "7", "0", "25", "1 234", "-3", "12,5", "двадцать", "👍",
    "мужской: 3; женский: 2", "Австр: 3", "Узбекистан: 2", "Узбекистан", "неизвестно: 1",
    "соседи: 1", "   ", "ж" * 5000, "<script>alert(1)</script>", '=HYPERLINK("x")',
    "/menu", "/review", "/submit", "/progress", "/help", "/language", "/start", "/frobnicate",
]  # fmt: skip


def starts() -> list[Session]:
    return [
        fresh(16),
        at("b01.i01.legislation_gaps", 16),
        at("b16.i01.received", 16),
        at("b16.i01.citizenship", 16, **{"b16.i01.identified": Answer(3, None, 1)}),
        at("b01.i05.partner_states", 2),
        filled(16, missing="b16.i05.new_methods"),
        filled(16, **{"b16.i01.received": Answer(3, None, 1)}),
    ]


@pytest.mark.parametrize("seed", range(12))
def test_random_inputs_never_raise_and_stay_on_the_wiring(seed):
    """A monkey presses buttons (old ones too), types and sends commands: every step ends
    with a reply, and every mode change is one the wiring has (``enter`` raises otherwise)."""
    rng = random.Random(seed)
    for s in starts():
        s.start()
        for _ in range(40):
            live = [b for r in s.replies for row in r.buttons for b in row]
            roll = rng.random()
            if live and roll < 0.6:
                s.send(Input.button(rng.choice(live).data))
            elif roll < 0.9:
                s.type(rng.choice(TYPED))
            else:
                s.send(Input.command(rng.choice(["menu", "review", "submit", "progress", "x"])))
            assert s.replies, s.transcript()[-2000:]
