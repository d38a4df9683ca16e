"""What an export is made of: one campaign's organisations and their stored answers.

:func:`load` reads it through the :class:`~storage.repository.Store` API (read only, no
audit: the caller records ``export.taken`` once the files are written); everything
else in this package is pure functions of :class:`CampaignData`, so the tests can
build the data by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache, wraps
from typing import Any, TypeVar

from dialogs.contract import Answer as EngineAnswer
from dialogs.questionnaire import default
from dialogs.schema import Questionnaire
from dialogs.walk import Walk
from storage.repository import Store

R = TypeVar("R")


def per_questionnaire(fn: Callable[..., R]) -> Callable[..., R]:
    """Cache ``fn(q, *args)`` per questionnaire object (pydantic models with lists are not
    hashable, so ``functools.cache`` cannot key on them)."""
    memo: dict[tuple[Hashable, ...], tuple[object, R]] = {}

    @wraps(fn)
    def cached(q: object, *args: Hashable) -> R:
        key = (id(q), *args)
        hit = memo.get(key)
        if hit is None or hit[0] is not q:
            hit = memo[key] = (q, fn(q, *args))
        return hit[1]

    return cached


NOT_STARTED = "not_started"
SUBMITTED = "submitted"
#: Kazakhstan keeps one time zone, UTC+5, since 1 March 2024: a deadline is a local date.
KAZAKHSTAN = timezone(timedelta(hours=5))


@dataclass(frozen=True)
class Stored:
    """One stored answer (a field, an item comment or a confirmed mismatch)."""

    value: Any = None
    no_data_reason: str | None = None
    answered_at: datetime | None = None
    channel: str = ""
    version: int = 1

    @property
    def is_no_data(self) -> bool:
        return self.no_data_reason is not None


@dataclass
class Sheet:
    """One organisation and its answer sheet (``status`` ``not_started`` if it has none)."""

    organisation_id: int
    name_ru: str
    subject_kind: str
    region: str | None
    blocks: list[int]
    status: str = NOT_STARTED
    response_id: int | None = None
    answers: dict[str, Stored] = field(default_factory=dict)
    name_kk: str = ""
    submitted_at: datetime | None = None
    _engine: dict[str, EngineAnswer] | None = field(default=None, repr=False, compare=False)

    def on_time(self, deadline: date) -> bool | None:
        """Submitted by the deadline (Kazakhstan's date); None if not submitted."""
        if self.status != SUBMITTED or self.submitted_at is None:
            return None
        moment = self.submitted_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(KAZAKHSTAN).date() <= deadline

    def engine_answers(self) -> dict[str, EngineAnswer]:
        """The answers as the dialog engine sees them (for its completeness and rule checks);
        built once per sheet."""
        if self._engine is None or len(self._engine) != len(self.answers):
            self._engine = {
                code: EngineAnswer(a.value, a.no_data_reason, a.version)
                for code, a in self.answers.items()
            }
        return self._engine

    def walk(self, q: Questionnaire) -> Walk:
        """The fields this organisation answers: block 1 and its own blocks."""
        return Walk(q, self.blocks)

    def last_answer_at(self) -> datetime | None:
        times = [a.answered_at for a in self.answers.values() if a.answered_at is not None]
        return max(times) if times else None


@dataclass
class CampaignData:
    """A campaign and the sheets to export, organisations in id order.

    ``sheets`` may be a one-pass stream (the exports) or a list (progress, tests).
    """

    campaign_id: int
    title: str
    questionnaire_version: str
    period_start: date
    period_end: date
    deadline: date
    status: str
    sheets: Iterable[Sheet]
    questionnaire: Questionnaire = field(default_factory=default)
    requested_on: date | None = None

    def campaign_json(self) -> dict[str, Any]:
        return {
            "id": self.campaign_id,
            "title": self.title,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "deadline": self.deadline.isoformat(),
            "status": self.status,
        }


@lru_cache(maxsize=4096)
def iso_utc(moment: datetime | None) -> str:
    """``2026-01-20T09:30:00Z``: seconds, UTC, the same on every backend."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def load(
    store: Store,
    campaign_id: int,
    *,
    only_submitted: bool = True,
    include_not_started: bool = False,
    questionnaire: Questionnaire | None = None,
) -> CampaignData:
    """The campaign's sheets: submitted ones only by default; every response with
    ``only_submitted=False``, plus organisations without one if ``include_not_started``.

    Raises :class:`storage.errors.NotFound` for an unknown campaign.
    """
    # The campaign's organisations only (Store.campaign_organisations, read in the
    # snapshot's one transaction): adding organisations for next year changes no past export.
    snapshot = await store.campaign_snapshot(campaign_id)
    campaign = snapshot.campaign
    responses = {r.organisation_id: r for r in snapshot.responses}
    sheets: list[Sheet] = []
    for org in snapshot.organisations:
        response = responses.get(org.id)
        if response is None and not include_not_started:
            continue
        if only_submitted and (response is None or response.status != "submitted"):
            continue
        sheet = Sheet(
            organisation_id=org.id,
            name_ru=org.name_ru,
            subject_kind=org.subject_kind,
            region=org.region,
            blocks=list(org.blocks or []),
            name_kk=org.name_kk,
        )
        if response is not None:
            sheet.status = response.status
            sheet.response_id = response.id
            sheet.submitted_at = response.submitted_at
            for a in snapshot.answers[response.id]:
                sheet.answers[a.field_code] = Stored(
                    value=a.value,
                    no_data_reason=a.no_data_reason if a.status == "no_data" else None,
                    answered_at=a.answered_at,
                    channel=a.channel,
                    version=a.version,
                )
        sheets.append(sheet)
    return CampaignData(
        campaign_id=campaign.id,
        title=campaign.title,
        questionnaire_version=campaign.questionnaire_version,
        period_start=campaign.period_start,
        period_end=campaign.period_end,
        deadline=campaign.deadline,
        status=campaign.status,
        sheets=sheets,
        questionnaire=questionnaire or default(),
        requested_on=campaign.requested_on,
    )
