"""Texts of the web pages: Russian msgids marked with ``N_``, translated where shown."""

from __future__ import annotations

from dialogs import i18n
from dialogs.application.onboarding import CAMPAIGN_TEXTS, Refusal
from dialogs.i18n import N_

#: Labels of the chat page; also sent to the page when the language changes.
UI: dict[str, str] = {
    "title": N_("Сауалнама — анкета по противодействию торговле людьми"),
    "brand": N_("Сауалнама"),
    "tagline": N_("Каждый ответ сохраняется сразу"),
    "menu": N_("Меню"),
    "progress": N_("Прогресс"),
    "review": N_("Просмотр"),
    "submit": N_("Отправить анкету"),
    "help": N_("Справка"),
    "language": N_("Язык"),
    "message": N_("Ваш ответ"),
    "placeholder": N_("Напишите ответ…"),
    # "Ответить", not "Отправить": in Kazakh both were «Жіберу», the same word as the
    # questionnaire's irreversible submit.
    "send": N_("Ответить"),
    "you": N_("Вы"),
    "bot": N_("Сауалнама"),
    "done": N_("Заполнено {done} из {total}"),
    "loading": N_("Загрузка…"),
    "offline": N_("Нет связи с сервером. Проверьте подключение и попробуйте ещё раз."),
    "ended": N_(
        "Сеанс завершён. Откройте ссылку-приглашение ещё раз — ответы, принятые ботом, сохранены."
    ),
    "failed": N_("Не удалось обработать запрос. Попробуйте ещё раз."),
    "actions": N_("Действия"),
    "transcript": N_("Переписка"),
    "heading": N_("Анкета по противодействию торговле людьми"),
    "more": N_("Показать полностью"),
    "less": N_("Свернуть"),
    "not_ready": N_(
        "Анкету можно отправить, когда на все вопросы дан ответ: сейчас заполнено {done} из "
        "{total}. Продолжайте с текущего вопроса."
    ),
    "total": N_("Итого {sum} из {whole}"),
    "add_row": N_("Добавить строку"),
    "remove_row": N_("Удалить строку"),
    "send_form": N_("Сохранить таблицу"),
    "total_plain": N_("Итого {sum}"),
    "category": N_("Другая категория"),
    "count": N_("Число"),
    "table": N_("Таблица ответа"),
    "edit": N_("Изменить"),
    "explained": N_("Пояснение"),
}

LANG_LABELS = {"ru": "Рус", "kk": "Қаз", "en": "Eng"}
LANG_NAMES = i18n.NAMES

