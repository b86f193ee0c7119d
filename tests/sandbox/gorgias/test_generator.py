"""The account generator: deterministic, realistic and messy."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tajo.sandbox.gorgias import AccountData, GorgiasSandbox, generate_account

from .conftest import NOW


def instant(value: str) -> datetime:
    """Parse a generated datetime; values without an offset are UTC."""
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def data() -> AccountData:
    return generate_account(2024, customers=2000, tickets=4000, surveys=500, now=NOW)


def dump(data: AccountData) -> str:
    return json.dumps(dataclasses.asdict(data), sort_keys=True)


def test_generator_same_seed_same_bytes() -> None:
    first = generate_account(5, customers=120, tickets=300, surveys=40, now=NOW)
    second = generate_account(5, customers=120, tickets=300, surveys=40, now=NOW)
    assert dump(first) == dump(second)


def test_generator_other_seed_other_data() -> None:
    first = generate_account(5, customers=50, tickets=80, surveys=10, now=NOW)
    second = generate_account(6, customers=50, tickets=80, surveys=10, now=NOW)
    assert dump(first) != dump(second)


def test_generator_sizes(data: AccountData) -> None:
    assert len(data.customers) == 2000
    assert len(data.tickets) == 4000
    assert len(data.surveys) == 500
    assert len(data.users) == 8
    assert len(data.tags) == 25


def test_generator_ids_unique(data: AccountData) -> None:
    for name in ("customers", "tickets", "messages", "surveys", "events"):
        ids = [obj["id"] for obj in getattr(data, name)]
        assert len(ids) == len(set(ids)), name


def test_generator_rejects_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_account(
            1, customers=1, tickets=1, surveys=0, now=NOW.replace(tzinfo=None)
        )


def test_generator_rejects_negative_size() -> None:
    with pytest.raises(ValueError, match="tickets=-1"):
        generate_account(1, customers=1, tickets=-1, surveys=0, now=NOW)


def test_customers_without_email_or_name(data: AccountData) -> None:
    no_email = [c for c in data.customers if c["email"] is None]
    nameless = [c for c in no_email if not c["name"]]
    assert len(no_email) > 200
    assert len(nameless) > 50
    assert any(c["name"] is None for c in nameless)
    assert any(c["name"] == "" for c in nameless)


def test_messy_emails(data: AccountData) -> None:
    emails = [c["email"] for c in data.customers if c["email"]]
    mixed_case = [e for e in emails if e.strip() != e.strip().lower()]
    stray_spaces = [e for e in emails if e != e.strip()]
    assert len(mixed_case) > 20
    assert len(stray_spaces) > 5
    assert all(
        e.strip().endswith("example.com") or e.strip().endswith("Example.com")
        for e in emails
    )


PHONE_STYLES = {
    "e164": r"^\+1555555\d{4}$",
    "french-local": r"^06 \d\d \d\d \d\d \d\d$",
    "us-local": r"^\(202\) 555-01\d\d$",
    "uk-trunk": r"^\+44 \(0\)7700 900\d{3}$",
    "international-prefix": r"^0033 6 ",
    "garbage": r"^\d{5}$",
}


def phones(data: AccountData) -> list[str]:
    return [
        ch["address"]
        for c in data.customers
        for ch in c["channels"]
        if ch["type"] in ("phone", "sms")
    ]


@pytest.mark.parametrize("style", sorted(PHONE_STYLES))
def test_phone_formats_present(data: AccountData, style: str) -> None:
    pattern = re.compile(PHONE_STYLES[style])
    assert any(pattern.search(p) for p in phones(data))


def test_shared_phones(data: AccountData) -> None:
    owners: dict[str, set[int]] = {}
    for customer in data.customers:
        for channel in customer["channels"]:
            if channel["type"] in ("phone", "sms"):
                owners.setdefault(channel["address"], set()).add(customer["id"])
    shared = [address for address, ids in owners.items() if len(ids) > 1]
    assert len(shared) > 5


def test_shopify_data_in_integrations(data: AccountData) -> None:
    shops = [c["integrations"]["6"] for c in data.customers if "6" in c["integrations"]]
    assert len(shops) > 300
    for shop in shops:
        assert shop["__integration_type__"] == "shopify"
        assert isinstance(shop["customer"]["orders_count"], int)
        assert re.fullmatch(r"\d+\.\d\d", shop["customer"]["total_spent"])
        assert isinstance(shop["customer"]["tags"], str)
    assert any(shop["customer"]["tags"] for shop in shops)
    order_dates = [o["created_at"] for s in shops for o in s["orders"]]
    assert any(not d.endswith("+00:00") for d in order_dates)


def test_customers_with_tags_only_on_tickets(data: AccountData) -> None:
    tagged_owner_ids = {
        t["customer"]["id"] for t in data.tickets if t["customer"] and t["tags"]
    }
    without_shop_tags = [
        c
        for c in data.customers
        if c["id"] in tagged_owner_ids
        and not (c["integrations"].get("6") or {}).get("customer", {}).get("tags")
    ]
    assert len(without_shop_tags) > 100


def test_custom_field_values(data: AccountData) -> None:
    values = data.customer_custom_field_values
    assert len(values) > 1000
    entries = [e for v in values.values() for e in v]
    assert any(e["value"] is None for e in entries)
    kinds = {type(e["value"]).__name__ for e in entries}
    assert {"str", "bool", "float", "NoneType"} <= kinds
    known = {c["id"] for c in data.customers}
    assert set(values) <= known


def test_ticket_states(data: AccountData) -> None:
    tickets = data.tickets
    reopened = {e["object_id"] for e in data.events if e["type"] == "ticket-reopened"}
    counts = Counter(t["status"] for t in tickets)
    assert counts["open"] > 500
    assert counts["closed"] > 1500
    assert sum(t["spam"] for t in tickets) > 20
    assert sum(t["trashed_datetime"] is not None for t in tickets) > 20
    assert sum(t["customer"] is None for t in tickets) > 10
    assert reopened
    assert all(t["status"] == "open" for t in tickets if t["id"] in reopened)


def test_messages_allow_first_response_time(data: AccountData) -> None:
    answered = 0
    for ticket in data.tickets:
        messages = ticket["messages"]
        first_in = next((m for m in messages if not m["from_agent"]), None)
        first_out = next(
            (
                m
                for m in messages
                if m["from_agent"] and m["public"] and not m["rule_id"]
            ),
            None,
        )
        if first_in and first_out:
            start = instant(first_in["created_datetime"])
            reply = instant(first_out["created_datetime"])
            assert start is not None
            assert reply is not None
            assert reply > start
            answered += 1
    assert answered > 2000


def test_internal_notes_and_rule_replies(data: AccountData) -> None:
    notes = [m for m in data.messages if not m["public"]]
    by_rule = [m for m in data.messages if m["rule_id"] is not None]
    assert len(notes) > 50
    assert all(n["channel"] == "internal-note" for n in notes)
    assert len(by_rule) > 50


def test_survey_states(data: AccountData) -> None:
    surveys = data.surveys
    unsent = [s for s in surveys if s["sent_datetime"] is None]
    waiting = [s for s in surveys if s["sent_datetime"] and s["score"] is None]
    scored = [s for s in surveys if s["score"] is not None]
    assert len(unsent) > 10
    assert len(waiting) > 50
    assert len(scored) > 200
    assert all(1 <= s["score"] <= 5 for s in scored)
    delays = [
        instant(s["scored_datetime"]) - instant(s["created_datetime"]) for s in scored
    ]
    assert max(delays) > timedelta(days=1)


def test_one_survey_per_ticket(data: AccountData) -> None:
    ticket_ids = [s["ticket_id"] for s in data.surveys]
    assert len(ticket_ids) == len(set(ticket_ids))
    embedded = [
        t["satisfaction_survey"]["id"] for t in data.tickets if t["satisfaction_survey"]
    ]
    assert sorted(embedded) == sorted(s["id"] for s in data.surveys)


def test_event_types_and_window(data: AccountData) -> None:
    types = {e["type"] for e in data.events}
    wanted = {
        "ticket-created",
        "ticket-closed",
        "ticket-updated",
        "macro-applied",
        "rule-executed",
        "customer-merged",
        "customer-deleted",
        "satisfaction-survey-responded",
    }
    assert wanted <= types
    oldest = NOW - timedelta(days=365)
    for event in data.events:
        moment = instant(event["created_datetime"])
        assert moment is not None
        assert oldest <= moment <= NOW


def test_events_reference_vanished_customers(data: AccountData) -> None:
    known = {c["id"] for c in data.customers}
    deleted = [e["object_id"] for e in data.events if e["type"] == "customer-deleted"]
    merged = [e for e in data.events if e["type"] == "customer-merged"]
    assert all(customer_id not in known for customer_id in deleted)
    assert all(e["data"]["source_id"] not in known for e in merged)
    assert all(e["object_id"] in known for e in merged)


DATETIME_STYLES = {
    "offset-micros": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$",
    "naive-micros": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$",
    "offset-seconds": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$",
    "space-separator": r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$",
}


@pytest.mark.parametrize("style", sorted(DATETIME_STYLES))
def test_datetime_formats_mixed(data: AccountData, style: str) -> None:
    pattern = re.compile(DATETIME_STYLES[style])
    stamps = [t["updated_datetime"] for t in data.tickets]
    assert sum(bool(pattern.match(s)) for s in stamps) > 100


def test_load_serves_generated_account(data: AccountData) -> None:
    with GorgiasSandbox() as sandbox:
        sandbox.load(generate_account(3, customers=30, tickets=60, surveys=10, now=NOW))
        assert len(sandbox.store["customers"]) == 30
        assert len(sandbox.store["tickets"]) == 60


def test_from_seed_owner_is_sandbox_email() -> None:
    with GorgiasSandbox.from_seed(
        3, customers=5, tickets=5, surveys=1, now=NOW, email="boss@example.com"
    ) as sandbox:
        owner = sandbox.current_user()
    assert owner is not None
    assert owner["role"] == {"name": "admin"}


def test_generator_scales_to_large_account() -> None:
    large = generate_account(
        1, customers=14_200, tickets=28_600, surveys=3_400, now=NOW
    )
    assert len(large.customers) == 14_200
    assert len(large.tickets) == 28_600
    assert len(large.surveys) == 3_400
