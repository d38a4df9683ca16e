"""Free text and yes/no as people type them on phones: invisible marks dropped, spacing
normalised, markup and formulas kept verbatim (escaping belongs to whoever renders)."""

from __future__ import annotations

import re
import unicodedata

from dialogs.parsing.errors import ParseError
from dialogs.parsing.messages import EMPTY, HIDDEN_MARKS, NO_WORDS, TEXT_TOO_LONG

_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


#: Letters that show as blank space (Hangul fillers, the blank Braille pattern).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(ch: str) -> bool:
    return ch in _BLANK_LETTERS or unicodedata.category(ch) in {"Cc", "Cf", "Cs"}


def drop_invisible(text: str) -> str:
    """Remove control (except newline), format (zero-width, bidi overrides), surrogate and
    blank-letter characters: they hide or reorder text in exports and break UTF-8 storage."""
    return "".join(ch for ch in text if ch == "\n" or not _invisible(ch))


def refuse_hidden_marks(text: str) -> None:
    """A number must read as it is stored: ``"\u202e12"`` shows as "21" and is refused
    (tabs and line breaks are ordinary spacing, not hidden marks)."""
    if any(_invisible(ch) for ch in text if ch not in "\t\n\r"):
        raise ParseError(HIDDEN_MARKS)


def clean_text(raw: str, max_length: int) -> str:
    """Normalise a free-text answer; refuse empty, wordless or too long ones.

    The text stays text: markup or spreadsheet formulas are kept verbatim, since
    escaping belongs to whatever renders or exports it.
    """
    if not isinstance(raw, str):
        raise ParseError(EMPTY)
    text = unicodedata.normalize("NFC", raw)
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    text = drop_invisible(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if not text:
        raise ParseError(EMPTY)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        raise ParseError(NO_WORDS)
    if len(text) > max_length:
        raise ParseError(TEXT_TOO_LONG, length=len(text), max=max_length)
    return text


# --- numbers -----------------------------------------------------------------------------


_YES = frozenset({"да", "ага", "иә", "ия", "иа", "иэ", "yes", "y", "yeah", "yep"})
_NO = frozenset({"нет", "неа", "жоқ", "жок", "no", "n", "nope"})


def parse_yes_no(raw: str) -> bool | None:
    """True for "да"/"иә"/"yes", False for "нет"/"жоқ"/"no", None for anything else.

    Only a whole one-word answer counts ("Да!" yes, "не знаю" None): reading the first
    word would turn "нет данных" into a "no".
    """
    if not isinstance(raw, str):
        return None
    word = unicodedata.normalize("NFC", drop_invisible(raw)).casefold().replace("ё", "е")
    word = "".join(ch for ch in word if ch.isalpha() or ch.isspace()).strip()
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None
