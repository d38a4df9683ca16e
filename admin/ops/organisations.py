"""The master list of organisations: add, update, remove (soft), restore, list, import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from admin.ops.errors import FileProblems, OpsError
from admin.ops.kinds import blocks_for, check_kind
from admin.ops.org_files import MasterFile, check_names
from storage.models import Organisation
from storage.repository import ImportChanged, ImportConflict, ImportOutcome, Store


@dataclass(frozen=True, slots=True)
class OrganisationInfo:
    """One organisation of the master list, as the coordinator sees it."""

    id: int
    key: str
    bin: str | None
    subject_kind: str
    name_ru: str
    name_kk: str
    region: str | None
    blocks: tuple[int, ...]
    removed: bool

    @classmethod
    def of(cls, org: Organisation) -> OrganisationInfo:
        return cls(
            org.id,
            org.key,
            org.bin,
            org.subject_kind,
            org.name_ru,
            org.name_kk,
            org.region,
            tuple(org.blocks or ()),
            org.removed_at is not None,
        )


@dataclass(frozen=True, slots=True)
class Removal:
    organisation: OrganisationInfo
    left_campaigns: list[int]
    kept_in_closed: list[int]


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did (or, in a dry run, would do) and how the file was read."""

    source: str
    read_as: str
    outcome: ImportOutcome


async def add_organisation(
    store: Store,
    *,
    kind: str,
    name_ru: str,
    name_kk: str,
    region: str | None = None,
    bin: str | None = None,
    actor: str,
) -> OrganisationInfo:
    """Add one organisation with the blocks of its kind (refused if it is listed already)."""
    check_kind(kind)
    name_ru, name_kk, region = check_names(name_ru, name_kk, region)
    try:
        org = await store.create_organisation(
            name_ru=name_ru,
            name_kk=name_kk,
            subject_kind=kind,
            region=region,
            blocks=blocks_for(kind),
            bin=bin,
        )
    except ValueError as exc:  # a malformed БИН
        raise OpsError(str(exc)) from None
    await store.record_event(actor, "organisation.created", "organisation", org.id, {"kind": kind})
    return OrganisationInfo.of(org)


async def update_organisation(
    store: Store,
    organisation_id: int,
    *,
    kind: str | None = None,
    name_ru: str | None = None,
    name_kk: str | None = None,
    region: str | None = None,
    bin: str | None = None,
    actor: str,
) -> OrganisationInfo:
    """Change what is given (``""`` clears the region or the БИН); a new kind brings its blocks."""
    current = await store.get_organisation(organisation_id)
    if kind is not None:
        check_kind(kind)
    checked = check_names(
        name_ru if name_ru is not None else current.name_ru,
        name_kk if name_kk is not None else current.name_kk,
        region if region is not None else current.region,
    )
    try:
        org = await store.update_organisation(
            organisation_id,
            name_ru=checked[0] if name_ru is not None else None,
            name_kk=checked[1] if name_kk is not None else None,
            region=(checked[2] or "") if region is not None else None,
            subject_kind=kind,
            blocks=blocks_for(kind) if kind is not None else None,
            bin=bin,
            actor=actor,
        )
    except ValueError as exc:
        raise OpsError(str(exc)) from None
    return OrganisationInfo.of(org)


async def remove_organisation(store: Store, organisation_id: int, *, actor: str) -> Removal:
    """Take it off the master list: out of running campaigns, kept in closed ones."""
    done = await store.remove_organisation(organisation_id, actor=actor)
    return Removal(OrganisationInfo.of(done.organisation), done.left_campaigns, done.kept_in_closed)


async def restore_organisation(
    store: Store, organisation_id: int, *, actor: str
) -> OrganisationInfo:
    return OrganisationInfo.of(await store.restore_organisation(organisation_id, actor=actor))


async def list_organisations(
    store: Store, *, kind: str | None = None, include_removed: bool = False
) -> list[OrganisationInfo]:
    if kind is not None:
        check_kind(kind)
    orgs = await store.list_organisations(kind, include_removed=include_removed)
    return [OrganisationInfo.of(o) for o in orgs]


class PreviewChanged(OpsError):
    """The import would not do what was previewed: the master list changed meanwhile."""


async def import_organisations(
    store: Store,
    master: MasterFile,
    *,
    actor: str,
    dry_run: bool = False,
    expect: Callable[[ImportOutcome], bool] | None = None,
) -> ImportSummary:
    """Upsert the master file's rows (see :mod:`storage.org_import`); all or nothing.

    Raises :class:`~admin.ops.errors.FileProblems` when rows cannot be matched one to one,
    :class:`PreviewChanged` (nothing imported) when ``expect`` rejects the outcome.
    """
    try:
        outcome = await store.import_organisations(
            master.rows, actor=actor, source=master.source, dry_run=dry_run, expect=expect
        )
    except ImportChanged as exc:
        raise PreviewChanged(str(exc)) from None
    except ImportConflict as exc:
        raise FileProblems(
            master.source,
            [f"{master.source}:{line}: {text}" for line, text in exc.problems],
            lines=exc.problems,
        ) from None
    return ImportSummary(master.source, master.read_as, outcome)
