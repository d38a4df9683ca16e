"""Texts of the panel that Python chooses (the templates hold the rest): Russian msgids.

Marked with ``N_`` where they are defined and translated where they are shown, through
the same catalogs as the chat (``dialogs.i18n``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dialogs import i18n
from dialogs.i18n import N_

LANG_LABELS = {"ru": "Рус", "kk": "Қаз", "en": "Eng"}
LANG_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}

ROLES = {"coordinator": N_("Координатор"), "expert": N_("Эксперт")}

RESPONSE_STATUSES = {
    "not_started": N_("Не начата"),
    "in_progress": N_("Заполняется"),
    "submitted": N_("Отправлена"),
    "returned": N_("Возвращена на доработку"),
}

CAMPAIGN_STATUSES = {
    "draft": N_("Черновик"),
    "open": N_("Идёт сбор"),
    "closed": N_("Закрыта"),
}

CHANNELS = {"telegram": N_("Telegram"), "web": N_("Веб-чат"), "admin": N_("Координатор")}

#: Why a sign-in or a form was refused: shown above the form.
PROBLEMS = {
    "wrong": N_("Неверный логин или пароль."),
    "locked": N_(
        "Слишком много неудачных попыток: вход заблокирован до {until}. "
        "Координатор может снять блокировку раньше."
    ),
    "disabled": N_("Учётная запись отключена. Обратитесь к координатору."),
    "code": N_("Код не подошёл. Введите шесть цифр из приложения-аутентификатора."),
    "stale": N_("Форма устарела. Обновите страницу и попробуйте ещё раз."),
    "expired": N_("Сеанс завершён. Войдите снова."),
    "uses": N_("Укажите, сколько человек может воспользоваться ссылкой: от 1 до {most}."),
    "days": N_("Укажите срок действия ссылки в днях: от 1 до {most}."),
    "filter": N_("Фильтр «{name}» не понят и не применён."),
    "not_submitted": N_("Вернуть или принять можно только отправленную анкету."),
    "no_items": N_("Отметьте хотя бы один пункт, который нужно исправить."),
}

#: Error pages: (title, explanation) by what happened.
ERRORS = {
    "forbidden": (
        N_("Недостаточно прав"),
        N_("Это действие доступно только координатору. Эксперты только читают данные."),
    ),
    "not_found": (
        N_("Страница не найдена"),
        N_("Такой страницы нет. Вернитесь к списку сборов данных."),
    ),
    "rejected": (
        N_("Запрос отклонён"),
        N_("Форма устарела или пришла не с этого сайта. Обновите страницу и попробуйте ещё раз."),
    ),
    "expired": (N_("Сеанс завершён"), N_("Войдите снова, затем повторите действие.")),
    "export": (
        N_("Выгрузка не создана"),
        N_(
            "Выгрузка слишком велика или этот формат недоступен на сервере. Выберите другой формат."
        ),
    ),
    "too_large": (
        N_("Файл слишком большой"),
        N_("Можно загрузить файл до 5 МБ. Удалите лишние листы или сохраните его как CSV."),
    ),
    "error": (
        N_("Что-то пошло не так"),
        N_("Не удалось обработать запрос. Попробуйте ещё раз чуть позже."),
    ),
}

#: The invitation letter, printed in the organisation's language (ru or kk).
LETTER = {
    "title": N_(
        "Приглашение заполнить анкету по оценке рисков в сфере противодействия торговле людьми"
    ),
    "greeting": N_("Уважаемые коллеги!"),
    "request": N_(
        "В соответствии с пунктом 9 Правил проведения оценки рисков в сфере противодействия "
        "торговле людьми (совместный приказ Министра внутренних дел Республики Казахстан от "
        "23 октября 2024 года № 849 и Министра труда и социальной защиты населения "
        "Республики Казахстан от 24 октября 2024 года № 410) просим представить сведения "
        "по опроснику за период с {start} по {end} в срок до {deadline}."
    ),
    "how": N_(
        "Анкету заполняют в чате: откройте ссылку в браузере или отсканируйте QR-код камерой "
        "телефона. Каждый ответ сохраняется сразу; можно прерваться и продолжить позже. "
        "Если данных нет, укажите причину."
    ),
    "link": N_("Ссылка для браузера"),
    "telegram": N_("Ссылка для Telegram"),
    "validity": N_(
        "Ссылка действует до {expires}. Воспользоваться ею могут сотрудники вашей "
        "организации (не более {uses} чел.). Не публикуйте её."
    ),
    "questions": N_("С вопросами обращайтесь к координатору сбора данных."),
    "to": N_("Кому"),
    "qr": N_("QR-код ссылки на анкету"),
}


def translate(lang: str, msgid: str, **values: Any) -> str:
    """``msgid`` in ``lang``, with ``{placeholders}`` filled."""
    text = i18n.gettext(lang, msgid)
    return text.format(**values) if values else text


def day(value: date) -> str:
    """``31.12.2025``: how dates are written in ru and kk documents."""
    return value.strftime("%d.%m.%Y")


def letter(lang: str, **values: Any) -> dict[str, str]:
    """The letter's texts in ``lang``, placeholders filled from ``values``."""
    wanted = {"request": ("start", "end", "deadline"), "validity": ("expires", "uses")}
    return {
        key: translate(lang, msgid, **{k: values[k] for k in wanted.get(key, ())})
        for key, msgid in LETTER.items()
    }


