"""What flows between the channels, the dialog service and the engine.

A channel (Telegram, web) turns what a person did into an :class:`Input` and
shows the :class:`Reply` objects it gets back; it never sees the
questionnaire or the database.  The engine turns (``State``, ``Context``,
``Input``) into an :class:`Outcome`: replies, effects to apply, the new state.

Buttons carry ``data`` of the form ``"<nonce>|<action>"``: the nonce is the
dialog's prompt counter, so a button from an old message (a double tap, a
scroll-up) is recognised as stale and never applied to the current question.
Button data is ASCII and at most 64 bytes, as Telegram requires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

COMMANDS = ("start", "menu", "progress", "review", "submit", "language", "help")


@dataclass(frozen=True)
class Button:
    """A button: what it says, and the opaque data sent back when pressed."""

    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    """One message to show: plain text (never HTML) and rows of buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    kind: Literal["question", "info", "error", "summary"] = "info"


@dataclass(frozen=True)
class Input:
    """One thing a person did: typed ``text``, pressed a ``button``, or gave a ``command``."""

    kind: Literal["text", "button", "command"]
    value: str

    @classmethod
    def text(cls, value: str) -> Input:
        return cls("text", value)

    @classmethod
    def button(cls, data: str) -> Input:
        return cls("button", data)

    @classmethod
    def command(cls, name: str) -> Input:
        return cls("command", name)


@dataclass(frozen=True)
class Save:
    """Effect: store this field's value (or "no data" with its reason)."""

    code: str
    value: Any = None
    no_data_reason: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class SetLanguage:
    """Effect: remember the contact's language."""

    lang: str


@dataclass(frozen=True)
class Submit:
    """Effect: submit the response as it was when the person saw the summary."""

    expected_version: int | None = None


Effect = Save | SetLanguage | Submit


@dataclass
class Answer:
    """A stored answer as the engine sees it."""

    value: Any = None
    no_data_reason: str | None = None
    version: int = 0

    @property
    def is_no_data(self) -> bool:
        return self.no_data_reason is not None


@dataclass
class Context:
    """What the engine may know of the world for one step; loaded by the service."""

    blocks: list[int]
    period_start: date
    period_end: date
    deadline: date
    organisation: str
    answers: dict[str, Answer] = field(default_factory=dict)
    status: str = "not_started"
    return_reason: str | None = None
    response_version: int | None = None

    @property
    def read_only(self) -> bool:
        """Submitted, or the collection is closed: answers can be seen, not changed."""
        return self.status in ("submitted", "closed")


@dataclass
class State:
    """The dialog position of one contact; JSON-serialisable, stored by the service."""

    lang: str = "ru"
    lang_confirmed: bool = False
    mode: str = "new"
    code: str | None = None
    nonce: int = 0
    shown_item: str | None = None
    draft: dict[str, Any] = field(default_factory=dict)
    after: str | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> State:
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Outcome:
    """The result of one step."""

    replies: list[Reply]
    effects: list[Effect]
    state: State
    progress: tuple[int, int] = (0, 0)
