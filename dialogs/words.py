"""Breakdowns typed in the person's words: ``м 5 ж 3``, ``18-25: 2, 26-45 — 5``,
``Узбекистан 3 Кыргызстан 2``.

:func:`dialogs.parsing.parse_breakdown` reads entries separated by ``;``, new lines or a
comma before a label.  What it cannot split, written as one run of "label number label
number" with spaces, commas or dashes between, is read here: the run is cut into
words, and every way to group them into (label, number) pairs is tried, shortest label
first, until each label names a category (so ``до 18 3`` is "до 18" → 3, not "до" →
18).  Only when the plain reading fails: what it reads is never second-guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dialogs.parsing import (
    Matcher,
    ParseError,
    parse_breakdown,
    parse_count,
    parse_open_breakdown,
)

#: A word that is only punctuation or a dash between a label and its number.
_SEPARATOR = re.compile(r"^[\s:=;,.\-\u2012\u2013\u2014\u2212]+$")
_NUMBER = re.compile(r"^\d{1,9}$")
#: Runs longer than this are not guessed at (the grouping search is exponential).
MAX_WORDS = 40


def words_of(raw: str) -> list[str]:
    """The run's words, separators dropped, trailing punctuation cut off."""
    words = []
    for word in raw.split():
        if _SEPARATOR.match(word):
            continue
        words.append(word.rstrip(",;.") if _NUMBER.match(word.rstrip(",;.")) else word)
    return words


def pairs(words: list[str], match: Callable[[str], str | None]) -> list[tuple[str, str]] | None:
    """(code, number) pairs covering every word, or None if there is no such grouping."""
    if not words:
        return []
    for j in range(1, len(words)):
        if not _NUMBER.match(words[j]):
            continue
        code = match(" ".join(words[:j]))
        if code is None:
            continue
        rest = pairs(words[j + 1 :], match)
        if rest is not None:
            return [(code, words[j]), *rest]
    return None


def read_run(raw: str, match: Callable[[str], str | None], max_value: int) -> dict[str, int]:
    """The run as counts by code; ParseError if it cannot be grouped or names a code twice."""
    words = words_of(raw)
    found = pairs(words, match) if len(words) <= MAX_WORDS else None
    if not found:
        raise ParseError("")
    result: dict[str, int] = {}
    for code, number in found:
        if code in result:
            raise ParseError("")
        result[code] = parse_count(number, max_value)
    return result


def parse_breakdown_words(
    raw: str, categories: list[tuple[str, list[str]]], max_value: int = 10_000_000
) -> dict[str, int]:
    """:func:`~dialogs.parsing.parse_breakdown`, or the same text read as one run of words."""
    try:
        return parse_breakdown(raw, categories, max_value)
    except ParseError as error:
        matcher = Matcher(categories)

        def match(label: str) -> str | None:
            exact = matcher.exact(label)
            if exact is not None:
                return exact
            found = matcher.prefixed(label)
            return found.pop() if len(found) == 1 else None

        try:
            return read_run(raw, match, max_value)
        except ParseError:
            raise error from None


def parse_open_words(
    raw: str, resolve: Callable[[str], str], max_value: int = 10_000_000
) -> dict[str, int]:
    """:func:`~dialogs.parsing.parse_open_breakdown`, or the text read as one run of words
    (each label resolved; one that does not resolve ends that grouping)."""
    try:
        return parse_open_breakdown(raw, resolve, max_value)
    except ParseError as error:

        def match(label: str) -> str | None:
            try:
                return resolve(label)
            except Exception:  # noqa: BLE001 - any refusal means "not this grouping"
                return None

        try:
            return read_run(raw, match, max_value)
        except ParseError:
            raise error from None
