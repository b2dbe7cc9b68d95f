"""The roadmap: actions made from recommendations, their KPIs and measured values."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cityrights.core.errors import refuse
from cityrights.core.permissions import can
from cityrights.core.tenancy import StaffRequest, org_view

from .. import selectors, services
from ..forms import ActionForm, MeasurementForm
from ..models import ActionStatus, AssessmentCycle, Horizon, RoadmapAction
from .workflow import language


def progress_chart(actions: list[RoadmapAction]) -> str:
    """Bar chart of each action's progress from baseline to target (0..100 %)."""
    from cityrights.core import charts

    progress = [(a, a.progress()) for a in actions]
    measured = [(a, p) for a, p in progress if p is not None]
    if not measured:
        return ""
    return charts.bar_chart(
        labels=[a.title for a, _p in measured],
        values=[round(p * 100, 1) for _a, p in measured],
        max_value=100,
        title=_("Progress from baseline to target"),
        description=_(
            "Bar chart of each measured action's progress towards its target, in percent. "
            "The same figures are in the table below."
        ),
        value_format="{:.0f} %",
        no_data_label=_("no data"),
    )


@org_view("view")
def roadmap(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    actions = list(
        RoadmapAction.objects.filter(organisation=organisation)
        .select_related("owner", "cycle")
        .prefetch_related("measurements")
    )
    status = request.GET.get("status", "")
    horizon = request.GET.get("horizon", "")
    shown = [
        a
        for a in actions
        if (not status or a.status == status) and (not horizon or a.horizon == horizon)
    ]
    counts = {key: sum(1 for a in actions if a.status == key) for key in ActionStatus.values}
    return render(
        request,
        "assessment/roadmap.html",
        {
            "actions": shown,
            "counts": [(label, counts[key]) for key, label in ActionStatus.choices],
            "chart": progress_chart(shown),
            "status": status,
            "horizon": horizon,
            "statuses": ActionStatus.choices,
            "horizons": Horizon.choices,
            "may_edit": can(request.user, organisation, "edit"),
            "total": len(actions),
        },
    )


@org_view("edit")
@require_http_methods(["GET", "HEAD", "POST"])
def action_new(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    lang = language()
    year = request.GET.get("cycle") or request.POST.get("cycle") or ""
    rec_key = request.GET.get("recommendation") or request.POST.get("recommendation") or ""
    cycle = None
    if year.isdigit():
        cycle = get_object_or_404(AssessmentCycle, organisation=organisation, year=int(year))
    initial: dict[str, Any] = {}
    recommendation = None
    if cycle is not None and rec_key:
        try:
            defaults = services.action_defaults(cycle, rec_key)
        except services.AssessmentError as error:
            refuse(request, error)
            return redirect("assessment:roadmap", org=organisation.slug)
        recommendation = defaults.pop("recommendation")
        defaults.pop("start_level", None)
        initial = defaults
    latest = None
    if cycle is None:
        latest = selectors.cycles_of(organisation).first()
        framework_version = latest.framework if latest else selectors.latest_framework_version()
    else:
        framework_version = cycle.framework
    framework = framework_version.framework if framework_version else None
    form = ActionForm(
        request.POST or None,
        initial=initial,
        organisation=organisation,
        framework=framework,
        language=lang,
    )
    if request.method == "POST" and form.is_valid():
        action = services.create_action(
            organisation,
            request.user,
            form.values(),
            cycle=cycle or latest,
            recommendation_key=rec_key,
        )
        messages.success(request, _("The action was added to the roadmap."))
        return redirect("assessment:action", org=organisation.slug, pk=action.pk)
    return render(
        request,
        "assessment/action_form.html",
        {
            "form": form,
            "recommendation": recommendation,
            "cycle": cycle,
            "rec_key": rec_key,
            "lang": lang,
        },
    )


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def action_detail(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    lang = language()
    action = get_object_or_404(
        RoadmapAction.objects.select_related("owner", "cycle__framework"),
        pk=pk,
        organisation=organisation,
    )
    may_edit = can(request.user, organisation, "edit")
    framework = action.cycle.framework.framework if action.cycle else None
    form = ActionForm(
        request.POST or None,
        instance=action,
        organisation=organisation,
        framework=framework,
        language=lang,
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Your role does not allow changing the roadmap."))
        if "delete" in request.POST:
            services.delete_action(action, request.user)
            messages.success(request, _("The action was removed from the roadmap."))
            return redirect("assessment:roadmap", org=organisation.slug)
        if form.is_valid():
            # The bound ModelForm already changed ``action`` in memory: diff a fresh copy.
            stored = RoadmapAction.objects.get(pk=action.pk)
            values = form.values()
            if framework is not None and values.get("kpi_key") != stored.kpi_key:
                values.update(services.kpi_snapshot(framework, values["kpi_key"] or ""))
            services.update_action(stored, request.user, values)
            messages.success(request, _("The action was saved."))
            return redirect("assessment:action", org=organisation.slug, pk=action.pk)
    measurements = list(action.measurements.all())
    chart = ""
    if measurements:
        chart = measurement_chart(action, measurements)
    return render(
        request,
        "assessment/action.html",
        {
            "action": action,
            "form": form,
            "measurement_form": MeasurementForm(),
            "measurements": measurements,
            "chart": chart,
            "may_edit": may_edit,
        },
    )


def measurement_chart(action: RoadmapAction, measurements: list) -> str:
    from cityrights.core import charts

    return charts.line_chart(
        labels=[date_format(m.date, "SHORT_DATE_FORMAT") for m in measurements],
        series=[
            charts.Series(action.kpi_name or _("Measured value"), [m.value for m in measurements])
        ],
        title=_("Measured values over time"),
        description=_(
            "Line chart of the indicator's measured values by date. "
            "The same figures are in the table below."
        ),
    )


@org_view("edit")
@require_POST
def action_measure(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    action = get_object_or_404(RoadmapAction, pk=pk, organisation=organisation)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        services.add_measurement(
            action,
            request.user,
            form.cleaned_data["date"],
            form.cleaned_data["value"],
            form.cleaned_data["note"],
        )
        messages.success(request, _("The measurement was recorded."))
        return redirect("assessment:action", org=organisation.slug, pk=action.pk)
    lang = language()
    framework = action.cycle.framework.framework if action.cycle else None
    measurements = list(action.measurements.all())
    return render(
        request,
        "assessment/action.html",
        {
            "action": action,
            "form": ActionForm(
                instance=action, organisation=organisation, framework=framework, language=lang
            ),
            "measurement_form": form,
            "measurements": measurements,
            "chart": measurement_chart(action, measurements) if measurements else "",
            "may_edit": True,
        },
        status=400,
    )
