"""The export's stream of sheets: :mod:`storage.exports` rows turned into :class:`Sheet`."""

from __future__ import annotations

from collections.abc import AsyncIterator

from admin.export.data import NOT_STARTED, CampaignData, Sheet, Stored
from dialogs.schema import Questionnaire
from storage.exports import CampaignRow, ExportReader, OrganisationAnswers


def to_sheet(o: OrganisationAnswers) -> Sheet:
    org = o.organisation
    sheet = Sheet(
        organisation_id=org.id,
        name_ru=org.name_ru,
        subject_kind=org.subject_kind,
        region=org.region,
        blocks=org.blocks,
        name_kk=org.name_kk,
    )
    if o.response is not None:
        sheet.status = o.response.status
        sheet.response_id = o.response.id
        sheet.submitted_at = o.response.submitted_at
    else:
        sheet.status = NOT_STARTED
    for a in o.answers:
        sheet.answers[a.field_code] = Stored(
            value=a.value,
            no_data_reason=a.no_data_reason if a.status == "no_data" else None,
            answered_at=a.answered_at,
            channel=a.channel,
            version=a.version,
        )
    return sheet


async def sheets(reader: ExportReader, campaign_id: int) -> AsyncIterator[Sheet]:
    """Every organisation of the campaign, one sheet at a time."""
    async for o in reader.organisations(campaign_id):
        yield to_sheet(o)


def campaign_data(row: CampaignRow, questionnaire: Questionnaire) -> CampaignData:
    """The campaign's description, without sheets (they are streamed)."""
    return CampaignData(
        campaign_id=row.id,
        title=row.title,
        questionnaire_version=row.questionnaire_version,
        period_start=row.period_start,
        period_end=row.period_end,
        deadline=row.deadline,
        status=row.status,
        sheets=[],
        questionnaire=questionnaire,
        requested_on=row.requested_on,
    )
