"""The register's section of the annual report (transparency) and its alert for staff.

"In the register on a day" means what the public catalogue listed that day: an entry first
published on or before it and not withdrawn by then (a working copy of a published entry is
not a second entry). Counts "in the year" use the time stamps the workflow writes once
(``published_at`` for the first publication, ``retired_at`` for a withdrawal, ``created_at``
and ``handled_at`` for residents' questions).

The share of high-risk entries with an approved impact assessment comes from the impact app
through the registry (the facts named :data:`APPROVALS`), since this app never imports it.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core.models import Department, Organisation
from cityrights.core.registry import Registry, registry
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
from cityrights.core.translation import order_text

from .models import Entry, Kind, Question, QuestionStatus, Risk

#: Days after which a resident's open question raises an alert on the dashboard.
QUESTION_ALERT_DAYS = 30
#: The facts another app gives through the registry: for a register entry id, the days its
#: currently approved impact assessments were decided (the impact app answers).
APPROVALS = "register.entry.impact_approvals"


def listed_on(organisation: Organisation, day: date) -> QuerySet[Entry]:
    """The entries the public register listed on ``day`` (published by then, not withdrawn)."""
    after = end_of(day)
    return Entry.objects.filter(
        organisation=organisation,
        revision_of__isnull=True,
        published_at__lt=after,
    ).filter(Q(retired_at__isnull=True) | Q(retired_at__gte=after))


def _median_days(pairs: Sequence[tuple[datetime, datetime | None]]) -> float | None:
    days = [
        (handled - received).total_seconds() / 86400
        for received, handled in pairs
        if handled is not None
    ]
    return round(statistics.median(days), 1) if days else None


def transparency_section(organisation: Organisation, year: int) -> ReportSection | None:
    """Entries per department and kind, new and withdrawn, signs, residents' questions."""
    if not organisation.is_city:
        return None
    title = _("Transparency register")
    day = report_date(year)
    start, end = period(year)
    slug = organisation.slug
    catalogue = reverse("register:catalogue", kwargs={"org": slug})
    questions_url = reverse("register:staff_questions", kwargs={"org": slug})
    listed = listed_on(organisation, day)
    entries = listed.count()
    primary = Entry.objects.filter(organisation=organisation, revision_of__isnull=True)
    new = primary.filter(published_at__gte=start, published_at__lt=end).count()
    retired = primary.filter(retired_at__gte=start, retired_at__lt=end).count()
    asked = Question.objects.filter(
        organisation=organisation, created_at__gte=start, created_at__lt=end
    )
    received = asked.count()
    if not (entries or new or retired or received):
        return ReportSection.nothing(
            "transparency",
            title,
            _("The register listed no entry and received no question in %(year)s.")
            % {"year": year},
            url=catalogue,
        )
    on_day = _("on %(day)s") % {"day": day_words(day)}
    figures = [
        Figure(
            "entries",
            _("Entries in the register"),
            entries,
            "",
            _(
                "Algorithms, sensors, services, platforms and datasets that the public register "
                "listed %(on_day)s: first published by then and not withdrawn."
            )
            % {"on_day": on_day},
            catalogue,
        ),
        Figure(
            "new",
            _("New this year"),
            new,
            "",
            _("Entries published for the first time in %(year)s.") % {"year": year},
            catalogue,
        ),
        Figure(
            "retired",
            _("Withdrawn this year"),
            retired,
            "",
            _("Entries withdrawn from the register in %(year)s; they stay readable.")
            % {"year": year},
            catalogue,
        ),
    ]
    high = listed.filter(risk_level=Risk.HIGH)
    high_ids = list(high.values_list("pk", flat=True))
    figures.append(
        Figure(
            "high-risk",
            _("High-risk entries"),
            len(high_ids),
            "",
            _("Entries in the register %(on_day)s whose risk level is high.") % {"on_day": on_day},
            catalogue + "?risk=high",
        )
    )
    if registry.has_facts(APPROVALS):
        decided = registry.facts_for(APPROVALS, high_ids)
        approved = sum(1 for pk in high_ids if any(on <= day for on in decided.get(pk, ())))
        figures.append(
            Figure(
                "high-risk-assessed",
                _("High-risk entries with an approved impact assessment"),
                round(100 * approved / len(high_ids), 1) if high_ids else None,
                "%",
                _(
                    "Of the high-risk entries in the register %(on_day)s, the share whose "
                    "impact assessment a reviewer had approved by then (with or without "
                    "conditions; an assessment reopened for reassessment no longer counts)."
                )
                % {"on_day": on_day},
                catalogue + "?risk=high",
            )
        )
    places = listed.annotate(places=Count("locations")).values_list("places", flat=True).order_by()
    signs = sum(max(count, 1) for count in places)
    figures.append(
        Figure(
            "signs",
            _("Street signs"),
            signs,
            "",
            _(
                "Signs with a QR code that the register prints for the entries it lists "
                "%(on_day)s: one per place where a system is installed, one per entry without "
                "a place. The register does not record which signs were put up."
            )
            % {"on_day": on_day},
            reverse("register:staff_signs", kwargs={"org": slug}),
            True,
        )
    )
    answered_pairs = list(
        asked.filter(status=QuestionStatus.ANSWERED, handled_at__isnull=False).values_list(
            "created_at", "handled_at"
        )
    )
    closed = asked.filter(status=QuestionStatus.CLOSED).count()
    figures += [
        Figure(
            "questions",
            _("Questions from residents"),
            received,
            "",
            _("Questions and concerns residents sent about entries in %(year)s.") % {"year": year},
            questions_url,
            True,
        ),
        Figure(
            "answered",
            _("Answered"),
            len(answered_pairs),
            "",
            _("Questions of %(year)s that staff have answered.") % {"year": year},
            questions_url,
            True,
        ),
        Figure(
            "closed",
            _("Closed without an answer"),
            closed,
            "",
            _("Questions of %(year)s closed without an answer (no address, not a question).")
            % {"year": year},
            questions_url,
            True,
        ),
        Figure(
            "median-days",
            _("Median time to answer"),
            _median_days(answered_pairs),
            _("days"),
            _(
                "Half of the answered questions of %(year)s were answered within this many "
                "days of being received."
            )
            % {"year": year},
            questions_url,
            True,
        ),
    ]
    kinds = list(Kind)
    counts = {
        (row["department_id"], row["kind"]): row["n"]
        for row in listed.values("department_id", "kind").annotate(n=Count("id")).order_by()
    }
    departments = Department.objects.filter(
        pk__in={department for department, _kind in counts}
    ).order_by(order_text("name"), "id")
    rows = tuple(
        (
            department.name,
            *(counts.get((department.pk, kind.value), 0) for kind in kinds),
            sum(counts.get((department.pk, kind.value), 0) for kind in kinds),
        )
        for department in departments
    )
    per_kind = [sum(n for (_d, k), n in counts.items() if k == kind.value) for kind in kinds]
    tables = [
        Table(
            "departments",
            _("Entries per department and kind"),
            (_("Department"), *(str(kind.label) for kind in kinds), _("Total")),
            rows,
            _("Entries in the register %(on_day)s.") % {"on_day": on_day},
        ),
    ]
    charts = (
        [
            Chart(
                "kinds",
                "bars",
                _("Entries in the register by kind"),
                _("How many of each kind of system the register listed %(on_day)s.")
                % {"on_day": on_day},
                tuple(str(kind.label) for kind in kinds),
                ((_("Entries"), tuple(per_kind)),),
                label_heading=_("Kind"),
            )
        ]
        if entries
        else []
    )
    return ReportSection(
        key="transparency",
        title=title,
        introduction=_(
            "What the city's technology does, described in the public register, and what "
            "residents asked about it."
        ),
        figures=tuple(figures),
        tables=tuple(tables),
        charts=tuple(charts),
        url=catalogue,
    )


def alerts(organisation: Organisation) -> list[Alert]:
    """Residents' questions still open after :data:`QUESTION_ALERT_DAYS` days."""
    if not organisation.is_city:
        return []
    since = timezone.now() - timedelta(days=QUESTION_ALERT_DAYS)
    waiting = Question.objects.filter(
        organisation=organisation, status=QuestionStatus.OPEN, created_at__lt=since
    ).select_related("entry")
    count = waiting.count()
    if not count:
        return []
    return [
        Alert(
            "register.unanswered-questions",
            _("Residents' questions unanswered for more than %(days)d days")
            % {"days": QUESTION_ALERT_DAYS},
            count,
            reverse("register:staff_questions", kwargs={"org": organisation.slug}),
            _("Answer them, or close them with a note when there is nothing to answer."),
            tuple(
                (
                    str(question.entry),
                    reverse(
                        "register:staff_question",
                        kwargs={"org": organisation.slug, "pk": question.pk},
                    ),
                )
                for question in waiting.order_by("created_at", "id")[:5]
            ),
        )
    ]


def register(registry: Registry) -> None:
    """Contribute the transparency section and the unanswered-questions alert."""
    registry.add_report_section("transparency", transparency_section, 30)
    registry.add_alert_provider(alerts)
