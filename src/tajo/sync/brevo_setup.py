"""Before writing: the attributes and lists the mapping needs must exist in Brevo.

Brevo drops values of attributes that do not exist, and values of the wrong
type, without an error. So the catalogue is read first, missing attributes
are created with the type the mapping needs (when configured to), and every
value is later cast to the catalogue's type. Lists cannot be created with the
ids the configuration names, so a missing list stops the run with a message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from tajo.brevo import AttributeCatalogue, AttributeSpec, BrevoClient
from tajo.config import GorgiasConfig, TajoConfig
from tajo.errors import ConfigError
from tajo.mapping import required_attributes

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BrevoSetup:
    """The catalogue to cast with, and what the setup did or would do."""

    catalogue: AttributeCatalogue
    # Attributes created now, or that a dry run would create.
    created: tuple[str, ...]
    # Attributes of another type than the mapping expects (values are cast).
    mismatched: tuple[str, ...]
    requests: int


async def prepare_brevo(
    brevo: BrevoClient,
    config: TajoConfig,
    *,
    custom_field_types: Mapping[str, str],
    dry_run: bool,
) -> BrevoSetup:
    """Check lists and attributes; create missing attributes unless `dry_run`.

    Raises:
        ConfigError: a configured list does not exist, or an attribute is
            missing and creating attributes is turned off.
    """
    gorgias = config.gorgias
    requests = await _check_lists(brevo, gorgias)
    catalogue = await brevo.get_attributes()
    requests += 1
    needed = required_attributes(
        gorgias.field_mapping, custom_field_types=custom_field_types
    )
    specs = list(catalogue)
    created: list[str] = []
    mismatched: list[str] = []
    for name, attribute_type in sorted(needed.items()):
        spec = catalogue.get(name)
        if spec is not None:
            if spec.kind != attribute_type:
                mismatched.append(name)
                logger.warning(
                    "brevo attribute %s is %s, the mapping writes %s; values are "
                    "cast to %s",
                    name,
                    spec.kind,
                    attribute_type,
                    spec.kind,
                )
            continue
        if not config.brevo.create_missing_attributes:
            raise ConfigError(
                f"missing Brevo attribute: name={name} type={attribute_type}; "
                "expected it in Brevo > Contacts > Settings > Contact attributes; "
                "create it, or set brevo.create_missing_attributes: true"
            )
        if not dry_run:
            await brevo.create_attribute(name, attribute_type)
            requests += 1
        created.append(name)
        specs.append(AttributeSpec(name=name, category="normal", type=attribute_type))
    return BrevoSetup(
        catalogue=AttributeCatalogue(specs),
        created=tuple(created),
        mismatched=tuple(mismatched),
        requests=requests,
    )


async def _check_lists(brevo: BrevoClient, config: GorgiasConfig) -> int:
    managed = config.managed_list_ids()
    if not managed:
        return 0
    lists = await brevo.get_lists()
    requests = max(1, -(-len(lists) // 50))
    missing = sorted(managed - {item.id for item in lists})
    if missing:
        shown = ", ".join(str(list_id) for list_id in missing)
        raise ConfigError(
            f"Brevo lists not found: list_ids={shown}; expected every list id in "
            "connectors.gorgias.lists and tag_lists to exist; create the lists in "
            "Brevo > Contacts > Lists and copy their ids into tajo.yaml"
        )
    return requests
