"""The draft assessment (§17): read back with python-docx, and looked at as pages (PDF → PNG)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from bench.generate import generate
from dialogs import i18n
from storage.db import upgrade

ARTIFACTS = Path(__file__).parents[1] / "artifacts"
SECTIONS_RU = [
    "1. Описание оценки рисков",
    "2. Анализ собранных данных",
    "3. Динамика показателей",
    "4. Выводы по оценке рисков",
    "5. Рекомендации о принятии мер, направленных на минимизацию рисков, включая профилактику"
    " и устранение возможных последствий, вызванных преступлениями, связанными с торговлей людьми",
    "6. Профиль риска потенциальных жертв торговли людьми для субъектов по компетенциям",
]


@pytest.fixture
def three_years(tmp_path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'admin.db'}"
    asyncio.run(upgrade(url))
    asyncio.run(generate(url, organisations=32, years=[2024, 2025, 2026]))
    return url


def run_report(three_years: str, out: Path, *args: str) -> int:
    from admin.cli import main

    return main(
        ["report", "--campaigns", "2024-2026", "--out", str(out), "--url", three_years, *args]
    )


def headings(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def test_the_draft_has_the_structure_of_paragraph_17_and_embedded_charts(three_years, tmp_path):
    out = tmp_path / "draft.docx"
    assert run_report(three_years, out, "--no-pdf", "--suppress") == 0
    doc = Document(str(out))
    found = headings(doc)
    assert found[0] == "Оценка рисков в сфере противодействия торговле людьми"
    top = [h for h in found if h[:3] in {f"{n}. " for n in range(1, 7)}]
    assert top == SECTIONS_RU
    analyses = [h for h in found if h.startswith("2.") and h[2:3].isdigit()]
    assert len(analyses) == 9 and analyses[4] == (
        "2.5. Уязвимые категории граждан (группы риска), потенциальные жертвы торговли людьми"
    )
    assert "Некоммерческая организация, работающая в сфере противодействия торговле людьми" in found
    assert len(doc.inline_shapes) >= 2  # §14 charts and the trend
    images = [p for p in doc.part.package.parts if p.content_type == "image/png"]
    assert images and all(p.blob.startswith(b"\x89PNG") for p in images)
    campaigns = doc.tables[0]
    assert [c.text for c in campaigns.rows[1].cells][:4] == [
        "Оценка рисков 2024 (#1)",
        "2024-01-01 — 2024-12-31",
        "32",
        "32",
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "показаны как «<5»" in text
    assert "[Заполняется экспертной группой]" in text


def test_the_draft_in_kazakh(three_years, tmp_path):
    out = tmp_path / "draft-kk.docx"
    assert run_report(three_years, out, "--no-pdf", "--lang", "kk") == 0
    found = headings(Document(str(out)))
    assert found[0] == i18n.gettext("kk", "Оценка рисков в сфере противодействия торговле людьми")
    assert found[0] != "Оценка рисков в сфере противодействия торговле людьми"
    assert f"4. {i18n.gettext('kk', 'Выводы по оценке рисков')}" in found


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm")),
    reason="needs LibreOffice (libreoffice-writer-nogui) and pdftoppm (poppler-utils)",
)
def test_the_pdf_embeds_its_fonts_and_its_first_pages_are_pictured(three_years, tmp_path):
    from PIL import Image

    out = tmp_path / "draft.docx"
    assert run_report(three_years, out, "--pdf", "--suppress") == 0
    pdf = out.with_suffix(".pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes " in r for r in rows), fonts.stdout  # every font embedded
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "3", str(pdf), str(prefix)], check=True
    )
    pages = [Image.open(p) for p in sorted(tmp_path.glob("page*.png"))]
    assert len(pages) == 3
    sheet = Image.new("RGB", (sum(p.width for p in pages), max(p.height for p in pages)), "white")
    x = 0
    for page in pages:
        sheet.paste(page, (x, 0))
        x += page.width
    picture = ARTIFACTS / "report-first-pages.png"
    sheet.save(picture)
    assert picture.stat().st_size > 10_000


def test_an_export_over_three_campaigns_has_the_trend_and_last_years_changes(three_years, tmp_path):
    import openpyxl

    from admin.cli import main

    out = tmp_path / "trend.xlsx"
    cmd = ["export", "--campaigns", "2024,2025,2026", "--format", "xlsx", "--out", str(out)]
    assert main([*cmd, "--url", three_years]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = [list(r) for r in wb["Динамика"].iter_rows(values_only=True)]
    codes = rows[1]
    assert codes[5:11] == ["value_2024", "n_2024", "value_2025", "n_2025", "value_2026", "n_2026"]
    assert codes[11:] == ["change_2025", "change_pct_2025", "change_2026", "change_pct_2026"]
    at = {c: n for n, c in enumerate(codes)}
    for row in rows[2:]:
        a, b = row[at["value_2024"]], row[at["value_2025"]]
        if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
            assert row[at["change_2025"]] == pytest.approx(b - a)
    cover = {r[0]: r[2] for r in list(wb.worksheets[0].iter_rows(values_only=True))[2:]}
    assert cover["campaign"] == 3 and cover["trend"] == "2024, 2025, 2026"
    tests = {r[7] for r in list(wb["Выбросы"].iter_rows(values_only=True))[2:]}
    assert "изменение к прошлой кампании" in tests  # against 2025, the previous campaign
