"""Random deliveries: the receiver never fails with 5xx and never queues work
without the shared secret."""

from __future__ import annotations

import json
import string

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.webhooks.fixtures import HEADER, SECRET

from tajo.store import Store
from tajo.store.inbox_repo import queue_depths

PATH = "/webhooks/gorgias"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
ticket_ids = st.one_of(
    st.integers(min_value=-5, max_value=10**20).map(str),
    st.text(max_size=12),
    st.just("{{ticket.id}}"),
)
json_bodies = st.one_of(
    st.dictionaries(
        st.sampled_from(["ticket_id", "id", "status", "event_type"]),
        json_values | ticket_ids,
        max_size=4,
    ),
    json_values,
).map(lambda value: json.dumps(value).encode())
bodies = st.one_of(
    st.binary(max_size=300),
    json_bodies,
    st.dictionaries(st.sampled_from(["ticket_id", "x"]), ticket_ids, max_size=2).map(
        lambda fields: "&".join(f"{k}={v}" for k, v in fields.items()).encode(
            "utf-8", "replace"
        )
    ),
)
content_types = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "application/x-www-form-urlencoded",
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/vnd.api+json",
            "",
        ]
    ),
    st.text(alphabet=string.printable.strip(), max_size=30),
)
header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40
).map(str.strip)
extra_headers = st.dictionaries(
    st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=12).filter(
        lambda name: name not in {"content-length", "transfer-encoding", "host"}
    ),
    header_values,
    max_size=3,
)
auth_modes = st.sampled_from(["header", "query", "wrong", "none"])
queries = st.dictionaries(
    st.sampled_from(["ticket_id", "token", "x"]), ticket_ids, max_size=2
)


def depth(store: Store) -> int:
    with store.transaction("gorgias", read_only=True) as tx:
        return queue_depths(tx).inbox


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    body=bodies,
    content_type=content_types,
    headers=extra_headers,
    auth=auth_modes,
    query=queries,
)
async def test_receiver_fuzz_never_5xx_never_work_without_auth(
    client: httpx.AsyncClient,
    store: Store,
    body: bytes,
    content_type: str,
    headers: dict[str, str],
    auth: str,
    query: dict[str, str],
) -> None:
    # Bytes, so httpx sends Latin-1 values as they are instead of rejecting them.
    sent_headers: dict[str, str | bytes] = {
        k: v.encode("latin-1") for k, v in headers.items() if k != HEADER
    }
    params = {k: v for k, v in query.items() if k != "token"}
    if content_type:
        sent_headers["content-type"] = content_type
    if auth == "header":
        sent_headers[HEADER] = SECRET
    elif auth == "query":
        params["token"] = SECRET
    elif auth == "wrong":
        sent_headers[HEADER] = SECRET[:-1]
    before = depth(store)
    response = await client.post(
        PATH, content=body, headers=sent_headers, params=params
    )
    added = depth(store) - before
    assert response.status_code < 500
    if auth in {"wrong", "none"}:
        assert response.status_code == 401
    assert added == (1 if response.status_code == 202 else 0)
