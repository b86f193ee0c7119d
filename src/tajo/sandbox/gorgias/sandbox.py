"""`GorgiasSandbox`: the state and behaviour of one simulated Gorgias account.

The ASGI app from `create_app` serves it over HTTP; tests and the demo also
drive it directly through the Python methods below, which change the
account the way agents and customers would and record the matching events.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from tajo.sandbox.gorgias import _customers, _integrations, _surveys, _tickets
from tajo.sandbox.gorgias._account_data import AccountData
from tajo.sandbox.gorgias._context import MutationContext
from tajo.sandbox.gorgias._cursors import CursorBook
from tajo.sandbox.gorgias._deliveries import Delivery
from tajo.sandbox.gorgias._dispatch import Dispatcher
from tajo.sandbox.gorgias._faults import Fault, FaultQueue
from tajo.sandbox.gorgias._ratelimit import LeakyBucket
from tajo.sandbox.gorgias._records import RequestRecord
from tajo.sandbox.gorgias._store import Obj, Store
from tajo.sandbox.gorgias._time import stamp, utc_now

Objs = Iterable[Mapping[str, Any]]


class GorgiasSandbox:
    """A simulated Gorgias account: objects, rate limit, faults and integrations.

    `clock` (seconds) drives the rate limit, cursor expiry and the request
    log; `now` stamps objects on mutation. Both are injectable so tests run
    on virtual time. HTTP integration deliveries run on a worker thread in
    real time. Call `wait_for_deliveries` before checking what arrived, and
    `close` (or use the sandbox as a context manager) to stop the thread.
    """

    def __init__(
        self,
        *,
        email: str = "agent@example.com",
        api_key: str = "fake-gorgias-api-key",
        requests_per_window: int = 40,
        window_seconds: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        admin_token: str = "sandbox-admin",  # noqa: S107 - a loopback test fixture
        cursor_ttl_seconds: float = 600.0,
        domain: str = "example-store",
        integration_failure_limit: int = 100,
        delivery_attempts: int = 3,
        delivery_retry_delay: float = 0.2,
        delivery_timeout: float = 5.0,
        context_body: str = "ticket_http_integration",
    ) -> None:
        self.email = email
        self.api_key = api_key
        self.admin_token = admin_token
        self.domain = domain
        self.clock = clock
        self.now = now
        self.store = Store()
        # NOTE: Gorgias documents that cursors expire but not after how long;
        # the default TTL here is a guess, short enough to catch stored cursors.
        self.cursors = CursorBook(clock, cursor_ttl_seconds)
        self.bucket = LeakyBucket(requests_per_window, window_seconds, clock)
        self.faults = FaultQueue()
        self.requests: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self.created_datetime = stamp(now)
        self._dispatcher = Dispatcher(
            self.store,
            now,
            self.current_user,
            domain=domain,
            context_body=context_body,
            failure_limit=integration_failure_limit,
            attempts=delivery_attempts,
            retry_delay=delivery_retry_delay,
            timeout=delivery_timeout,
        )
        self.ctx = MutationContext(
            self.store, now, self.owner_id, self._dispatcher.fire
        )

    # -- loading data -------------------------------------------------------

    def seed_objects(
        self,
        *,
        customers: Objs = (),
        tickets: Objs = (),
        surveys: Objs = (),
        messages: Objs = (),
        events: Objs = (),
        users: Objs = (),
        tags: Objs = (),
        custom_fields: Objs = (),
        customer_custom_field_values: Mapping[int, Sequence[Mapping[str, Any]]]
        | None = None,
        macros: Objs = (),
        rules: Objs = (),
        integrations: Objs = (),
    ) -> None:
        """Insert copies of raw API objects exactly as given.

        Values are not validated or normalised, so exact payloads (mixed
        datetime formats, `email: null`, a ticket with `customer: null`) can
        be replayed. Tickets that embed messages or a survey also make those
        readable through `/api/messages` and `/api/satisfaction-surveys`.

        Raises:
            ValueError: an object has no integer `id`.
        """
        groups: list[tuple[str, Objs]] = [
            ("users", users),
            ("tags", tags),
            ("custom-fields", custom_fields),
            ("customers", customers),
            ("tickets", tickets),
            ("messages", messages),
            ("satisfaction-surveys", surveys),
            ("events", events),
            ("macros", macros),
            ("rules", rules),
            ("integrations", integrations),
        ]
        with self.store.lock:
            for collection, objs in groups:
                self.store.put_many(collection, (copy.deepcopy(dict(o)) for o in objs))
            for customer_id, values in (customer_custom_field_values or {}).items():
                self.store.customer_field_values[int(customer_id)] = copy.deepcopy(
                    [dict(v) for v in values]
                )

    def load(self, data: AccountData) -> None:
        """Insert a generated account; the sandbox takes ownership of its dicts.

        They are not copied, so loading tens of thousands of objects stays fast.
        """
        with self.store.lock:
            self.store.put_many("users", data.users)
            self.store.put_many("tags", data.tags)
            self.store.put_many("custom-fields", data.custom_fields)
            self.store.put_many("customers", data.customers)
            self.store.put_many("messages", data.messages)
            self.store.put_many("satisfaction-surveys", data.surveys)
            self.store.put_many("tickets", data.tickets)
            self.store.put_many("events", data.events)
            self.store.put_many("macros", data.macros)
            self.store.put_many("rules", data.rules)
            self.store.put_many("integrations", data.integrations)
            self.store.customer_field_values.update(data.customer_custom_field_values)

    @classmethod
    def from_seed(
        cls,
        seed: int,
        *,
        customers: int,
        tickets: int,
        surveys: int,
        now: datetime,
        **sandbox_kwargs: Any,
    ) -> GorgiasSandbox:
        """Build a sandbox holding a generated account (see `generate_account`)."""
        from tajo.sandbox.gorgias.generator import generate_account

        sandbox = cls(**sandbox_kwargs)
        sandbox.load(
            generate_account(
                seed,
                customers=customers,
                tickets=tickets,
                surveys=surveys,
                now=now,
                owner_email=sandbox.email,
            )
        )
        return sandbox

    def reset(self) -> None:
        """Drop every object, cursor, fault and logged request; empty the bucket."""
        with self.store.lock:
            self.store.clear()
        self.cursors.clear()
        self.faults.clear()
        self.bucket.reset()
        with self._log_lock:
            self.requests.clear()

    # -- faults and the request log -----------------------------------------

    def inject_fault(
        self,
        kind: str,
        *,
        count: int = 1,
        path_prefix: str = "/api",
        retry_after: int = 5,
        status: int = 503,
        delay_seconds: float = 0.0,
        method: str | None = None,
    ) -> None:
        """Make the next `count` matching requests fail.

        Kinds: `rate_limit` (429 with `Retry-after` and a full usage header),
        `server_error` (`status`, 5xx), `slow` (respond after `delay_seconds`
        of real time), `drop` (close the connection without a response) and
        `not_found` (404). `path_prefix` matches whole path segments, so
        `/api/tickets/777` matches that ticket only. Faults apply in the
        order they were injected.

        Raises:
            ValueError: unknown kind or invalid count, status or delay.
        """
        self.faults.add(
            Fault(
                kind=kind,
                remaining=count,
                path_prefix=path_prefix,
                retry_after=retry_after,
                status=status,
                delay_seconds=delay_seconds,
                method=method.upper() if method else None,
            )
        )

    def rate_limit_storm(
        self, count: int, *, retry_after: int = 5, path_prefix: str = "/api"
    ) -> None:
        """Make the next `count` matching requests fail with 429."""
        self.inject_fault(
            "rate_limit", count=count, retry_after=retry_after, path_prefix=path_prefix
        )

    def log_request(self, record: RequestRecord) -> None:
        """Append to the request log (called by the app)."""
        with self._log_lock:
            self.requests.append(record)

    # -- identity -------------------------------------------------------------

    def current_user(self) -> Obj | None:
        """Return the user who owns the API key (matched by email)."""
        owner_email = self.email.strip().lower()
        with self.store.lock:
            for user in self.store["users"].values():
                if str(user.get("email") or "").strip().lower() == owner_email:
                    return user
        return None

    def owner_id(self) -> int | None:
        """Return the id of the user who owns the API key, if stored."""
        user = self.current_user()
        return user["id"] if user is not None else None

    def account(self) -> Obj:
        """Return the body of `GET /api/account`."""
        return {
            "domain": self.domain,
            "created_datetime": self.created_datetime,
            "deactivated_datetime": None,
            "settings": [],
            "status": {"status": "active"},
        }

    # -- HTTP integrations ------------------------------------------------------

    @property
    def deliveries(self) -> list[Delivery]:
        """Return the HTTP integration deliveries made so far, oldest first."""
        return list(self._dispatcher.deliveries)

    def wait_for_deliveries(self, timeout: float = 5.0) -> bool:
        """Block until every queued delivery finished; False on timeout."""
        return self._dispatcher.wait(timeout)

    def create_integration(self, body: Mapping[str, Any]) -> Obj:
        """Register an integration from a `POST /api/integrations` body.

        Raises:
            InvalidRequest: the body is not a valid HTTP integration.
        """
        with self.store.lock:
            return _integrations.create_integration(self.ctx, dict(body))

    def reactivate_integration(self, integration_id: int) -> None:
        """Forget an integration's failure count (it was reactivated)."""
        self._dispatcher.reset_failures(integration_id)

    def close(self) -> None:
        """Stop the delivery thread; deliveries already queued are finished."""
        self._dispatcher.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- changes, as agents and customers make them ------------------------------

    def create_customer(self, **fields: Any) -> Obj:
        """Create a customer (the `POST /api/customers` body as keywords)."""
        with self.store.lock:
            return _customers.create_customer(self.ctx, fields)

    def update_customer(self, customer_id: int, **fields: Any) -> Obj:
        """Update a customer partially (the `PUT /api/customers/{id}` body)."""
        with self.store.lock:
            return _customers.update_customer(self.ctx, customer_id, fields)

    def merge_customers(self, source_id: int, target_id: int) -> Obj:
        """Merge `source_id` into `target_id`; the source becomes a 404."""
        with self.store.lock:
            return _customers.merge_customers(self.ctx, source_id, target_id)

    def delete_customer(self, customer_id: int) -> None:
        """Delete a customer; it becomes a 404."""
        with self.store.lock:
            _customers.delete_customer(self.ctx, customer_id)

    def create_ticket(
        self,
        customer_id: int | None,
        *,
        subject: str,
        channel: str = "email",
        tags: Sequence[str] = (),
        body: str | None = None,
    ) -> Obj:
        """Open a ticket with a first customer message (`body`, else `subject`)."""
        with self.store.lock:
            return _tickets.create_ticket(
                self.ctx,
                customer_id,
                subject=subject,
                channel=channel,
                tags=tuple(tags),
                body=body,
            )

    def close_ticket(self, ticket_id: int) -> Obj:
        """Close a ticket."""
        with self.store.lock:
            return _tickets.close_ticket(self.ctx, ticket_id)

    def reopen_ticket(self, ticket_id: int) -> Obj:
        """Reopen a closed ticket."""
        with self.store.lock:
            return _tickets.reopen_ticket(self.ctx, ticket_id)

    def tag_ticket(self, ticket_id: int, tag_name: str) -> Obj:
        """Add a tag to a ticket, creating the tag when unknown."""
        with self.store.lock:
            return _tickets.tag_ticket(self.ctx, ticket_id, tag_name)

    def untag_ticket(self, ticket_id: int, tag_name: str) -> Obj:
        """Remove a tag from a ticket."""
        with self.store.lock:
            return _tickets.untag_ticket(self.ctx, ticket_id, tag_name)

    def add_message(
        self, ticket_id: int, *, from_agent: bool, body: str, public: bool = True
    ) -> Obj:
        """Add a message to a ticket; `public=False` makes an internal note."""
        with self.store.lock:
            return _tickets.add_message(
                self.ctx, ticket_id, from_agent=from_agent, body=body, public=public
            )

    def delete_ticket(self, ticket_id: int) -> None:
        """Hard-delete a ticket; it becomes a 404."""
        with self.store.lock:
            _tickets.delete_ticket(self.ctx, ticket_id)

    def send_survey(self, ticket_id: int, *, sent: bool = True) -> Obj:
        """Create a ticket's survey, sent now unless `sent=False`."""
        with self.store.lock:
            return _surveys.send_survey(self.ctx, ticket_id, sent=sent)

    def answer_survey(
        self, survey_or_ticket_id: int, score: int, *, body_text: str | None = None
    ) -> Obj:
        """Record a survey answer, finding the survey by its id or its ticket's."""
        with self.store.lock:
            return _surveys.answer_survey(
                self.ctx, survey_or_ticket_id, score, body_text=body_text
            )
