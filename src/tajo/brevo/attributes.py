"""The contact attribute catalogue and the casting of values to its types.

Brevo silently ignores a value whose JSON type does not match the attribute's
type, and silently drops attributes that do not exist. The call still succeeds,
so the loss shows up nowhere. Values are therefore cast here against the
catalogue that `GET /contacts/attributes` returns, and every value that cannot
be sent is reported with its reason. Pure code: no HTTP client is imported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tajo.datetimes import parse_datetime
from tajo.errors import ConfigError, DatetimeParseError

# JSON values Brevo accepts for contact attributes.
AttributeValue = str | float | bool | int | list[str]

# Categories whose values Brevo computes itself; writes to them are ignored.
READ_ONLY_CATEGORIES = frozenset({"calculated", "global"})

_TRUE_WORDS = frozenset({"true", "yes", "1"})
_FALSE_WORDS = frozenset({"false", "no", "0"})


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """One entry of Brevo's contact attribute catalogue.

    `type` is kept as Brevo sends it, so a type added by Brevo later (the
    catalogue already has `id` and `user`) is carried instead of failing.
    """

    name: str
    category: str
    type: str | None
    # Category attributes: label -> the integer value Brevo stores.
    enumeration: Mapping[str, int] = field(default_factory=dict)
    # Multiple-choice attributes: the allowed options.
    options: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """Return the type used for casting: `category` wins over `text`."""
        if self.category == "category" or self.enumeration:
            return "category"
        return self.type or "text"


class AttributeCatalogue:
    """The account's contact attributes, looked up by name.

    Brevo names attributes in capitals, so a lookup falls back to the
    upper-cased name.
    """

    def __init__(self, specs: Iterable[AttributeSpec]) -> None:
        self._specs = {spec.name: spec for spec in specs}

    @classmethod
    def from_api(cls, payload: Mapping[str, object]) -> AttributeCatalogue:
        """Build the catalogue from a `GET /contacts/attributes` response body.

        Entries without a name are skipped, and unknown keys are ignored.
        """
        raw_items = payload.get("attributes")
        specs: list[AttributeSpec] = []
        if not isinstance(raw_items, list):
            return cls(specs)
        for item in raw_items:
            if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
                continue
            specs.append(_spec_from_api(item))
        return cls(specs)

    def get(self, name: str) -> AttributeSpec | None:
        """Return the attribute called `name`, or None when Brevo has none."""
        return self._specs.get(name) or self._specs.get(name.upper())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[AttributeSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)


def _spec_from_api(item: Mapping[str, object]) -> AttributeSpec:
    enumeration: dict[str, int] = {}
    raw_enumeration = item.get("enumeration")
    if isinstance(raw_enumeration, list):
        for entry in raw_enumeration:
            if not isinstance(entry, Mapping):
                continue
            label, value = entry.get("label"), entry.get("value")
            if isinstance(label, str) and isinstance(value, int):
                enumeration[label] = value
    options: tuple[str, ...] = ()
    raw_options = item.get("multiCategoryOptions")
    if isinstance(raw_options, list):
        options = tuple(str(option) for option in raw_options)
    raw_type = item.get("type")
    raw_category = item.get("category")
    return AttributeSpec(
        name=str(item["name"]),
        category=raw_category if isinstance(raw_category, str) else "normal",
        type=raw_type if isinstance(raw_type, str) else None,
        enumeration=enumeration,
        options=options,
    )


@dataclass(frozen=True, slots=True)
class RejectedValue:
    """A value that was not sent, with the attribute and the reason."""

    attribute: str
    value: object
    reason: str


@dataclass(frozen=True, slots=True)
class PreparedAttributes:
    """Attribute values cast to the catalogue, and the ones left out.

    `values` is safe to send. `rejected` lists values that could not be cast or
    whose attribute is missing or read-only. `empty` names attributes whose value
    was None and which were therefore not sent.
    """

    values: dict[str, AttributeValue]
    rejected: tuple[RejectedValue, ...] = ()
    empty: tuple[str, ...] = ()


class CastError(ValueError):
    """A value cannot be cast to its attribute's type; the message is the reason."""


def resolve_timezone(name: str | tzinfo) -> tzinfo:
    """Return the time zone that date attributes are written in.

    Raises:
        ConfigError: `name` is not an IANA time zone name.
    """
    if isinstance(name, tzinfo):
        return name
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"invalid time zone: timezone={name!r}; expected an IANA name such as "
            "Europe/Paris or UTC; fix the date time zone in the connector's "
            "configuration"
        ) from None


