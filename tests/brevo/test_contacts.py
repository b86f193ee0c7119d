from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tajo.brevo import (
    BrevoClient,
    ContactUpsert,
    normalize_email,
    prepare_attributes,
    prepare_identity,
)
from tajo.brevo.values import REASON_NO_EMAIL_OR_PHONE
from tajo.errors import (
    AuthenticationError,
    IdentifierConflictError,
    InvalidPhoneError,
    NotFoundError,
)

API_KEY = "xkeysib-fake-key-for-tests"

ATTRIBUTES: list[dict[str, Any]] = [
    {"name": "CSAT_SCORE", "category": "normal", "type": "float"},
    {"name": "VIP", "category": "normal", "type": "boolean"},
    {"name": "TICKET_COUNT", "category": "normal", "type": "float"},
    {"name": "LAST_SUPPORT_DATE", "category": "normal", "type": "date"},
]
# The SMS belongs to one contact and the email to another, so an upsert that
# sends both names two different contacts.
SMS_OWNER_AND_OTHER: list[dict[str, Any]] = [
    {"email": "owner@example.com", "attributes": {"SMS": "+33612345678"}},
    {"email": "other@example.com"},
]
LISTS: list[dict[str, Any]] = [
    {"id": 3, "name": "Newsletter"},
    {"id": 7, "name": "Gorgias - support customers"},
]


def _contact_writes(sandbox: Any) -> list[Any]:
    return [r for r in sandbox.requests if r.path.startswith("/v3/contacts")]


async def test_upsert_existing_contact_one_request(
    brevo: BrevoClient, sandbox: Any
) -> None:
    sandbox.seed(
        attributes=ATTRIBUTES,
        lists=LISTS,
        contacts=[{"email": "jane@example.com", "listIds": [3]}],
    )
    result = await brevo.upsert_contact(
        ContactUpsert(
            email="jane@example.com", attributes={"CSAT_SCORE": 5.0}, list_ids=(7,)
        )
    )
    contact = sandbox.find_contact(email="jane@example.com")
    assert len(_contact_writes(sandbox)) == 1
    assert result.created is False
    assert contact["listIds"] == [3, 7]
    assert contact["attributes"]["CSAT_SCORE"] == 5


async def test_upsert_unknown_email_creates(brevo: BrevoClient, sandbox: Any) -> None:
    result = await brevo.upsert_contact(ContactUpsert(email="new@example.com"))
    contact = sandbox.find_contact(email="new@example.com")
    assert result.created is True
    assert result.contact_id == contact["id"]


async def test_upsert_mixed_case_email_updates_existing(
    brevo: BrevoClient, sandbox: Any
) -> None:
    sandbox.seed(contacts=[{"email": "jane.roe@example.com"}])
    email = normalize_email("  Jane.Roe@Example.COM ").value
    result = await brevo.upsert_contact(
        ContactUpsert(email=email, attributes={"FIRSTNAME": "Jane"})
    )
    state = sandbox.state()
    assert result.created is False
    assert [c["email"] for c in state["contacts"]] == ["jane.roe@example.com"]
    assert state["contacts"][0]["attributes"]["FIRSTNAME"] == "Jane"


@pytest.mark.parametrize("code", ["duplicate_parameter", "invalid_parameter"])
async def test_sms_conflict_classified_for_both_codes(
    make_client: Any, serve_sandbox: Any, code: str
) -> None:
    sandbox, url = serve_sandbox(sms_conflict_code=code)
    sandbox.seed(contacts=SMS_OWNER_AND_OTHER)
    client = await make_client(httpx.AsyncHTTPTransport(), base_url=url)
    with pytest.raises(IdentifierConflictError) as caught:
        await client.upsert_contact(
            ContactUpsert(email="other@example.com", sms="+33612345678")
        )
    assert caught.value.code == code
    assert caught.value.identifiers == ["SMS"]


