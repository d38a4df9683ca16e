"""Item-level return for correction and acceptance of a submission.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00.000000

``responses.return_items``: the items sent back with the coordinator's note on each
(``{"b02.i04": "note"}``), kept after the resubmission so the panel can show what
changed since ``returned_at``.  ``accepted_at``/``accepted_by``: the coordinator
accepted the submission (a later return clears them).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(JSONB(), "postgresql")

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("return_items", JSON, nullable=True))
        batch.add_column(sa.Column("returned_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("accepted_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("accepted_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("accepted_by")
        batch.drop_column("accepted_at")
        batch.drop_column("returned_at")
        batch.drop_column("return_items")
