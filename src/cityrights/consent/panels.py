"""What the consent app adds to core pages: staff nav link, dashboard panel, public section."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from cityrights.core.registry import LinkedRecord, Section
from cityrights.core.translation import order_text

from . import selectors
from .models import AgreementVersion, ProcessingAgreement

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cityrights.core.models import Organisation, User


def staff_panel(request: HttpRequest, organisation: Organisation) -> Section | None:
    if not organisation.is_city:
        return None
    return Section(
        title=_("Consent and data sharing"),
        url=reverse("consent:staff_agreements", kwargs={"org": organisation.slug}),
        template="consent/includes/staff_panel.html",
        context={
            "agreements": ProcessingAgreement.objects.filter(organisation=organisation).count(),
            "drafts": AgreementVersion.objects.filter(
                agreement__organisation=organisation, status=AgreementVersion.Status.DRAFT
            ).count(),
            "status": selectors.ledger_status(organisation),
            "notices_pending": selectors.outbox_counts(organisation)["pending"],
        },
        order=30,
    )


def public_section(request: HttpRequest, organisation: Organisation) -> Section | None:
    pairs = selectors.published_agreements(organisation)
    if not pairs:
        return None
    consent = [agreement for agreement, _version in pairs if agreement.consent_based]
    return Section(
        title=_("Your consent to data sharing"),
        url=reverse("consent:public_agreements", kwargs={"org": organisation.slug}),
        template="consent/includes/public_section.html",
        context={
            "org": organisation.slug,
            "agreements": consent,
            "consent_count": len(consent),
            "other_count": len(pairs) - len(consent),
        },
        order=30,
    )


def _pk(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def linkable_agreements(organisation: Organisation) -> list[tuple[str, str]]:
    """Processing agreements another app may link to (participation: data initiatives)."""
    rows = ProcessingAgreement.objects.filter(organisation=organisation)
    return [
        (str(agreement.pk), agreement.title)
        for agreement in rows.order_by(order_text("title"), "id")
    ]


def resolve_agreement(organisation: Organisation, pk: str) -> LinkedRecord | None:
    number = _pk(pk)
    agreement = (
        None
        if number is None
        else ProcessingAgreement.objects.filter(organisation=organisation, pk=number).first()
    )
    if agreement is None:
        return None
    public = ""
    if agreement.current_version() is not None:
        public = (
            reverse("consent:public_agreements", kwargs={"org": organisation.slug})
            + f"#a-{agreement.pk}"
        )
    return LinkedRecord(agreement.title, agreement.get_absolute_url(), public)


def landing_page(user: User) -> str | None:
    """A resident lands on their data after logging in: in the city that keeps consents of
    theirs (the latest one), else in the only public city when there is just one."""
    from cityrights.core.models import Organisation

    from .models import DataSubject

    subject = (
        DataSubject.objects.filter(user=user).select_related("organisation").order_by("-pk").first()
    )
    if subject is not None:
        return reverse("consent:portal", kwargs={"org": subject.organisation.slug})
    cities = list(Organisation.objects.cities().public()[:2])
    if len(cities) == 1:
        return reverse("consent:portal", kwargs={"org": cities[0].slug})
    return None
