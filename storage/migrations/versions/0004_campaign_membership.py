"""The annual cycle: campaigns own their organisations; the master list has stable keys.

* ``campaign_organisations``: which organisations take part in which campaign.  Until
  now every organisation was part of every campaign, so each existing campaign gets
  every existing organisation — what its progress and exports show today.
* ``organisations.key`` (unique): ``bin:<БИН>`` or ``<kind>:<normalised name>``;
  ``organisations.bin`` (unique) and ``organisations.removed_at`` (soft removal).
  Rows that are already duplicates of one another keep their ids and answers: all but
  the first get ``#<id>`` appended to their key, so ``org list`` shows them to merge.
* ``invitations.revoked_at`` / ``revoked_by``.
* ``campaigns.closed_at``: for campaigns closed already, the time of their last
  ``campaign.closed`` audit event (else the migration's time).
* ``contacts.deactivated_at``: for contacts inactive already, the time of their last
  deactivation or release in the audit log (else the migration's time).
* ``reminder_deliveries.deadline``, part of the unique key: an extended deadline's
  reminders count again.  Existing rows get their campaign's current deadline.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00.000000
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Frozen copy of storage.models.UTCDateTime's column type (see 0001).
TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATION_ACTOR = "migration:0004"
# Frozen copy of storage.org_keys (a later change of the rules must not change this step).
_QUOTES = re.compile(r"[«»“”„‟\"'‘’‚`]")


def _name_key(kind: str, name: str) -> str:
    text = unicodedata.normalize("NFC", name).casefold().replace("ё", "е")
    return f"{kind}:{' '.join(_QUOTES.sub(' ', text).split())}"


def _fill_organisation_keys() -> None:
    connection = op.get_bind()
    organisations = sa.table(
        "organisations",
        sa.column("id", sa.Integer),
        sa.column("subject_kind", sa.String),
        sa.column("name_ru", sa.String),
        sa.column("key", sa.String),
    )
    rows = connection.execute(
        sa.select(
            organisations.c.id, organisations.c.subject_kind, organisations.c.name_ru
        ).order_by(organisations.c.id)
    ).all()
    seen: set[str] = set()
    for row in rows:
        key = _name_key(row.subject_kind, row.name_ru)
        if key in seen:
            key = f"{key}#{row.id}"
        seen.add(key)
        connection.execute(
            organisations.update().where(organisations.c.id == row.id).values(key=key)
        )


def upgrade() -> None:
    op.add_column("campaigns", sa.Column("closed_at", TIMESTAMP, nullable=True))
    op.execute(
        "UPDATE campaigns SET closed_at = (SELECT MAX(a.at) FROM audit_events a"
        " WHERE a.entity_type = 'campaign' AND a.entity_id = campaigns.id"
        " AND a.action = 'campaign.closed') WHERE status = 'closed'"
    )
    op.execute(
        "UPDATE campaigns SET closed_at = CURRENT_TIMESTAMP"
        " WHERE status = 'closed' AND closed_at IS NULL"
    )

    op.add_column("organisations", sa.Column("key", sa.String(length=600), nullable=True))
    op.add_column("organisations", sa.Column("bin", sa.String(length=12), nullable=True))
    op.add_column("organisations", sa.Column("removed_at", TIMESTAMP, nullable=True))
    _fill_organisation_keys()
    with op.batch_alter_table("organisations") as batch:
        batch.alter_column("key", existing_type=sa.String(length=600), nullable=False)
        batch.create_unique_constraint(op.f("uq_organisations_key"), ["key"])
        batch.create_unique_constraint(op.f("uq_organisations_bin"), ["bin"])

    op.create_table(
        "campaign_organisations",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_organisations_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_campaign_organisations_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "organisation_id", name=op.f("pk_campaign_organisations")
        ),
    )
    op.create_index(
        op.f("ix_campaign_organisations_organisation_id"),
        "campaign_organisations",
        ["organisation_id"],
        unique=False,
    )
    op.execute(
        "INSERT INTO campaign_organisations (campaign_id, organisation_id, added_by, added_at)"
        f" SELECT c.id, o.id, '{MIGRATION_ACTOR}', CURRENT_TIMESTAMP"
        " FROM campaigns c CROSS JOIN organisations o"
    )

    op.add_column("contacts", sa.Column("deactivated_at", TIMESTAMP, nullable=True))
    op.execute(
        "UPDATE contacts SET deactivated_at = (SELECT MAX(a.at) FROM audit_events a"
        " WHERE a.entity_type = 'contact' AND a.entity_id = contacts.id"
        " AND a.action IN ('contact.deactivated', 'contact.released')) WHERE NOT active"
    )
    op.execute(
        "UPDATE contacts SET deactivated_at = CURRENT_TIMESTAMP"
        " WHERE NOT active AND deactivated_at IS NULL"
    )

    op.add_column("invitations", sa.Column("revoked_at", TIMESTAMP, nullable=True))
    op.add_column("invitations", sa.Column("revoked_by", sa.String(length=200), nullable=True))

    op.add_column("reminder_deliveries", sa.Column("deadline", sa.Date(), nullable=True))
    op.execute(
        "UPDATE reminder_deliveries SET deadline ="
        " (SELECT c.deadline FROM campaigns c WHERE c.id = reminder_deliveries.campaign_id)"
    )
    with op.batch_alter_table("reminder_deliveries") as batch:
        batch.alter_column("deadline", existing_type=sa.Date(), nullable=False)
        batch.drop_constraint(
            op.f("uq_reminder_deliveries_campaign_id_contact_id_kind"), type_="unique"
        )
        batch.create_unique_constraint(
            op.f("uq_reminder_deliveries_campaign_id_contact_id_kind_deadline"),
            ["campaign_id", "contact_id", "kind", "deadline"],
        )


def downgrade() -> None:
    # One log row per (campaign, contact, kind) again: the newest of each is kept.
    op.execute(
        "DELETE FROM reminder_deliveries WHERE id NOT IN (SELECT MAX(id) FROM"
        " reminder_deliveries GROUP BY campaign_id, contact_id, kind)"
    )
    with op.batch_alter_table("reminder_deliveries") as batch:
        batch.drop_constraint(
            op.f("uq_reminder_deliveries_campaign_id_contact_id_kind_deadline"), type_="unique"
        )
        batch.create_unique_constraint(
            op.f("uq_reminder_deliveries_campaign_id_contact_id_kind"),
            ["campaign_id", "contact_id", "kind"],
        )
        batch.drop_column("deadline")

    # A revoked link must not come back to life: it expires when it was revoked.
    op.execute("UPDATE invitations SET expires_at = revoked_at WHERE revoked_at IS NOT NULL")
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("revoked_by")
        batch.drop_column("revoked_at")

    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("deactivated_at")

    # Every organisation is part of every campaign again (the schema before membership).
    op.drop_index(
        op.f("ix_campaign_organisations_organisation_id"), table_name="campaign_organisations"
    )
    op.drop_table("campaign_organisations")

    with op.batch_alter_table("organisations") as batch:
        batch.drop_constraint(op.f("uq_organisations_bin"), type_="unique")
        batch.drop_constraint(op.f("uq_organisations_key"), type_="unique")
        batch.drop_column("removed_at")
        batch.drop_column("bin")
        batch.drop_column("key")

    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("closed_at")
