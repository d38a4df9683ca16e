"""Reading the master file of organisations: CSV with ``,`` or ``;``, or an Excel workbook.

Russian Excel saves "CSV" with semicolons and in Windows-1251; others save commas and
UTF-8; many people just send the ``.xlsx``.  All of them are read here into
:class:`~storage.org_import.OrganisationRow` (the delimiter found by :class:`csv.Sniffer`,
workbooks read with openpyxl), and every bad row is reported with its line number
before anything is imported.

Columns (a header row, any order): ``subject_kind, name_ru, name_kk, region`` and,
optionally, ``bin`` (the 12-digit БИН).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from admin.ops.errors import FileProblems, OpsError
from admin.ops.kinds import blocks_for, kind_codes, kinds_text
from storage.org_import import OrganisationRow
from storage.org_keys import clean_bin, organisation_key

NAME_MAX = 500
REGION_MAX = 100
REQUIRED = ("subject_kind", "name_ru", "name_kk", "region")
OPTIONAL = ("bin",)
_ALIASES = {"бин": "bin", "bin/бин": "bin", "бин/bin": "bin"}
_ZIP = b"PK\x03\x04"


class RowError(OpsError):
    """A bad cell: the message, and a ``code`` with ``values`` the panel translates."""

    def __init__(self, text: str, code: str, **values: str) -> None:
        super().__init__(text)
        self.code = code
        self.values = values


@dataclass(frozen=True, slots=True)
class MasterFile:
    """The rows of a master file and how it was read (for the coordinator to check)."""

    source: str
    rows: list[OrganisationRow]
    read_as: str


def check_names(name_ru: str, name_kk: str, region: str | None) -> tuple[str, str, str | None]:
    """Trimmed names and region, or :class:`OpsError` saying which is wrong."""
    name_ru, name_kk = " ".join(name_ru.split()), " ".join(name_kk.split())
    region = " ".join((region or "").split()) or None
    for label, value in (("name_ru", name_ru), ("name_kk", name_kk)):
        if not value:
            raise RowError(
                f"{label} is empty; every organisation needs both names", "empty", column=label
            )
        if len(value) > NAME_MAX:
            raise RowError(f"{label} is longer than {NAME_MAX} characters", "long",
                           column=label, most=str(NAME_MAX))  # fmt: skip
    if region is not None and len(region) > REGION_MAX:
        raise RowError(f"region is longer than {REGION_MAX} characters", "long",
                       column="region", most=str(REGION_MAX))  # fmt: skip
    return name_ru, name_kk, region


@dataclass(frozen=True, slots=True)
class ReadAs:
    """How a file was read: ``csv`` (encoding, delimiter) or ``xlsx`` (the sheet).

    ``str()`` is the CLI's wording; the panel words the parts in its own languages."""

    kind: str
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""

    def __str__(self) -> str:
        if self.kind == "xlsx":
            return f"Excel workbook, sheet {self.sheet!r}"
        named = {",": "commas", ";": "semicolons", "\t": "tabs"}[self.delimiter]
        lossy = " (not UTF-8)" if self.encoding == "Windows-1251" else ""
        return f"CSV, {self.encoding}{lossy}, {named}"


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace"), "Windows-1251"


def _csv_records(source: str, data: bytes) -> tuple[Iterator[tuple[int, list[Any]]], ReadAs]:
    text, encoding = _decode(data)
    lossy = encoding.startswith("Windows-1251")
    first = text.splitlines()[0] if text.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records() -> Iterator[tuple[int, list[Any]]]:
        for cells in reader:
            yield reader.line_num, [_Lossy(c) if lossy and "?" in c else c for c in cells]

    return records(), ReadAs("csv", encoding, delimiter)


class _Lossy(str):
    """A cell of a Windows-1251 file holding "?": perhaps a letter Excel could not save."""


def _xlsx_records(source: str, data: bytes) -> tuple[Iterator[tuple[int, list[Any]]], ReadAs]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise OpsError(f"{source} cannot be read as an Excel workbook ({exc})") from None
    sheet = book.worksheets[0]

    def records() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(cells)
        finally:
            book.close()

    return records(), ReadAs("xlsx", sheet=sheet.title)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _bin_text(value: Any) -> str:
    # Excel stores a БИН typed as a number, losing its leading zeros: give them back.
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = _text(value)
        return digits.zfill(12) if digits.isdigit() and len(digits) < 12 else digits
    return _text(value)


@dataclass(frozen=True, slots=True)
class _Header:
    columns: dict[str, int]
    width: int


