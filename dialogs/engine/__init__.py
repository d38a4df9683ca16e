"""The dialog engine: one step of the conversation, independent of any channel.

``Engine.step(state, context, input)`` returns the replies to show, the
effects to apply (save an answer, set the language, submit) and the next
state.  It knows nothing of Telegram, HTTP or SQL: the service loads the
context from storage, applies the effects (each answer committed before the
person is told it is saved) and stores the state, so a restart between two
messages changes nothing for the person.

Modes of the state machine (``State.mode``)::

    new ──start──▶ lang ──▶ field ◀────────────────────────────┐
                             │  yes/choice ─▶ describe ─────────┤
                             │  "no data"  ─▶ no_data ──────────┤
                             │  comment    ─▶ comment ──────────┤
                             │  breakdown  ─▶ bd_value ─────────┤
                             │  country?   ─▶ pick ─────────────┤
                             │  list       ─▶ list_col ▶ list_more
                             │  mismatch   ─▶ rule ▶ rule_explain┘
                             ▼
             menu / items / review / confirm ──submit──▶ submitted

Commands (menu, progress, review, submit, language, help) work in any mode.
"""

from __future__ import annotations

from dialogs.engine.answers import AnswerSteps
from dialogs.engine.breakdowns import Breakdowns
from dialogs.engine.core import EngineCore
from dialogs.engine.lists import Lists
from dialogs.engine.navigation import Navigation
from dialogs.engine.rules import Rules
from dialogs.engine.turn import Turn

__all__ = ["Engine", "Turn"]


class Engine(Navigation, Rules, Lists, Breakdowns, AnswerSteps, EngineCore):
    """Stateless: one instance serves every contact, every channel."""
