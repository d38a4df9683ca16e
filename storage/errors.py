"""Every exception the storage layer raises on purpose.

Callers (the dialog engine, the channels, the coordinator CLI) catch these to
decide what to tell a person; the texts here are for developers and logs, so
they are English and say what to do next.  User-facing wording comes from the
Babel catalogs, keyed on the exception class.

::

    StorageError
    ├── NotFound                      entity, key
    ├── AccessDenied                  contact_id, reason
    │   └── NotCampaignMember         organisation_id, campaign_id (contact_id may be None)
    ├── InvalidTransition             entity, entity_id, current, wanted
    ├── ResponseLockedError           response_id, status
    ├── CampaignClosed                campaign_id
    ├── ImplausibleDeadline           deadline, reason
    ├── DuplicateOrganisation         organisation_id, key, removed
    ├── OrganisationRemoved           organisation_id
    ├── InvitationError
    │   ├── InvalidInvitation
    │   ├── RevokedInvitation         revoked_at
    │   ├── ExpiredInvitation         expires_at
    │   ├── UsedUpInvitation          max_uses
    │   ├── WrongCampaignInvitation   campaign_id, expected_campaign_id
    │   ├── AlreadyBoundElsewhere     contact_id, organisation_id
    │   └── ContactDeactivated        contact_id
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


class NotCampaignMember(AccessDenied):
    """The organisation does not take part in the campaign (it was never added, or left).

    ``contact_id`` is ``None`` when the coordinator's side asked.
    """

    def __init__(
        self, organisation_id: int, campaign_id: int, contact_id: int | None = None
    ) -> None:
        self.organisation_id = organisation_id
        self.campaign_id = campaign_id
        super().__init__(
            contact_id,
            f"organisation {organisation_id} does not take part in campaign {campaign_id}; "
            f"add it with `python -m admin campaign add-org {campaign_id} {organisation_id}`",
        )


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


class CampaignClosed(StorageError):
    """A closed campaign's organisations stay what they were when it closed."""

    def __init__(self, campaign_id: int) -> None:
        self.campaign_id = campaign_id
        super().__init__(
            f"campaign {campaign_id} is closed: its organisations stay as they were when it"
            f" closed; reopen it first (python -m admin campaign open {campaign_id})"
        )


class ImplausibleDeadline(StorageError, ValueError):
    """A deadline before the request, or so far after the period that it is a typo."""

    def __init__(self, deadline: object, reason: str) -> None:
        self.deadline = deadline
        self.reason = reason
        super().__init__(f"the deadline {deadline} {reason}")


class DuplicateOrganisation(StorageError):
    """The master list already has this organisation (same БИН, or same kind and name)."""

    def __init__(self, organisation_id: int, key: str, removed: bool = False) -> None:
        self.organisation_id = organisation_id
        self.key = key
        self.removed = removed
        where = (
            f"it was removed; bring it back with `python -m admin org restore {organisation_id}`"
            if removed
            else "see `python -m admin org list`"
        )
        super().__init__(
            f"organisation {organisation_id} is already this organisation ({key}); {where}"
        )


class OrganisationRemoved(StorageError):
    """The organisation was taken off the master list; it joins no new campaign."""

    def __init__(self, organisation_id: int) -> None:
        self.organisation_id = organisation_id
        super().__init__(
            f"organisation {organisation_id} was removed from the master list; bring it back"
            f" with `python -m admin org restore {organisation_id}` first"
        )


# --- invitations ---------------------------------------------------------------------------


class InvitationError(StorageError):
    """The invitation token cannot be redeemed; the subclass says why."""


class InvalidInvitation(InvitationError):
    """No invitation has this token (mistyped, truncated, or never issued)."""

    def __init__(self) -> None:
        super().__init__("no invitation matches this token; ask the coordinator for a new link")


class RevokedInvitation(InvitationError):
    """The coordinator revoked this link (or its organisation left the campaign)."""

    def __init__(self, revoked_at: datetime) -> None:
        self.revoked_at = revoked_at
        super().__init__(
            f"the invitation was revoked at {revoked_at.isoformat()}; ask the coordinator"
            " for a new link"
        )


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


class ContactDeactivated(InvitationError):
    """The person's contact was deactivated; no link brings it back, only the coordinator."""

    def __init__(self, contact_id: int) -> None:
        self.contact_id = contact_id
        super().__init__(
            f"contact {contact_id} was deactivated by the coordinator; no invitation"
            " reactivates it (the coordinator can: python -m admin contact activate ID)"
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
        current_contact_id: int | None = None,
    ) -> None:
        self.response_id = response_id
        self.field_code = field_code
        self.expected_version = expected_version
        self.current_version = current_version
        self.current_value = current_value
        self.current_status = current_status
        #: Who wrote what is stored now: a colleague, or this very contact elsewhere.
        self.current_contact_id = current_contact_id
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


#: SQLSTATEs after which re-running the whole transaction is safe and likely to succeed:
#: serialization failure, deadlock, the server ending the connection, a lost connection.
TRANSIENT_SQLSTATES = frozenset(
    {"40001", "40P01", "57P01", "57P02", "57P03", "08000", "08003", "08006"}
)
_DROPPED = ("connection was closed", "connection is closed", "terminating connection",
            "connection reset", "connectiondoesnotexist", "underlying connection is closed")  # fmt: skip


def is_transient(exc: BaseException) -> bool:
    """A dropped connection or a serialization failure: the transaction may be run again.

    Why here: only storage knows the driver's exceptions; the application layer asks this
    to retry a whole dialog step once instead of failing the request.
    """
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, ConnectionError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(
        getattr(orig, "__cause__", None), "sqlstate", None
    )
    if state in TRANSIENT_SQLSTATES:
        return True
    text = f"{type(orig).__name__} {orig}".lower()
    return any(marker in text for marker in _DROPPED)
