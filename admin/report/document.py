"""The DOCX of the draft assessment, in the structure of §17 of the Rules.

1. Description of the assessment (§17.1): the campaigns, who answered, how the data were
   checked, structured and ranked (§13), the disclosure rule.
2. Analysis (§14): one section per sub-point — the largest figures of the fields tagged
   with it (summed within each kind of subject, never across kinds) and a chart.
3. Trend (§3): persons reported in the victim profiles, kind by kind, year by year.
4. Conclusions (§17.2), 5. Recommendations (§17.3), 6. Risk profiles of potential victims
   per kind of subject (§17.4): headings with room for the expert group's text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Cm, Pt

from admin.export.aggregate import AggKey
from admin.export.analysis import TITLES
from admin.export.labels import kind_label, t
from admin.export.masking import breakdown_totals, sensitive
from admin.export.options import ExportOptions
from admin.export.ranking import is_victim_item
from admin.export.rows import Labels
from admin.export.tables import field_index
from admin.export.trend import Year, names
from admin.report import charts
from dialogs.i18n import N_
from dialogs.schema import ANALYSES

TOP = 12
TEXT = {
    "title": N_("Оценка рисков в сфере противодействия торговле людьми"),
    "draft": N_(
        "Проект для экспертной группы: {years}. Сформирован автоматически, подлежит редактированию."
    ),
    "description": N_("Описание оценки рисков"),
    "about": N_(
        "Оценка основана на сведениях, представленных субъектами противодействия торговле"
        " людьми по запросу уполномоченных государственных органов в соответствии с"
        " опросником (пункт 9 Правил). Сведения проверены на качество и полноту,"
        " структурированы и ранжированы (пункт 13 Правил) и сгруппированы по направлениям"
        " анализа (пункт 14 Правил)."
    ),
    "not_summed": N_(
        "Числа лиц не суммируются между видами субъектов: одни и те же люди могут быть учтены"
        " полицией, организацией, оказывающей специальные социальные услуги, загранучреждением"
        " и некоммерческой организацией."
    ),
    "suppressed": N_(
        "Числа лиц от 1 до {k_1} скрыты и показаны как «<{k}», в том числе в итогах, из которых их можно было бы вычислить."
    ),
    "analysis": N_("Анализ собранных данных"),
    "figures": N_("Наибольшие показатели по видам субъектов"),
    "texts_there": N_(
        "Свободные ответы по этому направлению приведены в выгрузке, на листе «{sheet}»."
    ),
    "no_figures": N_("Числовых данных по этому направлению нет."),
    "trend": N_("Динамика показателей"),
    "trend_note": N_(
        "Лица, сведения о которых представлены в профилях жертв, по видам субъектов и годам."
    ),
    "conclusions": N_("Выводы по оценке рисков"),
    "recommendations": N_(
        "Рекомендации о принятии мер, направленных на минимизацию рисков, включая"
        " профилактику и устранение возможных последствий, вызванных преступлениями,"
        " связанными с торговлей людьми"
    ),
    "profiles": N_(
        "Профиль риска потенциальных жертв торговли людьми для субъектов по компетенциям"
    ),
    "to_fill": N_("[Заполняется экспертной группой]"),
    "campaign": N_("Кампания"),
    "period": N_("Отчетный период"),
    "organisations": N_("Организаций"),
    "submitted": N_("Отправили анкету"),
    "on_time": N_("Из них в срок"),
    "indicator": N_("Показатель"),
    "kind": N_("Вид субъекта"),
    "value": N_("Значение"),
    "year": N_("Год"),
}


class Draft:
    """The document being written, in one language."""

    def __init__(self, years: Sequence[Year], options: ExportOptions) -> None:
        self.years, self.options, self.lang = years, options, options.lang
        self.q = years[-1].totals.q
        self.labels = Labels(self.q, self.lang)
        self.doc = Document()
        self.charts = 0
        style = self.doc.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = Pt(12)

    def t(self, key: str, **params: Any) -> str:
        return t(self.lang, TEXT[key]).format(**params)

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(text, level)

    def table(
        self, head: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]
    ) -> None:
        """A grid with a bold header row; ``widths`` in centimetres."""
        table = self.doc.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)  # the grid LibreOffice reads
        for n, row in enumerate([head, *rows]):
            cells = table.rows[0].cells if n == 0 else table.add_row().cells
            for cell, value, width in zip(cells, row, widths, strict=True):
                cell.width = Cm(width)
                run = cell.paragraphs[0].add_run("" if value is None else str(value))
                run.font.size = Pt(10)
                run.bold = n == 0

    def picture(self, png: bytes) -> None:
        self.doc.add_picture(io.BytesIO(png), width=Cm(16))
        self.charts += 1

    def shown(self, year: Year, key: AggKey) -> Any:
        cell = year.totals.cells.get(key)
        if cell is None:
            return None
        return self.options.disclosure.mark if key in year.hidden else cell.value


def write_docx(years: Sequence[Year], out: Path, options: ExportOptions) -> int:
    """Write the draft; returns the number of charts embedded."""
    d = Draft(years, options)
    d.doc.add_heading(d.t("title"), 0)
    d.doc.add_paragraph(d.t("draft", years=", ".join(names(years))))
    _description(d)
    _analysis(d)
    _trend(d)
    for n, key in ((4, "conclusions"), (5, "recommendations")):
        d.heading(f"{n}. {d.t(key)}", 1)
        d.doc.add_paragraph(d.t("to_fill"))
    d.heading(f"6. {d.t('profiles')}", 1)
    for kind in sorted({k for y in years for k in y.totals.kinds}):
        d.heading(kind_label(d.lang, kind), 2)
        d.doc.add_paragraph(d.t("to_fill"))
    d.doc.save(str(out))
    return d.charts


def _description(d: Draft) -> None:
    d.heading(f"1. {d.t('description')}", 1)
    d.doc.add_paragraph(d.t("about"))
    d.doc.add_paragraph(d.t("not_summed"))
    rule = d.options.disclosure
    if rule.enabled:
        d.doc.add_paragraph(d.t("suppressed", k=rule.k, k_1=rule.k - 1))
    head = [d.t(k) for k in ("campaign", "period", "organisations", "submitted", "on_time")]
    rows = [
        [
            f"{y.campaign.title} (#{y.campaign.id})",
            f"{y.campaign.period_start} — {y.campaign.period_end}",
            y.organisations,
            y.submitted,
            y.on_time,
        ]
        for y in d.years
    ]
    d.table(head, rows, [5, 4, 2.5, 2.5, 2.5])


def _analysis(d: Draft) -> None:
    d.heading(f"2. {d.t('analysis')}", 1)
    year = d.years[-1]
    index = field_index(d.q)
    for n, analysis in enumerate(ANALYSES, start=1):
        short, long = TITLES[analysis]
        d.heading(f"2.{n}. {t(d.lang, long)}", 2)
        keys = [
            k
            for k, cell in year.totals.cells.items()
            if k[0] is not None
            and k[1] is None
            and analysis in index[k[2]][1].analysis
            and cell.value
            and k not in year.hidden
            and index[k[2]][1].kind != "amount"
        ]
        keys.sort(key=lambda k: -year.totals.cells[k].value)
        if keys:
            d.doc.add_paragraph(d.t("figures"))
            d.table(
                [d.t("indicator"), d.t("kind"), d.t("value"), "n"],
                [
                    [
                        _indicator(d, k),
                        kind_label(d.lang, k[0] or ""),
                        d.shown(year, k),
                        year.totals.reporting(k[0], None, k[2]),
                    ]
                    for k in keys[:TOP]
                ],
                [8.5, 5, 2, 1.5],
            )
            _breakdown_chart(d, year, analysis)
        else:
            d.doc.add_paragraph(d.t("no_figures"))
        sheet = f"14.{n} {t(d.lang, short)}"
        d.doc.add_paragraph(d.t("texts_there", sheet=sheet))
        d.doc.add_paragraph(d.t("to_fill"))


def _indicator(d: Draft, key: AggKey) -> str:
    f = field_index(d.q)[key[2]][1]
    label = d.labels.field(f)
    if key[3] in ("", "yes"):
        return label
    return f"{label}: {d.labels.category(key[2], f, key[3])}"


def _breakdown_chart(d: Draft, year: Year, analysis: str) -> None:
    """The tagged breakdown with the most persons in one kind, category by category."""
    index = field_index(d.q)
    codes = {
        c for c in sensitive(d.q) if c in breakdown_totals(d.q) and analysis in index[c][1].analysis
    }
    best: dict[tuple[str, str], list[AggKey]] = {}
    for key in year.totals.cells:
        if key[0] is not None and key[1] is None and key[2] in codes and key not in year.hidden:
            best.setdefault((key[0], key[2]), []).append(key)
    if not best:
        return
    (kind, code), keys = max(
        best.items(), key=lambda p: sum(year.totals.cells[k].value for k in p[1])
    )
    keys = sorted(keys, key=lambda k: -year.totals.cells[k].value)[:10]
    values = [float(year.totals.cells[k].value) for k in keys]
    if not any(values):
        return
    f = index[code][1]
    title = f"{d.labels.field(f)} — {kind_label(d.lang, kind)}, {names(d.years)[-1]}"
    d.picture(charts.bars(title, [d.labels.category(code, f, k[3]) for k in keys], values))


def _trend(d: Draft) -> None:
    d.heading(f"3. {d.t('trend')}", 1)
    d.doc.add_paragraph(d.t("trend_note"))
    shown_years = names(d.years)
    totals = breakdown_totals(d.q)
    victims = sorted(
        {
            totals[d.q.field_code(i, f)]
            for _, i, f in d.q.walk()
            if is_victim_item(i)
            and getattr(f, "dimension", None) == "country"
            and d.q.field_code(i, f) in totals
        }
    )
    rows, series = [], {}
    kinds = sorted({k for y in d.years for k in y.totals.kinds})
    for kind in kinds:
        for code in victims:
            key: AggKey = (kind, None, code, "")
            values = [d.shown(y, key) for y in d.years]
            if all(v is None for v in values):
                continue
            f = field_index(d.q)[code][1]
            rows.append([kind_label(d.lang, kind), d.labels.field(f), *values])
            series[kind_label(d.lang, kind)] = [v if isinstance(v, int) else None for v in values]
    if not rows:
        d.doc.add_paragraph(d.t("no_figures"))
        return
    d.table(
        [d.t("kind"), d.t("indicator"), *shown_years],
        rows,
        [5, 6, *([5.5 / len(shown_years)] * len(shown_years))],
    )
    d.picture(charts.lines(d.t("trend_note"), shown_years, series))
