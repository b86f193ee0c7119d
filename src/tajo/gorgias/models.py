"""Pydantic models of the Gorgias objects the connector reads.

Every field but `id` may be null or missing, unknown fields are kept, and every
datetime is an aware UTC value (see `fields.ApiDatetime`). Objects that only
configure the account (users, integrations, events, custom fields, the account
itself) live in `admin_models`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from tajo.gorgias.fields import ApiDatetime, ApiDict, ApiList, GorgiasModel

__all__ = [
    "Channel",
    "Customer",
    "PersonSummary",
    "SatisfactionSurvey",
    "Tag",
    "TeamSummary",
    "Ticket",
    "TicketCustomField",
    "TicketMessage",
]


class PersonSummary(GorgiasModel):
    """A user or customer as embedded in another object (sender, assignee)."""

    id: int | None = None
    email: str | None = None
    name: str | None = None
    firstname: str | None = None
    lastname: str | None = None


class Channel(GorgiasModel):
    """One way to reach a customer: an email address, a phone number, a chat id."""

    id: int | None = None
    # email, phone, sms, chat, facebook, instagram, whatsapp, twitter or a custom slug.
    type: str | None = None
    # Free text as the customer gave it; phones may be local (`06 12 34 56 78`).
    address: str | None = None
    preferred: bool | None = None
    created_datetime: ApiDatetime = None
    updated_datetime: ApiDatetime = None
    deleted_datetime: ApiDatetime = None


class Customer(GorgiasModel):
    """A Gorgias customer: the person behind tickets, possibly without an email."""

    id: int
    # The primary email; null for customers known only by phone, chat or social.
    email: str | None = None
    name: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    external_id: str | None = None
    language: str | None = None
    timezone: str | None = None
    note: str | None = None
    active: bool | None = None
    # Key-value data shown to agents in the sidebar.
    data: ApiDict = Field(default_factory=dict)
    meta: ApiDict = Field(default_factory=dict)
    channels: ApiList[Channel] = Field(default_factory=list)
    # Keyed by integration id as a string; each value carries
    # `__integration_type__` (such as `shopify`) and that app's raw data, whose
    # datetimes keep their local offsets.
    integrations: ApiDict = Field(default_factory=dict)
    created_datetime: ApiDatetime = None
    updated_datetime: ApiDatetime = None

    def channel_addresses(self, channel_type: str) -> list[str]:
        """Return the addresses of live channels of `channel_type`, preferred first."""
        live = [
            channel
            for channel in self.channels
            if channel.type == channel_type
            and channel.address
            and channel.deleted_datetime is None
        ]
        live.sort(key=lambda channel: not channel.preferred)
        return [channel.address for channel in live if channel.address]

    def integrations_of_type(self, integration_type: str) -> list[dict[str, Any]]:
        """Return the raw data of every integration of `integration_type`."""
        return [
            value
            for value in self.integrations.values()
            if isinstance(value, dict)
            and value.get("__integration_type__") == integration_type
        ]


class Tag(GorgiasModel):
    """A ticket tag; the name is case-sensitive and can be renamed or merged."""

    id: int | None = None
    name: str | None = None
    description: str | None = None
    decoration: ApiDict = Field(default_factory=dict)
    usage: int | None = None
    uri: str | None = None
    created_datetime: ApiDatetime = None
    deleted_datetime: ApiDatetime = None


class TeamSummary(GorgiasModel):
    """A team as embedded in a ticket's `assignee_team`."""

    id: int | None = None
    name: str | None = None


class TicketCustomField(GorgiasModel):
    """One custom field value on a ticket."""

    id: int | None = None
    field: ApiDict = Field(default_factory=dict)
    value: Any = None
    prediction: Any = None


