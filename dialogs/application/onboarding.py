"""Joining by invitation: one rule for the Telegram bot and the web chat.

A link lets a person in only while its campaign is open.  In order:

1. a token that cannot be one (wrong characters or length) is refused before the
   database is asked;
2. no campaign open at all: refused, "there is no data collection now";
3. the invitation's campaign is not open (a draft, or closed): refused, "this link
   belongs to a collection that is not under way";
4. then storage redeems it (unknown, expired, used up, bound to another organisation
   are refused there), and the link's campaign is remembered in the dialog state so the
   person answers that campaign, not whichever opened last.

A refusal is an :class:`InvitationRefused` carrying a :class:`Refusal`; nothing is
created or signed in.  The texts of the campaign refusals are the same on every channel
(:data:`CAMPAIGN_TEXTS`); how a channel words the others depends on what it is (a
Telegram account, a browser), so each channel maps those itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from dialogs.application.campaigns import open_campaign_ids
from dialogs.application.dialog import DialogService
from dialogs.application.people import Person, person_of
from dialogs.i18n import N_
from storage import errors
from storage.repository import Store

#: What a token can look like at all (storage issues ``token_urlsafe(32)``: 43 characters).
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Refusal(StrEnum):
    """Why a link did not let the person in."""

    INVALID = "invalid"
    NO_OPEN_CAMPAIGN = "no_open_campaign"
    CAMPAIGN_NOT_OPEN = "campaign_not_open"
    EXPIRED = "expired"
    USED_UP = "used_up"
    WRONG_CAMPAIGN = "wrong_campaign"
    ELSEWHERE = "elsewhere"
    REVOKED = "revoked"
    DEACTIVATED = "deactivated"


#: Russian msgids of the refusals every channel says in the same words.
CAMPAIGN_TEXTS: dict[Refusal, str] = {
    Refusal.NO_OPEN_CAMPAIGN: N_(
        "Сейчас нет открытого сбора данных. Мы сообщим, когда он начнётся."
    ),
    Refusal.CAMPAIGN_NOT_OPEN: N_(
        "Эта ссылка-приглашение выдана для другого сбора данных, который сейчас не идёт. "
        "Откройте ссылку из последнего письма координатора или попросите у него новую."
    ),
    Refusal.REVOKED: N_(
        "Эта ссылка-приглашение отозвана координатором и больше не действует. "
        "Попросите у координатора новую ссылку."
    ),
    Refusal.DEACTIVATED: N_(
        "Доступ этой учётной записи к анкете отключён координатором. Если это ошибка, "
        "обратитесь к координатору."
    ),
}

_STORAGE_REFUSALS: dict[type[errors.InvitationError], Refusal] = {
    errors.InvalidInvitation: Refusal.INVALID,
    errors.ExpiredInvitation: Refusal.EXPIRED,
    errors.UsedUpInvitation: Refusal.USED_UP,
    errors.WrongCampaignInvitation: Refusal.WRONG_CAMPAIGN,
    errors.AlreadyBoundElsewhere: Refusal.ELSEWHERE,
    errors.RevokedInvitation: Refusal.REVOKED,
    errors.ContactDeactivated: Refusal.DEACTIVATED,
}


class InvitationRefused(Exception):
    """The link does not let this person in; ``reason`` says why."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Joined:
    """Who joined, and the campaign their link opened."""

    person: Person
    campaign_id: int | None


class Onboarding:
    """Redeems invitations for every channel by the rule in the module docstring."""

    def __init__(self, store: Store, dialog: DialogService) -> None:
        self._store = store
        self._dialog = dialog

    async def join_telegram(
        self, token: str, telegram_user_id: int, *, display_name: str, language: str
    ) -> Joined:
        """Bind a Telegram account through the invitation ``token``."""
        return await self._join(
            token,
            telegram_user_id=telegram_user_id,
            channel="telegram",
            display_name=display_name[:200],
            language=language,
        )

    async def join_web(self, token: str, web_login: str, *, language: str) -> Joined:
        """Bind a browser's web login through the invitation ``token``."""
        return await self._join(token, web_login=web_login, channel="web", language=language)

    async def _join(
        self,
        token: str,
        *,
        channel: str,
        language: str,
        telegram_user_id: int | None = None,
        web_login: str | None = None,
        display_name: str = "",
    ) -> Joined:
        if not TOKEN_RE.match(token):
            raise InvitationRefused(Refusal.INVALID)
        open_ids = await open_campaign_ids(self._store)
        if not open_ids:
            raise InvitationRefused(Refusal.NO_OPEN_CAMPAIGN)
        invitation = await self._store.find_invitation(token)
        campaign_id = invitation.campaign_id if invitation is not None else None
        if campaign_id is not None and campaign_id not in open_ids:
            raise InvitationRefused(Refusal.CAMPAIGN_NOT_OPEN)
        try:
            contact = await self._store.redeem_invitation(
                token,
                campaign_id=campaign_id,
                telegram_user_id=telegram_user_id,
                web_login=web_login,
                channel=channel,
                display_name=display_name,
                language=language,
            )
        except errors.InvitationError as exc:
            raise InvitationRefused(_STORAGE_REFUSALS[type(exc)]) from exc
        if campaign_id is not None:
            await self._dialog.remember_campaign(contact.id, campaign_id)
        return Joined(person_of(contact), campaign_id)
