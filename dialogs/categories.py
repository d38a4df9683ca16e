"""Closed categories of open breakdowns: the forms of trafficking (articles of the
Criminal Code), the referring subjects, the types of exploitation.

What people type — ``128``, ``ст. 128``, ``ОВД``, ``ІІО``, ``МОМ``, a label in ru, kk
or en — is matched to a suggestion by its code, label, or one of its ``aliases``
(case, ё, punctuation and spacing ignored), else by the start of a label when only
one fits (``органы внутр``).  Anything else is never stored as a new category: it is
refused with the closest suggestion when one is close (a typo), or, where the
dimension allows "other", kept as ``other:<text>``.  A wrong category in the expert
group's tables is worse than one more question.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence

from dialogs import i18n
from dialogs.i18n import N_
from dialogs.parsing import Msgids, ParseError, clean_text
from dialogs.schema import OpenDimension

OTHER = "other:"


class Choices(Msgids):
    """Suggestions listed: ``;`` between them, since labels themselves have commas."""

    sep = "; "


UNKNOWN = "unknown"

NOT_A_CATEGORY = N_("Не узнаю «{label}». Возможные варианты: {choices}")
DID_YOU_MEAN = N_(
    "Не узнаю «{label}». Возможно, имелось в виду: «{suggestion}»? Напишите точнее или "
    "выберите кнопкой."
)
#: How close a typo must be to a name to be suggested (difflib's ratio).
CLOSE = 0.75
#: The shortest start of a label taken for the label ("орган" is too short to mean one).
MIN_PREFIX = 5


def normalise(text: str) -> str:
    """Comparable form: case, ё, dashes, punctuation and spaces ignored (``Ст. 128`` = ``ст 128``)."""
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


class ClosedCategories:
    """Typed label → suggestion code (or ``unknown``, or ``other:<text>``) for one dimension."""

    def __init__(
        self,
        dim: OpenDimension,
        translate: Callable[[str, str], str] = i18n.gettext,
        languages: Sequence[str] = i18n.LANGUAGES,
    ) -> None:
        self.dim = dim
        self.names: dict[str, str] = {}  # normalised name → code
        self.labels: dict[str, str] = {}  # normalised label (every language) → code
        for s in dim.suggestions:
            labels = {s.label, *(translate(lang, s.label) for lang in languages)}
            for label in labels:  # and its words before a bracket: «торговля людьми»
                self.labels[normalise(label)] = s.code
                self.labels[normalise(label.split("(")[0])] = s.code
            for name in (*labels, *s.aliases, s.code):
                self.names[normalise(name)] = s.code
        for lang in languages:
            self.names[normalise(translate(lang, "неизвестно"))] = UNKNOWN
        self.ru = {s.code: s.label for s in dim.suggestions}

    def resolve(self, label: str) -> str:
        """The code ``label`` names; ParseError (with a suggestion if one is close) if none."""
        key = normalise(label)
        if key in self.names:
            return self.names[key]
        starts = {code for name, code in self.labels.items() if name.startswith(key)}
        if len(key) >= MIN_PREFIX and len(starts) == 1:
            return starts.pop()
        close = difflib.get_close_matches(key, list(self.labels), n=1, cutoff=CLOSE)
        if close:  # a typo of a label (abbreviations are too short to tell typos by)
            suggestion = Msgids([self.ru[self.labels[close[0]]]])
            raise ParseError(DID_YOU_MEAN, label=label.strip(), suggestion=suggestion)
        if self.dim.other:
            return OTHER + clean_text(label, 100)
        raise ParseError(NOT_A_CATEGORY, label=label.strip(), choices=Choices(self.ru.values()))


_cache: dict[int, ClosedCategories] = {}


def closed(dim: OpenDimension) -> ClosedCategories:
    """The matcher of ``dim``, built once (the questionnaire's models are immutable)."""
    if id(dim) not in _cache:
        _cache[id(dim)] = ClosedCategories(dim)
    return _cache[id(dim)]


def other_text(key: str) -> str | None:
    """The text of an "other" key (``other:МЧС`` → ``МЧС``), None for any other key."""
    return key[len(OTHER) :] if key.startswith(OTHER) else None
