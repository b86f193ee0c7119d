"""Loading `tajo.yaml`: read, expand `${VAR}`, validate, report every problem."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tajo.config.envvars import expand_tree
from tajo.config.fields import TICKET_KINDS, is_custom_field, near_builtin
from tajo.config.models import TajoConfig
from tajo.config.problems import ConfigProblem, problems_from, raise_problems
from tajo.config.yamlfile import read_yaml

logger = logging.getLogger(__name__)

# Trigger fields that only exist once a survey is answered.
_SURVEY_FIELDS = frozenset({"satisfaction_score", "satisfaction_comment"})


def load_config(path: Path, *, environ: Mapping[str, str] | None = None) -> TajoConfig:
    """Read, expand and validate a `tajo.yaml` file.

    `${VAR}` and `${VAR:-default}` in string values are taken from `environ`
    (default: `os.environ`). Warnings about settings that are valid but
    probably wrong are logged, and `config_warnings` returns the same texts.

    Raises:
        ConfigError: the file is missing, not YAML, references an unset
            variable or fails validation; the message lists every problem.
    """
    data = read_yaml(path)
    return parse_config(data, source=str(path), environ=environ)


def parse_config(
    data: Any,
    *,
    source: str = "<data>",
    environ: Mapping[str, str] | None = None,
) -> TajoConfig:
    """Expand and validate configuration data already parsed from YAML.

    Raises:
        ConfigError: a variable is unset or a value is invalid.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise_problems(
            [
                ConfigProblem(
                    "(top level)",
                    type(data).__name__,
                    "a mapping with a connectors key",
                    "start the file with `connectors:`",
                )
            ],
            source,
        )
    env = os.environ if environ is None else environ
    expanded, problems = expand_tree(data, env)
    if problems:
        raise_problems(problems, source)
    try:
        config = TajoConfig.model_validate(expanded)
    except ValidationError as exc:
        raise_problems(problems_from(exc, TajoConfig), source)
    for warning in config_warnings(config):
        logger.warning("configuration %s: %s", source, warning)
    return config


def config_warnings(config: TajoConfig) -> list[str]:
    """Return settings that are valid but probably not what the user means."""
    gorgias = config.gorgias
    warnings: list[str] = []
    for index, trigger in enumerate(gorgias.triggers):
        survey_fields = sorted(_SURVEY_FIELDS & set(trigger.conditions))
        if trigger.on in TICKET_KINDS and survey_fields:
            warnings.append(
                f"connectors.gorgias.triggers.{index} ({trigger.name}) fires on "
                f"{trigger.on} but tests {', '.join(survey_fields)}; customers "
                "usually answer the survey after the ticket is closed, so the "
                "condition will usually be false; use on: "
                "satisfaction_survey.responded"
            )
    for key in gorgias.field_mapping:
        builtin = near_builtin(key)
        if builtin is not None:
            warnings.append(
                f"connectors.gorgias.field_mapping.{key} is read as a customer "
                f"custom field; if you meant the built-in {builtin!r}, rename it"
            )
    uses_custom = any(is_custom_field(key) for key in gorgias.field_mapping)
    if uses_custom and gorgias.sync.custom_fields is False:
        warnings.append(
            "connectors.gorgias.field_mapping uses custom fields but "
            "sync.custom_fields is false, so those attributes stay empty; set "
            "sync.custom_fields: auto"
        )
    if gorgias.identity.policy != "email_only" and gorgias.phone_region is None:
        warnings.append(
            "connectors.gorgias.phone_region is not set, so phone numbers "
            "written without + and a country code cannot be used as SMS; set "
            "phone_region to your customers' main country, such as US"
        )
    if gorgias.tag_lists and not gorgias.sync.tags:
        warnings.append(
            "connectors.gorgias.tag_lists is set but sync.tags is false, so tag "
            "lists are not managed; set sync.tags: true"
        )
    return warnings
