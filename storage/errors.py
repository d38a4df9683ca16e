"""Every exception the storage layer raises on purpose.

Callers (the dialog engine, the channels, the coordinator CLI) catch these to
decide what to tell a person; the texts here are for developers and logs, so
they are English and say what to do next.  User-facing wording comes from the
Babel catalogs, keyed on the exception class.

::

    StorageError
    ├── NotFound                      entity, key
    ├── AccessDenied                  contact_id, reason
    ├── InvalidTransition             entity, entity_id, current, wanted
    ├── ResponseLockedError           response_id, status
    ├── InvitationError
    │   ├── InvalidInvitation
    │   ├── ExpiredInvitation         expires_at
    │   ├── UsedUpInvitation          max_uses
    │   ├── WrongCampaignInvitation   campaign_id, expected_campaign_id
    │   └── AlreadyBoundElsewhere     contact_id, organisation_id
    └── ConflictError
        ├── StaleAnswerError          response_id, field_code, expected_version,
        │                             current_version, current_value, current_status
        ├── StaleResponseError        response_id, expected_version, current_version
        └── StaleDialogStateError     contact_id, expected_version, current_version

Database driver errors (``sqlalchemy.exc.*``) never leave the repository for
the situations listed here; anything else that escapes is a bug.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class StorageError(Exception):
    """Root of every error raised deliberately by :mod:`storage`."""


class NotFound(StorageError):
    """The row the caller named does not exist."""

    def __init__(self, entity: str, key: object) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key!r} does not exist; check the id or create it first")


class AccessDenied(StorageError):
    """The contact may not see or change this data (it belongs to another organisation,
    or the contact was deactivated)."""

    def __init__(self, contact_id: int | None, reason: str) -> None:
        self.contact_id = contact_id
        self.reason = reason
        super().__init__(f"contact {contact_id} is not allowed: {reason}")


class InvalidTransition(StorageError):
    """A status change that the workflow does not allow (e.g. returning a draft)."""

    def __init__(self, entity: str, entity_id: int, current: str, wanted: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.current = str(current)
        self.wanted = str(wanted)
        super().__init__(
            f"{entity} {entity_id} is {self.current!r} and cannot become {self.wanted!r}; "
            "reload it and check its status first"
        )


class ResponseLockedError(StorageError):
    """The response was submitted; nothing in it can change until the coordinator returns it."""

    def __init__(self, response_id: int, status: str) -> None:
        self.response_id = response_id
        self.status = status
        super().__init__(
            f"response {response_id} is {status!r} and cannot be changed; "
            "the coordinator must return it for correction first"
        )


# --- invitations ---------------------------------------------------------------------------


class InvitationError(StorageError):
    """The invitation token cannot be redeemed; the subclass says why."""


class InvalidInvitation(InvitationError):
    """No invitation has this token (mistyped, truncated, or never issued)."""

    def __init__(self) -> None:
        super().__init__("no invitation matches this token; ask the coordinator for a new link")


class ExpiredInvitation(InvitationError):
    """The invitation's expiry time has passed."""

    def __init__(self, expires_at: datetime) -> None:
        self.expires_at = expires_at
        super().__init__(
            f"the invitation expired at {expires_at.isoformat()}; ask the coordinator for a new link"
        )


class UsedUpInvitation(InvitationError):
    """The invitation has already bound as many contacts as it may."""

    def __init__(self, max_uses: int) -> None:
        self.max_uses = max_uses
        super().__init__(
            f"the invitation was already used {max_uses} time(s), its limit; "
            "ask the coordinator for a new link"
        )


class WrongCampaignInvitation(InvitationError):
    """The token belongs to a different campaign than the one being joined."""

    def __init__(self, campaign_id: int, expected_campaign_id: int) -> None:
        self.campaign_id = campaign_id
        self.expected_campaign_id = expected_campaign_id
        super().__init__(
            f"the invitation opens campaign {campaign_id}, not campaign {expected_campaign_id}; "
            "use the link sent for this campaign"
        )


class AlreadyBoundElsewhere(InvitationError):
    """The Telegram account or web login already answers for another organisation.

    Refused so that one account can never reach two organisations' answers; the
    coordinator has to deactivate the old binding (or the person uses another account).
    """

    def __init__(self, contact_id: int, organisation_id: int) -> None:
        self.contact_id = contact_id
        self.organisation_id = organisation_id
        super().__init__(
            f"contact {contact_id} already answers for organisation {organisation_id}; "
            "the coordinator must release that binding before this invitation can be used"
        )


# --- optimistic locking --------------------------------------------------------------------


class ConflictError(StorageError):
    """Someone else changed the row since the caller read it; reload and retry."""


class StaleAnswerError(ConflictError):
    """The answer changed (or was created/cleared) after the caller read it.

    ``current_value``/``current_status``/``current_version`` describe what is stored
    now (``current_version`` is ``None`` when the field has no answer), so the
    dialog can show the newer value and ask the person what to keep.
    """

    def __init__(
        self,
        response_id: int,
        field_code: str,
        expected_version: int,
        current_version: int | None,
        current_value: Any = None,
        current_status: str | None = None,
    ) -> None:
        self.response_id = response_id
        self.field_code = field_code
        self.expected_version = expected_version
        self.current_version = current_version
        self.current_value = current_value
        self.current_status = current_status
        super().__init__(
            f"answer {field_code!r} of response {response_id} is at version {current_version}, "
            f"not {expected_version}: someone changed it meanwhile; show the current value "
            "and ask before overwriting"
        )


class StaleResponseError(ConflictError):
    """The response changed (an answer was saved, or its status moved) after it was read."""

    def __init__(
        self, response_id: int, expected_version: int, current_version: int | None
    ) -> None:
        self.response_id = response_id
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"response {response_id} is at version {current_version}, not {expected_version}: "
            "it changed meanwhile; show the summary again and ask to confirm"
        )


class StaleDialogStateError(ConflictError):
    """Another handler saved this contact's dialog state first."""

    def __init__(self, contact_id: int, expected_version: int, current_version: int | None) -> None:
        self.contact_id = contact_id
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"dialog state of contact {contact_id} is at version {current_version}, "
            f"not {expected_version}; reload it and re-apply the step"
        )
