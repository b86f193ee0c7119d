"""`client.campaigns.trigger`: start a configured campaign trigger by hand."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tajo.brevo import BrevoEvent, EmailRecipient, normalize_email
from tajo.config import TriggerConfig
from tajo.errors import ConfigError
from tajo.mapping import render_params

if TYPE_CHECKING:
    from tajo.api.client import Tajo

logger = logging.getLogger(__name__)

ParamValue = str | int | float | bool | list[str]


class Campaigns:
    """The campaign triggers declared under `connectors.gorgias.triggers`."""

    def __init__(self, client: Tajo) -> None:
        self._client = client

    def names(self) -> list[str]:
        """Return the names of the configured triggers."""
        return [trigger.name for trigger in self._client.config.gorgias.triggers]

    async def trigger(
        self,
        name: str,
        *,
        email: str,
        params: Mapping[str, ParamValue] | None = None,
    ) -> None:
        """Send trigger `name` to one contact now: its Brevo event or email.

        The trigger's own `params` are rendered with `params` as the field
        values (`{{agent_name}}` takes `params["agent_name"]`), then `params`
        are added. Conditions and the maximum age are not checked: calling
        this is the decision. Nothing guards against calling it twice.

        Raises:
            ConfigError: no trigger has that name, or the email is invalid.
            ApiError: Brevo rejected the event or the email.
        """
        trigger = self._find(name)
        address = normalize_email(email)
        if address.value is None:
            raise ConfigError(
                f"invalid email for trigger {name}: email={email!r}; expected an "
                "address such as jane@example.com"
            )
        caller_params = dict(params or {})
        values = {
            key: (float(value) if isinstance(value, int | float) else value)
            for key, value in caller_params.items()
            if not isinstance(value, bool)
        }
        sent = render_params(trigger.target.params, values) | caller_params
        client = self._client
        brevo = await client.brevo()
        target = trigger.target
        if target.brevo_event is not None:
            await brevo.send_event(
                BrevoEvent(
                    name=target.brevo_event,
                    identifiers={"email_id": address.value},
                    occurred_at=client.clock.now(),
                    event_properties=sent,
                )
            )
        elif target.template_id is not None:
            await brevo.send_template_email(
                target.template_id, [EmailRecipient(address.value)], params=sent
            )
        logger.info("Sent campaign trigger %s to one contact", name)

    def _find(self, name: str) -> TriggerConfig:
        for trigger in self._client.config.gorgias.triggers:
            if trigger.name == name:
                return trigger
        known = ", ".join(self.names()) or "none"
        raise ConfigError(
            f"unknown campaign trigger: name={name!r}; configured: {known}; add it "
            "under connectors.gorgias.triggers in tajo.yaml"
        )
