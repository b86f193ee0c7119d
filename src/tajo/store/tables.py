"""The state store's tables. Every row belongs to one connector.

`connector_id` (such as "gorgias" or "gorgias:yourstore") leads every primary
key and index, so one database serves many Gorgias accounts. Gorgias ids are
64-bit integers. The initial migration creates exactly these tables; a test
compares the migrated schema with this metadata.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)

from tajo.store.types import JSONDocument, RowId, UTCDateTime

QUEUE_STATUSES = ("pending", "in_progress", "done", "failed")
EVENT_STATES = ("planned", "sent", "skipped_backfill", "failed")
RUN_STATUSES = ("running", "succeeded", "failed", "interrupted")
RUN_TYPES = ("full", "incremental")
FAILURE_SOURCES = ("sync", "webhook", "writer")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


def _connector() -> Column[str]:
    return Column("connector_id", Text, nullable=False)


connections = Table(
    "connections",
    metadata,
    _connector(),
    Column("kind", Text, nullable=False),
    Column("domain", Text, nullable=False),
    Column("base_url", Text),
    Column("email", Text),
    Column("api_key_encrypted", LargeBinary, nullable=False),
    # A digest prefix shown to users; the key itself is never displayed.
    Column("key_fingerprint", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("rotated_at", UTCDateTime),
    PrimaryKeyConstraint("connector_id"),
)

customers = Table(
    "customers",
    metadata,
    _connector(),
    Column("id", BigInteger, nullable=False, autoincrement=False),
    Column("email", Text),
    Column("name", Text),
    Column("firstname", Text),
    Column("lastname", Text),
    Column("emails", JSONDocument, nullable=False),
    Column("phones", JSONDocument, nullable=False),
    Column("external_id", Text),
    Column("created_at", UTCDateTime),
    Column("updated_at", UTCDateTime),
    Column("custom_fields", JSONDocument, nullable=False),
    Column("shopify", JSONDocument, nullable=False),
    Column("customer_tags", JSONDocument, nullable=False),
    Column("deleted_at", UTCDateTime),
    Column("merged_into_id", BigInteger),
    Column("fetched_at", UTCDateTime, nullable=False),
    # Store time of the last change to the customer or to one of its tickets
    # or surveys: the planner's work list.
    Column("changed_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("connector_id", "id"),
    Index(None, "connector_id", "changed_at"),
    Index(None, "connector_id", "email"),
)

tickets = Table(
    "tickets",
    metadata,
    _connector(),
    Column("id", BigInteger, nullable=False, autoincrement=False),
    Column("customer_id", BigInteger),
    Column("status", Text, nullable=False),
    Column("channel", Text),
    Column("subject", Text),
    Column("spam", Boolean, nullable=False),
    Column("trashed", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    Column("tags", JSONDocument, nullable=False),
    Column("assignee_user_id", BigInteger),
    Column("assignee_name", Text),
    Column("first_response_seconds", Float),
    Column("fetched_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("connector_id", "id"),
    Index(None, "connector_id", "customer_id"),
)

surveys = Table(
    "surveys",
    metadata,
    _connector(),
    Column("id", BigInteger, nullable=False, autoincrement=False),
    Column("ticket_id", BigInteger, nullable=False),
    Column("customer_id", BigInteger),
    Column("score", Integer),
    Column("body_text", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("scored_at", UTCDateTime),
    Column("fetched_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("connector_id", "id"),
    Index(None, "connector_id", "customer_id"),
    Index(None, "connector_id", "ticket_id"),
)

tags = Table(
    "tags",
    metadata,
    _connector(),
    Column("id", BigInteger, nullable=False, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("data", JSONDocument, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("connector_id", "id"),
)

users = Table(
    "users",
    metadata,
    _connector(),
    Column("id", BigInteger, nullable=False, autoincrement=False),
    Column("name", Text),
    Column("email", Text),
    Column("data", JSONDocument, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("connector_id", "id"),
)

# Macro and rule usage counted from Gorgias events.
activity_counts = Table(
    "activity_counts",
    metadata,
    _connector(),
    Column("kind", Text, nullable=False),
    Column("object_id", BigInteger, nullable=False, autoincrement=False),
    Column("name", Text),
    Column("count", Integer, nullable=False),
    Column("last_at", UTCDateTime),
    PrimaryKeyConstraint("connector_id", "kind", "object_id"),
)

# Gorgias event ids already counted, so a re-read event is never counted twice.
processed_events = Table(
    "processed_events",
    metadata,
    _connector(),
    Column("event_id", BigInteger, nullable=False, autoincrement=False),
    Column("processed_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("connector_id", "event_id"),
)

contact_links = Table(
    "contact_links",
    metadata,
    _connector(),
    Column("customer_id", BigInteger, nullable=False, autoincrement=False),
    Column("email", Text),
    Column("sms", Text),
    Column("ext_id", Text),
    Column("brevo_contact_id", BigInteger),
    Column("last_pushed_attributes", JSONDocument, nullable=False),
    Column("last_pushed_hash", Text),
    # Brevo lists the connector last put the contact in.
    Column("list_ids", JSONDocument, nullable=False),
    Column("pushed_at", UTCDateTime),
    PrimaryKeyConstraint("connector_id", "customer_id"),
)

# The idempotency ledger: one row per transition that may become a Brevo event.
emitted_events = Table(
    "emitted_events",
    metadata,
    _connector(),
    Column("idempotency_key", Text, nullable=False),
    Column("event_name", Text, nullable=False),
    Column("customer_id", BigInteger),
    Column("event_date", UTCDateTime, nullable=False),
    Column("state", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    PrimaryKeyConstraint("connector_id", "idempotency_key"),
    _one_of("state", EVENT_STATES, "state"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    _connector(),
    Column("kind", Text, nullable=False),
    Column("payload", JSONDocument, nullable=False),
    Column("dedupe_key", Text),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claimed_by", Text),
    Column("claimed_until", UTCDateTime),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("done_at", UTCDateTime),
    _one_of("status", QUEUE_STATUSES, "status"),
    Index(None, "connector_id", "status", "next_attempt_at"),
    # A dedupe key is unique among pending rows only: once a row is claimed, a
    # newer change with the same key must queue again rather than be lost.
    Index(
        "uq_outbox_pending_dedupe_key",
        "connector_id",
        "dedupe_key",
        unique=True,
        sqlite_where=text("status = 'pending'"),
        postgresql_where=text("status = 'pending'"),
    ),
)

# Webhook deliveries, stored as received (headers redacted) before any work.
inbox = Table(
    "inbox",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    _connector(),
    Column("received_at", UTCDateTime, nullable=False),
    Column("content_type", Text),
    Column("headers", JSONDocument, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("query_string", Text, nullable=False),
    Column("ticket_id", BigInteger),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claimed_by", Text),
    Column("claimed_until", UTCDateTime),
    Column("last_error", Text),
    Column("done_at", UTCDateTime),
    _one_of("status", QUEUE_STATUSES, "status"),
    Index(None, "connector_id", "status", "next_attempt_at"),
)

failed_records = Table(
    "failed_records",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    _connector(),
    Column("source", Text, nullable=False),
    Column("record_type", Text, nullable=False),
    Column("record_id", Text, nullable=False),
    # A short code such as "invalid_datetime" or "sms_conflict".
    Column("reason", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("payload", JSONDocument),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("replayed_at", UTCDateTime),
    Column("resolved", Boolean, nullable=False),
    Column("attempts", Integer, nullable=False),
    _one_of("source", FAILURE_SOURCES, "source"),
    # One open entry per record and reason; a repeat failure bumps `attempts`.
    Index(
        "uq_failed_records_open",
        "connector_id",
        "source",
        "record_type",
        "record_id",
        "reason",
        unique=True,
        sqlite_where=text("resolved = 0"),
        postgresql_where=text("resolved = false"),
    ),
)

watermarks = Table(
    "watermarks",
    metadata,
    _connector(),
    Column("resource", Text, nullable=False),
    Column("value_at", UTCDateTime),
    Column("value_text", Text),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("connector_id", "resource"),
)

sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    _connector(),
    Column("type", Text, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("status", Text, nullable=False),
    Column("counts", JSONDocument, nullable=False),
    # Skipped records by reason, such as {"no_identifier": 3}.
    Column("skips", JSONDocument, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("throttled_seconds", Float, nullable=False),
    Column("gorgias_requests", Integer, nullable=False),
    Column("brevo_requests", Integer, nullable=False),
    Column("pending", JSONDocument, nullable=False),
    _one_of("status", RUN_STATUSES, "status"),
    _one_of("type", RUN_TYPES, "type"),
    Index(None, "connector_id", "started_at"),
)

leases = Table(
    "leases",
    metadata,
    _connector(),
    Column("name", Text, nullable=False),
    Column("holder", Text, nullable=False),
    Column("acquired_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("connector_id", "name"),
)

# The sync's work list: customers whose Brevo contact must be planned again.
# Rows are written with the page that changed the customer and deleted once
# the plan is queued, so a killed run loses none of them.
sync_dirty = Table(
    "sync_dirty",
    metadata,
    _connector(),
    Column("customer_id", BigInteger, nullable=False, autoincrement=False),
    Column("marked_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("connector_id", "customer_id"),
)

# Transitions found while storing a page, waiting to be planned as events.
sync_transitions = Table(
    "sync_transitions",
    metadata,
    _connector(),
    Column("idempotency_key", Text, nullable=False),
    Column("customer_id", BigInteger),
    Column("kind", Text, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("payload", JSONDocument, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("connector_id", "idempotency_key"),
    Index(None, "connector_id", "customer_id"),
)

# The E.164 number each customer would use as SMS; when several customers
# claim one number, only the lowest customer id sends it to Brevo.
sms_claims = Table(
    "sms_claims",
    metadata,
    _connector(),
    Column("customer_id", BigInteger, nullable=False, autoincrement=False),
    Column("sms", Text, nullable=False),
    PrimaryKeyConstraint("connector_id", "customer_id"),
    Index(None, "connector_id", "sms"),
)

# Per ticket: the first customer message and the first public agent reply,
# read from the cross-ticket messages list.
ticket_responses = Table(
    "ticket_responses",
    metadata,
    _connector(),
    Column("ticket_id", BigInteger, nullable=False, autoincrement=False),
    Column("first_customer_at", UTCDateTime),
    Column("first_reply_at", UTCDateTime),
    PrimaryKeyConstraint("connector_id", "ticket_id"),
)

CONNECTOR_TABLES = tuple(metadata.sorted_tables)
