"""The exported campaign's one pass: every organisation written and tallied as it comes.

:class:`CampaignPass` opens the tables in the order a reader wants them, then takes the
organisations one by one — the quality row for every one of them; for those whose answers
are exported, the findings, the long rows, the block rows, and their part of the totals,
outliers and §14 texts — and, at :meth:`CampaignPass.finish`, writes the tables that need
the whole campaign (reasons, outliers, totals, ranking, §14, trend) and the cover.
"""

from __future__ import annotations

from typing import Any

from admin.export import analysis, checks, cover, outliers, ranking, rows, tables, trend, wide
from admin.export.aggregate import Totals
from admin.export.data import SUBMITTED, CampaignData, Sheet
from admin.export.masking import mask
from admin.export.options import ExportOptions
from admin.export.output import MAIN, Output, Table
from admin.export.tables import aggregate_mask
from dialogs.schema import ANALYSES
from storage.exports import CampaignRow


def included(sheet: Sheet, options: ExportOptions) -> bool:
    """Whose answers are exported: submitted ones, or every started one with ``--all``."""
    if sheet.status == SUBMITTED:
        return True
    return not options.only_submitted and sheet.response_id is not None


def campaign_row(data: CampaignData) -> CampaignRow:
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


class CampaignPass:
    """The tables of one export and the running tallies of its campaign."""

    def __init__(
        self,
        data: CampaignData,
        output: Output,
        options: ExportOptions,
        years: list[trend.Year],
        previous: dict[tuple[int, str], float],
        open_keys: dict[str, set[str]],
    ) -> None:
        self.data, self.output, self.options, self.years = data, output, options, years
        self.q, self.lang, self.rule = data.questionnaire, options.lang, options.disclosure
        self.xlsx = output.book is not None
        self.cover: Table | None = None
        self._open_tables(open_keys)
        self.quality = checks.Quality(self.q, self.lang, data.deadline, self.rule)
        self.long_table = rows.LongTable(data, self.lang, self.rule)
        self.totals = Totals(self.q)
        self.outliers = outliers.Outliers(self.q, previous, self.lang)
        self.texts = analysis.Analysis(self.q, self.lang)  # the §14 spools
        self.counts = cover.Counts()

    def _open(self, name: str, columns: Any, title: str | None = None) -> Table:
        return self.output.open(name, title or self.output.title(name), columns)

    def _open_tables(self, open_keys: dict[str, set[str]]) -> None:
        out = self.output
        if self.xlsx:
            self.cover = self._open("cover", cover.COLUMNS)  # first tab, filled last
        self.quality_t = self._open("quality", checks.QUALITY_COLUMNS)
        self.findings_t = self._open("findings", checks.FINDING_COLUMNS)
        self.late = {
            name: self._open(name, columns)
            for name, columns in (
                ("reasons", checks.REASON_COLUMNS),
                ("outliers", outliers.COLUMNS),
                ("totals", tables.COLUMNS),
                ("ranking", ranking.COLUMNS),
            )
        }
        for n, a in enumerate(ANALYSES, start=1):
            title = f"14.{n} {out.title_text(analysis.TITLES[a][0])}"
            self.late[f"analysis.{a}"] = self._open(f"analysis.{a}", analysis.COLUMNS, title)
        if self.years:
            now = trend.Year(campaign_row(self.data), Totals(self.q), set())
            codes, labels = trend.columns([*self.years, now], self.lang)
            labels = [*out.labels(trend.HEAD), *labels]
            self.late["trend"] = out.open("trend", out.title("trend"), codes, labels)
        self.blocks: dict[int, tuple[Table, list[wide.Column]]] = {}
        for block in self.q.blocks if self.xlsx else []:
            columns = wide.block_columns(self.q, block, self.lang, open_keys)
            codes = [*wide.ORG_COLUMNS, *(c[0] for c in columns)]
            labels = [*out.labels(wide.ORG_COLUMNS), *(c[1] for c in columns)]
            title = out.title("block", number=block.number)
            self.blocks[block.number] = (
                out.open(f"block.{block.number}", title, codes, labels),
                columns,
            )
        self.long_t = self._open(MAIN, rows.COLUMNS)

    def add(self, sheet: Sheet) -> None:
        """One organisation: listed in the quality table; written out if included."""
        counts = self.counts
        counts.organisations += 1
        counts.kinds.add(sheet.subject_kind)
        counts.submitted += sheet.status == SUBMITTED
        counts.on_time += bool(sheet.on_time(self.data.deadline))
        self.quality_t.row(self.quality.summary_row(sheet))
        if not included(sheet, self.options):
            return
        counts.included += 1
        first, second = mask(self.q, sheet, self.rule)
        counts.primary += len(first)
        counts.secondary += len(second)
        hidden = first | second
        for finding in self.quality.findings(sheet):
            self.findings_t.row(finding)
        for row in self.long_table.rows(sheet, hidden):
            self.long_t.row(row)
        base = self.long_table.base(sheet)[2:10]
        for block in checks.walk_for(self.q, tuple(sheet.blocks)).blocks if self.xlsx else []:
            table, columns = self.blocks[block.number]
            table.row(wide.wide_row(sheet, base, columns, self.lang, hidden, self.rule.mark))
        self.totals.add(sheet, hidden)
        self.outliers.add(sheet)
        self.texts.add(sheet)

    def finish(self) -> tuple[cover.Counts, dict[str, int]]:
        """Write the tables of the whole campaign and the cover; (counts, rows per table)."""
        try:
            self._aggregates()
        finally:
            self.texts.close()
        written = self.output.rows()
        names = trend.names([*self.years, trend.Year(campaign_row(self.data), self.totals, set())])
        table = self.cover or self._open("cover", cover.COLUMNS)
        trend_names = names if self.years else []
        for row in cover.cover_rows(self.data, self.options, self.counts, written, trend_names):
            table.row(row)
        return self.counts, written

    def _aggregates(self) -> None:
        lang, mark, late = self.lang, self.rule.mark, self.late
        first, second = aggregate_mask(self.totals, self.rule)
        self.counts.aggregate_primary, self.counts.aggregate_secondary = len(first), len(second)
        hidden = first | second
        for row in self.quality.reason_rows():
            late["reasons"].row(row)
        labels = {
            code: self.output.title_text(f.label)
            for code, (_, f) in tables.field_index(self.q).items()
        }
        for row in self.outliers.rows(labels, self.rule):
            late["outliers"].row(row)
        for row in tables.totals_rows(self.totals, lang, hidden, mark):
            late["totals"].row(row)
        for row in ranking.ranking_rows(self.totals, lang, hidden, mark):
            late["ranking"].row(row)
        for a in ANALYSES:
            for row in self.texts.rows(a, self.totals, hidden, mark):
                late[f"analysis.{a}"].row(row)
        if self.years:
            now = trend.Year(campaign_row(self.data), self.totals, hidden)
            for row in trend.trend_rows([*self.years, now], lang, mark):
                late["trend"].row(row)