def _header(source: str, cells: list[Any]) -> _Header:
    names = [_text(c).lstrip("\ufeff").lower() for c in cells]
    columns = {_ALIASES.get(n, n): i for i, n in enumerate(names) if n}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise OpsError(
            f"{source}:1: the header must name the columns {','.join(REQUIRED)} (and"
            f" optionally bin); missing: {', '.join(missing)} (the header read: {names})"
        )
    known = {c: columns[c] for c in (*REQUIRED, *OPTIONAL) if c in columns}
    return _Header(known, max(i for i, n in enumerate(names) if n) + 1)


def _row(columns: dict[str, int], cells: list[Any], line: int) -> OrganisationRow:
    def get(name: str) -> Any:
        at = columns.get(name)
        return cells[at] if at is not None and at < len(cells) else None

    kind = _text(get("subject_kind"))
    if kind not in kind_codes():
        raise RowError(f"unknown subject kind {kind!r}", "kind", kind=kind)
    for name in ("name_ru", "name_kk", "region"):
        if isinstance(get(name), _Lossy):
            raise RowError(
                f"{name} has '?' where Excel dropped a letter it could not save in"
                " Windows-1251 (such as ә, ғ, қ, ң, ө, ұ, ү, һ, і); save the file as"
                ' "CSV UTF-8" or as .xlsx and import it again',
                "lossy",
                column=name,
            )
    name_ru, name_kk, region = check_names(
        _text(get("name_ru")), _text(get("name_kk")), _text(get("region"))
    )
    try:
        bin_ = clean_bin(_bin_text(get("bin")))
    except ValueError as exc:
        raise RowError(str(exc), "bin", value=_bin_text(get("bin"))) from None
    return OrganisationRow(kind, name_ru, name_kk, region, tuple(blocks_for(kind)), bin_, line)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A refused row: its line, what is wrong, and whether it repeats an earlier row."""

    line: int
    text: str
    duplicate: bool = False
    code: str = ""
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MasterScan:
    """Every good row and every refused one (the panel's preview shows both)."""

    source: str
    rows: list[OrganisationRow]
    problems: list[RowProblem]
    read_as: ReadAs


def _records_of(source: str, data: bytes) -> tuple[Iterator[tuple[int, list[Any]]], ReadAs]:
    if source.lower().endswith(".xls") and not data.startswith(_ZIP):
        raise OpsError(f"{source} is an old Excel file (.xls); save it as .xlsx or as CSV")
    if data.startswith(_ZIP) or source.lower().endswith(".xlsx"):
        return _xlsx_records(source, data)
    return _csv_records(source, data)


def scan_master_file(source: str, data: bytes) -> MasterScan:
    """The good rows and the refused ones of a master file, each refusal with its line.

    Raises :class:`OpsError` only when the file as a whole cannot be read (its type,
    its header).  :func:`read_master_file` is this, refusing the file if any row is bad.
    """
    records, read_as = _records_of(source, data)
    header: _Header | None = None
    rows: list[OrganisationRow] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, cells in records:
        if not any(_text(c) for c in cells):
            continue  # blank lines, and the empty rows Excel leaves at the end
        if header is None:
            header = _header(source, cells)
            continue
        if any(_text(c) for c in cells[header.width :]):
            problems.append(RowProblem(line, "more cells than columns", code="cells"))
            continue
        try:
            row = _row(header.columns, cells, line)
        except RowError as exc:
            problems.append(RowProblem(line, str(exc), code=exc.code, values=exc.values))
            continue
        except OpsError as exc:
            problems.append(RowProblem(line, str(exc)))
            continue
        key = organisation_key(row.subject_kind, row.name_ru, row.bin)
        if key in seen:
            text = f"{row.name_ru!r} ({row.subject_kind}) is the same organisation as line"
            problems.append(RowProblem(line, f"{text} {seen[key]}", duplicate=True,
                                       code="duplicate", values={"line": str(seen[key])}))  # fmt: skip
            continue
        seen[key] = line
        rows.append(row)
    return MasterScan(source, rows, problems, read_as)


def read_master_file(source: str, data: bytes) -> MasterFile:
    """The organisations of a master file (``source``: its name, for messages).

    Raises :class:`~admin.ops.errors.FileProblems` listing every bad row (``source:line:
    what is wrong``), or :class:`OpsError` when the file as a whole cannot be read.
    """
    scan = scan_master_file(source, data)
    if scan.problems:
        unknown = any("unknown subject kind" in p.text for p in scan.problems)
        raise FileProblems(
            source,
            [f"{source}:{p.line}: {p.text}" for p in scan.problems],
            f"(subject kinds: {kinds_text()})" if unknown else None,
        )
    if not scan.rows:
        raise OpsError(f"{source} has no rows under its header; nothing imported")
    return MasterFile(source, scan.rows, str(scan.read_as))
