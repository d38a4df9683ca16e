"""What the question on screen expects, as data for the channels (``Reply.expects``).

The web puts the cursor in the text box only when typed text answers the step, and
draws a breakdown or a list as a small table of inputs sent back as one
``Input.table``; Telegram needs neither, but reads the same data.  Computed once per
step, from the mode the step ends in, so it always describes the last question.
"""

from __future__ import annotations

from dialogs.contract import Expects, Mode
from dialogs.engine.turn import Turn

#: Modes answered by typing: a description, a reason, a comment, one number, a list's
#: cell, an explanation (a new list entry may be typed at "another?").
TEXT_MODES = frozenset(
    {
        Mode.DESCRIBE,
        Mode.NO_DATA,
        Mode.COMMENT,
        Mode.BREAKDOWN_VALUE,
        Mode.LIST_CELL,
        Mode.LIST_MORE,
        Mode.RULE_EXPLAIN,
    }
)


def expects(t: Turn) -> Expects | None:
    """What the dialog waits for after this step; None where nothing is asked."""
    mode = t.state.mode
    if mode is Mode.FIELD and t.state.code is not None:
        from dialogs.engine.kinds import kind_of  # the kinds import the modes that import this

        return kind_of(t.step.field).expects(t, t.step)
    if mode in TEXT_MODES and t.state.code is not None:
        return Expects(text=True, field=t.state.code, kind=t.step.field.kind)
    return None
