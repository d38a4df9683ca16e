"""Quality and completeness of the answers (§13.1 of the Rules).

Three tables:

``quality``   one row per organisation of the campaign — submitters and non-submitters
              alike — with its status, submission time, whether on time, and counts of
              fields, answers, unanswered fields, "no data", mismatches left unexplained
              and mismatches the contact explained; ``completeness`` = answered / fields;
``findings``  one row per unanswered field, "no data" (with the reason) and mismatch of a
              consistency rule (with the contact's explanation if confirmed), for every
              organisation whose answers are exported;
``reasons``   the reasons given for "no data", grouped per field (case and spacing folded).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from admin.export.data import CampaignData, Sheet, iso_utc, per_questionnaire
from admin.export.labels import t, word
from admin.export.options import Disclosure
from dialogs import rules
from dialogs.contract import Answer as EngineAnswer
from dialogs.rules import rule_code
from dialogs.schema import Item, Questionnaire, Rule
from dialogs.walk import Walk

QUALITY_COLUMNS = (
    "organisation_id",
    "organisation_ru",
    "organisation_kk",
    "subject_kind",
    "region",
    "status",
    "submitted_at",
    "on_time",
    "fields",
    "answered",
    "unanswered",
    "no_data",
    "mismatches",
    "explained",
    "completeness",
)
FINDING_COLUMNS = (
    "organisation_id",
    "organisation_ru",
    "subject_kind",
    "region",
    "status",
    "check",
    "block",
    "item",
    "field_code",
    "field_label",
    "detail",
    "explanation",
)
REASON_COLUMNS = ("field_code", "field_label", "reason", "answers")
SHARE = Decimal("0.0001")


@per_questionnaire
def walk_for(q: Questionnaire, blocks: tuple[int, ...]) -> Walk:
    """One walk per set of blocks (thousands of organisations share a few dozen)."""
    return Walk(q, list(blocks))


def percent(part: int, whole: int) -> int:
    """Whole per cent, rounded down (100 only when complete)."""
    return part * 100 // whole if whole else 0


def engine_answers(sheet: Sheet) -> dict[str, EngineAnswer]:
    return sheet.engine_answers()


def summary(data: CampaignData, sheet: Sheet) -> dict[str, int]:
    """Counts for one organisation: fields, answered, no_data, missing, mismatches."""
    return counts(data.questionnaire, sheet)


def counts(q: Questionnaire, sheet: Sheet) -> dict[str, int]:
    walk = walk_for(q, tuple(sheet.blocks))
    answers = engine_answers(sheet)
    unanswered, mismatched = rules.missing(walk, answers)
    steps = walk.steps
    no_data = sum(1 for s in steps if s.code in answers and answers[s.code].is_no_data)
    explained = sum(
        1
        for b in walk.blocks
        for i in b.items
        for r in i.checks()
        if rule_code(i.code, r) in answers and _broken(answers, i, r)
    )
    return {
        "fields": len(steps),
        "answered": len(steps) - len(unanswered),
        "no_data": no_data,
        "missing": len(unanswered),
        "mismatches": len(mismatched),
        "explained": explained,
    }


def _broken(answers: dict[str, EngineAnswer], item: Item, rule: Rule) -> bool:
    """The rule does not hold on the numbers (confirmed or not)."""
    without = {k: v for k, v in answers.items() if k != rule_code(item.code, rule)}
    return any(r.code == rule.code for r, _, _ in rules.violations(without, item))


class Quality:
    """Rows of the three tables, one organisation at a time; reasons tallied on the way."""

    def __init__(self, q: Questionnaire, lang: str, deadline: Any, rule: Disclosure) -> None:
        self.q, self.lang, self.deadline, self.rule = q, lang, deadline, rule
        self.reasons: dict[tuple[str, str], list[Any]] = {}
        self._labels: dict[str, str] = {}

    def summary_row(self, sheet: Sheet) -> list[Any]:
        c = counts(self.q, sheet)
        on_time = sheet.on_time(self.deadline)
        share = Decimal(c["answered"]) / c["fields"] if c["fields"] else Decimal(0)
        return [
            sheet.organisation_id,
            sheet.name_ru,
            sheet.name_kk,
            sheet.subject_kind,
            sheet.region or "",
            word(self.lang, sheet.status),
            iso_utc(sheet.submitted_at),
            "" if on_time is None else word(self.lang, "yes" if on_time else "no"),
            c["fields"],
            c["answered"],
            c["missing"],
            c["no_data"],
            c["mismatches"],
            c["explained"],
            share.quantize(SHARE, rounding=ROUND_HALF_UP),
        ]

    def findings(self, sheet: Sheet) -> Iterator[list[Any]]:
        """Unanswered fields, "no data" with reasons, mismatches (explained or not)."""
        lang = self.lang
        base = [
            sheet.organisation_id,
            sheet.name_ru,
            sheet.subject_kind,
            sheet.region or "",
            word(lang, sheet.status),
        ]
        walk = walk_for(self.q, tuple(sheet.blocks))
        for step in walk.steps:
            answer = sheet.answers.get(step.code)
            label = self._label(step.field.label)
            where: list[Any] = [step.block.number, step.item.number, step.code, label]
            if answer is None:
                yield [*base, word(lang, "missing"), *where, "", ""]
            elif answer.is_no_data:
                reason = answer.no_data_reason or ""
                self._tally(step.code, label, reason)
                yield [*base, word(lang, "no_data"), *where, reason, ""]
        answers = engine_answers(sheet)
        plain = {c: a for c, a in answers.items() if not c.startswith("rule:")}
        for block in walk.blocks:
            for item in block.items:
                yield from self._mismatches(base, block.number, item, answers, plain)

    def _mismatches(
        self,
        base: list[Any],
        block: int,
        item: Item,
        answers: dict[str, EngineAnswer],
        plain: dict[str, EngineAnswer],
    ) -> Iterator[list[Any]]:
        for rule, total, summed in rules.violations(plain, item):
            stored = answers.get(rule_code(item.code, rule))
            value = stored.value if stored is not None and isinstance(stored.value, dict) else {}
            confirmed = value.get("values") == [total, summed]
            check = "explained" if confirmed else "mismatch"
            yield [
                *base,
                word(self.lang, check),
                block,
                item.number,
                f"{item.code}.{rule.code}",
                t(self.lang, item.field(rule.total).label),
                self._rule_text(item, rule, total, summed),
                value.get("explanation", "") if confirmed else "",
            ]

    def _rule_text(self, item: Item, rule: Rule, total: int, summed: int) -> str:
        parts = " + ".join(f"{item.code}.{p}" for p in rule.parts)
        sign = "≠" if rule.check == "equal" else ">"
        return f"{parts} = {self._shown(summed)} {sign} {item.code}.{rule.total} = {self._shown(total)}"

    def _label(self, message: str) -> str:
        found = self._labels.get(message)
        if found is None:
            found = self._labels[message] = t(self.lang, message)
        return found

    def _shown(self, n: int) -> str:
        return self.rule.mark if self.rule.small(n) else str(n)

    def _tally(self, code: str, label: str, reason: str) -> None:
        key = (code, " ".join(reason.split()).casefold())
        entry = self.reasons.setdefault(key, [code, label, " ".join(reason.split()), 0])
        entry[3] += 1

    def reason_rows(self) -> Iterator[list[Any]]:
        """Grouped reasons: per field, most frequent first."""
        yield from sorted(self.reasons.values(), key=lambda r: (r[0], -r[3], r[2]))
