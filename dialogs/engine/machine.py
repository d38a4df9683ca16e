"""The wiring of the modes (the one place where a mode is tied to its view and its exits)
and the dispatch of one input to the mode the dialog is in.

The table below is drawn in the package docstring; a test keeps the two the same.
"""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.contract import Chosen, Input, Mode
from dialogs.engine import commands, flow
from dialogs.engine.kinds.list import ListCell, ListMore
from dialogs.engine.kinds.multi import BreakdownValue
from dialogs.engine.kinds.open_breakdown import CountryPick
from dialogs.engine.modes.details import Comment, Describe, NoData
from dialogs.engine.modes.field import Field
from dialogs.engine.modes.menu import Items, Menu
from dialogs.engine.modes.review import Review
from dialogs.engine.modes.rule import Rule, RuleExplain
from dialogs.engine.modes.start import New
from dialogs.engine.modes.submit import Confirm, Submitted
from dialogs.engine.turn import Turn, View, Wiring
from dialogs.i18n import N_
from dialogs.schema import ChoiceField

#: Where commands and the walk lead from any mode: a field (go to, cancel, continue), the
#: menu, a review, the summary, and "sent" (a read-only response shows only that).
ANYWHERE = frozenset({Mode.FIELD, Mode.MENU, Mode.REVIEW, Mode.CONFIRM, Mode.SUBMITTED})

M = Mode
FIELD = Field()
TABLE: dict[Mode, tuple[View, frozenset[Mode]]] = {
    M.NEW: (New(), frozenset()),
    M.FIELD: (
        FIELD,
        frozenset(
            {
                M.DESCRIBE,
                M.NO_DATA,
                M.COMMENT,
                M.BREAKDOWN_VALUE,
                M.COUNTRY_PICK,
                M.LIST_CELL,
                M.RULE,
            }
        ),
    ),
    M.DESCRIBE: (Describe(), frozenset()),
    M.NO_DATA: (NoData(), frozenset()),
    M.COMMENT: (Comment(), frozenset()),
    M.BREAKDOWN_VALUE: (BreakdownValue(), frozenset()),
    M.COUNTRY_PICK: (CountryPick(), frozenset({M.BREAKDOWN_VALUE, M.NO_DATA, M.COMMENT})),
    M.LIST_CELL: (ListCell(), frozenset({M.LIST_MORE})),
    M.LIST_MORE: (ListMore(), frozenset({M.LIST_CELL, M.NO_DATA, M.COMMENT})),
    M.RULE: (Rule(), frozenset({M.RULE_EXPLAIN})),
    M.RULE_EXPLAIN: (RuleExplain(), frozenset()),
    M.MENU: (Menu(), frozenset({M.ITEMS})),
    M.ITEMS: (Items(), frozenset()),
    M.REVIEW: (Review(), frozenset()),
    M.CONFIRM: (Confirm(), frozenset()),
    M.SUBMITTED: (Submitted(), frozenset()),
}

WIRING = Wiring(
    views={mode: view for mode, (view, _) in TABLE.items()},
    exits={mode: exits | ANYWHERE for mode, (_, exits) in TABLE.items()},
)


def dispatch(t: Turn, inp: Input) -> None:
    """One input: a command, a button or typed text."""
    if inp.kind == "command":
        commands.run(t, inp.value)
    elif inp.kind == "button":
        press(t, inp.value)
    elif inp.kind == "form":
        table(t, inp.value, inp.form or {})
    else:
        typed(t, inp.value)


def table(t: Turn, data: str, values: Mapping[str, str]) -> None:
    """A whole breakdown or list (``Input.table``): for the question on screen, or refused."""
    nonce, _, action = data.partition("|")
    if not nonce.isdigit() or action != "form":
        t.error(N_("Эта кнопка не распознана. Вот текущий вопрос."))
        flow.resume(t)
    elif not answers_current_prompt(t, int(nonce)):
        return
    elif t.ctx.read_only:
        flow.read_only(t)
    elif t.state.mode is not Mode.FIELD:
        flow.buttons_only(t)
    else:
        FIELD.on_form(t, values)


def press(t: Turn, data: str) -> None:
    """A button: ``<nonce>|<action>``, for the prompt on screen or refused."""
    nonce, _, action = data.partition("|")
    if not nonce.isdigit() or not action or len(data) > 64:
        t.error(N_("Эта кнопка не распознана. Вот текущий вопрос."))
        flow.resume(t)
        return
    if not answers_current_prompt(t, int(nonce)):
        return
    t.chosen = chosen(t, int(nonce), action)
    if action.startswith("lang:"):
        commands.set_language(t, action[5:])
    elif action.startswith("cmd:"):
        commands.run(t, action[4:])
    elif t.ctx.read_only and not action.startswith(("blk:", "rev:")):
        flow.read_only(t)
    elif not t.wiring.views[t.state.mode].on_button(t, action):
        t.error(N_("Эта кнопка сейчас не действует. Вот текущий вопрос."))
        flow.resume(t)


def chosen(t: Turn, nonce: int, action: str) -> Chosen | None:
    """The pressed button's full label, for ``Reply.chosen``: the prompt on screen drawn
    again on a scratch turn (same state, same buttons) and the button found in it."""
    if t.state.mode not in (Mode.FIELD, Mode.RULE, Mode.COUNTRY_PICK, Mode.LIST_MORE):
        return None
    scratch = Turn(t.q, t.walk, t.wiring, t.state, t.ctx)
    scratch.state.shown_item = t.step.item.code  # the question only, not the item's header
    scratch.show()
    for reply in scratch.replies:
        for row in reply.buttons:
            for b in row:
                if b.data.partition("|")[2] == action:
                    return Chosen(nonce, kind_label(t, action) or b.label)
    return None


def kind_label(t: Turn, action: str) -> str | None:
    """A choice's option by its number and full text, not the bare number on its button."""
    field = t.step.field
    if t.state.mode is Mode.FIELD and isinstance(field, ChoiceField) and action[:4] == "opt:":
        for n, option in enumerate(field.options, start=1):
            if option.code == action[4:]:
                return f"{n}. {t._(option.label)}"
    return None


def answers_current_prompt(t: Turn, nonce: int) -> bool:
    """Was the input given for the prompt on screen?  If not, say so and show that prompt.

    Every prompt has a number (the nonce, counted in the state); a button carries the
    number of the message it was under.  This is the one check of it, for buttons today
    and, once the channels send it, for typed text too.
    """
    if nonce == t.state.nonce:
        return True
    t.error(N_("Эта кнопка относится к прошлому сообщению. Вот текущий вопрос."))
    flow.resume(t)
    return False


def typed(t: Turn, text: str) -> None:
    """Typed text: a /command, or an answer for the mode on screen."""
    stripped = text.strip()
    if stripped.startswith("/"):
        name = stripped[1:].split()[0].split("@")[0].lower() if stripped[1:] else ""
        commands.run(t, name)
    elif not t.state.lang_confirmed:
        commands.ask_language(t)
    elif t.ctx.read_only:
        flow.read_only(t)
    else:
        t.wiring.views[t.state.mode].on_text(t, text)
