"""One paced, retrying HTTP session against the Gorgias REST API.

Every request start goes through the account's `SlidingWindowLimiter`. Each
response's `X-Gorgias-Account-Api-Call-Limit: used/limit` header feeds the
limiter, because other apps spend the same account budget. A 429 pauses the
limiter for `Retry-After` seconds and is retried without spending the retry
budget for failures. 5xx responses and transport failures are retried with
jittered backoff: always for GET, and for writes only when the connection was
never made, so a write is never sent twice.
"""

from __future__ import annotations

import base64
import logging
import ssl
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import httpx

from tajo import __version__
from tajo.clock import Clock
from tajo.errors import ApiError, TransportError
from tajo.gorgias.responses import (
    RETRY_AFTER_HEADER,
    SERVICE,
    USAGE_HEADER,
    RecordRef,
    error_for_response,
    parse_retry_after,
    parse_usage,
)
from tajo.http import Backoff, SlidingWindowLimiter
from tajo.redact import Secret, redact_text, redact_url

logger = logging.getLogger(__name__)

QueryValue: TypeAlias = str | int | float | bool
QueryParams: TypeAlias = Sequence[tuple[str, QueryValue]]

# Wait used when a 429 carries no usable Retry-After: at the documented pace
# of 2 requests per second this frees two slots.
DEFAULT_RETRY_AFTER_SECONDS = 1.0

