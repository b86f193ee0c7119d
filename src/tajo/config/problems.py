"""Turning validation failures into ConfigError messages a user can act on.

Every problem names the key path, the bad value, what was expected and the
fix. Unknown keys get a "did you mean" suggestion, because a misspelt key that
was silently ignored would change what is synced without any warning.

Messages never contain a secret. The value of an unknown key is not printed,
because a misspelt `api_kee` still contains the key. Values under a key whose
name looks secret are masked, and URLs print with their password masked.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from tajo.config.base import INVALID, did_you_mean
from tajo.errors import ConfigError
from tajo.redact import MASK, SENSITIVE_NAMES, redact_url

MISSING = "<missing>"
_ABSENT = object()
_VALUE_LIMIT = 80
# A key whose name contains one of these words is treated as a secret, so a
# misspelt or unexpected credential key is masked as well as the known ones.
_SECRET_WORDS = ("key", "secret", "token", "password", "passwd", "auth", "cookie")


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One invalid setting."""

    path: str
    value: str | None
    expected: str
    fix: str

    def render(self) -> str:
        """Return the problem as one line of a ConfigError message.

        A problem without a value (an unknown key) is shown without `value=`.
        """
        value_text = "unknown key" if self.value is None else f"value={self.value}"
        return f"{self.path}: {value_text}; expected {self.expected}; {self.fix}"


def raise_problems(problems: Sequence[ConfigProblem], source: str) -> typing.NoReturn:
    """Raise one ConfigError that lists every problem.

    Raises:
        ConfigError: always.
    """
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    lines = [f"invalid configuration: file={source}; {count} {noun}; fix each:"]
    lines.extend(f"  - {problem.render()}" for problem in problems)
    # `from None`: under --debug the traceback must not show the pydantic
    # ValidationError this may be raised from, because it prints input values.
    raise ConfigError("\n".join(lines)) from None


def is_secret_name(name: str) -> bool:
    """Return whether a configuration key's name suggests its value is a secret."""
    lowered = name.lower()
    return lowered in SENSITIVE_NAMES or any(word in lowered for word in _SECRET_WORDS)


def show_value(value: object, *, secret: bool = False, url: bool = False) -> str:
    """Return a short repr of a bad value with every secret in it masked.

    The whole value is masked when `secret` is true. Otherwise values under
    keys with secret-looking names are masked inside mappings, and URLs show
    no password. With `url`, a string that cannot be read as a URL is masked
    too, because it may be a mistyped URL that contains a password.
    """
    if secret or (url and isinstance(value, str) and "://" not in value):
        return MASK
    text = repr(_scrub(value))
    if len(text) > _VALUE_LIMIT:
        text = text[: _VALUE_LIMIT - 1] + "…"
    return text


def _scrub(value: object) -> object:
    """Return a copy of `value` with secrets masked, for printing."""
    if isinstance(value, str):
        return _mask_url(value)
    if isinstance(value, dict):
        return {
            key: MASK if is_secret_name(str(key)) else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def _mask_url(text: str) -> str:
    """Return `text` with the password masked when it is a URL, else unchanged."""
    if "://" not in text:
        return text
    try:
        return redact_url(text)
    except ValueError:
        # urlsplit rejects some malformed URLs; mask them rather than guess.
        return MASK


def problems_from(error: ValidationError, root: type[BaseModel]) -> list[ConfigProblem]:
    """Return one ConfigProblem for each error of a failed validation."""
    problems: list[ConfigProblem] = []
    seen: set[tuple[str, str]] = set()
    for item in error.errors(include_url=False):
        problem = _problem(item, root)
        # Union members each report the same input; keep one line per key.
        if (problem.path, problem.expected) not in seen:
            seen.add((problem.path, problem.expected))
            problems.append(problem)
    return problems


def _problem(item: Any, root: type[BaseModel]) -> ConfigProblem:
    loc = [str(part) for part in item["loc"]]
    context = item.get("ctx") or {}
    kind = item["type"]
    bad_input = item.get("input")
    if kind == INVALID and context.get("key"):
        # A section-wide check names one child key, so report that key and its value.
        child = str(context["key"]).split(".")
        loc.extend(child)
        bad_input = _dig(bad_input, child)
    is_key_error = "[key]" in loc
    loc = [part for part in loc if part != "[key]"]
    path = ".".join(loc) or "(top level)"
    info = _field_at(root, loc)
    secret = _is_secret(loc, info)
    url = _extra_flag(info, "password_url")
    value: str | None = (
        MISSING
        if bad_input is _ABSENT
        else show_value(bad_input, secret=secret, url=url)
    )

    if kind == INVALID:
        if is_key_error:
            value = show_value(loc[-1])
        return ConfigProblem(path, value, context["expected"], context["fix"])
    if kind == "extra_forbidden":
        known = _known_keys(root, loc[:-1])
        hint = did_you_mean(loc[-1], known)
        listed = ", ".join(known) if known else "no other keys"
        # The value is left out: a misspelt credential key still holds the secret.
        return ConfigProblem(
            path,
            None,
            f"a known key here ({listed}), because unknown keys are rejected",
            f"{hint}rename or remove the key",
        )
    expected, fix = _texts(info)
    if kind == "missing":
        return ConfigProblem(
            path, MISSING, expected or "a value", f"add the key; {fix}"
        )
    if expected is None:
        expected = item["msg"]
    return ConfigProblem(path, value, f"{expected} ({item['msg']})", fix)


def _dig(data: Any, keys: Sequence[str]) -> Any:
    for key in keys:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list | tuple) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return _ABSENT
    return data


def _texts(info: FieldInfo | None) -> tuple[str | None, str]:
    if info is None:
        return None, "correct the value"
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    fix = extra.get("fix")
    return info.description, str(fix) if fix else "correct the value"


def _is_secret(loc: Sequence[str], info: FieldInfo | None) -> bool:
    return any(is_secret_name(part) for part in loc) or _extra_flag(info, "secret")


def _extra_flag(info: FieldInfo | None, name: str) -> bool:
    """Return a flag that `setting()` stored on the field, such as `secret`."""
    extra = info.json_schema_extra if info is not None else None
    return isinstance(extra, dict) and bool(extra.get(name))


def _field_at(root: type[BaseModel], loc: Sequence[str]) -> FieldInfo | None:
    """Return the field the error path points at, walking through containers.

    Dict keys and list indexes do not change the field, so an error inside
    `tag_lists.vip` reports the texts of `tag_lists`.
    """
    current: Any = root
    info: FieldInfo | None = None
    for part in loc:
        step = _step(current, part)
        if step is None:
            break
        current, found = step
        info = found or info
    return info


def _known_keys(root: type[BaseModel], loc: Sequence[str]) -> list[str]:
    current: Any = root
    for part in loc:
        step = _step(current, part)
        if step is None:
            return []
        current = step[0]
    model = _unwrap(current)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _step(annotation: Any, part: str) -> tuple[Any, FieldInfo | None] | None:
    """Return the annotation one path element deeper, and its field if any."""
    current = _unwrap(annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        for name, info in current.model_fields.items():
            if part in (name, info.alias):
                return info.annotation, info
        return None
    origin = typing.get_origin(current)
    args = typing.get_args(current)
    if origin in (tuple, list) and args:
        return args[0], None
    if origin is dict and len(args) == 2:
        return args[1], None
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip `Annotated` and `None` from an annotation such as `X | None`."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return annotation
