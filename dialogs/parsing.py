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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Context, Decimal
from typing import Any, Protocol

from dialogs import i18n
from dialogs.i18n import N_

# --- message ids -------------------------------------------------------------------------

EMPTY = N_("Пустой ответ. Напишите, пожалуйста, ответ.")
NO_WORDS = N_("В ответе нет ни букв, ни цифр. Напишите, пожалуйста, ответ словами.")
TEXT_TOO_LONG = N_(
    "Слишком длинный ответ: {length} символов, а можно не больше {max}. Сократите, пожалуйста."
)

EMPTY_NUMBER = N_("Пустой ответ. Введите число цифрами, например: 25")
NOT_A_COUNT = N_("Введите целое число от 0 до {max}, например: 25")
NOT_AN_AMOUNT = N_("Введите сумму в тенге цифрами, например: 150000 или 1 234,56")
WORDS = N_("Напишите число цифрами, например: 25")
DIGITS = N_("Используйте цифры 0-9, например: 25")
HIDDEN_MARKS = N_(
    "В числе есть невидимые символы (например, меняющие направление текста), из-за которых "
    "на экране видно не то, что записано. Наберите число заново цифрами, например: 25"
)
SIGN = N_("Напишите число без знака «+», например: 25")
NEGATIVE_COUNT = N_("Количество не может быть отрицательным. Введите число от 0 до {max}")
NEGATIVE_AMOUNT = N_("Сумма не может быть отрицательной. Введите сумму от 0 до {max}")
FRACTION = N_("Количество — целое число, без дробной части. Введите, например: 25")
DECIMALS = N_("После запятой — не больше двух цифр (тиын), например: 1 234,56")
THOUSANDS = N_(
    "Не понимаю «{value}»: запятая или точка здесь отделяет тысячи или дробную часть? "
    "Напишите число без разделителей или отделяйте тысячи пробелами, например: 1 234 567"
)
GROUPING = N_(
    "Не понимаю, как разбито число «{value}». Напишите его слитно (1234567) "
    "или группами по три цифры (1 234 567)"
)
MULTIPLIER = N_("Напишите сумму полностью цифрами, без «тыс.» и «млн», например: 1 500 000")
TOO_LARGE = N_(
    "Слишком большое число: {value}. Проверьте, пожалуйста; наибольшее допустимое — {max}"
)

EMPTY_BREAKDOWN = N_(
    "Пустой ответ. Напишите число для каждой категории, например: «{example}: 3». "
    "Возможные категории: {choices}"
)
UNKNOWN_CATEGORY = N_("Не узнаю категорию «{label}». Возможные: {choices}")
AMBIGUOUS_CATEGORY = N_(
    "«{label}» подходит к нескольким категориям: {choices}. Напишите точнее, пожалуйста."
)
NO_CATEGORY = N_(
    "Перед числом {value} укажите категорию, например: «{example}: {value}». "
    "Возможные категории: {choices}"
)
NO_NUMBER = N_("После «{label}» укажите число, например: «{label}: 3»")
CATEGORY_VALUE = N_("«{category}»: {problem}")
DUPLICATE_CATEGORY = N_("Категория «{category}» указана дважды. Укажите каждую один раз.")
EMPTY_OPEN_BREAKDOWN = N_("Пустой ответ. Напишите по строкам, например: «Кыргызстан: 3»")
OPEN_NO_CATEGORY = N_(
    "Перед числом {value} укажите, к чему оно относится, например: «Кыргызстан: {value}»"
)
DUPLICATE_OPEN = N_("«{first}» и «{second}» — одно и то же ({category}). Укажите каждое один раз.")

# --- errors and localisable parameters -----------------------------------------------------


class Localisable(Protocol):
    """A parameter shown in the person's language: ``render(lang)``; ``str()`` is Russian."""

    def render(self, lang: str) -> str: ...


class ParseError(ValueError):
    """msgid: Russian gettext message id; params: dict for str.format after translation.

    A parameter with a ``render(lang)`` method (a nested ParseError, :class:`Msgids`,
    a country list) is rendered in the same language; others are inserted as they are.
    """

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(self.render(i18n.SOURCE_LANGUAGE))

    def render(self, lang: str) -> str:
        """The message in ``lang``, parameters filled in (and localised where they can be)."""
        values = {
            key: value.render(lang) if hasattr(value, "render") else value
            for key, value in self.params.items()
        }
        text = _translate(lang, self.msgid)
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            # A translator's typo in a placeholder must not break the dialog.
            return self.msgid.format(**values)

    def __str__(self) -> str:
        return self.render(i18n.SOURCE_LANGUAGE)


