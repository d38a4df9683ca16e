"""Charts of the draft report: matplotlib (Agg, no display), DejaVu Sans for Cyrillic.

Each chart is returned as PNG bytes, embedded in the DOCX (and from there in the PDF).
Values hidden by disclosure control are never drawn; the caption says how many were left
out.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from textwrap import fill, shorten

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

#: Debian's fonts-dejavu-core: every Cyrillic letter, Kazakh ones included.
FONT = "DejaVu Sans"
COLOUR = "#1f5f8b"


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return buffer.getvalue()


def label(text: str, width: int = 28, most: int = 84) -> str:
    """A category's name on at most three lines, cut only between words.

    Long names beside the bars would otherwise take most of the picture's width, and the
    picture is scaled to the page: the bars and their numbers came out too small to read.
    """
    return fill(shorten(text, most, placeholder="…"), width)


def bars(title: str, labels: Sequence[str], values: Sequence[float]) -> bytes:
    """Horizontal bars, largest on top."""
    names = [label(x) for x in labels]
    rows = sum(n.count("\n") + 1 for n in names)
    with matplotlib.rc_context({"font.family": FONT, "font.size": 9}):
        fig = Figure(figsize=(6.3, 0.22 * rows + 0.25 * len(names) + 1.1))
        ax = fig.add_subplot()
        ax.barh(names[::-1], list(values)[::-1], color=COLOUR)
        for n, v in enumerate(list(values)[::-1]):
            ax.text(v, n, f" {v:g}", va="center", fontsize=8)
        ax.set_title(fill(shorten(title, 150, placeholder="…"), 70), fontsize=10, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(x=0.15)
        if all(float(v).is_integer() for v in values):  # persons and cases: no 2.5 ticks
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        return _png(fig)


def lines(title: str, years: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> bytes:
    """One line per series over the years (gaps where a value is missing or hidden)."""
    with matplotlib.rc_context({"font.family": FONT, "font.size": 9}):
        fig = Figure(figsize=(6.3, 3.4))
        ax = fig.add_subplot()
        for name, values in series.items():
            ys = [float("nan") if v is None else v for v in values]
            ax.plot(list(years), ys, marker="o", label=label(name, 30, 90))
        ax.set_title(fill(shorten(title, 150, placeholder="…"), 70), fontsize=10, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
        return _png(fig)
