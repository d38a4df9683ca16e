"""Drive the engine directly, as the dialog service would, and write down what a person sees.

The engine is pure, so these tests need no database: a :class:`Session` holds the
dialog state and a :class:`~dialogs.contract.Context` built in the test, applies
the effects of every step the way the service applies them to storage (an
answer's version goes up by one, a submission closes the response) and records a
transcript: every input, every reply with its kind, text and buttons (label and
action), every effect.  Tests compare whole transcripts, so a changed word, a
lost button or an extra save fails them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from dialogs.contract import (
    Answer,
    Context,
    Effect,
    Input,
    Mode,
    Outcome,
    Reply,
    Save,
    SetLanguage,
    State,
    Submit,
)
from dialogs.engine import Engine
from dialogs.questionnaire import default


@cache
def engine() -> Engine:
    """One engine for every test, as one serves every contact in production."""
    return Engine(default())


def context(blocks: list[int], **answers: Answer) -> Context:
    """The demo campaign's world: year 2025, deadline 1 March 2026."""
    return Context(
        blocks=blocks,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        deadline=date(2026, 3, 1),
        organisation="ОО «Демо»",
        answers=dict(answers),
        response_version=1,
    )


def render_reply(reply: Reply) -> str:
    """A reply as a person sees it: its kind, its text, its buttons (label → action)."""
    lines = [f"« {reply.kind}", reply.text]
    for row in reply.buttons:
        lines.append("   " + " ".join(f"[{b.label} → {b.data.split('|', 1)[1]}]" for b in row))
    return "\n".join(lines)


def render_effect(effect: Effect) -> str:
    if isinstance(effect, Save):
        seen = "any" if effect.expected_version is None else effect.expected_version
        if effect.no_data_reason is not None:
            return f"+ no data {effect.code}: {effect.no_data_reason} (seen {seen})"
        value = json.dumps(effect.value, ensure_ascii=False, sort_keys=True)
        return f"+ save {effect.code} = {value} (seen {seen})"
    if isinstance(effect, SetLanguage):
        return f"+ language {effect.lang}"
    return f"+ submit (response version {effect.expected_version})"


def render_input(inp: Input, replies: list[Reply]) -> str:
    if inp.kind != "button":
        return f"» {inp.kind} {inp.value!r}"
    labels = [b.label for r in replies for row in r.buttons for b in row if b.data == inp.value]
    if not labels:  # stale or forged: not a button of the last replies
        return f"» button {inp.value!r}"
    return f"» press {labels[-1]!r} → {inp.value.split('|', 1)[1]}"


@dataclass
class Session:
    """One contact's dialog, stepped through the engine with effects applied as storage would."""

    state: State
    ctx: Context
    replies: list[Reply] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def start(self, lang_hint: str | None = None) -> str:
        self.lines.append(f"» start (hint {lang_hint})")
        return self._record(engine().start(*self._copies(), lang_hint))

    def resume(self) -> str:
        self.lines.append("» resume")
        return self._record(engine().resume(*self._copies()))

    def send(self, inp: Input) -> str:
        self.lines.append(render_input(inp, self.replies))
        return self._record(engine().step(*self._copies(), inp))

    def press(self, action: str) -> str:
        """Press the button of the last replies whose action is ``action``."""
        for reply in reversed(self.replies):
            for row in reply.buttons:
                for b in row:
                    if b.data.split("|", 1)[1] == action:
                        return self.send(Input.button(b.data))
        raise AssertionError(f"no button {action!r} in {[r.text[:80] for r in self.replies]}")

    def type(self, text: str) -> str:
        return self.send(Input.text(text))

    def transcript(self) -> str:
        return "\n".join(self.lines) + "\n"

    def _copies(self) -> tuple[State, Context]:
        """What the engine gets: copies, so a test can check the originals stay untouched."""
        return copy.deepcopy(self.state), copy.deepcopy(self.ctx)

    def _record(self, outcome: Outcome) -> str:
        first = len(self.lines)
        asked = [r for r in outcome.replies if r.buttons]
        if asked:  # only the newest question's buttons are live
            nonces = {b.data.split("|", 1)[0] for row in asked[-1].buttons for b in row}
            assert nonces == {str(outcome.state.nonce)}, (nonces, outcome.state.nonce)
        self.lines.extend(render_reply(r) for r in outcome.replies)
        self.lines.extend(render_effect(e) for e in outcome.effects)
        self._apply(outcome)
        self.replies = outcome.replies
        return "\n".join(self.lines[first:])

    def _apply(self, outcome: Outcome) -> None:
        """What the service does with an outcome, against an in-memory response."""
        for effect in outcome.effects:
            if isinstance(effect, Save):
                old = self.ctx.answers.get(effect.code)
                version = (old.version if old else 0) + 1
                self.ctx.answers[effect.code] = Answer(effect.value, effect.no_data_reason, version)
                self.ctx.response_version = (self.ctx.response_version or 0) + 1
            elif isinstance(effect, Submit):
                assert effect.expected_version == self.ctx.response_version
                self.ctx.status = "submitted"
                self.ctx.response_version = (self.ctx.response_version or 0) + 1
        if outcome.awaits_response_version:
            outcome = engine().settle(outcome, self.ctx.response_version)
        self.state = outcome.state


def at(code: str, *blocks: int, lang: str = "ru", **answers: Answer) -> Session:
    """A session on field ``code`` of an organisation answering ``blocks`` (block 1 implied)."""
    state = State(lang=lang, lang_confirmed=True, mode=Mode.FIELD, code=code)
    return Session(state, context([1, *blocks], **answers))


def fresh(*blocks: int) -> Session:
    """A contact who has just followed the invitation: no language chosen, nothing answered."""
    return Session(State(), context([1, *blocks]))


def filled(
    *blocks: int, missing: str | None = None, mode: Mode = Mode.FIELD, **answers: Answer
) -> Session:
    """Every field answered (but ``missing``) with zeros, "no", empty lists: every rule holds."""
    ctx = context([1, *blocks])
    walk = engine().walk(ctx.blocks)
    for step in walk.steps:
        if step.code != missing:
            ctx.answers[step.code] = Answer(ZEROS[step.field.kind](step.field), None, 1)
    ctx.answers.update(answers)
    ctx.status = "in_progress"
    last = walk.steps[-1].code
    return Session(State(lang="ru", lang_confirmed=True, mode=mode, code=last), ctx)


ZEROS: dict[str, Callable[[Any], Any]] = {
    "yes_no": lambda f: {"answer": "no", "description": None},
    "choice": lambda f: {"option": f.options[0].code, "description": "Описание"},
    "text": lambda f: "—",
    "count": lambda f: 0,
    "amount": lambda f: "0.00",
    "period": lambda f: {"start": "2025-01-01", "end": "2025-12-31"},
    "breakdown": lambda f: {"unknown": 0},
    "open_breakdown": lambda f: {},
    "list": lambda f: [],
}
