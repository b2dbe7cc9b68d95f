"""Staff pages of the review: workflow steps, the decision, conditions, the public summary.

Separation of duties is enforced in :mod:`..workflow` and :mod:`..services`; these views
only hide buttons that would be refused, say why, and show the refusal when someone tries
anyway.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cityrights.core import duties
from cityrights.core.tenancy import StaffRequest, org_view
from cityrights.core.translation import field_names, language_name

from .. import services
from ..forms import CloseConditionForm, ConditionForm, DecisionForm, ReassessmentForm, SummaryForm
from ..models import SUMMARY_TEXTS, Condition, ImpactAssessment, PublicSummary, Status
from .assessments import detail_context
from .common import attach, caps, get_assessment
from .risks import risk_context

STEP_MESSAGES = {
    "submit": gettext_lazy("The assessment was submitted for review."),
    "withdraw": gettext_lazy("The assessment was withdrawn and is a draft again."),
    "start_review": gettext_lazy("You took the assessment under review."),
    "return": gettext_lazy("The assessment was returned to its project lead for changes."),
    "reopen": gettext_lazy("The assessment was reopened as a draft for its reassessment."),
}


@org_view("view")
@require_POST
def transition(request: StaffRequest, pk: int) -> HttpResponse:
    """Take one workflow step; a refused step re-renders the page with the reason (4xx)."""
    assessment = get_assessment(request, pk)
    step = request.POST.get("step", "")
    try:
        services.transition(
            assessment,
            request.user,
            step,
            note=request.POST.get("note", ""),
        )
    except services.ImpactError as error:
        assessment.refresh_from_db()
        context = detail_context(request, assessment)
        context["error"] = error.message
        return render(request, "impact/detail.html", context, status=error.status)
    messages.success(request, str(STEP_MESSAGES.get(step, _("Done."))))
    return redirect(assessment.get_absolute_url())


@org_view("review")
@require_http_methods(["GET", "HEAD", "POST"])
def decide(request: StaffRequest, pk: int) -> HttpResponse:
    assessment = get_assessment(request, pk)
    took_part = services.contributors_of(assessment).kinds_of(request.user)
    if took_part and assessment.status == Status.UNDER_REVIEW:
        raise PermissionDenied(duties.refusal_message(took_part, _("decide on it")))
    form = DecisionForm(
        request.POST or None, initial={"reassessment_due": assessment.reassessment_due}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.decide(
                    assessment,
                    request.user,
                    decision=form.cleaned_data["decision"],
                    reasons=form.cleaned_data["reasons"],
                    conditions=form.conditions(),
                    reassessment_due=form.cleaned_data["reassessment_due"],
                )
            except services.ImpactError as error:
                if error.field == "conditions":
                    form.add_error("condition_1", error.message)
                else:
                    attach(form, error)
                status = error.status
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect(assessment.get_absolute_url())
        else:
            status = 422
    context = risk_context(request, assessment)
    context.update(
        {
            "form": form,
            "open_conditions": assessment.conditions.filter(closed_at__isnull=True),
            "under_review": assessment.status == Status.UNDER_REVIEW,
        }
    )
    return render(request, "impact/decide.html", context, status=status)


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def conditions(request: StaffRequest, pk: int) -> HttpResponse:
    """All conditions of an assessment; a reviewer adds more and sets the reassessment date."""
    assessment = get_assessment(request, pk)
    held = caps(request)
    took_part = request.user in services.contributors_of(assessment)
    may_add = (
        "review" in held
        and not took_part
        and assessment.status in {Status.UNDER_REVIEW, Status.DECIDED}
    )
    form = ConditionForm(request.POST or None if "text" in request.POST else None)
    reassess = ReassessmentForm(
        request.POST if "reassessment_due" in request.POST else None,
        initial={"reassessment_due": assessment.reassessment_due},
        prefix=None,
    )
    status = 200
    if request.method == "POST":
        if "review" not in held:
            raise PermissionDenied(_("Only a reviewer can change conditions and dates."))
        try:
            if "text" in request.POST:
                if not may_add and not took_part:  # a contributor hears the service's reason
                    raise services.ImpactError(
                        _("You cannot add conditions to this assessment now."), 409
                    )
                if form.is_valid():
                    services.add_condition(
                        assessment,
                        request.user,
                        text=form.cleaned_data["text"],
                        owner=form.cleaned_data["owner"],
                        due=form.cleaned_data["due"],
                    )
                    messages.success(request, _("The condition was added."))
                    return redirect(request.path)
                status = 422
            elif "reassessment_due" in request.POST:
                if reassess.is_valid():
                    services.set_reassessment(
                        assessment,
                        request.user,
                        reassess.cleaned_data["reassessment_due"],
                    )
                    messages.success(request, _("The reassessment date was saved."))
                    return redirect(request.path)
                status = 422
        except services.ImpactError as error:
            attach(form if "text" in request.POST else reassess, error)
            status = error.status
    return render(
        request,
        "impact/conditions.html",
        {
            "assessment": assessment,
            "conditions": assessment.conditions.select_related("closed_by", "created_by"),
            "form": form if may_add else None,
            "duty_notice": duties.refusal_message(
                services.contributors_of(assessment).kinds_of(request.user),
                _("set its conditions"),
            )
            if took_part and "review" in held and assessment.status != Status.DRAFT
            else "",
            "reassess": reassess if "review" in held else None,
            "may_close": bool({"edit", "review"} & held),
        },
        status=status,
    )


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def condition_close(request: StaffRequest, pk: int, condition_pk: int) -> HttpResponse:
    assessment = get_assessment(request, pk)
    condition = get_object_or_404(Condition, pk=condition_pk, assessment=assessment)
    if not {"edit", "review"} & caps(request):
        raise PermissionDenied(_("Your role does not allow closing conditions."))
    form = CloseConditionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.close_condition(condition, request.user, form.cleaned_data["closing_note"])
            except services.ImpactError as error:
                attach(form, error)
                status = error.status
            else:
                messages.success(request, _("The condition is closed."))
                return redirect("impact:conditions", org=assessment.organisation.slug, pk=pk)
        else:
            status = 422
    return render(
        request,
        "impact/condition_close.html",
        {"assessment": assessment, "condition": condition, "form": form},
        status=status,
    )


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def summary(request: StaffRequest, pk: int) -> HttpResponse:
    """Write the public summary; a reviewer other than the author approves and publishes it."""
    assessment = get_assessment(request, pk)
    held = caps(request)
    current = PublicSummary.objects.filter(assessment=assessment).first()
    may_write = bool({"edit", "review"} & held)
    took_part = services.summary_contributors(assessment).kinds_of(request.user)
    may_approve = "review" in held and not took_part and assessment.is_decided
    form = SummaryForm(
        request.POST if request.POST.get("action") == "save" else None,
        organisation=request.organisation,
        initial=_summary_initial(assessment, current),
    )
    status = 200
    problem = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not may_write:
            raise PermissionDenied(_("Your role does not allow this change."))
        try:
            if action == "save":
                if form.is_valid():
                    services.save_summary(
                        assessment,
                        request.user,
                        form.cleaned_translations("text"),
                        title=form.cleaned_translations("title"),
                    )
                    messages.success(request, _("The summary was saved."))
                    return redirect(request.path)
                status = 422
            elif action in {"approve", "publish"}:
                if current is None:
                    raise services.ImpactError(_("Write the summary first."), 409)
                services.approve_summary(
                    current,
                    request.user,
                    publish=action == "publish",
                    missing_seen=request.POST.get("missing_seen", "")[:200],
                )
                messages.success(
                    request,
                    _("The summary is approved and public.")
                    if action == "publish"
                    else _("The summary is approved."),
                )
                return redirect(request.path)
            elif action == "unpublish":
                if current is None:
                    raise services.ImpactError(_("There is no summary."), 409)
                services.unpublish_summary(current, request.user)
                messages.success(request, _("The summary is no longer public."))
                return redirect(request.path)
            else:
                status = 400
                problem = _("Unknown action.")
        except services.ImpactError as error:
            problem = error.message
            status = error.status
    return render(
        request,
        "impact/summary.html",
        {
            "assessment": assessment,
            "current": current,
            "form": form if may_write else None,
            "may_approve": may_approve,
            "duty_notice": duties.refusal_message(took_part, _("approve the summary"))
            if took_part and "review" in held
            else "",
            "error": problem,
            **_summary_languages(current),
        },
        status=status,
    )


def _summary_initial(assessment: ImpactAssessment, current: PublicSummary | None) -> dict[str, str]:
    """The summary's boxes as stored; a first summary's title proposes the working title."""
    if current is None:
        first = assessment.organisation.content_languages[0]
        return {f"title_{first}": assessment.title[:200]}
    return {
        column: getattr(current, column) for name in SUMMARY_TEXTS for column in field_names(name)
    }


def _summary_languages(current: PublicSummary | None) -> dict[str, Any]:
    """What the summary page shows the reviewer about languages before publication."""
    if current is None:
        return {"missing_languages": "", "missing_seen": ""}
    gaps = services.summary_gaps(current)
    return {
        "missing_languages": ", ".join(language_name(code) for code in gaps),
        "missing_seen": services.gaps_fingerprint(gaps),
    }