class Msgids(tuple[str, ...]):
    """Russian message ids (category labels) shown joined, each translated at render time."""

    sep = ", "

    def render(self, lang: str) -> str:
        return self.sep.join(_translate(lang, m) for m in self)

    def __str__(self) -> str:
        return self.sep.join(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _translate(lang: str, msgid: str) -> str:
    """gettext that never fails: a missing or broken catalog shows the Russian text."""
    try:
        return i18n.gettext(lang, msgid) or msgid
    except Exception:  # noqa: BLE001 - an error message must always be shown
        return msgid


def _echo(raw: str, limit: int = 40) -> str:
    """What the person typed, shortened for quoting back in a message."""
    raw = " ".join(raw.split())
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


# --- free text ---------------------------------------------------------------------------

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

#: Spaces people (and phone keyboards) put between thousands.
_GROUP_SPACES = "\u0020\u00a0\u2007\u2009\u202f"
_MINUS = "-\u2212\u2012\u2013\u2014\u2010\u2011\ufe63\uff0d"
_COUNT_UNITS = ("человека", "человек", "чел.", "чел", "адам", "people", "persons", "шт.", "шт")
_AMOUNT_UNITS = ("тенге", "теңге", "tenge", "kzt", "тг.", "тг", "₸")
_MULTIPLIERS = re.compile(r"(тыс|млн|млрд|мың|миллион|миллиард|thousand|million|billion|mln|bn)")
_NUMBER_CHARS = re.compile(rf"[0-9{_GROUP_SPACES},.]+")


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
    groups = re.split(f"[{_GROUP_SPACES}]+", text)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise ParseError(GROUPING, value=_echo(original))
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
    if text[0] in _MINUS and len(text) > 1 and (text[1].isdigit() or text[1] in _GROUP_SPACES):
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
            raise ParseError(THOUSANDS, value=_echo(original))
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
            raise ParseError(THOUSANDS, value=_echo(original))
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

_DASHES = re.compile(f"[{_MINUS}]")
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


_TRAILING_VALUE = re.compile(rf"(?:(?<![^\s:=])[{_MINUS}+])?\d(?:[\d.,{_GROUP_SPACES}]*\d)?\.?\s*$")


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
    cuts |= {m.end() for m in re.finditer(rf"[^\W\d_][{_MINUS}]?(?=\d)", entry)}
    cuts |= {m.end() for m in re.finditer(rf"\d[{_MINUS}](?=\d)", entry)}
    splits = [(entry[:i].strip(), entry[i:].strip()) for i in sorted(cuts, reverse=True)]
    return [(label, value) for label, value in splits if label.strip(_LABEL_TRIM) and value]


class _Matcher:
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
        raise ParseError(CATEGORY_VALUE, category=_echo(category), problem=error) from error


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
    matcher = _Matcher(categories)
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


def _match_entry(entry: str, matcher: _Matcher, example: Msgids) -> tuple[str, str, str]:
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
        raise ParseError(NO_CATEGORY, value=_echo(value), example=example, choices=matcher.choices)
    found = matcher.prefixed(label)
    if len(found) > 1:
        choices = Msgids(matcher.ru[c] for c in matcher.codes if c in found)
        raise ParseError(AMBIGUOUS_CATEGORY, label=_echo(label), choices=choices)
    code = matcher.exact(label)
    if code is None:
        raise ParseError(UNKNOWN_CATEGORY, label=_echo(label), choices=matcher.choices)
    if not value:
        raise ParseError(NO_NUMBER, label=_echo(label))
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
            raise ParseError(OPEN_NO_CATEGORY, value=_echo(value))
        if not value:
            raise ParseError(NO_NUMBER, label=_echo(label))
        try:
            key = resolve(label)
        except ParseError:
            raise
        except Exception as error:  # noqa: BLE001 - the contract is: only ParseError
            raise ParseError(UNKNOWN_CATEGORY, label=_echo(label), choices="") from error
        if key in result:
            raise ParseError(DUPLICATE_OPEN, first=typed[key], second=_echo(label), category=key)
        result[key] = _count_in(label, value, max_value)
        typed[key] = _echo(label)
    return result


# --- yes / no -------------------------------------------------------------------------------

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
