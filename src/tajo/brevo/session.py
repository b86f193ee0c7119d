"""HTTP plumbing of the Brevo client: URL checks, auth, pacing and retries.

Retry table. "Ambiguous" means the request may have reached Brevo and been
applied, so a resend may apply it twice.

    failure                               GET, PUT   POST /contacts   other POSTs
                                                     (upsert)         (events, import,
                                                                      list add/remove,
                                                                      email, create)
    429 (Brevo applied nothing)           retry      retry            retry
    connect error or connect timeout      retry      retry            retry
      (nothing reached Brevo)
    5xx, read timeout, dropped            retry      retry            raise at once
      connection (ambiguous)
    other 4xx                             raise      raise            raise

A 429 waits `x-sib-ratelimit-reset` seconds, at most `max_rate_limit_retries`
times per request. Other retries wait with exponential backoff and jitter, up
to `backoff.max_attempts` attempts in all. What is raised at once is a
`RetryableError` (`ServerError` or `TransportError`), so the caller's outbox
decides whether and when to send it again. It cannot be resent blindly here
because an event or a transactional email sent twice may start a workflow twice.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from tajo import __version__
from tajo.brevo.classify import SERVICE, classify_response
from tajo.brevo.pacing import (
    RESET_HEADER,
    BrevoPacer,
    BrevoRateLimits,
    endpoint_family,
    parse_number,
)
from tajo.clock import Clock
from tajo.errors import ConfigError, RateLimitedError, ServerError, TransportError
from tajo.http.retry import Backoff
from tajo.redact import Secret, redact_text

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.brevo.com/v3"
REQUEST_ID_HEADER = "sib-request-id"

# Failures raised before the request was sent, so a resend cannot apply it twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def validate_base_url(url: str) -> str:
    """Return `url` without a trailing slash after checking it is safe.

    HTTPS is required, except for loopback hosts (local simulators and
    tests), where plain HTTP is allowed.

    Raises:
        ConfigError: the URL is not absolute, has credentials, a query or a
            fragment, or uses HTTP for a host that is not loopback.
    """
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    problem = None
    if parts.scheme not in ("https", "http") or not host:
        problem = "expected an absolute http(s) URL"
    elif parts.username is not None or parts.password is not None:
        problem = "expected no user or password in the URL"
    elif parts.query or parts.fragment:
        problem = "expected no query string or fragment"
    elif parts.scheme == "http" and not is_loopback_host(host):
        problem = "expected https, since plain http is allowed only for loopback hosts"
    if problem is not None:
        raise ConfigError(
            f"invalid Brevo base URL: url={url!r}; {problem}; use "
            f"{DEFAULT_BASE_URL} or a local simulator on 127.0.0.1"
        )
    return url.strip().rstrip("/")


def is_loopback_host(host: str) -> bool:
    """Return True for `localhost` and addresses in 127.0.0.0/8 or ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def tls_context() -> ssl.SSLContext:
    """Return a certificate-verifying TLS context that rejects TLS below 1.2."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def encode_segment(value: str | int) -> str:
    """Percent-encode `value` as one path segment.

    Brevo reads identifiers such as ext_id `gorgias/42?x=1`, email `a+b@x.io`
    or phone `+33612345678` from the path, so `/`, `?`, `#`, `+` and `@` must
    all be escaped or the request reaches another resource.
    """
    return quote(str(value), safe="")


def encode_json(body: object) -> bytes:
    """Serialize a request body exactly as it is sent (compact UTF-8 JSON)."""
    return json.dumps(
        body, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


@dataclass(frozen=True, slots=True)
class BrevoResponse:
    """A successful response: status, lower-cased headers and parsed JSON."""

    status: int
    headers: Mapping[str, str]
    data: Any
    request_id: str | None


class BrevoSession:
    """Sends paced, authenticated requests and applies the retry table.

    Args:
        api_key: the Brevo v3 API key; only `reveal()`ed into the header.
        base_url: API root, `https://api.brevo.com/v3` unless overridden.
        clock: time source for every wait.
        rate_limits: requests allowed per endpoint family.
        transport: httpx transport, for simulators served in-process.
        timeout_seconds: read, write and pool timeout per request.
        backoff: attempts and delays for retries other than 429.
        max_rate_limit_retries: 429 responses tolerated per request.
    """

    def __init__(
        self,
        api_key: Secret,
        *,
        base_url: str = DEFAULT_BASE_URL,
        clock: Clock,
        rate_limits: BrevoRateLimits | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_seconds: float = 30.0,
        backoff: Backoff | None = None,
        max_rate_limit_retries: int = 8,
    ) -> None:
        if not isinstance(api_key, Secret) or not api_key:
            raise ConfigError(
                "missing Brevo API key: expected a non-empty key wrapped in "
                "tajo.redact.Secret; set the connector's Brevo API key"
            )
        self.base_url = validate_base_url(base_url)
        self._api_key = api_key
        self._clock = clock
        self.pacer = BrevoPacer(rate_limits or BrevoRateLimits(), clock=clock)
        self._backoff = backoff or Backoff()
        self._max_rate_limit_retries = max_rate_limit_retries
        self.rate_limited_count = 0
        self._client = httpx.AsyncClient(
            transport=transport,
            verify=tls_context(),
            timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 10.0)),
            follow_redirects=False,
            headers={"accept": "application/json", "user-agent": f"tajo/{__version__}"},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: object = None,
        idempotent: bool | None = None,
    ) -> BrevoResponse:
        """Send one request and return its 2xx response.

        `path` is relative to the base URL and already encoded. `idempotent`
        defaults to True for GET, PUT and DELETE and False for POST. It decides
        whether a 5xx or an ambiguous transport failure is retried.

        Raises:
            ApiError: a subclass chosen by `classify_response`, or
                `TransportError` when no response came.
        """
        if idempotent is None:
            idempotent = method.upper() in ("GET", "PUT", "DELETE")
        family = endpoint_family(path)
        limiter = self.pacer.limiter(family)
        content = encode_json(body) if body is not None else None
        headers = {"api-key": self._api_key.reveal()}
        if content is not None:
            headers["content-type"] = "application/json"
        attempt = 0
        rate_limited = 0
        while True:
            attempt += 1
            await limiter.acquire()
            request = self._client.build_request(
                method,
                self.base_url + path,
                params=params,
                content=content,
                headers=headers,
            )
            started = time.perf_counter()
            try:
                response = await self._client.send(request)
            except httpx.TransportError as exc:
                sent = not isinstance(exc, _NOT_SENT)
                error = self._transport_error(method, path, exc, sent=sent)
                if (sent and not idempotent) or attempt >= self._backoff.max_attempts:
                    raise error from None
                await self._wait_before_retry(method, path, attempt, str(error))
                continue
            response_headers = {k.lower(): v for k, v in response.headers.items()}
            request_id = response_headers.get(REQUEST_ID_HEADER)
            logger.debug(
                "brevo %s %s -> %d in %.0f ms (sib-request-id=%s)",
                method,
                path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                request_id,
            )
            self.pacer.observe(family, response_headers)
            if response.is_success:
                return BrevoResponse(
                    response.status_code,
                    response_headers,
                    _parse_json(response),
                    request_id,
                )
            reset = parse_number(response_headers.get(RESET_HEADER))
            retry_after = (
                reset if reset is not None else self.pacer.fallback_wait(family)
            )
            failure = classify_response(
                status=response.status_code,
                text=response.text,
                method=method,
                path=path,
                retry_after=retry_after,
                secrets=[self._api_key],
            )
            if isinstance(failure, RateLimitedError):
                self.rate_limited_count += 1
                rate_limited += 1
                attempt -= 1  # a 429 is not a failed attempt: Brevo did nothing
                if rate_limited > self._max_rate_limit_retries:
                    raise failure
                logger.warning(
                    "brevo %s %s rate limited (429); waiting %.1f s "
                    "(x-sib-ratelimit-reset=%s)",
                    method,
                    path,
                    retry_after,
                    response_headers.get(RESET_HEADER, "absent"),
                )
                limiter.pause(retry_after)
                continue
            retryable = isinstance(failure, ServerError) and idempotent
            if not retryable or attempt >= self._backoff.max_attempts:
                raise failure
            await self._wait_before_retry(method, path, attempt, str(failure))

    async def _wait_before_retry(
        self, method: str, path: str, attempt: int, reason: str
    ) -> None:
        delay = self._backoff.delay(attempt)
        logger.warning(
            "brevo %s %s failed; retrying in %.1f s (attempt %d of %d): %s",
            method,
            path,
            delay,
            attempt + 1,
            self._backoff.max_attempts,
            reason,
        )
        await self._clock.sleep(delay)

    def _transport_error(
        self, method: str, path: str, exc: httpx.TransportError, *, sent: bool
    ) -> TransportError:
        detail = redact_text(f"{type(exc).__name__}: {exc}", [self._api_key])
        if sent:
            hint = (
                "the request may have reached Brevo; resend it only if it is "
                "idempotent or the outbox allows it"
            )
        else:
            hint = "nothing reached Brevo; check the network and the base URL"
        return TransportError(
            f"Brevo request failed without a response: method={method} path={path} "
            f"error={detail!r}; expected an HTTP response; {hint}",
            service=SERVICE,
            method=method,
            path=path,
        )


def _parse_json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None
