"""The contact attribute catalogue and Brevo's silent value filtering.

Brevo drops, without any error, a value whose JSON type does not fit the
attribute's type and any attribute name that the account does not define.
The sandbox applies these rules on every contact write:

- Names match exactly. Brevo documents names in capitals, so `firstname` is
  dropped.
- text: JSON strings only (numbers are not turned into strings).
- float: JSON numbers only (`true`/`false` are dropped, and so is `"3"`).
- boolean: `true`/`false` only (the strings `"true"` and `"false"` are dropped).
- date: a `"YYYY-MM-DD"` string naming a real calendar day.
- category: the integer `value` of one of the enumeration entries (labels are
  dropped, because Brevo does not document that they are accepted).
- multiple-choice: an array of strings, each one of the defined options.
- Any other type (`id`, `user`, or one the sandbox does not know), and the
  `calculated` and `global` categories, drop every write.
- `null` and `""` clear the stored value, whatever the type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from tajo.sandbox.brevo.apierror import ATTRIBUTE_EXISTS, invalid, missing


class _Sentinel:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


DROP: Final = _Sentinel("DROP")
CLEAR: Final = _Sentinel("CLEAR")

CATEGORIES = ("normal", "transactional", "category", "calculated", "global")
_WRITABLE_CATEGORIES = ("normal", "transactional", "category")
_CREATABLE_TYPES = {
    "normal": ("text", "date", "float", "boolean", "multiple-choice", "user"),
    "transactional": ("text", "date", "float", "boolean", "id"),
    "category": ("category",),
}
_NAME = re.compile(r"[A-Za-z0-9_]{1,128}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OPTION_MAX_CHARS = 200


@dataclass(slots=True)
class AttributeDef:
    """One contact attribute as `GET /v3/contacts/attributes` lists it."""

    name: str
    category: str
    type: str | None
    enumeration: list[dict[str, Any]] | None = None
    options: list[str] | None = None
    calculated_value: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the attribute in Brevo's listing shape."""
        body: dict[str, Any] = {"name": self.name, "category": self.category}
        if self.type is not None:
            body["type"] = self.type
        if self.enumeration is not None:
            body["enumeration"] = [dict(item) for item in self.enumeration]
        if self.options is not None:
            body["multiCategoryOptions"] = list(self.options)
        if self.calculated_value is not None:
            body["calculatedValue"] = self.calculated_value
        return body


@dataclass(slots=True)
class AttributeCatalogue:
    """The account's attributes, in creation order."""

    items: list[AttributeDef] = field(default_factory=list)

    @classmethod
    def with_defaults(cls) -> AttributeCatalogue:
        """Return the catalogue of a new English-language Brevo account."""
        return cls(
            [
                AttributeDef("LASTNAME", "normal", "text"),
                AttributeDef("FIRSTNAME", "normal", "text"),
                AttributeDef("SMS", "normal", "text"),
            ]
        )

    def get(self, name: str) -> AttributeDef | None:
        """Return the attribute named exactly `name`, if any."""
        for item in self.items:
            if item.name == name:
                return item
        return None

    def add(self, definition: AttributeDef) -> None:
        """Add an attribute.

        Raises:
            ApiError: 400 "Attribute name must be unique" (case-insensitive).
        """
        upper_name = definition.name.upper()
        if any(item.name.upper() == upper_name for item in self.items):
            raise invalid(ATTRIBUTE_EXISTS)
        self.items.append(definition)

    def coerce(self, name: str, value: Any) -> Any:
        """Return the value to store, `CLEAR`, or `DROP` for a JSON write."""
        definition = self.get(name)
        if definition is None or definition.category not in _WRITABLE_CATEGORIES:
            return DROP
        if value is None or value == "":
            return CLEAR
        return _coerce_json(definition, value)

    def coerce_text(self, name: str, text: str) -> Any:
        """Return the value to store, `CLEAR`, or `DROP` for a CSV cell."""
        definition = self.get(name)
        if definition is None or definition.category not in _WRITABLE_CATEGORIES:
            return DROP
        if text == "":
            return CLEAR
        return _coerce_json(definition, _parse_cell(definition, text))


