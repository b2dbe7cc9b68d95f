"""Staff pages where a project lead screens and writes an assessment (risks: ``risks``).

Views are thin: ``org_view`` checks the capability, objects are looked up inside the
request's city, and :mod:`..services` enforces the rules; its refusals become form errors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cityrights.core.feedback import redirect_to_place
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view

from .. import content, selectors, services
from ..forms import (
    AssessmentForm,
    CommentForm,
    ReassessmentForm,
    ScreeningForm,
    SearchForm,
    SectionForm,
    TransitionForm,
)
from ..models import Screening, TemplateKind
from .common import (
    allowed_steps,
    attach,
    caps,
    duty_notice,
    get_assessment,
    language,
    may_comment,
)

PAGE_SIZE = 25


# --------------------------------------------------------------------------------------
# Repository
# --------------------------------------------------------------------------------------


@org_view("view")
def repository(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    lang = language()
    form = SearchForm(
        request.GET or None, organisation=organisation, rights=selectors.all_rights(lang)
    )
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
    found = selectors.search(organisation, **filters).order_by("-updated_at", "-id")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "impact/repository.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filtered": bool(filters),
            "held": caps(request),
            "screenings": Screening.objects.filter(organisation=organisation)[:5],
        },
    )


# --------------------------------------------------------------------------------------
# Screening
# --------------------------------------------------------------------------------------


@org_view("edit")
@require_http_methods(["GET", "HEAD", "POST"])
def screening(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    try:
        version = services.latest_template(TemplateKind.SCREENING)
    except services.ImpactError as error:
        messages.error(request, error.message)
        return redirect("impact:list", org=organisation.slug)
    template = version.template
    form = ScreeningForm(
        request.POST or None, organisation=organisation, template=template, language=language()
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.screen(
                organisation,
                request.user,
                project=form.cleaned_data["project"],
                department=form.cleaned_data["department"],
                answers=form.answers(),
                template=version,
            )
        except services.ImpactError as error:
            attach(form, error)
        else:
            return redirect("impact:screening_result", org=organisation.slug, pk=result.pk)
    return render(
        request,
        "impact/screening.html",
        {"form": form, "version": version, "intro": content.intro_of(template)},
        status=422 if form.is_bound and form.errors else 200,
    )


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def screening_result(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    result = get_object_or_404(
        Screening.objects.select_related("template", "department", "screened_by"),
        pk=pk,
        organisation=organisation,
    )
    may_start = "edit" in caps(request)
    initial = {
        "title": result.project,
        "kind": result.kind if result.needed else "both",
        "department": result.department_id,
        "author": request.user.pk,
    }
    form = None
    if may_start:
        form = AssessmentForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Your role does not allow starting an assessment."))
        created = _create_from_form(request, form, screening=result)
        if created is not None:
            return created
    answers = []
    template = result.template.template
    for question in content.screening_questions(template):
        value = result.answers.get(question.key, "")
        label = dict(question.choices).get(value, value)
        answers.append((question, label))
    try:
        reasons = content.screen(result.answers, template, language()).reasons
    except ValueError:
        reasons = result.reasons
    return render(
        request,
        "impact/screening_result.html",
        {
            "screening": result,
            "reasons": reasons,
            "answers": answers,
            "form": form,
            "assessments": result.assessments.all(),
        },
    )


def _create_from_form(
    request: StaffRequest, form: AssessmentForm, screening: Screening | None = None
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    organisation = request.organisation
    try:
        assessment = services.create_assessment(
            organisation,
            request.user,
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            department=form.cleaned_data["department"],
            author=form.cleaned_data["author"],
            screening=screening,
            entry=form.cleaned_data.get("entry"),
            language=form.cleaned_data.get("language") or "",
        )
    except services.ImpactError as error:
        attach(form, error)
        return None
    messages.success(request, _("The assessment was created. Start with the first section."))
    return redirect(assessment.get_absolute_url())


@org_view("edit")
@require_http_methods(["GET", "HEAD", "POST"])
def create(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    form = AssessmentForm(
        request.POST or None,
        organisation=organisation,
        initial={"author": request.user.pk, "kind": "both"},
    )
    if request.method == "POST":
        created = _create_from_form(request, form)
        if created is not None:
            return created
    return render(request, "impact/create.html", {"form": form})


# --------------------------------------------------------------------------------------
# One assessment
# --------------------------------------------------------------------------------------


def section_rows(assessment: Any, lang: str) -> list[dict[str, Any]]:
    template = assessment.template.template
    counts: dict[str, int] = {}
    for comment in assessment.comments.all():
        counts[comment.section] = counts.get(comment.section, 0) + 1
    rows = []
    for section in content.sections_for(template, assessment.kind):
        given = assessment.answers.get(section.key, {})
        answered = sum(1 for q in section.questions if str(given.get(q.key, "")).strip())
        required = [q for q in section.questions if q.required]
        missing = sum(1 for q in required if not str(given.get(q.key, "")).strip())
        rows.append(
            {
                "section": section,
                "title": section.title.get_text(lang),
                "answered": answered,
                "total": len(section.questions),
                "missing": missing,
                "comments": counts.get(section.key, 0),
            }
        )
    return rows


def detail_context(request: OrgRequest, assessment: Any) -> dict[str, Any]:
    lang = language()
    steps = allowed_steps(request, assessment)
    risks = list(selectors.risks_of(assessment))
    return {
        "assessment": assessment,
        "sections": section_rows(assessment, lang),
        "steps": steps,
        "held": caps(request),
        "duty_notice": duty_notice(request, assessment),
        "missing": services.missing_answers(assessment) if "submit" in steps else [],
        "risk_count": len(risks),
        "risks_without_residual": sum(1 for r in risks if not r.has_residual),
        "conditions": assessment.conditions.select_related("closed_by"),
        "history": assessment.decision_history.select_related("decided_by"),
        "summary": getattr(assessment, "public_summary", None)
        if hasattr(assessment, "public_summary")
        else None,
        "comments": assessment.comments.filter(section="").select_related("author"),
        "comment_form": CommentForm(prefix="general") if may_comment(request) else None,
        "transition_form": TransitionForm(steps=steps) if {"return", "withdraw"} & steps else None,
        "reassessment_form": ReassessmentForm(
            initial={"reassessment_due": assessment.reassessment_due}
        )
        if "review" in caps(request) and assessment.is_decided
        else None,
        "entry": getattr(assessment, "entry", None),
    }


@org_view("view")
def detail(request: StaffRequest, pk: int) -> HttpResponse:
    assessment = get_assessment(request, pk)
    return render(request, "impact/detail.html", detail_context(request, assessment))


@org_view("edit")
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    assessment = get_assessment(request, pk)
    initial = {
        "title": assessment.title,
        "kind": assessment.kind,
        "department": assessment.department_id,
        "author": assessment.author_id,
        "entry": getattr(assessment, "entry_id", None),
        "language": assessment.working_language,
    }
    form = AssessmentForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        if not changes.get("language"):
            changes.pop("language", None)  # a form without the field keeps the language
        try:
            services.update_details(assessment, request.user, changes)
        except services.ImpactError as error:
            attach(form, error)
        else:
            messages.success(request, _("The details were saved."))
            return redirect(assessment.get_absolute_url())
    return render(
        request,
        "impact/edit.html",
        {"form": form, "assessment": assessment},
        status=409 if form.is_bound and not assessment.is_draft else 200,
    )


def _no_such_section(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"status": 404, "title": _("Not found"), "message": _("There is no such section.")},
        status=404,
    )


def _section_form(assessment: Any, found: Any, data: Any = None) -> SectionForm:
    answers = assessment.answers.get(found.key, {})
    return SectionForm(data, section=found, answers=answers, language=language())


def _next_section(assessment: Any, key: str) -> str:
    keys = [s.key for s in content.sections_for(assessment.template.template, assessment.kind)]
    index = keys.index(key) if key in keys else len(keys)
    return keys[index + 1] if index + 1 < len(keys) else ""


def _section_page(
    request: OrgRequest,
    assessment: Any,
    found: Any,
    *,
    form: SectionForm,
    comment_form: CommentForm | None,
    status: int = 200,
) -> HttpResponse:
    lang = language()
    sections = content.sections_for(assessment.template.template, assessment.kind)
    answers = assessment.answers.get(found.key, {})
    return render(
        request,
        "impact/section.html",
        {
            "assessment": assessment,
            "section": found,
            "section_title": found.title.get_text(lang),
            "section_intro": content.text(getattr(found, "intro", None), lang),
            "sections": [(s.key, s.title.get_text(lang)) for s in sections],
            "form": form,
            "may_edit": "edit" in caps(request) and assessment.is_draft,
            "answers": [
                (content.text(q.text, lang), content.display_answer(q, answers.get(q.key), lang))
                for q in found.questions
            ],
            "comments": assessment.comments.filter(section=found.key).select_related("author"),
            "comment_form": comment_form,
            "next_key": _next_section(assessment, found.key),
        },
        status=status,
    )


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def section(request: StaffRequest, pk: int, key: str) -> HttpResponse:
    """One section's questions; a POST saves its answers (comments: ``section_comment``)."""
    assessment = get_assessment(request, pk)
    found = content.find_section(assessment.template.template, key)
    if found is None:
        return _no_such_section(request)
    may_edit = "edit" in caps(request) and assessment.is_draft
    posted = request.POST if request.method == "POST" and may_edit else None
    form = _section_form(assessment, found, posted)
    comment_form = CommentForm(prefix="comment") if may_comment(request) else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            if "edit" not in caps(request):
                raise PermissionDenied(_("Your role does not allow answering."))
            messages.error(request, _("Only a draft can be changed."))
            status = 409
        elif form.is_valid():
            try:
                services.save_section(assessment, request.user, key, form.cleaned_data)
            except services.ImpactError as error:
                attach(form, error)
                status = error.status
            else:
                messages.success(request, _("The answers were saved."))
                next_key = _next_section(assessment, key)
                if request.POST.get("next") and next_key:
                    return redirect(
                        "impact:section", org=assessment.organisation.slug, pk=pk, key=next_key
                    )
                return redirect(request.path)
        else:
            status = 422
    return _section_page(
        request, assessment, found, form=form, comment_form=comment_form, status=status
    )


