"""Which organisations take part in a campaign: list, add, remove."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from admin.ops.errors import OpsError
from admin.ops.kinds import check_kind
from admin.ops.organisations import OrganisationInfo
from storage.repository import Store


@dataclass(frozen=True, slots=True)
class MembersChanged:
    campaign_id: int
    #: the organisations added (or removed) by this call
    changed: list[int]
    #: those asked for that were members already (or were not members)
    unchanged: list[int]


async def list_members(store: Store, campaign_id: int) -> list[OrganisationInfo]:
    return [OrganisationInfo.of(o) for o in await store.campaign_organisations(campaign_id)]


async def _chosen(
    store: Store, organisation_ids: Sequence[int], kind: str | None, everyone: bool
) -> list[int]:
    if kind is not None:
        check_kind(kind)
    if not organisation_ids and kind is None and not everyone:
        raise OpsError("name the organisations (their ids), a kind, or all of them")
    chosen = list(organisation_ids)
    if kind is not None or everyone:
        chosen += [o.id for o in await store.list_organisations(kind)]
    return list(dict.fromkeys(chosen))


async def add_members(
    store: Store,
    campaign_id: int,
    organisation_ids: Sequence[int] = (),
    *,
    kind: str | None = None,
    everyone: bool = False,
    actor: str,
) -> MembersChanged:
    """Add organisations (by id, every one of a kind, or the whole master list)."""
    chosen = await _chosen(store, organisation_ids, kind, everyone)
    added = await store.add_campaign_members(campaign_id, chosen, actor=actor)
    return MembersChanged(campaign_id, added, [i for i in chosen if i not in added])


async def remove_members(
    store: Store, campaign_id: int, organisation_ids: Sequence[int], *, actor: str
) -> MembersChanged:
    """Take organisations out (their answers are kept; their links here are revoked)."""
    if not organisation_ids:
        raise OpsError("name the organisations to take out (their ids)")
    chosen = list(dict.fromkeys(organisation_ids))
    removed = await store.remove_campaign_members(campaign_id, chosen, actor=actor)
    return MembersChanged(campaign_id, removed, [i for i in chosen if i not in removed])
