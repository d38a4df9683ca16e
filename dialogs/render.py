"""Answers shown back to people: in the "current answer" line, the review and the summary.

Values are shown in the person's language (category labels, country names
through Babel); long texts are shortened in the review so a block fits on a
phone screen, never in storage.
"""

from __future__ import annotations

from decimal import Decimal

from dialogs import i18n
from dialogs.categories import other_text
from dialogs.countries import CountryResolver
from dialogs.schema import (
    BaseField,
    BreakdownField,
    OpenBreakdownField,
    Questionnaire,
)

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
    groups: list[str] = []
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
    if isinstance(field, BreakdownField):
        for c in q.category_set(field.categories).categories:
            if c.code == key:
                return _(c.label)
    if isinstance(field, OpenBreakdownField):
        other = other_text(key)
        if other is not None:
            return _("иное: {name}").format(name=other)
        special = key in ("unknown", "stateless")
        if (field.dimension == "country" and key.isupper()) or special:
            return countries().name(key, lang)
        dim = next(d for d in q.dimensions if d.code == field.dimension)
        for s in dim.suggestions:
            if s.code == key:
                return _(s.label)
    return key


def cut(text: str | None, limit: int) -> str:
    """``text`` shortened to ``limit`` characters (0: in full)."""
    return shorten(text or "", limit) if limit else (text or "")


def breakdown_text(q: Questionnaire, field: BaseField, value: dict[str, int], lang: str) -> str:
    """``мужской: 4; женский: 5 (итого 9)``: the categories that are not zero, and the sum."""
    _ = i18n.translator(lang)
    parts = [f"{category_label(q, field, k, lang)}: {group(n)}" for k, n in value.items() if n]
    total = sum(value.values())
    shown = "; ".join(parts) if parts else _("все по нулям")
    return _("{parts} (итого {total})").format(parts=shown, total=group(total))
