"""What the participation app adds to core pages: dashboard panel, city home, link targets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from cityrights.core.models import Organisation
from cityrights.core.prepared import PreparedQuery
from cityrights.core.registry import LinkedRecord, Section

from . import selectors
from .models import Consultation, Phase

if TYPE_CHECKING:
    from django.http import HttpRequest


def staff_panel(request: HttpRequest, organisation: Organisation) -> Section | None:
    """Open consultations, the moderation queue, and principles no action carries out."""
    if not organisation.is_city:
        return None
    consultations = list(selectors.consultations_of(organisation).exclude(phase=Phase.FINAL)[:5])
    counts = selectors.moderation_counts(organisation)
    unimplemented = selectors.principles_without_action(organisation)
    return Section(
        title=_("Participation"),
        url=reverse("participation:staff_consultations", kwargs={"org": organisation.slug}),
        template="participation/includes/panel.html",
        context={
            "consultations": consultations,
            "counts": counts,
            "unimplemented": unimplemented,
        },
        order=50,
    )


# The city home asks these on every visit: their SQL is written once (core.prepared).
_CONSULTATIONS = PreparedQuery(
    lambda organisation_id: selectors.public_consultations(Organisation(pk=organisation_id))[:3],
    organisation_id=int,
)
_PRINCIPLES = PreparedQuery(  # selectors.current_principles
    lambda organisation_id: selectors.adopted_versions(Organisation(pk=organisation_id))[:1],
    organisation_id=int,
)
_INITIATIVES = PreparedQuery(
    lambda organisation_id: selectors.initiatives_of(
        Organisation(pk=organisation_id), public_only=True
    ),
    organisation_id=int,
)


def public_section(request: HttpRequest, organisation: Organisation) -> Section | None:
    """City home: consultations, the adopted principles and the data initiatives."""
    consultations = _CONSULTATIONS(organisation_id=organisation.pk)
    found = _PRINCIPLES(organisation_id=organisation.pk)
    principles = found[0] if found else None
    initiatives = _INITIATIVES.count(organisation_id=organisation.pk)
    if not consultations and principles is None and not initiatives:
        return None
    return Section(
        title=_("Take part"),
        url=reverse("participation:consultations", kwargs={"org": organisation.slug}),
        template="participation/includes/public_section.html",
        context={
            "consultations": consultations,
            "principles": principles,
            "initiatives": initiatives,
        },
        order=50,
    )


def linkable_consultations(organisation: Organisation) -> list[tuple[str, str]]:
    return [(str(c.pk), str(c)) for c in selectors.consultations_of(organisation)]


def resolve_consultation(organisation: Organisation, pk: str) -> LinkedRecord | None:
    if not pk.isdigit():
        return None
    consultation = Consultation.objects.filter(organisation=organisation, pk=int(pk)).first()
    if consultation is None:
        return None
    public = consultation.get_absolute_url() if consultation.is_public else ""
    return LinkedRecord(str(consultation), consultation.get_staff_url(), public)
