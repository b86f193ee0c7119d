"""Fixtures for the Brevo client tests: simulator, clients and OpenAPI checks.

Every request a client built by `make_client` sends is recorded by a wrapping
transport. At teardown, `_requests_match_openapi` validates each one against
Brevo's OpenAPI description (the project supplement first, for the operations
it defines, then Brevo's own file) and fails the test on any mismatch. Build
clients only through `make_client`, or their requests escape the check.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
import pytest
import yaml

from tajo.brevo import BrevoClient, BrevoRateLimits
from tajo.clock import FakeClock
from tajo.http.retry import Backoff
from tajo.redact import Secret

API_KEY = "xkeysib-fake-key-for-tests"
REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_HOST = "https://api.brevo.com"
SPEC_FILES = ("brevo-supplement.yaml", "swagger_definition_v3.yml")
# Schema keywords that PyYAML reads as strings when written like `1E+2`.
_NUMERIC_KEYWORDS = frozenset(
    {"maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf"}
)


def openapi_dir() -> Path:
    """Return the folder of the Brevo OpenAPI files.

    It sits beside the repository in `shared/reference/brevo/openapi`, unless
    TAJO_BREVO_OPENAPI_DIR names another folder.
    """
    override = os.environ.get("TAJO_BREVO_OPENAPI_DIR")
    if override:
        return Path(override)
    return REPO_ROOT.parent / "shared" / "reference" / "brevo" / "openapi"


@dataclass(slots=True)
class SentRequest:
    """One request as it left the client, and the status it got (None if none)."""

    method: str
    raw_path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    status: int | None = None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class RecordingTransport(httpx.AsyncBaseTransport):
    """Forwards to `inner` after recording the request."""

    def __init__(self, inner: httpx.AsyncBaseTransport, log: list[SentRequest]):
        self._inner = inner
        self._log = log

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        raw_path, _, query = request.url.raw_path.decode("ascii").partition("?")
        sent = SentRequest(
            method=request.method,
            raw_path=raw_path,
            query=parse_qsl(query, keep_blank_values=True),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
        )
        self._log.append(sent)
        response = await self._inner.handle_async_request(request)
        sent.status = response.status_code
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def _normalize(node: Any) -> Any:
    # PyYAML reads unquoted response codes as ints and example timestamps as
    # datetimes; OpenAPI tooling needs string keys and JSON values.
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            name = str(key)
            if name in _NUMERIC_KEYWORDS and isinstance(value, str):
                number = float(value)
                value = int(number) if number.is_integer() else number
            result[name] = _normalize(value)
        return result
    if isinstance(node, list):
        return [_normalize(item) for item in node]
    if isinstance(node, dt.date | dt.datetime):
        return node.isoformat()
    return node


@dataclass
class _Spec:
    name: str
    api: Any
    # (regex, template, method names) in matching order: literal paths first.
    routes: list[tuple[re.Pattern[str], str, frozenset[str]]] = field(
        default_factory=list
    )


class OpenApiRequestChecker:
    """Validates recorded requests with openapi-core against Brevo's descriptions."""

    def __init__(self, folder: Path) -> None:
        from openapi_core import OpenAPI

        self.specs: list[_Spec] = []
        for filename in SPEC_FILES:
            with (folder / filename).open(encoding="utf-8") as handle:
                document = _normalize(yaml.load(handle, Loader=yaml.CSafeLoader))
            spec = _Spec(filename, OpenAPI.from_dict(document))
            templates = sorted(document["paths"], key=_template_order)
            for template in templates:
                pattern = re.compile(
                    "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
                )
                methods = frozenset(document["paths"][template])
                spec.routes.append((pattern, template, methods))
            self.specs.append(spec)

    def check(
        self,
        method: str,
        raw_path: str,
        *,
        body: object = None,
        query: dict[str, str] | None = None,
    ) -> list[str]:
        """Validate a hand-made request with the api-key and JSON headers set."""
        headers = {"api-key": API_KEY}
        if body is not None:
            headers["content-type"] = "application/json"
        request = SentRequest(
            method=method,
            raw_path=raw_path,
            query=list((query or {}).items()),
            headers=headers,
            body=json.dumps(body).encode() if body is not None else b"",
        )
        return self.problems(request)

    def problems(self, request: SentRequest) -> list[str]:
        """Return why `request` violates its operation; empty when it is valid."""
        from openapi_core.testing import MockRequest

        if not request.raw_path.startswith("/v3/"):
            return [f"{request.method} {request.raw_path}: not under /v3"]
        relative = request.raw_path[len("/v3") :]
        method = request.method.lower()
        for spec in self.specs:
            for pattern, template, methods in spec.routes:
                match = pattern.match(relative)
                if match is None or method not in methods:
                    continue
                names = re.findall(r"\{([^}]+)\}", template)
                path_params = {
                    name: unquote(value)
                    for name, value in zip(names, match.groups(), strict=True)
                }
                mock = MockRequest(
                    SPEC_HOST,
                    method,
                    request.raw_path,
                    path_pattern="/v3" + template,
                    args=dict(request.query),
                    view_args=path_params,
                    headers=request.headers,
                    data=request.body or None,
                    content_type=request.headers.get("content-type", ""),
                )
                try:
                    spec.api.validate_request(mock)
                except Exception as exc:
                    cause = exc.__cause__
                    detail = getattr(cause, "schema_errors", None) or cause or exc
                    return [
                        f"{request.method} {request.raw_path} ({spec.name} "
                        f"{template}): {exc}: {detail}"
                    ]
                return []
        return [f"{request.method} {request.raw_path}: no operation in either file"]


