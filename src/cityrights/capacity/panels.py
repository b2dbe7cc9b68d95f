"""What the capacity app adds to core pages through ``core.registry``: dashboard cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityrights.core.registry import Section

from . import selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cityrights.core.models import Organisation


def staff_panel(request: HttpRequest, organisation: Organisation) -> Section | None:
    """Dashboard: the rounds that ask this person, open rounds and their response, the
    next sessions and the certificates issued this year."""
    if not organisation.is_city:
        return None
    year = timezone.localdate().year
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
        context={
            "mine": mine,
            "open_rounds": open_rounds,
            "upcoming": selectors.upcoming_sessions(organisation, 3),
            "year": year,
            "certificates": selectors.certificates_by_kind(organisation, year),
        },
        order=50,
    )


def public_section(request: HttpRequest, organisation: Organisation) -> Section | None:
    """City home: the programmes for young people and residents, when there are any."""
    count = selectors.public_programmes(organisation).filter(status="published").count()
    if not count:
        return None
    return Section(
        title=_("Learn about digital rights"),
        url=reverse("capacity:public_programmes", kwargs={"org": organisation.slug}),
        lines=(
            ngettext(
                "%(n)d programme of workshops open for registration.",
                "%(n)d programmes of workshops open for registration.",
                count,
            )
            % {"n": count},
        ),
        order=60,
    )
