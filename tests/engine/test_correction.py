"""A return limited to some items: the engine walks those items only, each under its note."""

from __future__ import annotations

from dataclasses import replace

from dialogs.contract import Answer, Input, Mode, State
from dialogs.walk import Walk
from tests.engine.transcript import context, engine


def returned(items: dict[str, str]):
    """Block 1 answered in full and returned with ``items``."""
    e = engine()
    walk = Walk(e.q, [1])
    answers = {s.code: Answer(None, "нет учёта", 1) for s in walk.steps}
    ctx = replace(context([1], **answers), status="returned", return_items=items)
    return e, ctx, walk


def test_the_walk_starts_at_the_first_returned_item_and_skips_the_rest() -> None:
    e, ctx, walk = returned({"b01.i06": "Уточните меры", "b01.i09": ""})
    state = State(lang_confirmed=True, mode=Mode.FIELD, code=walk.steps[0].code)
    out = e.resume(state, ctx)
    text = "\n".join(r.text for r in out.replies)
    assert out.state.code == "b01.i06.effective_measures"
    assert "Координатор вернул на доработку пункты 1.6, 1.9." in text
    assert "Замечание координатора: Уточните меры" in text
    codes = [out.state.code]
    while out.state.mode == Mode.FIELD:
        out = e.step(out.state, ctx, Input.button(f"{out.state.nonce}|keep"))
        codes.append(out.state.code)
    item_codes = {s.code for s in walk.steps if s.item.code in ("b01.i06", "b01.i09")}
    assert set(codes[:-1]) == item_codes and out.state.mode == Mode.CONFIRM


def test_going_to_an_item_not_returned_is_refused_and_shows_the_returned_one() -> None:
    e, ctx, walk = returned({"b01.i06": "Уточните меры"})
    out = e.resume(State(lang_confirmed=True), ctx)
    out = e.step(out.state, ctx, Input.command("menu"))
    out = e.step(out.state, ctx, Input.button(f"{out.state.nonce}|blk:1"))
    assert out.state.mode == Mode.ITEMS
    out = e.step(out.state, ctx, Input.button(f"{out.state.nonce}|itm:b01.i02"))
    text = "\n".join(r.text for r in out.replies)
    assert "На доработку возвращены только пункты 1.6; остальные ответы можно просмотреть." in text
    assert out.state.code == "b01.i06.effective_measures"


def test_a_return_without_items_leaves_everything_open() -> None:
    e, ctx, walk = returned({})
    out = e.resume(State(lang_confirmed=True, mode=Mode.FIELD, code=walk.steps[3].code), ctx)
    assert out.state.code == walk.steps[3].code
    out = e.step(out.state, ctx, Input.command("menu"))
    out = e.step(out.state, ctx, Input.button(f"{out.state.nonce}|blk:1"))
    out = e.step(out.state, ctx, Input.button(f"{out.state.nonce}|itm:b01.i02"))
    assert out.state.code == walk.steps[walk.first_of_item("b01.i02") or 0].code