# Failures after which the request certainly never reached the server.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures worth retrying for a GET: the server may have been reached.
_RETRYABLE_TRANSPORT = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def make_ssl_context() -> ssl.SSLContext:
    """Return the TLS context for Gorgias: system CAs, TLS 1.2 or newer."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class Requester:
    """The paced, retrying HTTP sender for one Gorgias account.

    Raises from `send`: the `tajo.errors.ApiError` subclass for the status
    (see `responses.error_for_response`), `RateLimitedError` after
    `max_rate_limit_retries` 429s in a row, and `TransportError` when no
    response came back within the retry budget.
    """

    def __init__(
        self,
        *,
        base_url: str,
        email: str,
        api_key: Secret,
        clock: Clock,
        limiter: SlidingWindowLimiter,
        backoff: Backoff,
        max_rate_limit_retries: int,
        timeout_seconds: float,
        transport: httpx.AsyncBaseTransport | None,
        log_api_calls: bool,
    ) -> None:
        self.base_url = base_url
        self.limiter = limiter
        self._clock = clock
        self._backoff = backoff
        self._max_rate_limit_retries = max_rate_limit_retries
        self._log_level = logging.INFO if log_api_calls else logging.DEBUG
        token = base64.b64encode(f"{email}:{api_key.reveal()}".encode()).decode()
        self._authorization = Secret(f"Basic {token}")
        # Values to mask in any text that leaves this class.
        self.secrets = [api_key, self._authorization, Secret(token)]
        self.ssl_context = make_ssl_context()
        self._http = httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            verify=self.ssl_context,
            timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 10.0)),
            # Not following redirects keeps every request on the validated host.
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": f"tajo/{__version__}"},
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams = (),
        json_body: object = None,
        record: RecordRef | None = None,
    ) -> httpx.Response:
        """Send one request and return its 2xx response.

        `record` names the record of an item request. A 404 then raises a
        NotFoundError about a deleted record instead of one about a wrong
        base URL.
        """
        request = self._http.build_request(
            method,
            path,
            params=list(params),
            json=json_body,
            headers={"Authorization": self._authorization.reveal()},
        )
        failures = 0
        rate_limited = 0
        while True:
            await self.limiter.acquire()
            started = self._clock.monotonic()
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                failures += 1
                if not self._may_retry_failure(method, exc, failures):
                    raise self._transport_error(request, exc, failures) from exc
                await self._wait_before_retry(request, failures, type(exc).__name__)
                continue
            await response.aread()
            self._observe(request, response, started)
            if response.status_code == 429:
                rate_limited += 1
                retry_after = self._retry_after(response)
                if rate_limited > self._max_rate_limit_retries:
                    raise self._error(response, record, retry_after=retry_after)
                logger.warning(
                    "gorgias %s %s: rate limited (429), waiting %.1f s "
                    "(429 number %d in a row)",
                    method,
                    self._log_path(request),
                    retry_after,
                    rate_limited,
                )
                self.limiter.pause(retry_after)
                continue
            rate_limited = 0
            if response.status_code >= 500:
                failures += 1
                if method == "GET" and failures < self._backoff.max_attempts:
                    await self._wait_before_retry(
                        request, failures, f"status {response.status_code}"
                    )
                    continue
                raise self._error(response, record, attempts=failures)
            if response.is_success:
                return response
            raise self._error(response, record)

    def _may_retry_failure(
        self, method: str, exc: httpx.TransportError, failures: int
    ) -> bool:
        if failures >= self._backoff.max_attempts:
            return False
        if isinstance(exc, _NEVER_SENT):
            return True
        return method == "GET" and isinstance(exc, _RETRYABLE_TRANSPORT)

    async def _wait_before_retry(
        self, request: httpx.Request, failures: int, reason: str
    ) -> None:
        delay = self._backoff.delay(failures)
        logger.warning(
            "gorgias %s %s failed (%s); retry %d of %d in %.2f s",
            request.method,
            self._log_path(request),
            reason,
            failures,
            self._backoff.max_attempts - 1,
            delay,
        )
        await self._clock.sleep(delay)

    def _retry_after(self, response: httpx.Response) -> float:
        # httpx header lookup is case-insensitive; Gorgias spells it Retry-after.
        seconds = parse_retry_after(
            response.headers.get(RETRY_AFTER_HEADER), now=self._clock.now()
        )
        return DEFAULT_RETRY_AFTER_SECONDS if seconds is None else seconds

    def _observe(
        self, request: httpx.Request, response: httpx.Response, started: float
    ) -> None:
        header = response.headers.get(USAGE_HEADER)
        usage = parse_usage(header)
        if usage is not None:
            self.limiter.observe_usage(*usage)
        if logger.isEnabledFor(self._log_level):
            logger.log(
                self._log_level,
                "gorgias %s %s -> %d in %.0f ms (rate limit usage %s)",
                request.method,
                self._log_path(request),
                response.status_code,
                (self._clock.monotonic() - started) * 1000,
                header or "unknown",
            )

    def _log_path(self, request: httpx.Request) -> str:
        path = request.url.raw_path.decode("ascii", errors="replace")
        return redact_text(redact_url(path), self.secrets, limit=300)

    def _error(
        self,
        response: httpx.Response,
        record: RecordRef | None,
        *,
        retry_after: float = 0.0,
        attempts: int = 1,
    ) -> ApiError:
        return error_for_response(
            response,
            base_url=self.base_url,
            record=record,
            secrets=self.secrets,
            retry_after=retry_after,
            attempts=attempts,
        )

    def _transport_error(
        self, request: httpx.Request, exc: httpx.TransportError, attempts: int
    ) -> TransportError:
        reason = redact_text(f"{type(exc).__name__}: {exc}", self.secrets)
        return TransportError(
            f"Gorgias request failed without a response: "
            f"request={request.method} {request.url.path}, attempts={attempts}, "
            f"error={reason!r}, base_url={self.base_url}; check the network and "
            "the base URL, then retry",
            service=SERVICE,
            method=request.method,
            path=request.url.path,
        )


def encode_params(filters: Mapping[str, Any]) -> list[tuple[str, QueryValue]]:
    """Return query pairs; sequences become repeated keys, booleans true/false."""
    pairs: list[tuple[str, QueryValue]] = []
    for name, value in filters.items():
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        for item in values:
            if item is None:
                continue
            if isinstance(item, bool):
                pairs.append((name, "true" if item else "false"))
            else:
                pairs.append((name, item))
    return pairs
