"""The Brevo state a sync should produce, computed straight from raw Gorgias data.

This is an independent reading of the rules the connector documents, written
over the generator's raw dicts without the planner, the store or the client
models, so a mistake in those shows up as a difference:

- identity: the primary email trimmed and lower-cased; else the first phone
  channel that `phonenumbers` reads as a possible number (default region US,
  `00` taken as `+`); a number claimed by several customers belongs to the
  lowest customer id; a customer with neither is not written;
- attributes from the published field mapping; counts leave spam and
  trashed tickets out; first response is the earliest public agent reply
  (rules' automatic replies excluded) after the earliest customer message;
- lists: everyone in the support list, CSAT lists by the last score, the vip
  tag list by ticket tags and Shopify customer tags;
- events: transitions inside the 30 days before the first sync, one per real
  change, identified by email (or the SMS when there is no email).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import phonenumbers

from tajo.sandbox.gorgias import AccountData

from .conftest import ALL_LIST, DISSATISFIED_LIST, SATISFIED_LIST, VIP_LIST

REGION = "US"
BACKFILL = timedelta(days=30)
Obj = dict[str, Any]


def instant(text: str | None) -> datetime | None:
    """Parse a Gorgias datetime; naive values are UTC."""
    if not text:
        return None
    parsed = datetime.fromisoformat(text.strip())
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def e164(raw: str) -> str | None:
    """Return a possible phone number in E.164 form, or None."""
    candidates = [raw.strip()]
    compact = "".join(ch for ch in raw if ch not in " ().-/")
    if compact.startswith("00"):
        candidates.append("+" + compact[2:])
    for text in candidates:
        try:
            number = phonenumbers.parse(text, REGION)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164
            )
    return None


@dataclass
class ExpectedContact:
    """One contact as Brevo should hold it."""

    customer_id: int
    email: str | None
    sms: str | None
    attributes: dict[str, Any]
    lists: set[int]


@dataclass
class Expected:
    """Every contact and event a full sync should leave in Brevo."""

    contacts: dict[int, ExpectedContact] = field(default_factory=dict)
    events: Counter[tuple[Any, ...]] = field(default_factory=Counter)


def _counts(ticket: Obj) -> bool:
    return not ticket.get("spam") and not ticket.get("trashed_datetime")


def _phones(customer: Obj) -> list[str]:
    phones: list[str] = []
    for kind in ("phone", "sms", "whatsapp"):
        channels = [
            c
            for c in customer.get("channels") or []
            if c.get("type") == kind
            and c.get("address")
            and not c.get("deleted_datetime")
        ]
        channels.sort(key=lambda c: not c.get("preferred"))
        phones.extend(c["address"] for c in channels)
    return phones


def _sms(customer: Obj) -> str | None:
    for phone in _phones(customer):
        number = e164(phone)
        if number is not None:
            return number
    return None


def _first_response(messages: list[Obj]) -> float | None:
    customer_times = [
        instant(m["created_datetime"])
        for m in messages
        if m.get("public") is not False and m.get("from_agent") is False
    ]
    reply_times = [
        instant(m["created_datetime"])
        for m in messages
        if m.get("public") is not False
        and m.get("from_agent") is True
        and m.get("rule_id") is None
        and m.get("via") != "rule"
        and not m.get("failed_datetime")
    ]
    first = min((t for t in customer_times if t), default=None)
    reply = min((t for t in reply_times if t), default=None)
    if first is None or reply is None or reply < first:
        return None
    return (reply - first).total_seconds()


def expected_state(data: AccountData, *, first_sync_at: datetime) -> Expected:
    """Compute the Brevo state a full sync of `data` should produce."""
    cutoff = first_sync_at - BACKFILL
    messages: dict[int, list[Obj]] = {}
    for message in data.messages:
        messages.setdefault(message["ticket_id"], []).append(message)
    tickets: dict[int, list[Obj]] = {}
    for ticket in data.tickets:
        if ticket.get("customer"):
            tickets.setdefault(ticket["customer"]["id"], []).append(ticket)
    surveys: dict[int, list[Obj]] = {}
    for survey in data.surveys:
        surveys.setdefault(survey["customer_id"], []).append(survey)
    numbers = {c["id"]: _sms(c) for c in data.customers}
    owners: dict[str, int] = {}
    for customer_id, number in sorted(numbers.items()):
        if number is not None:
            owners.setdefault(number, customer_id)

    expected = Expected()
    for customer in data.customers:
        cid = customer["id"]
        raw_email = customer.get("email")
        email = raw_email.strip().lower() if raw_email and raw_email.strip() else None
        sms = numbers[cid]
        if sms is not None and owners[sms] != cid:
            sms = None
        if email is None and sms is None:
            continue
        mine = tickets.get(cid, [])
        counted = [t for t in mine if _counts(t)]
        contact = ExpectedContact(
            customer_id=cid,
            email=email,
            sms=sms,
            attributes=_attributes(
                customer, counted, surveys.get(cid, []), messages, data
            ),
            lists=set(),
        )
        contact.lists = _lists(customer, counted, contact.attributes)
        expected.contacts[cid] = contact
        identifiers = (("email_id", email),) if email else (("phone_id", sms),)
        _events(expected, customer, counted, surveys.get(cid, []), identifiers, cutoff)
    return expected


def _attributes(
    customer: Obj,
    counted: list[Obj],
    surveys: list[Obj],
    messages: dict[int, list[Obj]],
    data: AccountData,
) -> dict[str, Any]:
    name = (customer.get("name") or "").strip()
    if not name:
        parts = [(customer.get(k) or "").strip() for k in ("firstname", "lastname")]
        name = " ".join(p for p in parts if p)
    values: dict[str, Any] = {
        "GORGIAS_ID": str(customer["id"]),
        "FIRSTNAME": name or None,
        "TICKET_COUNT": len(counted),
        "CSAT_RESPONSES": 0,
    }
    if counted:
        last = max(counted, key=lambda t: (instant(t["created_datetime"]), t["id"]))
        created = instant(last["created_datetime"])
        assert created is not None
        values["LAST_SUPPORT_DATE"] = created.date().isoformat()
        values["LAST_SUPPORT_CHANNEL"] = last.get("channel")
    minutes = [
        seconds / 60
        for t in counted
        if (seconds := _first_response(messages.get(t["id"], []))) is not None
    ]
    if minutes:
        values["AVG_RESPONSE_TIME"] = round(sum(minutes) / len(minutes), 2)
    counted_ids = {t["id"] for t in counted}
    scored = []
    for survey in surveys:
        if survey.get("score") is None or survey["ticket_id"] not in counted_ids:
            continue
        when = (
            instant(survey.get("scored_datetime"))
            or instant(survey.get("sent_datetime"))
            or instant(survey["created_datetime"])
        )
        scored.append((when, survey["id"], survey["score"]))
    if scored:
        values["CSAT_SCORE"] = max(scored)[2]
        values["CSAT_RESPONSES"] = len(scored)
    for item in data.customer_custom_field_values.get(customer["id"], []):
        label = str((item.get("field") or {}).get("label") or "")
        key = label.strip().lower().replace(" ", "_")
        value = item.get("value")
        if key == "customer_type" and isinstance(value, str) and value.strip():
            values["CUSTOMER_TYPE"] = value.strip()
        if key == "vip_status" and isinstance(value, bool):
            values["VIP_STATUS"] = value
    return {k: v for k, v in values.items() if v is not None}


def _lists(customer: Obj, counted: list[Obj], attributes: dict[str, Any]) -> set[int]:
    lists = {ALL_LIST}
    score = attributes.get("CSAT_SCORE")
    if score is not None and score >= 4:
        lists.add(SATISFIED_LIST)
    if score is not None and score <= 2:
        lists.add(DISSATISFIED_LIST)
    tags = {tag["name"].casefold() for t in counted for tag in t.get("tags") or []}
    for integration in (customer.get("integrations") or {}).values():
        if integration.get("__integration_type__") != "shopify":
            continue
        shop_tags = (integration.get("customer") or {}).get("tags") or ""
        tags.update(tag.strip().casefold() for tag in shop_tags.split(","))
    if "vip" in tags:
        lists.add(VIP_LIST)
    return lists


def _events(
    expected: Expected,
    customer: Obj,
    counted: list[Obj],
    surveys: list[Obj],
    identifiers: tuple[tuple[str, Any], ...],
    cutoff: datetime,
) -> None:
    def add(name: str, when: datetime | None, ref: tuple[str, Any]) -> None:
        if when is not None and when >= cutoff:
            expected.events[(name, identifiers, when, ref)] += 1

    add(
        "SUPPORT_CUSTOMER_CREATED",
        instant(customer.get("created_datetime")),
        ("customer_id", customer["id"]),
    )
    for ticket in counted:
        ref = ("ticket_id", ticket["id"])
        add("SUPPORT_TICKET_OPENED", instant(ticket["created_datetime"]), ref)
        if ticket.get("status") == "closed":
            closed = instant(ticket.get("closed_datetime")) or instant(
                ticket["updated_datetime"]
            )
            add("SUPPORT_TICKET_RESOLVED", closed, ref)
    counted_ids = {t["id"] for t in counted}
    for survey in surveys:
        if survey["ticket_id"] not in counted_ids:
            continue
        ref = ("survey_id", survey["id"])
        add("CSAT_SURVEY_SENT", instant(survey.get("sent_datetime")), ref)
        if survey.get("score") is not None:
            when = (
                instant(survey.get("scored_datetime"))
                or instant(survey.get("sent_datetime"))
                or instant(survey["created_datetime"])
            )
            add("CSAT_SUBMITTED", when, ("survey_id", survey["id"]))


def actual_events(state: dict[str, Any]) -> Counter[tuple[Any, ...]]:
    """Return the events in a Brevo simulator state, keyed like `Expected.events`."""
    events: Counter[tuple[Any, ...]] = Counter()
    for event in state["events"]:
        properties = event["event_properties"]
        name = event["event_name"]
        if name == "SUPPORT_CUSTOMER_CREATED":
            ref = ("customer_id", properties.get("customer_id"))
        elif name.startswith("CSAT"):
            ref = ("survey_id", properties.get("survey_id"))
        else:
            ref = ("ticket_id", properties.get("ticket_id"))
        identifiers = tuple(sorted(event["identifiers"].items()))
        events[(name, identifiers, instant(event["event_date"]), ref)] += 1
    return events


def actual_contacts(state: dict[str, Any]) -> dict[int, ExpectedContact]:
    """Return the simulator's contacts keyed by their GORGIAS_ID attribute."""
    contacts: dict[int, ExpectedContact] = {}
    for contact in state["contacts"]:
        attributes = dict(contact["attributes"])
        sms = attributes.pop("SMS", None)
        attributes.pop("EXT_ID", None)
        customer_id = int(attributes["GORGIAS_ID"])
        assert customer_id not in contacts, f"two contacts for customer {customer_id}"
        contacts[customer_id] = ExpectedContact(
            customer_id=customer_id,
            email=contact["email"],
            sms=f"+{sms}" if sms else None,
            attributes=attributes,
            lists=set(contact["listIds"]),
        )
    return contacts
