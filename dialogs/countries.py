"""Countries typed by people: "РФ", "Ресей", "Kyrgyz Republic", "Узбекистн" → ISO codes.

Open breakdowns by country of citizenship are answered in three languages, with
official names, everyday names, abbreviations and typos.  Babel's CLDR names in
ru, kk and en are the base; a small table adds the variants CLDR lacks.  Matching
ignores case, ё/е, punctuation, diacritics and the Kazakh letters typed without
a Kazakh keyboard (қ→к, ә→а …), so "Казакстан" is Қазақстан.  When unsure the
resolver says so (:class:`AmbiguousCountry` with candidates) instead of guessing:
a wrong country in an annual report is worse than one more question.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

from dialogs import i18n
from dialogs.i18n import N_
from dialogs.parsing import ParseError, drop_invisible

UNKNOWN = "unknown"
STATELESS = "stateless"

#: Names of the two non-country answers, as Russian msgids.
SPECIAL_NAMES = {UNKNOWN: N_("неизвестно"), STATELESS: N_("лицо без гражданства")}

#: CLDR territories that are not countries one can be a citizen of.
EXCLUDED = frozenset(
    {"001", "EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)

EMPTY_COUNTRY = N_("Пустой ответ. Напишите название страны, например: Кыргызстан")
UNKNOWN_COUNTRY = N_(
    "Не узнаю страну «{text}». Напишите её название полностью, например: Кыргызстан"
)
AMBIGUOUS_COUNTRY = N_("Не уверен, какая страна имеется в виду: «{text}». Возможно: {choices}")

#: Names shown instead of CLDR's: Kyrgyzstan calls itself «Кыргызстан» in Russian (CLDR
#: says «Киргизия», while the prompts' examples say «Кыргызстан»).
SHOWN: dict[tuple[str, str], str] = {("KG", "ru"): "Кыргызстан"}

#: Variants CLDR does not give: abbreviations, old and everyday names, alpha-3 codes.
ALIASES: dict[str, tuple[str, ...]] = {
    "RU": (
        "РФ",
        "Россия",
        "Российская Федерация",
        "Ресей",
        "Ресей Федерациясы",
        "RF",
        "RUS",
        "Russia",
        "Russian Federation",
    ),
    "US": (
        "США",
        "Америка",
        "Соединенные Штаты Америки",
        "Штаты",
        "АҚШ",
        "USA",
        "US",
        "America",
        "United States of America",
    ),
    "GB": (
        "Великобритания",
        "Англия",
        "Соединенное Королевство",
        "Ұлыбритания",
        "Англия",
        "UK",
        "Britain",
        "Great Britain",
        "England",
        "GBR",
    ),
    "AE": (
        "ОАЭ",
        "Эмираты",
        "Объединенные Арабские Эмираты",
        "БАӘ",
        "Әмірліктер",
        "UAE",
        "Emirates",
        "ARE",
    ),
    "CN": ("КНР", "Китай", "Китайская Народная Республика", "ҚХР", "Қытай", "China", "PRC", "CHN"),
    "KG": (
        "Кыргызстан",
        "Киргизия",
        "Кыргызская Республика",
        "Киргизская Республика",
        "Киргизстан",
        "Қырғызстан",
        "Қырғыз Республикасы",
        "Kyrgyz Republic",
        "Kyrgyzstan",
        "Kirgizia",
        "Kirghizia",
        "KGZ",
    ),
    "KZ": (
        "РК",
        "Казахстан",
        "Республика Казахстан",
        "Қазақстан",
        "ҚР",
        "Қазақстан Республикасы",
        "Qazaqstan",
        "Kazakhstan",
        "Kazakstan",
        "Republic of Kazakhstan",
        "KAZ",
    ),
    "UZ": ("Узбекистан", "Ўзбекистон", "Oʻzbekiston", "Uzbekistan", "Өзбекстан", "UZB"),
    "TJ": ("Таджикистан", "Тажикистан", "Tajikistan", "Tadzhikistan", "Тәжікстан", "TJK"),
    "TM": ("Туркменистан", "Туркмения", "Түрікменстан", "Turkmenistan", "Turkmenia", "TKM"),
    "KR": (
        "Южная Корея",
        "Корея",
        "Республика Корея",
        "South Korea",
        "Korea",
        "Republic of Korea",
        "Оңтүстік Корея",
        "Корея Республикасы",
        "KOR",
    ),
    "KP": ("Северная Корея", "КНДР", "North Korea", "DPRK", "Солтүстік Корея"),
    "TR": ("Турция", "Türkiye", "Turkey", "Turkiye", "Түркия", "TUR"),
    "BY": ("Беларусь", "Белоруссия", "Белорусь", "Belarus", "Byelorussia", "Беларусь", "BLR"),
    "MD": ("Молдова", "Молдавия", "Moldova", "Moldavia", "MDA"),
    "AZ": ("Азербайджан", "Әзірбайжан", "Azerbaijan", "AZE"),
    "AM": ("Армения", "Армения", "Armenia", "ARM"),
    "GE": ("Грузия", "Грузия", "Georgia", "Сакартвело", "GEO"),
    "UA": ("Украина", "Украина", "Ukraine", "UKR"),
    "DE": ("Германия", "ФРГ", "Германия", "Germany", "DEU"),
    "AF": ("Афганистан", "Ауғанстан", "Afghanistan", "AFG"),
    "IR": ("Иран", "Иран", "Iran", "IRN"),
    "MN": ("Монголия", "Моңғолия", "Mongolia", "MNG"),
    "IN": ("Индия", "Үндістан", "India", "IND"),
    "PK": ("Пакистан", "Pakistan", "PAK"),
    "TH": ("Таиланд", "Тайланд", "Thailand", "THA"),
    "CZ": ("Чехия", "Czech Republic", "Czechia"),
    "NL": ("Голландия", "Нидерланды", "Holland", "Netherlands"),
    "SA": ("Саудовская Аравия", "Saudi Arabia", "Saudi"),
}

SPECIAL_ALIASES: dict[str, tuple[str, ...]] = {
    STATELESS: (
        "без гражданства", "лицо без гражданства", "лица без гражданства", "апатрид",
        "апатриды", "stateless", "stateless person", "stateless persons", "азаматтығы жоқ",
        "азаматтығы жоқ адам", "азаматтығы жоқ адамдар", "азаматтығы жоқ тұлға",
    ),
    UNKNOWN: (
        "неизвестно", "не известно", "неизвестна", "неизвестен", "не установлено",
        "белгісіз", "unknown", "not known",
    ),
}  # fmt: skip

#: Kazakh (and Uzbek) letters as typed on a Russian keyboard.
_FOLD = str.maketrans(
    {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"}
)
_PUNCT = re.compile(r"[^\w\s]|_")


def fold(text: str) -> str:
    """Key for comparing names: case, ё, diacritics, Kazakh letters, punctuation ignored."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_FOLD).replace("ʻ", "").replace("'", "").replace("’", "")
    return " ".join(_PUNCT.sub(" ", text).split())


