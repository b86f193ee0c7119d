"""Async client for the Gorgias REST API: pacing, pagination and models.

The client knows nothing of Brevo, the state store or the sync. Start with
`GorgiasClient`; `endpoints` lists what each resource accepts.
"""

from tajo.gorgias.admin_models import (
    Account,
    CustomFieldDefinition,
    CustomFieldRef,
    CustomFieldValue,
    Event,
    HttpIntegrationSettings,
    Integration,
    User,
    UserRole,
)
from tajo.gorgias.client import (
    DEFAULT_REQUESTS_PER_WINDOW,
    DEFAULT_WINDOW_SECONDS,
    GorgiasClient,
    TicketBatch,
)
from tajo.gorgias.domain import (
    is_loopback_host,
    parse_base_url_override,
    parse_subdomain,
)
from tajo.gorgias.endpoints import MAX_PAGE_SIZE, Resource
from tajo.gorgias.lists import DEFAULT_OVERLAP
from tajo.gorgias.models import (
    Channel,
    Customer,
    PersonSummary,
    SatisfactionSurvey,
    Tag,
    TeamSummary,
    Ticket,
    TicketCustomField,
    TicketMessage,
)
from tajo.gorgias.pagination import FailedRecord, Page, iter_items

__all__ = [
    "DEFAULT_OVERLAP",
    "DEFAULT_REQUESTS_PER_WINDOW",
    "DEFAULT_WINDOW_SECONDS",
    "MAX_PAGE_SIZE",
    "Account",
    "Channel",
    "CustomFieldDefinition",
    "CustomFieldRef",
    "CustomFieldValue",
    "Customer",
    "Event",
    "FailedRecord",
    "GorgiasClient",
    "HttpIntegrationSettings",
    "Integration",
    "Page",
    "PersonSummary",
    "Resource",
    "SatisfactionSurvey",
    "Tag",
    "TeamSummary",
    "Ticket",
    "TicketBatch",
    "TicketCustomField",
    "TicketMessage",
    "User",
    "UserRole",
    "is_loopback_host",
    "iter_items",
    "parse_base_url_override",
    "parse_subdomain",
]
