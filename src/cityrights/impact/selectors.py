"""Reads of the impact app: repository search, dashboard figures, public summaries.

Every function takes the organisation it reads for, so no caller can forget tenancy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cityrights.core.prepared import PreparedQuery, prepared_cursor
from cityrights.core.translation import in_any_language, order_text
from cityrights.register.models import Entry
from cityrights.register.models import Risk as EntryRisk

from . import content
from .models import (
    BAND_ORDER,
    Band,
    Condition,
    Decision,
    ImpactAssessment,
    Procurement,
    PublicSummary,
    RiskItem,
    Status,
    TemplateKind,
    TemplateVersion,
)

if TYPE_CHECKING:
    from cityrights.core.models import Organisation

HIGH_BANDS = [Band.HIGH, Band.VERY_HIGH]


def register_entries(organisation: Organisation) -> QuerySet[Entry]:
    """The city's register entries an assessment or procurement may point at (no revisions)."""
    return Entry.objects.primary().filter(organisation=organisation).order_by(order_text("name"))


def entry_of(entry: Any) -> Any:
    """The entry itself when given the working copy (revision) of a published entry."""
    return entry.revision_of if getattr(entry, "revision_of_id", None) else entry


def assessments_of(organisation: Organisation) -> QuerySet[ImpactAssessment]:
    return ImpactAssessment.objects.filter(organisation=organisation).select_related(
        "author", "department", "template", "decided_by", "entry"
    )


def search(
    organisation: Organisation,
    *,
    q: str = "",
    status: str = "",
    decision: str = "",
    risk: str = "",
    department: Any = None,
    right: str = "",
) -> QuerySet[ImpactAssessment]:
    """The repository: free text over title, answers and risks, plus exact filters.

    ``risk`` filters on the highest inherent risk band *at least* as high as the one given,
    which is what someone looking for "high" risks expects (very high ones included).
    """
    found = assessments_of(organisation)
    if q:
        text = Q(title__icontains=q) | Q(decision_reasons__icontains=q)
        text |= in_any_language("name", q, prefix="entry__")
        text |= Q(pk__in=RiskItem.objects.filter(description__icontains=q).values("assessment"))
        found = found.filter(text)
    if status in Status.values:
        found = found.filter(status=status)
    if decision in Decision.values:
        found = found.filter(decision=decision)
    if risk in Band.values:
        floor = BAND_ORDER[Band(risk)]
        bands = [band for band, order in BAND_ORDER.items() if order >= floor]
        found = found.filter(highest_band__in=bands)
    if department is not None:
        found = found.filter(department=department)
    if right:
        found = found.filter(pk__in=RiskItem.objects.filter(right=right).values("assessment"))
    open_conditions = (
        Condition.objects.filter(assessment=OuterRef("pk"), closed_at__isnull=True)
        .order_by()
        .values("assessment")
        .annotate(n=Count("id"))
        .values("n")
    )
    return found.annotate(open_conditions=Coalesce(Subquery(open_conditions), 0))


def all_rights(language: str) -> list[tuple[str, str]]:
    """``(key, name)`` of every right named in any loaded assessment template."""
    seen: dict[str, str] = {}
    for version in TemplateVersion.objects.filter(kind=TemplateKind.ASSESSMENT):
        for right in content.rights_of(version.template):
            seen.setdefault(right.key, content.text(right.title, language))
    return sorted(seen.items(), key=lambda item: item[1])


def right_names(assessment: ImpactAssessment, language: str) -> dict[str, str]:
    return {
        right.key: content.text(right.title, language)
        for right in content.rights_of(assessment.template.template)
    }


def risks_of(assessment: ImpactAssessment) -> QuerySet[RiskItem]:
    return assessment.risks.prefetch_related("mitigations")


def awaiting_review(organisation: Organisation) -> QuerySet[ImpactAssessment]:
    return (
        assessments_of(organisation)
        .filter(status__in=[Status.SUBMITTED, Status.UNDER_REVIEW])
        .order_by("submitted_at", "id")
    )


def overdue_conditions(organisation: Organisation) -> QuerySet[Condition]:
    return (
        Condition.objects.filter(
            assessment__organisation=organisation,
            closed_at__isnull=True,
            due__lt=timezone.localdate(),
        )
        .select_related("assessment__organisation")
        .order_by("due", "id")
    )


