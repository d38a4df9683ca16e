"""The structured long table: one row per organisation × field × category or list cell.

Every answer is spread over rows so that a pivot table (or pandas) can sum any
breakdown across organisations without parsing JSON:

==================  =====================================================================
field kind          rows (``category`` → ``value``)
==================  =====================================================================
yes_no              ``""`` → ``yes``/``no``; ``description`` → the text (if any)
choice              ``""`` → option code (``category_label_ru``: the option's text);
                    ``description`` → the text (if any)
text                ``""`` → the text
count, amount       ``""`` → the number (amounts as exact decimals)
period              ``start`` → ISO date; ``end`` → ISO date
breakdown           one row per category code → its count (zeros included)
open_breakdown      one row per key (ISO country code, ``unknown``/``stateless``,
                    suggestion code or the typed text) → its count
list                ``entries`` → how many; then ``entry N.column`` → the cell
no data             ``""`` → empty value, ``no_data_reason`` → the reason
==================  =====================================================================

Only stored answers make rows; what is missing is listed by :mod:`admin.export.checks`.
Each item's comment is repeated in ``comment`` on every row of the item.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from admin.export.data import CampaignData, Sheet, Stored, iso_utc
from dialogs.render import category_label
from dialogs.rules import comment_code
from dialogs.schema import (
    BaseField,
    Block,
    BreakdownField,
    ChoiceField,
    Item,
    ListField,
    Questionnaire,
)

COLUMNS = (
    "campaign",
    "questionnaire_version",
    "organisation_id",
    "organisation",
    "subject_kind",
    "region",
    "status",
    "block",
    "item",
    "field_code",
    "field_kind",
    "category",
    "label_ru",
    "category_label_ru",
    "value",
    "no_data_reason",
    "comment",
    "answered_at",
    "channel",
)

Cell = str | int | Decimal | None
Row = dict[str, Cell]


def label(q: Questionnaire, field: BaseField, key: str) -> str:
    """Russian label of a breakdown key; the key itself when nothing better is known."""
    try:
        return category_label(q, field, key, "ru")
    except (KeyError, StopIteration):
        return key


def number(value: Any) -> int | Decimal | str:
    """An int stays an int, an amount becomes an exact Decimal; anything odd stays text."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)


def value_cells(q: Questionnaire, field: BaseField, value: Any) -> Iterator[tuple[str, str, Cell]]:
    """(category, category_label_ru, value) for one stored value of ``field``."""
    kind = field.kind
    if kind in ("yes_no", "choice"):
        value = value if isinstance(value, dict) else {"answer": value}
        if kind == "yes_no":
            yield "", "", str(value.get("answer", ""))
        else:
            option = value.get("option")
            codes = option if isinstance(option, list) else [option]
            options = field.options if isinstance(field, ChoiceField) else []
            labels = {o.code: o.label for o in options}
            yield (
                "",
                "; ".join(labels.get(str(c), "") for c in codes),
                ";".join(str(c) for c in codes),
            )
        if value.get("description"):
            yield "description", "", str(value["description"])
    elif kind in ("count", "amount"):
        yield "", "", number(value)
    elif kind == "period" and isinstance(value, dict):
        yield "start", "", str(value.get("start", ""))
        yield "end", "", str(value.get("end", ""))
    elif kind in ("breakdown", "open_breakdown") and isinstance(value, dict):
        for key in _ordered_keys(q, field, value):
            yield key, label(q, field, key), number(value[key])
    elif kind == "list" and isinstance(value, list):
        columns = field.columns if isinstance(field, ListField) else []
        yield "entries", "", len(value)
        for n, entry in enumerate(value, start=1):
            for col in columns:
                if isinstance(entry, dict) and entry.get(col.code) is not None:
                    cell = entry[col.code]
                    cell = cell if col.kind == "count" else str(cell)
                    yield f"entry {n}.{col.code}", col.label, cell
    else:
        yield "", "", value if isinstance(value, int | str) else str(value)


def _ordered_keys(q: Questionnaire, field: BaseField, value: dict[str, Any]) -> list[str]:
    """Fixed categories in the questionnaire's order; open keys sorted (stable on every
    backend: PostgreSQL's JSONB does not keep key order)."""
    if isinstance(field, BreakdownField):
        order = [c.code for c in q.category_set(field.categories).categories]
        return [k for k in order if k in value] + sorted(k for k in value if k not in order)
    return sorted(value)


def sheet_rows(data: CampaignData, sheet: Sheet) -> Iterator[Row]:
    """The rows of one organisation, in the Appendix's order."""
    q = data.questionnaire
    base: Row = {
        "campaign": data.campaign_id,
        "questionnaire_version": data.questionnaire_version,
        "organisation_id": sheet.organisation_id,
        "organisation": sheet.name_ru,
        "subject_kind": sheet.subject_kind,
        "region": sheet.region or "",
        "status": sheet.status,
    }
    for step in sheet.walk(q).steps:
        answer = sheet.answers.get(step.code)
        if answer is None:
            continue
        yield from field_rows(q, base, step.block, step.item, step.field, step.code, answer, sheet)


def field_rows(
    q: Questionnaire,
    base: Row,
    block: Block,
    item: Item,
    field: BaseField,
    code: str,
    answer: Stored,
    sheet: Sheet,
) -> Iterator[Row]:
    comment = sheet.answers.get(comment_code(item.code))
    common: Row = {
        **base,
        "block": block.number,
        "item": item.number,
        "field_code": code,
        "field_kind": field.kind,
        "label_ru": field.label,
        "comment": str(comment.value) if comment is not None and comment.value else "",
        "answered_at": iso_utc(answer.answered_at),
        "channel": answer.channel,
    }
    if answer.is_no_data:
        yield {
            **common,
            "category": "",
            "category_label_ru": "",
            "value": None,
            "no_data_reason": answer.no_data_reason,
        }
        return
    for category, category_label_ru, value in value_cells(q, field, answer.value):
        yield {
            **common,
            "category": category,
            "category_label_ru": category_label_ru,
            "value": value,
            "no_data_reason": "",
        }


def answer_rows(data: CampaignData) -> Iterator[Row]:
    """Every row of the campaign, organisation by organisation, keys in :data:`COLUMNS` order."""
    for sheet in data.sheets:
        for row in sheet_rows(data, sheet):
            yield {column: row.get(column) for column in COLUMNS}
