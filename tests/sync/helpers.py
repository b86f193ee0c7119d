"""Small builders for the sync tests: customers and tickets made in the simulator."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tajo.sandbox.gorgias import GorgiasSandbox


def add_customer(
    sandbox: GorgiasSandbox,
    email: str | None = "ada@example.com",
    *,
    phone: str | None = None,
    name: str = "Ada Lovelace",
) -> dict[str, Any]:
    """Create a customer as an agent would, with email and phone channels."""
    channels: list[dict[str, Any]] = []
    if email is not None:
        channels.append({"type": "email", "address": email, "preferred": True})
    if phone is not None:
        channels.append({"type": "phone", "address": phone, "preferred": email is None})
    return sandbox.create_customer(email=email, name=name, channels=channels)


def events_named(state: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Return the simulator's events called `name`."""
    return [event for event in state["events"] if event["event_name"] == name]


def contact(state: dict[str, Any], email: str) -> dict[str, Any]:
    """Return the simulator's contact with this email."""
    found: list[dict[str, Any]] = [c for c in state["contacts"] if c["email"] == email]
    assert len(found) == 1, f"{len(found)} contacts for {email}"
    return found[0]


def same_instant(text: str, moment: datetime) -> bool:
    """Return True when an ISO datetime string names `moment`."""
    return datetime.fromisoformat(text) == moment
