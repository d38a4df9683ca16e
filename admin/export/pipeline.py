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
from typing import Any

from admin.export import analysis as analysis_mod
from admin.export import checks, cover, outliers, ranking, rows, tables, trend, wide
from admin.export.aggregate import Totals
from admin.export.data import SUBMITTED, CampaignData, Sheet
from admin.export.masking import mask
from admin.export.options import ExportOptions
from admin.export.output import MAIN, Output
from admin.export.source import campaign_data, sheets
from admin.export.tables import aggregate_mask
from dialogs.questionnaire import default
from dialogs.schema import ANALYSES, OpenBreakdownField, Questionnaire
from storage.exports import CampaignRow, ExportReader


@dataclass
class ExportResult:
    """What was written: the files, the rows of each table, and the cover's counts."""

    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    counts: cover.Counts = field(default_factory=cover.Counts)
    campaigns: list[int] = field(default_factory=list)


def included(sheet: Sheet, options: ExportOptions) -> bool:
    """Whose answers are exported: submitted ones, or every started one with ``--all``."""
    if sheet.status == SUBMITTED:
        return True
    return not options.only_submitted and sheet.response_id is not None


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
        result = await _write(reader, data, output, options, years, previous, keys)
        result.files = output.commit()
    except BaseException:
        output.abort()
        raise
    result.campaigns = [c.id for c in campaigns]
    return result


async def _write(
    reader: ExportReader,
    data: CampaignData,
    output: Output,
    options: ExportOptions,
    years: list[trend.Year],
    previous: dict[tuple[int, str], float],
    open_keys: dict[str, set[str]],
) -> ExportResult:
    q, lang, rule = data.questionnaire, options.lang, options.disclosure
    xlsx = output.book is not None
    first = output.open("cover", output.title("cover"), cover.COLUMNS) if xlsx else None
    quality_t = output.open("quality", output.title("quality"), checks.QUALITY_COLUMNS)
    findings_t = output.open("findings", output.title("findings"), checks.FINDING_COLUMNS)
    late = {
        name: output.open(name, output.title(name), cols)
        for name, cols in (
            ("reasons", checks.REASON_COLUMNS),
            ("outliers", outliers.COLUMNS),
            ("totals", tables.COLUMNS),
            ("ranking", ranking.COLUMNS),
        )
    }
    for a, (short, _) in analysis_mod.TITLES.items():
        title = f"14.{ANALYSES.index(a) + 1} {output.title_text(short)}"
        late[f"analysis.{a}"] = output.open(f"analysis.{a}", title, analysis_mod.COLUMNS)
    if years:
        codes, labels = trend.columns([*years, trend.Year(_row(data), Totals(q), set())], lang)
        late["trend"] = output.open(
            "trend", output.title("trend"), codes, [*_head(output), *labels]
        )
    blocks: dict[int, tuple[Any, list[wide.Column]]] = {}
    if xlsx:
        for block in q.blocks:
            cols = wide.block_columns(q, block, lang, open_keys)
            codes = [*wide.ORG_COLUMNS, *(c[0] for c in cols)]
            labels = [*output.labels(wide.ORG_COLUMNS), *(c[1] for c in cols)]
            table = output.open(
                f"block.{block.number}", output.title("block", number=block.number), codes, labels
            )
            blocks[block.number] = (table, cols)
    long_t = output.open(MAIN, output.title(MAIN), rows.COLUMNS)
    quality = checks.Quality(q, lang, data.deadline, rule)
    long_table = rows.LongTable(data, lang, rule)
    totals = Totals(q)
    found = outliers.Outliers(q, previous, lang)
    texts = analysis_mod.Analysis(q, lang)  # the §14 spools
    counts = cover.Counts()
    try:
        async for sheet in sheets(reader, data.campaign_id):
            counts.organisations += 1
            counts.kinds.add(sheet.subject_kind)
            on_time = sheet.on_time(data.deadline)
            counts.submitted += sheet.status == SUBMITTED
            counts.on_time += bool(on_time)
            quality_t.row(quality.summary_row(sheet))
            if not included(sheet, options):
                continue
            counts.included += 1
            first_hidden, second_hidden = mask(q, sheet, rule)
            counts.primary += len(first_hidden)
            counts.secondary += len(second_hidden)
            hidden = first_hidden | second_hidden
            for finding in quality.findings(sheet):
                findings_t.row(finding)
            for row in long_table.rows(sheet, hidden):
                long_t.row(row)
            base = long_table.base(sheet)
            for block in checks.walk_for(q, tuple(sheet.blocks)).blocks if xlsx else []:
                table, cols = blocks[block.number]
                table.row(wide.wide_row(sheet, base[2:10], cols, lang, hidden, rule.mark))
            totals.add(sheet, hidden)
            found.add(sheet)
            texts.add(sheet)
        a_first, a_second = aggregate_mask(totals, rule)
        counts.aggregate_primary, counts.aggregate_secondary = len(a_first), len(a_second)
        agg_hidden = a_first | a_second
        for row in quality.reason_rows():
            late["reasons"].row(row)
        field_labels = {
            code: output.title_text(f.label) for code, (_, f) in tables.field_index(q).items()
        }
        for row in found.rows(field_labels, rule):
            late["outliers"].row(row)
        for row in tables.totals_rows(totals, lang, agg_hidden, rule.mark):
            late["totals"].row(row)
        for row in ranking.ranking_rows(totals, lang, agg_hidden, rule.mark):
            late["ranking"].row(row)
        for a in ANALYSES:
            for row in texts.rows(a, totals, agg_hidden, rule.mark):
                late[f"analysis.{a}"].row(row)
        if years:
            current = trend.Year(_row(data), totals, agg_hidden)
            for row in trend.trend_rows([*years, current], lang, rule.mark):
                late["trend"].row(row)
    finally:
        texts.close()
    result = ExportResult(rows=output.rows(), counts=counts)
    trend_names = trend.names([*years, trend.Year(_row(data), totals, set())]) if years else []
    table = first or output.open("cover", output.title("cover"), cover.COLUMNS)
    for row in cover.cover_rows(data, options, counts, result.rows, trend_names):
        table.row(row)
    return result


def _row(data: CampaignData) -> CampaignRow:
    return CampaignRow(
        data.campaign_id,
        data.title,
        data.questionnaire_version,
        data.period_start,
        data.period_end,
        data.requested_on or data.period_end,
        data.deadline,
        data.status,
    )


def _head(output: Output) -> list[str]:
    return output.labels(trend.HEAD)
