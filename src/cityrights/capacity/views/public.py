"""Pages for participants: public programmes, registration, the learning record and the
before/after self-rating.

Programmes for young people and residents are public; staff programmes are shown to
the city's members only. Registering needs an account (``selectors.not_eligible``).
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core.errors import ServiceError, refuse
from cityrights.core.tenancy import OrgRequest, org_view

from .. import selectors, services
from ..forms import EvaluationForm
from ..models import (
    EvaluationPhase,
    Material,
    Module,
    Programme,
    ProgrammeStatus,
    Registration,
    Session,
)


def _visible_programme(request: OrgRequest, pk: int) -> Programme:
    """A public programme, or a staff programme for one of the city's members."""
    organisation = request.organisation
    found = get_object_or_404(selectors.programmes_of(organisation), pk=pk)
    if found.status == ProgrammeStatus.DRAFT:
        raise Http404(_("No such programme."))
    if not found.is_public and request.membership is None:
        raise Http404(_("No such programme."))
    return found


@require_safe
@org_view()
def programmes(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    listed = selectors.public_programmes(organisation)
    staff = []
    if request.membership is not None:
        staff = list(
            selectors.programmes_of(organisation).filter(
                audience="staff", status=ProgrammeStatus.PUBLISHED
            )
        )
    return render(
        request,
        "capacity/public/programmes.html",
        {"programmes": listed, "staff_programmes": staff},
    )


@require_safe
@org_view()
def programme(request: OrgRequest, pk: int) -> HttpResponse:
    found = _visible_programme(request, pk)
    mine = {}
    if request.user.is_authenticated:
        mine = {
            r.session_id: r
            for r in Registration.objects.filter(
                session__module__programme=found, person=request.user
            )
        }
    return render(
        request,
        "capacity/public/programme.html",
        {
            "programme": found,
            "modules": selectors.modules_of(found),
            "mine": mine,
            "reason": selectors.not_eligible(found, request.user)
            if request.user.is_authenticated
            else "",
        },
    )


def _session_for_person(request: OrgRequest, pk: int) -> Session:
    found = get_object_or_404(
        selectors.sessions_of(request.organisation),
        pk=pk,
    )
    _visible_programme(request, found.module.programme_id)
    return found


@require_POST
@org_view()
def register(request: OrgRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = _session_for_person(request, pk)
    programme_url = reverse(
        "capacity:public_programme",
        kwargs={"org": found.organisation.slug, "pk": found.module.programme_id},
    )
    try:
        registration = services.register(
            session=found,
            person=request.user,
            actor=request.user,
        )
    except ServiceError as error:
        refuse(request, error)
    else:
        if registration.status == "waiting":
            messages.success(
                request,
                _(
                    "The session is full: you are on the waiting list and get an e-mail "
                    "if a place frees up."
                ),
            )
        else:
            messages.success(request, _("You are registered. A confirmation is on its way."))
    return redirect(request.POST.get("next") or programme_url)


@require_POST
@org_view()
def cancel(request: OrgRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = _session_for_person(request, pk)
    registration = get_object_or_404(found.registrations, person=request.user)
    try:
        services.cancel_registration(
            registration=registration,
            actor=request.user,
        )
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(reverse("capacity:record", kwargs={"org": found.organisation.slug}))


@require_safe
@org_view()
def material(request: OrgRequest, pk: int) -> FileResponse:
    """A module's file, for whoever may see its programme; always a download."""
    found = get_object_or_404(
        Material.objects.select_related("module__programme"),
        pk=pk,
        module__programme__organisation=request.organisation,
    )
    programme = found.module.programme
    if request.membership is None:
        _visible_programme(request, programme.pk)
    if not found.file:
        raise Http404(_("This material is a link, not a file."))
    content_type = mimetypes.guess_type(found.file.name or "")[0] or "application/octet-stream"
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=(found.file.name or "").rsplit("/", 1)[-1],
        content_type=content_type,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@org_view()
def record(request: OrgRequest) -> HttpResponse:
    """A person's own learning record in this city: sessions, attendance, certificates."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = request.organisation
    return render(
        request,
        "capacity/public/record.html",
        {"record": selectors.learning_record(organisation, request.user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view()
def evaluation(request: OrgRequest, module_pk: int, phase: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if phase not in EvaluationPhase.values:
        raise Http404(_("No such self-rating."))
    module = get_object_or_404(
        Module.objects.select_related("programme"),
        pk=module_pk,
        programme__organisation=request.organisation,
    )
    form = EvaluationForm(request.POST or None)
    status = 200
    if phase not in selectors.evaluation_phases_open(module, request.user):
        messages.error(request, _("This self-rating is not open to you now."))
        return redirect("capacity:record", org=module.programme.organisation.slug)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.give_evaluation(
                    module=module,
                    person=request.user,
                    phase=phase,
                    rating=form.cleaned_data["rating"],
                )
            except ServiceError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("Thank you. Your rating is stored without your name."))
                return redirect("capacity:record", org=module.programme.organisation.slug)
        else:
            status = 422
    return render(
        request,
        "capacity/public/evaluation.html",
        {"module": module, "phase": phase, "form": form},
        status=status,
    )
