"""Countries as people type them, in Russian, Kazakh and English."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs import countries as c
from dialogs.countries import AmbiguousCountry, CountryResolver, UnknownCountry
from dialogs.parsing import ParseError

RESOLVER = CountryResolver()

VARIANTS = {
    "RU": ["РФ", "Россия", "Российская Федерация", "Ресей", "RF", "Russia", "Russian Federation"],
    "US": ["США", "Америка", "USA", "US", "АҚШ"],
    "GB": ["Великобритания", "Англия", "UK", "Britain", "Ұлыбритания"],
    "AE": ["ОАЭ", "Эмираты", "UAE", "БАӘ"],
    "CN": ["КНР", "Китай", "China", "Қытай"],
    "KG": ["Кыргызстан", "Киргизия", "Кыргызская Республика", "Kyrgyz Republic", "Қырғызстан"],
    "KZ": ["РК", "Казахстан", "Qazaqstan", "Kazakhstan", "Қазақстан", "KZ"],
    "UZ": ["Узбекистан", "Ўзбекистон", "Uzbekistan", "Өзбекстан", "uz"],
    "TJ": ["Таджикистан", "Tajikistan", "Тәжікстан"],
    "TM": ["Туркменистан", "Түрікменстан"],
    "KR": ["Южная Корея", "Корея", "South Korea", "Оңтүстік Корея"],
    "TR": ["Турция", "Türkiye", "Turkey", "Түркия"],
    "BY": ["Беларусь", "Белоруссия"],
    "MD": ["Молдова", "Молдавия"],
    "stateless": [
        "без гражданства",
        "лицо без гражданства",
        "апатрид",
        "stateless",
        "азаматтығы жоқ",
    ],
    "unknown": ["неизвестно", "не известно", "белгісіз", "unknown"],
}
CASES = [(text, code) for code, texts in VARIANTS.items() for text in texts]


@pytest.mark.parametrize(("text", "code"), CASES, ids=[f"{t}->{k}" for t, k in CASES])
def test_variants(text: str, code: str) -> None:
    assert RESOLVER.resolve(text) == code


FORGIVING = [
    ("case-and-spaces", "  кыргызстан  ", "KG"),
    ("upper", "КАЗАХСТАН", "KZ"),
    ("yo", "Объединённые Арабские Эмираты", "AE"),
    ("no-kazakh-keyboard", "Казакстан", "KZ"),
    ("no-kazakh-keyboard-2", "Кытай", "CN"),
    ("typo-uz", "Узбекистн", "UZ"),
    ("typo-kg", "Кыргыстан", "KG"),
    ("typo-tj", "Tadjikistan", "TJ"),
    ("typo-kz-en", "Kazahstan", "KZ"),
    ("typo-by", "Белорусия", "BY"),
    ("prefix", "Кыргыз", "KG"),
    ("words", "Арабские Эмираты", "AE"),
]


@pytest.mark.parametrize(
    ("text", "code"), [f[1:] for f in FORGIVING], ids=[f[0] for f in FORGIVING]
)
def test_forgiving(text: str, code: str) -> None:
    assert RESOLVER.resolve(text) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Австр", {"AT", "AU"}), ("Южн", {"KR", "ZA", "SS"})],
    ids=["austria-australia", "south"],
)
def test_ambiguous_gives_candidates(text: str, expected: set[str]) -> None:
    with pytest.raises(AmbiguousCountry) as info:
        RESOLVER.resolve(text)
    error = info.value
    assert isinstance(error, ParseError)
    assert error.msgid == c.AMBIGUOUS_COUNTRY
    assert expected <= set(error.candidates)
    assert 1 <= len(error.candidates) <= 5
    names = ", ".join(RESOLVER.name(code, "ru") for code in error.candidates)
    assert (
        error.render("ru") == f"Не уверен, какая страна имеется в виду: «{text}». Возможно: {names}"
    )


def test_ambiguous_choices_render_in_person_language() -> None:
    with pytest.raises(AmbiguousCountry) as info:
        RESOLVER.resolve("Австр")
    assert info.value.render("ru") == (
        "Не уверен, какая страна имеется в виду: «Австр». Возможно: Австрия, Австралия"
    )
    assert info.value.render("en") == (
        'I am not sure which country is meant by "Австр". Perhaps: Austria, Australia'
    )
    assert info.value.render("kk") == (
        "«Австр» деп қай ел айтылғанын нақты түсінбедім. Мүмкін: Аустрия, Аустралия"
    )


@pytest.mark.parametrize("text", ["qwertyuiop", "12345", "👍", "Хххххх"])
def test_unknown(text: str) -> None:
    with pytest.raises(UnknownCountry) as info:
        RESOLVER.resolve(text)
    assert info.value.msgid == c.UNKNOWN_COUNTRY


@pytest.mark.parametrize("text", ["", "   ", "\u200b"])
def test_empty(text: str) -> None:
    with pytest.raises(UnknownCountry) as info:
        RESOLVER.resolve(text)
    assert info.value.msgid == c.EMPTY_COUNTRY


@pytest.mark.parametrize("code", ["EU", "UN", "ZZ", "QO", "XA", "XB", "AC", "IC"])
def test_non_countries_excluded(code: str) -> None:
    assert code not in RESOLVER.codes
    with pytest.raises(ParseError):
        RESOLVER.resolve(code)


def test_excluded_even_from_given_names() -> None:
    resolver = CountryResolver({"en": {"EU": "European Union", "FR": "France"}})
    assert resolver.codes == {"FR"}
    assert resolver.resolve("france") == "FR"


def test_suggest() -> None:
    assert RESOLVER.suggest("Узбекистн")[0] == "UZ"
    assert RESOLVER.suggest("Казахстан")[0] == "KZ"
    assert set(RESOLVER.suggest("Австр")) >= {"AT", "AU"}
    assert len(RESOLVER.suggest("а", limit=3)) <= 3
    assert RESOLVER.suggest("") == []


NAMES = [
    ("KG", "ru", "Кыргызстан"),  # as the Republic calls itself, not CLDR's «Киргизия»
    ("KG", "kk", "Қырғызстан"),
    ("KG", "en", "Kyrgyzstan"),
    ("KZ", "kk", "Қазақстан"),
    ("RU", "en", "Russia"),
    ("unknown", "ru", "неизвестно"),
    ("stateless", "ru", "лицо без гражданства"),
    ("KZ", "kk-KZ", "Қазақстан"),
]


@pytest.mark.parametrize(("code", "lang", "expected"), NAMES)
def test_name(code: str, lang: str, expected: str) -> None:
    assert RESOLVER.name(code, lang) == expected


def test_special_names_go_through_gettext(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = {
        "kk": {"неизвестно": "белгісіз", "лицо без гражданства": "азаматтығы жоқ адам"},
        "en": {"неизвестно": "unknown", "лицо без гражданства": "stateless person"},
    }
    monkeypatch.setattr(c.i18n, "gettext", lambda lang, m: catalog.get(lang, {}).get(m, m))
    assert RESOLVER.name("unknown", "kk") == "белгісіз"
    assert RESOLVER.name("stateless", "en") == "stateless person"


def test_name_of_unknown_code() -> None:
    with pytest.raises(KeyError):
        RESOLVER.name("QQ", "ru")


def test_every_cldr_name_resolves_to_itself_or_is_shared() -> None:
    for lang, table in RESOLVER.names.items():
        for code, name in table.items():
            try:
                assert RESOLVER.resolve(name) == code or code in RESOLVER.index[c.fold(name)]
            except AmbiguousCountry as error:
                assert code in error.candidates, (lang, code, name)


@settings(deadline=None)
@given(st.text(max_size=40))
def test_resolve_never_raises_anything_else(text: str) -> None:
    try:
        code = RESOLVER.resolve(text)
    except ParseError:
        return
    assert code in RESOLVER.codes or code in {"unknown", "stateless"}
