"""What the reminders page says about a reminder: its kind, its status, why it cannot go.

The planner (:mod:`dialogs.application.reminders`) names these with codes (``d-7``,
``overdue-2``, ``skipped``) and English reasons, as ``remind --dry-run`` prints them; a
coordinator reads them here in their own language, with what to do about a contact no
channel reaches.  An unknown code is shown as it is rather than hidden.
"""

from __future__ import annotations

from admin.panel.texts import translate
from dialogs.application.reminders import (
    BLOCKED,
    BLOCKED_BOTH,
    MAIL_UNDELIVERABLE,
    NO_CHANNEL,
    NO_SMTP,
)
from dialogs.i18n import N_

#: Why a reminder cannot reach a contact, and what the coordinator can do.
UNREACHABLE = {
    NO_CHANNEL: N_(
        "Нет ни Telegram, ни адреса электронной почты: напоминание не дойдёт. Свяжитесь "
        "с контактом иначе (например, по телефону) или укажите его адрес электронной почты."
    ),
    BLOCKED: N_(
        "Заблокировал бота в Telegram, а письмо отправить некуда: напоминание не дойдёт. "
        "Свяжитесь с контактом иначе или укажите его адрес электронной почты."
    ),
    BLOCKED_BOTH: N_(
        "Недоступен ни в Telegram (заблокировал бота), ни по электронной почте (письма не "
        "доходят): напоминание не дойдёт. Свяжитесь с контактом иначе."
    ),
    NO_SMTP: N_(
        "Есть только адрес электронной почты, а отправка писем не настроена (SMTP_HOST): "
        "напоминание не дойдёт, пока её не настроят."
    ),
    MAIL_UNDELIVERABLE: N_(
        "Письма на адрес электронной почты не доходят, Telegram нет: напоминание не "
        "дойдёт. Проверьте адрес или свяжитесь с контактом иначе."
    ),
}

STATUSES = {
    "due": N_("к отправке"),
    "sent": N_("отправлено"),
    "failed": N_("не удалось отправить"),
    "pending": N_("отправляется"),
    "skipped": N_("не дойдёт"),
    "deferred": N_("отложено"),
    "undeliverable": N_("недоступен"),
}

KINDS = {
    "d-0": N_("в день срока"),
    "d": N_("за {n} дн. до срока"),
    "overdue": N_("после срока, {n}-е"),
    "returned": N_("возврат на доработку, {n}-й"),
}


def reason(lang: str, error: str | None) -> str:
    """Why a contact cannot be reached, said for the coordinator."""
    if error is None:
        return ""
    return translate(lang, UNREACHABLE[error]) if error in UNREACHABLE else error


def status(lang: str, code: str) -> str:
    return translate(lang, STATUSES[code]) if code in STATUSES else code


def kind(lang: str, code: str) -> str:
    """``d-7`` → "7 days before the deadline", ``overdue-2`` → "after it, the 2nd"…"""
    if code in KINDS:
        return translate(lang, KINDS[code])
    head, _, n = code.rpartition("-")
    if head in KINDS and n.isdigit():
        return translate(lang, KINDS[head], n=n)
    return code
