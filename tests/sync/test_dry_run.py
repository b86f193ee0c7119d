"""A dry run reads Gorgias, plans, and writes nothing anywhere."""

from __future__ import annotations

from datetime import timedelta

from tajo.store import get_watermark, store_status

from .conftest import World
from .helpers import add_customer, events_named


async def test_dry_run_writes_nothing_to_brevo(world: World) -> None:
    customer = add_customer(world.gorgias)
    world.gorgias.create_ticket(customer["id"], subject="Order late")

    report = await world.engine().run(mode="full", dry_run=True)

    assert world.brevo_writes() == []
    assert report.plan is not None
    assert [c["email"] for c in report.plan.contacts] == ["ada@example.com"]
    names = sorted(e["event"]["event_name"] for e in report.plan.events)
    assert names == ["SUPPORT_CUSTOMER_CREATED", "SUPPORT_TICKET_OPENED"]


async def test_dry_run_lists_historical_events(world: World) -> None:
    customer = add_customer(world.gorgias)
    world.gorgias.create_ticket(customer["id"], subject="Long ago")
    world.clock.advance(timedelta(days=45).total_seconds())

    report = await world.engine().run(mode="full", dry_run=True)

    assert report.plan is not None
    assert report.plan.events == ()
    historical = sorted(item["event_name"] for item in report.plan.historical)
    assert historical == ["SUPPORT_CUSTOMER_CREATED", "SUPPORT_TICKET_OPENED"]
    assert report.historical_events == 2


async def test_dry_run_leaves_store_for_the_real_run(world: World) -> None:
    customer = add_customer(world.gorgias)
    world.gorgias.create_ticket(customer["id"], subject="Order late")
    await world.engine().run(mode="full", dry_run=True)

    with world.store.transaction("gorgias", read_only=True) as tx:
        assert get_watermark(tx, "tickets") is None
        assert store_status(tx).tickets_tracked == 0
    await world.engine().run(mode="full")

    assert len(events_named(world.brevo.state(), "SUPPORT_TICKET_OPENED")) == 1
