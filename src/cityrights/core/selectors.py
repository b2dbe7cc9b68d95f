"""Reads of core data for pages and the API: organisations, members, keys, audit events.

Every function takes the organisation it reads from, so a page cannot list another
city's rows by forgetting a filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from .models import ApiKey, AuditEvent, Department, Membership, Organisation
from .registry import Section, registry

if TYPE_CHECKING:
    from django.http import HttpRequest


def public_organisations() -> QuerySet[Organisation]:
    """Public cities and the organisations that work with them."""
    return Organisation.objects.filter(is_public=True)


def organisation_by_slug(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


def memberships(organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation).select_related("user", "department")


def departments(organisation: Organisation) -> QuerySet[Department]:
    return Department.objects.filter(organisation=organisation)


def api_keys(organisation: Organisation) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(organisation=organisation)


def audit_events(
    organisation: Organisation,
    *,
    action: str = "",
    object_type: str = "",
    before_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """The organisation's audit trail, newest first, narrowed by the filters given."""
    events = AuditEvent.objects.filter(organisation=organisation)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if before_id is not None:
        events = events.filter(id__lt=before_id)
    return events


def audit_filter_choices(organisation: Organisation) -> tuple[list[str], list[str]]:
    """The object types and actions that occur in the organisation's trail, sorted."""
    events = AuditEvent.objects.filter(organisation=organisation).order_by()
    types = events.values_list("object_type", flat=True).distinct()
    actions = events.values_list("action", flat=True).distinct()
    return sorted(types), sorted(actions)


def _sections(
    providers: Iterable[Callable[[Any, Organisation], Section | None]],
    request: HttpRequest,
    organisation: Organisation,
) -> list[Section]:
    found = [provider(request, organisation) for provider in providers]
    return sorted((s for s in found if s is not None), key=lambda section: section.order)


def public_sections(request: HttpRequest, organisation: Organisation) -> list[Section]:
    """What the apps publish on the city's public home, in their order."""
    return _sections(registry.public_sections, request, organisation)


def staff_panels(
    request: HttpRequest, organisation: Organisation, held: frozenset[str]
) -> list[Section]:
    """The dashboard panels of the apps, for the capabilities the person ``held``."""
    providers = [provider for capability, provider in registry.staff_panels if capability in held]
    return _sections(providers, request, organisation)
