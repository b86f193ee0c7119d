from __future__ import annotations

import json
import ssl

import pytest

from tajo.brevo import BrevoClient, BrevoRateLimits
from tajo.brevo.batching import chunked, pack_by_size
from tajo.brevo.pacing import endpoint_family
from tajo.brevo.session import (
    DEFAULT_BASE_URL,
    encode_json,
    encode_segment,
    tls_context,
    validate_base_url,
)
from tajo.clock import FakeClock
from tajo.errors import ConfigError, RecordError
from tajo.redact import Secret


@pytest.mark.parametrize(
    "url",
    [
        DEFAULT_BASE_URL,
        "https://brevo-proxy.example.com/v3/",
        "http://127.0.0.1:8080/v3",
        "http://127.8.9.10/v3",
        "http://localhost:9000/v3",
        "http://[::1]:9000/v3",
    ],
)
def test_base_url_accepted(url: str) -> None:
    assert validate_base_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://api.brevo.com/v3",
        "http://10.0.0.5/v3",
        "http://localhost.example.com/v3",
        "ftp://api.brevo.com/v3",
        "https://user:pw@api.brevo.com/v3",
        "https://api.brevo.com/v3?x=1",
        "https://api.brevo.com/v3#frag",
        "api.brevo.com/v3",
    ],
)
def test_base_url_rejected(url: str) -> None:
    with pytest.raises(ConfigError, match="invalid Brevo base URL"):
        validate_base_url(url)


def test_tls_context_requires_tls12() -> None:
    context = tls_context()
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.verify_mode == ssl.CERT_REQUIRED


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("gorgias/42?x=1", "gorgias%2F42%3Fx%3D1"),
        ("a b#c", "a%20b%23c"),
        ("a+b@example.com", "a%2Bb%40example.com"),
        ("+33612345678", "%2B33612345678"),
        (1042, "1042"),
    ],
)
def test_encode_segment_escapes_everything(value: str | int, expected: str) -> None:
    assert encode_segment(value) == expected


@pytest.mark.parametrize(
    ("path", "family"),
    [
        ("/contacts", "contacts"),
        ("/contacts/lists/7/contacts/add", "contacts"),
        ("/contacts/import", "contacts"),
        ("/events", "events"),
        ("/events/batch", "events"),
        ("/processes/78", "other"),
        ("/account", "other"),
        ("/smtp/email", "other"),
        ("/contactsx", "other"),
    ],
)
def test_endpoint_family(path: str, family: str) -> None:
    assert endpoint_family(path) == family


@pytest.mark.parametrize("value", [0, -1, 2.5, True])
def test_rate_limits_reject_nonsense(value: object) -> None:
    with pytest.raises(ConfigError, match="contacts_per_second"):
        BrevoRateLimits(contacts_per_second=value)  # type: ignore[arg-type]


def test_client_rejects_empty_key(clock: FakeClock) -> None:
    with pytest.raises(ConfigError, match="missing Brevo API key"):
        BrevoClient(Secret(""), clock=clock)


def test_client_rejects_plain_string_key(clock: FakeClock) -> None:
    with pytest.raises(ConfigError, match="missing Brevo API key"):
        BrevoClient("xkeysib-raw", clock=clock)  # type: ignore[arg-type]


def test_chunked_sizes() -> None:
    sizes = [len(chunk) for chunk in chunked(list(range(160)), 150)]
    assert sizes == [150, 10]


def test_pack_by_size_exact_body_sizes() -> None:
    rows: list[dict[str, object]] = [
        {"email": f"user{i}@example.com", "attributes": {"N": "é" * i}}
        for i in range(40)
    ]
    envelope: dict[str, object] = {"listIds": [7], "updateExistingContacts": True}
    groups = list(pack_by_size(rows, envelope, key="jsonBody", max_bytes=600))
    for group, size in groups:
        assert size == len(encode_json({**envelope, "jsonBody": group}))
        assert size <= 600
    assert [row for group, _ in groups for row in group] == rows
    assert len(groups) > 1


def test_pack_by_size_row_too_large() -> None:
    rows: list[dict[str, object]] = [{"attributes": {"N": "x" * 1000}}]
    with pytest.raises(RecordError, match="index=0"):
        list(pack_by_size(rows, {}, key="jsonBody", max_bytes=500))


def test_encode_json_is_compact_utf8() -> None:
    assert (
        encode_json({"a": ["é", 1]})
        == json.dumps(
            {"a": ["é", 1]}, separators=(",", ":"), ensure_ascii=False
        ).encode()
    )
