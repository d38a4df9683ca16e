"""Invitations: unguessable tokens, stored only as hashes, that bind people to organisations."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.base import (
    DEFAULT_INVITATION_TTL,
    TOKEN_RE,
    StoreBase,
    check_choice,
    contact_actor,
    hash_token,
)
from storage.membership import is_member, join_campaign
from storage.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Contact,
    Invitation,
    InvitationRedemption,
    Language,
    Organisation,
    utcnow,
)


class InvitationStore(StoreBase):
    """Invitations: unguessable tokens, stored only as hashes, that bind people to organisations."""

    # --- invitations -----------------------------------------------------------------------

    async def create_invitation(
        self,
        organisation_id: int,
        campaign_id: int,
        *,
        actor: str,
        expires_at: datetime | None = None,
        max_uses: int = 1,
    ) -> tuple[Invitation, str]:
        """A new invitation and its plaintext token (shown once; only its hash is stored).

        The token is ``secrets.token_urlsafe(32)``: 43 characters of ``A-Za-z0-9_-``, fit
        for a Telegram deep link.  ``expires_at`` defaults to 45 days from now.  Inviting
        an organisation to a campaign makes it a member if it was not one; raises
        :class:`~storage.errors.CampaignClosed` for a closed campaign it is not part of,
        :class:`~storage.errors.OrganisationRemoved` for a removed one.
        """
        if max_uses < 1:
            raise ValueError("max_uses must be at least 1")
        async with self._tx() as s:
            return await self._new_invitation(
                s, organisation_id, campaign_id, actor, expires_at, max_uses
            )

    async def _new_invitation(
        self,
        s: AsyncSession,
        organisation_id: int,
        campaign_id: int,
        actor: str,
        expires_at: datetime | None,
        max_uses: int,
    ) -> tuple[Invitation, str]:
        token = secrets.token_urlsafe(32)
        await self._get(s, Organisation, organisation_id)
        campaign = await self._get(s, Campaign, campaign_id)
        if not await is_member(s, campaign_id, organisation_id):
            if campaign.status == CampaignStatus.CLOSED:
                raise errors.CampaignClosed(campaign_id)
            await join_campaign(s, campaign_id, organisation_id, actor)
        invitation = Invitation(
            token_hash=hash_token(token),
            organisation_id=organisation_id,
            campaign_id=campaign_id,
            expires_at=expires_at or utcnow() + DEFAULT_INVITATION_TTL,
            max_uses=max_uses,
            uses=0,
            created_by=actor,
        )
        s.add(invitation)
        await s.flush()
        self._audit(
            s,
            actor,
            "invitation.created",
            "invitation",
            invitation.id,
            organisation_id=organisation_id,
            campaign_id=campaign_id,
            max_uses=max_uses,
            expires_at=invitation.expires_at.isoformat(),
        )
        return invitation, token

    async def revoke_invitation(self, invitation_id: int, *, actor: str) -> Invitation:
        """Revoke a link: from now on it refuses everyone with
        :class:`~storage.errors.RevokedInvitation`.  Contacts it bound stay bound (deactivate
        them separately).  Revoking twice keeps the first time."""
        async with self._tx() as s:
            invitation = await self._get(s, Invitation, invitation_id, lock=True)
            if invitation.revoked_at is None:
                invitation.revoked_at, invitation.revoked_by = utcnow(), actor
                self._audit(s, actor, "invitation.revoked", "invitation", invitation_id)
        return invitation

    async def reissue_invitation(
        self, invitation_id: int, *, actor: str, expires_at: datetime | None = None
    ) -> tuple[Invitation, str]:
        """Resend a link: tokens are stored only as hashes, so the old link cannot be shown
        again — it is revoked and a new one for the same organisation and campaign, with
        the uses it had left (at least one), is made in the same transaction."""
        async with self._tx() as s:
            old = await self._get(s, Invitation, invitation_id, lock=True)
            if old.revoked_at is None:
                old.revoked_at, old.revoked_by = utcnow(), actor
                self._audit(s, actor, "invitation.revoked", "invitation", invitation_id)
            return await self._new_invitation(
                s,
                old.organisation_id,
                old.campaign_id,
                actor,
                expires_at,
                max(old.max_uses - old.uses, 1),
            )

    async def list_invitations(
        self, *, campaign_id: int | None = None, organisation_id: int | None = None
    ) -> list[Invitation]:
        """Invitations by id, optionally of one campaign and/or organisation."""
        query = select(Invitation).order_by(Invitation.id)
        if campaign_id is not None:
            query = query.where(Invitation.campaign_id == campaign_id)
        if organisation_id is not None:
            query = query.where(Invitation.organisation_id == organisation_id)
        return await self._all(query)

    async def redeem_invitation(
        self,
        token: str,
        *,
        campaign_id: int | None = None,
        telegram_user_id: int | None = None,
        web_login: str | None = None,
        channel: str,
        display_name: str = "",
        language: str = "ru",
    ) -> Contact:
        """Bind the person to the invitation's organisation and return their contact.

        Creates the contact if the identity is new.  A contact already (actively) bound
        to the same organisation gets its contact back without using up the invitation
        and without another redemption row, so opening a link twice — or another link
        of the organisation — is harmless.  A deactivated contact stays deactivated
        whatever link it opens: only the coordinator reactivates it.  Raises, in this
        order of checks:
        :class:`~storage.errors.InvalidInvitation`,
        :class:`~storage.errors.RevokedInvitation`,
        :class:`~storage.errors.WrongCampaignInvitation` (when ``campaign_id`` is given),
        :class:`~storage.errors.ExpiredInvitation`,
        :class:`~storage.errors.AlreadyBoundElsewhere`,
        :class:`~storage.errors.ContactDeactivated`,
        :class:`~storage.errors.UsedUpInvitation`.
        """
        if (telegram_user_id is None) == (web_login is None):
            raise ValueError("give exactly one of telegram_user_id and web_login")
        check_choice("channel", channel, Channel)
        check_choice("language", language, Language)
        if not TOKEN_RE.match(token):
            raise errors.InvalidInvitation()
        token_hash = hash_token(token)

        async def work() -> Contact:
            async with self._tx() as s:
                invitation = (
                    await s.scalars(
                        select(Invitation)
                        .where(Invitation.token_hash == token_hash)
                        .with_for_update()
                    )
                ).one_or_none()
                if invitation is None:
                    raise errors.InvalidInvitation()
                if invitation.revoked_at is not None:
                    raise errors.RevokedInvitation(invitation.revoked_at)
                if campaign_id is not None and invitation.campaign_id != campaign_id:
                    raise errors.WrongCampaignInvitation(invitation.campaign_id, campaign_id)
                if utcnow() >= invitation.expires_at:
                    raise errors.ExpiredInvitation(invitation.expires_at)
                identity = (
                    Contact.telegram_user_id == telegram_user_id
                    if telegram_user_id is not None
                    else Contact.web_login == web_login
                )
                contact = (
                    await s.scalars(select(Contact).where(identity).with_for_update())
                ).one_or_none()
                if contact is not None:
                    if contact.organisation_id != invitation.organisation_id:
                        raise errors.AlreadyBoundElsewhere(contact.id, contact.organisation_id)
                    if not contact.active:
                        raise errors.ContactDeactivated(contact.id)
                    return contact
                if invitation.uses >= invitation.max_uses:
                    raise errors.UsedUpInvitation(invitation.max_uses)
                invitation.uses += 1
                contact = Contact(
                    organisation_id=invitation.organisation_id,
                    telegram_user_id=telegram_user_id,
                    web_login=web_login,
                    display_name=display_name,
                    language=language,
                    active=True,
                )
                s.add(contact)
                await s.flush()
                s.add(
                    InvitationRedemption(
                        invitation_id=invitation.id, contact_id=contact.id, channel=channel
                    )
                )
                self._audit(
                    s,
                    contact_actor(contact.id),
                    "invitation.redeemed",
                    "invitation",
                    invitation.id,
                    organisation_id=invitation.organisation_id,
                    channel=channel,
                )
                return contact

        return await self._retrying(work)

    async def find_invitation(self, token: str) -> Invitation | None:
        """The invitation a plaintext token opens (looked up by its hash), or ``None``.

        Channels use it to learn which campaign a link opens before showing the dialog.
        """
        if not TOKEN_RE.match(token):
            return None
        query = select(Invitation).where(Invitation.token_hash == hash_token(token))
        async with self._tx() as s:
            return (await s.scalars(query)).one_or_none()

    async def get_invitation(self, invitation_id: int) -> Invitation:
        async with self._tx() as s:
            return await self._get(s, Invitation, invitation_id)

    async def list_redemptions(self, invitation_id: int) -> list[InvitationRedemption]:
        query = (
            select(InvitationRedemption)
            .where(InvitationRedemption.invitation_id == invitation_id)
            .order_by(InvitationRedemption.id)
        )
        return await self._all(query)
