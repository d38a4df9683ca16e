"""Returning a submitted response for correction."""

from __future__ import annotations

from dataclasses import dataclass

from admin.ops.errors import OpsError
from storage import errors
from storage.repository import Store


@dataclass(frozen=True, slots=True)
class Returned:
    response_id: int
    organisation_id: int
    reason: str


async def return_response(store: Store, response_id: int, reason: str, *, actor: str) -> Returned:
    """Send a submitted response back with what to correct (its contacts are reminded)."""
    reason = reason.strip()
    if not reason:
        raise OpsError("the reason is empty; say what the organisation must correct")
    try:
        response = await store.return_for_correction(response_id, reason, actor=actor)
    except errors.InvalidTransition as exc:
        raise OpsError(
            f"response {response_id} is {exc.current}: only a submitted response can be"
            " returned (see `python -m admin progress --campaign ID`)"
        ) from None
    return Returned(response.id, response.organisation_id, reason)