def _template_order(template: str) -> tuple[int, int, str]:
    # Fewer parameters first, so `/contacts/lists` wins over `/contacts/{identifier}`.
    return (template.count("{"), -template.count("/"), template)


@pytest.fixture(scope="session")
def openapi_folder() -> Path:
    """Return the folder the OpenAPI files are read from."""
    return openapi_dir()


@pytest.fixture(scope="session")
def openapi_checker() -> OpenApiRequestChecker | str:
    """Return the checker, or the reason it is unavailable."""
    folder = openapi_dir()
    missing = [name for name in SPEC_FILES if not (folder / name).is_file()]
    if missing:
        return (
            f"Brevo OpenAPI files not found in {folder} ({', '.join(missing)}); "
            "set TAJO_BREVO_OPENAPI_DIR to the folder that contains them"
        )
    return OpenApiRequestChecker(folder)


@pytest.fixture
def sent_requests() -> list[SentRequest]:
    """Every request sent by clients from `make_client` during the test."""
    return []


@pytest.fixture(autouse=True)
def _requests_match_openapi(
    openapi_checker: OpenApiRequestChecker | str, sent_requests: list[SentRequest]
) -> Iterator[None]:
    yield
    if isinstance(openapi_checker, str):
        return
    problems = [
        problem
        for request in sent_requests
        for problem in openapi_checker.problems(request)
    ]
    assert problems == [], "requests that break Brevo's OpenAPI description"


ClientFactory = Callable[..., Awaitable[BrevoClient]]


@pytest.fixture
async def make_client(
    clock: FakeClock, sent_requests: list[SentRequest]
) -> AsyncIterator[ClientFactory]:
    """Build recorded clients on the shared FakeClock; closed after the test."""
    clients: list[BrevoClient] = []

    async def build(
        inner: httpx.AsyncBaseTransport,
        *,
        base_url: str = "http://127.0.0.1/v3",
        api_key: str = API_KEY,
        rate_limits: BrevoRateLimits | None = None,
        backoff: Backoff | None = None,
        **options: Any,
    ) -> BrevoClient:
        client = BrevoClient(
            Secret(api_key),
            base_url=base_url,
            clock=clock,
            rate_limits=rate_limits,
            transport=RecordingTransport(inner, sent_requests),
            backoff=backoff or Backoff(random=lambda: 1.0),
            **options,
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()


SandboxFactory = Callable[..., tuple[Any, str]]


@pytest.fixture
def serve_sandbox(clock: FakeClock) -> Iterator[SandboxFactory]:
    """Start Brevo simulators on loopback; return (sandbox, base URL) pairs.

    Each simulator shares the test's FakeClock, so its rate-limit windows and
    the client's pacing read the same virtual time.
    """
    from tajo.sandbox.brevo import BrevoSandbox, create_app
    from tajo.sandbox.server import serve

    with contextlib.ExitStack() as stack:

        def start(**options: Any) -> tuple[Any, str]:
            options.setdefault("api_key", API_KEY)
            options.setdefault("strict_fields", True)
            sandbox = BrevoSandbox(clock=clock.monotonic, now=clock.now, **options)
            server = stack.enter_context(serve(create_app(sandbox)))
            return sandbox, f"{server.base_url}/v3"

        yield start


@pytest.fixture
def sandbox_url(serve_sandbox: SandboxFactory) -> tuple[Any, str]:
    """One simulator with default settings, on loopback."""
    return serve_sandbox()


@pytest.fixture
def sandbox(sandbox_url: tuple[Any, str]) -> Any:
    return sandbox_url[0]


@pytest.fixture
async def brevo(
    make_client: ClientFactory, sandbox_url: tuple[Any, str]
) -> BrevoClient:
    """A recorded client talking HTTP to the default simulator on loopback."""
    return await make_client(httpx.AsyncHTTPTransport(), base_url=sandbox_url[1])
