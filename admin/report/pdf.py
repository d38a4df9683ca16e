"""DOCX → PDF through LibreOffice (``soffice --headless --convert-to pdf``), if installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


class NoLibreOffice(Exception):
    """``soffice`` is not on this machine."""


def to_pdf(docx: Path, timeout: int = 300) -> Path:
    """The PDF beside ``docx``; LibreOffice embeds the fonts it uses."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise NoLibreOffice(
            "LibreOffice is not installed (apt-get install libreoffice-writer-nogui);"
            " the DOCX was written"
        )
    with tempfile.TemporaryDirectory(prefix="saualnama-lo-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(docx.parent),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    pdf = docx.with_suffix(".pdf")
    if not pdf.exists():
        raise NoLibreOffice(f"LibreOffice did not write {pdf}")
    return pdf