@pytest.mark.parametrize("code", ["duplicate_parameter", "invalid_parameter"])
async def test_sms_conflict_fallback_writes_without_sms(
    make_client: Any, serve_sandbox: Any, code: str
) -> None:
    sandbox, url = serve_sandbox(sms_conflict_code=code)
    sandbox.seed(contacts=SMS_OWNER_AND_OTHER)
    client = await make_client(httpx.AsyncHTTPTransport(), base_url=url)
    outcome = await client.upsert_contact_with_sms_fallback(
        ContactUpsert(
            email="other@example.com",
            sms="+33612345678",
            attributes={"FIRSTNAME": "Al"},
        )
    )
    written = sandbox.find_contact(email="other@example.com")
    posts = [r for r in sandbox.requests if r.path == "/v3/contacts"]
    assert outcome.sms_dropped
    assert isinstance(outcome.sms_rejection, IdentifierConflictError)
    assert outcome.sms_rejection.identifiers == ["SMS"]
    assert outcome.result.created is False
    assert written["attributes"]["FIRSTNAME"] == "Al"
    assert "SMS" not in written["attributes"]
    assert len(posts) == 2
    assert "SMS" not in posts[1].body.get("attributes", {})


async def test_sms_fallback_on_invalid_phone(brevo: BrevoClient, sandbox: Any) -> None:
    outcome = await brevo.upsert_contact_with_sms_fallback(
        ContactUpsert(email="jane@example.com", attributes={"SMS": "0612"})
    )
    assert isinstance(outcome.sms_rejection, InvalidPhoneError)
    assert sandbox.find_contact(email="jane@example.com") is not None


async def test_sms_fallback_without_conflict_sends_once(
    brevo: BrevoClient, sandbox: Any
) -> None:
    outcome = await brevo.upsert_contact_with_sms_fallback(
        ContactUpsert(email="jane@example.com", sms="+447700900123")
    )
    contact = sandbox.find_contact(email="jane@example.com")
    assert not outcome.sms_dropped
    assert contact["attributes"]["SMS"] == "447700900123"


async def test_sms_fallback_keeps_email_conflict(
    brevo: BrevoClient, sandbox: Any
) -> None:
    sandbox.seed(
        contacts=[
            {"email": "a@example.com", "ext_id": "g-1"},
            {"email": "b@example.com", "ext_id": "g-2"},
        ]
    )
    with pytest.raises(IdentifierConflictError) as caught:
        await brevo.upsert_contact_with_sms_fallback(
            ContactUpsert(email="a@example.com", ext_id="g-2", sms="+33612345678")
        )
    assert "SMS" not in caught.value.identifiers


async def test_attribute_values_cast_before_sending(
    brevo: BrevoClient, sandbox: Any, sent_requests: list[Any]
) -> None:
    sandbox.seed(attributes=ATTRIBUTES)
    catalogue = await brevo.get_attributes()
    prepared = prepare_attributes(
        {"CSAT_SCORE": "4", "VIP": "true", "TICKET_COUNT": "3 tickets"}, catalogue
    )
    await brevo.upsert_contact(
        ContactUpsert(email="jane@example.com", attributes=prepared.values)
    )
    recorded = [r for r in sandbox.requests if r.path == "/v3/contacts"]
    contact = sandbox.find_contact(email="jane@example.com")
    assert recorded[0].body["attributes"] == {"CSAT_SCORE": 4.0, "VIP": True}
    assert [(r.attribute, r.value) for r in prepared.rejected] == [
        ("TICKET_COUNT", "3 tickets")
    ]
    assert contact["attributes"]["CSAT_SCORE"] == 4
    assert contact["attributes"]["VIP"] is True
    assert "TICKET_COUNT" not in contact["attributes"]


