"""The structured long table: one row per organisation × field × category or list cell.

Every answer is spread over rows so that a pivot table (or pandas) can sum any
breakdown across organisations without parsing JSON:

==================  =====================================================================
field kind          rows (``category`` → ``value``)
==================  =====================================================================
yes_no              ``""`` → Да/Нет; ``description`` → the text (if any)
choice              ``""`` → option code (``category_label``: the option's text);
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

Labels (``field_label``, ``category_label``) are in the export's language; codes never
change.  Only stored answers make rows; what is missing is in :mod:`admin.export.checks`.
Each item's comment is repeated in ``comment`` on every row of the item.  A count hidden
by disclosure control is ``<k``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from admin.export.checks import walk_for
from admin.export.data import CampaignData, Sheet, Stored, iso_utc
from admin.export.labels import t, word
from admin.export.masking import CellKey, number
from admin.export.options import Disclosure
from dialogs.render import category_label
from dialogs.rules import comment_code
from dialogs.schema import BaseField, ChoiceField, ListField, Questionnaire

COLUMNS = (
    "campaign",
    "questionnaire_version",
    "organisation_id",
    "organisation_ru",
    "organisation_kk",
    "subject_kind",
    "region",
    "status",
    "submitted_at",
    "on_time",
    "block",
    "item",
    "field_code",
    "field_kind",
    "category",
    "field_label",
    "category_label",
    "value",
    "no_data_reason",
    "comment",
    "answered_at",
    "channel",
)
HEAD = COLUMNS.index("block")


class Labels:
    """Labels of fields and categories in one language, looked up once each."""

    def __init__(self, q: Questionnaire, lang: str) -> None:
        self.q, self.lang = q, lang
        self._categories: dict[tuple[str, str], str] = {}
        self._fields: dict[str, str] = {}

    def field(self, f: BaseField) -> str:
        found = self._fields.get(f.label)
        if found is None:
            found = self._fields[f.label] = t(self.lang, f.label)
        return found

    def category(self, code: str, f: BaseField, key: str) -> str:
        found = self._categories.get((code, key))
        if found is None:
            try:
                found = category_label(self.q, f, key, self.lang)
            except (KeyError, StopIteration):
                found = key
            self._categories[(code, key)] = found
        return found


def ordered_keys(q: Questionnaire, f: BaseField, value: dict[str, Any]) -> list[str]:
    """Fixed categories in the questionnaire's order; open keys sorted (stable on every
    backend: PostgreSQL's JSONB does not keep key order)."""
    if f.kind == "breakdown":
        order = [c.code for c in q.category_set(f.categories).categories]  # type: ignore[attr-defined]
        return [k for k in order if k in value] + sorted(k for k in value if k not in order)
    return sorted(value)


class LongTable:
    """The rows of one organisation after another."""

    def __init__(self, data: CampaignData, lang: str, rule: Disclosure) -> None:
        self.data, self.q, self.lang, self.rule = data, data.questionnaire, lang, rule
        self.labels = Labels(self.q, lang)

    def base(self, sheet: Sheet) -> list[Any]:
        on_time = sheet.on_time(self.data.deadline)
        return [
            self.data.campaign_id,
            self.data.questionnaire_version,
            sheet.organisation_id,
            sheet.name_ru,
            sheet.name_kk,
            sheet.subject_kind,
            sheet.region or "",
            word(self.lang, sheet.status),
            iso_utc(sheet.submitted_at),
            "" if on_time is None else word(self.lang, "yes" if on_time else "no"),
        ]

    def rows(self, sheet: Sheet, hidden: set[CellKey]) -> Iterator[list[Any]]:
        """Rows of one organisation, in the Appendix's order."""
        base = self.base(sheet)
        for step in walk_for(self.q, tuple(sheet.blocks)).steps:
            answer = sheet.answers.get(step.code)
            if answer is None:
                continue
            comment = sheet.answers.get(comment_code(step.item.code))
            head = [
                *base,
                step.block.number,
                step.item.number,
                step.code,
                step.field.kind,
            ]
            tail = [
                "" if comment is None or not comment.value else str(comment.value),
                iso_utc(answer.answered_at),
                answer.channel,
            ]
            label = self.labels.field(step.field)
            if answer.is_no_data:
                yield [*head, "", label, "", None, answer.no_data_reason, *tail]
                continue
            for category, shown, value in self.cells(step.code, step.field, answer):
                if (step.code, category) in hidden:
                    value = self.rule.mark
                yield [*head, category, label, shown, value, "", *tail]

    def cells(self, code: str, f: BaseField, answer: Stored) -> Iterator[tuple[str, str, Any]]:
        """(category, category label, value) for one stored answer of ``f``."""
        value = answer.value
        kind = f.kind
        if kind in ("yes_no", "choice"):
            value = value if isinstance(value, dict) else {"answer": value}
            if isinstance(f, ChoiceField):
                option = value.get("option")
                codes = option if isinstance(option, list) else [option]
                texts = {o.code: o.label for o in f.options}
                shown = "; ".join(t(self.lang, texts[str(c)]) for c in codes if str(c) in texts)
                yield "", shown, ";".join(str(c) for c in codes)
            else:
                yield "", "", word(self.lang, str(value.get("answer", "")))
            if value.get("description"):
                yield "description", "", str(value["description"])
        elif kind in ("count", "amount"):
            yield "", "", number(value) if number(value) is not None else str(value)
        elif kind == "period" and isinstance(value, dict):
            yield "start", "", str(value.get("start", ""))
            yield "end", "", str(value.get("end", ""))
        elif kind in ("breakdown", "open_breakdown") and isinstance(value, dict):
            for key in ordered_keys(self.q, f, value):
                yield key, self.labels.category(code, f, key), number(value[key])
        elif isinstance(f, ListField) and isinstance(value, list):
            yield "entries", "", len(value)
            for n, entry in enumerate(value, start=1):
                for col in f.columns:
                    if isinstance(entry, dict) and entry.get(col.code) is not None:
                        cell = entry[col.code]
                        yield (
                            f"entry {n}.{col.code}",
                            t(self.lang, col.label),
                            cell if col.kind == "count" else str(cell),
                        )
        else:
            yield "", "", value if isinstance(value, int | str) else str(value)
