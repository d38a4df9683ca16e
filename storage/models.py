"""SQLAlchemy 2 models: the whole schema of Saualnama.

The schema is owned by Alembic (``storage/migrations``); these classes must match
the latest migration, which ``tests/storage/test_migrations.py`` checks with
``alembic.autogenerate.compare_metadata``.

Answers: one row per response × field code holding one typed JSON value
-----------------------------------------------------------------------
A questionnaire field may be a number, a yes/no with a description, a breakdown
``{category: count}``, or a list of entries.  Storing one JSON value per field
(instead of one column per field, or one row per scalar) means:

* a write is atomic: the whole value of a field is replaced in one row, so a
  breakdown can never be half-updated;
* the schema is stable across questionnaire versions: a new field or a changed
  breakdown needs no migration, the dialog engine owns the meaning of the codes;
* optimistic locking and history work per field (``version`` and the append-only
  ``answer_revisions`` table), which is the granularity at which two people of one
  organisation can collide;
* exports flatten the JSON values into columns, where the questionnaire version
  tells how.

Storage treats ``field_code`` as an opaque key: the engine also stores pseudo
codes such as ``"b01.i01.comment"`` or ``"rule:<code>"`` the same way.

Timestamps are timezone-aware UTC on every backend (:class:`UTCDateTime`).
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only kind of datetime stored)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so the value is
    stored as naive UTC text and given ``tzinfo=UTC`` back on load.  Naive
    datetimes are refused on the way in: their zone would be a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: JSON everywhere; JSONB on PostgreSQL (binary, indexable, no duplicate keys).
JSONValue = JSON().with_variant(JSONB(), "postgresql")


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class ResponseStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"


class AnswerStatus(enum.StrEnum):
    ANSWERED = "answered"
    NO_DATA = "no_data"
    #: only in ``answer_revisions``: the answer was cleared (the row was deleted).
    CLEARED = "cleared"


class Channel(enum.StrEnum):
    TELEGRAM = "telegram"
    WEB = "web"
    ADMIN = "admin"


class Language(enum.StrEnum):
    RU = "ru"
    KK = "kk"
    EN = "en"


class DeliveryStatus(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"
    #: claimed by a sender that is sending it now (see ``Store.claim_reminder``).
    PENDING = "pending"


def _in(column: str, enum_cls: type[enum.StrEnum]) -> str:
    values = ", ".join(f"'{member.value}'" for member in enum_cls)
    return f"{column} IN ({values})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONValue}


class Campaign(Base):
    """The annual data request: one questionnaire sent to all organisations for a period."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(_in("status", CampaignStatus), name="status"),
        CheckConstraint("period_start <= period_end", name="period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    questionnaire_version: Mapped[str] = mapped_column(String(50))
    requested_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=CampaignStatus.DRAFT.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when it was last closed (``None`` while draft or open): what "as it was when it
    #: closed" means for its progress.
    closed_at: Mapped[datetime | None]


class Organisation(Base):
    """A state body or NGO that answers; ``blocks`` are the questionnaire blocks it answers.

    The master list: ``key`` is stable and unique (``bin:<12 digits>`` where the БИН is
    known, else ``<subject kind>:<normalised Russian name>``, see
    :mod:`storage.org_keys`), so re-importing the master file updates rows instead of
    duplicating them.  ``removed_at`` set: taken off the master list (soft: the
    campaigns it took part in keep it).
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)
    bin: Mapped[str | None] = mapped_column(String(12), unique=True)
    name_ru: Mapped[str] = mapped_column(String(500))
    name_kk: Mapped[str] = mapped_column(String(500))
    subject_kind: Mapped[str] = mapped_column(String(50), index=True)
    region: Mapped[str | None] = mapped_column(String(100))
    blocks: Mapped[list[int]] = mapped_column(JSONValue, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]

    contacts: Mapped[list[Contact]] = relationship(back_populates="organisation", lazy="raise")


class CampaignOrganisation(Base):
    """An organisation taking part in a campaign (membership).

    Progress, invitations, reminders and exports of a campaign read its members only,
    so adding an organisation for next year does not rewrite last year.  A closed
    campaign's members cannot change.
    """

    __tablename__ = "campaign_organisations"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class Contact(Base):
    """A person answering for one organisation, reachable by Telegram and/or the web.

    Both identities are NULL once the coordinator releases the contact: the row stays
    (answers and history point at it) but nobody can act as it any more.
    """

    __tablename__ = "contacts"
    __table_args__ = (CheckConstraint(_in("language", Language), name="language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    web_login: Mapped[str | None] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str] = mapped_column(String(2), default=Language.RU.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: where reminders go for a person without Telegram (or who blocked the bot)
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when it was deactivated or released (``None`` while active): a campaign's
    #: progress counts the contacts active when it closed, whatever happened later.
    deactivated_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(back_populates="contacts", lazy="raise")


class Invitation(Base):
    """A link that binds contacts to an organisation for a campaign.

    Only the SHA-256 of the token is stored: a leaked database does not leak
    usable links.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("max_uses >= 1", name="max_uses"),
        CheckConstraint("uses >= 0 AND uses <= max_uses", name="uses"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime]
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: set when the coordinator revoked it (or its organisation left the campaign):
    #: the link then refuses everyone with :class:`~storage.errors.RevokedInvitation`.
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(200))


