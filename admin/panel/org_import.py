"""The master list's import from the panel: a preview from the CLI's own dry run, then Apply.

Nothing is read or matched a second way here: the file is scanned by
:func:`admin.ops.org_files.scan_master_file` (what ``read_master_file`` runs, keeping the
good rows beside the refused ones so that the preview can show both) and the preview is
:func:`admin.ops.organisations.import_organisations` with ``dry_run`` — the call
``python -m admin org import --dry-run`` makes.  Apply imports through ``read_master_file``
and the same function, as the CLI does without ``--dry-run``.

The uploaded bytes stay on the server (:class:`Uploads`, in memory): a random token, bound
to the panel session that uploaded them, good once and for half an hour.  Apply never takes
a file from the form, only the token, and imports with ``expect``: the store compares the
import's outcome with the previewed one inside its transaction, the list locked, and
rolls back if they differ (the master list changed meanwhile); the page then shows the
new preview instead.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from admin.ops.errors import FileProblems
from admin.ops.org_files import MasterFile, ReadAs, RowProblem, scan_master_file
from admin.ops.organisations import import_organisations
from storage.org_import import ImportedRow, ImportOutcome, OrganisationRow
from storage.repository import Store

UPLOAD_MAX = 5 * 1024 * 1024  # a national master list is well under 1 MB as CSV
KEEP = timedelta(minutes=30)
KEPT_MAX = 10  # uploads waiting for Apply at once (at most 50 MB); the oldest goes first


@dataclass(frozen=True, slots=True)
class Upload:
    """A file previewed and waiting for Apply."""

    session_id: str
    source: str
    data: bytes
    signature: str
    expires: datetime


class Uploads:
    """Previewed files by token: one use, bound to a session, expiring."""

    def __init__(self) -> None:
        self._kept: dict[str, Upload] = {}

    def keep(self, upload: Upload, now: datetime) -> str:
        self._kept = {t: u for t, u in self._kept.items() if u.expires > now}
        while len(self._kept) >= KEPT_MAX:
            del self._kept[next(iter(self._kept))]
        token = secrets.token_urlsafe(32)
        self._kept[token] = upload
        return token

    def take(self, token: str, session_id: str, now: datetime) -> Upload | None:
        """The upload of ``token`` if it is this session's and still good; gone afterwards."""
        upload = self._kept.get(token)
        if upload is None or upload.session_id != session_id:
            return None  # another session's token stays for its owner
        del self._kept[token]
        return upload if upload.expires > now else None


@dataclass(slots=True)
class Preview:
    """What importing a file would do, and why it cannot be applied (if it cannot)."""

    source: str
    read_as: ReadAs
    rows: dict[int, OrganisationRow]
    outcome: ImportOutcome | None
    refused: list[RowProblem] = field(default_factory=list)
    duplicates: list[RowProblem] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        return self.outcome is not None and not self.refused and not self.duplicates

    @property
    def signature(self) -> str:
        """The digest of what Apply may do (see :func:`signature`)."""
        return signature(self.outcome) if self.outcome is not None else ""


def signature(outcome: ImportOutcome) -> str:
    """A digest of every row's fate and changes (new rows by line and name: a preview has
    no ids for them): the import goes ahead only if its own is the preview's."""
    parts = [
        f"{label}{_described(r, label == 'added')}"
        for label, done in _groups(outcome)
        for r in done
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _groups(outcome: ImportOutcome) -> list[tuple[str, list[ImportedRow]]]:
    return [
        ("added", outcome.added),
        ("updated", outcome.updated),
        ("restored", outcome.restored),
        ("unchanged", outcome.unchanged),
    ]


def _described(row: ImportedRow, new: bool) -> str:
    known = None if new else row.organisation_id
    return repr((row.line, known, row.name_ru, sorted(row.changes.items())))


async def preview(store: Store, source: str, data: bytes, *, actor: str) -> Preview:
    """The dry run of ``data`` (raises :class:`OpsError` for a file that cannot be read)."""
    scan = scan_master_file(source, data)
    shown = Preview(source, scan.read_as, {r.line: r for r in scan.rows}, None)
    for problem in scan.problems:
        (shown.duplicates if problem.duplicate else shown.refused).append(problem)
    if not scan.rows:
        return shown
    try:
        summary = await import_organisations(
            store, MasterFile(source, scan.rows, str(scan.read_as)), actor=actor, dry_run=True
        )
    except FileProblems as exc:  # rows matching several organisations, or one twice
        shown.duplicates += [RowProblem(line, text, duplicate=True) for line, text in exc.lines]
        shown.duplicates.sort(key=lambda p: p.line)
        return shown
    shown.outcome = summary.outcome
    return shown


def imported_ids(outcome: ImportOutcome) -> list[int]:
    """Every organisation of an applied file (for adding them to a campaign)."""
    return [r.organisation_id for _, done in _groups(outcome) for r in done if r.organisation_id]
