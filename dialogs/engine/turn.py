"""The working set of one engine step, and where side answers are stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dialogs import i18n
from dialogs.contract import (
    Answer,
    Button,
    Context,
    Effect,
    Outcome,
    Reply,
    Save,
    State,
)
from dialogs.walk import Step

if TYPE_CHECKING:
    from dialogs.engine import Engine

REASON_MAX = 1000
COMMENT_MAX = 2000
LANG_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


class Turn:
    """The working set of one step: state, context, translator, replies and effects."""

    def __init__(self, engine: Engine, state: State, ctx: Context) -> None:
        self.engine = engine
        self.q = engine.q
        self.state = dataclasses.replace(state, draft=dict(state.draft))
        self.ctx = ctx
        self.walk = engine.walk(ctx.blocks)
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []

    # --- helpers -----------------------------------------------------------------------

    @property
    def _(self) -> Callable[[str], str]:
        return i18n.translator(self.state.lang)

    def say(self, text: str, kind: str = "info") -> None:
        self.replies.append(Reply(text, (), kind))  # type: ignore[arg-type]

    def ask(self, text: str, rows: list[list[tuple[str, str]]], kind: str = "question") -> None:
        """A reply with buttons; a new nonce makes every older button stale."""
        self.state.nonce += 1
        buttons = tuple(
            tuple(Button(label, f"{self.state.nonce}|{action}") for label, action in row)
            for row in rows
            if row
        )
        self.replies.append(Reply(text, buttons, kind))  # type: ignore[arg-type]

    def error(self, msgid: str, **params: Any) -> None:
        self.say(self._(msgid).format(**params), "error")

    def save(self, code: str, value: Any = None, reason: str | None = None) -> None:
        old = self.ctx.answers.get(code)
        expected = self.state.draft.get("seen_version") if code == self.state.code else None
        self.effects.append(Save(code, value, reason, expected))
        version = (old.version if old else 0) + 1
        self.ctx.answers[code] = Answer(value, reason, version)
        if code == self.state.code:
            self.state.draft["seen_version"] = version

    @property
    def step(self) -> Step:
        pos = self.walk.position_of(self.state.code)
        return self.walk.steps[pos]

    def answered(self) -> set[str]:
        return {s.code for s in self.walk.steps if s.code in self.ctx.answers}

    def outcome(self) -> Outcome:
        """Notes without buttons ("Saved.") join the next message: one message per step."""
        merged: list[Reply] = []
        for reply in self.replies:
            if merged and not merged[-1].buttons and merged[-1].kind in ("info", "error"):
                last = merged.pop()
                kind = "error" if last.kind == "error" else reply.kind
                reply = Reply(f"{last.text}\n\n{reply.text}", reply.buttons, kind)
            merged.append(reply)
        progress = self.walk.progress(set(self.ctx.answers))
        return Outcome(merged, self.effects, self.state, progress)
