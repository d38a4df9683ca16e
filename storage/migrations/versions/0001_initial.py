"""Initial schema: campaigns, organisations, contacts, invitations, responses, answers
with their revisions, audit events, dialog states, reminder deliveries, processed updates.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 11:00:53.973625
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen copies of the model types: a migration must not change when models.py does.
# storage.models.UTCDateTime stores timestamptz / naive-UTC text, i.e. this column type.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("entity_type", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"], unique=False)
    op.create_index(
        op.f("ix_audit_events_entity"), "audit_events", ["entity_type", "entity_id"], unique=False
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=50), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'closed')", name=op.f("ck_campaigns_status")
        ),
        sa.CheckConstraint("period_start <= period_end", name=op.f("ck_campaigns_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_ru", sa.String(length=500), nullable=False),
        sa.Column("name_kk", sa.String(length=500), nullable=False),
        sa.Column("subject_kind", sa.String(length=50), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("blocks", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_index(
        op.f("ix_organisations_subject_kind"), "organisations", ["subject_kind"], unique=False
    )
    op.create_table(
        "processed_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("processed_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_updates")),
        sa.UniqueConstraint(
            "channel", "update_id", name=op.f("uq_processed_updates_channel_update_id")
        ),
    )
    op.create_index(
        op.f("ix_processed_updates_processed_at"),
        "processed_updates",
        ["processed_at"],
        unique=False,
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("web_login", sa.String(length=200), nullable=True),
        sa.Column("display_name", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("language IN ('ru', 'kk', 'en')", name=op.f("ck_contacts_language")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_contacts_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_contacts_telegram_user_id")),
        sa.UniqueConstraint("web_login", name=op.f("uq_contacts_web_login")),
    )
    op.create_index(
        op.f("ix_contacts_organisation_id"), "contacts", ["organisation_id"], unique=False
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("max_uses >= 1", name=op.f("ck_invitations_max_uses")),
        sa.CheckConstraint("uses >= 0 AND uses <= max_uses", name=op.f("ck_invitations_uses")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_invitations_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_invitations_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    op.create_index(
        op.f("ix_invitations_campaign_id"), "invitations", ["campaign_id"], unique=False
    )
    op.create_index(
        op.f("ix_invitations_organisation_id"), "invitations", ["organisation_id"], unique=False
    )
    op.create_table(
        "dialog_states",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("state", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_dialog_states_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_dialog_states")),
    )
    op.create_table(
        "invitation_redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("redeemed_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "channel IN ('telegram', 'web', 'admin')",
            name=op.f("ck_invitation_redemptions_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_invitation_redemptions_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_invitation_redemptions_invitation_id_invitations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_redemptions")),
        sa.UniqueConstraint(
            "invitation_id",
            "contact_id",
            name=op.f("uq_invitation_redemptions_invitation_id_contact_id"),
        ),
    )
    op.create_index(
        op.f("ix_invitation_redemptions_contact_id"),
        "invitation_redemptions",
        ["contact_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_invitation_redemptions_invitation_id"),
        "invitation_redemptions",
        ["invitation_id"],
        unique=False,
    )
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "status IN ('sent', 'failed')", name=op.f("ck_reminder_deliveries_status")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_reminder_deliveries_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_reminder_deliveries_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_deliveries")),
        sa.UniqueConstraint(
            "campaign_id",
            "contact_id",
            "kind",
            name=op.f("uq_reminder_deliveries_campaign_id_contact_id_kind"),
        ),
    )
    op.create_index(
        op.f("ix_reminder_deliveries_contact_id"),
        "reminder_deliveries",
        ["contact_id"],
        unique=False,
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", TIMESTAMP, nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "status IN ('not_started', 'in_progress', 'submitted', 'returned')",
            name=op.f("ck_responses_status"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_responses_campaign_id_campaigns"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_responses_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["contacts.id"],
            name=op.f("fk_responses_submitted_by_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint(
            "organisation_id", "campaign_id", name=op.f("uq_responses_organisation_id_campaign_id")
        ),
    )
    op.create_index(op.f("ix_responses_campaign_id"), "responses", ["campaign_id"], unique=False)
    op.create_index(
        op.f("ix_responses_organisation_id"), "responses", ["organisation_id"], unique=False
    )
    op.create_table(
        "answer_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("field_code", sa.String(length=200), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("no_data_reason", sa.Text(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("answered_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "channel IN ('telegram', 'web', 'admin')", name=op.f("ck_answer_revisions_channel")
        ),
        sa.CheckConstraint(
            "status IN ('answered', 'no_data', 'cleared')", name=op.f("ck_answer_revisions_status")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_answer_revisions_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_answer_revisions_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_revisions")),
        sa.UniqueConstraint(
            "response_id",
            "field_code",
            "revision",
            name=op.f("uq_answer_revisions_response_id_field_code_revision"),
        ),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("field_code", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("no_data_reason", sa.Text(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("answered_at", TIMESTAMP, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('telegram', 'web', 'admin')", name=op.f("ck_answers_channel")
        ),
        sa.CheckConstraint("status IN ('answered', 'no_data')", name=op.f("ck_answers_status")),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_answers_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_answers_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint(
            "response_id", "field_code", name=op.f("uq_answers_response_id_field_code")
        ),
    )


def downgrade() -> None:
    op.drop_table("answers")
    op.drop_table("answer_revisions")
    op.drop_index(op.f("ix_responses_organisation_id"), table_name="responses")
    op.drop_index(op.f("ix_responses_campaign_id"), table_name="responses")
    op.drop_table("responses")
    op.drop_index(op.f("ix_reminder_deliveries_contact_id"), table_name="reminder_deliveries")
    op.drop_table("reminder_deliveries")
    op.drop_index(
        op.f("ix_invitation_redemptions_invitation_id"), table_name="invitation_redemptions"
    )
    op.drop_index(op.f("ix_invitation_redemptions_contact_id"), table_name="invitation_redemptions")
    op.drop_table("invitation_redemptions")
    op.drop_table("dialog_states")
    op.drop_index(op.f("ix_invitations_organisation_id"), table_name="invitations")
    op.drop_index(op.f("ix_invitations_campaign_id"), table_name="invitations")
    op.drop_table("invitations")
    op.drop_index(op.f("ix_contacts_organisation_id"), table_name="contacts")
    op.drop_table("contacts")
    op.drop_index(op.f("ix_processed_updates_processed_at"), table_name="processed_updates")
    op.drop_table("processed_updates")
    op.drop_index(op.f("ix_organisations_subject_kind"), table_name="organisations")
    op.drop_table("organisations")
    op.drop_table("campaigns")
    op.drop_index(op.f("ix_audit_events_entity"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_at"), table_name="audit_events")
    op.drop_table("audit_events")
