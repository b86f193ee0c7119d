"""Generate agents and customers, with the mess real accounts have.

Customers come without email or name (phone, SMS, chat and social
customers), with phone numbers in local formats or plain garbage, with
mixed-case emails and stray spaces, sharing a phone with another customer,
and with Shopify data under `integrations`. All emails are on example.com.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tajo.sandbox.gorgias._gen_common import Formatter, Gen

Obj = dict[str, Any]

SHOPIFY_INTEGRATION_ID = 6
FIRST_NAMES = (
    "Jane",
    "Alex",
    "Maria",
    "Noah",
    "Lea",
    "Omar",
    "Yuki",
    "Chloe",
    "Lucas",
    "Amara",
    "Ines",
    "Tom",
    "Priya",
    "Jonas",
    "Sofia",
    "Mateo",
    "Hana",
    "Emil",
    "Zoe",
    "Ravi",
    "Lina",
    "Hugo",
    "Nora",
    "Felix",
    "Ana",
    "Sam",
    "Iris",
    "Leo",
)
LAST_NAMES = (
    "Doe",
    "Martin",
    "Garcia",
    "Smith",
    "Dubois",
    "Tanaka",
    "Rossi",
    "Novak",
    "Silva",
    "Keller",
    "Moreau",
    "Okafor",
    "Larsen",
    "Costa",
    "Weber",
    "Ito",
    "Nguyen",
    "Haddad",
    "Fischer",
    "Lopez",
    "Berg",
    "Kowalski",
    "Meyer",
    "Roux",
)
ROLES = (
    "admin",
    "agent",
    "agent",
    "basic-agent",
    "lite-agent",
    "agent",
    "observer-agent",
    "agent",
    "internal-agent",
)
SHOPIFY_TAGS = (
    "",
    "",
    "",
    "vip",
    "newsletter",
    "wholesale",
    "vip, newsletter",
    "repeat-buyer",
    "Wholesale, VIP",
)
LANGUAGES = ("en", "en", "en", "fr", "de", "es", None, None)
TIMEZONES = (
    "UTC",
    "America/New_York",
    "Europe/Paris",
    "Europe/Berlin",
    "America/Los_Angeles",
    None,
)
SHOP_OFFSETS = ("-08:00", "-05:00", "+01:00", "+02:00", "+00:00", "+09:00")
PRODUCTS = (
    ("Acidulous candy", "0.10"),
    ("Linen shirt", "49.00"),
    ("Ceramic mug", "18.50"),
    ("Travel bag", "120.00"),
    ("Gift card", "25.00"),
)


def make_users(gen: Gen, count: int, owner_email: str) -> list[Obj]:
    """Generate agents; the first is the admin who owns the API key."""
    users = []
    for index in range(max(1, count)):
        first = FIRST_NAMES[(index * 7) % len(FIRST_NAMES)]
        last = "Agent" if index == 0 else LAST_NAMES[(index * 5) % len(LAST_NAMES)]
        is_bot = index == count - 1 and count > 2
        fmt = gen.formatter()
        created = gen.days_ago(gen.rng.uniform(400, 1500))
        users.append(
            {
                "id": 387654483 + index * 11,
                "active": index == 0 or not gen.chance(0.1),
                "bio": None if index else "Support lead",
                "country": gen.pick(("US", "FR", "DE", None)),
                "created_datetime": fmt(created),
                "email": owner_email
                if index == 0
                else ("bot@example.com" if is_bot else f"agent{index + 1}@example.com"),
                "external_id": None,
                "firstname": "Gorgias" if is_bot else first,
                "lastname": "Bot" if is_bot else last,
                "language": "en",
                "meta": {"profile_picture_url": None},
                "name": "Gorgias Bot" if is_bot else f"{first} {last}",
                "role": {"name": "bot" if is_bot else ROLES[index % len(ROLES)]},
                "timezone": gen.pick(("US/Pacific", "Europe/Paris", "UTC")),
                "updated_datetime": fmt(gen.between(created, gen.now)),
            }
        )
    return users


class PhoneBook:
    """Draw phone numbers in messy real-world formats; some are shared."""

    def __init__(self, gen: Gen) -> None:
        self._gen = gen
        self._issued: list[str] = []

    def draw(self) -> str:
        """Return a phone number, reusing an earlier one about 4% of the time."""
        gen = self._gen
        if self._issued and gen.chance(0.04):
            return gen.pick(self._issued)
        digits = [gen.rng.randrange(10) for _ in range(8)]
        d = "".join(map(str, digits))
        style = gen.rng.randrange(10)
        if style <= 2:
            number = f"+1555555{d[:4]}"
        elif style == 3:
            number = f"06 {d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]}"
        elif style == 4:
            number = f"(202) 555-01{d[:2]}"
        elif style == 5:
            number = f"+44 (0)7700 900{d[:3]}"
        elif style == 6:
            number = f"0033 6 {d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]}"
        elif style == 7:
            number = f"+1 555-555-{d[:4]}"
        elif style == 8:
            number = f"+33 6 {d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]}"
        else:
            number = d[:5]  # garbage that no phone library accepts
        self._issued.append(number)
        return number


def _channel(
    gen: Gen,
    fmt: Formatter,
    customer: Obj,
    kind: str,
    address: str,
    moment: datetime,
    *,
    preferred: bool,
) -> Obj:
    summary = {"id": customer["id"], "name": customer["name"]}
    return {
        "address": address,
        "created_datetime": fmt(moment),
        "customer": summary,
        "deleted_datetime": None,
        # Unique because customer ids are, and a customer has at most 4 channels.
        "id": customer["id"] * 4 + len(customer["channels"]),
        "preferred": preferred,
        "type": kind,
        "updated_datetime": fmt(moment),
        "user": summary,
    }


def _messy_email(gen: Gen, first: str, last: str, index: int) -> str:
    email = f"{first}.{last}{index}@example.com".lower()
    if gen.chance(0.1):
        email = f"{first}.{last}{index}@Example.com"
    if gen.chance(0.03):
        email = gen.pick((f" {email}", f"{email} ", f" {email} "))
    return email


def _shopify(gen: Gen, email: str | None, first: str, last: str) -> Obj:
    orders = []
    total = 0.0
    for _ in range(gen.weighted((0, 1, 2, 3, 5), (15, 40, 25, 12, 8))):
        name, price = gen.pick(PRODUCTS)
        quantity = gen.rng.randint(1, 3)
        total += float(price) * quantity
        placed = gen.days_ago(gen.rng.uniform(1, 1200))
        orders.append(
            {
                "id": 772800000000 + gen.rng.randrange(10**8),
                "created_at": placed.strftime("%Y-%m-%dT%H:%M:%S")
                + gen.pick(SHOP_OFFSETS),
                "total_tax": f"{float(price) * quantity * 0.2:.2f}",
                "contact_email": (email or "").strip().lower() or None,
                "line_items": [
                    {
                        "id": 1760300000000 + gen.rng.randrange(10**8),
                        "sku": f"{gen.rng.randrange(10**10):010d}",
                        "name": name,
                        "price": price,
                        "quantity": quantity,
                    }
                ],
            }
        )
    return {
        "__integration_type__": "shopify",
        "customer": {
            "id": 667928000000 + gen.rng.randrange(10**8),
            "email": (email or "").strip().lower() or None,
            "first_name": first,
            "last_name": last,
            "orders_count": len(orders),
            "total_spent": f"{total:.2f}",
            "tags": gen.pick(SHOPIFY_TAGS),
            "note": "",
        },
        "orders": orders,
    }


def make_customer(gen: Gen, index: int, customer_id: int, phones: PhoneBook) -> Obj:
    """Generate one customer of a randomly chosen kind (email, phone, chat...)."""
    kind = gen.weighted(("email", "phone", "sms", "chat", "social"), (72, 12, 6, 5, 5))
    first, last = gen.pick(FIRST_NAMES), gen.pick(LAST_NAMES)
    fmt = gen.formatter()
    created = gen.days_ago(gen.rng.uniform(1, 3 * 365))
    email = _messy_email(gen, first, last, index) if kind == "email" else None
    named = kind in ("email", "social") and not gen.chance(0.06)
    if kind in ("phone", "sms", "chat") and gen.chance(0.35):
        named = True
    name: str | None = f"{first} {last}" if named else gen.pick((None, ""))

    customer: Obj = {
        "id": customer_id,
        "active": True,
        "channels": [],
        "created_datetime": fmt(created),
        "customer": None,
        "data": None,
        "email": email,
        "external_id": None,
        "firstname": first if named else "",
        "lastname": last if named else "",
        "name": name,
        "integrations": {},
        "language": gen.pick(LANGUAGES),
        "meta": {"name_set_via": kind if kind != "social" else "facebook"},
        "note": "Prefers SMS contact." if gen.chance(0.03) else None,
        "timezone": gen.pick(TIMEZONES),
        "updated_datetime": "",
    }

    channels = customer["channels"]
    if email is not None:
        address = email.strip() if gen.chance(0.7) else email.strip().lower()
        channels.append(
            _channel(gen, fmt, customer, "email", address, created, preferred=True)
        )
        if gen.chance(0.25):
            channels.append(
                _channel(
                    gen, fmt, customer, "phone", phones.draw(), created, preferred=False
                )
            )
    elif kind in ("phone", "sms"):
        channels.append(
            _channel(gen, fmt, customer, kind, phones.draw(), created, preferred=True)
        )
    elif kind == "chat":
        address = f"chat-{gen.rng.getrandbits(48):012x}"
        channels.append(
            _channel(gen, fmt, customer, "chat", address, created, preferred=True)
        )
    else:
        address = str(10**15 + gen.rng.randrange(10**15))
        channels.append(
            _channel(gen, fmt, customer, "facebook", address, created, preferred=True)
        )

    if email is not None and gen.chance(0.4):
        shop = _shopify(gen, email, first, last)
        customer["integrations"][str(SHOPIFY_INTEGRATION_ID)] = shop
        customer["external_id"] = f"shop-cust-{shop['customer']['id']}"
        customer["meta"] = {"name_set_via": "shopify"}
    if gen.chance(0.2):
        customer["data"] = {"loyalty_tier": gen.pick(("bronze", "silver", "gold"))}
    customer["updated_datetime"] = fmt(gen.between(created, gen.now))
    return customer
