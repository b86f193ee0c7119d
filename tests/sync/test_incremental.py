"""Incremental syncs: late survey scores, quiet reruns, shared phones, leases."""

from __future__ import annotations

from datetime import datetime

import pytest

from tajo.errors import LeaseHeldError
from tajo.store import acquire_lease, last_sync_run

from .conftest import SATISFIED_LIST, World
from .helpers import add_customer, contact, events_named, same_instant


async def test_late_survey_score_sends_submitted_and_new_score(world: World) -> None:
    customer = add_customer(world.gorgias)
    ticket = world.gorgias.create_ticket(customer["id"], subject="Where is my order?")
    world.gorgias.close_ticket(ticket["id"])
    survey = world.gorgias.send_survey(ticket["id"])
    await world.engine().run(mode="full")
    world.clock.advance(2 * 86400)
    answered = world.gorgias.answer_survey(survey["id"], 5, body_text="Great")

    report = await world.engine().run(mode="incremental")

    state = world.brevo.state()
    submitted = events_named(state, "CSAT_SUBMITTED")
    assert len(submitted) == 1
    assert same_instant(
        submitted[0]["event_date"], datetime.fromisoformat(answered["scored_datetime"])
    )
    assert submitted[0]["event_properties"]["score"] == 5
    person = contact(state, "ada@example.com")
    assert person["attributes"]["CSAT_SCORE"] == 5
    assert SATISFIED_LIST in person["listIds"]
    assert report.events_sent == 1


async def test_second_incremental_sends_nothing(world: World) -> None:
    customer = add_customer(world.gorgias)
    world.gorgias.create_ticket(customer["id"], subject="Refund", tags=["vip"])
    await world.engine().run(mode="full")
    brevo_before = len(world.brevo.requests)

    report = await world.engine().run(mode="incremental")

    assert world.brevo_writes(brevo_before) == []
    assert report.contacts_written == 0
    assert report.events_sent == 0


async def test_shared_phone_goes_to_lowest_customer_id(world: World) -> None:
    first = add_customer(world.gorgias, "first@example.com", phone="+1 555-555-0101")
    add_customer(world.gorgias, "second@example.com", phone="(555) 555-0101")
    add_customer(world.gorgias, None, phone="+15555550101")

    report = await world.engine().run(mode="full")

    state = world.brevo.state()
    owner = contact(state, "first@example.com")
    other = contact(state, "second@example.com")
    assert owner["attributes"]["SMS"] == "15555550101"
    assert owner["attributes"]["GORGIAS_ID"] == str(first["id"])
    assert "SMS" not in other["attributes"]
    assert len(state["contacts"]) == 2
    assert report.skipped["sms_shared"] == 2


async def test_lease_held_by_live_process_refuses_run(world: World) -> None:
    with world.store.transaction("gorgias") as tx:
        acquire_lease(tx, "sync:gorgias", "another-host:1", ttl_seconds=600)

    with pytest.raises(LeaseHeldError):
        await world.engine().run(mode="incremental")


async def test_run_records_counts_for_status(world: World) -> None:
    add_customer(world.gorgias)
    add_customer(world.gorgias, None, name="No Address")

    report = await world.engine().run(mode="full")

    with world.store.transaction("gorgias", read_only=True) as tx:
        run = last_sync_run(tx)
    assert run is not None
    assert run.status == "succeeded"
    assert run.counts["contacts_written"] == 1
    assert run.skips["no_email_or_phone"] == 1
    assert run.gorgias_requests == report.gorgias_requests
    assert run.pending == {"outbox": 0, "dirty": 0}


class Recorder:
    """A progress listener that keeps what it is told."""

    def __init__(self) -> None:
        self.stages: list[str] = []
        self.advanced: dict[str, int] = {}
        self.estimates: list[tuple[int | None, float]] = []
        self.throttled = 0.0

    def on_stage(self, name: str, total: int | None) -> None:
        self.stages.append(name)

    def on_advance(self, name: str, count: int) -> None:
        self.advanced[name] = self.advanced.get(name, 0) + count

    def on_throttle(self, seconds: float) -> None:
        self.throttled += seconds

    def on_message(self, text: str) -> None:
        return None

    def on_estimate(self, remaining_requests: int | None, seconds: float) -> None:
        self.estimates.append((remaining_requests, seconds))


async def test_progress_reports_stages_and_estimate(world: World) -> None:
    add_customer(world.gorgias)
    await world.engine().run(mode="full")
    recorder = Recorder()

    await world.engine(progress=recorder).run(mode="full")

    assert recorder.stages[:3] == ["tags", "users", "custom_fields"]
    assert recorder.stages[-2:] == ["plan", "write"]
    assert recorder.advanced["customers"] == 1
    remaining = [count or 0 for count, _ in recorder.estimates]
    assert remaining == sorted(remaining, reverse=True)
    assert remaining[0] > remaining[-1]


async def test_estimate_comes_from_previous_run_of_same_mode(world: World) -> None:
    add_customer(world.gorgias)
    full = await world.engine().run(mode="full")
    first_incremental = Recorder()
    await world.engine(progress=first_incremental).run(mode="incremental")
    second_incremental = Recorder()
    incremental = await world.engine(progress=second_incremental).run(
        mode="incremental"
    )

    # No incremental run had finished yet, and a full run's count would
    # overstate an incremental one many times over.
    assert first_incremental.estimates == []
    remaining = [count or 0 for count, _ in second_incremental.estimates]
    assert max(remaining) <= incremental.gorgias_requests
    assert max(remaining) < full.gorgias_requests