class UnknownCountry(ParseError):
    """Nothing is close to what was typed."""


class AmbiguousCountry(ParseError):
    """Several countries fit; ``candidates`` holds their codes, best first (at most five)."""

    def __init__(self, msgid: str, candidates: list[str], **params: object) -> None:
        self.candidates = candidates
        super().__init__(msgid, **params)


class CountryList:
    """Codes shown as country names in the person's language (a localisable ParseError param)."""

    def __init__(self, resolver: CountryResolver, codes: Iterable[str]) -> None:
        self.resolver = resolver
        self.codes = list(codes)

    def render(self, lang: str) -> str:
        return ", ".join(self.resolver.name(code, lang) for code in self.codes)

    def __str__(self) -> str:
        return self.render(i18n.SOURCE_LANGUAGE)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


#: Thresholds of the fuzzy match (difflib ratios, 0..1), tuned on the tests' typos.
SURE = 0.8
MARGIN = 0.08
CLOSE = 0.6


class CountryResolver:
    """Maps what a person typed to an ISO 3166 alpha-2 code, ``unknown`` or ``stateless``."""

    def __init__(self, names: Mapping[str, Mapping[str, str]] | None = None) -> None:
        if names is None:
            names = {lang: i18n.country_names(lang) for lang in i18n.LANGUAGES}
        self.names = {
            lang: {code: name for code, name in table.items() if code not in EXCLUDED}
            for lang, table in names.items()
        }
        self.codes = {code for table in self.names.values() for code in table}
        self.index: dict[str, set[str]] = {}
        for table in self.names.values():
            for code, name in table.items():
                self._add(name, code)
        for code, variants in ALIASES.items():
            if code in self.codes:
                for variant in variants:
                    self._add(variant, code)
        for code, variants in SPECIAL_ALIASES.items():
            for variant in variants:
                self._add(variant, code)

    def _add(self, text: str, code: str) -> None:
        key = fold(text)
        if key:
            self.index.setdefault(key, set()).add(code)

    def resolve(self, text: str) -> str:
        """The code for ``text``; AmbiguousCountry when unsure, UnknownCountry when lost."""
        shown = " ".join(drop_invisible(text).split())[:60] if isinstance(text, str) else ""
        key = fold(text) if isinstance(text, str) else ""
        if not key:
            if shown:  # only emoji or punctuation
                raise UnknownCountry(UNKNOWN_COUNTRY, text=shown)
            raise UnknownCountry(EMPTY_COUNTRY)
        exact = self.index.get(key, set())
        if len(exact) == 1:
            return next(iter(exact))
        code = self._iso_code(text)
        if code is not None and not exact:
            return code
        ranked = self._rank(key)
        if exact:  # a name shared by several countries
            codes = sorted(exact, key=lambda c: -dict(ranked).get(c, 0.0))[:5]
            raise self._ambiguous(shown, codes)
        if not ranked or ranked[0][1] < CLOSE:
            raise UnknownCountry(UNKNOWN_COUNTRY, text=shown)
        best, score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if score >= SURE and score - runner_up >= MARGIN:
            return best
        floor = max(CLOSE, score - 0.2)
        raise self._ambiguous(shown, [c for c, s in ranked if s >= floor][:5])

    def suggest(self, text: str, limit: int = 5) -> list[str]:
        """Likely codes for ``text``, best first (for buttons under an error message)."""
        if not isinstance(text, str) or not fold(text):
            return []
        key = fold(text)
        exact = sorted(self.index.get(key, set()))
        ranked = [c for c, s in self._rank(key) if s >= CLOSE - 0.1 and c not in exact]
        iso = self._iso_code(text)
        first = [*exact, *([iso] if iso and iso not in exact else [])]
        return [*first, *[c for c in ranked if c not in first]][:limit]

    def name(self, code: str, lang: str) -> str:
        """The country's name in ``lang`` (Babel CLDR, but the names the Republic itself uses
        in :data:`SHOWN`); KeyError for a code it does not know."""
        lang = i18n.normalise(lang)
        if code in SPECIAL_NAMES:
            return i18n.gettext(lang, SPECIAL_NAMES[code])
        if (code, lang) in SHOWN:
            return SHOWN[code, lang]
        for table in (self.names.get(lang, {}), self.names.get(i18n.SOURCE_LANGUAGE, {})):
            if code in table:
                return table[code]
        for table in self.names.values():
            if code in table:
                return table[code]
        raise KeyError(code)

    def _iso_code(self, text: str) -> str | None:
        """``KZ``, ``uz``: a two-letter Latin code typed as such."""
        code = text.strip().upper()
        if len(code) == 2 and code.isascii() and code.isalpha() and code in self.codes:
            return code
        return None

    def _rank(self, key: str) -> list[tuple[str, float]]:
        """Codes with their best similarity to ``key``, best first."""
        best: dict[str, float] = {}
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        words = key.split()
        for name, codes in self.index.items():
            if len(name) <= 3 or len(key) <= 2:
                continue  # abbreviations only match exactly
            matcher.set_seq1(name)
            score = 0.0
            if matcher.real_quick_ratio() >= CLOSE - 0.1 and matcher.quick_ratio() >= CLOSE - 0.1:
                score = matcher.ratio()
            if len(key) >= 3 and (
                name.startswith(key)
                or all(any(w.startswith(k) for w in name.split()) for k in words)
            ):
                score = max(score, 0.85)
            if score:
                for code in codes:
                    if score > best.get(code, 0.0):
                        best[code] = score
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))

    def _ambiguous(self, shown: str, codes: list[str]) -> AmbiguousCountry:
        return AmbiguousCountry(
            AMBIGUOUS_COUNTRY, candidates=codes, text=shown, choices=CountryList(self, codes)
        )
