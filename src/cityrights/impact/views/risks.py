"""Staff pages of an assessment's risks: the risk register, one risk, its mitigations.

Each form posts to its own endpoint (change, delete, mitigate); ``org_view`` checks the
capability and :mod:`..services` the rules (a draft, the right role).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cityrights.core.feedback import redirect_to_place
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view

from .. import charts_data, content, selectors, services
from ..forms import MitigationForm, MitigationStatusForm, RiskForm
from ..models import Mitigation, RiskItem
from .common import attach, caps, get_assessment, language


def bands(assessment: Any, item: RiskItem) -> dict[str, str]:
    """The risk's band before mitigation, and after it once rated ("" until then)."""
    residual = ""
    likelihood, severity = item.residual_likelihood, item.residual_severity
    if likelihood is not None and severity is not None:
        residual = services.band_of(assessment, likelihood, severity)
    return {
        "band": services.band_of(assessment, item.likelihood, item.severity),
        "residual_band": residual,
    }


def risk_context(request: OrgRequest, assessment: Any) -> dict[str, Any]:
    lang = language()
    risks = list(selectors.risks_of(assessment))
    names = selectors.right_names(assessment, lang)
    return {
        "assessment": assessment,
        "risks": [
            {"item": r, "right": names.get(r.right, r.right), **bands(assessment, r)} for r in risks
        ],
        "inherent": charts_data.matrix(assessment, risks, residual=False, language=lang),
        "residual": charts_data.matrix(assessment, risks, residual=True, language=lang),
        "scale": charts_data.scale_rows(assessment.template.template, lang),
        **level_names(assessment, lang),
        "may_edit": "edit" in caps(request) and assessment.is_draft,
    }


def level_names(assessment: Any, lang: str) -> dict[str, list[str]]:
    """The template's names of the likelihood and severity levels, for the ``level`` filter."""
    template = assessment.template.template
    return {
        "likelihood_names": content.likelihood_labels(template, lang),
        "severity_names": content.severity_labels(template, lang),
    }


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def risks(request: StaffRequest, pk: int) -> HttpResponse:
    assessment = get_assessment(request, pk)
    context = risk_context(request, assessment)
    form = None
    status = 200
    if context["may_edit"]:
        form = RiskForm(
            request.POST or None, template=assessment.template.template, language=language()
        )
    if request.method == "POST":
        if "edit" not in caps(request):
            raise PermissionDenied(_("Your role does not allow adding risks."))
        if form is None:
            messages.error(request, _("Only a draft can be changed."))
            status = 409
        elif form.is_valid():
            try:
                services.add_risk(assessment, request.user, form.cleaned_data)
            except services.ImpactError as error:
                attach(form, error)
                status = error.status
            else:
                messages.success(request, _("The risk was added."))
                return redirect("impact:risks", org=assessment.organisation.slug, pk=pk)
        else:
            status = 422
    context["form"] = form
    return render(request, "impact/risks.html", context, status=status)


def _risk_form(assessment: Any, item: RiskItem, data: Any = None) -> RiskForm:
    initial = {
        "right": item.right,
        "description": item.description,
        "likelihood": item.likelihood,
        "severity": item.severity,
        "residual_likelihood": item.residual_likelihood,
        "residual_severity": item.residual_severity,
    }
    return RiskForm(
        data, template=assessment.template.template, language=language(), initial=initial
    )