@org_view("view")
@require_POST
def section_comment(request: StaffRequest, pk: int, key: str) -> HttpResponse:
    """A comment on one section, shown under it to the project team and the reviewers."""
    assessment = get_assessment(request, pk)
    found = content.find_section(assessment.template.template, key)
    if found is None:
        return _no_such_section(request)
    if not may_comment(request):
        raise PermissionDenied(_("Your role does not allow comments."))
    comment_form = CommentForm(request.POST, prefix="comment")
    if comment_form.is_valid():
        try:
            services.add_comment(
                assessment,
                request.user,
                key,
                comment_form.cleaned_data["body"],
            )
        except services.ImpactError as error:
            attach(comment_form, error)
        else:
            page = reverse(
                "impact:section",
                kwargs={"org": assessment.organisation.slug, "pk": pk, "key": key},
            )
            return redirect_to_place(request, page, "comments", _("Your comment was added."))
    form = _section_form(assessment, found)
    return _section_page(
        request, assessment, found, form=form, comment_form=comment_form, status=422
    )


@org_view("view")
@require_POST
def comment(request: StaffRequest, pk: int) -> HttpResponse:
    """A comment on the assessment as a whole (section comments go through ``section``)."""
    assessment = get_assessment(request, pk)
    if not may_comment(request):
        raise PermissionDenied(_("Your role does not allow comments."))
    form = CommentForm(request.POST, prefix="general")
    if form.is_valid():
        try:
            services.add_comment(assessment, request.user, "", form.cleaned_data["body"])
        except services.ImpactError as error:
            attach(form, error)
        else:
            return redirect_to_place(
                request, assessment.get_absolute_url(), "comments", _("Your comment was added.")
            )
    context = detail_context(request, assessment)
    context["comment_form"] = form
    return render(request, "impact/detail.html", context, status=422)
