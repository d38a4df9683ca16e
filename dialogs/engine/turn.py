"""The working set of one engine step: copies of the state and the context, the replies and
effects so far, and the wiring of the modes it moves through.

A ``Turn`` copies what it is given (``State.copy``, ``Context.copy``), so a step never
changes the caller's state, context, answers or draft; the new state leaves in the
``Outcome``.  Modes never call each other: they ``enter`` another mode, which the wiring
allows or refuses, and ``show`` whatever mode the dialog is in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from dialogs import i18n
from dialogs.contract import (
    Answer,
    Button,
    Chosen,
    Context,
    Effect,
    Mode,
    Outcome,
    Reply,
    ReplyKind,
    Save,
    State,
)
from dialogs.schema import Questionnaire
from dialogs.walk import Step, Walk

#: Buttons as the engine writes them: rows of (label, action); the nonce is added on ``ask``.
Rows = list[list[tuple[str, str]]]

REASON_MAX = 1000
COMMENT_MAX = 2000
LANG_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


class View(Protocol):
    """One mode: what it shows and what it does with a typed text or a pressed button."""

    def show(self, t: Turn) -> None: ...

    def on_text(self, t: Turn, text: str) -> None: ...

    def on_button(self, t: Turn, action: str) -> bool:
        """Handle ``action``; False if this mode has no such button."""
        ...


@dataclass(frozen=True)
class Wiring:
    """Every mode's view and the modes it may lead to (see the package docstring)."""

    views: Mapping[Mode, View]
    exits: Mapping[Mode, frozenset[Mode]]


class IllegalTransition(RuntimeError):
    """A mode tried to lead where the wiring does not go: a bug, never a person's input."""


class Turn:
    """One step's state, context, translator, replies and effects."""

    def __init__(
        self, q: Questionnaire, walk: Walk, wiring: Wiring, state: State, ctx: Context
    ) -> None:
        self.q = q
        self.walk = walk
        self.wiring = wiring
        self.state = state.copy()
        self.ctx = ctx.copy()
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []
        self._step: tuple[str | None, Step] | None = None  # (code, its step), looked up once
        #: The button this step answers (its prompt and full label), for ``Reply.chosen``.
        self.chosen: Chosen | None = None

    # --- moving between modes ---------------------------------------------------------------

    def enter(self, mode: Mode) -> None:
        """Go to ``mode`` if the wiring leads there from the current one."""
        here = self.state.mode
        if mode != here and mode not in self.wiring.exits[here]:
            raise IllegalTransition(f"{here.value} → {mode.value}")
        self.state.mode = mode

    def show(self) -> None:
        """Show the current mode (its question, menu or summary)."""
        self.wiring.views[self.state.mode].show(self)

    # --- replies and effects ------------------------------------------------------------------

    @property
    def _(self) -> Callable[[str], str]:
        return i18n.translator(self.state.lang)

    def say(self, text: str, kind: ReplyKind = "info") -> None:
        self.replies.append(Reply(text, (), kind))

    def ask(self, text: str, rows: Rows, kind: ReplyKind = "question") -> None:
        """A reply with buttons; a new nonce makes every older button stale."""
        self.state.nonce += 1
        buttons = tuple(
            tuple(Button(label, f"{self.state.nonce}|{action}") for label, action in row)
            for row in rows
            if row
        )
        self.replies.append(Reply(text, buttons, kind))

    def error(self, msgid: str, **params: Any) -> None:
        self.say(self._(msgid).format(**params), "error")

    def save(self, code: str, value: Any = None, reason: str | None = None) -> None:
        """Save an answer (an effect) and see it as saved for the rest of this step."""
        old = self.ctx.answers.get(code)
        expected = self.state.draft.get("seen_version") if code == self.state.code else None
        self.effects.append(Save(code, value, reason, expected))
        version = (old.version if old else 0) + 1
        self.ctx.answers[code] = Answer(value, reason, version)
        if code == self.state.code:
            self.state.draft["seen_version"] = version

    # --- where we are --------------------------------------------------------------------------

    @property
    def code(self) -> str:
        """The code of the field the dialog is on (answers are saved under it)."""
        return self.state.code if self.state.code is not None else self.step.code

    @property
    def step(self) -> Step:
        """The step of the field the dialog is on (the walk's first if the code is unknown)."""
        code = self.state.code
        if self._step is None or self._step[0] != code:
            self._step = (code, self.walk.steps[self.walk.position_of(code)])
        return self._step[1]

    def answered(self) -> set[str]:
        return {s.code for s in self.walk.steps if s.code in self.ctx.answers}

    def outcome(self) -> Outcome:
        """Notes without buttons ("Saved.") join the next message: one message per step.

        A review stays its own reply (its text is the block's answers, its entries the
        same as data): a note before it stays a reply of its own, so a channel that draws
        the review from its entries loses no note.  The last question carries what it
        expects (``Reply.expects``), the first reply the button it follows (``Reply.chosen``).
        """
        merged: list[Reply] = []
        for reply in self.replies:
            note = merged and not merged[-1].buttons and merged[-1].kind in ("info", "error")
            if note and not reply.review:
                last = merged.pop()
                kind = "error" if last.kind == "error" else reply.kind
                reply = replace(reply, text=f"{last.text}\n\n{reply.text}", kind=kind)
            merged.append(reply)
        if merged and merged[-1].buttons:
            from dialogs.engine.expects import expects  # it reads the kinds, which import this

            found = expects(self)
            if found is not None:
                merged[-1] = replace(merged[-1], expects=found)
        if merged and self.chosen is not None:
            merged[0] = replace(merged[0], chosen=self.chosen)
        progress = self.walk.progress(set(self.ctx.answers))
        saved = any(isinstance(e, Save) for e in self.effects)
        awaits = saved and self.state.mode is Mode.CONFIRM
        return Outcome(merged, self.effects, self.state, progress, awaits)
