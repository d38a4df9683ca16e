"""Texts of the exports for people: column headers, sheet titles, words in cells.

Every text is a Russian gettext message id (marked with ``N_`` so ``pybabel extract``
finds it) translated to Kazakh and English by the catalogs in ``locales/``.  Headers are
shown as a label row in the chosen language over a row of stable codes, so a person reads
the labels and a program (pandas, R, DuckDB) reads the codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from dialogs import i18n
from dialogs.i18n import N_

COLUMNS: dict[str, str] = {
    "campaign": N_("Кампания"),
    "questionnaire_version": N_("Версия опросника"),
    "organisation_id": N_("Код организации"),
    "organisation_ru": N_("Организация (на русском языке)"),
    "organisation_kk": N_("Организация (на казахском языке)"),
    "subject_kind": N_("Вид субъекта"),
    "region": N_("Регион"),
    "status": N_("Статус анкеты"),
    "submitted_at": N_("Отправлена"),
    "on_time": N_("В срок"),
    "block": N_("Блок"),
    "item": N_("Пункт"),
    "field_code": N_("Код поля"),
    "field_kind": N_("Тип поля"),
    "category": N_("Категория"),
    "field_label": N_("Показатель"),
    "category_label": N_("Название категории"),
    "value": N_("Значение"),
    "no_data_reason": N_("Причина отсутствия данных"),
    "comment": N_("Комментарий"),
    "answered_at": N_("Ответ дан"),
    "channel": N_("Канал"),
    "fields": N_("Полей"),
    "answered": N_("Отвечено"),
    "unanswered": N_("Без ответа"),
    "no_data": N_("Нет данных"),
    "mismatches": N_("Несоответствия без пояснения"),
    "explained": N_("Несоответствия с пояснением"),
    "completeness": N_("Полнота"),
    "check": N_("Проверка"),
    "detail": N_("Подробности"),
    "explanation": N_("Пояснение"),
    "reason": N_("Причина"),
    "answers": N_("Ответов"),
    "test": N_("Критерий"),
    "reference": N_("Сравнение с"),
    "score": N_("Отклонение"),
    "n": N_("n (субъектов)"),
    "scope": N_("Разрез"),
    "reports": N_("Сумма сообщённого"),
    "reporting": N_("Сообщили данные"),
    "section": N_("Раздел"),
    "code": N_("Код"),
    "label": N_("Название"),
    "subjects": N_("Субъектов отметили"),
    "share": N_("Доля субъектов"),
    "persons": N_("Лиц (по сообщениям субъектов этого вида)"),
    "persons_share": N_("Доля лиц"),
    "rank": N_("Место"),
    "part": N_("Часть"),
    "text": N_("Текст"),
    "indicator": N_("Показатель (код)"),
    "key": N_("Параметр"),
}

WORDS: dict[str, str] = {
    "yes": N_("Да"),
    "no": N_("Нет"),
    "on_time": N_("в срок"),
    "late": N_("с опозданием"),
    "not_started": N_("не начата"),
    "in_progress": N_("заполняется"),
    "submitted": N_("отправлена"),
    "returned": N_("возвращена на исправление"),
    "missing": N_("нет ответа"),
    "no_data": N_("нет данных"),
    "mismatch": N_("несоответствие"),
    "explained": N_("несоответствие с пояснением"),
    "change": N_("изменение к прошлой кампании"),
    "robust_z": N_("робастный z среди субъектов того же вида"),
    "kind": N_("вид субъекта"),
    "region": N_("регион"),
    "all_kinds": N_("все виды субъектов (сумма сообщений, не лиц)"),
    "numbers": N_("числа"),
    "texts": N_("тексты"),
    "no_region": N_("регион не указан"),
}


def t(lang: str, message: str) -> str:
    """``message`` (Russian) in ``lang``."""
    return i18n.gettext(lang, message)


def word(lang: str, code: str) -> str:
    """A word shown in cells (statuses, yes/no, checks) in ``lang``; the code if unknown."""
    message = WORDS.get(code)
    return t(lang, message) if message else code


@cache
def kind_label(lang: str, code: str) -> str:
    """A subject kind's name in ``lang`` (from the questionnaire)."""
    from dialogs.questionnaire import default

    for kind in default().subject_kinds:
        if kind.code == code:
            return t(lang, kind.label)
    return code


def header(lang: str, columns: Sequence[str]) -> list[str]:
    """The label row of a table whose columns have these codes."""
    return [t(lang, COLUMNS[c]) if c in COLUMNS else c for c in columns]