def prepare_attributes(
    values: Mapping[str, object],
    catalogue: AttributeCatalogue,
    *,
    timezone: str | tzinfo = "UTC",
) -> PreparedAttributes:
    """Cast each value to its attribute's type in `catalogue`.

    Dates are written as `YYYY-MM-DD` in `timezone`, so a ticket closed at
    23:30 UTC counts on the next day in Paris. Values of unknown attribute
    types pass through when they are strings and are rejected otherwise.

    Raises:
        ConfigError: `timezone` is invalid.
    """
    zone = resolve_timezone(timezone)
    prepared: dict[str, AttributeValue] = {}
    rejected: list[RejectedValue] = []
    empty: list[str] = []
    for name, value in values.items():
        spec = catalogue.get(name)
        if spec is None:
            rejected.append(
                RejectedValue(
                    name,
                    value,
                    "attribute not found in Brevo; Brevo drops unknown attributes, "
                    "so create it first",
                )
            )
            continue
        if value is None:
            empty.append(spec.name)
            continue
        if spec.category in READ_ONLY_CATEGORIES:
            rejected.append(
                RejectedValue(
                    spec.name, value, f"{spec.category} attribute is computed by Brevo"
                )
            )
            continue
        try:
            prepared[spec.name] = cast_value(value, spec, timezone=zone)
        except CastError as exc:
            rejected.append(RejectedValue(spec.name, value, str(exc)))
    return PreparedAttributes(prepared, tuple(rejected), tuple(empty))


def cast_value(
    value: object, spec: AttributeSpec, *, timezone: tzinfo
) -> AttributeValue:
    """Cast one non-None value to the JSON form of `spec`'s type.

    Raises:
        CastError: the value cannot represent that type.
    """
    kind = spec.kind
    if kind == "float":
        return _to_float(value)
    if kind == "boolean":
        return _to_bool(value)
    if kind == "date":
        return _to_date(value, timezone)
    if kind == "category":
        return _to_category(value, spec)
    if kind == "multiple-choice":
        return _to_choices(value, spec)
    if kind == "text":
        return _to_text(value)
    if isinstance(value, str):
        return value
    raise CastError(
        f"attribute type {kind!r} is not supported by tajo; only strings are "
        "passed through to it"
    )


def _to_float(value: object) -> float:
    if isinstance(value, bool):
        raise CastError("expected a number, got a boolean")
    if isinstance(value, int | float | Decimal):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise CastError("expected a number") from None
    else:
        raise CastError(f"expected a number, got {type(value).__name__}")
    if not math.isfinite(number):
        raise CastError("expected a finite number")
    return number


def _to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise CastError("expected true/false, yes/no or 1/0")


def _to_date(value: object, timezone: tzinfo) -> str:
    if isinstance(value, datetime):
        return parse_datetime(value).astimezone(timezone).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise CastError(f"expected a date, got {type(value).__name__}")
    text = value.strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise CastError("expected a date as YYYY-MM-DD") from None
    try:
        instant = parse_datetime(text)
    except DatetimeParseError:
        raise CastError(
            "expected a date as YYYY-MM-DD or an ISO 8601 datetime"
        ) from None
    return instant.astimezone(timezone).date().isoformat()


def _to_category(value: object, spec: AttributeSpec) -> int:
    if isinstance(value, str):
        label = value.strip()
        if label in spec.enumeration:
            return spec.enumeration[label]
        folded = {known.casefold(): code for known, code in spec.enumeration.items()}
        if label.casefold() in folded:
            return folded[label.casefold()]
        if label.isdigit() and int(label) in spec.enumeration.values():
            return int(label)
    elif (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value in spec.enumeration.values()
    ):
        return value
    labels = ", ".join(sorted(spec.enumeration)) or "none"
    raise CastError(f"unknown category value; expected one of: {labels}")


def _to_choices(value: object, spec: AttributeSpec) -> list[str]:
    if isinstance(value, str):
        choices = [value]
    elif isinstance(value, list | tuple | set | frozenset):
        choices = [str(item) for item in value]
    else:
        raise CastError(f"expected a list of strings, got {type(value).__name__}")
    if spec.options:
        unknown = [choice for choice in choices if choice not in spec.options]
        if unknown:
            raise CastError(
                f"unknown options {unknown}; expected some of {list(spec.options)}"
            )
    return choices


def _to_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return parse_datetime(value).isoformat()
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        raise CastError(
            f"expected a single value for a text attribute, got {type(value).__name__}"
        )
    return str(value)
