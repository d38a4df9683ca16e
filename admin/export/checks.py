"""Quality and completeness of each organisation's answers (§13.1 of the Rules).

One row per finding, organisation by organisation:

``completeness``  one per organisation: answered (incl. "no data") of all its fields, %
``missing``       a field without any answer
``no_data``       a field answered "no data"; ``detail`` is the reason given
``rule``          a consistency rule of the item that does not hold (e.g. identified +
                  not identified ≠ received); ``confirmed`` says whether the contact
                  confirmed the figures, ``explanation`` is what they wrote
``breakdown_sum`` the same for a breakdown that does not add up to the count it splits
"""

from __future__ import annotations

from collections.abc import Iterator

from admin.export.data import NOT_STARTED, CampaignData, Sheet
from admin.export.rows import Cell
from dialogs import rules
from dialogs.contract import Answer as EngineAnswer
from dialogs.rules import rule_code
from dialogs.schema import BreakdownField, Item, OpenBreakdownField, Rule

COLUMNS = (
    "campaign",
    "organisation_id",
    "organisation",
    "subject_kind",
    "region",
    "status",
    "check",
    "block",
    "item",
    "code",
    "label_ru",
    "detail",
    "confirmed",
    "explanation",
)


def is_breakdown_rule(item: Item, rule: Rule) -> bool:
    """Rules made from a breakdown's ``of`` (see :meth:`dialogs.schema.Item.checks`)."""
    return (
        len(rule.parts) == 1
        and isinstance(item.field(rule.parts[0]), BreakdownField | OpenBreakdownField)
        and rule.code == f"{rule.parts[0]}_sum"
    )


def summary(data: CampaignData, sheet: Sheet) -> dict[str, int]:
    """Counts for one organisation: fields, answered, no_data, missing, mismatches."""
    walk = sheet.walk(data.questionnaire)
    answers = sheet.engine_answers()
    unanswered, mismatched = rules.missing(walk, answers)
    no_data = sum(1 for s in walk.steps if s.code in answers and answers[s.code].is_no_data)
    return {
        "fields": len(walk),
        "answered": len(walk) - len(unanswered),
        "no_data": no_data,
        "missing": len(unanswered),
        "mismatches": len(mismatched),
    }


def percent(part: int, whole: int) -> int:
    """Whole per cent, rounded down (100 only when complete)."""
    return part * 100 // whole if whole else 0


def sheet_checks(data: CampaignData, sheet: Sheet) -> Iterator[dict[str, Cell]]:
    q = data.questionnaire
    base: dict[str, Cell] = {
        "campaign": data.campaign_id,
        "organisation_id": sheet.organisation_id,
        "organisation": sheet.name_ru,
        "subject_kind": sheet.subject_kind,
        "region": sheet.region or "",
        "status": sheet.status,
    }
    walk = sheet.walk(q)
    s = summary(data, sheet)
    detail = (
        "not started"
        if sheet.status == NOT_STARTED and not sheet.answers
        else f"answered {s['answered']} of {s['fields']} fields ({percent(s['answered'], s['fields'])}%);"
        f" no data {s['no_data']}; unconfirmed mismatches {s['mismatches']}"
    )
    yield {**base, "check": "completeness", "detail": detail}
    if sheet.status == NOT_STARTED and not sheet.answers:
        return
    answers = sheet.engine_answers()
    for step in walk.steps:
        where: dict[str, Cell] = {
            "block": step.block.number,
            "item": step.item.number,
            "code": step.code,
        }
        answer = answers.get(step.code)
        if answer is None:
            yield {**base, **where, "check": "missing", "label_ru": step.field.label}
        elif answer.is_no_data:
            yield {
                **base,
                **where,
                "check": "no_data",
                "label_ru": step.field.label,
                "detail": answer.no_data_reason,
            }
    plain = {code: a for code, a in answers.items() if not code.startswith("rule:")}
    for block in walk.blocks:
        for item in block.items:
            for rule, total, summed in rules.violations(plain, item):
                yield {**base, **_rule_row(block.number, item, rule, total, summed, answers)}


def _rule_row(
    block: int, item: Item, rule: Rule, total: int, summed: int, answers: dict[str, EngineAnswer]
) -> dict[str, Cell]:
    breakdown = is_breakdown_rule(item, rule)
    parts = ", ".join(f"{item.code}.{p}" for p in rule.parts)
    if rule.check == "equal":
        detail = f"{parts} = {summed}, {item.code}.{rule.total} = {total}: must be equal"
    else:
        detail = f"{parts} = {summed} > {item.code}.{rule.total} = {total}"
    stored = answers.get(rule_code(item.code, rule))
    value = stored.value if stored is not None and isinstance(stored.value, dict) else {}
    confirmed = value.get("values") == [total, summed]
    if value and not confirmed:
        detail += f" (explained for other figures: {value.get('values')})"
    return {
        "check": "breakdown_sum" if breakdown else "rule",
        "block": block,
        "item": item.number,
        "code": f"{item.code}.{rule.code}",
        "label_ru": item.field(rule.parts[0] if breakdown else rule.total).label,
        "detail": detail,
        "confirmed": "yes" if confirmed else "no",
        "explanation": value.get("explanation", "") if confirmed else "",
    }


def check_rows(data: CampaignData) -> Iterator[dict[str, Cell]]:
    """Every finding of every organisation, keys in :data:`COLUMNS` order."""
    for sheet in data.sheets:
        for row in sheet_checks(data, sheet):
            yield {column: row.get(column) for column in COLUMNS}
