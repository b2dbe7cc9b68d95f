"""Staff pages of the procurement checklist: which human-rights requirements a tender had."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cityrights.core.tenancy import StaffRequest, org_view
from cityrights.core.translation import language_name, translations

from .. import content, selectors, services
from ..forms import ProcurementForm
from ..models import Procurement
from .common import caps, language


@org_view("view")
def procurements(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    rows = []
    for procurement in selectors.procurements_of(organisation):
        total = len(content.requirements_of(procurement.checklist.checklist))
        included = sum(1 for item in procurement.answers.values() if item.get("included"))
        rows.append((procurement, included, len(procurement.answers), total))
    return render(
        request,
        "impact/procurements.html",
        {"rows": rows, "may_edit": "edit" in caps(request)},
    )


@org_view("edit")
@require_http_methods(["GET", "HEAD", "POST"])
def procurement_new(request: StaffRequest) -> HttpResponse:
    return _edit(request, None)


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def procurement(request: StaffRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        selectors.procurements_of(request.organisation),
        pk=pk,
    )
    if "edit" not in caps(request):
        if request.method == "POST":
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Your role does not allow changing procurements."))
        return render(
            request,
            "impact/procurement_view.html",
            {
                "procurement": found,
                "rows": requirement_rows(found, language()),
                "missing_languages": _missing(found),
            },
        )
    return _edit(request, found)


def _missing(procurement: Procurement | None) -> str:
    """The city's languages the tender's name or a reason lacks, named for the notice."""
    if procurement is None:
        return ""
    return ", ".join(language_name(code) for code in procurement.missing_languages())


def requirement_rows(procurement: Procurement, lang: str) -> list[dict[str, object]]:
    rows = []
    for requirement in content.requirements_of(procurement.checklist.checklist):
        given = procurement.answers.get(requirement.key, {})
        rows.append(
            {
                "requirement": requirement,
                "title": content.text(requirement.title, lang),
                "description": content.text(getattr(requirement, "description", None), lang),
                "included": given.get("included"),
                "reason": procurement.reason(requirement.key, lang),
            }
        )
    return rows


def _edit(request: StaffRequest, found: Procurement | None) -> HttpResponse:
    organisation = request.organisation
    try:
        checklist = found.checklist if found else services.latest_checklist()
    except services.ImpactError as error:
        messages.error(request, error.message)
        return redirect("impact:procurements", org=organisation.slug)
    initial: dict[str, Any] = {"public": True}
    if found is not None:
        initial = {
            **{f"tender_{code}": value for code, value in translations(found, "tender").items()},
            "reference": found.reference,
            "department": found.department_id,
            "entry": found.entry_id,
            "public": found.public,
        }
    form = ProcurementForm(
        request.POST or None,
        organisation=organisation,
        checklist=checklist.checklist,
        answers=found.answers if found else {},
        language=language(),
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.save_procurement(
                    organisation,
                    request.user,
                    procurement=found,
                    details=form.details(),
                    answers=form.answers(),
                )
            except services.ImpactError as error:
                first = organisation.content_languages[0]
                key = {"tender": f"tender_{first}"}.get(
                    error.field or "", f"{error.field}-reason-{first}"
                )
                form.add_error(key if key in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(request, _("The procurement checklist was saved."))
                return redirect(saved.get_absolute_url())
        else:
            status = 422
    lang = language()
    rows = [
        {
            "requirement": requirement,
            "title": content.text(requirement.title, lang),
            "description": content.text(getattr(requirement, "description", None), lang),
            "included": included,
            "reasons": reasons,
        }
        for requirement, included, reasons in form.requirement_rows()
    ]
    return render(
        request,
        "impact/procurement_edit.html",
        {
            "form": form,
            "procurement": found,
            "checklist": checklist,
            "rows": rows,
            "missing_languages": _missing(found),
        },
        status=status,
    )