def _coerce_json(definition: AttributeDef, value: Any) -> Any:
    kind = "category" if definition.category == "category" else definition.type
    if kind == "text":
        return value if isinstance(value, str) else DROP
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return DROP
        return int(value) if float(value).is_integer() else float(value)
    if kind == "boolean":
        return value if isinstance(value, bool) else DROP
    if kind == "date":
        return value if isinstance(value, str) and _is_date(value) else DROP
    if kind == "category":
        allowed = {item.get("value") for item in definition.enumeration or []}
        if isinstance(value, bool) or not isinstance(value, int):
            return DROP
        return value if value in allowed else DROP
    if kind == "multiple-choice":
        options = set(definition.options or [])
        if not isinstance(value, list) or not value:
            return DROP
        if not all(isinstance(item, str) and item in options for item in value):
            return DROP
        return list(value)
    return DROP


def _parse_cell(definition: AttributeDef, text: str) -> Any:
    """Turn a CSV cell into the JSON value the same write would carry."""
    kind = "category" if definition.category == "category" else definition.type
    parsed: Any = text
    if kind == "float":
        try:
            parsed = float(text)
        except ValueError:
            parsed = text
    elif kind == "boolean" and text.lower() in ("true", "false"):
        parsed = text.lower() == "true"
    elif kind == "category" and text.isdigit():
        parsed = int(text)
    elif kind == "multiple-choice":
        parsed = [part.strip() for part in text.split(",")]
    return parsed


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def definition_from_request(
    category: str, name: str, body: dict[str, Any]
) -> AttributeDef:
    """Validate `POST /v3/contacts/attributes/{category}/{name}` and build it.

    The name is stored in capitals, as Brevo shows attribute names.

    Raises:
        ApiError: 400 for an unknown category, a bad name or type, or a
            missing enumeration, option list or formula.
    """
    if category not in CATEGORIES:
        raise invalid(
            f"Invalid attributeCategory: {category!r}; expected one of "
            + ", ".join(CATEGORIES)
        )
    if not _NAME.fullmatch(name):
        raise invalid(
            f"Invalid attributeName: {name!r}; use letters, digits and underscores"
        )
    upper = name.upper()
    if category in ("calculated", "global"):
        formula = body.get("value")
        if not isinstance(formula, str) or not formula:
            raise missing(f"value is required for a {category} attribute")
        return AttributeDef(upper, category, None, calculated_value=formula)
    kind = body.get("type", "category" if category == "category" else "text")
    if kind not in _CREATABLE_TYPES[category]:
        raise invalid(
            f"Invalid type: {kind!r} for a {category} attribute; expected one of "
            + ", ".join(_CREATABLE_TYPES[category])
        )
    if category == "category":
        enumeration = _parse_enumeration(body.get("enumeration"))
        # Brevo lists category attributes with type "text".
        return AttributeDef(upper, category, "text", enumeration=enumeration)
    if kind == "multiple-choice":
        options = _parse_options(body.get("multiCategoryOptions"))
        return AttributeDef(upper, category, kind, options=options)
    return AttributeDef(upper, category, kind)


def _parse_enumeration(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise missing("enumeration is required for a category attribute")
    entries: list[dict[str, Any]] = []
    for item in raw:
        value = item.get("value") if isinstance(item, dict) else None
        label = item.get("label") if isinstance(item, dict) else None
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid("enumeration items need an integer value and a label")
        if not isinstance(label, str) or len(label) > _OPTION_MAX_CHARS:
            raise invalid("enumeration labels must be strings of at most 200 chars")
        entries.append({"value": value, "label": label})
    return entries


def _parse_options(raw: Any) -> list[str]:
    if not isinstance(raw, list) or not raw:
        raise missing("multiCategoryOptions is required for a multiple-choice type")
    if not all(isinstance(item, str) and item for item in raw):
        raise invalid("multiCategoryOptions must be non-empty strings")
    if any(len(item) > _OPTION_MAX_CHARS for item in raw):
        raise invalid("multiCategoryOptions entries must be at most 200 chars")
    return list(raw)