#: Error pages: (title, explanation) per situation.
PAGES: dict[str, tuple[str, str]] = {
    "invalid": (
        N_("Ссылка не действует"),
        N_(
            "Эта ссылка-приглашение не найдена: возможно, она скопирована не полностью. "
            "Проверьте ссылку в письме или попросите координатора прислать новую."
        ),
    ),
    "expired": (
        N_("Срок действия ссылки истёк"),
        N_(
            "Срок действия этого приглашения закончился. Попросите координатора прислать "
            "новую ссылку — ответы, которые вы уже дали, сохранены."
        ),
    ),
    "used_up": (
        N_("Ссылка уже использована"),
        N_(
            "Это приглашение уже использовано допустимое число раз. Если вы начали заполнять "
            "анкету, откройте её в том же браузере или в Telegram. Иначе попросите "
            "координатора прислать новую ссылку."
        ),
    ),
    "wrong_campaign": (
        N_("Ссылка относится к другому сбору данных"),
        N_(
            "Это приглашение выдано для другого сбора данных. Откройте ссылку из последнего "
            "письма координатора."
        ),
    ),
    "elsewhere": (
        N_("Вход связан с другой организацией"),
        N_(
            "Эта учётная запись уже отвечает за другую организацию. Обратитесь к координатору, "
            "чтобы он освободил её, или откройте ссылку в другом браузере."
        ),
    ),
    "no_open_campaign": (
        N_("Сбор данных сейчас не идёт"),
        CAMPAIGN_TEXTS[Refusal.NO_OPEN_CAMPAIGN],
    ),
    "campaign_not_open": (
        N_("Ссылка относится к другому сбору данных"),
        CAMPAIGN_TEXTS[Refusal.CAMPAIGN_NOT_OPEN],
    ),
    "revoked": (
        N_("Ссылка отозвана"),
        CAMPAIGN_TEXTS[Refusal.REVOKED],
    ),
    "deactivated": (
        N_("Доступ отключён"),
        CAMPAIGN_TEXTS[Refusal.DEACTIVATED],
    ),
    "rate_limited": (
        N_("Слишком много попыток"),
        N_(
            "С вашего адреса было слишком много попыток входа. Подождите минуту и попробуйте "
            "ещё раз."
        ),
    ),
    "no_session": (
        N_("Сеанс завершён"),
        N_(
            "Чтобы продолжить заполнение анкеты, откройте ссылку-приглашение ещё раз. "
            "Все ответы сохранены."
        ),
    ),
    "home": (
        N_("Анкета по противодействию торговле людьми"),
        N_("Чтобы заполнить анкету, откройте ссылку-приглашение, которую прислал координатор."),
    ),
    "not_found": (
        N_("Страница не найдена"),
        N_("Такой страницы нет. Откройте ссылку-приглашение из письма координатора."),
    ),
    "preview": (
        N_("Приглашение заполнить анкету"),
        N_("Откройте эту ссылку в браузере, чтобы начать заполнение анкеты."),
    ),
    "not_linked": (
        N_("Сначала примите приглашение"),
        N_(
            "Ваша учётная запись Telegram ещё не связана с организацией. Откройте "
            "ссылку-приглашение от координатора в боте, затем вернитесь сюда."
        ),
    ),
    "error": (
        N_("Что-то пошло не так"),
        N_("Не удалось обработать запрос. Попробуйте ещё раз чуть позже."),
    ),
}

#: The banner of a questionnaire returned for correction (see :func:`returned_labels`).
RETURNED: dict[str, str] = {
    "title": N_("Координатор вернул анкету на доработку"),
    "items": N_("Исправьте эти пункты и отправьте анкету снова:"),
    "whole": N_("Исправьте ответы и отправьте анкету снова."),
    "note": N_("Замечание координатора: {note}"),
    "when": N_("Возвращена {day}"),
}


def returned_labels(lang: str) -> dict[str, str]:
    """The return banner's texts in ``lang`` (``note`` and ``when`` still to be filled)."""
    _ = i18n.translator(lang)
    return {key: _(msgid) for key, msgid in RETURNED.items()}


#: The page (situation, HTTP status) of each refused invitation.
REFUSAL_PAGES: dict[Refusal, tuple[str, int]] = {
    Refusal.INVALID: ("invalid", 404),
    Refusal.NO_OPEN_CAMPAIGN: ("no_open_campaign", 409),
    Refusal.CAMPAIGN_NOT_OPEN: ("campaign_not_open", 409),
    Refusal.EXPIRED: ("expired", 410),
    Refusal.USED_UP: ("used_up", 410),
    Refusal.WRONG_CAMPAIGN: ("wrong_campaign", 409),
    Refusal.ELSEWHERE: ("elsewhere", 409),
    Refusal.REVOKED: ("revoked", 410),
    Refusal.DEACTIVATED: ("deactivated", 403),
}


def ui_labels(lang: str) -> dict[str, str]:
    """The chat page's labels in ``lang``."""
    _ = i18n.translator(lang)
    return {key: _(msgid) for key, msgid in UI.items()}


def page_text(lang: str, situation: str) -> tuple[str, str]:
    """(title, explanation) of an error page in ``lang``."""
    _ = i18n.translator(lang)
    title, body = PAGES[situation]
    return _(title), _(body)


def negotiate(accept_language: str | None) -> str:
    """The best of ru/kk/en for an ``Accept-Language`` header; Russian by default."""
    best: tuple[float, int, str] | None = None
    for n, part in enumerate((accept_language or "").split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        base = tag.strip().replace("_", "-").split("-")[0].lower()
        if base not in i18n.LANGUAGES or q <= 0:
            continue
        if best is None or (q, -n) > (best[0], best[1]):
            best = (q, -n, base)
    return best[2] if best else i18n.SOURCE_LANGUAGE
