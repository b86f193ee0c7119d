"""In-memory state of one simulated Gorgias account.

Objects are kept as the dicts they will be served as. Seeded payloads are
stored as given; only the indexes (messages per ticket, survey per ticket)
and the sorted-order caches are derived from them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from tajo.sandbox.gorgias._ordering import SORT_KEYS
from tajo.sandbox.gorgias._pagination import Entry
from tajo.sandbox.gorgias._time import sort_key

Obj = dict[str, Any]

COLLECTIONS = (
    "customers",
    "tickets",
    "messages",
    "satisfaction-surveys",
    "events",
    "users",
    "tags",
    "custom-fields",
    "macros",
    "rules",
    "integrations",
)


class Store:
    """Collections keyed by id, with per-ticket indexes and cached sort orders.

    Every read and write happens under `lock`, which callers hold for the
    whole of a request so a page is rendered from one consistent state.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.collections: dict[str, dict[int, Obj]] = {c: {} for c in COLLECTIONS}
        self.messages_by_ticket: dict[int, list[int]] = {}
        self.survey_by_ticket: dict[int, int] = {}
        self.customer_field_values: dict[int, list[Obj]] = {}
        self._versions: dict[str, int] = dict.fromkeys(COLLECTIONS, 0)
        self._next_ids: dict[str, int] = {}
        self._sorted: dict[tuple[str, str], tuple[int, list[Entry]]] = {}

    def clear(self) -> None:
        """Drop every object."""
        with self.lock:
            for objects in self.collections.values():
                objects.clear()
            self.messages_by_ticket.clear()
            self.survey_by_ticket.clear()
            self.customer_field_values.clear()
            self._next_ids.clear()
            self._sorted.clear()
            for name in self._versions:
                self._versions[name] += 1

    def __getitem__(self, collection: str) -> dict[int, Obj]:
        return self.collections[collection]

    def get(self, collection: str, object_id: int) -> Obj | None:
        """Return the stored object, or None when unknown or deleted."""
        return self.collections[collection].get(object_id)

    def touch(self, collection: str) -> None:
        """Mark a collection as changed so its sort orders are rebuilt."""
        self._versions[collection] += 1

    def next_id(self, collection: str) -> int:
        """Allocate an id above every id the collection has held."""
        current = self._next_ids.get(collection)
        if current is None:
            current = max(self.collections[collection], default=0) + 1
        self._next_ids[collection] = current + 1
        return current

    def put(self, collection: str, obj: Obj) -> None:
        """Insert or replace an object by its `id`.

        Raises:
            ValueError: the object has no integer `id`.
        """
        object_id = obj.get("id")
        if not isinstance(object_id, int) or isinstance(object_id, bool):
            raise ValueError(
                f"cannot store a {collection} object: id={object_id!r}; "
                "expected an integer id"
            )
        self.collections[collection][object_id] = obj
        next_id = self._next_ids.get(collection)
        if next_id is not None and object_id >= next_id:
            self._next_ids[collection] = object_id + 1
        if collection == "messages":
            self._index_message(obj)
        elif collection == "satisfaction-surveys":
            ticket_id = obj.get("ticket_id")
            if isinstance(ticket_id, int):
                self.survey_by_ticket[ticket_id] = object_id
        elif collection == "tickets":
            self._index_ticket(obj)
        self.touch(collection)

    def put_many(self, collection: str, objs: Iterable[Obj]) -> None:
        """Insert objects in order."""
        for obj in objs:
            self.put(collection, obj)

    def remove(self, collection: str, object_id: int) -> Obj | None:
        """Delete an object; later reads of it are 404s."""
        obj = self.collections[collection].pop(object_id, None)
        if obj is None:
            return None
        if collection == "messages":
            ids = self.messages_by_ticket.get(obj.get("ticket_id", -1), [])
            if object_id in ids:
                ids.remove(object_id)
        elif collection == "satisfaction-surveys":
            ticket_id = obj.get("ticket_id")
            if (
                isinstance(ticket_id, int)
                and self.survey_by_ticket.get(ticket_id) == object_id
            ):
                del self.survey_by_ticket[ticket_id]
        self.touch(collection)
        return obj

    def sorted_entries(self, collection: str, key: str) -> list[Entry]:
        """Return (sort key, id) pairs in ascending order, cached per version."""
        version = self._versions[collection]
        cached = self._sorted.get((collection, key))
        if cached is not None and cached[0] == version:
            return cached[1]
        key_of = SORT_KEYS[key]
        entries = sorted(
            (key_of(obj), object_id)
            for object_id, obj in self.collections[collection].items()
        )
        self._sorted[(collection, key)] = (version, entries)
        return entries

    def ticket_messages(self, ticket_id: int) -> list[Obj]:
        """Return a ticket's messages, oldest first."""
        messages = self.collections["messages"]
        found = [messages[i] for i in self.messages_by_ticket.get(ticket_id, ())]
        found.sort(key=lambda m: (sort_key(m.get("created_datetime")), m["id"]))
        return found

    def ticket_survey(self, ticket_id: int) -> Obj | None:
        """Return the ticket's satisfaction survey (at most one per ticket)."""
        survey_id = self.survey_by_ticket.get(ticket_id)
        if survey_id is None:
            return None
        return self.collections["satisfaction-surveys"].get(survey_id)

    def _index_message(self, message: Mapping[str, Any]) -> None:
        ticket_id = message.get("ticket_id")
        if not isinstance(ticket_id, int):
            return
        ids = self.messages_by_ticket.setdefault(ticket_id, [])
        if message["id"] not in ids:
            ids.append(message["id"])

    def _index_ticket(self, ticket: Obj) -> None:
        # A replayed ticket payload may embed its messages and survey; serve
        # them from the message and survey collections too.
        for message in ticket.get("messages") or ():
            if (
                isinstance(message, dict)
                and isinstance(message.get("id"), int)
                and message["id"] not in self.collections["messages"]
            ):
                self.put("messages", message)
        survey = ticket.get("satisfaction_survey")
        if (
            isinstance(survey, dict)
            and isinstance(survey.get("id"), int)
            and survey["id"] not in self.collections["satisfaction-surveys"]
        ):
            self.put("satisfaction-surveys", survey)
