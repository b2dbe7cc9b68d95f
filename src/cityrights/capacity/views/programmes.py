"""Staff pages of training programmes: programmes, rules, modules, materials, sessions.

Capabilities: ``view`` reads, ``edit`` writes programmes, modules and sessions and
registers people, ``manage`` sets the certificate rules. Attendance has its own module.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core.errors import ServiceError, refuse
from cityrights.core.models import User
from cityrights.core.tenancy import StaffRequest, org_view

from .. import certificates, selectors, services
from ..forms import (
    MaterialForm,
    ModuleForm,
    PersonForm,
    ProgrammeForm,
    RulesForm,
    SessionForm,
    translated_values,
)
from ..models import Material, ProgrammeStatus, Session
from ..results import MIN_GROUP
from .common import caps, get_module, get_programme, get_round, get_session, programme_trail


@require_safe
@org_view("view")
def programmes(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    return render(
        request,
        "capacity/programmes/list.html",
        {
            "programmes": selectors.programmes_of(organisation),
            "held": caps(request),
            "trail": [],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def programme_new(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    form = ProgrammeForm(request.POST or None, organisation=organisation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.create_programme(
                    organisation=organisation,
                    actor=request.user,
                    title=form.texts("title"),
                    description=form.texts("description"),
                    certificate_text=form.texts("certificate_text"),
                    audience=form.cleaned_data["audience"],
                )
            except ServiceError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The programme was created as a draft."))
                return redirect("capacity:programme", org=organisation.slug, pk=created.pk)
        else:
            status = 422
    return render(
        request,
        "capacity/programmes/form.html",
        {"form": form, "trail": programme_trail(request)},
        status=status,
    )


@require_safe
@org_view("view")
def programme(request: StaffRequest, pk: int) -> HttpResponse:
    found = get_programme(request, pk)
    return render(
        request,
        "capacity/programmes/detail.html",
        {
            "programme": found,
            "modules": selectors.modules_of(found),
            "rules": list(found.rules.all()),
            "participants": selectors.participants(found),
            "certificates": found.certificates.select_related("person").order_by(
                "recipient_name", "-issued_at"
            ),
            "evaluations": selectors.evaluation_results(found),
            "minimum": MIN_GROUP,
            "held": caps(request),
            "trail": programme_trail(request),
            "ProgrammeStatus": ProgrammeStatus,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def programme_edit(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    found = get_programme(request, pk)
    form = ProgrammeForm(request.POST or None, instance=found, organisation=organisation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_programme(
                    programme=get_programme(request, pk),
                    actor=request.user,
                    title=form.texts("title"),
                    description=form.texts("description"),
                    certificate_text=form.texts("certificate_text"),
                    audience=form.cleaned_data["audience"],
                )
            except ServiceError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The programme was saved."))
                return redirect("capacity:programme", org=organisation.slug, pk=pk)
        else:
            status = 422
    return render(
        request,
        "capacity/programmes/form.html",
        {"form": form, "programme": found, "trail": programme_trail(request, found)},
        status=status,
    )


@require_POST
@org_view("edit")
def programme_status(request: StaffRequest, pk: int) -> HttpResponse:
    found = get_programme(request, pk)
    step = request.POST.get("step")
    try:
        if step == "publish":
            services.publish_programme(programme=found, actor=request.user)
            messages.success(request, _("The programme is open for registration."))
        elif step == "close":
            services.close_programme(programme=found, actor=request.user)
            messages.success(request, _("The programme is finished."))
        else:
            messages.error(request, _("Unknown step."))
    except ServiceError as error:
        refuse(request, error)
    return redirect("capacity:programme", org=found.organisation.slug, pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("manage")
def programme_rules(request: StaffRequest, pk: int) -> HttpResponse:
    found = get_programme(request, pk)
    form = RulesForm.for_programme(found, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_rules(
                    programme=found,
                    actor=request.user,
                    rules=form.rules(),
                )
            except ServiceError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The certificate rules were saved."))
                return redirect("capacity:programme", org=found.organisation.slug, pk=pk)
        else:
            status = 422
    return render(
        request,
        "capacity/programmes/rules.html",
        {"form": form, "programme": found, "trail": programme_trail(request, found)},
        status=status,
    )


@require_POST
@org_view("edit")
def plan_from_round(request: StaffRequest, pk: int) -> HttpResponse:
    survey_round = services.ensure_finalised(get_round(request, pk))
    try:
        created = services.plan_from_round(
            survey_round=survey_round,
            actor=request.user,
        )
    except ServiceError as error:
        refuse(request, error)
        return redirect("capacity:round", org=survey_round.organisation.slug, pk=pk)
    messages.success(
        request,
        _(
            "A draft programme with the topics most needed was created. "
            "Adjust it, then add sessions."
        ),
    )
    return redirect("capacity:programme", org=survey_round.organisation.slug, pk=created.pk)


# --------------------------------------------------------------------------------------
# Modules and materials
# --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def module_form(request: StaffRequest, pk: int, module_pk: int | None = None) -> HttpResponse:
    organisation = request.organisation
    found = get_programme(request, pk)
    module = get_module(request, module_pk) if module_pk else None
    if module is not None and module.programme_id != found.pk:
        raise Http404(_("This module belongs to another programme."))
    form = ModuleForm(request.POST or None, instance=module, organisation=organisation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_module(
                    programme=found,
                    actor=request.user,
                    texts=form.texts(),
                    topics=form.cleaned_data["topics"],
                    areas=form.cleaned_data["areas"],
                    evaluation=form.cleaned_data["evaluation"],
                    position=form.cleaned_data.get("position"),
                    module=module,
                )
            except ServiceError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The module was saved."))
                return redirect("capacity:programme", org=organisation.slug, pk=pk)
        else:
            status = 422
    return render(
        request,
        "capacity/programmes/module_form.html",
        {
            "form": form,
            "programme": found,
            "module": module,
            "material_form": MaterialForm(organisation=organisation) if module else None,
            "trail": programme_trail(request, found),
        },
        status=status,
    )


@require_POST
@org_view("edit")
def module_delete(request: StaffRequest, pk: int, module_pk: int) -> HttpResponse:
    module = get_module(request, module_pk)
    try:
        services.delete_module(module=module, actor=request.user)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The module was deleted."))
    return redirect("capacity:programme", org=module.programme.organisation.slug, pk=pk)


@require_POST
@org_view("edit")
def material_add(request: StaffRequest, pk: int, module_pk: int) -> HttpResponse:
    organisation = request.organisation
    module = get_module(request, module_pk)
    form = MaterialForm(request.POST, request.FILES, organisation=organisation)
    if form.is_valid():
        try:
            services.add_material(
                module=module,
                actor=request.user,
                title=translated_values(form, "title"),
                file=form.cleaned_data.get("file"),
                url=form.cleaned_data.get("url") or "",
            )
        except ServiceError as error:
            refuse(request, error, form=form)
        else:
            messages.success(request, _("The material was added."))
            return redirect("capacity:module", org=organisation.slug, pk=pk, module_pk=module_pk)
    found = module.programme
    return render(
        request,
        "capacity/programmes/module_form.html",
        {
            "form": ModuleForm(instance=module, organisation=organisation),
            "programme": found,
            "module": module,
            "material_form": form,
            "trail": programme_trail(request, found),
        },
        status=422,
    )


@require_POST
@org_view("edit")
def material_delete(
    request: StaffRequest, pk: int, module_pk: int, material_pk: int
) -> HttpResponse:
    module = get_module(request, module_pk)
    material = get_object_or_404(Material, pk=material_pk, module=module)
    services.delete_material(material=material, actor=request.user)
    messages.success(request, _("The material was removed."))
    return redirect(
        "capacity:module", org=module.programme.organisation.slug, pk=pk, module_pk=module_pk
    )


# --------------------------------------------------------------------------------------
# Sessions and registrations
# --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def session_form(
    request: StaffRequest, pk: int, module_pk: int, session_pk: int | None = None
) -> HttpResponse:
    organisation = request.organisation
    module = get_module(request, module_pk)
    session = get_session(request, session_pk) if session_pk else None
    form = SessionForm(request.POST or None, instance=session, organisation=organisation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.save_session(
                    module=module,
                    actor=request.user,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    session_format=data["format"],
                    capacity=data["capacity"],
                    language=data["language"],
                    place=form.place(),
                    link=data.get("link") or "",
                    trainer=data.get("trainer"),
                    session=session,
                )
            except ServiceError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The session was saved."))
                return redirect("capacity:session", org=organisation.slug, pk=saved.pk)
        else:
            status = 422
    return render(
        request,
        "capacity/programmes/session_form.html",
        {
            "form": form,
            "module": module,
            "programme": module.programme,
            "session": session,
            "trail": programme_trail(request, module.programme),
        },
        status=status,
    )


@require_safe
@org_view("view")
def session(request: StaffRequest, pk: int) -> HttpResponse:
    found = get_session(request, pk)
    return render(
        request,
        "capacity/programmes/session.html",
        session_context(request, found),
    )


def session_context(request: StaffRequest, found: Session, **extra: object) -> dict[str, object]:
    registrations = list(selectors.session_registrations(found))
    mine = next((r for r in registrations if r.person_id == request.user.pk), None)
    return {
        "session": found,
        "module": found.module,
        "programme": found.module.programme,
        "registered": [r for r in registrations if r.status == "registered"],
        "waiting": [r for r in registrations if r.status == "waiting"],
        "cancelled": [r for r in registrations if r.status == "cancelled"],
        "mine": mine,
        "may_record": selectors.may_record_attendance(request.user, found),
        "person_form": extra.pop("person_form", None) or PersonForm(),
        "held": caps(request),
        "trail": programme_trail(request, found.module.programme),
        **extra,
    }


@require_POST
@org_view("edit")
def session_delete(request: StaffRequest, pk: int) -> HttpResponse:
    found = get_session(request, pk)
    programme_pk = found.module.programme_id
    try:
        services.delete_session(session=found, actor=request.user)
    except ServiceError as error:
        refuse(request, error)
        return redirect("capacity:session", org=found.organisation.slug, pk=pk)
    messages.success(request, _("The session was deleted."))
    return redirect("capacity:programme", org=found.organisation.slug, pk=programme_pk)


@require_POST
@org_view("edit")
def session_register(request: StaffRequest, pk: int) -> HttpResponse:
    """Register a colleague or resident by e-mail (an officer, for someone else)."""
    found = get_session(request, pk)
    form = PersonForm(request.POST)
    status = 422
    if form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            form.add_error("email", _("No account uses this e-mail address."))
        else:
            try:
                registration = services.register(
                    session=found,
                    person=person,
                    actor=request.user,
                )
            except ServiceError as error:
                status = refuse(request, error, form=form, field="email")
            else:
                if registration.status == "waiting":
                    messages.success(
                        request, _("The session is full: the person is on the waiting list.")
                    )
                else:
                    messages.success(request, _("The person is registered."))
                return redirect("capacity:session", org=found.organisation.slug, pk=pk)
    return render(
        request,
        "capacity/programmes/session.html",
        session_context(request, found, person_form=form),
        status=status,
    )


@require_POST
@org_view("edit")
def registration_cancel(request: StaffRequest, pk: int, registration_pk: int) -> HttpResponse:
    found = get_session(request, pk)
    registration = get_object_or_404(found.registrations, pk=registration_pk)
    try:
        services.cancel_registration(registration=registration, actor=request.user)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The registration was cancelled."))
    return redirect("capacity:session", org=found.organisation.slug, pk=pk)


@require_POST
@org_view("review")
def issue_certificates(request: StaffRequest, pk: int) -> HttpResponse:
    found = get_programme(request, pk)
    try:
        issued, revoked = certificates.start_issuing(
            programme=found,
            actor=request.user,
        )
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(
            request,
            _(
                "%(issued)d certificate(s) issued, %(revoked)d revoked or replaced. From now on "
                "certificates follow every change of attendance."
            )
            % {"issued": issued, "revoked": revoked},
        )
    return redirect("capacity:programme", org=found.organisation.slug, pk=pk)
