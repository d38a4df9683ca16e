"""What a reminder says, in the contact's language, and the progress it reports.

The texts are Russian msgids (translated in ``locales/``); :class:`ReminderWriter`
fills them in for one contact, caching what the contacts of one run share
(organisations, responses, progress).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dialogs import i18n
from dialogs.i18n import N_
from dialogs.schema import Questionnaire
from dialogs.walk import Walk
from storage.models import Campaign, Contact, Organisation, Response
from storage.repository import Store

TEXT_DAYS_LEFT = N_(
    "Здравствуйте! Напоминаем: анкету организации «{organisation}» по противодействию "
    "торговле людьми нужно отправить до {deadline} (осталось дней: {days})."
)
TEXT_TODAY = N_(
    "Здравствуйте! Сегодня, {deadline}, последний день отправки анкеты организации "
    "«{organisation}» по противодействию торговле людьми."
)
TEXT_OVERDUE = N_(
    "Здравствуйте! Срок отправки анкеты организации «{organisation}» по противодействию "
    "торговле людьми истёк {deadline}, а анкета ещё не отправлена. "
    "Пожалуйста, завершите её как можно скорее."
)
TEXT_RETURNED = N_(
    "Здравствуйте! Координатор вернул анкету организации «{organisation}» на доработку."
)
TEXT_REASON = N_("Причина: {reason}")
TEXT_PROGRESS = N_("Заполнено: {done} из {total}.")
TEXT_ALL_ANSWERED = N_("Заполнено: {done} из {total} — осталось проверить и отправить анкету.")
TEXT_CONTINUE = N_("Чтобы продолжить, отправьте /start в этом чате.")
TEXT_CORRECT = N_("Чтобы исправить ответы и отправить анкету снова, отправьте /start в этом чате.")
TEXT_CONTINUE_WEB = N_("Чтобы продолжить, откройте анкету: {link}")
TEXT_CORRECT_WEB = N_("Чтобы исправить ответы и отправить анкету снова, откройте её: {link}")
BUTTON_CONTINUE = N_("Продолжить анкету")
SUBJECT = N_("Анкета по противодействию торговле людьми: {organisation}")


@dataclass(frozen=True, slots=True)
class Written:
    """One reminder in one language: the subject (e-mail), the text, the button's label."""

    language: str
    subject: str
    text: str
    button: str


def _date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


class Progress:
    """Organisations and their progress in a campaign, read once per run."""

    def __init__(self, store: Store, questionnaire: Questionnaire) -> None:
        self._store = store
        self._q = questionnaire
        self._organisations: dict[int, Organisation] = {}
        self._responses: dict[int, dict[int, Response]] = {}
        self._progress: dict[tuple[int, int], tuple[int, int]] = {}

    async def preload(self, campaign_id: int) -> None:
        """Read the campaign's organisations in one query (not one per contact)."""
        for org in await self._store.campaign_organisations(campaign_id):
            self._organisations.setdefault(org.id, org)

    async def organisation(self, organisation_id: int) -> Organisation:
        if organisation_id not in self._organisations:
            self._organisations[organisation_id] = await self._store.get_organisation(
                organisation_id
            )
        return self._organisations[organisation_id]

    async def _response(self, campaign_id: int, organisation_id: int) -> Response | None:
        if campaign_id not in self._responses:
            rows = await self._store.list_responses(campaign_id)
            self._responses[campaign_id] = {r.organisation_id: r for r in rows}
        return self._responses[campaign_id].get(organisation_id)

    async def of(self, campaign_id: int, organisation: Organisation) -> tuple[int, int]:
        """(answered, all) fields of the organisation's questionnaire in this campaign.

        The walk the dialog's progress counts, but for this campaign, and read-only
        (no response is created for an organisation that has not started).
        """
        key = (campaign_id, organisation.id)
        if key not in self._progress:
            response = await self._response(campaign_id, organisation.id)
            answered: set[str] = set()
            if response is not None:
                answered = {a.field_code for a in await self._store.list_answers(response.id)}
            walk = Walk(self._q, list(organisation.blocks))
            self._progress[key] = walk.progress(answered)
        return self._progress[key]


class ReminderWriter:
    """Writes one reminder for one contact."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress

    async def preload(self, campaign_id: int) -> None:
        """Read what the reminders of one campaign share, once (see :meth:`Progress.preload`)."""
        await self._progress.preload(campaign_id)

    async def write(
        self,
        campaign: Campaign,
        contact: Contact,
        kind: str,
        today: date,
        reason: str | None,
        link: str | None = None,
    ) -> Written:
        """One reminder to one contact; with ``link`` (e-mail) it points at the web chat."""
        lang = i18n.normalise(contact.language)
        _ = i18n.translator(lang)
        org = await self._progress.organisation(contact.organisation_id)
        name = org.name_kk if lang == "kk" and org.name_kk else org.name_ru
        subject = _(SUBJECT).format(organisation=name)
        button = _(BUTTON_CONTINUE)
        if kind.startswith("returned-"):
            lines = [_(TEXT_RETURNED).format(organisation=name)]
            if reason:
                lines.append(_(TEXT_REASON).format(reason=reason))
            lines.append(_(TEXT_CORRECT_WEB).format(link=link) if link else _(TEXT_CORRECT))
            return Written(lang, subject, "\n".join(lines), button)
        head = self._head(_, kind, name, campaign.deadline, today)
        done, total = await self._progress.of(campaign.id, org)
        progress = TEXT_ALL_ANSWERED if total and done >= total else TEXT_PROGRESS
        tail = _(TEXT_CONTINUE_WEB).format(link=link) if link else _(TEXT_CONTINUE)
        text = "\n".join([head, _(progress).format(done=done, total=total), tail])
        return Written(lang, subject, text, button)

    @staticmethod
    def _head(_: Callable[[str], str], kind: str, name: str, deadline: date, today: date) -> str:
        when = _date(deadline)
        if kind.startswith("overdue"):
            return _(TEXT_OVERDUE).format(organisation=name, deadline=when)
        left = (deadline - today).days
        if left <= 0:
            return _(TEXT_TODAY).format(organisation=name, deadline=when)
        return _(TEXT_DAYS_LEFT).format(organisation=name, deadline=when, days=left)
