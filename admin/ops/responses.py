"""Returning a submitted response for correction (whole, or item by item) and accepting one."""

from __future__ import annotations

from dataclasses import dataclass

from admin.ops.errors import OpsError
from dialogs.questionnaire import default
from storage import errors
from storage.repository import Store


@dataclass(frozen=True, slots=True)
class Returned:
    response_id: int
    organisation_id: int
    reason: str
    items: tuple[str, ...] = ()


def item_codes(numbers: dict[str, str]) -> dict[str, str]:
    """``{"2.4": note}`` or ``{"b02.i04": note}`` → ``{"b02.i04": note}``; refuses items
    the questionnaire does not have (a typo must not return nothing)."""
    known: dict[str, str] = {}
    for block in default().blocks:
        for item in block.items:
            known[f"{block.number}.{item.number}"] = known[item.code] = item.code
    out: dict[str, str] = {}
    for given, note in numbers.items():
        code = known.get(given.strip())
        if code is None:
            raise OpsError(f"no item {given!r} in the questionnaire (write it as 2.4)")
        out[code] = note.strip()
    return out


def reason_of(reason: str, items: dict[str, str]) -> str:
    """One text for the reminder and the dialog's welcome: the general note, then each
    item's number and note."""
    numbers = {
        item.code: f"{block.number}.{item.number}"
        for block in default().blocks
        for item in block.items
    }
    lines = [reason.strip()] if reason.strip() else []
    lines += [f"{numbers[c]} — {n}" if n else numbers[c] for c, n in items.items()]
    return "\n".join(lines)


async def return_response(
    store: Store,
    response_id: int,
    reason: str,
    *,
    actor: str,
    items: dict[str, str] | None = None,
) -> Returned:
    """Send a submitted response back with what to correct (its contacts are reminded);
    with ``items`` (``{"2.4": note}``) the dialog walks only those items."""
    codes = item_codes(items or {})
    text = reason_of(reason, codes)
    if not text:
        raise OpsError("the reason is empty; say what the organisation must correct")
    try:
        response = await store.return_for_correction(response_id, text, actor=actor, items=codes)
    except errors.InvalidTransition as exc:
        raise OpsError(
            f"response {response_id} is {exc.current}: only a submitted response can be"
            " returned (see `python -m admin progress --campaign ID`)"
        ) from None
    return Returned(response.id, response.organisation_id, text, tuple(codes))


async def accept_response(store: Store, response_id: int, *, actor: str) -> None:
    """Accept a submitted response: final until a return unlocks it."""
    try:
        await store.accept_response(response_id, actor=actor)
    except errors.InvalidTransition as exc:
        raise OpsError(
            f"response {response_id} is {exc.current}: only a submitted response can be accepted"
        ) from None