class InvitationRedemption(Base):
    """Which contact used which invitation, when and through which channel."""

    __tablename__ = "invitation_redemptions"
    __table_args__ = (
        UniqueConstraint("invitation_id", "contact_id"),
        CheckConstraint(_in("channel", Channel), name="channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    redeemed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Response(Base):
    """One organisation's answer sheet for one campaign.

    ``version`` grows on every change to the response or any of its answers, so
    a submit carrying the version the person confirmed is refused if anything
    changed since (compare-and-set in the repository).
    """

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("organisation_id", "campaign_id"),
        CheckConstraint(_in("status", ResponseStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=ResponseStatus.NOT_STARTED.value)
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    #: the items of the last return with the coordinator's note on each ({item code: note})
    return_items: Mapped[dict[str, Any] | None] = mapped_column(JSONValue)
    returned_at: Mapped[datetime | None]
    #: the coordinator accepted the submission (cleared by a later return)
    accepted_at: Mapped[datetime | None]
    accepted_by: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Answer(Base):
    """The current value of one field of one response (see the module docstring)."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "field_code"),
        CheckConstraint("status IN ('answered', 'no_data')", name="status"),
        CheckConstraint(_in("channel", Channel), name="channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    field_code: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    value: Mapped[Any | None] = mapped_column(JSONValue)
    no_data_reason: Mapped[str | None] = mapped_column(Text)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AnswerRevision(Base):
    """Append-only history: every value ever written to a field, and every clearing.

    ``revision`` equals the answer's ``version`` after that write, and keeps
    counting across a clear and a later re-answer.
    """

    __tablename__ = "answer_revisions"
    __table_args__ = (
        UniqueConstraint("response_id", "field_code", "revision"),
        CheckConstraint(_in("status", AnswerStatus), name="status"),
        CheckConstraint(_in("channel", Channel), name="channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    field_code: Mapped[str] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    value: Mapped[Any | None] = mapped_column(JSONValue)
    no_data_reason: Mapped[str | None] = mapped_column(Text)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who did what to which entity; written in the same transaction as the change."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DialogState(Base):
    """Where each contact is in the dialog; the ``state`` blob belongs to the dialog engine."""

    __tablename__ = "dialog_states"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderDelivery(Base):
    """One reminder of one kind to one contact for one campaign and deadline (sent at most once).

    ``deadline`` is the campaign's deadline the reminder counted towards: when the
    deadline is extended, the offsets (D-7, D-1, overdue …) of the new date are new
    reminders, while those sent for the old date stay in the log.
    """

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("campaign_id", "contact_id", "kind", "deadline"),
        CheckConstraint(_in("status", DeliveryStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(50))
    deadline: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderPolicy(Base):
    """A campaign's reminder settings; a campaign without a row uses the defaults.

    Offsets are days before the deadline; ``on_the_day`` adds the deadline itself; after
    it, an overdue reminder every ``overdue_every_days`` up to ``overdue_cap`` of them.
    Nobody gets two deadline reminders within ``min_gap_hours``, and nothing is sent
    outside ``send_from_hour``-``send_until_hour`` in ``time_zone`` (an IANA name).
    """

    __tablename__ = "reminder_policies"
    __table_args__ = (
        CheckConstraint("overdue_every_days >= 1", name="overdue_every"),
        CheckConstraint("overdue_cap >= 0", name="overdue_cap"),
        CheckConstraint("min_gap_hours >= 0", name="min_gap"),
        CheckConstraint(
            "send_from_hour >= 0 AND send_from_hour < send_until_hour AND send_until_hour <= 24",
            name="hours",
        ),
    )

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    offsets: Mapped[list[int]] = mapped_column(JSONValue, default=list)
    on_the_day: Mapped[bool] = mapped_column(Boolean, default=True)
    overdue_every_days: Mapped[int] = mapped_column(Integer, default=7)
    overdue_cap: Mapped[int] = mapped_column(Integer, default=3)
    min_gap_hours: Mapped[int] = mapped_column(Integer, default=20)
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Almaty")
    send_from_hour: Mapped[int] = mapped_column(Integer, default=9)
    send_until_hour: Mapped[int] = mapped_column(Integer, default=20)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class UndeliverableContact(Base):
    """A contact a channel cannot reach (blocked the bot, mailbox gone): recorded once.

    Reminders skip the contact on that channel from then on; the coordinator sees the
    list (``python -m admin remind --undeliverable``) and clears it when fixed.
    """

    __tablename__ = "undeliverable_contacts"
    __table_args__ = (UniqueConstraint("contact_id", "channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ProcessedUpdate(Base):
    """An incoming update already handled, so a redelivered one is ignored."""

    __tablename__ = "processed_updates"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    update_id: Mapped[int] = mapped_column(BigInteger)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class WebSession(Base):
    """A browser signed in to the web chat.

    The cookie holds a random session id; only its SHA-256 is stored (``id``), so a
    leaked database does not leak usable sessions.  A session ends ``idle_expires_at``
    (moved forward while it is used) or ``expires_at`` (fixed), whichever comes first.
    """

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    idle_expires_at: Mapped[datetime] = mapped_column(index=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class PanelRole(enum.StrEnum):
    """Who may do what in the web panel at /admin."""

    #: everything: read, invite, require a second factor, (later) return and accept
    COORDINATOR = "coordinator"
    #: reads every submitted answer and the analysis; changes nothing
    EXPERT = "expert"


class PanelStage(enum.StrEnum):
    """How far a panel session has come through the sign-in."""

    #: the password was right; the TOTP code is awaited
    TOTP = "totp"
    #: the password was right; a second factor is required and is being set up
    ENROL = "enrol"
    #: signed in
    FULL = "full"


class PanelUser(Base):
    """A coordinator or an expert who signs in to the panel (not a contact of an organisation).

    Only an Argon2 hash of the password is stored.  ``failed_sign_ins`` counts wrong
    passwords and codes since the last success; at the limit ``locked_until`` is set.
    ``totp_last_step`` is the time step of the last code accepted, so a code is used once.
    """

    __tablename__ = "panel_users"
    __table_args__ = (
        CheckConstraint(_in("role", PanelRole), name="role"),
        CheckConstraint("failed_sign_ins >= 0", name="failed_sign_ins"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_required: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PanelSession(Base):
    """A browser signed in (or signing in) to the panel; like :class:`WebSession`, by hash.

    ``stage`` is ``full`` once signed in; ``totp``/``enrol`` sessions only reach the
    second-factor page and live minutes.  ``pending_secret`` is the TOTP secret shown
    while enrolling, until a code proves the authenticator has it.
    """

    __tablename__ = "panel_sessions"
    __table_args__ = (CheckConstraint(_in("stage", PanelStage), name="stage"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("panel_users.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(20))
    pending_secret: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    idle_expires_at: Mapped[datetime] = mapped_column(index=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
