"""The contact planner: one Gorgias customer in, the desired Brevo contact out.

Pure: it reads plain facts and the configuration and returns values. It never
imports an HTTP client, the store or the CLI, so it is tested with plain data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tajo.brevo.values import Identity
from tajo.config import GorgiasConfig
from tajo.mapping.attributes import PlanValue, attribute_values
from tajo.mapping.facts import CustomerFacts, SurveyFacts, TicketFacts
from tajo.mapping.identity import plan_identity
from tajo.mapping.metrics import SupportMetrics, compute_metrics, counts


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactPlan:
    """The desired state of one Brevo contact.

    `lists` is the desired membership among `managed_lists`; the caller adds
    the contact to `lists` and removes it from `lists_to_remove`. Lists outside
    `managed_lists` appear in neither set.
    """

    customer_id: int
    identity: Identity
    # Brevo attribute name -> value; None means unknown and is not sent.
    attributes: Mapping[str, PlanValue]
    lists: frozenset[int]
    managed_lists: frozenset[int]
    metrics: SupportMetrics
    # The customer's tags as the configured sources give them, sorted.
    tags: tuple[str, ...]
    # Dropped values as `reason:value`, such as an unusable phone number.
    warnings: tuple[str, ...] = ()

    @property
    def lists_to_remove(self) -> frozenset[int]:
        """The managed lists the contact must not be in."""
        return self.managed_lists - self.lists


@dataclass(frozen=True, slots=True)
class Skip:
    """A customer that is not written to Brevo, with a reason code to count.

    Reasons: `no_email_or_phone` (email_then_sms policy) and `no_email`
    (email_only policy). The email_then_sms_then_ext_id policy skips nobody.
    """

    customer_id: int
    reason: str
    warnings: tuple[str, ...] = ()


def plan_contact(
    customer: CustomerFacts,
    tickets: Iterable[TicketFacts],
    surveys: Iterable[SurveyFacts],
    *,
    config: GorgiasConfig,
) -> ContactPlan | Skip:
    """Plan the Brevo contact of one customer from all their tickets and surveys.

    `tickets` and `surveys` are everything the store contains for the customer,
    so metrics do not depend on which run saw which change.
    """
    identity = plan_identity(customer, config)
    if identity.skip_reason is not None:
        return Skip(customer.id, identity.skip_reason, identity.warnings)

    ticket_list = list(tickets)
    metrics = compute_metrics(ticket_list, surveys)
    tags = customer_tags(customer, ticket_list, config)
    return ContactPlan(
        customer_id=customer.id,
        identity=identity,
        attributes=attribute_values(
            customer, metrics, tags, identity=identity, config=config
        ),
        lists=desired_lists(metrics, tags, config),
        managed_lists=config.managed_list_ids(),
        metrics=metrics,
        tags=tags,
        warnings=identity.warnings,
    )


def customer_tags(
    customer: CustomerFacts, tickets: Iterable[TicketFacts], config: GorgiasConfig
) -> tuple[str, ...]:
    """Return the customer's tags from the configured sources, sorted.

    Gorgias keeps tags on tickets, so by default a customer's tags are those of
    their tickets that are neither spam nor trashed, plus tags held on the
    customer (Shopify customer tags). Tags that differ only in case are one
    tag; the first spelling seen is kept.
    """
    names: list[str] = []
    if config.tag_sources.tickets:
        for ticket in tickets:
            if counts(ticket):
                names.extend(ticket.tags)
    if config.tag_sources.customer:
        names.extend(customer.customer_tags)
    unique: dict[str, str] = {}
    for name in names:
        text = name.strip()
        if text:
            unique.setdefault(text.casefold(), text)
    return tuple(sorted(unique.values(), key=str.casefold))


def desired_lists(
    metrics: SupportMetrics, tags: Iterable[str], config: GorgiasConfig
) -> frozenset[int]:
    """Return the managed lists a written contact belongs in.

    Every written contact is in `all_support_contacts`. The last CSAT score
    places the contact in the satisfied or dissatisfied list (or neither for a
    middle score or no score), so a new score moves the contact. Tag lists
    follow the current tags, matched without regard to case.
    """
    lists = config.lists
    members: set[int] = set()
    if lists.all_support_contacts is not None:
        members.add(lists.all_support_contacts)

    score = metrics.last_csat_score
    if config.sync.satisfaction_surveys and score is not None:
        if score >= config.csat.satisfied_min and lists.satisfied_customers:
            members.add(lists.satisfied_customers)
        if score <= config.csat.dissatisfied_max and lists.dissatisfied_customers:
            members.add(lists.dissatisfied_customers)

    tag_lists = config.tag_list_ids()
    for tag in tags:
        list_id = tag_lists.get(tag.strip().casefold())
        if list_id is not None:
            members.add(list_id)
    return frozenset(members)
