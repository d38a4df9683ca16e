"""LibreOffice opens every export without running a formula (the spreadsheet of the analysts).

Each XLSX and CSV file of an export is converted to ODS by ``soffice --headless``; the
ODS must hold no ``table:formula`` — a cell that LibreOffice would evaluate.  The CSV
check can fail: the same conversion of an unguarded ``=1+2`` does make a formula.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui",
)
#: CSV import options: separator, text delimiter ("), UTF-8 (76), first line 1.
COMMA = "CSV:44,34,76,1"
SEMICOLON = "CSV:59,34,76,1"


def to_ods(files: list[Path], outdir: Path, infilter: str | None = None) -> list[Path]:
    profile = outdir / "profile"
    cmd = [str(SOFFICE), f"-env:UserInstallation=file://{profile}", "--headless"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", "ods", "--outdir", str(outdir), *map(str, files)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    out = [outdir / (f.stem + ".ods") for f in files]
    assert all(p.exists() for p in out), out
    return out


def formulas(ods: Path) -> list[str]:
    content = zipfile.ZipFile(ods).read("content.xml").decode("utf-8")
    return [part.split('"', 1)[0] for part in content.split('table:formula="')[1:]]


def text_of(ods: Path) -> str:
    return zipfile.ZipFile(ods).read("content.xml").decode("utf-8")


def test_the_check_can_fail(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes("\ufeffa\r\n=1+2\r\n".encode())
    (ods,) = to_ods([bad], tmp_path / "out", COMMA)
    assert formulas(ods) == ["of:=1+2"]


def test_every_xlsx_and_csv_file_opens_without_a_formula(cli, fixture, tmp_path):
    xlsx = tmp_path / "e.xlsx"
    assert cli("export", "--campaign", "1", "--format", "xlsx", "--out", str(xlsx)).code == 0
    assert (
        cli("export", "--campaign", "1", "--format", "csv", "--out", str(tmp_path / "e.csv")).code
        == 0
    )
    semi = tmp_path / "semi"
    semi.mkdir()
    cmd = (
        "export",
        "--campaign",
        "1",
        "--format",
        "csv",
        "--out",
        str(semi / "s.csv"),
        "--decimal-comma",
    )
    assert cli(*cmd).code == 0
    csvs = sorted(tmp_path.glob("e*.csv"))
    assert len(csvs) == 17
    converted = to_ods([xlsx], tmp_path / "x")
    converted += to_ods(csvs, tmp_path / "c", COMMA)
    converted += to_ods(sorted(semi.glob("*.csv")), tmp_path / "s", SEMICOLON)
    for ods in converted:
        assert formulas(ods) == [], ods.name
    xlsx_text = text_of(converted[0])
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)" in xlsx_text
    assert "+7 701 000 00 00" in xlsx_text
    answers = text_of(tmp_path / "c" / "e.ods")
    assert "&apos;=HYPERLINK(" in answers or "'=HYPERLINK(" in answers
