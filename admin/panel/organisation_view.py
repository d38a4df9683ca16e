"""What the organisation page shows, made from its stored record: pure functions, no I/O.

Every answer in full (no shortening) with its history, "no data" with its reason, the
item's comment, and each consistency rule the figures break — confirmed by the
contact with an explanation, or not.  Labels come from the questionnaire in the
reader's language; values are formatted as the chat shows them (:mod:`dialogs.render`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from admin.panel.texts import CHANNELS, translate
from dialogs import i18n, rules
from dialogs.application.answers import format_answer
from dialogs.contract import Answer as EngineAnswer
from dialogs.i18n import N_
from dialogs.schema import Item, Questionnaire, Rule
from dialogs.walk import Walk
from storage.models import AnswerRevision, Contact
from storage.panel_reads import OrganisationRecord


@dataclass
class Change:
    """One value a field had: who wrote it, when, through which channel."""

    revision: int
    shown: str
    no_data: bool
    cleared: bool
    who: str
    channel: str
    at: datetime


@dataclass
class FieldView:
    code: str
    label: str
    state: str  # "answered", "no_data" or "missing"
    shown: str = ""
    reason: str = ""
    current: Change | None = None
    earlier: list[Change] = field(default_factory=list)


@dataclass
class Mismatch:
    text: str
    confirmed: bool
    explanation: str = ""


@dataclass
class ItemView:
    code: str
    number: str
    question: str
    note: str
    fields: list[FieldView]
    comment: str = ""
    mismatches: list[Mismatch] = field(default_factory=list)


@dataclass
class BlockView:
    number: int
    title: str
    items: list[ItemView]


@dataclass
class Totals:
    fields: int = 0
    answered: int = 0
    no_data: int = 0
    unconfirmed: int = 0
    confirmed: int = 0


def who_wrote(contact_id: int | None, contacts: dict[int, Contact], lang: str) -> str:
    """A contact's name as the page shows it (their number when they gave no name)."""
    contact = contacts.get(contact_id) if contact_id is not None else None
    if contact is not None and contact.display_name.strip():
        return contact.display_name
    if contact_id is None:
        return translate(lang, N_("неизвестно"))
    return translate(lang, N_("контакт № {number}"), number=contact_id)


def _change(
    q: Questionnaire, step_field: Any, rev: AnswerRevision, contacts: dict[int, Contact],
    lang: str,
) -> Change:  # fmt: skip
    cleared = rev.status == "cleared"
    no_data = rev.status == "no_data"
    if cleared:
        shown = translate(lang, N_("ответ удалён"))
    else:
        answer = EngineAnswer(rev.value, rev.no_data_reason if no_data else None, rev.revision)
        shown = format_answer(q, step_field, answer, lang)
    return Change(
        revision=rev.revision,
        shown=shown,
        no_data=no_data,
        cleared=cleared,
        who=who_wrote(rev.contact_id, contacts, lang),
        channel=translate(lang, CHANNELS.get(rev.channel, rev.channel)),
        at=rev.answered_at,
    )


def _rule_text(q: Questionnaire, item: Item, rule: Rule, total: int, summed: int, lang: str) -> str:
    _ = i18n.translator(lang)
    parts = " + ".join(_(item.field(p).label) for p in rule.parts)
    whole = _(item.field(rule.total).label)
    if rule.check == "equal":
        template = N_("«{parts}» = {summed}, «{whole}» = {total}: должны совпадать")
    else:
        template = N_("«{parts}» = {summed} больше, чем «{whole}» = {total}")
    return translate(lang, template, parts=parts, whole=whole, summed=summed, total=total)


def _mismatches(
    q: Questionnaire, item: Item, answers: dict[str, EngineAnswer], lang: str
) -> list[Mismatch]:
    plain = {code: a for code, a in answers.items() if not code.startswith("rule:")}
    found = []
    for rule, total, summed in rules.violations(plain, item):
        stored = answers.get(rules.rule_code(item.code, rule))
        value = stored.value if stored is not None and isinstance(stored.value, dict) else {}
        confirmed = value.get("values") == [total, summed]
        explanation = str(value.get("explanation") or "") if confirmed else ""
        found.append(
            Mismatch(_rule_text(q, item, rule, total, summed, lang), confirmed, explanation)
        )
    return found


def build(
    record: OrganisationRecord, q: Questionnaire, lang: str
) -> tuple[list[BlockView], Totals]:
    """The blocks of the organisation's walk with every answer, and the page's totals."""
    _ = i18n.translator(lang)
    contacts = {c.id: c for c in record.contacts}
    answers = {
        a.field_code: EngineAnswer(
            a.value, a.no_data_reason if a.status == "no_data" else None, a.version
        )
        for a in record.answers
    }
    history: dict[str, list[AnswerRevision]] = defaultdict(list)
    for rev in record.revisions:
        history[rev.field_code].append(rev)
    walk = Walk(q, list(record.organisation.blocks or []))
    totals = Totals()
    blocks = []
    for block in walk.blocks:
        items = []
        for item in block.items:
            fields = []
            for f in item.fields:
                code = q.field_code(item, f)
                changes = [_change(q, f, r, contacts, lang) for r in history.get(code, [])]
                answer = answers.get(code)
                view = FieldView(code, _(f.label), "missing", earlier=changes)
                if answer is not None:
                    view.state = "no_data" if answer.is_no_data else "answered"
                    view.shown = format_answer(q, f, answer, lang)
                    view.reason = answer.no_data_reason or ""
                    view.current = changes[-1] if changes else None
                    view.earlier = changes[:-1]
                fields.append(view)
                totals.fields += 1
                totals.answered += answer is not None
                totals.no_data += answer is not None and answer.is_no_data
            comment = answers.get(rules.comment_code(item.code))
            mismatches = _mismatches(q, item, answers, lang)
            totals.unconfirmed += sum(not m.confirmed for m in mismatches)
            totals.confirmed += sum(m.confirmed for m in mismatches)
            items.append(
                ItemView(
                    code=item.code,
                    number=f"{block.number}.{item.number}",
                    question=_(item.question),
                    note=_(item.note) if item.note else "",
                    fields=fields,
                    comment=str(comment.value) if comment is not None and comment.value else "",
                    mismatches=mismatches,
                )
            )
        blocks.append(BlockView(block.number, _(block.title), items))
    return blocks, totals
