"""The master list of organisations: stable keys, updates, soft removal.

Every organisation has a unique :mod:`key <storage.org_keys>`, so the same body cannot
be listed twice (``ФОНД ПРОБЕЛЫ`` and ``Фонд «Пробелы»`` are one).  Removal is soft: a
removed organisation leaves the campaigns still running, stays in the closed ones
(their progress and exports do not change), and joins no new campaign until restored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.base import StoreBase
from storage.membership import leave_campaign
from storage.models import Campaign, CampaignOrganisation, CampaignStatus, Organisation, utcnow
from storage.org_keys import clean_bin, organisation_key


@dataclass(frozen=True, slots=True)
class RemovedOrganisation:
    """What :meth:`OrganisationStore.remove_organisation` did."""

    organisation: Organisation
    #: the draft or open campaigns it was taken out of (their links to it revoked)
    left_campaigns: list[int]
    #: the closed campaigns that keep it
    kept_in_closed: list[int]


class OrganisationStore(StoreBase):
    """The master list of organisations."""

    async def create_organisation(
        self,
        *,
        name_ru: str,
        name_kk: str,
        subject_kind: str,
        region: str | None = None,
        blocks: Sequence[int] = (),
        bin: str | None = None,
    ) -> Organisation:
        """Add an organisation to the master list.

        Raises :class:`~storage.errors.DuplicateOrganisation` when one with the same key
        (БИН, or kind and normalised Russian name) exists, removed or not.
        """
        bin_ = clean_bin(bin)
        key = organisation_key(subject_kind, name_ru, bin_)
        organisation = Organisation(
            key=key,
            bin=bin_,
            name_ru=name_ru,
            name_kk=name_kk,
            subject_kind=subject_kind,
            region=region,
            blocks=[int(b) for b in blocks],
        )
        try:
            async with self._tx() as s:
                await self._refuse_duplicate(s, key, bin_, None)
                s.add(organisation)
        except IntegrityError:
            async with self._tx() as s:  # lost a race: name the winner
                await self._refuse_duplicate(s, key, bin_, None)
            raise
        return organisation

    @staticmethod
    async def _refuse_duplicate(
        session: AsyncSession, key: str, bin_: str | None, own_id: int | None
    ) -> None:
        same = Organisation.key == key
        if bin_ is not None:
            same = same | (Organisation.bin == bin_)
        query = select(Organisation).where(same)
        if own_id is not None:
            query = query.where(Organisation.id != own_id)
        other = (await session.scalars(query.limit(1))).one_or_none()
        if other is not None:
            raise errors.DuplicateOrganisation(other.id, other.key, other.removed_at is not None)

    async def get_organisation(self, organisation_id: int) -> Organisation:
        async with self._tx() as s:
            return await self._get(s, Organisation, organisation_id)

    async def find_organisation(self, key: str) -> Organisation | None:
        """The organisation with this key (see :func:`storage.org_keys.organisation_key`)."""
        async with self._tx() as s:
            query = select(Organisation).where(Organisation.key == key)
            return (await s.scalars(query)).one_or_none()

    async def list_organisations(
        self, subject_kind: str | None = None, *, include_removed: bool = False
    ) -> list[Organisation]:
        """The master list by id (without removed organisations unless asked)."""
        query = select(Organisation).order_by(Organisation.id)
        if subject_kind is not None:
            query = query.where(Organisation.subject_kind == subject_kind)
        if not include_removed:
            query = query.where(Organisation.removed_at.is_(None))
        return await self._all(query)

    async def update_organisation(
        self,
        organisation_id: int,
        *,
        name_ru: str | None = None,
        name_kk: str | None = None,
        region: str | None = None,
        blocks: Sequence[int] | None = None,
        subject_kind: str | None = None,
        bin: str | None = None,
        actor: str | None = None,
    ) -> Organisation:
        """Change the given attributes; ``None`` leaves one as it is, ``""`` clears the
        region or the БИН.  The key follows the new values.

        Raises :class:`~storage.errors.DuplicateOrganisation` if the change would make it
        another organisation of the list.
        """
        async with self._tx() as s:
            organisation = await self._get(s, Organisation, organisation_id, lock=True)
            before = _attributes(organisation)
            if name_ru is not None:
                organisation.name_ru = name_ru
            if name_kk is not None:
                organisation.name_kk = name_kk
            if region is not None:
                organisation.region = region or None
            if blocks is not None:
                organisation.blocks = [int(b) for b in blocks]
            if subject_kind is not None:
                organisation.subject_kind = subject_kind
            if bin is not None:
                organisation.bin = clean_bin(bin)
            organisation.key = organisation_key(
                organisation.subject_kind, organisation.name_ru, organisation.bin
            )
            with s.no_autoflush:  # ask before the changed row is written
                await self._refuse_duplicate(s, organisation.key, organisation.bin, organisation_id)
            changes = {
                name: [old, new]
                for (name, old), new in zip(
                    before.items(), _attributes(organisation).values(), strict=True
                )
                if old != new
            }
            if actor is not None and changes:
                self._audit(
                    s, actor, "organisation.updated", "organisation", organisation_id, **changes
                )
        return organisation

    async def remove_organisation(self, organisation_id: int, *, actor: str) -> RemovedOrganisation:
        """Take the organisation off the master list (soft).

        It leaves every draft and open campaign (its unused links there are revoked; its
        answers stay stored and come back if it is added again) and stays in the closed
        ones.  Removing a removed organisation changes nothing.
        """
        async with self._tx() as s:
            organisation = await self._get(s, Organisation, organisation_id, lock=True)
            rows = (
                await s.execute(
                    select(Campaign.id, Campaign.status)
                    .join(CampaignOrganisation, CampaignOrganisation.campaign_id == Campaign.id)
                    .where(CampaignOrganisation.organisation_id == organisation_id)
                    .order_by(Campaign.id)
                )
            ).all()
            running = [cid for cid, status in rows if status != CampaignStatus.CLOSED]
            closed = [cid for cid, status in rows if status == CampaignStatus.CLOSED]
            if organisation.removed_at is None:
                organisation.removed_at = utcnow()
                for campaign_id in running:
                    await leave_campaign(s, campaign_id, organisation_id, actor)
                self._audit(
                    s,
                    actor,
                    "organisation.removed",
                    "organisation",
                    organisation_id,
                    left_campaigns=running,
                )
        return RemovedOrganisation(organisation, running, closed)

    async def restore_organisation(self, organisation_id: int, *, actor: str) -> Organisation:
        """Put a removed organisation back on the master list (it joins no campaign by this)."""
        async with self._tx() as s:
            organisation = await self._get(s, Organisation, organisation_id, lock=True)
            if organisation.removed_at is not None:
                organisation.removed_at = None
                self._audit(s, actor, "organisation.restored", "organisation", organisation_id)
        return organisation


def _attributes(organisation: Organisation) -> dict[str, object]:
    return {
        "name_ru": organisation.name_ru,
        "name_kk": organisation.name_kk,
        "region": organisation.region,
        "subject_kind": organisation.subject_kind,
        "blocks": list(organisation.blocks or []),
        "bin": organisation.bin,
    }
