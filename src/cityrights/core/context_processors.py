"""Template context shared by every page: the current city and its theme."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .permissions import capabilities
from .registry import registry


def cityrights(request: HttpRequest) -> dict[str, Any]:
    organisation = getattr(request, "organisation", None)
    caps: frozenset[str] = frozenset()
    nav: list[Any] = []
    if organisation is not None:
        caps = capabilities(request.user, organisation)
        if caps:
            nav = sorted(
                (
                    link
                    for link in registry.nav_links
                    if link.capability in caps and link.shown_to(organisation.kind)
                ),
                key=lambda link: link.order,
            )
    return {
        "organisation": organisation,
        "org_caps": caps,
        "staff_nav": nav,
        "base_url": settings.CITYRIGHTS_BASE_URL,
    }
