"""Consistency rules of the questionnaire as pure functions over answers.

The engine checks them as soon as their fields are answered; the exports check
them again over stored answers (§13.1 of the Rules) without building an engine.
Side answers live beside the fields they concern: an item's comment under
:func:`comment_code`, a confirmed mismatch with its explanation under
:func:`rule_code`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from dialogs.contract import Answer
from dialogs.schema import Item, Rule
from dialogs.walk import Walk


def comment_code(item_code: str) -> str:
    """Where an item's optional comment is stored."""
    return f"{item_code}.comment"


def rule_code(item_code: str, rule: Rule) -> str:
    """Where a confirmed mismatch of a rule (with its explanation) is stored."""
    return f"rule:{item_code}.{rule.code}"


def number(answers: Mapping[str, Answer], item: Item, key: str) -> int | None:
    """A field's number for the rules: a count, or a breakdown's sum; None if unknown."""
    answer = answers.get(f"{item.code}.{key}")
    if answer is None or answer.is_no_data:
        return None
    v = answer.value
    if isinstance(v, dict):
        return sum(int(n) for n in v.values())
    if isinstance(v, int | str):
        return int(Decimal(str(v)))
    return None


def violations(answers: Mapping[str, Answer], item: Item) -> list[tuple[Rule, int, int]]:
    """Rules of ``item`` broken by the answers and not confirmed: (rule, total, parts' sum).

    A confirmation counts only for the numbers it explained: change a number and
    the mismatch is shown again.
    """
    broken = []
    for rule in item.checks():
        total = number(answers, item, rule.total)
        parts = [number(answers, item, p) for p in rule.parts]
        if total is None or None in parts:
            continue
        summed = sum(p for p in parts if p is not None)
        ok = summed == total if rule.check == "equal" else summed <= total
        if ok:
            continue
        confirmed = answers.get(rule_code(item.code, rule))
        if confirmed and confirmed.value and confirmed.value.get("values") == [total, summed]:
            continue
        broken.append((rule, total, summed))
    return broken


def missing(walk: Walk, answers: Mapping[str, Answer]) -> tuple[list[str], list[str]]:
    """What stops a submission: (unanswered field codes, item codes with unconfirmed mismatches)."""
    unanswered = [s.code for s in walk.steps if s.code not in answers]
    mismatched = [i.code for b in walk.blocks for i in b.items if violations(answers, i)]
    return unanswered, mismatched


def confirmed(answers: Mapping[str, Answer], item: Item) -> list[tuple[Rule, int, int, str]]:
    """Mismatches of ``item`` confirmed with an explanation for the numbers as they are now:
    (rule, total, parts' sum, explanation) — the review shows them."""
    found = []
    for rule in item.checks():
        stored = answers.get(rule_code(item.code, rule))
        value = stored.value if stored is not None else None
        if not isinstance(value, dict) or not value.get("explanation"):
            continue
        total = number(answers, item, rule.total)
        parts = [number(answers, item, p) for p in rule.parts]
        if total is None or None in parts:
            continue
        summed = sum(p for p in parts if p is not None)
        if value.get("values") == [total, summed]:
            found.append((rule, total, summed, str(value["explanation"])))
    return found
