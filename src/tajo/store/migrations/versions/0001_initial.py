"""Create the state store.

Revision ID: 0001
Revises:
Create Date: 2026-08-12
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tajo.store.types import JSONDocument, RowId, UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the value lists in tables.py at this revision.
QUEUE_STATUSES = "status IN ('pending', 'in_progress', 'done', 'failed')"
EVENT_STATES = "state IN ('planned', 'sent', 'skipped_backfill', 'failed')"
RUN_STATUSES = "status IN ('running', 'succeeded', 'failed', 'interrupted')"
RUN_TYPES = "type IN ('full', 'incremental')"
FAILURE_SOURCES = "source IN ('sync', 'webhook', 'writer')"


def _connector() -> sa.Column[str]:
    return sa.Column("connector_id", sa.Text(), nullable=False)


def _gorgias_id(name: str, *, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=nullable, autoincrement=False)


def _at(name: str, *, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _json(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, JSONDocument, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "connections",
        _connector(),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("domain", sa.Text(), nullable=False),
        sa.Column("base_url", sa.Text()),
        sa.Column("email", sa.Text()),
        sa.Column("api_key_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("key_fingerprint", sa.Text(), nullable=False),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
        _at("rotated_at"),
        sa.PrimaryKeyConstraint("connector_id", name="pk_connections"),
    )
    op.create_table(
        "customers",
        _connector(),
        _gorgias_id("id", nullable=False),
        sa.Column("email", sa.Text()),
        sa.Column("name", sa.Text()),
        sa.Column("firstname", sa.Text()),
        sa.Column("lastname", sa.Text()),
        _json("emails"),
        _json("phones"),
        sa.Column("external_id", sa.Text()),
        _at("created_at"),
        _at("updated_at"),
        _json("custom_fields"),
        _json("shopify"),
        _json("customer_tags"),
        _at("deleted_at"),
        _gorgias_id("merged_into_id"),
        _at("fetched_at", nullable=False),
        _at("changed_at", nullable=False),
        sa.PrimaryKeyConstraint("connector_id", "id", name="pk_customers"),
    )
    op.create_index(
        "ix_customers_connector_id_changed_at",
        "customers",
        ["connector_id", "changed_at"],
    )
    op.create_index(
        "ix_customers_connector_id_email", "customers", ["connector_id", "email"]
    )
    op.create_table(
        "tickets",
        _connector(),
        _gorgias_id("id", nullable=False),
        _gorgias_id("customer_id"),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text()),
        sa.Column("subject", sa.Text()),
        sa.Column("spam", sa.Boolean(), nullable=False),
        sa.Column("trashed", sa.Boolean(), nullable=False),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
        _at("closed_at"),
        _json("tags"),
        _gorgias_id("assignee_user_id"),
        sa.Column("assignee_name", sa.Text()),
        sa.Column("first_response_seconds", sa.Float()),
        _at("fetched_at", nullable=False),
        sa.PrimaryKeyConstraint("connector_id", "id", name="pk_tickets"),
    )
    op.create_index(
        "ix_tickets_connector_id_customer_id",
        "tickets",
        ["connector_id", "customer_id"],
    )
    op.create_table(
        "surveys",
        _connector(),
        _gorgias_id("id", nullable=False),
        _gorgias_id("ticket_id", nullable=False),
        _gorgias_id("customer_id"),
        sa.Column("score", sa.Integer()),
        sa.Column("body_text", sa.Text()),
        _at("created_at", nullable=False),
        _at("sent_at"),
        _at("scored_at"),
        _at("fetched_at", nullable=False),
        sa.PrimaryKeyConstraint("connector_id", "id", name="pk_surveys"),
    )
    op.create_index(
        "ix_surveys_connector_id_customer_id",
        "surveys",
        ["connector_id", "customer_id"],
    )
    op.create_index(
        "ix_surveys_connector_id_ticket_id", "surveys", ["connector_id", "ticket_id"]
    )
    op.create_table(
        "tags",
        _connector(),
        _gorgias_id("id", nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        _json("data"),
        _at("fetched_at", nullable=False),
        sa.PrimaryKeyConstraint("connector_id", "id", name="pk_tags"),
    )
    op.create_table(
        "users",
        _connector(),
        _gorgias_id("id", nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("email", sa.Text()),
        _json("data"),
        _at("fetched_at", nullable=False),
        sa.PrimaryKeyConstraint("connector_id", "id", name="pk_users"),
    )
    op.create_table(
        "activity_counts",
        _connector(),
        sa.Column("kind", sa.Text(), nullable=False),
        _gorgias_id("object_id", nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("count", sa.Integer(), nullable=False),
        _at("last_at"),
        sa.PrimaryKeyConstraint(
            "connector_id", "kind", "object_id", name="pk_activity_counts"
        ),
    )
    op.create_table(
        "processed_events",
        _connector(),
        _gorgias_id("event_id", nullable=False),
        _at("processed_at", nullable=False),
        sa.PrimaryKeyConstraint("connector_id", "event_id", name="pk_processed_events"),
    )
    op.create_table(
        "contact_links",
        _connector(),
        _gorgias_id("customer_id", nullable=False),
        sa.Column("email", sa.Text()),
        sa.Column("sms", sa.Text()),
        sa.Column("ext_id", sa.Text()),
        _gorgias_id("brevo_contact_id"),
        _json("last_pushed_attributes"),
        sa.Column("last_pushed_hash", sa.Text()),
        _json("list_ids"),
        _at("pushed_at"),
        sa.PrimaryKeyConstraint("connector_id", "customer_id", name="pk_contact_links"),
    )
    op.create_table(
        "emitted_events",
        _connector(),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("event_name", sa.Text(), nullable=False),
        _gorgias_id("customer_id"),
        _at("event_date", nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        _at("created_at", nullable=False),
        _at("sent_at"),
        sa.PrimaryKeyConstraint(
            "connector_id", "idempotency_key", name="pk_emitted_events"
        ),
        sa.CheckConstraint(EVENT_STATES, name="ck_emitted_events_state"),
    )
    _create_outbox()
    _create_inbox()
    _create_failed_records()
    op.create_table(
        "watermarks",
        _connector(),
        sa.Column("resource", sa.Text(), nullable=False),
        _at("value_at"),
        sa.Column("value_text", sa.Text()),
        _at("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("connector_id", "resource", name="pk_watermarks"),
    )
    _create_sync_runs()
    op.create_table(
        "leases",
        _connector(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("holder", sa.Text(), nullable=False),
        _at("acquired_at", nullable=False),
        _at("expires_at", nullable=False),
        sa.PrimaryKeyConstraint("connector_id", "name", name="pk_leases"),
    )


def _create_outbox() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", RowId, nullable=False, autoincrement=True),
        _connector(),
        sa.Column("kind", sa.Text(), nullable=False),
        _json("payload"),
        sa.Column("dedupe_key", sa.Text()),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at", nullable=False),
        sa.Column("claimed_by", sa.Text()),
        _at("claimed_until"),
        sa.Column("last_error", sa.Text()),
        _at("created_at", nullable=False),
        _at("done_at"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.CheckConstraint(QUEUE_STATUSES, name="ck_outbox_status"),
    )
    op.create_index(
        "ix_outbox_connector_id_status_next_attempt_at",
        "outbox",
        ["connector_id", "status", "next_attempt_at"],
    )
    op.create_index(
        "uq_outbox_pending_dedupe_key",
        "outbox",
        ["connector_id", "dedupe_key"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )


def _create_inbox() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", RowId, nullable=False, autoincrement=True),
        _connector(),
        _at("received_at", nullable=False),
        sa.Column("content_type", sa.Text()),
        _json("headers"),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("query_string", sa.Text(), nullable=False),
        _gorgias_id("ticket_id"),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at", nullable=False),
        sa.Column("claimed_by", sa.Text()),
        _at("claimed_until"),
        sa.Column("last_error", sa.Text()),
        _at("done_at"),
        sa.PrimaryKeyConstraint("id", name="pk_inbox"),
        sa.CheckConstraint(QUEUE_STATUSES, name="ck_inbox_status"),
    )
    op.create_index(
        "ix_inbox_connector_id_status_next_attempt_at",
        "inbox",
        ["connector_id", "status", "next_attempt_at"],
    )


def _create_failed_records() -> None:
    op.create_table(
        "failed_records",
        sa.Column("id", RowId, nullable=False, autoincrement=True),
        _connector(),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("record_type", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        _json("payload", nullable=True),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
        _at("replayed_at"),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_failed_records"),
        sa.CheckConstraint(FAILURE_SOURCES, name="ck_failed_records_source"),
    )
    op.create_index(
        "uq_failed_records_open",
        "failed_records",
        ["connector_id", "source", "record_type", "record_id", "reason"],
        unique=True,
        sqlite_where=sa.text("resolved = 0"),
        postgresql_where=sa.text("resolved = false"),
    )


def _create_sync_runs() -> None:
    op.create_table(
        "sync_runs",
        sa.Column("id", RowId, nullable=False, autoincrement=True),
        _connector(),
        sa.Column("type", sa.Text(), nullable=False),
        _at("started_at", nullable=False),
        _at("finished_at"),
        sa.Column("status", sa.Text(), nullable=False),
        _json("counts"),
        _json("skips"),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("throttled_seconds", sa.Float(), nullable=False),
        sa.Column("gorgias_requests", sa.Integer(), nullable=False),
        sa.Column("brevo_requests", sa.Integer(), nullable=False),
        _json("pending"),
        sa.PrimaryKeyConstraint("id", name="pk_sync_runs"),
        sa.CheckConstraint(RUN_STATUSES, name="ck_sync_runs_status"),
        sa.CheckConstraint(RUN_TYPES, name="ck_sync_runs_type"),
    )
    op.create_index(
        "ix_sync_runs_connector_id_started_at",
        "sync_runs",
        ["connector_id", "started_at"],
    )


_TABLES = (
    "leases",
    "sync_runs",
    "watermarks",
    "failed_records",
    "inbox",
    "outbox",
    "emitted_events",
    "contact_links",
    "processed_events",
    "activity_counts",
    "users",
    "tags",
    "surveys",
    "tickets",
    "customers",
    "connections",
)


def downgrade() -> None:
    # Dropping a table drops its indexes with it.
    for name in _TABLES:
        op.drop_table(name)