class SatisfactionSurvey(GorgiasModel):
    """A CSAT survey; at most one per ticket.

    There is no `updated_datetime`: a survey is created when the ticket closes,
    sent later and scored later still, so `changed_datetime` is the latest of
    the three.
    """

    id: int
    ticket_id: int | None = None
    customer_id: int | None = None
    # 1 to 5, or null until the customer responds.
    score: int | None = None
    body_text: str | None = None
    meta: ApiDict = Field(default_factory=dict)
    uri: str | None = None
    created_datetime: ApiDatetime = None
    # Null means Gorgias will not send the survey.
    should_send_datetime: ApiDatetime = None
    sent_datetime: ApiDatetime = None
    scored_datetime: ApiDatetime = None

    @property
    def changed_datetime(self) -> datetime | None:
        """The latest of the created, sent and scored instants."""
        instants = [
            instant
            for instant in (
                self.created_datetime,
                self.sent_datetime,
                self.scored_datetime,
            )
            if instant is not None
        ]
        return max(instants, default=None)


class TicketMessage(GorgiasModel):
    """One message of a ticket: customer email, agent reply or internal note."""

    id: int
    ticket_id: int | None = None
    uri: str | None = None
    # The provider's id, such as an email Message-Id.
    message_id: str | None = None
    external_id: str | None = None
    # False for internal notes, which customers never see.
    public: bool | None = None
    from_agent: bool | None = None
    channel: str | None = None
    via: str | None = None
    source: ApiDict = Field(default_factory=dict)
    sender: PersonSummary | None = None
    receiver: PersonSummary | None = None
    integration_id: int | None = None
    # Set when a rule sent the message.
    rule_id: int | None = None
    subject: str | None = None
    body_text: str | None = None
    body_html: str | None = None
    stripped_text: str | None = None
    macros: ApiList[Any] = Field(default_factory=list)
    meta: ApiDict = Field(default_factory=dict)
    created_datetime: ApiDatetime = None
    # Null while the message is queued.
    sent_datetime: ApiDatetime = None
    failed_datetime: ApiDatetime = None
    deleted_datetime: ApiDatetime = None
    opened_datetime: ApiDatetime = None


def _custom_fields_by_id(value: object) -> object:
    # The ticket payload keys values by field id; accept a list of values too.
    if value is None:
        return {}
    if isinstance(value, list):
        keyed: dict[str, object] = {}
        for item in value:
            key = item.get("id") if isinstance(item, dict) else None
            keyed[str(key)] = item
        return keyed
    return value


def _empty_to_none(value: object) -> object:
    return None if value == {} else value


class Ticket(GorgiasModel):
    """A Gorgias ticket.

    Spam and trashed tickets are listed by default, so check `spam` and
    `trashed_datetime`. `messages` is None when the payload did not include
    them (ticket lists never do).
    """

    id: int
    uri: str | None = None
    external_id: str | None = None
    # `open` or `closed`; Gorgias has no other status.
    status: str | None = None
    priority: str | None = None
    # Channel of the conversation: email, chat, sms, phone, facebook and more.
    channel: str | None = None
    # How the first message arrived: email, api, helpdesk, rule, shopify and more.
    via: str | None = None
    from_agent: bool | None = None
    spam: bool | None = None
    is_unread: bool | None = None
    language: str | None = None
    subject: str | None = None
    # Null for tickets without a customer.
    customer: Annotated[Customer | None, BeforeValidator(_empty_to_none)] = None
    assignee_user: PersonSummary | None = None
    assignee_user_id: int | None = None
    assignee_team: TeamSummary | None = None
    assignee_team_id: int | None = None
    meta: ApiDict = Field(default_factory=dict)
    tags: ApiList[Tag] = Field(default_factory=list)
    # Keyed by custom field id as a string.
    custom_fields: Annotated[
        dict[str, TicketCustomField], BeforeValidator(_custom_fields_by_id)
    ] = Field(default_factory=dict)
    messages: list[TicketMessage] | None = None
    satisfaction_survey: SatisfactionSurvey | None = None
    created_datetime: ApiDatetime = None
    opened_datetime: ApiDatetime = None
    last_received_message_datetime: ApiDatetime = None
    last_message_datetime: ApiDatetime = None
    updated_datetime: ApiDatetime = None
    closed_datetime: ApiDatetime = None
    snooze_datetime: ApiDatetime = None
    trashed_datetime: ApiDatetime = None

    @property
    def is_trashed(self) -> bool:
        """Whether the ticket is in the trash."""
        return self.trashed_datetime is not None

    @property
    def tag_names(self) -> list[str]:
        """The names of the ticket's tags, in the API's order."""
        return [tag.name for tag in self.tags if tag.name]
