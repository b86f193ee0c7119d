"""What a dry run reports: nothing queued, and a contact for every planned line."""

from __future__ import annotations

from datetime import timedelta

from tajo.sync import DryRunPlan

from .conftest import World
from .helpers import add_customer


async def test_dry_run_leaves_nothing_queued(world: World) -> None:
    customer = add_customer(world.gorgias)
    world.gorgias.create_ticket(customer["id"], subject="Broken mug")

    report = await world.engine().run(mode="full", dry_run=True)

    assert isinstance(report.plan, DryRunPlan)
    assert len(report.plan.contacts) == 1
    assert len(report.plan.events) >= 1
    assert report.pending_writes == 0


async def test_dry_run_historical_events_name_their_contact(world: World) -> None:
    old = world.clock.now() - timedelta(days=400)
    customer = add_customer(world.gorgias)
    ticket = world.gorgias.create_ticket(customer["id"], subject="Old order")
    world.gorgias.seed_objects(
        tickets=[dict(ticket, created_datetime=old.isoformat())],
    )

    report = await world.engine().run(mode="full", dry_run=True)

    assert report.plan is not None
    opened = [
        item
        for item in report.plan.historical
        if item["event_name"] == "SUPPORT_TICKET_OPENED"
    ]
    assert opened, report.plan.historical
    assert opened[0]["identifiers"] == {"email_id": "ada@example.com"}
    assert opened[0]["ticket_id"] == ticket["id"]
