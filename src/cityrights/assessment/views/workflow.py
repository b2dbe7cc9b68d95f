"""Staff pages that run a cycle: open, assign, answer, review and resolve, transitions.

Views are thin: they check the capability (``org_view``), find objects inside the
request's organisation, and call :mod:`..services`, whose refusals become messages.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cityrights.core.errors import refuse
from cityrights.core.models import User
from cityrights.core.permissions import can
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view

from .. import selectors, services
from ..forms import AssignmentForm, OpenCycleForm, QuestionnaireForm, ReopenForm, ResolveForm
from ..framework import Area, Question
from ..models import AssessmentCycle, Resolution, Response, SectionAssignment


def language() -> str:
    return (get_language() or "en").split("-")[0]


def get_cycle(request: OrgRequest, year: int) -> AssessmentCycle:
    return get_object_or_404(
        AssessmentCycle.objects.select_related("framework", "organisation"),
        organisation=request.organisation,
        year=year,
    )


@org_view("view")
@require_http_methods(["GET", "HEAD", "POST"])
def cycles(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    if not organisation.is_city:
        return redirect("assessment:coalition", org=organisation.slug)
    may_manage = can(request.user, organisation, "manage")
    form = OpenCycleForm(request.POST or None, organisation=organisation) if may_manage else None
    if request.method == "POST":
        if not may_manage or form is None:
            raise PermissionDenied(_("Only an administrator can open an assessment cycle."))
        if form.is_valid():
            try:
                cycle = services.open_cycle(
                    organisation,
                    form.cleaned_data["year"],
                    form.cleaned_data["framework"],
                    request.user,
                    copy_assignments=form.cleaned_data["copy_assignments"],
                )
            except services.AssessmentError as error:
                refuse(request, error, form=form, field="year")
            else:
                messages.success(
                    request, _("The %(year)s assessment is open.") % {"year": cycle.year}
                )
                return redirect("assessment:cycle", org=organisation.slug, year=cycle.year)
    rows = []
    for cycle in selectors.cycles_of(organisation):
        rows.append((cycle, selectors.result_of(cycle)))
    return render(
        request,
        "assessment/cycles.html",
        {"rows": rows, "form": form, "may_manage": may_manage},
    )


@org_view("view")
def cycle_detail(request: StaffRequest, year: int) -> HttpResponse:
    organisation = request.organisation
    cycle = get_cycle(request, year)
    lang = language()
    framework = cycle.framework.framework
    sections = selectors.progress(cycle, request.user, lang)
    answerable = selectors.Answerable(cycle, request.user)
    result = selectors.result_of(cycle)
    disagreements = sum(
        1 for q in result.questions.values() if q.spread is not None and q.spread >= 2
    )
    return render(
        request,
        "assessment/cycle.html",
        {
            "cycle": cycle,
            "framework": framework,
            "sections": sections,
            "answerable": answerable,
            # What this person is asked to answer, from the same rows as the table above.
            "my_questions": sum(s.answerable for s in sections),
            "my_answers": sum(s.mine for s in sections),
            "total_answered": sum(s.answered for s in sections),
            "not_counted": len(framework.questions) - result.coverage.visible,
            "result": result,
            "disagreements": disagreements,
            "resolutions": cycle.resolutions.count(),
            "assignments": cycle.assignments.select_related("department", "user"),
            "area_names": {a.key: a.name.get_text(lang) for a in framework.areas},
            "pillar_names": {p.key: p.name.get_text(lang) for p in framework.pillars},
            "may_manage": can(request.user, organisation, "manage"),
            "may_review": can(request.user, organisation, "review"),
            "validation_refused": selectors.validation_refusal(cycle, request.user),
            "reopen_form": ReopenForm(),
        },
    )


@org_view("manage")
@require_http_methods(["GET", "HEAD", "POST"])
def assignments(request: StaffRequest, year: int) -> HttpResponse:
    organisation = request.organisation
    cycle = get_cycle(request, year)
    lang = language()
    framework = cycle.framework.framework
    form = AssignmentForm(
        request.POST or None, organisation=organisation, framework=framework, language=lang
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_assignment(
                cycle,
                request.user,
                area=form.cleaned_data["area"],
                pillar=form.cleaned_data["pillar"],
                department=form.cleaned_data["department"],
                user=form.cleaned_data["user"],
            )
        except services.AssessmentError as error:
            refuse(request, error, form=form)
        else:
            messages.success(request, _("The section was assigned."))
            return redirect("assessment:assignments", org=organisation.slug, year=year)
    return render(
        request,
        "assessment/assignments.html",
        {
            "cycle": cycle,
            "form": form,
            "assignments": cycle.assignments.select_related("department", "user"),
            "area_names": {a.key: a.name.get_text(lang) for a in framework.areas},
            "pillar_names": {p.key: p.name.get_text(lang) for p in framework.pillars},
        },
    )


@org_view("manage")
@require_POST
def assignment_delete(request: StaffRequest, year: int, pk: int) -> HttpResponse:
    organisation = request.organisation
    cycle = get_cycle(request, year)
    assignment = get_object_or_404(SectionAssignment, pk=pk, cycle=cycle)
    services.remove_assignment(assignment, request.user)
    messages.success(request, _("The assignment was removed."))
    return redirect("assessment:assignments", org=organisation.slug, year=year)


def _closed_message(cycle: AssessmentCycle) -> str:
    return _(
        "The %(year)s assessment is %(status)s: answers can no longer be changed. "
        "An administrator can reopen it."
    ) % {"year": cycle.year, "status": cycle.get_status_display().lower()}


def _answer_page(
    request: HttpRequest,
    cycle: AssessmentCycle,
    area: Area,
    form: QuestionnaireForm,
    mine: dict[str, Response],
    answerable: selectors.Answerable,
    saved: int | None = None,
) -> HttpResponse:
    lang = language()
    framework = cycle.framework.framework
    areas = [a for a in framework.areas if answerable.any_in_area(framework, a.key)]
    index = next(i for i, a in enumerate(areas) if a.key == area.key)
    groups = []
    for pillar in framework.pillars:
        items = [
            (q, form.bound_fields(q), mine.get(q.key))
            for q in form.questions
            if q.pillar == pillar.key
        ]
        if items:
            groups.append((pillar, items))
    return render(
        request,
        "assessment/answer.html",
        {
            "cycle": cycle,
            "framework": framework,
            "area": area,
            "lang": lang,
            "form": form,
            "groups": groups,
            "answered": len(mine),
            "total": len(form.questions),
            "saved": saved,
            "next_area": areas[index + 1] if index + 1 < len(areas) else None,
            "sections": selectors.progress(cycle, request.user, lang),
            "answerable_areas": {a.key for a in areas},
        },
    )


@org_view("edit")
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: StaffRequest, year: int, area: str) -> HttpResponse:
    """One section (a thematic area): every question of it the person may answer."""
    organisation = request.organisation
    cycle = get_cycle(request, year)
    framework = cycle.framework.framework
    try:
        area_obj = framework.area(area)
    except KeyError:
        raise Http404(_("There is no such section.")) from None
    answerable = selectors.Answerable(cycle, request.user)
    if not answerable.any_in_area(framework, area):
        raise PermissionDenied(
            _("This section is not assigned to you or your department. Ask an administrator.")
        )
    questions = [
        q for q in framework.questions if q.area == area and answerable.cell(q.area, q.pillar)
    ]
    mine = _my_answers(cycle, request.user, questions)
    form = _questionnaire(request, cycle, questions, mine)
    saved: int | None = None
    if request.method == "POST":
        if not cycle.is_open:
            messages.error(request, _closed_message(cycle))
            return redirect("assessment:cycle", org=organisation.slug, year=year)
        # Every question without an error is saved, even when another one has an error:
        # one comment without a level must not cost the person the rest of the page.
        form.is_valid()
        inputs = form.answer_inputs(mine)
        try:
            if inputs:
                services.save_answers(cycle, request.user, inputs)
        except services.AssessmentError as error:
            refuse(request, error, form=form)
            saved = 0
        else:
            if not form.errors:
                messages.success(request, _("Your answers were saved."))
                target = request.POST.get("next_area", "")
                if target not in {a.key for a in framework.areas}:
                    target = area
                return redirect("assessment:answer", org=organisation.slug, year=year, area=target)
            if inputs:
                # Shown again as now stored (a removed file's checkbox gone, "last saved"
                # dates new), with what was typed for the questions still in error.
                saved = len(inputs)
                mine = _my_answers(cycle, request.user, questions)
                form = _questionnaire(request, cycle, questions, mine)
                form.is_valid()
    return _answer_page(request, cycle, area_obj, form, mine, answerable, saved)


def _my_answers(
    cycle: AssessmentCycle, user: User, questions: list[Question]
) -> dict[str, Response]:
    return {
        r.question: r
        for r in Response.objects.filter(
            cycle=cycle,
            respondent_key=f"user-{user.pk}",
            question__in=[q.key for q in questions],
        )
    }


def _questionnaire(
    request: StaffRequest,
    cycle: AssessmentCycle,
    questions: list[Question],
    mine: dict[str, Response],
) -> QuestionnaireForm:
    return QuestionnaireForm(
        request.POST or None,
        request.FILES or None,
        framework=cycle.framework.framework,
        questions=questions,
        answers=mine,
        language=language(),
        read_only=not cycle.is_open,
    )


@org_view("view")
def evidence(request: StaffRequest, year: int, pk: int) -> FileResponse:
    cycle = get_cycle(request, year)
    response = get_object_or_404(Response, pk=pk, cycle=cycle)
    if not response.evidence_file:
        raise Http404(_("This answer has no evidence file."))
    name = (response.evidence_file.name or "").rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    file_response = FileResponse(
        response.evidence_file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type,
    )
    file_response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return file_response


@org_view("review")
def review(request: StaffRequest, year: int) -> HttpResponse:
    """The spread of answers per question, disagreements first."""
    cycle = get_cycle(request, year)
    lang = language()
    framework = cycle.framework.framework
    result = selectors.result_of(cycle)
    only = request.GET.get("show", "")
    rows = []
    for question in framework.questions:
        item = result.questions[question.key]
        if only == "disagreements" and not (item.spread is not None and item.spread >= 1):
            continue
        if only == "unresolved" and (item.resolved or not item.respondents):
            continue
        rows.append((question, item))
    if only == "disagreements":
        rows.sort(key=lambda row: -(row[1].spread or 0))
    return render(
        request,
        "assessment/review.html",
        {
            "cycle": cycle,
            "framework": framework,
            "rows": rows,
            "show": only,
            "lang": lang,
            "area_names": {a.key: a.name.get_text(lang) for a in framework.areas},
            "pillar_names": {p.key: p.name.get_text(lang) for p in framework.pillars},
            "levels": {lvl.number: lvl.name.get_text(lang) for lvl in framework.scale.levels},
        },
    )


@org_view("review")
@require_http_methods(["GET", "HEAD", "POST"])
def review_question(request: StaffRequest, year: int, question: str) -> HttpResponse:
    organisation = request.organisation
    cycle = get_cycle(request, year)
    lang = language()
    framework = cycle.framework.framework
    try:
        q = framework.question(question)
    except KeyError:
        raise Http404(_("There is no such question.")) from None
    existing = Resolution.objects.filter(cycle=cycle, question=question).first()
    initial = {"value": existing.value, "note": existing.note} if existing else {}
    form = ResolveForm(
        request.POST or None, initial=initial, framework=framework, question=q, language=lang
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve(
                cycle,
                request.user,
                question,
                form.cleaned_data["value"],
                form.cleaned_data["note"],
            )
        except services.AssessmentError as error:
            refuse(request, error, form=form)
        else:
            messages.success(request, _("The resolution was saved."))
            return redirect("assessment:review", org=organisation.slug, year=year)
    responses = Response.objects.filter(cycle=cycle, question=question).select_related("respondent")
    return render(
        request,
        "assessment/review_question.html",
        {
            "cycle": cycle,
            "framework": framework,
            "question": q,
            "lang": lang,
            "item": selectors.result_of(cycle).questions[question],
            "responses": responses,
            "form": form,
            "existing": existing,
            "levels": {lvl.number: lvl.name.get_text(lang) for lvl in framework.scale.levels},
            "area_name": framework.area(q.area).name.get_text(lang),
            "pillar_name": framework.pillar(q.pillar).name.get_text(lang),
        },
    )


TRANSITIONS = {
    "submit": "review",
    "validate": "review",
    "reopen": "manage",
    "publish": "manage",
    "unpublish": "manage",
}


@org_view("view")
@require_POST
def transition(request: StaffRequest, year: int) -> HttpResponse:
    organisation = request.organisation
    cycle = get_cycle(request, year)
    action = request.POST.get("action", "")
    if action not in TRANSITIONS:
        messages.error(request, _("Unknown action."))
        return redirect("assessment:cycle", org=organisation.slug, year=year)
    if not can(request.user, organisation, TRANSITIONS[action]):
        raise PermissionDenied(_("Your role does not allow this step."))
    user = request.user
    try:
        if action == "submit":
            services.submit(cycle, user)
            messages.success(request, _("The assessment was submitted; answers are now frozen."))
        elif action == "validate":
            services.validate(cycle, user)
            messages.success(request, _("The assessment was validated."))
        elif action == "reopen":
            form = ReopenForm(request.POST)
            if not form.is_valid():
                raise services.AssessmentError(_("Say why the assessment is reopened."))
            services.reopen(cycle, user, form.cleaned_data["reason"])
            messages.success(request, _("The assessment is open again."))
        else:
            services.set_published(cycle, user, action == "publish")
            messages.success(
                request,
                _("The results are public.")
                if action == "publish"
                else _("The results are no longer public."),
            )
    except services.AssessmentError as error:
        refuse(request, error)
    return redirect(reverse("assessment:cycle", kwargs={"org": organisation.slug, "year": year}))
