from __future__ import annotations

import subprocess
import sys

import pytest

from tajo.brevo.values import (
    REASON_EMAIL_EMPTY,
    REASON_EMAIL_INVALID,
    REASON_NO_EMAIL_OR_PHONE,
    REASON_NO_IDENTIFIER,
    REASON_PHONE_UNUSABLE,
    normalize_email,
    normalize_phone,
    prepare_identity,
)
from tajo.errors import ConfigError

PHONES = [
    ("06 12 34 56 78", "FR", "+33612345678"),
    ("+44 (0)7700 900123", "FR", "+447700900123"),
    ("0033 6 12 34 56 78", "US", "+33612345678"),
    ("0033 6 12 34 56 78", "FR", "+33612345678"),
    ("(202) 555-0146", "US", "+12025550146"),
    ("+33 6 39 98 00 12", "GB", "+33639980012"),
]


@pytest.mark.parametrize(
    ("raw", "region", "expected"), PHONES, ids=[f"{p[0]}-{p[1]}" for p in PHONES]
)
def test_normalize_phone_e164(raw: str, region: str, expected: str) -> None:
    assert normalize_phone(raw, region).value == expected


@pytest.mark.parametrize("raw", ["12345", "abc", "+1 555", "00"])
def test_normalize_phone_unusable_dropped(raw: str) -> None:
    result = normalize_phone(raw, "FR")
    assert result.value is None
    assert result.reason == REASON_PHONE_UNUSABLE
    assert result.raw == raw


def test_normalize_phone_unknown_region_raises() -> None:
    with pytest.raises(ConfigError, match="region='XX'"):
        normalize_phone("06 12 34 56 78", "XX")


def test_normalize_email_trims_and_lowercases() -> None:
    assert normalize_email("  Jane.Roe@Example.COM ").value == "jane.roe@example.com"


@pytest.mark.parametrize(
    "raw",
    [
        "jane",
        "jane@",
        "@example.com",
        "jane@example",
        "a b@example.com",
        "jane@@example.com",
        "jane@exa mple.com",
        "jane..roe@example.com",
    ],
)
def test_normalize_email_invalid_rejected(raw: str) -> None:
    result = normalize_email(raw)
    assert result.value is None
    assert result.reason == REASON_EMAIL_INVALID


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_normalize_email_empty(raw: str | None) -> None:
    assert normalize_email(raw).reason == REASON_EMAIL_EMPTY


def test_normalize_email_keeps_plus_address() -> None:
    assert normalize_email("a+b@sub.example.com").value == "a+b@sub.example.com"


def test_identity_email_phone_and_ext_id() -> None:
    identity = prepare_identity(
        " Jane@Example.com", ["06 12 34 56 78"], "gorgias-1", policy="skip", region="FR"
    )
    assert identity.email == "jane@example.com"
    assert identity.sms == "+33612345678"
    assert identity.ext_id == "gorgias-1"
    assert not identity.skipped


def test_identity_first_usable_phone_wins() -> None:
    identity = prepare_identity(
        None, ["12345", "06 12 34 56 78"], None, policy="skip", region="FR"
    )
    assert identity.sms == "+33612345678"
    assert identity.warnings == (f"{REASON_PHONE_UNUSABLE}:12345",)


def test_identity_ext_id_policy_writes_by_ext_id() -> None:
    identity = prepare_identity(
        None, ["12345"], "gorgias-7", policy="ext_id", region="FR"
    )
    assert identity.skip_reason is None
    assert identity.ext_id == "gorgias-7"
    assert identity.email is None
    assert identity.sms is None
    assert identity.event_identifiers == {"ext_id": "gorgias-7"}


def test_identity_skip_policy_counts_reason() -> None:
    identity = prepare_identity(
        "not-an-email", ["12345"], "gorgias-7", policy="skip", region="FR"
    )
    assert identity.skip_reason == REASON_NO_EMAIL_OR_PHONE
    assert identity.ext_id is None
    assert identity.warnings == (
        f"{REASON_EMAIL_INVALID}:not-an-email",
        f"{REASON_PHONE_UNUSABLE}:12345",
    )


def test_identity_ext_id_policy_without_ext_id_skips() -> None:
    identity = prepare_identity(None, [], None, policy="ext_id", region="FR")
    assert identity.skip_reason == REASON_NO_IDENTIFIER


def test_identity_ext_id_disallowed_is_left_out() -> None:
    identity = prepare_identity(
        "jane@example.com",
        [],
        "gorgias-1",
        policy="skip",
        region="FR",
        use_ext_id=False,
    )
    assert identity.ext_id is None
    assert identity.event_identifiers == {"email_id": "jane@example.com"}


def test_identity_invalid_policy_raises() -> None:
    with pytest.raises(ConfigError, match="policy='email'"):
        prepare_identity(
            "jane@example.com",
            [],
            None,
            policy="email",
            region="FR",  # type: ignore[arg-type]
        )


def test_identity_invalid_region_raises_without_phone() -> None:
    with pytest.raises(ConfigError, match="region='ZZ'"):
        prepare_identity("jane@example.com", [], None, policy="skip", region="ZZ")


def test_values_import_loads_no_http_client() -> None:
    code = (
        "import sys; import tajo.brevo.values, tajo.brevo.attributes, "
        "tajo.brevo.models; print('httpx' in sys.modules)"
    )
    # A fresh interpreter, because this one has already imported httpx.
    output = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "False"


def test_normalize_email_international_domain() -> None:
    assert normalize_email("José@Exämple.fr").value == "josé@exämple.fr"
