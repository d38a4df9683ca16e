"""The dialog engine: one step of the conversation, independent of any channel.

``Engine.step(state, context, input)`` returns the replies to show, the effects to
apply (save an answer, set the language, submit) and the next state.  It knows nothing
of Telegram, HTTP or SQL, and changes nothing it is given: the service loads the context
from storage, applies the effects (each answer committed before the person is told it
is saved), tells the engine the response's version if the step asks for it
(``Engine.settle``) and stores the new state, so a restart between two messages changes
nothing for the person.

The dialog is a state machine.  Its modes (``dialogs.contract.Mode``), what each shows,
and where each may lead (the wiring in ``machine.TABLE``; a test keeps this table and
that one the same).  Every mode also leads to what commands and the walk reach from
anywhere: field, menu, review, confirm, submitted.  Commands (/menu, /progress, /review,
/submit, /language, /help) and the language buttons work in any mode::

    mode             shows                                        leads to
    new              nothing yet (or the language question)       →
    field            a field's question, as its kind asks it      → describe, no_data, comment, breakdown_value, country_pick, list_cell, rule
    describe         "describe it", after yes or an option        →
    no_data          why there is no data                         →
    comment          the item's comment                           →
    breakdown_value  one category's number                        →
    country_pick     the countries close to what was typed        → breakdown_value, no_data, comment
    list_cell        one column of a new list entry               → list_more
    list_more        "entry added: another?"                      → list_cell, no_data, comment
    rule             a broken rule: fix, or confirm and explain   → rule_explain
    rule_explain     why the numbers do not add up                →
    menu             the blocks                                   → items
    items            a block's items                              →
    review           a block's answers, with edit buttons         →
    confirm          everything answered: submit?                 →
    submitted        sent (read-only), or returned: the walk      →

The usual path::

    new ─language─▶ field ─answer─▶ field … ─last─▶ confirm ─submit─▶ submitted
                     │ ▲
                     ▼ │ (saved, or «Отмена»)
        describe · no_data · comment · breakdown_value · country_pick · list_cell ▸ list_more · rule ▸ rule_explain

Where the code is:

* ``machine``: the wiring and the dispatch of an input (command, button, text);
  ``answers_current_prompt`` is the one check that an input answers the prompt on screen;
* ``turn``: the working copies of one step, ``enter`` (checked against the wiring),
  ``show``, replies and effects;
* ``flow``: the walk from field to field (resume, go to, advance, the item's header);
* ``commands``: the commands, the language, the welcome;
* ``modes/``: the views of the modes every field shares (field, describe, no data,
  comment, rule, menu, items, review, confirm, submitted);
* ``kinds/``: one module per kind of field (its question, parser call, buttons, how its
  answer reads, and the modes only it needs: a category's number, a country to pick,
  a list entry), registered by kind in ``kinds.KINDS``;
* ``checks``: when the dialog shows a broken consistency rule (the rules are pure
  functions in :mod:`dialogs.rules`).

Issue 11 (one action per value), where each part is:

* a whole breakdown or list as one input (``Input.table``): ``machine.table`` → the
  field's view (``Field.on_form``) → the kind's ``on_form``; what a question expects
  (``Reply.expects``): ``expects.py`` and the kinds' ``expects``;
* the button a step answers (``Reply.chosen``): ``machine.chosen``;
* text typed at a yes/no question is a described yes; «Нет» to the rest of a list of
  points: ``kinds/yes_no.py``;
* a breakdown kept in the state until it adds up (then saved and done), a typed one
  echoed: ``kinds/multi.py``; in the person's words: :mod:`dialogs.words`;
* closed categories: :mod:`dialogs.categories`, used by ``OpenBreakdown.resolver``;
* "same as last year": ``modes/field.py`` (``Context.last_year``, loaded by the service);
* the review as data: ``modes/review.review_entries``; the last answer on resume and the
  end of the skipped questions: ``flow``.
"""

from __future__ import annotations

from dataclasses import replace

from dialogs import i18n, rules
from dialogs.contract import Answer, Context, Input, Outcome, ReviewEntry, State
from dialogs.engine import commands, flow
from dialogs.engine.machine import WIRING, dispatch
from dialogs.engine.modes.review import review_entry, review_text
from dialogs.engine.turn import Turn
from dialogs.schema import Item, Questionnaire, Rule
from dialogs.walk import Walk

__all__ = ["Engine", "Turn"]


class Engine:
    """Stateless: one instance serves every contact, every channel."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.q = questionnaire
        self._walks: dict[tuple[int, ...], Walk] = {}

    def walk(self, blocks: list[int]) -> Walk:
        """The walk of an organisation's blocks, built once per set of blocks, not per step."""
        key = tuple(sorted(set(blocks)))
        if key not in self._walks:
            self._walks[key] = Walk(self.q, list(key))
        return self._walks[key]

    def turn(self, state: State, ctx: Context) -> Turn:
        """A step's working set, on copies of ``state`` and ``ctx``."""
        return Turn(self.q, self.walk(ctx.blocks), WIRING, state, ctx)

    def step(self, state: State, ctx: Context, inp: Input) -> Outcome:
        """Handle one input; never raises on anything a person can send."""
        t = self.turn(state, ctx)
        dispatch(t, inp)
        return t.outcome()

    def start(self, state: State, ctx: Context, lang_hint: str | None = None) -> Outcome:
        """First contact or ``/start``: choose the language, then continue where we were."""
        t = self.turn(state, ctx)
        if not t.state.lang_confirmed:
            t.state.lang = i18n.normalise(lang_hint)
        commands.start(t)
        return t.outcome()

    def resume(self, state: State, ctx: Context) -> Outcome:
        """Show the current question again (after a conflict, a restart, a channel switch)."""
        t = self.turn(state, ctx)
        t.state.draft.pop("seen_version", None)
        t.state.shown_item = None
        note = flow.last_answered(t)
        if note:
            t.say(note)
        flow.resume(t)
        return t.outcome()

    def settle(self, outcome: Outcome, response_version: int | None) -> Outcome:
        """The effects are applied and the response is at ``response_version``.

        A summary shown after this step's own saves is pinned to that version, so the
        submission is checked against what the person saw.  Returns a new outcome (the
        given one is unchanged); calling it when ``awaits_response_version`` is False
        returns the outcome as it is.
        """
        if not outcome.awaits_response_version:
            return outcome
        state = outcome.state.copy()
        state.draft["version"] = response_version
        return replace(outcome, state=state, awaits_response_version=False)

    def missing(self, answers: dict[str, Answer], blocks: list[int]) -> tuple[list[str], list[str]]:
        """(unanswered field codes, item codes with unconfirmed mismatches)."""
        return rules.missing(self.walk(blocks), answers)

    @staticmethod
    def violations(answers: dict[str, Answer], item: Item) -> list[tuple[Rule, int, int]]:
        """Rules of ``item`` broken by the answers and not confirmed (see :mod:`dialogs.rules`)."""
        return rules.violations(answers, item)

    def review_text(
        self, answers: dict[str, Answer], blocks: list[int], number: int, lang: str
    ) -> str:
        """A compact review of one block's answers (used by the engine and the web page)."""
        return review_text(self.q, answers, number, lang)

    def review_entry(
        self, answers: dict[str, Answer], blocks: list[int], code: str, lang: str
    ) -> ReviewEntry | None:
        """One review entry in full by its ``code`` (a field, a comment, a rule), for a
        channel that showed it shortened; None if no block of ``blocks`` has it."""
        return review_entry(self.q, answers, blocks, code, lang)
