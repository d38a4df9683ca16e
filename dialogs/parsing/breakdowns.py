"""Breakdowns typed in one message: "18-25: 3; 26-45: 5", "м 5 ж 3", "Кыргызстан 2".

Labels match a category by any of its labels in ru/kk/en or its code, else by a unique
prefix; a label that could mean two categories is refused, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from dialogs import i18n
from dialogs.parsing.errors import Msgids, ParseError, echo
from dialogs.parsing.messages import (
    AMBIGUOUS_CATEGORY,
    CATEGORY_VALUE,
    DUPLICATE_CATEGORY,
    DUPLICATE_OPEN,
    EMPTY_BREAKDOWN,
    EMPTY_OPEN_BREAKDOWN,
    NO_CATEGORY,
    NO_NUMBER,
    OPEN_NO_CATEGORY,
    UNKNOWN_CATEGORY,
)
from dialogs.parsing.numbers import GROUP_SPACES, MINUS, parse_count
from dialogs.parsing.text import drop_invisible, refuse_hidden_marks

_DASHES = re.compile(f"[{MINUS}]")
_LABEL_TRIM = " :=-\t"


def normalise_label(label: str) -> str:
    """Comparable form of a category label: case, ё, dashes, spaces and separators ignored."""
    text = unicodedata.normalize("NFC", label).casefold().replace("ё", "е")
    text = _DASHES.sub("-", text)
    text = re.sub(r"\s*-\s*", "-", " ".join(text.split()))
    return text.strip(_LABEL_TRIM)


def breakdown_categories(
    categories: Iterable[Any],
    translate: Callable[[str, str], str] = i18n.gettext,
    languages: Sequence[str] = i18n.LANGUAGES,
) -> list[tuple[str, list[str]]]:
    """``[(code, [ru label, kk label, en label]), …]`` for :func:`parse_breakdown`.

    ``categories`` holds objects with ``code`` and ``label`` (a CategorySet's
    ``categories``); ``translate(lang, msgid)`` is injectable so tests do not depend on
    how far the translators are.  The Russian label always comes first.
    """
    result = []
    for category in categories:
        labels = [category.label]
        for lang in languages:
            translated = translate(lang, category.label)
            if translated and translated not in labels:
                labels.append(translated)
        result.append((category.code, labels))
    return result


def _split_entries(raw: str) -> list[str]:
    """Entries of "label: n; label: n": ``;`` and newlines always separate; a comma only
    after a number and before something that is not a digit (so ``1,5`` stays whole and
    labels with commas keep them)."""
    parts = re.split(r"[;\n]", raw)
    entries: list[str] = []
    for part in parts:
        entries.extend(re.split(r"(?<=\d)\s*,(?=\s*[^\d\s])", part))
    return [e.strip() for e in entries if e.strip(" \t,.")]


_TRAILING_VALUE = re.compile(rf"(?:(?<![^\s:=])[{MINUS}+])?\d(?:[\d.,{GROUP_SPACES}]*\d)?\.?\s*$")


def _default_split(entry: str) -> tuple[str, str]:
    """Label and value: at the last ``:`` or ``=``, else before the trailing number."""
    cut = max(entry.rfind(":"), entry.rfind("="))
    if cut >= 0:
        return entry[:cut].strip(), entry[cut + 1 :].strip()
    match = _TRAILING_VALUE.search(entry)
    if match is None:
        return entry.strip(), ""
    return entry[: match.start()].strip(), match.group().strip()


def _candidate_splits(entry: str) -> list[tuple[str, str]]:
    """Every way to cut "label value" without a separator, longest label first; labels may
    end in digits (``до 14 100``), so the categories decide where the number starts."""
    if ":" in entry or "=" in entry:
        return [_default_split(entry)]
    cuts = {m.end() for m in re.finditer(r"\s+", entry)}
    cuts |= {m.end() for m in re.finditer(rf"[^\W\d_][{MINUS}]?(?=\d)", entry)}
    cuts |= {m.end() for m in re.finditer(rf"\d[{MINUS}](?=\d)", entry)}
    splits = [(entry[:i].strip(), entry[i:].strip()) for i in sorted(cuts, reverse=True)]
    return [(label, value) for label, value in splits if label.strip(_LABEL_TRIM) and value]


class Matcher:
    """Finds the category a typed label means: exact label or code, else a unique prefix."""

    def __init__(self, categories: list[tuple[str, list[str]]]) -> None:
        self.codes = [code for code, _ in categories]
        self.ru = {code: (labels[0] if labels else code) for code, labels in categories}
        self.keys: list[tuple[str, str]] = []
        for code, labels in categories:
            for text in (*labels, code):
                key = normalise_label(text)
                if key:
                    self.keys.append((key, code))
        self.choices = Msgids(self.ru[c] for c in self.codes)

    def exact(self, label: str) -> str | None:
        key = normalise_label(label)
        found = {code for k, code in self.keys if k == key}
        return found.pop() if len(found) == 1 else None

    def prefixed(self, label: str) -> set[str]:
        key = normalise_label(label)
        if not key:
            return set()
        return {
            code
            for k, code in self.keys
            if k.startswith(key)
            and not (key[-1].isdigit() and k[len(key) : len(key) + 1].isdigit())
        }


def _count_in(category: str, value: str, max_value: int) -> int:
    """parse_count, its error wrapped to name the category the person typed."""
    try:
        return parse_count(value, max_value)
    except ParseError as error:
        raise ParseError(CATEGORY_VALUE, category=echo(category), problem=error) from error


def parse_breakdown(
    raw: str, categories: list[tuple[str, list[str]]], max_value: int = 10_000_000
) -> dict[str, int]:
    """Counts per fixed category from "18-25: 3; 26-45: 5; неизвестно: 1" (or one per line).

    ``categories`` is ``[(code, [labels in any languages…]), …]``.  A label matches a
    category by any of its labels or its code (case, ё, dashes, spaces ignored), else by a
    unique prefix (``муж``, ``неизв``).  A count error is wrapped as CATEGORY_VALUE with
    params ``category`` (as typed) and ``problem`` (the count's ParseError).  Only the
    categories given are returned; the caller fills zeros.
    """
    matcher = Matcher(categories)
    example = Msgids(matcher.ru[c] for c in matcher.codes[:1])
    text = raw if isinstance(raw, str) else ""
    refuse_hidden_marks(text)
    text = drop_invisible(unicodedata.normalize("NFC", text))
    entries = _split_entries(text)
    if not entries:
        raise ParseError(EMPTY_BREAKDOWN, example=example, choices=matcher.choices)
    result: dict[str, int] = {}
    for entry in entries:
        code, label, value = _match_entry(entry, matcher, example)
        if code in result:
            raise ParseError(DUPLICATE_CATEGORY, category=Msgids([matcher.ru[code]]))
        result[code] = _count_in(label, value, max_value)
    return result


def _match_entry(entry: str, matcher: Matcher, example: Msgids) -> tuple[str, str, str]:
    """(code, typed label, value text) of one entry, or the most helpful ParseError."""
    splits = _candidate_splits(entry)
    for label, value in splits:
        code = matcher.exact(label)
        if code is not None:
            return code, label.strip(_LABEL_TRIM), value
    for label, value in splits:
        found = matcher.prefixed(label)
        if len(found) == 1:
            return found.pop(), label.strip(_LABEL_TRIM), value
    label, value = _default_split(entry)
    label = label.strip(_LABEL_TRIM)
    if not label:
        raise ParseError(NO_CATEGORY, value=echo(value), example=example, choices=matcher.choices)
    found = matcher.prefixed(label)
    if len(found) > 1:
        choices = Msgids(matcher.ru[c] for c in matcher.codes if c in found)
        raise ParseError(AMBIGUOUS_CATEGORY, label=echo(label), choices=choices)
    code = matcher.exact(label)
    if code is None:
        raise ParseError(UNKNOWN_CATEGORY, label=echo(label), choices=matcher.choices)
    if not value:
        raise ParseError(NO_NUMBER, label=echo(label))
    return code, label, value


def parse_open_breakdown(
    raw: str, resolve: Callable[[str], str], max_value: int = 10_000_000
) -> dict[str, int]:
    """Counts per open category ("Кыргызстан: 3; Узбекистан 2"); ``resolve(label)`` gives
    the key or raises ParseError, which propagates.  Two labels resolving to one key are
    refused (DUPLICATE_OPEN, params ``first``, ``second``, ``category``): summing them
    silently could hide a typo.  Counts follow :func:`parse_count`, up to ``max_value``.
    """
    text = raw if isinstance(raw, str) else ""
    refuse_hidden_marks(text)
    text = drop_invisible(unicodedata.normalize("NFC", text))
    entries = _split_entries(text)
    if not entries:
        raise ParseError(EMPTY_OPEN_BREAKDOWN)
    result: dict[str, int] = {}
    typed: dict[str, str] = {}
    for entry in entries:
        label, value = _default_split(entry)
        label = label.strip(_LABEL_TRIM)
        if not label:
            raise ParseError(OPEN_NO_CATEGORY, value=echo(value))
        if not value:
            raise ParseError(NO_NUMBER, label=echo(label))
        try:
            key = resolve(label)
        except ParseError:
            raise
        except Exception as error:  # noqa: BLE001 - the contract is: only ParseError
            raise ParseError(UNKNOWN_CATEGORY, label=echo(label), choices="") from error
        if key in result:
            raise ParseError(DUPLICATE_OPEN, first=typed[key], second=echo(label), category=key)
        result[key] = _count_in(label, value, max_value)
        typed[key] = echo(label)
    return result
