"""Add the sync's work tables: dirty customers, pending transitions, SMS
claims and first-response times.

Revision ID: 0002
Revises: 0001
Create Date: 2026-08-12
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tajo.store.types import JSONDocument, UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _connector() -> sa.Column[str]:
    return sa.Column("connector_id", sa.Text(), nullable=False)


def _id(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=False, autoincrement=False)


def upgrade() -> None:
    op.create_table(
        "sync_dirty",
        _connector(),
        _id("customer_id"),
        sa.Column("marked_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("connector_id", "customer_id", name="pk_sync_dirty"),
    )
    op.create_table(
        "sync_transitions",
        _connector(),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), autoincrement=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("payload", JSONDocument, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "connector_id", "idempotency_key", name="pk_sync_transitions"
        ),
    )
    op.create_index(
        "ix_sync_transitions_connector_id_customer_id",
        "sync_transitions",
        ["connector_id", "customer_id"],
    )
    op.create_table(
        "sms_claims",
        _connector(),
        _id("customer_id"),
        sa.Column("sms", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("connector_id", "customer_id", name="pk_sms_claims"),
    )
    op.create_index(
        "ix_sms_claims_connector_id_sms", "sms_claims", ["connector_id", "sms"]
    )
    op.create_table(
        "ticket_responses",
        _connector(),
        _id("ticket_id"),
        sa.Column("first_customer_at", UTCDateTime()),
        sa.Column("first_reply_at", UTCDateTime()),
        sa.PrimaryKeyConstraint(
            "connector_id", "ticket_id", name="pk_ticket_responses"
        ),
    )


def downgrade() -> None:
    for name in ("ticket_responses", "sms_claims", "sync_transitions", "sync_dirty"):
        op.drop_table(name)