def reassessments_due(organisation: Organisation) -> QuerySet[ImpactAssessment]:
    return assessments_of(organisation).filter(
        status=Status.DECIDED, reassessment_due__lte=timezone.localdate()
    )


@dataclass(frozen=True)
class Flag:
    """A published register entry with high risk and no approved assessment."""

    entry: Any
    assessment: ImpactAssessment | None


def flagged_entries(organisation: Organisation) -> list[Flag]:
    """Published high-risk register entries that lack an approved impact assessment.

    "Approved" means decided with *approve* or *approve with conditions*. An entry whose
    only assessment is a draft, under review, on hold or rejected is flagged, with that
    assessment, so staff see what is missing.
    """
    approved = ImpactAssessment.objects.filter(
        organisation=organisation,
        status=Status.DECIDED,
        decision__in=[Decision.APPROVE, Decision.APPROVE_WITH_CONDITIONS],
        entry__isnull=False,
    ).values("entry_id")
    entries = (
        Entry.objects.listed()
        .filter(organisation=organisation, risk_level=EntryRisk.HIGH)
        .exclude(pk__in=approved)
        .order_by(order_text("name"))
    )
    latest = {
        a.entry_id: a
        for a in ImpactAssessment.objects.filter(
            organisation=organisation, entry__in=entries
        ).order_by("updated_at")
    }
    return [Flag(entry=entry, assessment=latest.get(entry.pk)) for entry in entries]


def public_summaries(organisation: Organisation) -> QuerySet[PublicSummary]:
    return (
        PublicSummary.objects.filter(
            assessment__organisation=organisation,
            published=True,
            approved_at__isnull=False,
        )
        .select_related("assessment", "assessment__department", "assessment__entry")
        .order_by("-published_at", "-id")
    )


# The city home counts them on every visit: the SQL is written once (core.prepared).
_PUBLIC_SUMMARIES = PreparedQuery(
    lambda organisation_id: PublicSummary.objects.filter(
        assessment__organisation_id=organisation_id, published=True, approved_at__isnull=False
    ),
    organisation_id=int,
)


def count_public_summaries(organisation: Organisation) -> int:
    """``public_summaries(organisation).count()``."""
    return _PUBLIC_SUMMARIES.count(organisation_id=organisation.pk)


def for_entry(entry: Any) -> QuerySet[ImpactAssessment]:
    """Assessments of one register entry, newest first."""
    entry = entry_of(entry)
    return (
        ImpactAssessment.objects.filter(entry=entry, organisation_id=entry.organisation_id)
        .select_related("public_summary")
        .prefetch_related(Prefetch("conditions"))
        .order_by("-updated_at")
    )


@cache
def _on_entry_sql(vendor: str) -> str:
    quote = connection.ops.quote_name

    def exists(model: Any, extra: str = "") -> str:
        meta = model._meta
        entry_column = quote(str(meta.get_field("entry").column))
        organisation_column = quote(str(meta.get_field("organisation").column))
        # Names from the models' metadata only; every value is a parameter.
        return (
            f"EXISTS (SELECT 1 FROM {quote(meta.db_table)} WHERE {entry_column} = %s"  # noqa: S608
            f" AND {organisation_column} = %s{extra})"
        )

    public = quote(str(Procurement._meta.get_field("public").column))
    return f"SELECT {exists(ImpactAssessment)}, {exists(Procurement, f' AND {public} = %s')}"


def on_entry(entry: Any) -> tuple[bool, bool]:
    """Whether the entry has any assessment (``for_entry``) and any public procurement
    (``procurements_for_entry(public_only=True)``), in one small query: the public entry
    page reads no more for the many entries that have neither."""
    entry = entry_of(entry)
    organisation_id = entry.organisation_id
    with prepared_cursor(connection) as cursor:
        cursor.execute(
            _on_entry_sql(connection.vendor),
            [entry.pk, organisation_id, entry.pk, organisation_id, True],
        )
        assessments, procurements = cursor.fetchone()
    return bool(assessments), bool(procurements)


def procurements_of(organisation: Organisation) -> QuerySet[Procurement]:
    return Procurement.objects.filter(organisation=organisation).select_related(
        "checklist", "department", "entry"
    )


def procurements_for_entry(entry: Any, *, public_only: bool) -> QuerySet[Procurement]:
    entry = entry_of(entry)
    found = Procurement.objects.filter(entry=entry, organisation_id=entry.organisation_id)
    if public_only:
        found = found.filter(public=True)
    return found.select_related("checklist")
