"""Compare an object's shape (keys and JSON value types) with an example payload."""

from __future__ import annotations

from typing import Any

# Keys whose values are free-form or keyed by ids; only their presence and
# top-level type are compared.
FREE_FORM = frozenset(
    {
        "integrations",
        "custom_fields",
        "data",
        "meta",
        "headers",
        "reply_options",
        "extra",
        "arguments",
        "input_settings",
        "code_ast",
        "triggers",
        "form",
        "decoration",
    }
)


def json_type(value: Any) -> str:
    """Name the JSON type of a value; ints and floats are both numbers."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_mismatches(actual: Any, expected: Any, path: str = "$") -> list[str]:
    """List how `actual` differs in shape from `expected`; empty when alike.

    A null on either side matches any type, since most fields are nullable.
    """
    problems: list[str] = []
    kind, wanted = json_type(actual), json_type(expected)
    if "null" in (kind, wanted):
        return problems
    if kind != wanted:
        return [f"{path}: {kind} where the example has {wanted}"]
    if isinstance(expected, dict):
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        if missing:
            problems.append(f"{path}: missing keys {missing}")
        if extra:
            problems.append(f"{path}: unexpected keys {extra}")
        for key in sorted(set(expected) & set(actual)):
            if key in FREE_FORM:
                same = "null" in (json_type(actual[key]), json_type(expected[key]))
                if not same and json_type(actual[key]) != json_type(expected[key]):
                    problems.append(f"{path}.{key}: type differs")
                continue
            problems += shape_mismatches(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list) and expected and actual:
        # An item may match any example item: a ticket's messages mix incoming,
        # outgoing and internal notes.
        for index, item in enumerate(actual):
            where = f"{path}[{index}]"
            found = [shape_mismatches(item, example, where) for example in expected]
            if all(found):
                problems += found[0]
    return problems
