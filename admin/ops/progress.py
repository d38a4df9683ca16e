"""Who to chase: each organisation of a campaign with a status, and the reporting rates.

Status (one per organisation; ``stage`` is the same without "overdue"):

* ``not_reached`` — nobody answers for it: no active contact, nothing opened;
* ``link_opened`` — a contact is bound (by this campaign's link, or carried over from an
  earlier year) or the questionnaire was opened, but nothing is answered yet;
* ``in_progress`` — answers are being given;
* ``submitted`` — submitted (``submitted_at`` says when; ``on_time`` against the deadline
  in Kazakhstan's time);
* ``returned`` — sent back for correction and not yet resubmitted;
* ``overdue`` — any of the first four (or returned) once the deadline has passed.

Reporting rates as DHIS2 computes them for a data set: *expected* (the campaign's
organisations), *actual* (submitted) and *on time* (submitted by the deadline), with
their percentages of expected.  A closed campaign is read as of the day it closed, so
its figures do not drift afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from admin.export import checks
from admin.export.data import load
from admin.ops.campaigns import CampaignInfo
from admin.ops.errors import OpsError
from admin.ops.kinds import check_kind
from storage.deadlines import local_date
from storage.models import (
    CampaignStatus,
    ResponseStatus,
    utcnow,
)
from storage.repository import (
    CampaignRoster,
    ContactSeen,
    LinkTally,
    MemberRow,
    RosterContact,
    Store,
)

NOT_REACHED, LINK_OPENED, IN_PROGRESS = "not_reached", "link_opened", "in_progress"
SUBMITTED, RETURNED, OVERDUE = "submitted", "returned", "overdue"
STATUSES = (NOT_REACHED, LINK_OPENED, IN_PROGRESS, SUBMITTED, RETURNED, OVERDUE)


@dataclass(frozen=True, slots=True)
class ContactBrief:
    contact_id: int
    display_name: str
    channels: tuple[str, ...]
    language: str
    last_seen_at: datetime | None


@dataclass(frozen=True, slots=True)
class LinkCounts:
    made: int
    used: int
    revoked: int


@dataclass(frozen=True, slots=True)
class OrganisationProgress:
    organisation_id: int
    name_ru: str
    subject_kind: str
    region: str | None
    status: str
    stage: str
    response_id: int | None
    submitted_at: datetime | None
    on_time: bool | None
    answered: int
    fields: int
    no_data: int
    mismatches: int
    last_answer_at: datetime | None
    contacts: tuple[ContactBrief, ...]
    links: LinkCounts
    #: the response's last change (an answer, a submission, a return); None without one
    updated_at: datetime | None = None

    @property
    def percent(self) -> int:
        return checks.percent(self.answered, self.fields)


@dataclass(frozen=True, slots=True)
class ReportingRates:
    expected: int
    actual: int
    on_time: int

    @property
    def actual_percent(self) -> int:
        return checks.percent(self.actual, self.expected)

    @property
    def on_time_percent(self) -> int:
        return checks.percent(self.on_time, self.expected)


@dataclass(frozen=True, slots=True)
class CampaignProgress:
    campaign: CampaignInfo
    #: the day the statuses are computed for (today, or the day a closed campaign closed)
    as_of: date
    #: the organisations shown (after every filter)
    rows: list[OrganisationProgress]
    #: the rates of the organisations in the region and kind asked for (status aside)
    rates: ReportingRates


def channels(
    telegram_user_id: int | None, web_login: str | None, email: str | None
) -> tuple[str, ...]:
    """The ways a contact can be reached, in a fixed order."""
    found = [
        name
        for name, identity in (
            ("telegram", telegram_user_id),
            ("web", web_login),
            ("email", email),
        )
        if identity is not None
    ]
    return tuple(found)


def channels_of(seen: ContactSeen) -> tuple[str, ...]:
    contact = seen.contact
    return channels(contact.telegram_user_id, contact.web_login, contact.email)


def stage_of(status: str | None, has_contacts: bool, links: LinkTally) -> str:
    """The status without the deadline (see the module docstring); ``status`` is the
    response's (``None`` without a response)."""
    if status == ResponseStatus.SUBMITTED:
        return SUBMITTED
    if status == ResponseStatus.RETURNED:
        return RETURNED
    if status == ResponseStatus.IN_PROGRESS:
        return IN_PROGRESS
    if has_contacts or status is not None or links.used:
        return LINK_OPENED
    return NOT_REACHED


NO_LINKS = LinkTally(0, 0, 0)


def _brief(c: RosterContact) -> ContactBrief:
    return ContactBrief(
        c.id,
        c.display_name,
        channels(c.telegram_user_id, c.web_login, c.email),
        c.language,
        c.last_seen_at,
    )


