"""Re-importing the master list: new organisations added, changed ones updated, in one step.

The master file is kept outside Saualnama and imported again whenever it changes.  Each
row is matched to the list by БИН, else by kind and normalised Russian name (see
:mod:`storage.org_keys`); a row matching nothing is added, a matching one updated
(and restored if it had been removed).  The whole import is one transaction: any
conflict and nothing changes; ``dry_run`` reports what would happen and rolls back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storage import errors
from storage.base import StoreBase
from storage.models import Organisation
from storage.org_keys import clean_bin, name_key, organisation_key

#: The attributes a master file sets, in the order changes are reported.
FIELDS = ("subject_kind", "name_ru", "name_kk", "region", "blocks", "bin")


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    """One organisation as the master file gives it (``line``: where, for messages)."""

    subject_kind: str
    name_ru: str
    name_kk: str
    region: str | None = None
    blocks: tuple[int, ...] = ()
    bin: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """What happened to one row: its organisation (``None`` for a new one in a dry run)
    and, for an update, each changed attribute as ``(before, after)``."""

    line: int
    organisation_id: int | None
    name_ru: str
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)


@dataclass(slots=True)
class ImportOutcome:
    added: list[ImportedRow] = field(default_factory=list)
    updated: list[ImportedRow] = field(default_factory=list)
    restored: list[ImportedRow] = field(default_factory=list)
    unchanged: list[ImportedRow] = field(default_factory=list)
    dry_run: bool = False


class ImportConflict(errors.StorageError):
    """Rows that cannot be matched one to one; ``problems`` are ``(line, text)``."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {text}" for line, text in problems))


class ImportChanged(errors.StorageError):
    """The import's outcome is not the one expected (the list changed since a preview)."""


class _DryRun(Exception):
    """Internal: ends a dry-run transaction, rolling it back."""


def _values(org: Organisation) -> dict[str, object]:
    return {
        "subject_kind": org.subject_kind,
        "name_ru": org.name_ru,
        "name_kk": org.name_kk,
        "region": org.region,
        "blocks": list(org.blocks or []),
        "bin": org.bin,
    }


def _wanted(row: OrganisationRow, current: Organisation | None) -> dict[str, object]:
    bin_ = clean_bin(row.bin) or (current.bin if current is not None else None)
    return {
        "subject_kind": row.subject_kind,
        "name_ru": row.name_ru,
        "name_kk": row.name_kk,
        "region": row.region or None,
        "blocks": [int(b) for b in row.blocks],
        "bin": bin_,
    }


class _Matcher:
    """Finds each row's organisation in the list; records rows that cannot be matched."""

    def __init__(self, organisations: Sequence[Organisation]) -> None:
        self.by_bin = {o.bin: o for o in organisations if o.bin}
        self.by_name: dict[str, list[Organisation]] = defaultdict(list)
        for o in organisations:
            self.by_name[name_key(o.subject_kind, o.name_ru)].append(o)
        self.claimed: dict[int, int] = {}
        self.new_keys: dict[str, int] = {}
        self.problems: list[tuple[int, str]] = []

    def match(self, row: OrganisationRow) -> Organisation | None:
        bin_ = clean_bin(row.bin)
        target = self.by_bin.get(bin_) if bin_ else None
        if target is None:
            same = self.by_name.get(name_key(row.subject_kind, row.name_ru), [])
            if bin_:
                same = [o for o in same if o.bin is None]  # another БИН: another body
            if len(same) > 1:
                ids = ", ".join(str(o.id) for o in same)
                self.problems.append(
                    (row.line, f"matches organisations {ids} (same kind and name); give its БИН")
                )
                return None
            target = same[0] if same else None
        if target is None:
            key = organisation_key(row.subject_kind, row.name_ru, bin_)
            if key in self.new_keys:
                self.problems.append(
                    (row.line, f"is the same organisation as line {self.new_keys[key]}")
                )
            self.new_keys.setdefault(key, row.line)
            return None
        if target.id in self.claimed:
            self.problems.append(
                (row.line, f"is organisation {target.id} again (line {self.claimed[target.id]})")
            )
            return None
        self.claimed[target.id] = row.line
        return target


class OrganisationImportStore(StoreBase):
    """The master list's upsert."""

    async def import_organisations(
        self,
        rows: Sequence[OrganisationRow],
        *,
        actor: str,
        source: str = "",
        dry_run: bool = False,
        expect: Callable[[ImportOutcome], bool] | None = None,
    ) -> ImportOutcome:
        """Add the rows that match no organisation, update those that do (see the module
        docstring).  Raises :class:`ImportConflict` (nothing changed) when a row matches
        several organisations or two rows match one, and :class:`ImportChanged` (nothing
        changed) when ``expect`` says no to the outcome, judged inside the transaction
        with the list locked (a preview applied only if still true)."""

        async def work() -> ImportOutcome:
            outcome = ImportOutcome(dry_run=dry_run)
            try:
                async with self._tx() as s:
                    everyone = (await s.scalars(select(Organisation).with_for_update())).all()
                    matcher = _Matcher(everyone)
                    targets = [(row, matcher.match(row)) for row in rows]
                    if matcher.problems:
                        raise ImportConflict(matcher.problems)
                    added: list[tuple[OrganisationRow, Organisation]] = []
                    for row, target in targets:
                        if target is None:
                            added.append((row, _new(row)))
                            s.add(added[-1][1])
                        else:
                            _update(row, target, outcome)
                    try:
                        await s.flush()
                    except IntegrityError:
                        raise ImportConflict(
                            [(0, "two rows would become the same organisation (same key)")]
                        ) from None
                    outcome.added = [
                        ImportedRow(row.line, None if dry_run else org.id, row.name_ru)
                        for row, org in added
                    ]
                    if expect is not None and not expect(outcome):
                        raise ImportChanged("the master list changed since the preview")
                    self._audit(
                        s,
                        actor,
                        "organisation.imported",
                        "organisation",
                        None,
                        source=source,
                        added=[r.organisation_id for r in outcome.added],
                        updated=[r.organisation_id for r in outcome.updated],
                        restored=[r.organisation_id for r in outcome.restored],
                    )
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                pass
            return outcome

        return await self._retrying(work)


def _new(row: OrganisationRow) -> Organisation:
    wanted = _wanted(row, None)
    return Organisation(
        key=organisation_key(row.subject_kind, row.name_ru, clean_bin(row.bin)), **wanted
    )


def _update(row: OrganisationRow, target: Organisation, outcome: ImportOutcome) -> None:
    """Apply the row to its organisation and file it as updated, restored or unchanged."""
    before, wanted = _values(target), _wanted(row, target)
    changes = {k: (before[k], wanted[k]) for k in FIELDS if before[k] != wanted[k]}
    for name, (_, new) in changes.items():
        setattr(target, name, new)
    target.key = organisation_key(target.subject_kind, target.name_ru, target.bin)
    done = ImportedRow(row.line, target.id, row.name_ru, changes)
    if target.removed_at is not None:
        target.removed_at = None
        outcome.restored.append(done)
    elif changes:
        outcome.updated.append(done)
    else:
        outcome.unchanged.append(done)
