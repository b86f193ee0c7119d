"""The async Gorgias REST client: one instance per Gorgias account.

It depends on nothing of Brevo, the store or the sync. Readers get pages (so a
sync can commit after each one), incremental scans that follow the sort rules
in `endpoints`, and batch re-fetches that report deleted records instead of
raising.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from tajo.clock import Clock, SystemClock
from tajo.errors import ConfigError, NotFoundError, RecordError
from tajo.gorgias import endpoints as ep
from tajo.gorgias.admin_models import Account, CustomFieldValue, Integration, User
from tajo.gorgias.domain import (
    gorgias_base_url,
    parse_base_url_override,
    parse_subdomain,
)
from tajo.gorgias.endpoints import MAX_PAGE_SIZE, ModelT, Resource
from tajo.gorgias.lists import ListReads
from tajo.gorgias.models import Customer, SatisfactionSurvey, Ticket
from tajo.gorgias.pagination import FailedRecord, parse_records
from tajo.gorgias.requester import Requester
from tajo.gorgias.responses import RecordRef, unexpected_body
from tajo.http import Backoff, SlidingWindowLimiter
from tajo.redact import Secret

logger = logging.getLogger(__name__)

# The API-key budget is 40 requests per 20 s window, shared by every app of
# the account.
DEFAULT_REQUESTS_PER_WINDOW: Final = 40
DEFAULT_WINDOW_SECONDS: Final = 20.0


@dataclass(frozen=True, slots=True)
class TicketBatch:
    """The outcome of re-fetching tickets by id."""

    tickets: list[Ticket] = field(default_factory=list)
    # Ids that returned 404, because the tickets were deleted or merged away.
    deleted_ids: list[int] = field(default_factory=list)
    # Tickets that came back but could not be parsed.
    failed: list[FailedRecord] = field(default_factory=list)


class GorgiasClient(ListReads):
    """Async client for one Gorgias account, paced to the account's budget.

    Args:
        domain: `yourstore`, `yourstore.gorgias.com` or
            `https://yourstore.gorgias.com`.
        email: the email of the user who owns the API key.
        api_key: the REST API key (Settings > REST API in Gorgias).
        base_url: replaces `https://{subdomain}.gorgias.com/api/` (proxies,
            local simulators); plain http only for loopback hosts.
        clock: time source for every wait; tests pass a `FakeClock`.
        limiter: pass the same limiter to every client of one account, since
            the budget is per account. Built from `requests_per_window` and
            `window_seconds` when omitted.
        backoff: attempts and delays for 5xx and transport failures.
        max_rate_limit_retries: 429s in a row before `RateLimitedError`.
        page_size: `limit` sent with list requests, 1 to 100.
        timeout_seconds: per-request timeout.
        transport: an httpx transport, such as `httpx.ASGITransport` in tests.
        log_api_calls: log one INFO line per request (method, path, status,
            duration, rate-limit usage) instead of DEBUG. Credentials are never
            logged.

    Raises:
        ConfigError: the domain, base URL, email, key or page size is invalid.
            Nothing is sent before these checks pass.
    """

    def __init__(
        self,
        domain: str,
        email: str,
        api_key: Secret,
        *,
        base_url: str | None = None,
        clock: Clock | None = None,
        limiter: SlidingWindowLimiter | None = None,
        requests_per_window: int = DEFAULT_REQUESTS_PER_WINDOW,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        backoff: Backoff | None = None,
        max_rate_limit_retries: int = 20,
        page_size: int = MAX_PAGE_SIZE,
        timeout_seconds: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        log_api_calls: bool = False,
    ) -> None:
        self.subdomain = parse_subdomain(domain)
        if base_url is None:
            resolved_url = gorgias_base_url(self.subdomain)
        else:
            resolved_url = parse_base_url_override(base_url)
        self.email = _check_email(email)
        if not api_key.reveal().strip():
            raise ConfigError(
                "missing Gorgias API key: api_key is empty; expected the key "
                "created under Settings > REST API in Gorgias"
            )
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ConfigError(
                f"invalid Gorgias page size: page_size={page_size}; expected 1 to "
                f"{MAX_PAGE_SIZE}"
            )
        self.page_size = page_size
        self.clock: Clock = clock or SystemClock()
        self.limiter = limiter or SlidingWindowLimiter(
            requests_per_window, window_seconds, clock=self.clock, name="gorgias"
        )
        self._requester = Requester(
            base_url=resolved_url,
            email=self.email,
            api_key=api_key,
            clock=self.clock,
            limiter=self.limiter,
            backoff=backoff or Backoff(),
            max_rate_limit_retries=max_rate_limit_retries,
            timeout_seconds=timeout_seconds,
            transport=transport,
            log_api_calls=log_api_calls,
        )

    @property
    def base_url(self) -> str:
        """The API base URL requests go to, ending in `/api/`."""
        return self._requester.base_url

    async def __aenter__(self) -> GorgiasClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._requester.aclose()

    # Single records --------------------------------------------------------

    async def get_account(self) -> Account:
        """Fetch the account: the cheapest check that the credentials work.

        Raises:
            AuthenticationError: wrong email or key.
            NotFoundError: wrong subdomain or base URL.
        """
        raw = await self._get_json(ep.ACCOUNT.path, None)
        return _parse_one(ep.ACCOUNT, raw)

    async def get_current_user(self) -> User:
        """Fetch the user who owns the API key (`GET /api/users/0`)."""
        return await self._get_record(ep.USERS, 0)

    async def get_customer(self, customer_id: int) -> Customer:
        """Fetch one customer; NotFoundError once it is deleted or merged."""
        return await self._get_record(ep.CUSTOMERS, customer_id)

    async def get_customer_custom_fields(
        self, customer_id: int
    ) -> list[CustomFieldValue]:
        """Fetch a customer's custom field values (one request per customer)."""
        resource = ep.CUSTOMER_CUSTOM_FIELDS
        raw = await self._get_json(
            resource.list_path(customer_id), RecordRef("customer", customer_id)
        )
        data = raw.get("data") if isinstance(raw, dict) else raw
        items, failed = parse_records(resource, data if isinstance(data, list) else [])
        if failed:
            raise RecordError(failed[0].reason)
        return items

    async def get_ticket(self, ticket_id: int) -> Ticket:
        """Fetch one ticket with its messages; NotFoundError once deleted."""
        return await self._get_record(ep.TICKETS, ticket_id)

    async def get_tickets(self, ticket_ids: Iterable[int]) -> TicketBatch:
        """Re-fetch tickets by id, one request each, in the order given.

        A 404 puts the id in `deleted_ids` and an unparsable ticket goes to
        `failed`. Any other error is raised.
        """
        batch = TicketBatch()
        for ticket_id in ticket_ids:
            try:
                raw = await self._get_json(
                    ep.TICKETS.item_path(ticket_id), RecordRef("ticket", ticket_id)
                )
            except NotFoundError:
                logger.info("gorgias ticket %d not found: deleted or merged", ticket_id)
                batch.deleted_ids.append(ticket_id)
                continue
            tickets, failed = parse_records(ep.TICKETS, [raw])
            batch.tickets.extend(tickets)
            batch.failed.extend(failed)
        return batch

    async def get_survey(self, survey_id: int) -> SatisfactionSurvey:
        """Fetch one satisfaction survey, for example to see a late score."""
        return await self._get_record(ep.SATISFACTION_SURVEYS, survey_id)

    async def get_user(self, user_id: int) -> User:
        """Fetch one helpdesk user."""
        return await self._get_record(ep.USERS, user_id)

    async def get_integration(self, integration_id: int) -> Integration:
        """Fetch one integration."""
        return await self._get_record(ep.INTEGRATIONS, integration_id)

    # Writes ------------------------------------------------------------------

    async def create_customer(self, body: Mapping[str, Any]) -> Customer:
        """Create a customer; writes are never retried once sent.

        Raises:
            ConflictError: the email already belongs to another customer.
            InvalidRequestError: a field is invalid (the message names it).
        """
        return await self._write(ep.CUSTOMERS, "POST", ep.CUSTOMERS.path, body)

    async def update_customer(
        self, customer_id: int, body: Mapping[str, Any]
    ) -> Customer:
        """Update the fields in `body`; sending `channels` replaces them all."""
        path = ep.CUSTOMERS.item_path(customer_id)
        return await self._write(ep.CUSTOMERS, "PUT", path, body, customer_id)

    async def create_integration(self, body: Mapping[str, Any]) -> Integration:
        """Create an integration, such as an HTTP integration (webhook)."""
        return await self._write(ep.INTEGRATIONS, "POST", ep.INTEGRATIONS.path, body)

    async def update_integration(
        self, integration_id: int, body: Mapping[str, Any]
    ) -> Integration:
        """Update an integration."""
        path = ep.INTEGRATIONS.item_path(integration_id)
        return await self._write(ep.INTEGRATIONS, "PUT", path, body, integration_id)

    async def delete_integration(self, integration_id: int) -> None:
        """Delete an integration; NotFoundError if it is already gone."""
        await self._requester.send(
            "DELETE",
            ep.INTEGRATIONS.item_path(integration_id),
            record=RecordRef("integration", integration_id),
        )

    # Helpers -----------------------------------------------------------------

    async def _get_record(self, resource: Resource[ModelT], record_id: int) -> ModelT:
        raw = await self._get_json(
            resource.item_path(record_id), RecordRef(resource.name, record_id)
        )
        return _parse_one(resource, raw)

    async def _get_json(self, path: str, record: RecordRef | None) -> Any:
        response = await self._requester.send("GET", path, record=record)
        return self._json(response)

    async def _write(
        self,
        resource: Resource[ModelT],
        method: str,
        path: str,
        body: Mapping[str, Any],
        record_id: int | None = None,
    ) -> ModelT:
        record = None if record_id is None else RecordRef(resource.name, record_id)
        response = await self._requester.send(
            method, path, json_body=dict(body), record=record
        )
        return _parse_one(resource, self._json(response))

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise unexpected_body(
                response, "a JSON body", self._requester.secrets
            ) from None


def _parse_one(resource: Resource[ModelT], raw: object) -> ModelT:
    items, failed = parse_records(resource, [raw])
    if failed:
        raise RecordError(failed[0].reason)
    return items[0]


def _check_email(email: str) -> str:
    text = email.strip()
    local, at, host = text.partition("@")
    if not (local and at and host) or any(c.isspace() or c == ":" for c in text):
        raise ConfigError(
            f"invalid Gorgias account email: email={email!r}; expected the email "
            "of the user who owns the API key, such as agent@example.com"
        )
    return text
