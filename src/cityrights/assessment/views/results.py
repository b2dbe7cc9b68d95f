"""Results (staff and public), exports, import, the coalition benchmark and the scale page."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core.errors import refuse
from cityrights.core.input import upload_limit
from cityrights.core.models import Organisation
from cityrights.core.permissions import can
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view

from .. import exports, published, selectors, services
from ..forms import IMPORT_MAX_BYTES, ImportForm, SharingForm
from ..models import AssessmentCycle, CoalitionSharing, RoadmapAction
from ..published import results_for
from ..results import build_results
from .workflow import get_cycle, language


@org_view("view")
@require_safe
def results(request: StaffRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request, year)
    view, previous, bench = results_for(cycle, language())
    actions = {
        a.recommendation
        for a in RoadmapAction.objects.filter(organisation=cycle.organisation).only(
            "recommendation"
        )
    }
    return render(
        request,
        "assessment/results.html",
        {
            "cycle": cycle,
            "view": view,
            "previous": previous,
            "bench": bench,
            "public": False,
            "in_roadmap": actions,
            "may_edit": can(request.user, cycle.organisation, "edit"),
        },
    )


def _download(content: str | bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_view("view")
@require_safe
def export_answers_csv(request: StaffRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request, year)
    name = f"{cycle.organisation.slug}-assessment-{year}-answers.csv"
    return _download(exports.export_answers_csv(cycle), name, "text/csv; charset=utf-8")


@org_view("view")
@require_safe
def export_scores_csv(request: StaffRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request, year)
    name = f"{cycle.organisation.slug}-assessment-{year}-scores.csv"
    return _download(exports.export_scores_csv(cycle), name, "text/csv; charset=utf-8")


@org_view("view")
@require_safe
def export_json(request: StaffRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request, year)
    body = json.dumps(exports.export_json(cycle), ensure_ascii=False, indent=2)
    name = f"{cycle.organisation.slug}-assessment-{year}.json"
    return _download(body, name, "application/json")


def report_html(request: HttpRequest | None, cycle: AssessmentCycle, lang: str) -> str:
    view, previous, bench = results_for(cycle, lang)
    actions = (
        RoadmapAction.objects.filter(organisation=cycle.organisation)
        .select_related("owner")
        .prefetch_related("measurements")
    )
    return render_to_string(
        "assessment/report_pdf.html",
        {
            "cycle": cycle,
            "organisation": cycle.organisation,
            "view": view,
            "previous": previous,
            "bench": bench,
            "actions": actions,
        },
        request=request,
    )


@org_view("view")
@require_safe
def report_pdf(request: StaffRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request, year)
    pdf = exports.render_pdf(
        report_html(request, cycle, language()), request.build_absolute_uri("/")
    )
    name = f"{cycle.organisation.slug}-assessment-{year}.pdf"
    return _download(pdf, name, "application/pdf")


@upload_limit(IMPORT_MAX_BYTES)
@org_view("manage")
@require_http_methods(["GET", "HEAD", "POST"])
def import_view(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = exports.import_json(
                organisation,
                form.cleaned_data["data"],
                request.user,
            )
        except services.AssessmentError as error:
            refuse(request, error, form=form, field="file")
        else:
            messages.success(
                request, _("The %(year)s assessment was imported.") % {"year": cycle.year}
            )
            return redirect("assessment:cycle", org=organisation.slug, year=cycle.year)
    return render(request, "assessment/import.html", {"form": form})


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def coalition(request: StaffRequest) -> HttpResponse:
    """For a city: opt-in sharing and its cells against the coalition; for a coalition: members."""
    organisation = request.organisation
    lang = language()
    if not organisation.is_city:
        if request.method == "POST":
            raise PermissionDenied(_("Only a city can share its assessment."))
        rows = selectors.coalition_members_view(organisation)
        bench = selectors.coalition_benchmark(organisation)
        framework_version = selectors.latest_framework_version()
        framework = framework_version.framework if framework_version else None
        return render(
            request,
            "assessment/coalition_members.html",
            {
                "rows": rows,
                "bench": bench,
                "framework": framework,
                "area_names": (
                    [(a.key, a.name.get_text(lang)) for a in framework.areas] if framework else []
                ),
            },
        )
    may_manage = can(request.user, organisation, "manage")
    form = SharingForm(request.POST or None, city=organisation) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only an administrator can change sharing."))
        if form.is_valid():
            try:
                services.share_with(
                    organisation,
                    form.cleaned_data["coalition"],
                    request.user,
                )
            except services.AssessmentError as error:
                refuse(request, error, form=form, field="coalition")
            else:
                messages.success(request, _("Your validated scores are now shared."))
                return redirect("assessment:coalition", org=organisation.slug)
    sharings = CoalitionSharing.objects.filter(city=organisation).select_related("coalition")
    latest = selectors.latest_validated_scores([organisation.pk]).get(organisation.pk)
    benchmarks = []
    for sharing in sharings:
        bench = selectors.coalition_benchmark(sharing.coalition)
        view = None
        if latest is not None:
            cycle = get_cycle(request, latest.year)
            view = build_results(
                cycle.framework.framework,
                selectors.result_of(cycle),
                lang,
                benchmark=bench.stats if bench.shown else None,
                area_benchmark=bench.areas if bench.shown else None,
                benchmark_cities=bench.cities,
                with_charts=False,
            )
        benchmarks.append((sharing, bench, view))
    return render(
        request,
        "assessment/coalition.html",
        {
            "form": form,
            "sharings": sharings,
            "benchmarks": benchmarks,
            "latest": latest,
            "may_manage": may_manage,
            "min_cities": selectors.MIN_BENCHMARK_CITIES,
        },
    )


@org_view("manage")
@require_POST
def sharing_stop(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    sharing = get_object_or_404(CoalitionSharing, pk=pk, city=organisation)
    services.stop_sharing(sharing, request.user)
    messages.success(
        request,
        _("Your scores are no longer shared with %(name)s.") % {"name": sharing.coalition.name},
    )
    return redirect("assessment:coalition", org=organisation.slug)


# --------------------------------------------------------------------------------------
# Public pages
# --------------------------------------------------------------------------------------


def _published(organisation: Organisation, year: int | None) -> AssessmentCycle:
    cycles = selectors.cycles_of(organisation).filter(
        status="validated", published_at__isnull=False
    )
    cycle = cycles.filter(year=year).first() if year else cycles.order_by("-year").first()
    if cycle is None:
        raise Http404(_("This city has not published an assessment for this year."))
    return cycle


@org_view()
@require_safe
def public_results(request: OrgRequest, year: int | None = None) -> HttpResponse:
    """A published cycle's results as stored at publication (see ``published.py``)."""
    organisation = request.organisation
    cycle = _published(organisation, year)
    published_years = list(
        selectors.cycles_of(organisation)
        .filter(status="validated", published_at__isnull=False)
        .values_list("year", flat=True)
    )
    return render(
        request,
        "assessment/public/results.html",
        {
            "cycle": cycle,
            "body": published.public_body(cycle, language()),
            "published_years": published_years,
        },
    )


@org_view()
@require_safe
def public_scores_csv(request: OrgRequest, year: int) -> HttpResponse:
    """The scores of a cycle the city published, as on its results page (open data)."""
    cycle = _published(request.organisation, year)
    name = f"{cycle.organisation.slug}-assessment-{year}-scores.csv"
    return _download(exports.export_scores_csv(cycle), name, "text/csv; charset=utf-8")


@org_view()
@require_safe
def public_scale(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    cycle = selectors.latest_published(organisation)
    version = cycle.framework if cycle else selectors.latest_framework_version()
    if version is None:
        raise Http404(_("No framework is loaded yet."))
    lang = language()
    framework = version.framework
    bands = {band.level: band for band in framework.scale.bands}
    levels = [
        (level, bands.get(level.number), framework.scale.score_for_level(level.number))
        for level in framework.scale.levels
    ]
    return render(
        request,
        "assessment/public/scale.html",
        {
            "framework": framework,
            "version": version,
            "levels": levels,
            "lang": lang,
            "areas": framework.areas,
            "pillars": framework.pillars,
            "cycle": cycle,
        },
    )
