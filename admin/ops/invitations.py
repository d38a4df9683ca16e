"""Invitation links: make them (one organisation, or every one not yet reached), list,
revoke, resend.  Tokens are shown once: only their hashes are stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from admin.ops.campaigns import with_contacts
from admin.ops.errors import OpsError
from admin.ops.links import LinkMaker
from storage.models import Invitation
from storage.repository import Store

LIVE, USED_UP, EXPIRED, REVOKED = "live", "used_up", "expired", "revoked"


@dataclass(frozen=True, slots=True)
class InvitationInfo:
    id: int
    organisation_id: int
    organisation: str
    campaign_id: int
    created_at: datetime
    created_by: str
    expires_at: datetime
    uses: int
    max_uses: int
    revoked_at: datetime | None
    state: str

    @classmethod
    def of(cls, i: Invitation, organisation: str, now: datetime | None = None) -> InvitationInfo:
        now = now or datetime.now(UTC)
        state = (
            REVOKED
            if i.revoked_at is not None
            else USED_UP
            if i.uses >= i.max_uses
            else EXPIRED
            if now >= i.expires_at
            else LIVE
        )
        return cls(
            i.id,
            i.organisation_id,
            organisation,
            i.campaign_id,
            i.created_at,
            i.created_by,
            i.expires_at,
            i.uses,
            i.max_uses,
            i.revoked_at,
            state,
        )


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A new link: shown now or never (``telegram`` is ``None`` without BOT_USERNAME)."""

    invitation: InvitationInfo
    subject_kind: str
    web: str
    telegram: str | None


@dataclass(frozen=True, slots=True)
class IssuedLinks:
    links: list[IssuedLink]
    #: members left out because they already have an active contact (no link needed)
    skipped_bound: list[int]
    expires_at: datetime


def _expiry(days: int) -> datetime:
    if days < 1:
        raise OpsError("a link must be valid for at least 1 day")
    return datetime.now(UTC) + timedelta(days=days)


async def _issue(
    store: Store,
    maker: LinkMaker,
    org_id: int,
    campaign_id: int,
    *,
    actor: str,
    expires_at: datetime,
    max_uses: int,
) -> IssuedLink:
    org = await store.get_organisation(org_id)
    invitation, token = await store.create_invitation(
        org_id, campaign_id, actor=actor, expires_at=expires_at, max_uses=max_uses
    )
    return IssuedLink(
        InvitationInfo.of(invitation, org.name_ru),
        org.subject_kind,
        maker.web(token),
        maker.telegram(token),
    )


async def invite_organisation(
    store: Store,
    maker: LinkMaker,
    organisation_id: int,
    campaign_id: int,
    *,
    uses: int = 1,
    days: int = 45,
    actor: str,
) -> IssuedLink:
    """A link for one organisation (which becomes a member of the campaign if it was not)."""
    if uses < 1:
        raise OpsError("a link must bind at least 1 person")
    return await _issue(
        store,
        maker,
        organisation_id,
        campaign_id,
        actor=actor,
        expires_at=_expiry(days),
        max_uses=uses,
    )


async def invite_campaign(
    store: Store,
    maker: LinkMaker,
    campaign_id: int,
    *,
    uses: int = 1,
    days: int = 45,
    include_bound: bool = False,
    actor: str,
) -> IssuedLinks:
    """A link for every organisation of the campaign — except, unless ``include_bound``,
    those that already have an active contact (year two: they go on without one)."""
    if uses < 1:
        raise OpsError("a link must bind at least 1 person")
    members = [o.id for o in await store.campaign_organisations(campaign_id)]
    if not members:
        raise OpsError(
            f"campaign {campaign_id} has no organisations; add them with"
            f" `python -m admin campaign add-org {campaign_id} --all` (or create it --from"
            " last year's campaign)"
        )
    bound = set() if include_bound else await with_contacts(store, members)
    expires = _expiry(days)
    links = [
        await _issue(
            store, maker, org_id, campaign_id, actor=actor, expires_at=expires, max_uses=uses
        )
        for org_id in members
        if org_id not in bound
    ]
    return IssuedLinks(links, [i for i in members if i in bound], expires)


async def list_invitations(
    store: Store, *, campaign_id: int | None = None, organisation_id: int | None = None
) -> list[InvitationInfo]:
    if campaign_id is not None:
        await store.get_campaign(campaign_id)
    names = {o.id: o.name_ru for o in await store.list_organisations(include_removed=True)}
    rows = await store.list_invitations(campaign_id=campaign_id, organisation_id=organisation_id)
    now = datetime.now(UTC)
    return [InvitationInfo.of(i, names.get(i.organisation_id, ""), now) for i in rows]


async def revoke_invitations(
    store: Store, invitation_ids: list[int], *, actor: str
) -> list[InvitationInfo]:
    """Revoke links (each refuses everyone from now on; the contacts they bound stay)."""
    if not invitation_ids:
        raise OpsError("name the invitations to revoke (see `invite list`)")
    done = []
    for invitation_id in dict.fromkeys(invitation_ids):
        invitation = await store.revoke_invitation(invitation_id, actor=actor)
        org = await store.get_organisation(invitation.organisation_id)
        done.append(InvitationInfo.of(invitation, org.name_ru))
    return done


async def resend_invitation(
    store: Store, maker: LinkMaker, invitation_id: int, *, days: int = 45, actor: str
) -> IssuedLink:
    """A new link in place of an old one (revoked; tokens cannot be shown twice)."""
    invitation, token = await store.reissue_invitation(
        invitation_id, actor=actor, expires_at=_expiry(days)
    )
    org = await store.get_organisation(invitation.organisation_id)
    return IssuedLink(
        InvitationInfo.of(invitation, org.name_ru),
        org.subject_kind,
        maker.web(token),
        maker.telegram(token),
    )
