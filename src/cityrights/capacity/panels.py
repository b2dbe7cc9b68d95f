"""What the capacity app adds to core pages through ``core.registry``: dashboard cards and
training programmes as link targets of other apps (a principle's implementing action)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityrights.core.models import Organisation
from cityrights.core.prepared import PreparedQuery
from cityrights.core.registry import LinkedRecord, Section
from cityrights.core.tenancy import StaffRequest

from . import selectors
from .models import Programme

if TYPE_CHECKING:
    from django.http import HttpRequest


def staff_panel(request: StaffRequest, organisation: Organisation) -> Section | None:
    """Dashboard: the rounds that ask this person, open rounds and their response, the
    next sessions and the certificates issued this year."""
    if not organisation.is_city:
        return None
    year = timezone.localdate().year
    mine = selectors.open_rounds_for(organisation, request.user)
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


# The city home asks this on every visit: its SQL is written once (core.prepared).
_OPEN = PreparedQuery(
    lambda organisation_id: selectors.public_programmes(Organisation(pk=organisation_id)).filter(
        status="published"
    ),
    organisation_id=int,
)


def public_section(request: HttpRequest, organisation: Organisation) -> Section | None:
    """City home: the programmes for young people and residents, when there are any."""
    count = _OPEN.count(organisation_id=organisation.pk)
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


def linkable_programmes(organisation: Organisation) -> list[tuple[str, str]]:
    """Training programmes another app may link to (participation: a principle's action)."""
    return [(str(p.pk), str(p)) for p in Programme.objects.filter(organisation=organisation)]


def resolve_programme(organisation: Organisation, pk: str) -> LinkedRecord | None:
    if not pk.isdigit():
        return None
    programme = Programme.objects.filter(organisation=organisation, pk=int(pk)).first()
    if programme is None:
        return None
    staff = reverse("capacity:programme", kwargs={"org": organisation.slug, "pk": programme.pk})
    public = (
        reverse("capacity:public_programme", kwargs={"org": organisation.slug, "pk": programme.pk})
        if programme.is_public
        else ""
    )
    return LinkedRecord(str(programme), staff, public)
