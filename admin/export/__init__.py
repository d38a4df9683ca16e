"""The expert group's export of a campaign (§13 of the Rules): answers, checks, ranking.

Three tables, built by pure functions of :class:`~admin.export.data.CampaignData`:

* ``answers`` (:mod:`admin.export.rows`) — the structured long table, one row per
  organisation × field × category or list cell;
* ``checks`` (:mod:`admin.export.checks`) — completeness and quality per organisation;
* ``ranking`` (:mod:`admin.export.ranking`) — risks, factors, measures and victims ranked.

Files per format (``--out PATH``):

* ``csv``: three files — ``PATH`` (answers), and beside it ``<stem>-checks.csv`` and
  ``<stem>-ranking.csv`` (``export.csv`` → ``export-checks.csv``, ``export-ranking.csv``);
* ``xlsx``: one workbook with the sheets ``answers``, ``checks``, ``ranking``;
* ``json``: one document ``{campaign, questionnaire_version, answers, checks, ranking}``.

Every file is written to ``<name>.partial`` first and renamed only when all of the
export's files are complete; on any error (such as the size limit) the partial files
are removed and earlier files of the same name are left untouched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from admin.export import checks, rows
from admin.export import ranking as ranking_mod
from admin.export.csv_writer import DEFAULT_MAX_MB, MB, Budget, ExportTooLarge, write_csv
from admin.export.data import CampaignData, load
from admin.export.json_writer import write_json
from admin.export.xlsx_writer import write_xlsx

FORMATS = ("csv", "xlsx", "json")
PARTIAL = ".partial"

__all__ = [
    "DEFAULT_MAX_MB",
    "FORMATS",
    "CampaignData",
    "ExportResult",
    "ExportTooLarge",
    "csv_paths",
    "load",
    "write_export",
]


@dataclass
class ExportResult:
    """What was written: the files, and the rows of each table."""

    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def csv_paths(out: Path) -> dict[str, Path]:
    """The three CSV files of an export to ``out``."""
    suffix = out.suffix or ".csv"
    return {
        "answers": out,
        "checks": out.with_name(f"{out.stem}-checks{suffix}"),
        "ranking": out.with_name(f"{out.stem}-ranking{suffix}"),
    }


def partial(path: Path) -> Path:
    return path.with_name(path.name + PARTIAL)


def write_export(
    data: CampaignData, fmt: str, out: Path, *, max_bytes: int = DEFAULT_MAX_MB * MB
) -> ExportResult:
    """Write the export of ``data`` in ``fmt`` to ``out`` (see the module docstring)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if out.is_dir():
        raise ValueError(f"{out} is a directory; give a file name such as {out / f'export.{fmt}'}")
    budget = Budget(max_bytes)
    ranked = ranking_mod.ranking(data)
    tables = {
        "answers": (rows.COLUMNS, rows.answer_rows(data)),
        "checks": (checks.COLUMNS, checks.check_rows(data)),
        "ranking": (ranking_mod.COLUMNS, ranking_mod.ranking_rows(ranked)),
    }
    targets = csv_paths(out) if fmt == "csv" else {"all": out}
    partials = {name: partial(path) for name, path in targets.items()}
    result = ExportResult(files=list(targets.values()))
    try:
        if fmt == "csv":
            for name, (columns, table) in tables.items():
                result.rows[name] = write_csv(partials[name], columns, table, budget)
        elif fmt == "xlsx":
            result.rows = write_xlsx(
                partials["all"], [(name, cols, table) for name, (cols, table) in tables.items()]
            )
            if partials["all"].stat().st_size > max_bytes:
                raise ExportTooLarge(max_bytes)
        else:
            result.rows = write_json(
                partials["all"],
                {
                    "campaign": data.campaign_json(),
                    "questionnaire_version": data.questionnaire_version,
                },
                {"answers": tables["answers"][1], "checks": tables["checks"][1]},
                {"ranking": ranked},
                budget,
            )
            result.rows["ranking"] = sum(len(v) for v in ranked.values())
    except BaseException:
        for path in partials.values():
            path.unlink(missing_ok=True)
        raise
    for name, path in targets.items():
        os.replace(partials[name], path)
    return result
