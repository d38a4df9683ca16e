"""The progress of a campaign as one flat table (the CLI's ``--out`` CSV, the panel's download).

One row per organisation; contacts are summarised (how many, their channels and
languages, the latest time one was seen), links counted (made, used, revoked).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from admin.ops.progress import CampaignProgress, OrganisationProgress

COLUMNS = (
    "campaign_id",
    "organisation_id",
    "organisation",
    "subject_kind",
    "region",
    "status",
    "stage",
    "response_id",
    "submitted_at",
    "on_time",
    "answered",
    "fields",
    "percent",
    "no_data",
    "mismatches",
    "last_answer_at",
    "contacts",
    "channels",
    "languages",
    "last_seen_at",
    "links_made",
    "links_used",
    "links_revoked",
)


def iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else ""


def last_seen(row: OrganisationProgress) -> datetime | None:
    times = [c.last_seen_at for c in row.contacts if c.last_seen_at is not None]
    return max(times) if times else None


def _joined(values: Iterator[str]) -> str:
    return ",".join(sorted(set(values)))


def rows(progress: CampaignProgress) -> Iterator[tuple[object, ...]]:
    """The table's rows, in :data:`COLUMNS` order (plain values; the writer defuses texts)."""
    for r in progress.rows:
        yield (
            progress.campaign.id,
            r.organisation_id,
            r.name_ru,
            r.subject_kind,
            r.region or "",
            r.status,
            r.stage,
            r.response_id if r.response_id is not None else "",
            iso(r.submitted_at),
            "" if r.on_time is None else r.on_time,
            r.answered,
            r.fields,
            r.percent,
            r.no_data,
            r.mismatches,
            iso(r.last_answer_at),
            len(r.contacts),
            _joined(ch for c in r.contacts for ch in c.channels),
            _joined(c.language for c in r.contacts),
            iso(last_seen(r)),
            r.links.made,
            r.links.used,
            r.links.revoked,
        )
