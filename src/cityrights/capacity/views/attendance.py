"""Attendance: the trainer's checklist (made for a phone), walk-ins and CSV import.

The session's trainer records attendance for their own sessions without any other
right; members who edit programmes record it for any session. Both are checked again
in ``services`` (``selectors.may_record_attendance``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cityrights.core.errors import ServiceError, refuse
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view

from .. import selectors, services
from ..forms import ImportForm, PersonForm
from ..models import RegistrationStatus, Session
from .common import get_programme, get_session, programme_trail


def _recordable(request: StaffRequest, pk: int) -> Session:
    found = get_session(request, pk)
    if not selectors.may_record_attendance(request.user, found):
        raise PermissionDenied(
            _("Only the session's trainer or a member who edits programmes records attendance.")
        )
    return found


def _checklist(request: OrgRequest, found: Session, **extra: object) -> dict[str, object]:
    registrations = list(
        selectors.session_registrations(found).exclude(status=RegistrationStatus.CANCELLED)
    )
    return {
        "session": found,
        "programme": found.module.programme,
        "registrations": registrations,
        "present": sum(1 for r in registrations if r.attended),
        "person_form": extra.pop("person_form", None) or PersonForm(),
        "import_form": extra.pop("import_form", None) or ImportForm(),
        "problems": extra.pop("problems", ()),
        "trail": programme_trail(request, found.module.programme),
        **extra,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("view")
def checklist(request: StaffRequest, pk: int) -> HttpResponse:
    found = _recordable(request, pk)
    if request.method == "POST":
        try:
            present = [int(value) for value in request.POST.getlist("present")]
        except ValueError:
            present = None
        if present is None:
            messages.error(request, _("The list was not understood; nothing was recorded."))
            return render(
                request, "capacity/attendance.html", _checklist(request, found), status=400
            )
        try:
            counts = services.record_attendance(
                session=found,
                actor=request.user,
                present=present,
            )
        except ServiceError as error:
            status = refuse(request, error)
            return render(
                request, "capacity/attendance.html", _checklist(request, found), status=status
            )
        messages.success(
            request,
            _("Attendance saved: %(present)d present, %(absent)d absent.") % counts,
        )
        return redirect("capacity:attendance", org=found.organisation.slug, pk=pk)
    return render(request, "capacity/attendance.html", _checklist(request, found))


@require_POST
@org_view("view")
def walk_in(request: StaffRequest, pk: int) -> HttpResponse:
    found = _recordable(request, pk)
    form = PersonForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.add_walk_in(
                session=found,
                actor=request.user,
                email=form.cleaned_data["email"],
            )
        except ServiceError as error:
            status = refuse(request, error, form=form, field="email")
        else:
            messages.success(request, _("The person was added as present."))
            return redirect("capacity:attendance", org=found.organisation.slug, pk=pk)
    return render(
        request,
        "capacity/attendance.html",
        _checklist(request, found, person_form=form),
        status=status,
    )


@require_POST
@org_view("view")
def import_session(request: StaffRequest, pk: int) -> HttpResponse:
    found = _recordable(request, pk)
    form = ImportForm(request.POST, request.FILES)
    problems: tuple = ()
    status = 422
    if form.is_valid():
        try:
            counts = services.import_attendance(
                programme=found.module.programme,
                actor=request.user,
                data=form.cleaned_data["file"].read(),
                session=found,
            )
        except services.AttendanceImportError as error:
            problems = error.problems
            form.add_error("file", error.message)
        except ServiceError as error:
            status = refuse(request, error, form=form, field="file")
        else:
            messages.success(
                request,
                _("Imported: %(present)d present, %(absent)d absent, %(added)d added.") % counts,
            )
            return redirect("capacity:attendance", org=found.organisation.slug, pk=pk)
    return render(
        request,
        "capacity/attendance.html",
        _checklist(request, found, import_form=form, problems=problems),
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def import_programme(request: StaffRequest, pk: int) -> HttpResponse:
    found = get_programme(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: tuple = ()
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                counts = services.import_attendance(
                    programme=found,
                    actor=request.user,
                    data=form.cleaned_data["file"].read(),
                )
            except services.AttendanceImportError as error:
                problems = error.problems
                form.add_error("file", error.message)
            except ServiceError as error:
                status = refuse(request, error, form=form, field="file")
            else:
                messages.success(
                    request,
                    _("Imported: %(present)d present, %(absent)d absent, %(added)d added.")
                    % counts,
                )
                return redirect("capacity:programme", org=found.organisation.slug, pk=pk)
    return render(
        request,
        "capacity/programmes/import.html",
        {
            "programme": found,
            "form": form,
            "problems": problems,
            "sessions": selectors.sessions_of(found.organisation).filter(module__programme=found),
            "trail": programme_trail(request, found),
        },
        status=status,
    )
