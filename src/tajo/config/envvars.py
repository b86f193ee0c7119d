"""`${VAR}` and `${VAR:-default}` expansion in the string values of a YAML tree.

Only values are expanded, never keys. `$$` writes a literal `$`. A reference
to an unset variable without a default is a problem reported with its key
path, because an empty API key or list id would fail later and less clearly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tajo.config.problems import ConfigProblem, is_secret_name, show_value

_REFERENCE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}"
)


def expand_tree(
    data: Any, environ: Mapping[str, str], path: str = ""
) -> tuple[Any, list[ConfigProblem]]:
    """Return `data` with references expanded in every string value.

    The second item lists the unset variables and malformed references, each
    with the key path where it was found.
    """
    problems: list[ConfigProblem] = []
    result = _expand(data, environ, path, problems=problems)
    return result, problems


def _expand(
    data: Any, environ: Mapping[str, str], path: str, *, problems: list[ConfigProblem]
) -> Any:
    if isinstance(data, dict):
        return {
            key: _expand(value, environ, _join(path, key), problems=problems)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [
            _expand(value, environ, _join(path, index), problems=problems)
            for index, value in enumerate(data)
        ]
    if isinstance(data, str) and "$" in data:
        return _expand_string(data, environ, path, problems=problems)
    return data


def _expand_string(
    text: str, environ: Mapping[str, str], path: str, *, problems: list[ConfigProblem]
) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name")
        default = match.group("default")
        value = environ.get(name)
        if value is not None:
            return value
        if default is not None:
            return default
        problems.append(
            ConfigProblem(
                path or "(top level)",
                f"${{{name}}}",
                f"environment variable {name} to be set",
                f"export {name}=... or write ${{{name}:-default}}",
            )
        )
        return ""

    expanded = _REFERENCE.sub(replace, text)
    leftover = _REFERENCE.sub("", text)
    if "${" in leftover:
        problems.append(
            ConfigProblem(
                path or "(top level)",
                show_value(text, secret=_is_secret_path(path)),
                "references written as ${NAME} or ${NAME:-default}, where NAME "
                "is letters, digits and _",
                "fix the reference, or write $$ for a literal $",
            )
        )
    return expanded


def _is_secret_path(path: str) -> bool:
    return any(is_secret_name(part) for part in path.split("."))


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)
