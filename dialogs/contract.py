"""What flows between the channels, the dialog service and the engine.

A channel (Telegram, web) turns what a person did into an :class:`Input` and
shows the :class:`Reply` objects it gets back; it never sees the
questionnaire or the database.  The engine turns (``State``, ``Context``,
``Input``) into an :class:`Outcome`: replies, effects to apply, the new state.

Buttons carry ``data`` of the form ``"<nonce>|<action>"``: the nonce is the
dialog's prompt counter, so a button from an old message (a double tap, a
scroll-up) is recognised as stale and never applied to the current question.
Button data is ASCII and at most 64 bytes, as Telegram requires.

Structured input and what a step expects (issue 11)
---------------------------------------------------

* ``Input.table(data, values)`` (kind ``"form"``, the values in ``Input.form``) sends a
  whole breakdown or list as ONE input.  ``data`` is ``Reply.expects.form`` of the
  question on screen (``"<nonce>|form"``: checked like a button's data, so a form from an
  old question is refused as stale).  ``values`` maps a category to the number as typed
  (``{"male": "4", "female": "5"}``; a key is a category code, or for an open breakdown
  any label the person typed, resolved as typed text is) or, for a list,
  ``"<row>.<column code>"`` to the cell as typed (``{"1.state": "Узбекистан",
  "1.results": "обмен опытом"}``, rows from 1).  Empty values are left out.  The form
  *replaces* the field's value, goes through the same parsers and messages as typed
  text, and then works as «Готово»: the rules are checked (a mismatch asks "fix or
  confirm") or the walk goes on.
* ``Reply.expects`` (on the question a person answers) says what the step expects, as
  data: whether typed text answers it (``text``: a channel puts the cursor in the box),
  the field's code and kind, a breakdown's categories with their current numbers and the
  total they must reach (``total`` and what it totals, ``total_label``), whether other
  categories may be typed (``open``), a list's columns and current rows, and the
  ``form`` data to send a whole table back.
* ``Reply.chosen`` (on the first reply of a step answering a button) names the prompt
  answered (its nonce) and the button's full label, so Telegram can edit that question
  to show "→ Да" / the option chosen.
* ``Reply.review`` (on a block's review) holds every answer in full, one entry per
  field, comment and confirmed mismatch (channels fold long ones); the text stays for
  channels that show only text.
* Button labels are never cut: a channel wraps them.

The engine never changes what it is given: it works on copies of the
``State`` and ``Context`` and returns a new state in the ``Outcome``.  The
one thing it cannot know, the response's version after the service has
applied the effects, it is told through ``Engine.settle``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal

COMMANDS = ("start", "menu", "progress", "review", "submit", "language", "help")

ReplyKind = Literal["question", "info", "error", "summary"]


class Mode(StrEnum):
    """Where the dialog stands; the values are what stored states hold (``State.to_json``).

    The engine's package docstring draws how one leads to another.
    """

    NEW = "new"  # no question asked yet (the language question may be on screen)
    FIELD = "field"  # a field's question
    DESCRIBE = "describe"  # the description a "yes" or an option asks for
    NO_DATA = "no_data"  # the reason why there is no data
    COMMENT = "comment"  # an item's comment
    BREAKDOWN_VALUE = "bd_value"  # the number of one category of a breakdown
    COUNTRY_PICK = "pick"  # which of the close country names was meant
    LIST_CELL = "list_col"  # one column of a new list entry
    LIST_MORE = "list_more"  # an entry was added: another, or done?
    RULE = "rule"  # a broken consistency rule: fix, or confirm
    RULE_EXPLAIN = "rule_explain"  # why the confirmed numbers do not add up
    MENU = "menu"  # the blocks
    ITEMS = "items"  # the items of a block
    REVIEW = "review"  # a block's answers
    CONFIRM = "confirm"  # everything answered: submit?
    SUBMITTED = "submitted"  # sent (or read-only)

    @classmethod
    def stored(cls, value: object) -> Mode:
        """The mode of a stored state.  ``"lang"`` (listed once, never set) and anything
        unknown count as ``NEW``: the dialog continues at the first open question."""
        if isinstance(value, Mode):
            return value
        try:
            return cls(value) if isinstance(value, str) else cls.NEW
        except ValueError:
            return cls.NEW


@dataclass(frozen=True)
class Button:
    """A button: what it says, and the opaque data sent back when pressed."""

    label: str
    data: str


@dataclass(frozen=True)
class Category:
    """One row of a breakdown's table: its code, its label (in the person's language) and
    the number stored so far (None: not entered)."""

    code: str
    label: str
    value: int | None = None


@dataclass(frozen=True)
class ListColumn:
    """One column of a list's table: its code, label and kind (``text``, ``country`` …)."""

    code: str
    label: str
    kind: str


