"""Texts the Telegram channel says itself (not the questionnaire's): Russian msgids with ``N_``.

The dialog engine writes everything about the questionnaire; these are only the
situations a channel meets before or around the dialog: invitation links, chats
that are not private, messages that are not text, failures.
"""

from __future__ import annotations

from dialogs import i18n
from dialogs.application.onboarding import CAMPAIGN_TEXTS, Refusal
from dialogs.i18n import N_

SOMETHING_WRONG = N_("Что-то пошло не так, попробуйте ещё раз.")
NOT_PROCESSED = N_(
    "Ваше сообщение не обработано из-за сбоя, из него ничего не сохранено. "
    "Пожалуйста, отправьте его ещё раз."
)
PRIVATE_ONLY = N_(
    "Я работаю только в личной переписке: анкету заполняет каждый сотрудник от своего имени. "
    "Напишите мне в личные сообщения."
)
NOT_TEXT = N_(
    "Пожалуйста, напишите ответ текстом. Фотографии, файлы, стикеры, голосовые сообщения и "
    "геолокацию сохранить как ответ нельзя. Текущий вопрос — в сообщении выше; /help — справка."
)
FORWARDED = N_(
    "Пересланные сообщения не принимаются как ответ. Пожалуйста, напишите ответ сами. "
    "Текущий вопрос — в сообщении выше."
)
EDITED = N_(
    "Исправления в уже отправленных сообщениях не учитываются. Чтобы изменить ответ, "
    "нажмите «Назад» или откройте /review и выберите пункт."
)
UNKNOWN_USER = N_(
    "Здравствуйте! Через этот бот государственные органы заполняют ежегодную анкету по "
    "противодействию торговле людьми. Чтобы начать, откройте ссылку-приглашение, которую "
    "прислал координатор. Если ссылки нет, попросите её у координатора."
)
INVALID_LINK = N_(
    "Ссылка-приглашение не распознана: возможно, она скопирована не полностью или уже "
    "заменена новой. Откройте ссылку из письма координатора целиком или попросите у "
    "координатора новую ссылку."
)
EXPIRED_LINK = N_(
    "Срок действия этой ссылки-приглашения истёк. Попросите у координатора новую ссылку; "
    "ответы, которые вы уже дали, сохранены."
)
USED_UP_LINK = N_(
    "По этой ссылке-приглашению уже присоединилось наибольшее допустимое число сотрудников. "
    "Попросите у координатора новую ссылку."
)
#: The campaign refusals are worded by the application layer, the same on every channel.
WRONG_CAMPAIGN_LINK = CAMPAIGN_TEXTS[Refusal.CAMPAIGN_NOT_OPEN]
BOUND_ELSEWHERE = N_(
    "Ваш аккаунт Telegram уже отвечает за другую организацию, а один аккаунт может отвечать "
    "только за одну организацию. Если это ошибка, попросите координатора отвязать аккаунт. "
    "Продолжить заполнение анкеты своей организации: /start."
)
DEACTIVATED = N_(
    "Ваш доступ к анкете отключён координатором. Если это ошибка, обратитесь к координатору."
)
NO_OPEN_CAMPAIGN = CAMPAIGN_TEXTS[Refusal.NO_OPEN_CAMPAIGN]

#: Bot menu commands and their descriptions (set with ``setMyCommands``).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("menu", N_("Перейти к блоку или пункту")),
    ("progress", N_("Сколько осталось заполнить")),
    ("review", N_("Просмотр ответов")),
    ("submit", N_("Отправить анкету")),
    ("language", N_("Сменить язык")),
    ("help", N_("Справка")),
)


def text(lang: str | None, msgid: str) -> str:
    """``msgid`` in ``lang`` (a Telegram ``language_code`` or a stored language)."""
    return i18n.gettext(i18n.normalise(lang), msgid)


#: The chat's menu button that opens the questionnaire as a form (Mini App).
OPEN_FORM = N_("Открыть форму")


#: What the bot says when a link is refused (an account, not a browser, is bound).
REFUSALS: dict[Refusal, str] = {
    Refusal.INVALID: INVALID_LINK,
    Refusal.NO_OPEN_CAMPAIGN: NO_OPEN_CAMPAIGN,
    Refusal.CAMPAIGN_NOT_OPEN: WRONG_CAMPAIGN_LINK,
    Refusal.EXPIRED: EXPIRED_LINK,
    Refusal.USED_UP: USED_UP_LINK,
    Refusal.WRONG_CAMPAIGN: WRONG_CAMPAIGN_LINK,
    Refusal.ELSEWHERE: BOUND_ELSEWHERE,
    Refusal.REVOKED: CAMPAIGN_TEXTS[Refusal.REVOKED],
    Refusal.DEACTIVATED: CAMPAIGN_TEXTS[Refusal.DEACTIVATED],
}
