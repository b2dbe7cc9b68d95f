"""Who may do what in an organisation. Enforced on the server for every view and API route.

Capabilities are small verbs; roles grant sets of them. Apps ask for a
capability (``can(user, org, "edit")``) rather than a role, so the role
matrix lives in one place and is tested in one place.

======== ====== ====== ======== =====
verb     viewer editor reviewer admin
======== ====== ====== ======== =====
view     yes    yes    yes      yes
edit     .      yes    .        yes
review   .      .      yes      yes
manage   .      .      .        yes
======== ====== ====== ======== =====

``view``   read the organisation's non-public data (drafts, dashboards)
``edit``   create and change drafts, answer assessment questions
``review`` publish register entries, decide impact assessments, validate answers
``manage`` members, theme, API keys, audit log, assessment cycles
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .models import Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import Organisation, User

Capability = Literal["view", "edit", "review", "manage"]
CAPABILITIES: tuple[Capability, ...] = ("view", "edit", "review", "manage")

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.VIEWER: frozenset({"view"}),
    Role.EDITOR: frozenset({"view", "edit"}),
    Role.REVIEWER: frozenset({"view", "review"}),
    Role.ADMIN: frozenset({"view", "edit", "review", "manage"}),
}


def membership_for(user: User | AnonymousUser, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache: dict[int, Membership | None] = getattr(user, "_membership_cache", None) or {}
    if organisation.pk not in cache:
        cache[organisation.pk] = (
            Membership.objects.filter(user=user, organisation=organisation)
            .select_related("department")
            .first()
        )
        user._membership_cache = cache  # type: ignore[attr-defined]
    return cache[organisation.pk]


def capabilities(user: User | AnonymousUser, organisation: Organisation) -> frozenset[str]:
    membership = membership_for(user, organisation)
    if membership is None:
        return frozenset()
    return ROLE_CAPABILITIES.get(membership.role, frozenset())


def can(user: User | AnonymousUser, organisation: Organisation, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise ValueError(f"Unknown capability {capability!r}")
    return capability in capabilities(user, organisation)