#: Texts of the dashboard that Python chooses.
DASHBOARD = {
    "no_region": N_("Регион не указан"),
    "kind": N_("Вид субъекта"),
}

#: The return-or-accept card of the organisation page.
DECISION = {
    "returned": N_(
        "Анкета возвращена на доработку. Сообщений отправлено в Telegram: {sent}, по "
        "электронной почте: {mailed}; в веб-чате контакт увидит замечания вверху страницы, "
        "когда откроет анкету."
    ),
    "accepted": N_("Анкета принята. Изменить её можно только после возврата на доработку."),
}

#: What the campaign page says after a form of its "manage" card.
MANAGE = {
    "opened": N_("Сбор открыт: контакты могут заполнять анкету."),
    "deadline": N_("Срок изменён."),
    "closed": N_("Сбор закрыт."),
    "transition": N_("Это действие сейчас невозможно (проверьте статус сбора)."),
    "date": N_("Укажите дату срока."),
    "deadline_bad": N_(
        "Срок должен быть позже даты запроса и не позже чем через 12 месяцев после конца "
        "отчётного периода."
    ),
    "confirm_close": N_("Не отправили анкету: {n}. Закрыть сбор всё равно?"),
    "created": N_(
        "Сбор создан (черновик); организаций в нём: {n}. Откройте его, когда всё готово."
    ),
}

#: Why the "new campaign" form was refused.
CREATE = {
    "dates": N_("Укажите даты отчётного периода и запроса."),
    "source": N_("Выберите сбор, из которого взять организации."),
    "title": N_("Укажите название сбора (не длиннее {most} символов)."),
    "invalid": N_(
        "Сбор не создан: период должен начинаться не позже, чем заканчивается, а срок — "
        "быть позже даты запроса и не позже чем через 12 месяцев после конца отчётного периода."
    ),
}

#: What the organisations page of a campaign says after a form.
MEMBERS = {
    "added": N_("Добавлено организаций: {n}."),
    "removed": N_("Исключено организаций: {n}. Их ответы сохранены, ссылки на этот сбор отозваны."),
    "none": N_("Отметьте хотя бы одну организацию."),
    "closed": N_("Сбор закрыт: состав участников менять нельзя (сначала откройте сбор)."),
    "removed_org": N_("Организация удалена из справочника и не может участвовать."),
}

#: The master list's import page: what went wrong with an upload, and how Apply went.
IMPORT = {
    "no_file": N_("Выберите файл справочника: CSV или XLSX."),
    "type": N_("Этот файл не CSV и не XLSX. Сохраните справочник в Excel как XLSX или CSV."),
    "unreadable": N_("Файл не удалось прочитать: {reason}"),
    "gone": N_("Просмотр устарел или уже применён. Загрузите файл ещё раз."),
    "changed": N_(
        "Справочник изменился после просмотра, поэтому ничего не применено. "
        "Ниже — новый просмотр; проверьте его и примените снова."
    ),
    "done": N_(
        "Импорт применён: добавлено {added}, изменено {updated}, восстановлено {restored}, "
        "без изменений {unchanged}."
    ),
    "members": N_("В сбор добавлено организаций: {n}."),
    "members_failed": N_(
        "Организации в сбор не добавлены: сбор закрыт или не найден. Добавьте их на странице сбора."
    ),
}

#: The attributes an import changes, as the preview names them.
IMPORT_FIELDS = {
    "subject_kind": N_("Вид субъекта"),
    "name_ru": N_("Название на русском"),
    "name_kk": N_("Название на казахском"),
    "region": N_("Регион"),
    "blocks": N_("Блоки анкеты"),
    "bin": N_("БИН"),
}

#: Why a row of a master file was refused, by :class:`admin.ops.org_files.RowProblem`'s code
#: (a problem without a code is shown as the CLI says it).
IMPORT_REASONS = {
    "cells": N_("В строке больше ячеек, чем столбцов в заголовке."),
    "kind": N_("Неизвестный вид субъекта «{kind}»."),
    "empty": N_("Столбец {column} пуст: у каждой организации должны быть оба названия."),
    "long": N_("Столбец {column} длиннее {most} символов."),
    "lossy": N_(
        "В столбце {column} стоит «?» вместо буквы, которую Excel не смог сохранить в "
        "Windows-1251 (ә, ғ, қ, ң, ө, ұ, ү, һ, і). Сохраните файл как «CSV UTF-8» или XLSX "
        "и загрузите снова."
    ),
    "bin": N_("БИН «{value}» — не 12 цифр."),
    "duplicate": N_("Та же организация, что в строке {line}."),
}

#: How the file was read (:class:`admin.ops.org_files.ReadAs`), for the coordinator to check.
IMPORT_READ = {
    "csv": N_("CSV, кодировка {encoding}, разделитель — {delimiter}"),
    "xlsx": N_("книга Excel, лист «{sheet}»"),
    "1251": N_("Windows-1251 (не UTF-8)"),
    ",": N_("запятая"),
    ";": N_("точка с запятой"),
    "\t": N_("табуляция"),
}
