"""Reminders that hold: per-campaign reminder settings, contacts' e-mail, undeliverable list.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:00:00.000000

Written beside the other helpers' migrations (all on 0005); they are chained when merged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen copies of storage.models' column types (see 0001).
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_policies",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("offsets", JSON, nullable=False),
        sa.Column("on_the_day", sa.Boolean(), nullable=False),
        sa.Column("overdue_every_days", sa.Integer(), nullable=False),
        sa.Column("overdue_cap", sa.Integer(), nullable=False),
        sa.Column("min_gap_hours", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("send_from_hour", sa.Integer(), nullable=False),
        sa.Column("send_until_hour", sa.Integer(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "overdue_every_days >= 1", name=op.f("ck_reminder_policies_overdue_every")
        ),
        sa.CheckConstraint("overdue_cap >= 0", name=op.f("ck_reminder_policies_overdue_cap")),
        sa.CheckConstraint("min_gap_hours >= 0", name=op.f("ck_reminder_policies_min_gap")),
        sa.CheckConstraint(
            "send_from_hour >= 0 AND send_from_hour < send_until_hour AND send_until_hour <= 24",
            name=op.f("ck_reminder_policies_hours"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_reminder_policies_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_reminder_policies")),
    )
    op.create_table(
        "undeliverable_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_undeliverable_contacts_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_undeliverable_contacts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_undeliverable_contacts")),
        sa.UniqueConstraint(
            "contact_id", "channel", name=op.f("uq_undeliverable_contacts_contact_id_channel")
        ),
    )
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("email", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("email")
    op.drop_table("undeliverable_contacts")
    op.drop_table("reminder_policies")
