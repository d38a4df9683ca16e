"""The expert group's exports of a campaign (§3, §13, §14 of the Rules).

:func:`export_campaigns` streams one campaign — with earlier ones for the trend — from one
read snapshot into the tables of :mod:`admin.export.output`:

* ``answers`` (:mod:`~admin.export.rows`) — the long table, one row per organisation ×
  field × category or list cell; and, in XLSX, one wide sheet per block
  (:mod:`~admin.export.wide`);
* ``quality``, ``findings``, ``reasons`` (:mod:`~admin.export.checks`) and ``outliers``
  (:mod:`~admin.export.outliers`) — §13.1;
* ``totals`` (:mod:`~admin.export.tables`) and ``ranking`` (:mod:`~admin.export.ranking`)
  — §13.2–13.3, by subject kind and region;
* one table per §14 analysis (:mod:`~admin.export.analysis`) and the ``trend``
  (:mod:`~admin.export.trend`) over several campaigns — §14 and §3;
* a ``cover`` (:mod:`~admin.export.cover`) saying what the file is.

Formats (:mod:`~admin.export.output`): ``xlsx`` (one workbook), ``csv`` and ``jsonl`` (one
file per table), ``parquet`` (the same, typed; needs the ``parquet`` extra).

Disclosure control (:class:`Disclosure`) is a parameter, so a caller — the web panel for
the expert role — can force it on.
"""

from __future__ import annotations

from pathlib import Path

from admin.export.csv_writer import ExportTooLarge
from admin.export.data import CampaignData, load
from admin.export.options import DEFAULT_MAX_MB, MB, Disclosure, ExportOptions
from admin.export.output import FORMATS
from admin.export.pipeline import ExportResult, run
from admin.export.xlsx_writer import SheetFull
from storage.exports import ExportStore

__all__ = [
    "DEFAULT_MAX_MB",
    "FORMATS",
    "MB",
    "CampaignData",
    "Disclosure",
    "ExportOptions",
    "ExportResult",
    "ExportTooLarge",
    "SheetFull",
    "export_campaigns",
    "load",
]


async def export_campaigns(
    store: ExportStore,
    campaign_ids: list[int],
    fmt: str,
    out: Path,
    options: ExportOptions | None = None,
) -> ExportResult:
    """Export the latest of ``campaign_ids`` (by period), with the trend over all of them."""
    if out.is_dir():
        raise ValueError(f"{out} is a directory; give a file name such as {out / f'export.{fmt}'}")
    async with store.export_snapshot() as reader:
        return await run(reader, campaign_ids, fmt, out, options or ExportOptions())
