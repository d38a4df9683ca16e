"""What a coordinator (or the panel) chooses for one export.

:class:`Disclosure` is a parameter of every export function rather than a global so that
the web panel can force it on for the expert role whatever the request says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MB = 1024 * 1024
DEFAULT_MAX_MB = 2048
#: Rows of one XLSX worksheet (Excel's limit), header rows included.
XLSX_MAX_ROWS = 1_048_576
#: Columns of one XLSX worksheet.
XLSX_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Disclosure:
    """Small-cell suppression: a count of persons 1…k-1 is shown as ``<k``.

    Secondary suppression (see :mod:`admin.export.disclosure`) hides further cells so
    that no hidden one can be worked out from a total.  Zeros are shown: suppressing
    them would hide nothing about a person.
    """

    k: int = 5
    enabled: bool = False

    def __post_init__(self) -> None:
        if self.k < 2:
            raise ValueError("the suppression threshold k must be at least 2")

    @property
    def mark(self) -> str:
        return f"<{self.k}"

    def small(self, value: object) -> bool:
        """True for a count that primary suppression hides."""
        return (
            self.enabled
            and isinstance(value, int)
            and not isinstance(value, bool)
            and 0 < value < self.k
        )


@dataclass(frozen=True)
class ExportOptions:
    """Language, filters, number format, limits and disclosure control of one export."""

    lang: str = "ru"
    only_submitted: bool = True
    decimal_comma: bool = False
    disclosure: Disclosure = field(default_factory=Disclosure)
    max_bytes: int = DEFAULT_MAX_MB * MB
    #: rows per worksheet; tests inject a small one to see the long table split
    sheet_rows: int = XLSX_MAX_ROWS