def _row(
    roster: CampaignRoster,
    m: MemberRow,
    counts: dict[str, int],
    last: datetime | None,
    as_of: date,
) -> OrganisationProgress:
    contacts = roster.contacts.get(m.organisation_id, ())
    links = roster.links.get(m.organisation_id, NO_LINKS)
    stage = stage_of(m.status, bool(contacts), links)
    deadline = roster.campaign.deadline
    submitted_at = m.submitted_at if stage == SUBMITTED else None
    on_time = local_date(submitted_at) <= deadline if submitted_at is not None else None
    late = stage != SUBMITTED and as_of > deadline
    return OrganisationProgress(
        organisation_id=m.organisation_id,
        name_ru=m.name_ru,
        subject_kind=m.subject_kind,
        region=m.region,
        status=OVERDUE if late else stage,
        stage=stage,
        response_id=m.response_id,
        submitted_at=submitted_at,
        on_time=on_time,
        answered=counts.get("answered", 0),
        fields=counts.get("fields", 0),
        no_data=counts.get("no_data", 0),
        mismatches=counts.get("mismatches", 0),
        last_answer_at=last,
        contacts=tuple(map(_brief, contacts)),
        links=LinkCounts(*links),
        updated_at=m.updated_at,
    )


async def campaign_progress(
    store: Store,
    campaign_id: int,
    *,
    today: date | None = None,
    status: str | None = None,
    region: str | None = None,
    kind: str | None = None,
    counts: bool = True,
) -> CampaignProgress:
    """The campaign's organisations with their status, filtered by status (matching the
    status or the stage: ``not_reached`` also finds overdue ones never reached), region
    (case-insensitive) and kind.

    ``counts=False`` leaves the answers unread (answered, fields, no-data and mismatch
    counts are 0, ``last_answer_at`` None): the statuses and rates need only the roster,
    and the panel's dashboard of a national campaign must not read every answer."""
    _check_filters(status, kind)
    data = (
        await load(store, campaign_id, only_submitted=False, include_not_started=True)
        if counts
        else None
    )
    roster = await store.campaign_roster(campaign_id)
    closed_at = roster.campaign.closed_at
    as_of = local_date(closed_at) if closed_at is not None else today or local_date(utcnow())
    members = {m.organisation_id: m for m in roster.members}
    if data is None:
        rows = [_row(roster, m, {}, None, as_of) for m in roster.members]
    else:
        rows = [
            _row(
                roster,
                members[s.organisation_id],
                checks.summary(data, s),
                s.last_answer_at(),
                as_of,
            )  # fmt: skip
            for s in data.sheets
            if s.organisation_id in members  # both reads are of the members; one may be newer
        ]
    whole = CampaignProgress(CampaignInfo.of(roster.campaign), as_of, rows, _rates(rows))
    return narrow(whole, status=status, region=region, kind=kind)


def _check_filters(status: str | None, kind: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise OpsError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")
    if kind is not None:
        check_kind(kind)


def _rates(rows: list[OrganisationProgress]) -> ReportingRates:
    return ReportingRates(
        expected=len(rows),
        actual=sum(1 for r in rows if r.stage == SUBMITTED),
        on_time=sum(1 for r in rows if r.on_time),
    )


def narrow(
    progress: CampaignProgress,
    *,
    status: str | None = None,
    region: str | None = None,
    kind: str | None = None,
) -> CampaignProgress:
    """The same progress for some organisations only (see :func:`campaign_progress`'s
    filters), without reading anything again: the dashboard shows a region or kind next
    to the whole campaign from one read.  ``progress`` must be unfiltered."""
    _check_filters(status, kind)
    rows = progress.rows
    if region is not None:
        rows = [r for r in rows if (r.region or "").casefold() == region.strip().casefold()]
    if kind is not None:
        rows = [r for r in rows if r.subject_kind == kind]
    rates = _rates(rows)
    if status is not None:
        rows = [r for r in rows if status in (r.status, r.stage)]
    return CampaignProgress(progress.campaign, progress.as_of, rows, rates)


@dataclass(frozen=True, slots=True)
class CloseCheck:
    """``closed`` only when nobody was missing or the coordinator confirmed; else the
    organisations that have not submitted, to show before asking again."""

    campaign: CampaignInfo
    closed: bool
    not_submitted: list[OrganisationProgress]


async def close_with_check(
    store: Store, campaign_id: int, *, confirmed: bool, actor: str
) -> CloseCheck:
    """Close a campaign, but first list who has not submitted: closing with anyone
    missing needs ``confirmed`` (the CLI's ``--yes``)."""
    campaign = await store.get_campaign(campaign_id)
    missing: list[OrganisationProgress] = []
    if campaign.status != CampaignStatus.CLOSED:  # closing twice: the store says why not
        progress = await campaign_progress(store, campaign_id)
        missing = [r for r in progress.rows if r.stage != SUBMITTED]
        if missing and not confirmed:
            return CloseCheck(CampaignInfo.of(campaign), False, missing)
    closed = await store.set_campaign_status(campaign_id, CampaignStatus.CLOSED, actor=actor)
    return CloseCheck(CampaignInfo.of(closed), True, missing)
