"""Domain and base-URL validation happen before any URL is built."""

from __future__ import annotations

import pytest

from tajo.errors import ConfigError
from tajo.gorgias import is_loopback_host, parse_base_url_override, parse_subdomain
from tajo.gorgias.domain import gorgias_base_url


@pytest.mark.parametrize(
    "value",
    [
        "yourstore",
        "yourstore.gorgias.com",
        "https://yourstore.gorgias.com",
        "https://yourstore.gorgias.com/",
        "  YourStore.Gorgias.com  ",
        "HTTPS://YOURSTORE.GORGIAS.COM",
    ],
    ids=["bare", "host", "url", "url-slash", "spaces-case", "upper-url"],
)
def test_subdomain_accepts_documented_forms(value: str) -> None:
    assert parse_subdomain(value) == "yourstore"


@pytest.mark.parametrize(
    "value",
    ["a", "my-store-2", "9shop", "xn--bcher-kva", "a" * 63],
    ids=["one-char", "hyphens", "digit-first", "punycode", "63-chars"],
)
def test_subdomain_accepts_valid_labels(value: str) -> None:
    assert parse_subdomain(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "evil.com/x",
        "yourstore.gorgias.com.attacker.net",
        "a@b",
        "yourstore.gorgias.com:8080@evil",
        "",
        "   ",
        "..",
        ".gorgias.com",
        "your.store",
        "-store",
        "store-",
        "a" * 64,
        "your_store",
        "http://yourstore.gorgias.com",
        "https://yourstore.gorgias.com/api",
        "https://evil.com#.gorgias.com",
        "your\nstore",
        "yourstore\x00",
        "yourstore%2eevil",
        "yo\u212arstore",
        "yourst\u00f6re",
        "yourstore\u3002gorgias\u3002com",
        "xn--yourstore.gorgias.com.evil",
    ],
    ids=[
        "path",
        "suffix-attack",
        "userinfo",
        "port-userinfo",
        "empty",
        "blank",
        "dots",
        "empty-label",
        "two-labels",
        "leading-hyphen",
        "trailing-hyphen",
        "64-chars",
        "underscore",
        "plain-http",
        "url-path",
        "fragment",
        "newline",
        "nul",
        "percent",
        "kelvin-sign",
        "umlaut",
        "ideographic-dots",
        "nested-host",
    ],
)
def test_subdomain_rejects_hostile_input(value: str) -> None:
    with pytest.raises(ConfigError, match="invalid Gorgias domain"):
        parse_subdomain(value)


def test_subdomain_error_names_value_and_form() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_subdomain("evil.com/x")
    message = str(caught.value)
    assert "domain='evil.com/x'" in message
    assert "yourstore.gorgias.com" in message


def test_subdomain_error_escapes_unicode() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_subdomain("yo\u212arstore")
    assert "\\u212a" in str(caught.value)


def test_base_url_from_subdomain() -> None:
    assert gorgias_base_url("yourstore") == "https://yourstore.gorgias.com/api/"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://proxy.example.com", "https://proxy.example.com/api/"),
        (
            "https://proxy.example.com/gorgias/",
            "https://proxy.example.com/gorgias/api/",
        ),
        ("https://proxy.example.com/api", "https://proxy.example.com/api/"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/"),
        ("http://127.5.6.7:80/api/", "http://127.5.6.7:80/api/"),
        ("http://localhost:9000", "http://localhost:9000/api/"),
        ("http://[::1]:9000", "http://[::1]:9000/api/"),
    ],
    ids=[
        "https",
        "https-path",
        "https-api",
        "loopback",
        "loopback-8",
        "localhost",
        "ipv6",
    ],
)
def test_override_accepts_https_and_loopback(value: str, expected: str) -> None:
    assert parse_base_url_override(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "http://proxy.example.com",
        "http://10.0.0.5:8080",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
        "ftp://proxy.example.com",
        "https://user:pass@proxy.example.com",
        "https://proxy.example.com/?next=evil",
        "https://proxy.example.com/#frag",
        "https://",
        "proxy.example.com",
        "https://prox\u00ff.example.com",
        "https://proxy.example.com:99999",
        "https://proxy.example.com/a b",
    ],
    ids=[
        "http-remote",
        "http-private",
        "localhost-suffix",
        "loopback-lookalike",
        "ftp",
        "userinfo",
        "query",
        "fragment",
        "no-host",
        "no-scheme",
        "unicode",
        "bad-port",
        "space",
    ],
)
def test_override_rejects_unsafe_urls(value: str) -> None:
    with pytest.raises(ConfigError, match="invalid Gorgias base URL override"):
        parse_base_url_override(value)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("::1", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("128.0.0.1", False),
        ("example.com", False),
        ("::2", False),
    ],
)
def test_loopback_detection(host: str, expected: bool) -> None:
    assert is_loopback_host(host) is expected
