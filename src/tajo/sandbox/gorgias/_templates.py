"""Render HTTP integration templates such as `{{ticket.customer.email}}`.

Paths use dots for keys and `[n]` for list items (`[-1]` is the last one).
Every rendered value is a string: null becomes "", booleans "true"/"false",
objects and lists JSON text. Filters after `|` (moment.js date formats in
Gorgias) are not implemented and are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"{{\s*([^{}|]+?)\s*(?:\|[^{}]*)?}}")
_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(-?\d+)\]")


def lookup(context: Mapping[str, Any], path: str) -> Any:
    """Return the value at a dotted path, or None when any step is missing."""
    value: Any = context
    for segment in path.split("."):
        for match in _PART.finditer(segment):
            key, index = match.groups()
            if key is not None:
                value = value.get(key) if isinstance(value, Mapping) else None
            elif isinstance(value, list) and -len(value) <= int(index) < len(value):
                value = value[int(index)]
            else:
                value = None
            if value is None:
                return None
    return value


def as_text(value: Any) -> str:
    """Render one value the way Gorgias renders template variables."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def render(template: str, context: Mapping[str, Any]) -> str:
    """Replace each `{{path}}` in `template` with its rendered value."""
    return _PLACEHOLDER.sub(lambda m: as_text(lookup(context, m.group(1))), template)


def is_whole_context(form: object) -> bool:
    """Tell whether a form is the single placeholder `{{context}}`."""
    return (
        isinstance(form, str)
        and re.fullmatch(r"\s*{{\s*context\s*}}\s*", form) is not None
    )


def render_form(form: Any, context: Mapping[str, Any]) -> Any:
    """Render a form template: strings are rendered, containers recursively."""
    if isinstance(form, str):
        return render(form, context)
    if isinstance(form, Mapping):
        return {str(key): render_form(value, context) for key, value in form.items()}
    if isinstance(form, list):
        return [render_form(item, context) for item in form]
    return as_text(form)
