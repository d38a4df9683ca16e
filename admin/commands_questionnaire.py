"""``python -m admin questionnaire``: the questionnaire as JSON, or one block readably.

The JSON is what analysts and other tools line answers up against: every
block, item and field with its stable code, kind, categories and rules, and
every text in ru, kk and en.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dialogs import i18n
from dialogs.questionnaire import default, load
from dialogs.schema import Block, BreakdownField, Item, OpenBreakdownField, Questionnaire


def register(subparsers: Any) -> None:
    """Add the ``questionnaire`` command."""
    p = subparsers.add_parser("questionnaire", help="print the questionnaire (JSON or readable)")
    p.add_argument("--json", action="store_true", help="the whole questionnaire as JSON")
    p.add_argument("--lang", default="ru", choices=i18n.LANGUAGES, help="language of the text")
    p.add_argument("--block", type=int, help="only this block (by its number)")
    p.add_argument("--file", help="another questionnaire file to check and print")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the questionnaire; exit 2 with the loader's message if the file is malformed."""
    try:
        q = load(args.file) if args.file else default()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    blocks = q.blocks
    if args.block is not None:
        blocks = [b for b in q.blocks if b.number == args.block]
        if not blocks:
            print(f"error: there is no block {args.block} (1–{len(q.blocks)})", file=sys.stderr)
            return 2
    if args.json:
        json.dump(as_json(q, blocks), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(as_text(q, blocks, args.lang))
    return 0


def texts(message: str | None) -> dict[str, str] | None:
    """One text in every language."""
    if message is None:
        return None
    return {lang: i18n.gettext(lang, message) for lang in i18n.LANGUAGES}


def as_json(q: Questionnaire, blocks: list[Block] | None = None) -> dict[str, Any]:
    """The questionnaire as plain data with every text in ru, kk and en."""
    return {
        "version": q.version,
        "title": texts(q.title),
        "source": texts(q.source),
        "subject_kinds": [{"code": k.code, "label": texts(k.label)} for k in q.subject_kinds],
        "blocks": [
            {
                "number": b.number,
                "code": b.code,
                "title": texts(b.title),
                "subject_kinds": b.subjects,
                "items": [_item_json(q, item) for item in b.items],
            }
            for b in (q.blocks if blocks is None else blocks)
        ],
    }


def _item_json(q: Questionnaire, item: Item) -> dict[str, Any]:
    return {
        "number": item.number,
        "code": item.code,
        "question": texts(item.question),
        "note": texts(item.note),
        "fields": [_field_json(q, item, f) for f in item.fields],
        "rules": [
            {
                "code": f"{item.code}.{r.code}",
                "check": r.check,
                "total": f"{item.code}.{r.total}",
                "parts": [f"{item.code}.{p}" for p in r.parts],
            }
            for r in item.checks()
        ],
    }


def _field_json(q: Questionnaire, item: Item, field: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": q.field_code(item, field),
        "kind": field.kind,
        "label": texts(field.label),
        "no_data_allowed": True,
    }
    if isinstance(field, BreakdownField):
        data["categories"] = [
            {"code": c.code, "label": texts(c.label)}
            for c in q.category_set(field.categories).categories
        ]
    if isinstance(field, OpenBreakdownField):
        dim = next(d for d in q.dimensions if d.code == field.dimension)
        data["dimension"] = {
            "code": dim.code,
            "label": texts(dim.label),
            "suggestions": [{"code": s.code, "label": texts(s.label)} for s in dim.suggestions],
        }
    for attr in ("of", "max_length", "max_value", "multiple", "describe_on_yes", "max_entries"):
        if hasattr(field, attr) and getattr(field, attr) is not None:
            value = getattr(field, attr)
            data[attr] = f"{item.code}.{value}" if attr == "of" else value
    if hasattr(field, "options"):
        data["options"] = [
            {"code": o.code, "label": texts(o.label), "describe": o.describe} for o in field.options
        ]
    if hasattr(field, "columns"):
        data["columns"] = [
            {"code": c.code, "kind": c.kind, "label": texts(c.label), "required": c.required}
            for c in field.columns
        ]
    return data


KIND_NAMES = {
    "yes_no": i18n.N_("да/нет с описанием"),
    "choice": i18n.N_("выбор варианта"),
    "text": i18n.N_("текст"),
    "count": i18n.N_("количество"),
    "amount": i18n.N_("сумма в тенге"),
    "period": i18n.N_("отчетный период"),
    "breakdown": i18n.N_("разбивка по категориям"),
    "open_breakdown": i18n.N_("разбивка по открытому списку"),
    "list": i18n.N_("список записей"),
}


def as_text(q: Questionnaire, blocks: list[Block], lang: str) -> str:
    """One or more blocks as readable, indented text in one language."""
    _ = i18n.translator(lang)
    lines: list[str] = []
    for b in blocks:
        lines.append(f"{b.number}. {_(b.title)}")
        for item in b.items:
            lines.append(f"  {b.number}.{item.number}. {_(item.question)}")
            if item.note:
                lines.append(f"      ({_(item.note)})")
            for f in item.fields:
                lines.append(
                    f"      - {_(f.label)} [{_(KIND_NAMES[f.kind])}; {q.field_code(item, f)}]"
                )
                if isinstance(f, BreakdownField):
                    cats = ", ".join(_(c.label) for c in q.category_set(f.categories).categories)
                    lines.append(f"          {cats}")
        lines.append("")
    return "\n".join(lines)
