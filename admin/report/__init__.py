"""The draft of the risk assessment (§17 of the Rules), for the expert group to edit.

:func:`build_report` reads the campaigns from one snapshot (the same streamed sums as the
exports, with the same disclosure control), then writes a DOCX with the structure of §17:
the description of the assessment, the findings per §14 analysis with tables and charts,
the trend over the campaigns (§3), and empty sections for the conclusions, the
recommendations and the risk profiles of potential victims per kind of subject — and,
where LibreOffice is installed, the same as PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from admin.export.options import ExportOptions
from admin.export.pipeline import summed
from admin.export.trend import Year
from admin.report.document import write_docx
from admin.report.pdf import to_pdf
from dialogs.questionnaire import default
from storage.exports import ExportStore

__all__ = ["ReportResult", "build_report"]


@dataclass
class ReportResult:
    docx: Path
    pdf: Path | None = None
    charts: int = 0
    campaigns: list[int] = field(default_factory=list)


async def build_report(
    store: ExportStore,
    campaign_ids: list[int],
    out: Path,
    options: ExportOptions | None = None,
    *,
    pdf: bool = False,
) -> ReportResult:
    """Write the draft to ``out`` (DOCX), and to ``out`` with ``.pdf`` if ``pdf``."""
    options = options or ExportOptions()
    q = default()
    async with store.export_snapshot() as reader:
        campaigns = sorted(
            [await reader.campaign(i) for i in campaign_ids], key=lambda c: c.period_start
        )
        years: list[Year] = [await summed(reader, c, q, options) for c in campaigns]
    charts = write_docx(years, out, options)
    result = ReportResult(out, charts=charts, campaigns=[c.id for c in campaigns])
    if pdf:
        result.pdf = to_pdf(out)
    return result
