"""The repository: every read and write the rest of Saualnama does, as :class:`Store` methods.

``dialogs/``, ``bot/`` and ``admin/`` never write SQL; they hold a ``Store``::

    store = Store(session_factory(create_engine(url)))
    response = await store.get_response_for_contact(contact_id, campaign_id)
    await store.save_answer(response.id, "b01.i01", value=3, contact_id=contact_id,
                            channel="telegram", expected_version=None)

Why a class: it wraps one ``async_sessionmaker`` so callers pass it around as one
typed object; every method opens its own short transaction, and everything that
belongs together (a change and its audit event, an answer and its revision) is
committed in that one transaction.  Methods return detached ORM objects (the
sessions do not expire them on commit), safe to read but not to lazy-load from.

Concurrency, on both backends:

* answers are compare-and-set per field (``expected_version``); a stale edit is
  refused with :class:`~storage.errors.StaleAnswerError`, never applied over a
  newer value; every write also lands in the append-only ``answer_revisions``;
* a write to a response locks its row first (``SELECT … FOR UPDATE`` on
  PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so a submit and an answer cannot
  interleave, and bumps the response ``version``, so a submit carrying the version
  the person confirmed is refused if a colleague changed anything meanwhile;
* unique constraints decide races on creation (one response per organisation
  and campaign, one contact per Telegram account, one reminder per kind); the
  loser's ``IntegrityError`` is turned into "use the existing row".

Access rule: a contact only ever reaches its own organisation's response, and only for
a campaign its organisation takes part in (``campaign_organisations``); every method
taking ``contact_id`` checks it, so a token or id from another organisation gets
:class:`~storage.errors.AccessDenied` (:class:`~storage.errors.NotCampaignMember` for a
campaign the organisation is not part of).
"""

from __future__ import annotations

from storage.answers import AnswerStore
from storage.base import CampaignSnapshot, contact_actor, hash_token
from storage.campaigns import CampaignStore
from storage.contacts import ContactStore
from storage.dialog_snapshot import DialogSnapshot, DialogSnapshotStore, StoredAnswer
from storage.dialog_states import DialogStateStore
from storage.exports import ExportStore
from storage.health import HealthStore, head_revision
from storage.invitations import InvitationStore
from storage.jobs import JobLockStore
from storage.membership import MembershipStore
from storage.org_import import (
    ImportChanged,
    ImportConflict,
    ImportOutcome,
    OrganisationImportStore,
    OrganisationRow,
)
from storage.organisations import OrganisationStore, RemovedOrganisation
from storage.panel_reads import PanelReadStore
from storage.panel_sessions import PanelSessionStore
from storage.reminder_batches import ReminderBatchStore, ReminderClaim, ReminderKey
from storage.reminder_policies import ReminderPolicyStore, Unreachable
from storage.reminders_log import ReminderStore
from storage.responses import ResponseStore
from storage.roster import (
    CampaignRoster,
    ContactSeen,
    LinkTally,
    MemberRow,
    RosterContact,
    RosterStore,
)
from storage.updates import UpdateStore
from storage.users import UserStore
from storage.web_sessions import WebSessionStore

__all__ = [
    "CampaignRoster",
    "CampaignSnapshot",
    "ContactSeen",
    "DialogSnapshot",
    "ImportChanged",
    "ImportConflict",
    "ImportOutcome",
    "LinkTally",
    "MemberRow",
    "OrganisationRow",
    "RemovedOrganisation",
    "ReminderClaim",
    "ReminderKey",
    "RosterContact",
    "Store",
    "StoredAnswer",
    "Unreachable",
    "contact_actor",
    "hash_token",
    "head_revision",
]


class Store(
    CampaignStore,
    MembershipStore,
    OrganisationStore,
    OrganisationImportStore,
    ContactStore,
    InvitationStore,
    DialogSnapshotStore,
    ResponseStore,
    AnswerStore,
    DialogStateStore,
    ReminderStore,
    ReminderBatchStore,
    ReminderPolicyStore,
    UpdateStore,
    WebSessionStore,
    RosterStore,
    UserStore,
    PanelSessionStore,
    PanelReadStore,
    ExportStore,
    JobLockStore,
    HealthStore,
):
    """All storage operations, each in its own transaction on ``sessions``."""
