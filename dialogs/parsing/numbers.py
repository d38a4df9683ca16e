"""Counts and sums typed the way people type them: ``1 234``, ``12,5 тг``, ``25 чел.``.

A wrong guess at a separator is a factor of 1000 in a national statistic, so anything
ambiguous is refused with a message saying what is expected, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Context, Decimal
from typing import Any

from dialogs.parsing.errors import ParseError, echo
from dialogs.parsing.messages import (
    DECIMALS,
    DIGITS,
    EMPTY_NUMBER,
    FRACTION,
    GROUPING,
    MULTIPLIER,
    NEGATIVE_AMOUNT,
    NEGATIVE_COUNT,
    NOT_A_COUNT,
    NOT_AN_AMOUNT,
    SIGN,
    THOUSANDS,
    TOO_LARGE,
    WORDS,
)
from dialogs.parsing.text import drop_invisible, refuse_hidden_marks

#: Spaces people (and phone keyboards) put between thousands.
GROUP_SPACES = "\u0020\u00a0\u2007\u2009\u202f"
MINUS = "-\u2212\u2012\u2013\u2014\u2010\u2011\ufe63\uff0d"
_COUNT_UNITS = ("человека", "человек", "чел.", "чел", "адам", "people", "persons", "шт.", "шт")
_AMOUNT_UNITS = ("тенге", "теңге", "tenge", "kzt", "тг.", "тг", "₸")
_MULTIPLIERS = re.compile(r"(тыс|млн|млрд|мың|миллион|миллиард|thousand|million|billion|mln|bn)")
_NUMBER_CHARS = re.compile(rf"[0-9{GROUP_SPACES},.]+")


def _strip_unit(text: str, units: Sequence[str]) -> str:
    """Drop one unit before or after the number (case-insensitive, with or without space)."""
    low = text.casefold()
    for unit in units:
        if low.endswith(unit):
            return text[: len(text) - len(unit)].rstrip()
        if low.startswith(unit) and unit in ("₸", "kzt"):
            return text[len(unit) :].lstrip()
    return text


def _format_int(n: int | str) -> str:
    """``1 234 567`` (plain spaces: the message is shown, not parsed), shortened if absurd."""
    digits = str(n).lstrip("0") or "0"
    if len(digits) > 24:
        return digits[:12] + "…"
    return f"{int(digits):,}".replace(",", " ")


def _integer_digits(text: str, original: str) -> str:
    """The digits of an integer written plainly (``1234``) or grouped by three (``1 234``)."""
    groups = re.split(f"[{GROUP_SPACES}]+", text)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise ParseError(GROUPING, value=echo(original))
    return "".join(groups)


def _classify_garbage(text: str, original: str, default: ParseError) -> ParseError:
    """The most helpful error for something that is not a plain number."""
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in text):
        return ParseError(DIGITS)
    letters = any(ch.isalpha() for ch in text)
    digits = any("0" <= ch <= "9" for ch in text)
    if letters and not digits:
        return ParseError(WORDS)
    return default


def _prepare(raw: Any) -> str:
    """Normalised, trimmed input; invisible characters dropped, dashes unified at the front."""
    if not isinstance(raw, str):
        raise ParseError(EMPTY_NUMBER)
    refuse_hidden_marks(raw)
    text = drop_invisible(unicodedata.normalize("NFC", raw)).replace("\n", " ").strip()
    if not text:
        raise ParseError(EMPTY_NUMBER)
    return text


def _sign(text: str, negative: ParseError) -> str:
    """Refuse signs: a minus is a mistake, a plus is unexpected in a count."""
    if text[0] in MINUS and len(text) > 1 and (text[1].isdigit() or text[1] in GROUP_SPACES):
        raise negative
    if text[0] == "+" and len(text) > 1:
        raise ParseError(SIGN)
    return text


def _check_max(digits: str, max_value: int) -> int:
    """The value of ``digits``, refused above ``max_value`` (without huge int conversions)."""
    significant = digits.lstrip("0") or "0"
    if len(significant) > len(str(max_value)) or int(significant) > max_value:
        raise ParseError(TOO_LARGE, value=_format_int(significant), max=_format_int(max_value))
    return int(significant)


def parse_count(raw: str, max_value: int = 10_000_000) -> int:
    """A whole number of cases or persons, 0 ≤ n ≤ ``max_value``.

    Accepts ``1234``, ``1 234`` (any no-break or thin space), leading zeros, a trailing
    ``чел.``/``человек``/``адам``; refuses signs, fractions, words, exponents and
    irregular grouping, each with a message saying what is expected.
    """
    original = raw
    text = _prepare(raw)
    default = ParseError(NOT_A_COUNT, max=_format_int(max_value))
    text = _sign(text, ParseError(NEGATIVE_COUNT, max=_format_int(max_value)))
    text = _strip_unit(text, _COUNT_UNITS)
    if text.endswith(".") and text[:-1].strip()[-1:].isdigit():
        text = text[:-1].rstrip()  # the full stop of "25."
    if not text or not _NUMBER_CHARS.fullmatch(text) or not text[0].isdigit():
        raise _classify_garbage(text or original, original, default)
    if not text[-1].isdigit():
        raise default
    if "," in text or "." in text:
        parts = re.split(r"[.,]", text)
        if all(len(p) == 3 and p.isdigit() for p in parts[1:]) and parts[0].isdigit():
            raise ParseError(THOUSANDS, value=echo(original))
        raise ParseError(FRACTION)
    return _check_max(_integer_digits(text, original), max_value)


_CENT = Decimal("0.01")


def parse_amount(raw: str, max_value: int = 10**13) -> Decimal:
    """A sum in tenge with at most two decimals, 0 ≤ x ≤ ``max_value``, quantized to 0.01.

    Accepts a decimal comma or point (``12,5``, ``1 234,56``, ``1234.5``) and a unit
    (``тг``, ``тенге``, ``теңге``, ``₸``, ``KZT``).  ``1,234`` and ``1.234.567`` are refused:
    the separator could mean thousands or a fraction, and a wrong guess is a factor of 1000.
    """
    original = raw
    text = _prepare(raw)
    default = ParseError(NOT_AN_AMOUNT)
    text = _sign(text, ParseError(NEGATIVE_AMOUNT, max=_format_int(max_value)))
    text = _strip_unit(text, _AMOUNT_UNITS)
    if text and _MULTIPLIERS.search(text.casefold()):
        raise ParseError(MULTIPLIER)
    if text.endswith(".") and text[:-1].strip()[-1:].isdigit():
        text = text[:-1].rstrip()
    if not text or not _NUMBER_CHARS.fullmatch(text) or not text[0].isdigit():
        raise _classify_garbage(text or original, original, default)
    if not text[-1].isdigit():
        raise default
    separators = re.findall(r"[.,]", text)
    fraction = ""
    if separators:
        head, _, tail = text.rpartition(separators[-1])
        if len(separators) > 1 or len(tail) == 3:
            raise ParseError(THOUSANDS, value=echo(original))
        if not tail.isdigit() or not head or not head[-1].isdigit():
            raise default
        if len(tail) > 2:
            raise ParseError(DECIMALS)
        text, fraction = head, tail
    digits = _integer_digits(text, original)
    whole = _check_max(digits, max_value)
    value = Decimal(f"{whole}.{fraction or '0'}")
    value = value.quantize(_CENT, context=Context(prec=len(str(whole)) + 4))
    if value > max_value:
        shown = f"{_format_int(whole)},{fraction}"
        raise ParseError(TOO_LARGE, value=shown, max=_format_int(max_value))
    return value


# --- breakdowns ----------------------------------------------------------------------------
