"""Reading `tajo.yaml` safely, without two YAML 1.1 traps.

The loader is PyYAML's SafeLoader (no object construction) with two changes:
- Only `true` and `false` are booleans. YAML 1.1 also reads `on`, `off`, `yes`
  and `no` as booleans, which would turn a trigger's `on:` key into `True`.
- A key repeated in one mapping is an error. PyYAML would keep the last value
  and silently drop the first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tajo.errors import ConfigError

_BOOLEAN = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and duplicate-key detection."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r}; each key may appear once per mapping",
                mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOLEAN, list("tTfF"))
_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text into plain Python values.

    Raises:
        ConfigError: the text is not valid YAML or repeats a key.
    """
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"invalid YAML: file={source}; at {where}: {problem}; fix the syntax "
            "at that position (indent with spaces, quote values that contain ': ')"
        ) from None


def read_yaml(path: Path) -> Any:
    """Read and parse a YAML file.

    Raises:
        ConfigError: the file cannot be read or is not valid YAML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"configuration file not found: path={path}; expected a tajo.yaml "
            "file; create it or pass its path with --config"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read configuration: path={path}; {exc.__class__.__name__}: "
            f"{exc}; expected a readable UTF-8 file; check the path and its "
            "permissions"
        ) from None
    return parse_yaml(text, str(path))
