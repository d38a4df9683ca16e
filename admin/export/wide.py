"""Wide form: one sheet per block, one row per organisation, one column per answer cell.

Columns after the organisation's own: for every field of the block, its value columns —
``code`` (a yes/no, choice, text, count or amount), ``code.description``,
``code.start``/``code.end`` (a period), ``code.<category>`` for every category of a
breakdown (an open breakdown: every key any organisation used in the campaign, read
before the export starts), ``code.entries``/``code.text`` for a list — then
``code.no_data`` with the reason of "no data"; and per item ``item.comment``.  Numbers are
typed numbers; hidden counts are ``<k``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from admin.export.data import Sheet, Stored
from admin.export.labels import t, word
from admin.export.masking import CellKey, number
from admin.export.rows import Labels, ordered_keys
from dialogs.i18n import N_
from dialogs.rules import comment_code
from dialogs.schema import BaseField, Block, ListField, Questionnaire

ORG_COLUMNS = (
    "organisation_id",
    "organisation_ru",
    "organisation_kk",
    "subject_kind",
    "region",
    "status",
    "submitted_at",
    "on_time",
)

#: (column code, label, field code, part: "" value / "description" / category / "no_data"…,
#: field kind)
Column = tuple[str, str, str, str, str]


def block_columns(
    q: Questionnaire, block: Block, lang: str, open_keys: Mapping[str, set[str]]
) -> list[Column]:
    """The value columns of one block's sheet, in the Appendix's order."""
    labels = Labels(q, lang)
    no_data = t(lang, N_("нет данных"))
    out: list[Column] = []
    for item in block.items:
        for f in item.fields:
            code = q.field_code(item, f)
            name = labels.field(f)
            for part, part_label in _parts(q, f, code, labels, open_keys.get(code, set())):
                column = f"{code}.{part}" if part else code
                shown = f"{name} — {part_label}" if part_label else name
                out.append((column, shown, code, part, f.kind))
            out.append((f"{code}.no_data", f"{name} — {no_data}", code, "no_data", f.kind))
        comment = comment_code(item.code)
        out.append((comment, t(lang, N_("Комментарий")), comment, "", "text"))
    return out


def _parts(
    q: Questionnaire, f: BaseField, code: str, labels: Labels, keys: set[str]
) -> Iterator[tuple[str, str]]:
    lang = labels.lang
    if f.kind in ("yes_no", "choice"):
        yield "", ""
        yield "description", t(lang, N_("описание"))
    elif f.kind == "period":
        yield "start", t(lang, N_("начало"))
        yield "end", t(lang, N_("конец"))
    elif f.kind in ("breakdown", "open_breakdown"):
        present = {k: 0 for k in keys}
        if f.kind == "breakdown":
            present.update({c.code: 0 for c in q.category_set(f.categories).categories})  # type: ignore[attr-defined]
        for key in ordered_keys(q, f, present):
            yield key, labels.category(code, f, key)
    elif isinstance(f, ListField):
        yield "entries", t(lang, N_("записей"))
        yield "text", t(lang, N_("записи"))
    else:
        yield "", ""


def wide_row(
    sheet: Sheet,
    base: list[Any],
    columns: list[Column],
    lang: str,
    hidden: set[CellKey],
    mark: str,
) -> list[Any]:
    """One organisation's row of a block sheet."""
    row = list(base)
    for _column, _label, code, part, kind in columns:
        answer = sheet.answers.get(code)
        if answer is None:
            row.append(None)
        elif (code, part) in hidden and not answer.is_no_data:
            row.append(mark)
        else:
            row.append(_cell(answer, part, kind, lang))
    return row


def _cell(answer: Stored, part: str, kind: str, lang: str) -> Any:
    if part == "no_data":
        return answer.no_data_reason if answer.is_no_data else None
    if answer.is_no_data:
        return None
    value = answer.value
    if kind == "amount":
        return number(value)
    if isinstance(value, dict):
        if "answer" in value or "option" in value:
            if part == "description":
                return value.get("description") or None
            if "option" in value:
                option = value["option"]
                return ";".join(option) if isinstance(option, list) else option
            return word(lang, str(value["answer"]))
        if "start" in value and "end" in value and part in ("start", "end"):
            return str(value[part])
        return number(value.get(part)) if part in value else (0 if part else None)
    if isinstance(value, list):
        if part == "entries":
            return len(value)
        return "; ".join(
            " — ".join(str(v) for v in e.values()) for e in value if isinstance(e, dict)
        )
    return value
