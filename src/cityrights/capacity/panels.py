"""What the capacity app adds to core pages through ``core.registry``: dashboard cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from cityrights.core.registry import Section

from . import selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cityrights.core.models import Organisation


def staff_panel(request: HttpRequest, organisation: Organisation) -> Section | None:
    """Dashboard: the survey rounds that ask this person, open rounds and their response."""
    if not organisation.is_city:
        return None
    mine = selectors.open_rounds_for(organisation, request.user)  # type: ignore[arg-type]
    open_rounds = [
        (r, selectors.response(r))
        for r in selectors.rounds_of(organisation).filter(closed_at__isnull=True)
        if r.is_open
    ]
    return Section(
        title=_("Capacity building"),
        url=reverse("capacity:home", kwargs={"org": organisation.slug}),
        template="capacity/includes/panel.html",
        context={"mine": mine, "open_rounds": open_rounds},
        order=50,
    )
