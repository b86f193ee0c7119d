"""Building blocks shared by every configuration section.

Each setting carries two texts that the error report prints when the value is
invalid: what the setting expects and how to fix it. Validators raise
`invalid(...)`, so their problems read the same way as pydantic's own.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

# The pydantic error type of every problem raised by our own validators.
INVALID = "tajo_invalid"


class Section(BaseModel):
    """Base of every configuration section: immutable, unknown keys rejected.

    A typo in a key would otherwise be ignored silently and change what is
    synced without any warning, so every section forbids extra keys.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        arbitrary_types_allowed=True,
        validate_default=False,
    )


def setting(
    default: Any = ...,
    *,
    expected: str,
    fix: str,
    alias: str | None = None,
    secret: bool = False,
    password_url: bool = False,
) -> Any:
    """Return a pydantic field that stores the texts the error report prints.

    `expected` describes a valid value and `fix` names the change to make.
    Both appear in the ConfigError message for this key. A `secret`
    setting is left out of reprs and masked in error messages. A
    `password_url` setting is a URL that may contain a password: it is left
    out of reprs, and error messages print it with the password masked.
    """
    return Field(
        default,
        alias=alias,
        description=expected,
        json_schema_extra={"fix": fix, "secret": secret, "password_url": password_url},
        repr=not (secret or password_url),
    )


def invalid(expected: str, fix: str, *, key: str | None = None) -> PydanticCustomError:
    """Build the error a validator raises for a bad value.

    `key` names a child key when a check on a whole section blames one of its
    keys (for example `dissatisfied_max` in a check of the CSAT section).
    """
    context: dict[str, str] = {"expected": expected, "fix": fix}
    if key is not None:
        context["key"] = key
    return PydanticCustomError(INVALID, "expected {expected}; {fix}", context)


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """Return the closest choice to `word`, or None when nothing is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return "did you mean 'x'? " for a close choice, else an empty string."""
    match = suggest(word, choices)
    return f"did you mean {match!r}? " if match else ""


def one_of(value: str, choices: Iterable[str], *, label: str) -> str:
    """Check that `value` is one of `choices` and return it.

    Raises:
        PydanticCustomError: the value is not a choice; the message lists the
            choices and the closest one.
    """
    allowed = list(choices)
    if value in allowed:
        return value
    listed = ", ".join(allowed)
    raise invalid(
        f"{label}: one of {listed}",
        f"{did_you_mean(value, allowed)}use one of the listed values",
    )
