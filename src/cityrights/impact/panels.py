"""What the impact app adds to other pages through ``core.registry``.

The register never imports this app: its entry pages render the slots
``register.entry.public`` and ``register.entry.staff``, which these providers fill.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cityrights.core.permissions import can
from cityrights.core.registry import LinkedRecord, Section

from . import content, selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cityrights.core.models import Organisation


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _procurement_rows(procurements: Any, lang: str) -> list[dict[str, Any]]:
    rows = []
    for procurement in procurements:
        items = []
        for requirement in content.requirements_of(procurement.checklist.checklist):
            given = procurement.answers.get(requirement.key)
            items.append(
                {
                    "title": content.text(requirement.title, lang),
                    "included": None if given is None else given.get("included"),
                    "reason": "" if given is None else procurement.reason(requirement.key, lang),
                }
            )
        rows.append({"procurement": procurement, "items": items})
    return rows


def entry_public(request: HttpRequest, entry: Any) -> Section | None:
    """On a public register entry: the assessment status, published summary and checklist."""
    any_assessment, any_procurement = selectors.on_entry(entry)
    if not any_assessment and not any_procurement:
        return None
    assessments = list(selectors.for_entry(entry)) if any_assessment else []
    procurements = (
        _procurement_rows(selectors.procurements_for_entry(entry, public_only=True), _language())
        if any_procurement
        else []
    )
    if not assessments and not procurements:  # deleted since on_entry looked
        return None
    latest = assessments[0] if assessments else None
    summaries = [
        a.public_summary
        for a in assessments
        if hasattr(a, "public_summary") and a.public_summary.is_public
    ]
    return Section(
        title=_("Impact assessment"),
        template="impact/includes/entry_public.html",
        context={
            "latest": latest,
            "summary": summaries[0] if summaries else None,
            "procurements": procurements,
        },
        order=40,
    )


def entry_staff(request: HttpRequest, entry: Any) -> Section | None:
    """On the staff page of a register entry: every assessment and procurement of it."""
    organisation = entry.organisation
    if not can(request.user, organisation, "view"):
        return None
    assessments = list(selectors.for_entry(entry))
    procurements = list(selectors.procurements_for_entry(entry, public_only=False))
    base = selectors.entry_of(entry)
    flagged = (
        base.risk_level == "high" and base.is_public and not any(a.is_approved for a in assessments)
    )
    return Section(
        title=_("Impact assessments"),
        url=reverse("impact:list", kwargs={"org": organisation.slug}),
        template="impact/includes/entry_staff.html",
        context={
            "assessments": assessments,
            "procurements": procurements,
            "flagged": flagged,
            "may_edit": can(request.user, organisation, "edit"),
            "entry": base,
        },
        order=40,
    )


def staff_panel(request: HttpRequest, organisation: Organisation) -> Section | None:
    """Dashboard: flagged register entries, assessments awaiting review, overdue conditions."""
    if not organisation.is_city:
        return None
    flags = selectors.flagged_entries(organisation)
    waiting = list(selectors.awaiting_review(organisation)[:10])
    overdue = list(selectors.overdue_conditions(organisation)[:10])
    reassess = list(selectors.reassessments_due(organisation)[:10])
    return Section(
        title=_("Impact assessments"),
        url=reverse("impact:list", kwargs={"org": organisation.slug}),
        template="impact/includes/panel.html",
        context={
            "flags": flags,
            "waiting": waiting,
            "overdue": overdue,
            "reassess": reassess,
        },
        order=30,
    )


def public_section(request: HttpRequest, organisation: Organisation) -> Section | None:
    """City home: a link to the published summaries, when there are any."""
    count = selectors.count_public_summaries(organisation)
    if not count:
        return None
    return Section(
        title=_("Impact assessments"),
        url=reverse("impact:public_list", kwargs={"org": organisation.slug}),
        lines=(
            _("%(n)d published summaries of human-rights and data-protection assessments.")
            % {"n": count},
        ),
        order=40,
    )


def _pk(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def linkable_assessments(organisation: Organisation) -> list[tuple[str, str]]:
    """Impact assessments another app may link to (participation: principles' actions)."""
    from .models import ImpactAssessment

    rows = ImpactAssessment.objects.filter(organisation=organisation).order_by("title")
    return [(str(pk), title) for pk, title in rows.values_list("pk", "title")]


def resolve_assessment(organisation: Organisation, pk: str) -> LinkedRecord | None:
    from .models import ImpactAssessment

    number = _pk(pk)
    assessment = (
        None
        if number is None
        else ImpactAssessment.objects.filter(organisation=organisation, pk=number).first()
    )
    if assessment is None:
        return None
    published = selectors.public_summaries(organisation).filter(assessment=assessment).exists()
    public = (
        reverse("impact:public_detail", kwargs={"org": organisation.slug, "pk": assessment.pk})
        if published
        else ""
    )
    return LinkedRecord(assessment.title, assessment.get_absolute_url(), public)
