"""Brevo side of tajo: value preparation (pure) and a thin async API client.

The planner imports the value preparation, and must not pull in an HTTP
client by doing so. Names that need httpx (`BrevoClient` and the session) are
therefore loaded on first access, and `import tajo.brevo.values` stays free of
httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from tajo.brevo.attributes import (
    AttributeCatalogue,
    AttributeSpec,
    AttributeValue,
    PreparedAttributes,
    RejectedValue,
    prepare_attributes,
)
from tajo.brevo.models import (
    BatchEventsResult,
    BrevoAccount,
    BrevoEvent,
    Contact,
    ContactList,
    ContactUpsert,
    EmailRecipient,
    Folder,
    IdentifierType,
    ImportContact,
    ImportResult,
    ListMembershipResult,
    MemberKind,
    SmsFallbackResult,
    UpsertResult,
)
from tajo.brevo.pacing import BrevoRateLimits
from tajo.brevo.values import (
    Identity,
    IdentityPolicy,
    Normalized,
    normalize_email,
    normalize_phone,
    prepare_identity,
)

if TYPE_CHECKING:
    from tajo.brevo.client import BrevoClient
    from tajo.brevo.session import DEFAULT_BASE_URL

_LAZY = {"BrevoClient": "tajo.brevo.client", "DEFAULT_BASE_URL": "tajo.brevo.session"}

__all__ = [
    "DEFAULT_BASE_URL",
    "AttributeCatalogue",
    "AttributeSpec",
    "AttributeValue",
    "BatchEventsResult",
    "BrevoAccount",
    "BrevoClient",
    "BrevoEvent",
    "BrevoRateLimits",
    "Contact",
    "ContactList",
    "ContactUpsert",
    "EmailRecipient",
    "Folder",
    "IdentifierType",
    "Identity",
    "IdentityPolicy",
    "ImportContact",
    "ImportResult",
    "ListMembershipResult",
    "MemberKind",
    "Normalized",
    "PreparedAttributes",
    "RejectedValue",
    "SmsFallbackResult",
    "UpsertResult",
    "normalize_email",
    "normalize_phone",
    "prepare_attributes",
    "prepare_identity",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tajo.brevo' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
