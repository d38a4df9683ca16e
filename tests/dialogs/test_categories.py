"""Closed categories: forms of trafficking (articles of the Criminal Code), referring
subjects, types of exploitation — matched by code, number, abbreviation or label in ru,
kk and en; typos refused with a suggestion; anything else refused, or kept as "other"
where the dimension allows it."""

from __future__ import annotations

import pytest

from dialogs import i18n
from dialogs.categories import DID_YOU_MEAN, NOT_A_CATEGORY, ClosedCategories
from dialogs.parsing import ParseError
from dialogs.questionnaire import default

DIMS = {d.code: d for d in default().dimensions}
FORMS = ClosedCategories(DIMS["trafficking_form"])
SUBJECTS = ClosedCategories(DIMS["referring_subject"])
EXPLOITATION = ClosedCategories(DIMS["exploitation_type"])

ARTICLES = {"art128": "128", "art135": "135", "art116": "116"}


@pytest.mark.parametrize("code", ARTICLES)
@pytest.mark.parametrize(
    "typed",
    ["{n}", "ст. {n}", "Ст.{n}", "статья {n}", "ст. {n} УК РК", "{n}-бап", "ҚК {n}",
     "article {n}", "Art. {n}"],
)  # fmt: skip
def test_every_article_by_its_number(code: str, typed: str) -> None:
    assert FORMS.resolve(typed.format(n=ARTICLES[code])) == code


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("dim", ["trafficking_form", "referring_subject", "exploitation_type"])
def test_every_suggestion_by_its_label_and_code_in_every_language(lang: str, dim: str) -> None:
    resolver = ClosedCategories(DIMS[dim])
    for s in DIMS[dim].suggestions:
        label = i18n.gettext(lang, s.label)
        assert resolver.resolve(label) == s.code, label
        assert resolver.resolve(label.upper()) == s.code, label
        assert resolver.resolve(s.code) == s.code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ОВД", "police"), ("МВД", "police"), ("ІІО", "police"), ("полиция", "police"),
        ("police", "police"), ("МОМ", "international"), ("IOM", "international"),
        ("ООН", "international"), ("ХКҰ", "international"), ("НПО", "ngo"), ("ҮЕҰ", "ngo"),
        ("NGO", "ngo"), ("МИД", "foreign_affairs"), ("посольство", "foreign_affairs"),
        ("ПС КНБ", "border"), ("ҰҚК ШҚ", "border"), ("акимат", "local_executive"),
        ("әкімдік", "local_executive"), ("ГИТ", "labour_inspection"),
        ("соцзащита", "social_protection"), ("кризисный центр", "special_social_services"),
        ("больница", "health"), ("школа", "education"), ("опека", "child_protection"),
        ("МКИ", "culture"), ("туризм", "tourism"), ("самостоятельно", "self"),
        ("өздері", "self"), ("неизвестно", "unknown"), ("белгісіз", "unknown"),
        ("unknown", "unknown"), ("органы внутр", "police"),
    ],
)  # fmt: skip
def test_subject_abbreviations_and_words(typed: str, code: str) -> None:
    assert SUBJECTS.resolve(typed) == code


@pytest.mark.parametrize(
    ("typed", "code"),
    [("трудовая", "labour"), ("forced labour", "labour"), ("еңбек", "labour"),
     ("сексуальная", "sexual"), ("попрошайничество", "begging"), ("органы", "organs")],
)  # fmt: skip
def test_exploitation_words(typed: str, code: str) -> None:
    assert EXPLOITATION.resolve(typed) == code


def test_the_questionnaires_subject_kinds_have_a_referring_subject() -> None:
    """Every kind of subject that answers the questionnaire can be named as the referrer
    (the ministries by the bodies they lead), besides NGOs, international organisations
    and people who came themselves."""
    codes = {s.code for s in DIMS["referring_subject"].suggestions}
    assert codes == {
        "police", "social_protection", "special_social_services", "labour_inspection",
        "local_executive", "health", "education", "child_protection", "foreign_affairs",
        "border", "culture", "tourism", "ngo", "international", "self",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("resolver", "typed", "lang", "message"),
    [
        (SUBJECTS, "органы внутренних дал", "ru",
         "Не узнаю «органы внутренних дал». Возможно, имелось в виду: «органы внутренних "
         "дел»? Напишите точнее или выберите кнопкой."),
        (SUBJECTS, "ішкі істер оргндары", "kk",
         "«ішкі істер оргндары» танылмады. Мүмкін, «ішкі істер органдары» деген болар? "
         "Нақтырақ жазыңыз немесе батырмамен таңдаңыз."),
        (SUBJECTS, "internal afairs bodies", "en",
         "«internal afairs bodies» is not recognised. Did you mean «internal affairs "
         "bodies»? Please write it more exactly or choose a button."),
        (FORMS, "торговля людми", "ru",
         "Не узнаю «торговля людми». Возможно, имелось в виду: «торговля людьми (статья 128 "
         "Уголовного кодекса Республики Казахстан)»? Напишите точнее или выберите кнопкой."),
        (EXPLOITATION, "сексуальная эксплотация", "ru",
         "Не узнаю «сексуальная эксплотация». Возможно, имелось в виду: «сексуальная "
         "эксплуатация»? Напишите точнее или выберите кнопкой."),
    ],
)  # fmt: skip
def test_typos_are_refused_with_a_suggestion(resolver, typed, lang, message) -> None:
    with pytest.raises(ParseError) as info:
        resolver.resolve(typed)
    assert info.value.msgid == DID_YOU_MEAN
    assert info.value.render(lang) == message


@pytest.mark.parametrize("typed", ["ОВД", "ст. 129", "мошенничество", "МОМ"])
def test_a_form_of_trafficking_is_only_an_article(typed: str) -> None:
    with pytest.raises(ParseError) as info:
        FORMS.resolve(typed)
    assert info.value.msgid == NOT_A_CATEGORY
    assert info.value.render("ru") == (
        f"Не узнаю «{typed}». Возможные варианты: торговля людьми (статья 128 Уголовного "
        "кодекса Республики Казахстан); торговля несовершеннолетними (статья 135 Уголовного "
        "кодекса Республики Казахстан); принуждение к изъятию или незаконное изъятие органов "
        "и тканей человека (статья 116 Уголовного кодекса Республики Казахстан)"
    )


def test_another_subject_or_exploitation_is_kept_as_other_with_its_text() -> None:
    assert SUBJECTS.resolve("  МЧС ") == "other:МЧС"
    assert SUBJECTS.resolve("прокуратура") == "other:прокуратура"
    assert EXPLOITATION.resolve("принудительный брак") == "other:принудительный брак"
