from __future__ import annotations

import json

import pytest

from tajo.brevo.classify import (
    classify_response,
    is_attribute_exists,
    is_nothing_changed_in_list,
    is_sms_rejection,
)
from tajo.errors import (
    ApiError,
    AuthenticationError,
    IdentifierConflictError,
    InvalidPhoneError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)
from tajo.redact import Secret

KEY = "xkeysib-fake-key-for-tests"
SMS_MESSAGE = "Unable to update contact, SMS is already associated with another Contact"


def _classify(status: int, body: object, *, retry_after: float = 1.0) -> ApiError:
    text = body if isinstance(body, str) else json.dumps(body)
    return classify_response(
        status=status,
        text=text,
        method="POST",
        path="/contacts",
        retry_after=retry_after,
        secrets=[Secret(KEY)],
    )


@pytest.mark.parametrize("code", ["duplicate_parameter", "invalid_parameter"])
def test_classify_sms_conflict_either_code(code: str) -> None:
    body = {
        "code": code,
        "message": SMS_MESSAGE,
        "metadata": {"duplicate_identifiers": ["SMS"]},
    }
    error = _classify(400, body)
    assert isinstance(error, IdentifierConflictError)
    assert error.identifiers == ["SMS"]
    assert is_sms_rejection(error)


def test_classify_email_conflict_is_not_sms() -> None:
    body = {
        "code": "duplicate_parameter",
        "message": "Unable to create contact, email is already associated with "
        "another Contact",
        "metadata": {"duplicate_identifiers": ["email"]},
    }
    error = _classify(400, body)
    assert isinstance(error, IdentifierConflictError)
    assert error.identifiers == ["email"]
    assert not is_sms_rejection(error)


def test_classify_sms_conflict_without_metadata() -> None:
    error = _classify(400, {"code": "invalid_parameter", "message": SMS_MESSAGE})
    assert isinstance(error, IdentifierConflictError)
    assert error.identifiers == ["SMS"]


def test_classify_invalid_phone() -> None:
    error = _classify(
        400, {"code": "invalid_parameter", "message": "Invalid phone number"}
    )
    assert isinstance(error, InvalidPhoneError)
    assert is_sms_rejection(error)


def test_classify_unauthorized_names_fix() -> None:
    error = _classify(401, {"message": "Key not found", "code": "unauthorized"})
    assert isinstance(error, AuthenticationError)
    assert "SMTP & API > API keys" in str(error)
    assert error.status == 401
    assert error.code == "unauthorized"


def test_classify_not_found() -> None:
    body = {"code": "document_not_found", "message": "Contact does not exist"}
    assert isinstance(_classify(404, body), NotFoundError)


def test_classify_forbidden() -> None:
    body = {"code": "permission_denied", "message": "nope"}
    assert isinstance(_classify(403, body), PermissionDeniedError)


def test_classify_rate_limited_carries_wait() -> None:
    error = _classify(429, "", retry_after=2143)
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 2143


@pytest.mark.parametrize("status", [500, 502, 503])
def test_classify_server_error(status: int) -> None:
    assert isinstance(_classify(status, "<html>oops</html>"), ServerError)


@pytest.mark.parametrize("status", [400, 402, 405, 422, 425])
def test_classify_other_4xx_invalid_request(status: int) -> None:
    error = _classify(status, {"code": "bad_request", "message": "bad"})
    assert type(error) is InvalidRequestError


def test_classify_already_in_list() -> None:
    body = {
        "code": "invalid_parameter",
        "message": "Contact already in list and/or does not exist",
    }
    error = _classify(400, body)
    assert is_nothing_changed_in_list(error)
    assert not is_attribute_exists(error)


def test_classify_attribute_exists() -> None:
    body = {"code": "invalid_parameter", "message": "Attribute name must be unique"}
    error = _classify(400, body)
    assert is_attribute_exists(error)
    assert not is_nothing_changed_in_list(error)


def test_classify_body_redacted_and_cut() -> None:
    body = {"code": "bad_request", "message": f"echo {KEY} " + "x" * 400}
    error = _classify(400, body)
    assert KEY not in str(error)
    assert KEY not in error.body
    assert len(error.body) <= 201


def test_classify_non_json_body() -> None:
    error = _classify(400, "not json")
    assert type(error) is InvalidRequestError
    assert error.code is None


def test_classify_conflict_with_new_code() -> None:
    body = {
        "code": "duplicate_identifier",
        "message": "anything",
        "metadata": {"duplicate_identifiers": ["SMS"]},
    }
    error = _classify(400, body)
    assert isinstance(error, IdentifierConflictError)
    assert error.identifiers == ["SMS"]
