"""The web panel's users (coordinators, experts) and their sign-in sessions.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-01 10:00:00.000000

Written beside 0004 (made in parallel, also on 0003); the two are chained when merged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Frozen copy of storage.models.UTCDateTime's column type (see 0001).
TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "panel_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("totp_required", sa.Boolean(), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", TIMESTAMP, nullable=True),
        sa.Column("last_sign_in_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("role IN ('coordinator', 'expert')", name=op.f("ck_panel_users_role")),
        sa.CheckConstraint("failed_sign_ins >= 0", name=op.f("ck_panel_users_failed_sign_ins")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_users")),
        sa.UniqueConstraint("login", name=op.f("uq_panel_users_login")),
    )
    op.create_table(
        "panel_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("pending_secret", sa.String(length=64), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_seen_at", TIMESTAMP, nullable=False),
        sa.Column("idle_expires_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "stage IN ('totp', 'enrol', 'full')", name=op.f("ck_panel_sessions_stage")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["panel_users.id"],
            name=op.f("fk_panel_sessions_user_id_panel_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_sessions")),
    )
    op.create_index(op.f("ix_panel_sessions_user_id"), "panel_sessions", ["user_id"])
    op.create_index(
        op.f("ix_panel_sessions_idle_expires_at"), "panel_sessions", ["idle_expires_at"]
    )
    op.create_index(op.f("ix_panel_sessions_expires_at"), "panel_sessions", ["expires_at"])


def downgrade() -> None:
    # Everyone is signed out of the panel and its accounts are gone: make them again with
    # `python -m admin user add` after upgrading.
    op.drop_index(op.f("ix_panel_sessions_expires_at"), table_name="panel_sessions")
    op.drop_index(op.f("ix_panel_sessions_idle_expires_at"), table_name="panel_sessions")
    op.drop_index(op.f("ix_panel_sessions_user_id"), table_name="panel_sessions")
    op.drop_table("panel_sessions")
    op.drop_table("panel_users")
