"""One export: earlier campaigns summed, then the campaign streamed once into every table.

All reads share one snapshot (:meth:`storage.exports.ExportStore.export_snapshot`).  The
organisations of the exported campaign stream by one at a time; each is written at once
to the long table, its block sheets, the quality table and the findings, and added to
the running totals, outliers and §14 texts, so memory stays flat however large the
campaign.  Aggregate tables and the cover are written when the stream ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from admin.export import cover, outliers, trend
from admin.export.aggregate import Totals
from admin.export.data import SUBMITTED
from admin.export.masking import mask
from admin.export.one_pass import CampaignPass, included
from admin.export.options import ExportOptions
from admin.export.output import Output
from admin.export.source import campaign_data, sheets
from admin.export.tables import aggregate_mask
from dialogs.questionnaire import default
from dialogs.schema import OpenBreakdownField, Questionnaire
from storage.exports import CampaignRow, ExportReader


@dataclass
class ExportResult:
    """What was written: the files, the rows of each table, and the cover's counts."""

    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    counts: cover.Counts = field(default_factory=cover.Counts)
    campaigns: list[int] = field(default_factory=list)


async def previous_campaign(reader: ExportReader, target: CampaignRow) -> CampaignRow | None:
    """The latest campaign of the same questionnaire whose period began before the target's."""
    earlier = [
        c
        for c in await reader.campaigns()
        if c.period_start < target.period_start
        and c.questionnaire_version == target.questionnaire_version
    ]
    return earlier[-1] if earlier else None


async def summed(
    reader: ExportReader,
    campaign: CampaignRow,
    q: Questionnaire,
    options: ExportOptions,
    remember: dict[tuple[int, str], float] | None = None,
) -> trend.Year:
    """An earlier campaign's totals (and, for last year's, each organisation's numbers)."""
    totals = Totals(q)
    year = trend.Year(campaign, totals, set())
    async for sheet in sheets(reader, campaign.id):
        year.organisations += 1
        year.submitted += sheet.status == SUBMITTED
        year.on_time += bool(sheet.on_time(campaign.deadline))
        if not included(sheet, options):
            continue
        totals.add(sheet, set().union(*mask(q, sheet, options.disclosure)))
        if remember is not None:
            outliers.previous_values(q, sheet, remember)
    year.hidden = set().union(*aggregate_mask(totals, options.disclosure))
    return year


async def run(
    reader: ExportReader,
    campaign_ids: list[int],
    fmt: str,
    out: Path,
    options: ExportOptions,
    q: Questionnaire | None = None,
) -> ExportResult:
    """Export the last of ``campaign_ids`` (by period) with the trend over all of them."""
    q = q or default()
    campaigns = sorted(
        [await reader.campaign(i) for i in campaign_ids], key=lambda c: c.period_start
    )
    target = campaigns[-1]
    last = campaigns[-2] if len(campaigns) > 1 else await previous_campaign(reader, target)
    previous: dict[tuple[int, str], float] = {}
    years = [
        await summed(reader, c, q, options, previous if c == last else None) for c in campaigns[:-1]
    ]
    if last is not None and last not in campaigns:
        await summed(reader, last, q, options, previous)
    open_codes = [q.field_code(i, f) for _, i, f in q.walk() if isinstance(f, OpenBreakdownField)]
    keys = await reader.answer_keys(target.id, open_codes)
    data = campaign_data(target, q)
    output = Output(fmt, out, options)
    try:
        one = CampaignPass(data, output, options, years, previous, keys)
        async for sheet in sheets(reader, data.campaign_id):
            one.add(sheet)
        counts, rows_written = one.finish()
        result = ExportResult(rows=rows_written, counts=counts)
        result.files = output.commit()
    except BaseException:
        output.abort()
        raise
    result.campaigns = [c.id for c in campaigns]
    return result
