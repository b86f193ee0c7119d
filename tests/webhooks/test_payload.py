"""Finding the ticket id in each body shape Gorgias sends."""

from __future__ import annotations

import json

import pytest

from tajo.webhooks import DeliveryRejected, read_delivery

JSON = "application/json; charset=utf-8"
FORM = "application/x-www-form-urlencoded"


def test_read_delivery_templated_strings() -> None:
    body = json.dumps(
        {"event_type": "ticket-updated", "ticket_id": "4411", "ticket_status": "closed"}
    ).encode()
    hints = read_delivery(body, JSON, {})
    assert (hints.ticket_id, hints.event_type) == (4411, "ticket-updated")


def test_read_delivery_whole_ticket_context() -> None:
    body = json.dumps(
        {"id": 902, "uri": "/api/tickets/902/", "status": "open", "customer": {}}
    ).encode()
    assert read_delivery(body, JSON, {}).ticket_id == 902


def test_read_delivery_flat_integration_context() -> None:
    body = json.dumps({"id": 77, "status": "closed", "customer_id": 5}).encode()
    assert read_delivery(body, JSON, {}).ticket_id == 77


def test_read_delivery_nested_ticket_object() -> None:
    body = json.dumps({"ticket": {"id": "310"}, "event": {"type": "x"}}).encode()
    hints = read_delivery(body, JSON, {})
    assert (hints.ticket_id, hints.event_type) == (310, "x")


def test_read_delivery_form_body() -> None:
    hints = read_delivery(b"ticket_id=55&event_type=ticket-created", FORM, {})
    assert hints.ticket_id == 55


def test_read_delivery_empty_body_uses_query() -> None:
    assert read_delivery(b"", None, {"ticket_id": "12"}).ticket_id == 12


def test_read_delivery_bare_id_422() -> None:
    # A bare {"id": ...} could be a customer or a message id.
    with pytest.raises(DeliveryRejected) as caught:
        read_delivery(b'{"id": 5}', JSON, {})
    assert caught.value.status == 422


@pytest.mark.parametrize(
    "value",
    ["{{ticket.id}}", "", "0", "-3", "12.5", True, None, [1]],
    ids=["unrendered", "empty", "zero", "negative", "decimal", "bool", "null", "list"],
)
def test_read_delivery_invalid_ticket_id_422(value: object) -> None:
    body = json.dumps({"ticket_id": value}).encode()
    with pytest.raises(DeliveryRejected) as caught:
        read_delivery(body, JSON, {})
    assert (caught.value.status, caught.value.reason) == (422, "invalid_ticket_id")


def test_read_delivery_invalid_json_400() -> None:
    with pytest.raises(DeliveryRejected) as caught:
        read_delivery(b'{"ticket_id": ', JSON, {})
    assert (caught.value.status, caught.value.reason) == (400, "invalid_json")


def test_read_delivery_deep_json_400() -> None:
    with pytest.raises(DeliveryRejected) as caught:
        read_delivery(b"[" * 100_000, JSON, {})
    assert caught.value.status == 400


def test_read_delivery_json_array_422() -> None:
    with pytest.raises(DeliveryRejected) as caught:
        read_delivery(b"[1, 2]", JSON, {})
    assert caught.value.status == 422


def test_read_delivery_unknown_content_type_415() -> None:
    with pytest.raises(DeliveryRejected) as caught:
        read_delivery(b"ticket_id=1", "text/plain", {})
    assert caught.value.status == 415


def test_read_delivery_missing_content_type_415() -> None:
    with pytest.raises(DeliveryRejected) as caught:
        read_delivery(b'{"ticket_id": "1"}', None, {})
    assert caught.value.status == 415


def test_read_delivery_form_not_utf8_400() -> None:
    with pytest.raises(DeliveryRejected) as caught:
        read_delivery(b"ticket_id=\xff\xfe", FORM, {})
    assert caught.value.status == 400


def test_read_delivery_nothing_names_a_ticket_422() -> None:
    with pytest.raises(DeliveryRejected) as caught:
        read_delivery(b"", None, {})
    assert caught.value.reason == "no_ticket_id"