def _risk_page(
    request: OrgRequest,
    assessment: Any,
    item: RiskItem,
    *,
    form: RiskForm | None = None,
    mitigation_form: MitigationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    held = caps(request)
    lang = language()
    mitigations = [
        (m, MitigationStatusForm(prefix=f"m{m.pk}", initial={"status": m.status}))
        for m in item.mitigations.all()
    ]
    names = selectors.right_names(assessment, lang)
    return render(
        request,
        "impact/risk.html",
        {
            "assessment": assessment,
            "item": item,
            "right": names.get(item.right, item.right),
            **bands(assessment, item),
            "form": form or _risk_form(assessment, item),
            "mitigation_form": mitigation_form or MitigationForm(prefix="new"),
            "mitigations": mitigations,
            **level_names(assessment, lang),
            "may_edit": "edit" in held and assessment.is_draft,
            "may_track": "edit" in held,
        },
        status=status,
    )


def _changeable_risk(request: OrgRequest, pk: int, risk_pk: int) -> tuple[Any, RiskItem]:
    """The assessment and its risk, for a person whose role may change risks."""
    assessment = get_assessment(request, pk)
    item = get_object_or_404(RiskItem, pk=risk_pk, assessment=assessment)
    if request.method == "POST" and "edit" not in caps(request):
        raise PermissionDenied(_("Your role does not allow changing risks."))
    return assessment, item


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def risk(request: StaffRequest, pk: int, risk_pk: int) -> HttpResponse:
    """One risk with its mitigations; a POST saves the risk's description and ratings."""
    assessment, item = _changeable_risk(request, pk, risk_pk)
    if request.method != "POST":
        return _risk_page(request, assessment, item)
    form = _risk_form(assessment, item, request.POST)
    if not form.is_valid():
        return _risk_page(request, assessment, item, form=form, status=422)
    try:
        services.update_risk(item, request.user, form.cleaned_data)
    except services.ImpactError as error:
        attach(form, error)
        return _risk_page(request, assessment, item, form=form, status=error.status)
    messages.success(request, _("The risk was saved."))
    return redirect(request.path)


@org_view("view")
@require_POST
def risk_delete(request: StaffRequest, pk: int, risk_pk: int) -> HttpResponse:
    assessment, item = _changeable_risk(request, pk, risk_pk)
    try:
        services.delete_risk(item, request.user)
    except services.ImpactError as error:
        messages.error(request, error.message)
        return _risk_page(request, assessment, item, status=error.status)
    messages.success(request, _("The risk was deleted."))
    return redirect("impact:risks", org=assessment.organisation.slug, pk=pk)


@org_view("view")
@require_POST
def risk_mitigate(request: StaffRequest, pk: int, risk_pk: int) -> HttpResponse:
    """Add a mitigation (an action, its owner and due date) to a risk."""
    assessment, item = _changeable_risk(request, pk, risk_pk)
    form = MitigationForm(request.POST, prefix="new")
    if not form.is_valid():
        return _risk_page(request, assessment, item, mitigation_form=form, status=422)
    try:
        services.add_mitigation(
            item,
            request.user,
            action=form.cleaned_data["action"],
            owner=form.cleaned_data["owner"],
            due=form.cleaned_data["due"],
            status=form.cleaned_data["status"],
        )
    except services.ImpactError as error:
        attach(form, error)
        return _risk_page(request, assessment, item, mitigation_form=form, status=error.status)
    page = reverse(
        "impact:risk", kwargs={"org": assessment.organisation.slug, "pk": pk, "risk_pk": item.pk}
    )
    return redirect_to_place(request, page, "mitigations", _("The mitigation was added."))


@org_view("edit")
@require_POST
def mitigation(request: StaffRequest, pk: int, mitigation_pk: int) -> HttpResponse:
    assessment = get_assessment(request, pk)
    item = get_object_or_404(
        Mitigation.objects.select_related("risk"), pk=mitigation_pk, risk__assessment=assessment
    )
    back = reverse(
        "impact:risk",
        kwargs={"org": assessment.organisation.slug, "pk": pk, "risk_pk": item.risk_id},
    )
    text, level = _("The status was updated."), messages.SUCCESS
    try:
        if request.POST.get("action") == "delete":
            services.delete_mitigation(item, request.user)
            text = _("The mitigation was deleted.")
        else:
            form = MitigationStatusForm(request.POST, prefix=f"m{item.pk}")
            if form.is_valid():
                services.set_mitigation_status(item, request.user, form.cleaned_data["status"])
            else:
                text, level = _("Choose a valid status."), messages.ERROR
    except services.ImpactError as error:
        text, level = error.message, messages.ERROR
    return redirect_to_place(request, back, "mitigations", text, level=level)
