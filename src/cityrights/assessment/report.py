"""The assessment app's sections of the annual report: maturity, and the roadmap with its KPIs.

Maturity is read from the scores frozen on each *validated* cycle (``AssessmentCycle.scores``,
written once at validation), never rescored: a report shows what the city validated, and ten
years of trend cost one query. A year without a validated cycle says so.

The roadmap has no history of statuses, so "done", "on track" and "late" are the state of
each action on the day the figures are taken (:func:`cityrights.core.report.report_date`);
a measurement counts only if it was taken on or before that day.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
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
    report_date,
)
from cityrights.core.translation import current_language

from .framework import Framework
from .models import ActionStatus, AssessmentCycle, CycleStatus, RoadmapAction
from .units import unit_label


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _results_url(organisation: Organisation, cycle: AssessmentCycle) -> tuple[str, bool]:
    """The public results page of a published cycle, else the staff page (staff only)."""
    if cycle.published_at is not None:
        url = reverse(
            "assessment:public_results_year", kwargs={"org": organisation.slug, "year": cycle.year}
        )
        return url, False
    url = reverse("assessment:results", kwargs={"org": organisation.slug, "year": cycle.year})
    return url, True


def _level_name(framework: Framework, level: int | None, language: str) -> str:
    if not level:
        return "–"
    return framework.scale.level(int(level)).name.get_text(language)


def _cell_name(framework: Framework, key: str, language: str) -> str:
    area, _sep, pillar = key.partition("/")
    area_name = framework.area(area).name.get_text(language)
    return f"{area_name} – {framework.pillar(pillar).name.get_text(language)}"


def maturity_section(organisation: Organisation, year: int) -> ReportSection | None:
    """Overall, per area and pillar, the trend over the years, strongest and weakest cells."""
    if not organisation.is_city:
        return None
    title = _("Digital-rights maturity")
    cycles = list(
        AssessmentCycle.objects.filter(
            organisation=organisation, status=CycleStatus.VALIDATED, year__lte=year
        )
        .select_related("framework")
        .order_by("year")
    )
    cycle = next((c for c in cycles if c.year == year), None)
    cycles_url = reverse("assessment:cycles", kwargs={"org": organisation.slug})
    if cycle is None:
        return ReportSection.nothing(
            "maturity",
            title,
            _("No self-assessment of %(year)s has been validated.") % {"year": year},
            url=cycles_url,
            staff_only=True,
        )
    language = current_language()
    framework = cycle.framework.framework
    scores = cycle.scores or {}
    url, staff_only = _results_url(organisation, cycle)
    overall = scores.get("overall") or {}
    previous = cycles[-2] if len(cycles) > 1 else None
    before = ((previous.scores or {}).get("overall") or {}).get("score") if previous else None
    figures = [
        Figure(
            "overall-score",
            _("Overall maturity score"),
            _round(overall.get("score")),
            _("out of 100"),
            _(
                "The mean of the scores of every area and pillar of the self-assessment of "
                "%(year)s, as frozen when the city validated it. An answer at the lowest level "
                "counts 0, at the highest 100."
            )
            % {"year": year},
            url,
            staff_only,
        ),
        Figure(
            "overall-level",
            _("Overall maturity level"),
            overall.get("level"),
            _("of %(max)d levels") % {"max": framework.scale.max_level},
            _("The level of the framework's scale whose band holds the overall score."),
            url,
            staff_only,
        ),
    ]
    if previous is not None and before is not None and overall.get("score") is not None:
        figures.append(
            Figure(
                "change",
                _("Change since %(year)s") % {"year": previous.year},
                round(float(overall["score"]) - float(before), 1),
                _("points"),
                _(
                    "This year's overall score minus the overall score of the previous "
                    "validated self-assessment (%(year)s)."
                )
                % {"year": previous.year},
                url,
                staff_only,
            )
        )
    cells = {
        key: item.get("score")
        for key, item in (scores.get("cells") or {}).items()
        if item.get("score") is not None
    }
    if cells:
        strongest = max(sorted(cells), key=lambda key: cells[key])
        weakest = min(sorted(cells), key=lambda key: cells[key])
        for key, cell, label in (
            ("strongest", strongest, _("Strongest: %(cell)s")),
            ("weakest", weakest, _("Weakest: %(cell)s")),
        ):
            figures.append(
                Figure(
                    key,
                    label % {"cell": _cell_name(framework, cell, language)},
                    _round(cells[cell]),
                    _("out of 100"),
                    _(
                        "The area and pillar with the highest (or lowest) score; when two "
                        "score the same, the first in the framework's order of keys."
                    ),
                    url,
                    staff_only,
                )
            )

    def rows(kind: str, items: Any) -> tuple[tuple[Any, ...], ...]:
        found = scores.get(kind) or {}
        return tuple(
            (
                item.name.get_text(language),
                _round((found.get(item.key) or {}).get("score")),
                _level_name(framework, (found.get(item.key) or {}).get("level"), language),
            )
            for item in items
        )

    columns = (_("Area"), _("Score (out of 100)"), _("Level"))
    area_rows = rows("areas", framework.areas)
    tables = [
        Table("areas", _("Maturity per thematic area"), columns, area_rows),
        Table(
            "pillars",
            _("Maturity per pillar"),
            (_("Pillar"), columns[1], columns[2]),
            rows("pillars", framework.pillars),
        ),
        Table(
            "cells",
            _("Score of each area and pillar (out of 100)"),
            (_("Area"), *(p.name.get_text(language) for p in framework.pillars)),
            tuple(
                (
                    area.name.get_text(language),
                    *(
                        _round(
                            ((scores.get("cells") or {}).get(f"{area.key}/{p.key}") or {}).get(
                                "score"
                            )
                        )
                        for p in framework.pillars
                    ),
                )
                for area in framework.areas
            ),
            _("An empty cell had no answer that counted."),
        ),
    ]
    charts = [
        Chart(
            "areas",
            "bars",
            _("Maturity per thematic area in %(year)s") % {"year": year},
            _("Score out of 100 of each of the six thematic areas."),
            tuple(row[0] for row in area_rows),
            ((_("Score"), tuple(row[1] for row in area_rows)),),
            max_value=100,
            label_heading=_("Area"),
        )
    ]
    if len(cycles) > 1:
        charts.append(
            Chart(
                "trend",
                "lines",
                _("Overall maturity score over the years"),
                _("Overall score out of 100 of each validated self-assessment up to %(year)s.")
                % {"year": year},
                tuple(str(c.year) for c in cycles),
                (
                    (
                        _("Overall score"),
                        tuple(
                            _round(((c.scores or {}).get("overall") or {}).get("score"))
                            for c in cycles
                        ),
                    ),
                ),
                max_value=100,
                label_heading=_("Year"),
            )
        )
    return ReportSection(
        key="maturity",
        title=title,
        introduction=_(
            "How far the city has come in each thematic area of the Digital Rights Governance "
            "Guide, by its own validated self-assessment of %(year)s (%(framework)s)."
        )
        % {"year": year, "framework": framework.title.get_text(language)},
        figures=tuple(figures),
        tables=tuple(tables),
        charts=tuple(charts),
        url=url,
        staff_only=staff_only,
    )


def _action_state(action: RoadmapAction, day: Any) -> str:
    if action.status == ActionStatus.DONE:
        return "done"
    if action.status == ActionStatus.DROPPED:
        return "dropped"
    if action.due_date is not None and action.due_date < day:
        return "late"
    return "on-track"


def roadmap_section(organisation: Organisation, year: int) -> ReportSection | None:
    """Actions done, on track and late; KPI measurements against their targets."""
    if not organisation.is_city:
        return None
    title = _("Roadmap")
    day = report_date(year)
    url = reverse("assessment:roadmap", kwargs={"org": organisation.slug})
    actions = list(
        RoadmapAction.objects.filter(organisation=organisation, created_at__lt=end_of(day))
        .prefetch_related("measurements")
        .order_by("due_date", "id")
    )
    if not actions:
        return ReportSection.nothing(
            "roadmap",
            title,
            _("The roadmap held no action in %(year)s.") % {"year": year},
            url=url,
            staff_only=True,
        )
    states = [_action_state(action, day) for action in actions]
    note_state = _(
        "Roadmap actions made on or before %(day)s, with their status on the day these figures "
        "were taken."
    ) % {"day": day_words(day)}
    figures = [
        Figure("actions", _("Roadmap actions"), len(actions), "", note_state, url, True),
        Figure(
            "done",
            _("Done"),
            states.count("done"),
            "",
            _("Actions whose status is 'done'."),
            url,
            True,
        ),
        Figure(
            "on-track",
            _("On track"),
            states.count("on-track"),
            "",
            _("Planned or in progress, and either due after %(day)s or without a due date.")
            % {"day": day_words(day)},
            url,
            True,
        ),
        Figure(
            "late",
            _("Late"),
            states.count("late"),
            "",
            _("Planned or in progress, with a due date before %(day)s.") % {"day": day_words(day)},
            url,
            True,
        ),
        Figure(
            "dropped",
            _("Dropped"),
            states.count("dropped"),
            "",
            _("Actions the city decided not to carry out."),
            url,
            True,
        ),
    ]
    kpi_rows = []
    for action in actions:
        if not action.kpi_name or action.target is None:
            continue
        taken = [m for m in action.measurements.all() if m.date <= day]
        latest = max(taken, key=lambda m: (m.date, m.pk)) if taken else None
        progress = None
        if latest is not None and action.baseline is not None:
            span = action.target - action.baseline
            share = 1.0 if span == 0 else (latest.value - action.baseline) / span
            progress = round(100 * max(0.0, min(1.0, share)))
        kpi_rows.append(
            (
                action.kpi_name,
                unit_label(action.kpi_unit),
                action.baseline,
                action.target,
                latest.value if latest else None,
                latest.date.isoformat() if latest else None,
                progress,
            )
        )
    measured = sum(1 for row in kpi_rows if row[4] is not None)
    figures.append(
        Figure(
            "kpis-measured",
            _("Indicators measured"),
            measured,
            _("of %(n)d with a target") % {"n": len(kpi_rows)},
            _(
                "Indicators of roadmap actions that have a target and at least one measurement "
                "taken on or before %(day)s."
            )
            % {"day": day_words(day)},
            url,
            True,
        )
    )
    tables = [
        Table(
            "actions",
            _("Roadmap actions by status"),
            (_("Status"), _("Actions")),
            (
                (_("Done"), states.count("done")),
                (_("On track"), states.count("on-track")),
                (_("Late"), states.count("late")),
                (_("Dropped"), states.count("dropped")),
            ),
        )
    ]
    charts = []
    if kpi_rows:
        tables.append(
            Table(
                "kpis",
                _("Indicators against their targets"),
                (
                    _("Indicator"),
                    _("Unit"),
                    _("Baseline"),
                    _("Target"),
                    _("Latest value"),
                    _("Measured on"),
                    _("Progress (%)"),
                ),
                tuple(kpi_rows),
                _(
                    "Progress is the share of the way from the baseline to the target that the "
                    "latest measurement has covered, between 0 and 100."
                ),
            )
        )
        charts.append(
            Chart(
                "kpi-progress",
                "bars",
                _("Progress of each indicator towards its target"),
                _("Share of the way from baseline to target, in percent."),
                tuple(str(row[0]) for row in kpi_rows),
                ((_("Progress"), tuple(row[6] for row in kpi_rows)),),
                unit="%",
                max_value=100,
                label_heading=_("Indicator"),
            )
        )
    return ReportSection(
        key="roadmap",
        title=title,
        introduction=_(
            "The steps the city planned after its self-assessment, and how their indicators moved."
        ),
        figures=tuple(figures),
        tables=tuple(tables),
        charts=tuple(charts),
        url=url,
        staff_only=True,
    )


def alerts(organisation: Organisation) -> list[Alert]:
    """Roadmap actions past their due date and not done or dropped."""
    if not organisation.is_city:
        return []
    today = timezone.localdate()
    late = RoadmapAction.objects.filter(
        organisation=organisation,
        status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
        due_date__lt=today,
    ).order_by("due_date", "id")
    count = late.count()
    if not count:
        return []
    return [
        Alert(
            "assessment.late-actions",
            _("Roadmap actions past their due date"),
            count,
            reverse("assessment:roadmap", kwargs={"org": organisation.slug}),
            _("Record what was done, set a new due date with a reason, or drop the action."),
            tuple(
                (
                    action.title,
                    reverse(
                        "assessment:action", kwargs={"org": organisation.slug, "pk": action.pk}
                    ),
                )
                for action in late[:5]
            ),
        )
    ]


def register(registry: Registry) -> None:
    """Contribute the maturity and roadmap sections and the roadmap alert."""
    registry.add_report_section("maturity", maturity_section, 10)
    registry.add_report_section("roadmap", roadmap_section, 20)
    registry.add_alert_provider(alerts)
