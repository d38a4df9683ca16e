"""Reminder deliveries may be ``pending``: claimed by a sender before it sends.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "reminder_deliveries"
CHECK = "ck_reminder_deliveries_status"


def _replace_check(condition: str) -> None:
    # SQLite cannot alter a constraint: batch mode rebuilds the table (env.py turns it on).
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), sa.text(condition))


def upgrade() -> None:
    _replace_check("status IN ('sent', 'failed', 'pending')")


def downgrade() -> None:
    # A claim in flight cannot be represented any more: it becomes a failed attempt,
    # which the next run retries.
    op.execute(
        f"UPDATE {TABLE} SET status = 'failed', error = 'interrupted (schema downgrade)' "
        "WHERE status = 'pending'"
    )
    _replace_check("status IN ('sent', 'failed')")
