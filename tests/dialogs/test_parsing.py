"""Table-driven and property-based tests of what people type into the questionnaire."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs import parsing as p
from dialogs.countries import CountryResolver
from dialogs.parsing import (
    ParseError,
    breakdown_categories,
    clean_text,
    parse_amount,
    parse_breakdown,
    parse_count,
    parse_open_breakdown,
    parse_yes_no,
)
from dialogs.questionnaire import default

#: A stand-in for the catalogs (translators are still at work): lang -> {ru: translation}.
FAKE_CATALOG = {
    "kk": {
        "неизвестно": "белгісіз",
        "мужской": "ер",
        "женский": "әйел",
        "60 и выше": "60 және одан жоғары",
        "до 18": "18-ге дейін",
    },
    "en": {
        "неизвестно": "unknown",
        "мужской": "male",
        "женский": "female",
        "60 и выше": "60 and over",
        "до 18": "under 18",
    },
}


def fake_translate(lang: str, msgid: str) -> str:
    return FAKE_CATALOG.get(lang, {}).get(msgid, msgid)


Q = default()
SEX = breakdown_categories(Q.category_set("sex").categories, translate=fake_translate)
AGE = breakdown_categories(Q.category_set("age_with_minors").categories, translate=fake_translate)
MINORS = breakdown_categories(Q.category_set("age_minors").categories, translate=fake_translate)
RECIPIENTS = breakdown_categories(
    Q.category_set("return_recipients").categories, translate=fake_translate
)
DISABILITY = breakdown_categories(Q.category_set("disability").categories, translate=fake_translate)
ALL_SETS = [SEX, AGE, MINORS, RECIPIENTS, DISABILITY]
RESOLVER = CountryResolver()


def msgid_of(call) -> str:
    with pytest.raises(ParseError) as info:
        call()
    return info.value.msgid


# --- counts ------------------------------------------------------------------------------

COUNT_OK = [
    ("plain", "1234", 1234),
    ("space", "1 234", 1234),
    ("nbsp", "1\u00a0234", 1234),
    ("narrow-nbsp", "1\u202f234", 1234),
    ("thin-space", "1\u2009234", 1234),
    ("millions", "1 234 567", 1_234_567),
    ("padded", "  25 ", 25),
    ("leading-zeros", "007", 7),
    ("zero", "0", 0),
    ("max", "10000000", 10_000_000),
    ("full-stop", "25.", 25),
    ("unit", "5 человек", 5),
]

COUNT_BAD = [
    ("fraction-comma", "12,5", p.FRACTION),
    ("fraction-point", "3.5", p.FRACTION),
    ("negative", "-3", p.NEGATIVE_COUNT),
    ("minus-sign", "\u22123", p.NEGATIVE_COUNT),
    ("plus", "+5", p.SIGN),
    ("words-ru", "двадцать", p.WORDS),
    ("words-en", "twenty", p.WORDS),
    ("words-kk", "жиырма", p.WORDS),
    ("inf", "inf", p.WORDS),
    ("nan", "NaN", p.WORDS),
    ("exponent", "1e9", p.NOT_A_COUNT),
    ("exponent-upper", "1E3", p.NOT_A_COUNT),
    ("hex", "0x10", p.NOT_A_COUNT),
    ("infinity-sign", "∞", p.NOT_A_COUNT),
    ("arabic-digits", "١٢", p.DIGITS),
    ("emoji", "👍", p.NOT_A_COUNT),
    ("empty", "", p.EMPTY_NUMBER),
    ("blank", "   ", p.EMPTY_NUMBER),
    ("5000-chars", "x" * 5000, p.WORDS),
    ("5000-digits", "9" * 5000, p.TOO_LARGE),
    ("absurd", "99999999999", p.TOO_LARGE),
    ("just-above-max", "10000001", p.TOO_LARGE),
    ("irregular-groups", "12 34", p.GROUPING),
    ("irregular-groups-3", "12 34 5", p.GROUPING),
    ("comma-thousands", "1,234", p.THOUSANDS),
    ("point-thousands", "1.234.567", p.THOUSANDS),
    ("apostrophe", "1'234", p.NOT_A_COUNT),
    ("script", "<script>alert(1)</script>", p.NOT_A_COUNT),
    ("formula", '=HYPERLINK("http://x")', p.WORDS),
    # Issue 10: a number must read as it is stored ("\u202e12" shows as 21).
    ("zero-width", "1\u200b2", p.HIDDEN_MARKS),
    ("rtl-override", "\u202e12", p.HIDDEN_MARKS),
    ("bidi-isolate", "\u206612\u2069", p.HIDDEN_MARKS),
    ("bom", "\ufeff12", p.HIDDEN_MARKS),
    ("word-joiner", "1\u20602", p.HIDDEN_MARKS),
    ("hangul-filler", "\u316412", p.HIDDEN_MARKS),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [c[1:] for c in COUNT_OK], ids=[c[0] for c in COUNT_OK]
)
def test_count_ok(raw: str, expected: int) -> None:
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "msgid"), [c[1:] for c in COUNT_BAD], ids=[c[0] for c in COUNT_BAD]
)
def test_count_bad(raw: str, msgid: str) -> None:
    assert msgid_of(lambda: parse_count(raw)) == msgid


def test_count_too_large_names_value_and_max() -> None:
    with pytest.raises(ParseError) as info:
        parse_count("1 000 001", max_value=1_000_000)
    assert info.value.params == {"value": "1 000 001", "max": "1 000 000"}
    assert info.value.render("ru") == (
        "Слишком большое число: 1 000 001. Проверьте, пожалуйста; наибольшее допустимое — 1 000 000"
    )


# --- amounts -----------------------------------------------------------------------------

AMOUNT_OK = [
    ("comma", "12,5", Decimal("12.50")),
    ("grouped-comma", "1 234,56", Decimal("1234.56")),
    ("point", "1234.5", Decimal("1234.50")),
    ("plain", "1234", Decimal("1234.00")),
    ("nbsp", "150\u00a0000", Decimal("150000.00")),
    ("tg", "100 тг", Decimal("100.00")),
    ("tg-dot", "100тг.", Decimal("100.00")),
    ("tenge-ru", "100 тенге", Decimal("100.00")),
    ("tenge-kk", "100 теңге", Decimal("100.00")),
    ("sign", "7₸", Decimal("7.00")),
    ("sign-before", "₸ 7", Decimal("7.00")),
    ("kzt", "7 KZT", Decimal("7.00")),
    ("kzt-lower", "7kzt", Decimal("7.00")),
    ("tenge-en", "7 Tenge", Decimal("7.00")),
    ("cents", "0,05", Decimal("0.05")),
    ("max", "10000000000000", Decimal("10000000000000.00")),
]

AMOUNT_BAD = [
    ("rtl-override", "\u202e12", p.HIDDEN_MARKS),
    ("zero-width", "1\u200b000", p.HIDDEN_MARKS),
    ("comma-thousands", "1,234", p.THOUSANDS),
    ("point-thousands", "1.234.567", p.THOUSANDS),
    ("mixed-separators", "1,234.56", p.THOUSANDS),
    ("three-decimals-4", "12,3456", p.DECIMALS),
    ("negative", "-5", p.NEGATIVE_AMOUNT),
    ("million-word", "1,5 млн", p.MULTIPLIER),
    ("thousand-word", "150 тыс. тг", p.MULTIPLIER),
    ("words", "сто", p.WORDS),
    ("above-max-by-cent", "10000000000000,01", p.TOO_LARGE),
    ("absurd", "1" * 40, p.TOO_LARGE),
    ("no-integer-part", ",5", p.NOT_AN_AMOUNT),
    ("emoji", "👍", p.NOT_AN_AMOUNT),
    ("empty", "", p.EMPTY_NUMBER),
    ("blank", "   ", p.EMPTY_NUMBER),
    ("exponent", "1e9", p.NOT_AN_AMOUNT),
    ("inf", "inf", p.WORDS),
    ("irregular-groups", "12 34,5", p.GROUPING),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [c[1:] for c in AMOUNT_OK], ids=[c[0] for c in AMOUNT_OK]
)
def test_amount_ok(raw: str, expected: Decimal) -> None:
    value = parse_amount(raw)
    assert value == expected
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("raw", "msgid"), [c[1:] for c in AMOUNT_BAD], ids=[c[0] for c in AMOUNT_BAD]
)
def test_amount_bad(raw: str, msgid: str) -> None:
    assert msgid_of(lambda: parse_amount(raw)) == msgid


# --- text --------------------------------------------------------------------------------

TEXT_OK = [
    ("plain", "  Проведено 3 рейда  ", "Проведено 3 рейда"),
    ("collapse-spaces", "два   пробела\tи таб", "два пробела и таб"),
    ("keep-newlines", "строка 1\r\n  строка 2 ", "строка 1\nстрока 2"),
    ("blank-lines", "a\n\n\n\nb", "a\n\nb"),
    ("zero-width-bidi", "a\u200bb\u202ec\ufeff", "abc"),
    ("isolates-filler", "\u2066a\u2069\u3164b\u2800", "ab"),
    ("control", "a\x00b\x07c", "abc"),
    ("formula-verbatim", '=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),
    ("script-verbatim", "<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("kazakh", "Иә, өткізілді", "Иә, өткізілді"),
    ("exactly-max", "я" * 4000, "я" * 4000),
]

TEXT_BAD = [
    ("empty", "", p.EMPTY),
    ("blank", " \n\t\u200b ", p.EMPTY),
    ("emoji", "👍", p.NO_WORDS),
    ("punctuation", "?!...", p.NO_WORDS),
    ("5000-chars", "x" * 5000, p.TEXT_TOO_LONG),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in TEXT_OK], ids=[c[0] for c in TEXT_OK])
def test_text_ok(raw: str, expected: str) -> None:
    assert clean_text(raw, 4000) == expected


@pytest.mark.parametrize(("raw", "msgid"), [c[1:] for c in TEXT_BAD], ids=[c[0] for c in TEXT_BAD])
def test_text_bad(raw: str, msgid: str) -> None:
    assert msgid_of(lambda: clean_text(raw, 4000)) == msgid


def test_text_too_long_gives_limit_and_length() -> None:
    with pytest.raises(ParseError) as info:
        clean_text("x" * 5000, 4000)
    assert info.value.params == {"length": 5000, "max": 4000}


# --- breakdowns --------------------------------------------------------------------------

BREAKDOWN_OK = [
    (
        "ages-semicolons",
        AGE,
        "18-25: 3; 26-45: 5; неизвестно: 1",
        {"a18_25": 3, "a26_45": 5, "unknown": 1},
    ),
    (
        "ages-lines",
        AGE,
        "18-25: 3\n26-45: 5\nнеизвестно: 1",
        {"a18_25": 3, "a26_45": 5, "unknown": 1},
    ),
    ("en-dash", AGE, "18–25 — 3", {"a18_25": 3}),
    ("spaced-dash-label", AGE, "18 - 25: 4", {"a18_25": 4}),
    ("no-separator", SEX, "мужской 2; женский 3", {"male": 2, "female": 3}),
    ("kazakh", SEX, "ер: 2; әйел: 3", {"male": 2, "female": 3}),
    ("english-comma", SEX, "male=2, female=3", {"male": 2, "female": 3}),
    ("english-unknown", SEX, "Unknown: 4", {"unknown": 4}),
    ("kazakh-unknown", SEX, "белгісіз 1", {"unknown": 1}),
    ("prefix", SEX, "муж 2; неизв 1", {"male": 2, "unknown": 1}),
    ("code", SEX, "female: 1", {"female": 1}),
    ("yo-case", SEX, "МУЖСКОЙ: 1", {"male": 1}),
    ("grouped-value", SEX, "мужской 1 234", {"male": 1234}),
    ("label-ends-in-digits", MINORS, "до 14 100", {"under14": 100}),
    ("label-ends-in-digits-colon", MINORS, "до 14: 1 000", {"under14": 1000}),
    (
        "label-with-comma",
        RECIPIENTS,
        "беженцы, признанные Республикой Казахстан: 2, граждане Республики Казахстан: 3",
        {"refugees": 2, "citizens": 3},
    ),
    ("trailing-full-stop", SEX, "мужской 2; женский 3.", {"male": 2, "female": 3}),
    ("dash-glued", SEX, "мужской-2", {"male": 2}),
]

BREAKDOWN_BAD = [
    ("empty", SEX, "", p.EMPTY_BREAKDOWN),
    ("blank", SEX, " ;\n ", p.EMPTY_BREAKDOWN),
    ("unknown-label", SEX, "мальчики: 2", p.UNKNOWN_CATEGORY),
    ("ambiguous-prefix", DISABILITY, "н: 2", p.AMBIGUOUS_CATEGORY),
    ("duplicate", SEX, "мужской: 2; муж: 3", p.DUPLICATE_CATEGORY),
    ("no-number", SEX, "мужской", p.NO_NUMBER),
    ("no-label", SEX, "5", p.NO_CATEGORY),
    ("fraction", SEX, "мужской: 2,5", p.CATEGORY_VALUE),
    ("negative", SEX, "мужской: -2", p.CATEGORY_VALUE),
    ("words", SEX, "мужской: два", p.CATEGORY_VALUE),
    ("too-large", SEX, "мужской: 99999999999", p.CATEGORY_VALUE),
    ("digit-prefix-is-not-a-match", MINORS, "до 1: 5", p.UNKNOWN_CATEGORY),
    ("script", SEX, "<script>alert(1)</script>", p.UNKNOWN_CATEGORY),
]


@pytest.mark.parametrize(
    ("categories", "raw", "expected"),
    [c[1:] for c in BREAKDOWN_OK],
    ids=[c[0] for c in BREAKDOWN_OK],
)
def test_breakdown_ok(categories, raw: str, expected: dict[str, int]) -> None:
    assert parse_breakdown(raw, categories) == expected


@pytest.mark.parametrize(
    ("categories", "raw", "msgid"),
    [c[1:] for c in BREAKDOWN_BAD],
    ids=[c[0] for c in BREAKDOWN_BAD],
)
def test_breakdown_bad(categories, raw: str, msgid: str) -> None:
    assert msgid_of(lambda: parse_breakdown(raw, categories)) == msgid


def test_breakdown_count_error_names_category_and_keeps_cause() -> None:
    with pytest.raises(ParseError) as info:
        parse_breakdown("муж: 2,5", SEX)
    assert info.value.params["category"] == "муж"
    assert info.value.params["problem"].msgid == p.FRACTION
    assert info.value.render("ru") == (
        "«муж»: Количество — целое число, без дробной части. Введите, например: 25"
    )


def test_unknown_category_params_render_in_language(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ParseError) as info:
        parse_breakdown("boys: 2", SEX)
    error = info.value
    assert error.params["label"] == "boys"
    assert str(error.params["choices"]) == "мужской, женский, неизвестно"
    assert error.msgid.format(**error.params) == (
        "Не узнаю категорию «boys». Возможные: мужской, женский, неизвестно"
    )
    monkeypatch.setattr(p.i18n, "gettext", fake_translate)
    # The fake catalogs translate only the labels: the sentence stays Russian.
    assert error.render("kk") == "Не узнаю категорию «boys». Возможные: ер, әйел, белгісіз"
    assert error.render("en") == "Не узнаю категорию «boys». Возможные: male, female, unknown"


def test_breakdown_categories_uses_injected_translation() -> None:
    assert dict(SEX)["unknown"] == ["неизвестно", "белгісіз", "unknown"]
    assert dict(SEX)["male"] == ["мужской", "ер", "male"]


# --- open breakdowns ---------------------------------------------------------------------

OPEN_OK = [
    ("countries", "Кыргызстан: 3; Узбекистан 2", {"KG": 3, "UZ": 2}),
    (
        "languages-mixed",
        "Ресей - 1\nUSA 1 000\nбез гражданства: 2",
        {"RU": 1, "US": 1000, "stateless": 2},
    ),
    ("commas", "РФ 2, Китай 3", {"RU": 2, "CN": 3}),
]

OPEN_BAD = [
    ("empty", "", p.EMPTY_OPEN_BREAKDOWN),
    ("duplicate", "Россия: 2; РФ: 3", p.DUPLICATE_OPEN),
    ("no-label", "5", p.OPEN_NO_CATEGORY),
    ("no-number", "Россия", p.NO_NUMBER),
    ("bad-count", "Россия: 2.5", p.CATEGORY_VALUE),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in OPEN_OK], ids=[c[0] for c in OPEN_OK])
def test_open_breakdown_ok(raw: str, expected: dict[str, int]) -> None:
    assert parse_open_breakdown(raw, RESOLVER.resolve) == expected


@pytest.mark.parametrize(("raw", "msgid"), [c[1:] for c in OPEN_BAD], ids=[c[0] for c in OPEN_BAD])
def test_open_breakdown_bad(raw: str, msgid: str) -> None:
    assert msgid_of(lambda: parse_open_breakdown(raw, RESOLVER.resolve)) == msgid


def test_open_breakdown_propagates_resolver_error() -> None:
    from dialogs.countries import AmbiguousCountry, UnknownCountry

    with pytest.raises(AmbiguousCountry):
        parse_open_breakdown("Австр: 2", RESOLVER.resolve)
    with pytest.raises(UnknownCountry):
        parse_open_breakdown("qwertyuiop: 2", RESOLVER.resolve)


def test_open_breakdown_foreign_exception_becomes_parse_error() -> None:
    def broken(label: str) -> str:
        raise RuntimeError(label)

    assert msgid_of(lambda: parse_open_breakdown("x: 1", broken)) == p.UNKNOWN_CATEGORY


# --- yes / no ----------------------------------------------------------------------------

YES_NO = [
    ("да", True), ("Да!", True), ("иә", True), ("ия", True), ("yes", True), ("Y", True),
    ("нет", False), ("Нет.", False), ("жоқ", False), ("no", False), ("n", False),
    ("+", None), ("-", None), ("не знаю", None), ("нет данных", None), ("", None),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "expected"), YES_NO, ids=[repr(r) for r, _ in YES_NO])
def test_yes_no(raw: str, expected: bool | None) -> None:
    assert parse_yes_no(raw) is expected


# --- properties --------------------------------------------------------------------------

NUMBERISH = st.text(alphabet="0123456789 ,.-+\u00a0\u202fеeтг₸KZTa\n:;=", max_size=30)
ANY_TEXT = st.one_of(st.text(max_size=60), NUMBERISH)


@given(ANY_TEXT, st.integers(min_value=1, max_value=10**15))
def test_count_returns_valid_or_parse_error(raw: str, max_value: int) -> None:
    try:
        value = parse_count(raw, max_value)
    except ParseError:
        return
    assert type(value) is int and 0 <= value <= max_value


@given(ANY_TEXT, st.integers(min_value=1, max_value=10**15))
def test_amount_returns_valid_or_parse_error(raw: str, max_value: int) -> None:
    try:
        value = parse_amount(raw, max_value)
    except ParseError:
        return
    assert isinstance(value, Decimal)
    assert value.as_tuple().exponent == -2
    assert 0 <= value <= max_value


@given(ANY_TEXT, st.sampled_from(ALL_SETS))
def test_breakdown_returns_valid_or_parse_error(raw: str, categories) -> None:
    try:
        value = parse_breakdown(raw, categories, max_value=1000)
    except ParseError:
        return
    assert set(value) <= {code for code, _ in categories}
    assert all(type(n) is int and 0 <= n <= 1000 for n in value.values())


@settings(deadline=None)
@given(ANY_TEXT)
def test_open_breakdown_returns_valid_or_parse_error(raw: str) -> None:
    try:
        value = parse_open_breakdown(raw, RESOLVER.resolve)
    except ParseError:
        return
    assert all(type(n) is int and 0 <= n <= 10_000_000 for n in value.values())


@given(st.text(max_size=200))
def test_clean_text_returns_text_or_parse_error(raw: str) -> None:
    try:
        text = clean_text(raw, 100)
    except ParseError:
        return
    assert text == text.strip() and 0 < len(text) <= 100


def grouped(n: int, space: str) -> str:
    return f"{n:,}".replace(",", space)


SPACES = st.sampled_from([" ", "\u00a0", "\u202f", "\u2009", ""])


@given(st.integers(min_value=0, max_value=10_000_000), SPACES)
def test_count_round_trip(n: int, space: str) -> None:
    assert parse_count(grouped(n, space)) == n


@given(
    st.integers(min_value=0, max_value=10**15 - 1),
    st.integers(0, 99),
    SPACES,
    st.sampled_from([",", "."]),
)
def test_amount_round_trip(whole: int, cents: int, space: str, point: str) -> None:
    text = f"{grouped(whole, space)}{point}{cents:02d}"
    assert parse_amount(text, 10**15) == Decimal(f"{whole}.{cents:02d}")


@st.composite
def rendered_breakdowns(draw):
    categories = draw(st.sampled_from(ALL_SETS))
    codes = draw(st.lists(st.sampled_from([c for c, _ in categories]), unique=True, min_size=1))
    labels = dict(categories)
    counts = {code: draw(st.integers(0, 10_000_000)) for code in codes}
    parts = []
    for code in codes:
        label = draw(st.sampled_from([*labels[code], code]))
        label = draw(st.sampled_from([label, label.upper(), label.capitalize()]))
        parts.append(
            f"{label}{draw(st.sampled_from([': ', ' = ', ' - ', ':']))}"
            f"{grouped(counts[code], draw(SPACES))}"
        )
    separator = draw(st.sampled_from(["; ", "\n", ";"]))
    return categories, separator.join(parts), counts


@given(rendered_breakdowns())
def test_breakdown_round_trip(case) -> None:
    categories, text, counts = case
    assert parse_breakdown(text, categories) == counts
