"""Reading what people type: numbers, sums, breakdowns, free text, yes/no.

Officials answer from phones, in Russian, Kazakh or English, and type numbers
the way people do: ``1 234`` with a no-break space from the keyboard,
``12,5 тг``, ``мужской 2; женский 3``.  Every function here either returns a
value that satisfies the field's rules or raises :class:`ParseError` - never
anything else, so the dialog engine can show the error and ask again.

Errors carry a Russian gettext *message id* and parameters, not a translated
text: the engine renders them in the person's language with
:meth:`ParseError.render`.  Parameters may themselves be *localisable* (any
object with a ``render(lang)`` method: a nested ParseError, :class:`Msgids`),
so a list of category labels is shown in the person's language too; their
``str()`` is the Russian text, so plain ``msgid.format(**params)`` still works.

The package: ``messages`` (every refusal's message id), ``errors`` (ParseError and
localisable parameters), ``text`` (free text, yes/no), ``numbers`` (counts, sums),
``breakdowns`` (counts per category typed in one message).  Import from here.
"""

from dialogs import i18n
from dialogs.parsing.breakdowns import (
    Matcher,
    breakdown_categories,
    normalise_label,
    parse_breakdown,
    parse_open_breakdown,
)
from dialogs.parsing.errors import (
    Localisable,
    Msgids,
    ParseError,
)
from dialogs.parsing.messages import (
    AMBIGUOUS_CATEGORY,
    CATEGORY_VALUE,
    DECIMALS,
    DIGITS,
    DUPLICATE_CATEGORY,
    DUPLICATE_OPEN,
    EMPTY,
    EMPTY_BREAKDOWN,
    EMPTY_NUMBER,
    EMPTY_OPEN_BREAKDOWN,
    FRACTION,
    GROUPING,
    HIDDEN_MARKS,
    MULTIPLIER,
    NEGATIVE_AMOUNT,
    NEGATIVE_COUNT,
    NO_CATEGORY,
    NO_NUMBER,
    NO_WORDS,
    NOT_A_COUNT,
    NOT_AN_AMOUNT,
    OPEN_NO_CATEGORY,
    SIGN,
    TEXT_TOO_LONG,
    THOUSANDS,
    TOO_LARGE,
    UNKNOWN_CATEGORY,
    WORDS,
)
from dialogs.parsing.numbers import (
    parse_amount,
    parse_count,
)
from dialogs.parsing.text import (
    clean_text,
    drop_invisible,
    parse_yes_no,
    refuse_hidden_marks,
)

__all__ = [
    "AMBIGUOUS_CATEGORY",
    "CATEGORY_VALUE",
    "DECIMALS",
    "DIGITS",
    "DUPLICATE_CATEGORY",
    "DUPLICATE_OPEN",
    "EMPTY",
    "EMPTY_BREAKDOWN",
    "EMPTY_NUMBER",
    "EMPTY_OPEN_BREAKDOWN",
    "FRACTION",
    "GROUPING",
    "HIDDEN_MARKS",
    "Localisable",
    "MULTIPLIER",
    "Matcher",
    "Msgids",
    "NEGATIVE_AMOUNT",
    "NEGATIVE_COUNT",
    "NOT_AN_AMOUNT",
    "NOT_A_COUNT",
    "NO_CATEGORY",
    "NO_NUMBER",
    "NO_WORDS",
    "OPEN_NO_CATEGORY",
    "ParseError",
    "SIGN",
    "TEXT_TOO_LONG",
    "THOUSANDS",
    "TOO_LARGE",
    "UNKNOWN_CATEGORY",
    "WORDS",
    "breakdown_categories",
    "clean_text",
    "drop_invisible",
    "i18n",
    "normalise_label",
    "parse_amount",
    "parse_breakdown",
    "parse_count",
    "parse_open_breakdown",
    "parse_yes_no",
    "refuse_hidden_marks",
]
