"""A questionnaire returned item by item: the walk goes through those items only.

When the coordinator returns a response with items (``Context.return_items``, item code
→ the coordinator's note), the dialog asks the fields of those items, in the walk's
order, each under its note, and then the summary with the submit button.  Every other
answer stays readable (review, progress) but cannot be opened for editing: going to it
says which items are open and shows the first of them.  A return without items leaves
the whole questionnaire open, as before.
"""

from __future__ import annotations

from dialogs.engine.turn import Turn
from dialogs.i18n import N_

TEXT_ONLY = N_("На доработку возвращены только пункты {items}; остальные ответы можно просмотреть.")
TEXT_NOTE = N_("Замечание координатора: {note}")
TEXT_RETURNED = N_("Координатор вернул на доработку пункты {items}.")


def active(t: Turn) -> bool:
    """The dialog is limited to the returned items."""
    return t.ctx.status == "returned" and bool(t.ctx.return_items)


def allows(t: Turn, pos: int) -> bool:
    """The field at ``pos`` may be opened (always, unless the correction is limited)."""
    return not active(t) or t.walk.steps[pos].item.code in t.ctx.return_items


def positions(t: Turn) -> list[int]:
    """Walk positions of the returned items' fields, in order."""
    items = t.ctx.return_items
    return [n for n, step in enumerate(t.walk.steps) if step.item.code in items]


def first(t: Turn) -> int | None:
    found = positions(t)
    return found[0] if found else None


def after(t: Turn, pos: int) -> int | None:
    """The next returned field after ``pos``; None when the last one is done."""
    return next((n for n in positions(t) if n > pos), None)


def labels(t: Turn) -> str:
    """``2.4, 2.8``: the returned items as the Appendix numbers them."""
    seen: dict[str, str] = {}
    for step in t.walk.steps:
        if step.item.code in t.ctx.return_items:
            seen.setdefault(step.item.code, f"{step.block.number}.{step.item.number}")
    return ", ".join(seen.values())


def refuse(t: Turn) -> None:
    t.say(t._(TEXT_ONLY).format(items=labels(t)))


def note(t: Turn, item_code: str) -> str:
    """The coordinator's note on ``item_code`` (empty outside a limited correction)."""
    if not active(t):
        return ""
    text = t.ctx.return_items.get(item_code, "")
    return t._(TEXT_NOTE).format(note=text) if text else ""
