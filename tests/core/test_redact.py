from __future__ import annotations

from tajo.redact import MASK, Secret, redact_headers, redact_text, redact_url


def test_secret_never_shows_value() -> None:
    secret = Secret("fake-key-123456")
    assert "fake-key" not in repr(secret)
    assert "fake-key" not in str(secret)
    assert "fake-key" not in f"{secret}"
    assert secret.reveal() == "fake-key-123456"


def test_redact_headers_masks_credentials() -> None:
    headers = {"Authorization": "Basic abc", "api-key": "k", "Accept": "json"}
    assert redact_headers(headers) == {
        "Authorization": MASK,
        "api-key": MASK,
        "Accept": "json",
    }


def test_redact_url_masks_password_and_token() -> None:
    url = "https://user:pw@example.com/hook?token=abc&ticket=1"
    redacted = redact_url(url)
    assert "pw" not in redacted
    assert "abc" not in redacted
    assert "ticket=1" in redacted


def test_redact_text_masks_known_secrets_and_cuts() -> None:
    text = "failed with key fake-key-123456 and Basic ZW1haWw6a2V5MTIzNDU=" + "x" * 300
    redacted = redact_text(text, [Secret("fake-key-123456")])
    assert "fake-key-123456" not in redacted
    assert "ZW1haWw6" not in redacted
    assert len(redacted) <= 201
