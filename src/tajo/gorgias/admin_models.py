"""Pydantic models of Gorgias account-level objects.

Users, integrations, events, custom fields and the account itself. Like the
models in `models`, every field but `id` may be null or missing and unknown
fields are kept.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tajo.gorgias.fields import ApiDatetime, ApiDict, ApiList, GorgiasModel

__all__ = [
    "Account",
    "CustomFieldDefinition",
    "CustomFieldRef",
    "CustomFieldValue",
    "Event",
    "HttpIntegrationSettings",
    "Integration",
    "User",
    "UserRole",
]


class Account(GorgiasModel):
    """The Gorgias account that the credentials belong to (`GET /api/account`).

    Gorgias does not document this body field by field. Only the domain and
    the datetimes are typed, and `status` may be a string or an object.
    """

    domain: str | None = None
    status: Any = None
    created_datetime: ApiDatetime = None
    deactivated_datetime: ApiDatetime = None


class UserRole(GorgiasModel):
    """A user's role: admin, agent, basic-agent, lite-agent, observer-agent, bot."""

    name: str | None = None


class User(GorgiasModel):
    """A helpdesk user (agent).

    Current payloads carry one `role` object; older ones a `roles` array.
    """

    id: int
    active: bool | None = None
    email: str | None = None
    name: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    bio: str | None = None
    country: str | None = None
    language: str | None = None
    timezone: str | None = None
    external_id: str | None = None
    meta: ApiDict = Field(default_factory=dict)
    role: UserRole | None = None
    roles: ApiList[UserRole] = Field(default_factory=list)
    created_datetime: ApiDatetime = None
    updated_datetime: ApiDatetime = None

    @property
    def role_name(self) -> str | None:
        """The role name from `role`, else from the first entry of `roles`."""
        if self.role is not None and self.role.name:
            return self.role.name
        for role in self.roles:
            if role.name:
                return role.name
        return None


class HttpIntegrationSettings(GorgiasModel):
    """The `http` part of an HTTP integration: where and how Gorgias calls out."""

    id: int | None = None
    url: str | None = None
    method: str | None = None
    # Custom request headers; a shared secret for the receiver goes here.
    headers: ApiDict = Field(default_factory=dict)
    # The body template: a JSON object of templated strings, or one template.
    form: Any = None
    request_content_type: str | None = None
    response_content_type: str | None = None
    # Trigger name (such as `ticket-created`) to enabled flag.
    triggers: ApiDict = Field(default_factory=dict)


class Integration(GorgiasModel):
    """An integration of the account: http, shopify, email, gorgias_chat, phone."""

    id: int
    type: str | None = None
    name: str | None = None
    description: str | None = None
    # Only HTTP integrations have it.
    http: HttpIntegrationSettings | None = None
    application_id: int | str | None = None
    managed: bool | None = None
    uri: str | None = None
    created_datetime: ApiDatetime = None
    updated_datetime: ApiDatetime = None
    deactivated_datetime: ApiDatetime = None


class Event(GorgiasModel):
    """One entry of the account's event log, such as `ticket-closed`.

    `context` is a UUID shared by the events of one cascade (a macro applied,
    then the ticket updated). `data` is undocumented and often null.
    """

    id: int
    uri: str | None = None
    type: str | None = None
    # Account, Customer, Ticket, TicketMessage, SatisfactionSurvey, Macro, Rule,
    # Tag, Team, User, View, Widget or Integration.
    object_type: str | None = None
    object_id: int | None = None
    user_id: int | None = None
    context: str | None = None
    data: dict[str, Any] | None = None
    created_datetime: ApiDatetime = None


class CustomFieldRef(GorgiasModel):
    """A custom field as embedded in a value: id, label and data type."""

    id: int | None = None
    label: str | None = None
    # `Customer` or `Ticket`.
    object_type: str | None = None
    # `data_type` (text, number or boolean) and the input settings.
    definition: ApiDict = Field(default_factory=dict)


class CustomFieldValue(GorgiasModel):
    """One custom field value of a customer.

    `value` is typed by the field's data type and is null once cleared.
    """

    field: CustomFieldRef | None = None
    value: Any = None
    prediction: Any = None

    @property
    def label(self) -> str | None:
        """The field's label, or None when the payload lacks it."""
        return self.field.label if self.field is not None else None


class CustomFieldDefinition(GorgiasModel):
    """The definition of a customer or ticket custom field."""

    id: int
    object_type: str | None = None
    label: str | None = None
    description: str | None = None
    priority: int | None = None
    required: bool | None = None
    managed_type: str | None = None
    external_id: str | None = None
    # `data_type` (text, number or boolean) and the input settings.
    definition: ApiDict = Field(default_factory=dict)
    created_datetime: ApiDatetime = None
    updated_datetime: ApiDatetime = None
    deactivated_datetime: ApiDatetime = None
