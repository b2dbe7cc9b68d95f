"""The impact app's section of the annual report, its dashboard alerts, and the approvals it
tells the register about.

Decisions are counted from :class:`~cityrights.impact.models.DecisionRecord`, the history of
every decision taken (an assessment put on hold and approved later counts once in each
outcome). Conditions are "open on a day" when they were set by then and not closed by then.

The register's report section needs to know which of its entries have an approved
assessment; it asks the registry for :data:`~cityrights.register.report.APPROVALS` and
this module answers, so the
register never imports this app. "Approved" is what the impact app means everywhere
(:func:`~cityrights.impact.selectors.flagged_entries`): the assessment is decided now with
*approve* or *approve with conditions*; an assessment reopened for reassessment no longer
counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cityrights.core.models import Organisation
from cityrights.core.registry import Registry
from cityrights.core.report import (
    Alert,
    Chart,
    Figure,
    ReportSection,
    Table,
    day_words,
    end_of,
    period,
    report_date,
)
from cityrights.register.report import APPROVALS

from . import selectors
from .models import (
    Condition,
    Decision,
    DecisionRecord,
    ImpactAssessment,
    PublicSummary,
    Screening,
    Status,
)

OUTCOMES = (
    Decision.APPROVE,
    Decision.APPROVE_WITH_CONDITIONS,
    Decision.ON_HOLD,
    Decision.REJECT,
)


def approvals(entry_ids: Sequence[int]) -> dict[int, list[date]]:
    """For each register entry id: the days its currently approved assessments were decided."""
    found: dict[int, list[date]] = {}
    rows = ImpactAssessment.objects.filter(
        entry_id__in=list(entry_ids),
        status=Status.DECIDED,
        decision__in=[Decision.APPROVE, Decision.APPROVE_WITH_CONDITIONS],
        decided_at__isnull=False,
    ).values_list("entry_id", "decided_at")
    for entry_id, decided_at in rows:
        if decided_at is not None:  # filtered above; the type cannot know
            found.setdefault(entry_id, []).append(decided_at.date())
    return found


def impact_section(organisation: Organisation, year: int) -> ReportSection | None:
    """Screened, assessed, decided by outcome (on hold included), conditions open and overdue."""
    if not organisation.is_city:
        return None
    title = _("Impact assessments")
    day = report_date(year)
    start, end = period(year)
    after = end_of(day)
    url = reverse("impact:list", kwargs={"org": organisation.slug})
    screenings = Screening.objects.filter(
        organisation=organisation, screened_at__gte=start, screened_at__lt=end
    )
    screened = screenings.count()
    needed = screenings.filter(needed=True).count()
    started = ImpactAssessment.objects.filter(
        organisation=organisation, created_at__gte=start, created_at__lt=end
    ).count()
    decisions = DecisionRecord.objects.filter(
        assessment__organisation=organisation, decided_at__gte=start, decided_at__lt=end
    )
    by_outcome = dict(
        decisions.values_list("decision").annotate(n=Count("id")).values_list("decision", "n")
    )
    decided = decisions.values("assessment_id").distinct().count()
    conditions = Condition.objects.filter(
        assessment__organisation=organisation, created_at__lt=after
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=after))
    open_count = conditions.count()
    overdue = conditions.filter(due__lt=day).count()
    summaries = PublicSummary.objects.filter(
        assessment__organisation=organisation,
        published=True,
        approved_at__isnull=False,
        published_at__gte=start,
        published_at__lt=end,
    ).count()
    if not (screened or started or decided or open_count or summaries):
        return ReportSection.nothing(
            "impact",
            title,
            _("No impact screening, assessment or decision was recorded in %(year)s.")
            % {"year": year},
            url=url,
            staff_only=True,
        )
    on_day = _("on %(day)s") % {"day": day_words(day)}
    figures = (
        Figure(
            "screened",
            _("Projects screened"),
            screened,
            "",
            _("Screenings of a project done in %(year)s to see whether it needs a full assessment.")
            % {"year": year},
            url,
            True,
        ),
        Figure(
            "needed",
            _("Screenings that called for a full assessment"),
            needed,
            "",
            _(
                "Screenings of %(year)s whose answers called for a data-protection or "
                "human-rights assessment."
            )
            % {"year": year},
            url,
            True,
        ),
        Figure(
            "started",
            _("Full assessments started"),
            started,
            "",
            _("Impact assessments opened in %(year)s.") % {"year": year},
            url,
            True,
        ),
        Figure(
            "decided",
            _("Assessments decided"),
            decided,
            "",
            _("Assessments on which a reviewer took at least one decision in %(year)s.")
            % {"year": year},
            url,
            True,
        ),
        Figure(
            "on-hold",
            _("Put on hold"),
            by_outcome.get(Decision.ON_HOLD.value, 0),
            "",
            _("Decisions of %(year)s that put a project on hold until its conditions are met.")
            % {"year": year},
            url,
            True,
        ),
        Figure(
            "conditions-open",
            _("Conditions open"),
            open_count,
            "",
            _("Conditions set by reviewers that were not yet met %(on_day)s.") % {"on_day": on_day},
            url,
            True,
        ),
        Figure(
            "conditions-overdue",
            _("Conditions overdue"),
            overdue,
            "",
            _("Open conditions whose due date had passed %(on_day)s.") % {"on_day": on_day},
            url,
            True,
        ),
        Figure(
            "summaries",
            _("Public summaries published"),
            summaries,
            "",
            _("Approved plain-language summaries of assessments published in %(year)s.")
            % {"year": year},
            reverse("impact:public_list", kwargs={"org": organisation.slug}),
        ),
    )
    labels = tuple(str(Decision(value).label) for value in OUTCOMES)
    values = tuple(by_outcome.get(value.value, 0) for value in OUTCOMES)
    return ReportSection(
        key="impact",
        title=title,
        introduction=_(
            "Human-rights and data-protection impact assessments of the city's projects "
            "before they go ahead, and the conditions reviewers set."
        ),
        figures=figures,
        tables=(
            Table(
                "outcomes",
                _("Decisions by outcome"),
                (_("Outcome"), _("Decisions")),
                tuple(zip(labels, values, strict=True)),
                _(
                    "Every decision taken in %(year)s; a project put on hold and approved later "
                    "counts in both rows."
                )
                % {"year": year},
            ),
        ),
        charts=(
            (
                Chart(
                    "outcomes",
                    "bars",
                    _("Decisions by outcome in %(year)s") % {"year": year},
                    _(
                        "How many decisions approved, approved with conditions, put on hold or "
                        "rejected a project."
                    ),
                    labels,
                    ((_("Decisions"), values),),
                    label_heading=_("Outcome"),
                ),
            )
            if any(values)
            else ()
        ),
        url=url,
        staff_only=True,
    )


def alerts(organisation: Organisation) -> list[Alert]:
    """High-risk register entries without an approved assessment; overdue conditions."""
    if not organisation.is_city:
        return []
    found = []
    flags = selectors.flagged_entries(organisation)
    if flags:
        found.append(
            Alert(
                "impact.unassessed-high-risk",
                _("High-risk register entries without an approved impact assessment"),
                len(flags),
                reverse("impact:screening", kwargs={"org": organisation.slug}),
                _(
                    "Screen the project and complete its assessment, or lower the risk level "
                    "if it was set too high."
                ),
                tuple((str(flag.entry), flag.entry.get_staff_url()) for flag in flags[:5]),
            )
        )
    overdue = selectors.overdue_conditions(organisation)
    count = overdue.count()
    if count:
        found.append(
            Alert(
                "impact.overdue-conditions",
                _("Impact assessment conditions past their due date"),
                count,
                reverse("impact:list", kwargs={"org": organisation.slug}),
                _("Record how each condition was met, or put the project on hold."),
                tuple(
                    (
                        str(condition.assessment),
                        reverse(
                            "impact:conditions",
                            kwargs={"org": organisation.slug, "pk": condition.assessment_id},
                        ),
                    )
                    for condition in overdue[:5]
                ),
            )
        )
    return found


def register(registry: Registry) -> None:
    """Contribute the impact section, its alerts, and the approvals facts for the register."""
    registry.add_report_section("impact", impact_section, 40)
    registry.add_alert_provider(alerts)
    registry.add_facts_provider(APPROVALS, approvals)
