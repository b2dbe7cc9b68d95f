"""The participation app's part of the annual report, and its dashboard alerts.

The yearly figures are the app's own aggregates (:func:`~cityrights.participation.selectors.
yearly_figures`): consultations open to the public during the year, comments received and
answered in a published response document, and public data initiatives running that year
per citizen role. Alerts name closed consultations still waiting for their response document
and principles of the adopted version that no action carries out.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cityrights.core.models import Organisation
from cityrights.core.registry import Registry
from cityrights.core.report import Alert, Chart, Figure, ReportSection, Table

from . import selectors
from .models import CitizenRole, Consultation, Phase


def participation_section(organisation: Organisation, year: int) -> ReportSection | None:
    """Consultations held, comments received and answered, initiatives per citizen role."""
    if not organisation.is_city:
        return None
    title = _("Participation")
    slug = organisation.slug
    consultations_url = reverse("participation:consultations", kwargs={"org": slug})
    initiatives_url = reverse("participation:initiatives", kwargs={"org": slug})
    found = selectors.yearly_figures(organisation, year)
    roles = found["initiatives_per_role"]
    if not (found["consultations_held"] or found["comments_received"] or any(roles.values())):
        return ReportSection.nothing(
            "participation",
            title,
            _("No consultation was open and no public data initiative ran in %(year)s.")
            % {"year": year},
            url=consultations_url,
        )
    received = found["comments_received"]
    answered = found["comments_answered"]
    figures = (
        Figure(
            "consultations",
            _("Consultations held"),
            found["consultations_held"],
            "",
            _("Consultations open to the public at some time in %(year)s.") % {"year": year},
            consultations_url,
        ),
        Figure(
            "comments",
            _("Comments received"),
            received,
            "",
            _("Comments residents wrote in %(year)s, shown or hidden by moderation.")
            % {"year": year},
            consultations_url,
        ),
        Figure(
            "answered",
            _("Comments answered"),
            answered,
            "",
            _("Comments of %(year)s whose outcome the city gave in a published response document.")
            % {"year": year},
            consultations_url,
        ),
        Figure(
            "answered-share",
            _("Share of comments answered"),
            round(100 * answered / received, 1) if received else None,
            "%",
            _("Comments answered out of comments received in %(year)s.") % {"year": year},
            consultations_url,
        ),
        Figure(
            "initiatives",
            _("Data initiatives"),
            selectors.initiatives_of(organisation, public_only=True)
            .filter(pk__in=_running(organisation, year))
            .count(),
            "",
            _("Public data initiatives running at some time in %(year)s.") % {"year": year},
            initiatives_url,
        ),
    )
    labels = tuple(str(CitizenRole(value).label) for value in CitizenRole.values)
    counts = tuple(roles.get(value, 0) for value in CitizenRole.values)
    return ReportSection(
        key="participation",
        title=title,
        introduction=_(
            "How residents took part in the city's digital policy, and the roles they played "
            "in data initiatives."
        ),
        figures=figures,
        tables=(
            Table(
                "roles",
                _("Data initiatives per citizen role"),
                (_("Role"), _("Initiatives")),
                tuple(zip(labels, counts, strict=True)),
                _("An initiative in which residents play several roles counts once per role."),
            ),
        ),
        charts=(
            (
                Chart(
                    "roles",
                    "bars",
                    _("Data initiatives per citizen role in %(year)s") % {"year": year},
                    _("How many public initiatives gave residents each of the seven roles."),
                    labels,
                    ((_("Initiatives"), counts),),
                    label_heading=_("Role"),
                ),
            )
            if any(counts)
            else ()
        ),
        url=consultations_url,
    )


def _running(organisation: Organisation, year: int) -> list[int]:
    """Ids of the city's initiatives running at some time in ``year``."""
    from django.db.models import Q

    return list(
        selectors.initiatives_of(organisation, public_only=True)
        .filter(
            Q(starts_on__year__lte=year) | Q(starts_on__isnull=True),
            Q(ends_on__year__gte=year) | Q(ends_on__isnull=True),
        )
        .values_list("pk", flat=True)
    )


def alerts(organisation: Organisation) -> list[Alert]:
    """Closed consultations without a published response; principles without an action."""
    if not organisation.is_city:
        return []
    slug = organisation.slug
    found = []
    waiting = (
        Consultation.objects.filter(organisation=organisation, phase=Phase.CLOSED)
        .exclude(response__published_at__isnull=False)
        .order_by("pk")
    )
    count = waiting.count()
    if count:
        found.append(
            Alert(
                "participation.awaiting-response",
                _("Closed consultations awaiting their response document"),
                count,
                reverse("participation:staff_consultations", kwargs={"org": slug}),
                _(
                    "Publish what changed and why, comment by comment, so residents see what "
                    "their comments led to."
                ),
                tuple(
                    (
                        str(consultation),
                        reverse(
                            "participation:staff_response",
                            kwargs={"org": slug, "pk": consultation.pk},
                        ),
                    )
                    for consultation in waiting[:5]
                ),
            )
        )
    principles = selectors.principles_without_action(organisation)
    if principles:
        found.append(
            Alert(
                "participation.principles-without-action",
                _("Adopted principles without an action that carries them out"),
                len(principles),
                reverse("participation:staff_principles", kwargs={"org": slug}),
                _(
                    "Link each principle to a roadmap action, register entry or other record "
                    "that puts it into practice."
                ),
                tuple(
                    (
                        str(principle),
                        reverse(
                            "participation:staff_actions",
                            kwargs={"org": slug, "key": principle.key},
                        ),
                    )
                    for principle in principles[:5]
                ),
            )
        )
    return found


def register(registry: Registry) -> None:
    """Contribute the participation section and its alerts."""
    registry.add_report_section("participation", participation_section, 70)
    registry.add_alert_provider(alerts)
