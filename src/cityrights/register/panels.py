"""What the register adds to core pages (staff dashboard, city home) through the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityrights.core.permissions import can
from cityrights.core.registry import LinkedRecord, Section
from cityrights.core.tenancy import StaffRequest
from cityrights.core.translation import city_languages, order_text

from . import selectors
from .models import Entry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cityrights.core.models import Organisation


def staff_panel(request: StaffRequest, organisation: Organisation) -> Section | None:
    """My drafts (editors), the review queue (reviewers) and open questions (everyone)."""
    if not organisation.is_city:
        return None
    user = request.user
    drafts = (
        list(selectors.my_drafts(organisation, user)[:5])
        if can(user, organisation, "edit")
        else None
    )
    queue = (
        list(selectors.review_queue(organisation, user)[:5])
        if can(user, organisation, "review")
        else None
    )
    open_count = selectors.open_questions(organisation).count()
    return Section(
        title=_("Transparency register"),
        url=reverse("register:staff_entries", kwargs={"org": organisation.slug}),
        template="register/includes/staff_panel.html",
        context={
            "drafts": drafts,
            "queue": queue,
            "open_count": open_count,
            "questions_url": reverse("register:staff_questions", kwargs={"org": organisation.slug}),
            "published": selectors.listed_count(organisation),
        },
        order=30,
    )


def public_section(request: HttpRequest, organisation: Organisation) -> Section | None:
    """The register on the city's public home: how many systems, and where to look."""
    if not organisation.is_city:
        return None
    count = selectors.listed_count(organisation)
    if not count:
        return None
    return Section(
        title=_("Transparency register"),
        url=reverse("register:catalogue", kwargs={"org": organisation.slug}),
        template="register/includes/public_section.html",
        context={
            "text": ngettext(
                "%(n)d algorithm, sensor, service or dataset is described in plain language.",
                "%(n)d algorithms, sensors, services and datasets are described in plain language.",
                count,
            )
            % {"n": count},
            "map_url": reverse("register:map", kwargs={"org": organisation.slug}),
            "catalogue_url": reverse("register:catalogue", kwargs={"org": organisation.slug}),
        },
        order=15,
    )


def _pk(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def linkable_entries(organisation: Organisation) -> list[tuple[str, str]]:
    """Register entries another app may link to (participation: principles, initiatives)."""
    rows = Entry.objects.primary().filter(organisation=organisation).order_by(order_text("name"))
    with city_languages(organisation.content_languages):
        return [(str(entry.pk), entry.name) for entry in rows]


def resolve_entry(organisation: Organisation, pk: str) -> LinkedRecord | None:
    number = _pk(pk)
    entry = (
        None
        if number is None
        else Entry.objects.primary().filter(organisation=organisation, pk=number).first()
    )
    if entry is None:
        return None
    public = entry.get_absolute_url() if entry.is_public else ""
    return LinkedRecord(entry.name, entry.get_staff_url(), public)
