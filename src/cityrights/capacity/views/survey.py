"""The staff needs survey: rounds (``manage``), answering (staff asked), results (``view``).

Results of a round are shown only once it has closed, with every group under five
people suppressed (``results.py``); an answer page never shows anything about other
people's answers.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core.errors import ServiceError, refuse
from cityrights.core.tenancy import StaffRequest, org_view
from cityrights.core.translation import current_language

from .. import figures, selectors, services
from ..forms import AnswerForm, RoundForm
from ..results import MIN_GROUP
from .common import caps, download, get_round, rounds_trail


@require_safe
@org_view("view")
def rounds(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    found = list(selectors.rounds_of(organisation))
    return render(
        request,
        "capacity/survey/rounds.html",
        {
            "rounds": [(r, selectors.response(r)) for r in found],
            "mine": selectors.open_rounds_for(organisation, request.user),
            "held": caps(request),
            "trail": [],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("manage")
def round_new(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    form = RoundForm(request.POST or None, organisation=organisation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.open_round(
                    organisation=organisation,
                    actor=request.user,
                    title=form.title_values(),
                    opens_on=form.cleaned_data["opens_on"],
                    closes_on=form.cleaned_data["closes_on"],
                    audience=form.cleaned_data["audience"],
                    departments=form.cleaned_data["departments"],
                    invite=form.cleaned_data["invite"],
                )
            except ServiceError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The survey round was opened."))
                return redirect("capacity:round", org=organisation.slug, pk=created.pk)
        else:
            status = 422
    return render(
        request,
        "capacity/survey/round_form.html",
        {"form": form, "trail": rounds_trail(request)},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("manage")
def round_edit(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    survey_round = get_round(request, pk)
    form = RoundForm(request.POST or None, instance=survey_round, organisation=organisation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_round(
                    survey_round=get_round(request, pk),
                    actor=request.user,
                    title=form.title_values(),
                    opens_on=form.cleaned_data["opens_on"],
                    closes_on=form.cleaned_data["closes_on"],
                )
            except ServiceError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The survey round was saved."))
                return redirect("capacity:round", org=organisation.slug, pk=pk)
        else:
            status = 422
    return render(
        request,
        "capacity/survey/round_form.html",
        {"form": form, "survey_round": survey_round, "trail": rounds_trail(request, survey_round)},
        status=status,
    )


@require_safe
@org_view("view")
def round_detail(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    survey_round = services.ensure_finalised(get_round(request, pk))
    survey = survey_round.survey.survey
    language = current_language()
    found = selectors.round_results(survey_round)
    names = selectors.department_names(organisation)
    city = figures.group_figures(survey, found.city, language) if found.city else []
    departments = []
    for key, result in sorted(found.departments.items(), key=lambda i: names.get(i[0], "")):
        name = names.get(key, "?")
        departments.append((name, result, figures.group_figures(survey, result, language, name)))
    previous = selectors.previous_round(survey_round)
    comparison = None
    if previous is not None and found.city is not None:
        comparison = figures.comparison_figure(
            survey, found, selectors.round_results(previous), language, str(previous)
        )
    eligible = selectors.eligible_membership(survey_round, request.user)
    return render(
        request,
        "capacity/survey/round.html",
        {
            "survey_round": survey_round,
            "survey": survey,
            "survey_title": survey.title.get_text(language),
            "state": survey_round.state(),
            "response": selectors.response(survey_round),
            "results": found,
            "city_figures": city,
            "department_figures": departments,
            "suppressed": selectors.departments_not_shown(survey_round, found),
            "others": [
                (survey.question(key).other.get_text(language), texts)
                for key, texts in found.others.items()
                if survey.question(key).other is not None
            ],
            "comparison": comparison,
            "previous": previous,
            "minimum": MIN_GROUP,
            "may_answer": eligible is not None and survey_round.is_open,
            "answered": selectors.has_answered(survey_round, request.user),
            "held": caps(request),
            "trail": rounds_trail(request),
            "plan_url": reverse(
                "capacity:round_plan", kwargs={"org": organisation.slug, "pk": survey_round.pk}
            ),
        },
    )


@require_POST
@org_view("manage")
def round_close(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    try:
        services.close_round(survey_round=get_round(request, pk), actor=request.user)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The round is closed; its results are below."))
    return redirect("capacity:round", org=organisation.slug, pk=pk)


@require_POST
@org_view("manage")
def round_delete(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    try:
        services.delete_round(survey_round=get_round(request, pk), actor=request.user)
    except ServiceError as error:
        refuse(request, error)
        return redirect("capacity:round", org=organisation.slug, pk=pk)
    messages.success(request, _("The round was deleted."))
    return redirect("capacity:rounds", org=organisation.slug)


@require_safe
@org_view("view")
def round_export(request: StaffRequest, pk: int, fmt: str) -> HttpResponse:
    organisation = request.organisation
    survey_round = services.ensure_finalised(get_round(request, pk))
    found = selectors.round_results(survey_round)
    data = figures.export_data(
        survey_round,
        found,
        selectors.response(survey_round),
        selectors.department_names(organisation),
        selectors.departments_not_shown(survey_round, found),
    )
    name = f"{organisation.slug}-survey-{survey_round.pk}"
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2)
        return download(body, f"{name}.json", "application/json")
    return download(figures.export_csv(data), f"{name}.csv", "text/csv; charset=utf-8")


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("view")
def answer(request: StaffRequest, pk: int) -> HttpResponse:
    """The survey for a member the round asks; anything else is explained, not hidden."""
    survey_round = services.ensure_finalised(get_round(request, pk))
    membership = selectors.eligible_membership(survey_round, request.user)
    survey = survey_round.survey.survey
    language = current_language()
    context = {
        "survey_round": survey_round,
        "survey_title": survey.title.get_text(language),
        "survey_description": survey.description.get_text(language),
    }
    if membership is None:
        context["refusal"] = _("This survey round does not ask you.")
        return render(request, "capacity/survey/answer_closed.html", context, status=403)
    if selectors.has_answered(survey_round, request.user):
        return render(request, "capacity/survey/thanks.html", context)
    if not survey_round.is_open:
        context["refusal"] = _("This survey round is not open for answers.")
        return render(request, "capacity/survey/answer_closed.html", context, status=409)
    department = membership.department.name if membership.department else ""
    form = AnswerForm(request.POST or None, survey=survey, department=department)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_round(
                    survey_round=survey_round,
                    person=request.user,
                    answers=form.answers,
                    others=form.others,
                    share_department=form.cleaned_data["share_department"],
                )
            except ServiceError as error:
                status = refuse(request, error, form=form)
            else:
                return redirect("capacity:answer", org=survey_round.organisation.slug, pk=pk)
        else:
            status = 422
    context["form"] = form
    return render(request, "capacity/survey/answer.html", context, status=status)
