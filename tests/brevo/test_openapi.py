from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tajo.brevo import (
    BrevoClient,
    BrevoEvent,
    ContactUpsert,
    EmailRecipient,
    ImportContact,
)


def _checker(openapi_checker: Any) -> Any:
    if isinstance(openapi_checker, str):
        pytest.skip(openapi_checker)
    return openapi_checker


async def test_openapi_every_client_request_valid(
    brevo: BrevoClient,
    sandbox: Any,
    sent_requests: list[Any],
    openapi_checker: Any,
) -> None:
    checker = _checker(openapi_checker)
    sandbox.seed(
        lists=[{"id": 7, "name": "Support customers"}],
        attributes=[{"name": "TICKET_COUNT", "category": "normal", "type": "float"}],
        contacts=[{"id": 9, "email": "seed@example.com", "ext_id": "gorgias/9"}],
    )
    when = datetime(2026, 8, 12, 23, 30, tzinfo=UTC)

    await brevo.get_account()
    await brevo.get_attributes()
    await brevo.create_attribute("CSAT_SCORE", "float")
    await brevo.create_attribute("TIER", "category", enumeration={"Gold": 1})
    folder_id = await brevo.create_folder("Gorgias")
    await brevo.get_folders()
    await brevo.create_list("CSAT promoters", folder_id=folder_id)
    await brevo.get_lists()

    await brevo.upsert_contact(
        ContactUpsert(
            email="jane@example.com",
            ext_id="gorgias-1",
            sms="+447700900123",
            attributes={"TICKET_COUNT": 3.0, "FIRSTNAME": "Jane"},
            list_ids=(7,),
        )
    )
    await brevo.update_contact(
        "gorgias/9", identifier_type="ext_id", attributes={"FIRSTNAME": "S"}
    )
    await brevo.get_contact(9, identifier_type="contact_id")
    await brevo.get_contact("+447700900123", identifier_type="phone_id")

    await brevo.add_to_list(7, ["seed@example.com"])
    await brevo.add_to_list(7, ["gorgias/9"], kind="extIds")
    await brevo.remove_from_list(7, [9], kind="ids")
    await brevo.import_contacts(
        [ImportContact(email="bulk@example.com", sms="+33639980012")], list_ids=[7]
    )

    await brevo.send_event(
        BrevoEvent(
            name="CSAT_SUBMITTED",
            identifiers={"email_id": "jane@example.com", "ext_id": "gorgias-1"},
            occurred_at=when,
            contact_properties={"CSAT_SCORE": 5},
            event_properties={"score": 4.5, "vip": True, "tags": ["a"]},
        )
    )
    await brevo.send_events(
        [
            BrevoEvent(
                name="SUPPORT_TICKET_OPENED", identifiers={"phone_id": "+33639980012"}
            )
        ]
    )
    await brevo.send_template_email(
        5, [EmailRecipient("jane@example.com", "Jane")], params={"agent": "Sam"}
    )

    operations = {(sent.method, sent.raw_path.split("/")[2]) for sent in sent_requests}
    problems = [p for sent in sent_requests for p in checker.problems(sent)]
    assert problems == []
    assert len(sent_requests) >= 20
    assert {op[1] for op in operations} == {
        "account",
        "contacts",
        "events",
        "processes",
        "smtp",
    }


@pytest.mark.parametrize(
    ("method", "raw_path", "body", "query"),
    [
        (
            "POST",
            "/v3/contacts",
            {"email": "not an email", "updateEnabled": True},
            None,
        ),
        ("POST", "/v3/contacts", {"email": "a@example.com", "listIds": ["7"]}, None),
        ("GET", "/v3/contacts/lists", None, {"limit": "51", "offset": "0"}),
        (
            "POST",
            "/v3/contacts/lists/7/contacts/add",
            {"emails": [f"u{i}@example.com" for i in range(151)]},
            None,
        ),
        ("POST", "/v3/contacts/lists/7/contacts/add", {"listIDs": [1]}, None),
        (
            "POST",
            "/v3/events",
            {"event_name": "bad name!", "identifiers": {"ext_id": "1"}},
            None,
        ),
        ("POST", "/v3/events", {"event_name": "X", "identifiers": {}}, None),
        ("POST", "/v3/events/batch", {"events": []}, None),
        ("GET", "/v3/contacts/a%40b.com", None, {"identifierType": "email"}),
        ("POST", "/v3/contacts/attributes/normal/X", {"type": "integer"}, None),
        ("GET", "/v3/nowhere", None, None),
    ],
    ids=[
        "bad-email",
        "list-id-string",
        "limit-51",
        "151-emails",
        "typo-key",
        "event-name",
        "no-identifier",
        "empty-batch",
        "identifier-type",
        "attribute-type",
        "unknown-path",
    ],
)
def test_openapi_checker_rejects_bad_requests(
    openapi_checker: Any,
    method: str,
    raw_path: str,
    body: object,
    query: dict[str, str] | None,
) -> None:
    checker = _checker(openapi_checker)
    assert checker.check(method, raw_path, body=body, query=query) != []


def test_openapi_literal_path_beats_identifier(openapi_checker: Any) -> None:
    checker = _checker(openapi_checker)
    problems = checker.check("GET", "/v3/contacts/lists", query={"limit": "51"})
    assert "/contacts/lists)" in problems[0]


def test_openapi_reference_examples_valid(
    openapi_checker: Any, openapi_folder: Path
) -> None:
    checker = _checker(openapi_checker)
    folder = openapi_folder.parent
    examples = sorted(folder.glob("*_request.json"))
    checked = 0
    for path in examples:
        example = json.loads(path.read_text(encoding="utf-8"))
        if not example.get("path", "").startswith("/v3/"):
            continue
        assert (
            checker.check(
                example["method"],
                example["path"],
                body=example.get("body"),
                query=example.get("query"),
            )
            == []
        ), path.name
        checked += 1
    assert checked >= 10
