"""Staff pages: the live dashboard, the reports with their versions, and a version's workflow
(take the figures again, write the texts, approve, return, publish, discard, correct).

Views parse input and call one service; the services check capabilities and the separation
of duties, so a page that shows a button never decides who may press it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core.errors import refuse
from cityrights.core.permissions import capabilities
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view
from cityrights.core.translation import current_language, language_name, translations

from .. import content, printing, selectors, services
from ..forms import CorrectionForm, GenerateForm, TextsForm
from ..models import AnnualReport
from .common import render_body

GET_POST = ["GET", "HEAD", "POST"]


def _org(request: OrgRequest) -> Any:
    return request.organisation


def _report(request: OrgRequest, pk: int) -> AnnualReport:
    found = selectors.staff_report(_org(request), pk)
    if found is None:
        raise Http404(_("There is no such report."))
    return found


@org_view("view")
@require_safe
def dashboard(request: StaffRequest) -> HttpResponse:
    found = selectors.dashboard(_org(request))
    return render(request, "reporting/staff/dashboard.html", {"dashboard": found})


@org_view("view")
@require_http_methods(GET_POST)
def reports(request: StaffRequest) -> HttpResponse:
    organisation = _org(request)
    form = GenerateForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = services.generate_draft(
                organisation=organisation, year=form.cleaned_data["year"], actor=request.user
            )
        except services.ReportError as error:
            status = refuse(request, error, form=form)
        else:
            messages.success(request, _("The draft is ready. Its figures were taken just now."))
            return redirect(report.get_staff_url())
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "reporting/staff/reports.html",
        {
            "form": form,
            "reports": selectors.staff_reports(organisation),
            "held": capabilities(request.user, organisation),
        },
        status=status,
    )


def _report_page(request: OrgRequest, found: AnnualReport, status: int = 200) -> HttpResponse:
    organisation = _org(request)
    document = services.document_of(found)
    wanted = request.GET.get("language", "") or current_language()
    view = content.read(document, wanted)
    return render(
        request,
        "reporting/staff/report.html",
        {
            "report": found,
            "view": view,
            "foreign": view.language != current_language(),
            "report_languages": [(code, language_name(code)) for code in view.languages],
            "missing": [] if found.is_published else services.missing_translations(found),
            "held": capabilities(request.user, organisation),
            "latest_published": selectors.published_version(organisation, found.year),
            "body": render_body(request, view, found, downloads=False, staff_view=True),
        },
        status=status,
    )


@org_view("view")
@require_safe
def report(request: StaffRequest, pk: int) -> HttpResponse:
    return _report_page(request, _report(request, pk))


DONE = {
    "refresh": gettext_lazy("The figures were taken again from the records."),
    "approve": gettext_lazy("The report is approved. It can now be published."),
    "return": gettext_lazy("The report is a draft again."),
    "publish": gettext_lazy("The report is published, signed and frozen."),
}


def _act(request: StaffRequest, pk: int, action: str) -> HttpResponse:
    """Run one workflow step; a refusal shows the version again with its reason and status."""
    found = _report(request, pk)
    steps = {
        "refresh": services.refresh_figures,
        "approve": services.approve,
        "return": services.return_to_draft,
        "publish": services.publish,
    }
    try:
        steps[action](report=found, actor=request.user)
    except services.ReportError as error:
        status = refuse(request, error)
        return _report_page(request, _report(request, pk), status)
    messages.success(request, str(DONE[action]))
    return redirect(found.get_staff_url())


@org_view("edit")
@require_POST
def refresh(request: StaffRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "refresh")


@org_view("review")
@require_POST
def approve(request: StaffRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "approve")


@org_view("view")
@require_POST
def return_to_draft(request: StaffRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "return")


@org_view("review")
@require_POST
def publish(request: StaffRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "publish")


@org_view("edit")
@require_POST
def discard(request: StaffRequest, pk: int) -> HttpResponse:
    found = _report(request, pk)
    try:
        services.discard_draft(report=found, actor=request.user)
    except services.ReportError as error:
        return _report_page(request, found, refuse(request, error))
    messages.success(request, _("The version was deleted."))
    return redirect("reporting:staff_reports", org=_org(request).slug)


@org_view("edit")
@require_http_methods(GET_POST)
def texts(request: StaffRequest, pk: int) -> HttpResponse:
    found = _report(request, pk)
    organisation = _org(request)
    sections = list(services.section_titles(found).items())
    initial: dict[str, str] = {}
    for code, text in translations(found, "foreword").items():
        initial[f"foreword_{code}"] = text
    for key, values in services.commentaries_of(found).items():
        for code, text in values.items():
            initial[f"commentary_{key}_{code}"] = text
    form = TextsForm(
        request.POST or None,
        initial=initial,
        languages=organisation.content_languages,
        sections=sections,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_texts(
                    report=found,
                    actor=request.user,
                    foreword=form.foreword(),
                    commentaries=form.commentaries(),
                )
            except services.ReportError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The texts are saved."))
                return redirect(found.get_staff_url())
        else:
            status = 422
    return render(
        request, "reporting/staff/texts.html", {"report": found, "form": form}, status=status
    )


@org_view("edit")
@require_http_methods(GET_POST)
def correct(request: StaffRequest, pk: int) -> HttpResponse:
    found = _report(request, pk)
    form = CorrectionForm(request.POST or None, languages=_org(request).content_languages)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                correction = services.start_correction(
                    report=found, actor=request.user, reason=form.reason()
                )
            except services.ReportError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(
                    request,
                    _(
                        "Version %(n)d is a draft: change what needs correcting, then have it "
                        "approved."
                    )
                    % {"n": correction.version},
                )
                return redirect(correction.get_staff_url())
        else:
            status = 422
    return render(
        request, "reporting/staff/correct.html", {"report": found, "form": form}, status=status
    )


@org_view("view")
@require_safe
def preview_pdf(request: StaffRequest, pk: int, language: str) -> HttpResponse:
    found = _report(request, pk)
    document = services.document_of(found)
    if language not in document.get("languages", []):
        raise Http404(_("This report has no text in that language."))
    data = printing.render_pdf(
        content.read(document, language), found.organisation, draft=not found.is_published
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{found.organisation.slug}-report-{found.year}-v{found.version}-'
        f'{language}-preview.pdf"'
    )
    return response
