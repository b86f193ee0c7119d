"""Reading a simulated account over loopback: records, pages and re-fetches."""

from __future__ import annotations

from datetime import UTC, datetime

from tajo.gorgias import iter_items

from .conftest import SandboxSetup


def customer(customer_id: int, updated: str, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": customer_id,
        "email": f"customer{customer_id}@example.com",
        "name": f"Customer {customer_id}",
        "channels": [],
        "created_datetime": "2026-01-01T00:00:00+00:00",
        "updated_datetime": updated,
    }
    record.update(fields)
    return record


async def test_mixed_datetime_formats_in_one_page(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(
        customers=[
            customer(1, "2026-08-12T10:00:00"),
            customer(2, "2026-08-12T11:00:00.250000+00:00"),
            customer(3, "2026-08-12T12:30:00+02:00"),
            customer(4, "2026-08-12 09:00:00.5+00:00"),
            customer(5, "2026-08-12T08:00:00-04:00"),
        ]
    )
    client = account.client()
    pages = [page async for page in client.customer_pages()]
    assert len(pages) == 1
    assert pages[0].failed == []
    by_id = {item.id: item.updated_datetime for item in pages[0].items}
    assert by_id[1] == datetime(2026, 8, 12, 10, 0, tzinfo=UTC)
    assert by_id[2] == datetime(2026, 8, 12, 11, 0, 0, 250000, tzinfo=UTC)
    assert by_id[3] == datetime(2026, 8, 12, 10, 30, tzinfo=UTC)
    assert by_id[4] == datetime(2026, 8, 12, 9, 0, 0, 500000, tzinfo=UTC)
    assert by_id[5] == datetime(2026, 8, 12, 12, 0, tzinfo=UTC)
    ordered = sorted(by_id, key=lambda key: by_id[key])
    assert ordered == [4, 1, 3, 2, 5]


async def test_unparsable_datetime_fails_one_record(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(
        customers=[
            customer(1, "2026-08-12T10:00:00"),
            customer(2, "last tuesday"),
            customer(3, "2026-08-11T10:00:00"),
        ]
    )
    client = account.client()
    pages = [page async for page in client.customer_pages()]
    assert sorted(item.id for item in pages[0].items) == [1, 3]
    assert [record.record_id for record in pages[0].failed] == [2]
    assert "last tuesday" in pages[0].failed[0].reason


async def test_item_helper_reports_failed_records(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(
        customers=[customer(1, "2026-08-12T10:00:00"), customer(2, "never")]
    )
    client = account.client()
    failed: list[object] = []
    ids = [
        item.id
        async for item in iter_items(client.customer_pages(), on_failed=failed.append)
    ]
    assert ids == [1]
    assert len(failed) == 1


async def test_customer_without_email_or_name(account: SandboxSetup) -> None:
    phone_only = customer(
        9,
        "2026-08-12T10:00:00+00:00",
        email=None,
        name=None,
        firstname="",
        lastname="",
        channels=[
            {"id": 91, "type": "phone", "address": "06 12 34 56 78", "preferred": True}
        ],
    )
    account.sandbox.seed_objects(customers=[phone_only])
    client = account.client()
    fetched = await client.get_customer(9)
    assert fetched.email is None
    assert fetched.name is None
    assert fetched.channel_addresses("phone") == ["06 12 34 56 78"]


async def test_ticket_without_customer(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(
        tickets=[
            {
                "id": 501,
                "status": "open",
                "channel": "api",
                "customer": None,
                "tags": [],
                "created_datetime": "2026-08-01T00:00:00",
                "updated_datetime": "2026-08-01T00:00:00",
            }
        ]
    )
    client = account.client()
    fetched = await client.get_ticket(501)
    assert fetched.customer is None
    listed = [page async for page in client.ticket_pages()]
    assert [ticket.id for ticket in listed[0].items] == [501]
    assert listed[0].items[0].customer is None


async def test_refetch_reports_deleted_ticket(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(
        tickets=[
            {
                "id": 777,
                "status": "closed",
                "updated_datetime": "2026-08-01T00:00:00+00:00",
            },
            {
                "id": 778,
                "status": "open",
                "updated_datetime": "2026-08-02T00:00:00+00:00",
            },
        ]
    )
    account.sandbox.inject_fault("not_found", path_prefix="/api/tickets/777")
    client = account.client()
    batch = await client.get_tickets([777, 778])
    assert batch.deleted_ids == [777]
    assert [ticket.id for ticket in batch.tickets] == [778]
    assert batch.failed == []
    statuses = [
        r.status for r in account.requests() if r.path.startswith("/api/tickets")
    ]
    assert statuses == [404, 200]


async def test_refetch_reports_hard_deleted_ticket(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(
        tickets=[
            {"id": 778, "status": "open", "updated_datetime": "2026-08-02T00:00:00"}
        ]
    )
    client = account.client()
    batch = await client.get_tickets([777, 778])
    assert batch.deleted_ids == [777]
    assert [ticket.id for ticket in batch.tickets] == [778]


async def test_customer_custom_fields(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(
        customers=[customer(1, "2026-08-12T10:00:00")],
        customer_custom_field_values={
            1: [
                {
                    "field": {
                        "id": 1201,
                        "label": "Loyalty tier",
                        "object_type": "Customer",
                    },
                    "prediction": None,
                    "value": "gold",
                }
            ]
        },
    )
    client = account.client()
    values = await client.get_customer_custom_fields(1)
    assert [(value.label, value.value) for value in values] == [
        ("Loyalty tier", "gold")
    ]


async def test_account_probe(account: SandboxSetup) -> None:
    client = account.client()
    fetched = await client.get_account()
    assert fetched.domain is not None
    assert account.requests("/api/account")[0].status == 200