async def test_date_attribute_in_paris_time(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.seed(attributes=ATTRIBUTES)
    catalogue = await brevo.get_attributes()
    prepared = prepare_attributes(
        {"LAST_SUPPORT_DATE": "2026-08-12T23:30:00+00:00"},
        catalogue,
        timezone="Europe/Paris",
    )
    await brevo.upsert_contact(
        ContactUpsert(email="jane@example.com", attributes=prepared.values)
    )
    contact = sandbox.find_contact(email="jane@example.com")
    assert contact["attributes"]["LAST_SUPPORT_DATE"] == "2026-08-13"


async def test_identity_ext_id_policy_writes_contact(
    brevo: BrevoClient, sandbox: Any
) -> None:
    identity = prepare_identity(
        None, ["12345"], "gorgias-9", policy="ext_id", region="FR"
    )
    await brevo.upsert_contact(
        ContactUpsert(email=identity.email, ext_id=identity.ext_id)
    )
    contact = sandbox.find_contact(ext_id="gorgias-9")
    assert contact["email"] is None
    assert contact["ext_id"] == "gorgias-9"


async def test_identity_skip_policy_sends_nothing(
    brevo: BrevoClient, sandbox: Any
) -> None:
    skipped: dict[str, int] = {}
    customers = [(None, ["12345"], "gorgias-9"), ("jane@example.com", [], "gorgias-10")]
    for email, phones, ext_id in customers:
        identity = prepare_identity(email, phones, ext_id, policy="skip", region="FR")
        if identity.skip_reason is not None:
            skipped[identity.skip_reason] = skipped.get(identity.skip_reason, 0) + 1
            continue
        await brevo.upsert_contact(
            ContactUpsert(
                email=identity.email, ext_id=identity.ext_id, sms=identity.sms
            )
        )
    assert skipped == {REASON_NO_EMAIL_OR_PHONE: 1}
    assert len(sandbox.state()["contacts"]) == 1
    assert sandbox.find_contact(ext_id="gorgias-9") is None


async def test_upsert_without_identifier_raises(brevo: BrevoClient) -> None:
    with pytest.raises(ValueError, match="no identifier"):
        await brevo.upsert_contact(ContactUpsert(attributes={"FIRSTNAME": "x"}))


async def test_update_by_ext_id_encodes_segment(
    brevo: BrevoClient, sandbox: Any
) -> None:
    sandbox.seed(
        lists=LISTS,
        contacts=[
            {"email": "gorgias@example.com", "ext_id": "gorgias"},
            {"email": "odd@example.com", "ext_id": "gorgias/42?x=1", "listIds": [3]},
        ],
    )
    await brevo.update_contact(
        "gorgias/42?x=1",
        identifier_type="ext_id",
        attributes={"FIRSTNAME": "Odd"},
        list_ids=[7],
        unlink_list_ids=[3],
    )
    odd = sandbox.find_contact(ext_id="gorgias/42?x=1")
    plain = sandbox.find_contact(ext_id="gorgias")
    put = next(r for r in sandbox.requests if r.method == "PUT")
    assert put.path == "/v3/contacts/gorgias%2F42%3Fx%3D1"
    assert put.query == {"identifierType": "ext_id"}
    assert odd["attributes"]["FIRSTNAME"] == "Odd"
    assert odd["listIds"] == [7]
    assert "FIRSTNAME" not in plain["attributes"]


@pytest.mark.parametrize(
    ("identifier", "identifier_type"),
    [
        ("jane+tag@example.com", "email_id"),
        ("a b#c", "ext_id"),
        ("+33612345678", "phone_id"),
    ],
)
async def test_get_contact_by_identifier(
    brevo: BrevoClient, sandbox: Any, identifier: str, identifier_type: Any
) -> None:
    sandbox.seed(
        contacts=[
            {
                "email": "jane+tag@example.com",
                "ext_id": "a b#c",
                "attributes": {"SMS": "+33612345678"},
            }
        ]
    )
    contact = await brevo.get_contact(identifier, identifier_type=identifier_type)
    assert contact.email == "jane+tag@example.com"
    assert contact.attributes["SMS"] == "33612345678"


async def test_get_contact_by_id(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.seed(contacts=[{"id": 1042, "email": "jane@example.com"}])
    contact = await brevo.get_contact(1042, identifier_type="contact_id")
    assert contact.id == 1042
    assert contact.email == "jane@example.com"


async def test_get_contact_unknown_not_found(brevo: BrevoClient) -> None:
    with pytest.raises(NotFoundError, match="status=404"):
        await brevo.get_contact("ghost@example.com", identifier_type="email_id")


async def test_wrong_key_never_shown(
    make_client: Any,
    sandbox_url: tuple[Any, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    wrong_key = "xkeysib-wrong-key-0123456789"
    client = await make_client(
        httpx.AsyncHTTPTransport(), base_url=sandbox_url[1], api_key=wrong_key
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as caught:
        await client.get_account()
    assert "SMTP & API > API keys" in str(caught.value)
    assert wrong_key not in str(caught.value)
    assert wrong_key not in repr(caught.value)
    assert wrong_key not in caught.value.body
    assert wrong_key not in caplog.text
    assert wrong_key not in repr(client.session.__dict__)


async def test_valid_key_never_logged(
    brevo: BrevoClient, sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sandbox.inject_fault("server_error", count=1, path_prefix="/v3/contacts")
    await brevo.upsert_contact(ContactUpsert(email="jane@example.com"))
    await brevo.get_account()
    assert "sib-request-id=sandbox-" in caplog.text
    assert API_KEY not in caplog.text