@dataclass(frozen=True)
class Expects:
    """What the question on screen expects (see the module docstring)."""

    text: bool = False
    field: str | None = None
    kind: str | None = None
    categories: tuple[Category, ...] = ()
    open: bool = False
    total: int | None = None
    total_label: str | None = None
    columns: tuple[ListColumn, ...] = ()
    rows: tuple[tuple[tuple[str, str], ...], ...] = ()
    form: str | None = None


@dataclass(frozen=True)
class Chosen:
    """A button answered prompt ``nonce``: its full ``label`` (``"Да"``, ``"2. Международное…"``)."""

    nonce: int
    label: str


@dataclass(frozen=True)
class ReviewEntry:
    """One line of a review, in full: the item (``"1.4"``) and its question, the field's
    label, the answer as text; ``kind`` tells answers from comments and mismatches (a
    mismatch's ``answer`` is the broken rule in words, its ``note`` the explanation given);
    ``edit`` is the button data that edits the item, with the review's nonce as any
    button's (None when read-only); ``code`` is where the entry is stored (a field's code,
    an item's comment code, a confirmed rule's code), so a channel that shows a long
    answer shortened can ask for it whole (``DialogService.review_entry``)."""

    item: str
    question: str
    label: str
    answer: str
    kind: Literal["answer", "comment", "mismatch"] = "answer"
    note: str | None = None
    edit: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Reply:
    """One message to show: plain text (never HTML) and rows of buttons, with what the
    question expects, the button it follows and a review's entries as data."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    kind: ReplyKind = "info"
    expects: Expects | None = None
    chosen: Chosen | None = None
    review: tuple[ReviewEntry, ...] = ()


@dataclass(frozen=True)
class Input:
    """One thing a person did: typed ``text``, pressed a ``button``, gave a ``command``, or
    sent a whole breakdown or list as a ``form`` (``value`` is ``Expects.form``)."""

    kind: Literal["text", "button", "command", "form"]
    value: str
    #: The prompt (its nonce) the person saw when typing; ``None``: the one on screen now.
    prompt: int | None = None
    form: Mapping[str, str] | None = None

    @classmethod
    def table(cls, data: str, values: Mapping[str, str], prompt: int | None = None) -> Input:
        """A whole breakdown (category → number as typed) or list (``"1.col"`` → cell)."""
        return cls("form", data, prompt, dict(values))

    @classmethod
    def text(cls, value: str, prompt: int | None = None) -> Input:
        return cls("text", value, prompt)

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
    #: What the organisation answered last year (its latest submitted response before this
    #: period): descriptive answers are offered again as "same as last year".
    last_year: dict[str, Answer] = field(default_factory=dict)
    #: The organisation's name by language, so a language switch renames it at once.
    organisation_names: dict[str, str] = field(default_factory=dict)
    #: a return limited to some items: item code → the coordinator's note on it
    return_items: dict[str, str] = field(default_factory=dict)

    def organisation_in(self, lang: str) -> str:
        """The organisation's name in ``lang`` (its Russian name where there is no other)."""
        return self.organisation_names.get(lang) or self.organisation

    @property
    def read_only(self) -> bool:
        """Submitted, or the collection is closed: answers can be seen, not changed."""
        return self.status in ("submitted", "closed")

    def copy(self) -> Context:
        """A copy whose answers can be replaced without touching this context's.

        Answers themselves are shared: the engine replaces an answer, never changes one.
        (Copied through ``__dict__``: every field, including any added later, at the cost
        of a dict copy; every step makes one.)
        """
        twin = object.__new__(Context)
        twin.__dict__.update(self.__dict__)
        twin.blocks = list(self.blocks)
        twin.answers = dict(self.answers)
        return twin


@dataclass
class State:
    """The dialog position of one contact; JSON-serialisable, stored by the service."""

    lang: str = "ru"
    lang_confirmed: bool = False
    mode: Mode = Mode.NEW
    code: str | None = None
    nonce: int = 0
    shown_item: str | None = None
    draft: dict[str, Any] = field(default_factory=dict)
    after: str | None = None

    def __post_init__(self) -> None:
        self.mode = Mode.stored(self.mode)  # a plain string, as stored, is taken too

    def copy(self) -> State:
        """A copy sharing nothing with this state, down to the draft's nested entries.

        (Copied through ``__dict__``, as :meth:`Context.copy`: a step makes one.)
        """
        twin = object.__new__(State)
        twin.__dict__.update(self.__dict__)
        twin.draft = json_copy(self.draft)
        return twin

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "mode": self.mode.value, "draft": json_copy(self.draft)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> State:
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)


def json_copy(value: Any) -> Any:
    """A copy of a JSON value (what a draft holds), nested dicts and lists included.

    Several times faster than ``copy.deepcopy``; every step copies its state.
    """
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value


@dataclass
class Outcome:
    """The result of one step.

    ``awaits_response_version``: the step saved answers and ended on the summary, which
    must be pinned to the response's version after those saves; the service reads it
    once the effects are applied and hands it to ``Engine.settle``.
    """

    replies: list[Reply]
    effects: list[Effect]
    state: State
    progress: tuple[int, int] = (0, 0)
    awaits_response_version: bool = False
