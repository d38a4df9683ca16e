"""Answers shown back to people: in the "current answer" line, the review and the summary.

Values are shown in the person's language (category labels, country names
through Babel); long texts are shortened in the review so a block fits on a
phone screen, never in storage.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dialogs import i18n
from dialogs.contract import Answer
from dialogs.countries import CountryResolver
from dialogs.schema import BaseField, Questionnaire

_resolver: CountryResolver | None = None


def countries() -> CountryResolver:
    """One resolver per process: building its name index takes a few milliseconds."""
    global _resolver
    if _resolver is None:
        _resolver = CountryResolver()
    return _resolver


def group(n: int | Decimal | str) -> str:
    """``1234567`` → ``1 234 567``: how numbers are written in ru and kk."""
    text = str(n)
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    out = sign + " ".join(groups or ["0"])
    return f"{out},{frac}" if frac else out


def shorten(text: str, limit: int) -> str:
    """Cut a long text for an overview, marking the cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def category_label(q: Questionnaire, field: BaseField, key: str, lang: str) -> str:
    """The label of a breakdown key: a category, a country, a suggestion, or the typed text."""
    _ = i18n.translator(lang)
    if field.kind == "breakdown":
        for c in q.category_set(field.categories).categories:
            if c.code == key:
                return _(c.label)
    if field.kind == "open_breakdown":
        special = key in ("unknown", "stateless")
        if (field.dimension == "country" and key.isupper()) or special:
            return countries().name(key, lang)
        dim = next(d for d in q.dimensions if d.code == field.dimension)
        for s in dim.suggestions:
            if s.code == key:
                return _(s.label)
    return key


def format_value(
    q: Questionnaire, field: BaseField, answer: Answer | None, lang: str, limit: int = 0
) -> str:
    """One answer as a line of text; ``limit`` > 0 shortens free texts."""
    _ = i18n.translator(lang)
    if answer is None:
        return _("нет ответа")
    if answer.is_no_data:
        return _("нет данных: {reason}").format(reason=_cut(answer.no_data_reason or "", limit))
    v = answer.value
    kind = field.kind
    if kind == "yes_no":
        word = _("Да") if v.get("answer") == "yes" else _("Нет")
        desc = v.get("description")
        return f"{word}: {_cut(desc, limit)}" if desc else word
    if kind == "choice":
        option = next((o for o in field.options if o.code == v.get("option")), None)
        label = _(option.label) if option else str(v.get("option"))
        desc = v.get("description")
        label = _cut(label, limit)
        return f"{label} — {_cut(desc, limit)}" if desc else label
    if kind == "text":
        return _cut(str(v), limit)
    if kind == "count":
        return group(int(v))
    if kind == "amount":
        return _("{amount} тенге").format(amount=group(Decimal(str(v))))
    if kind == "period":
        return _period(v)
    if kind in ("breakdown", "open_breakdown"):
        return _breakdown(q, field, v, lang)
    if kind == "list":
        return _list(field, v, lang, limit)
    return str(v)


def _cut(text: str | None, limit: int) -> str:
    return shorten(text or "", limit) if limit else (text or "")


def _period(v: dict[str, str]) -> str:
    def d(iso: str) -> str:
        y, m, day = iso.split("-")
        return f"{day}.{m}.{y}"

    return f"{d(v['start'])} – {d(v['end'])}"


def _breakdown(q: Questionnaire, field: BaseField, v: dict[str, int], lang: str) -> str:
    _ = i18n.translator(lang)
    parts = [f"{category_label(q, field, k, lang)}: {group(n)}" for k, n in v.items() if n]
    total = sum(v.values())
    shown = "; ".join(parts) if parts else _("все по нулям")
    return _("{parts} (итого {total})").format(parts=shown, total=group(total))


def _list(field: BaseField, entries: list[dict[str, Any]], lang: str, limit: int) -> str:
    _ = i18n.translator(lang)
    if not entries:
        return _("нет записей")
    lines = []
    for n, entry in enumerate(entries, start=1):
        cells = []
        for col in field.columns:
            cell = entry.get(col.code)
            if cell is None:
                continue
            if col.kind == "country":
                cell = countries().name(cell, lang)
            cells.append(_cut(str(cell), limit))
        lines.append(f"{n}) " + " — ".join(cells))
    return "; ".join(lines) if limit else "\n".join(lines)
