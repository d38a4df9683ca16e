"""§14 of the Rules: numbers and free texts grouped by the analysis they inform.

Each field of the questionnaire names its §14 analyses (``analysis`` in the YAML).  An
analysis table holds first its ``numbers`` — every tagged count, amount, breakdown
category and yes of a yes/no, summed per subject kind — then its ``texts``: every free
text answered to a tagged field (texts, descriptions of a yes or a choice, text cells of
lists), with who wrote it.  Texts are spooled to a temporary file while the campaign
streams by, so memory does not grow with the number of answers.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from admin.export.aggregate import AggKey, Totals
from admin.export.checks import walk_for
from admin.export.data import Sheet
from admin.export.labels import word
from admin.export.rows import Labels
from admin.export.tables import field_index
from dialogs.i18n import N_
from dialogs.schema import ANALYSES, ListField, Questionnaire
from dialogs.schema import Analysis as Name

COLUMNS = (
    "part",
    "subject_kind",
    "field_code",
    "category",
    "field_label",
    "category_label",
    "value",
    "n",
    "organisation_id",
    "organisation_ru",
    "organisation_kk",
    "region",
    "text",
)

#: Short titles (sheet names) and the wording of §14, sub-points 1–9.
TITLES: dict[str, tuple[str, str]] = {
    "sources": (N_("Источники"), N_("Источник рисков торговли людьми")),
    "nature": (N_("Характер"), N_("Характер рисков торговли людьми")),
    "territory": (
        N_("Территории"),
        N_(
            "Вероятность появления рисков торговли людьми на определенной территории"
            " государства, в том числе из-за рубежа"
        ),
    ),
    "consequences": (N_("Последствия"), N_("Последствия рисков торговли людьми")),
    "vulnerable_groups": (
        N_("Уязвимые группы"),
        N_("Уязвимые категории граждан (группы риска), потенциальные жертвы торговли людьми"),
    ),
    "schemes": (N_("Схемы"), N_("Схемы и способы осуществления торговли людьми")),
    "recruitment": (
        N_("Вербовка"),
        N_(
            "Методы вербовки и контроля, используемые для осуществления торговли людьми,"
            " в том числе несовершеннолетними"
        ),
    ),
    "causes": (N_("Причины"), N_("Причины и условия торговли людьми")),
    "prevention": (
        N_("Профилактика"),
        N_(
            "Способы эффективной профилактики, включая снижение спроса на услуги,"
            " оказываемые жертвами торговли людьми, в результате их эксплуатации"
        ),
    ),
}
assert tuple(TITLES) == ANALYSES


def texts_of(q: Questionnaire, sheet: Sheet) -> Iterator[tuple[str, list[Name], str]]:
    """(field code, its analyses, text) of every free text of a sheet in a tagged field."""
    for step in walk_for(q, tuple(sheet.blocks)).steps:
        f = step.field
        if not f.analysis:
            continue
        answer = sheet.answers.get(step.code)
        if answer is None or answer.is_no_data:
            continue
        value = answer.value
        if f.kind == "text" and isinstance(value, str) and value.strip():
            yield step.code, f.analysis, value
        elif isinstance(value, dict) and value.get("description"):
            yield step.code, f.analysis, str(value["description"])
        elif isinstance(f, ListField) and isinstance(value, list):
            for entry in value:
                for col in f.columns:
                    cell = entry.get(col.code) if isinstance(entry, dict) else None
                    if col.kind == "text" and isinstance(cell, str) and cell.strip():
                        yield step.code, f.analysis, cell


class Analysis:
    """Spools texts per analysis during the stream; writes the tables at the end."""

    def __init__(self, q: Questionnaire, lang: str) -> None:
        self.q, self.lang = q, lang
        self.labels = Labels(q, lang)
        self.dir = tempfile.TemporaryDirectory(prefix="saualnama-analysis-")
        self.spools: dict[str, IO[str]] = {
            a: (Path(self.dir.name) / f"{a}.jsonl").open("w+", encoding="utf-8") for a in ANALYSES
        }

    def add(self, sheet: Sheet) -> None:
        index = field_index(self.q)
        for code, analyses, text in texts_of(self.q, sheet):
            row = [
                sheet.organisation_id,
                sheet.name_ru,
                sheet.name_kk,
                sheet.subject_kind,
                sheet.region or "",
                text,
            ]
            line = json.dumps([code, self.labels.field(index[code][1]), row], ensure_ascii=False)
            for a in analyses:
                self.spools[a].write(line + "\n")

    def rows(
        self, analysis: str, totals: Totals, hidden: set[AggKey], mark: str
    ) -> Iterator[list[Any]]:
        """The numbers, then the texts, of one analysis."""
        index = field_index(self.q)
        numbers = word(self.lang, "numbers")
        for key in sorted(
            (k for k in totals.cells if k[1] is None and k[0] is not None),
            key=lambda k: (index[k[2]][0], k[0] or "", k[3]),
        ):
            kind, _, code, category = key
            f = index[code][1]
            if analysis not in f.analysis:
                continue
            label = self.labels.category(code, f, category) if category not in ("", "yes") else ""
            value = mark if key in hidden else totals.cells[key].value
            n = totals.reporting(kind, None, code)
            row = [numbers, kind, code, category, self.labels.field(f), label, value, n]
            yield row + [None] * (len(COLUMNS) - len(row))
        spool = self.spools[analysis]
        spool.flush()
        spool.seek(0)
        texts = word(self.lang, "texts")
        for line in spool:
            code, label, (org_id, name_ru, name_kk, kind, region, text) = json.loads(line)
            yield [
                texts,
                kind,
                code,
                "",
                label,
                "",
                None,
                None,
                org_id,
                name_ru,
                name_kk,
                region,
                text,
            ]

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()
        self.dir.cleanup()
