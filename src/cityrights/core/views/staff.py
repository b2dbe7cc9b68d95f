"""The staff area of an organisation: dashboard, members, departments, keys, theme, audit log.

Every view is decorated with ``org_view(capability)``; the changes are made (and audited)
by ``core.services``, the lists read through ``core.selectors``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors, services
from ..errors import ServiceError, refuse
from ..forms import ApiKeyForm, DepartmentForm, MemberAddForm, MembershipForm, ThemeForm
from ..input import upload_limit
from ..models import LOGO_MAX_BYTES, ApiKey, Department, Membership
from ..permissions import capabilities
from ..tenancy import StaffRequest, org_view


@org_view("view")
def dashboard(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    held = capabilities(request.user, organisation)
    panels = selectors.staff_panels(request, organisation, held)
    recent = selectors.audit_events(organisation)[:8] if "manage" in held else []
    return render(
        request,
        "core/staff/dashboard.html",
        {"panels": panels, "recent_events": recent, "held": held},
    )


@org_view("manage")
@require_http_methods(["GET", "HEAD", "POST"])
def members(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    form = MemberAddForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_member(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            refuse(request, error, form=form)
        else:
            messages.success(request, _("%(email)s was added.") % {"email": membership.user.email})
            return redirect("core:members", org=organisation.slug)
    return render(
        request,
        "core/staff/members.html",
        {"form": form, "memberships": selectors.memberships(organisation)},
    )


@org_view("manage")
@require_http_methods(["GET", "HEAD", "POST"])
def member_edit(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    membership = get_object_or_404(Membership, pk=pk, organisation=organisation)
    if request.method == "POST" and "remove" in request.POST:
        return _remove_member(request, membership)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_membership(
                membership=membership, actor=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            refuse(request, error, form=form)
        else:
            messages.success(request, _("The membership was updated."))
            return redirect("core:members", org=organisation.slug)
    return render(request, "core/staff/member_edit.html", {"form": form, "membership": membership})


def _remove_member(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    try:
        services.remove_member(membership=membership, actor=request.user)
    except ServiceError as error:
        refuse(request, error)
        return redirect("core:member_edit", org=organisation.slug, pk=membership.pk)
    messages.success(request, _("The member was removed."))
    return redirect("core:members", org=organisation.slug)


@org_view("manage")
@require_http_methods(["GET", "HEAD", "POST"])
def departments(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    form = DepartmentForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_department(
                organisation=organisation, actor=request.user, **form.service_values()
            )
        except ServiceError as error:
            refuse(request, error, form=form)
        else:
            messages.success(request, _("The department was added."))
            return redirect("core:departments", org=organisation.slug)
    return render(
        request,
        "core/staff/departments.html",
        {"form": form, "departments": selectors.departments(organisation)},
    )


@org_view("manage")
@require_http_methods(["GET", "HEAD", "POST"])
def department_edit(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    department = get_object_or_404(Department, pk=pk, organisation=organisation)
    form = DepartmentForm(request.POST or None, instance=department, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_department(
                department=department, actor=request.user, **form.service_values()
            )
        except ServiceError as error:
            refuse(request, error, form=form)
        else:
            messages.success(request, _("The department was updated."))
            return redirect("core:departments", org=organisation.slug)
    return render(
        request, "core/staff/department_edit.html", {"form": form, "department": department}
    )


@upload_limit(LOGO_MAX_BYTES)
@org_view("manage")
@require_http_methods(["GET", "HEAD", "POST"])
def settings_view(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    form = ThemeForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(
                organisation=organisation, actor=request.user, values=form.cleaned_data
            )
        except ServiceError as error:
            refuse(request, error, form=form)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("core:settings", org=organisation.slug)
    return render(request, "core/staff/settings.html", {"form": form})


@org_view("manage")
@require_http_methods(["GET", "HEAD", "POST"])
def api_keys(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    form = ApiKeyForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _key, new_secret = services.issue_api_key(
            organisation=organisation,
            actor=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_on=form.cleaned_data["expires_at"],
        )
        form = ApiKeyForm()
    return render(
        request,
        "core/staff/api_keys.html",
        {"form": form, "keys": selectors.api_keys(organisation), "new_secret": new_secret},
    )


@org_view("manage")
@require_POST
def api_key_revoke(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    key = get_object_or_404(ApiKey, pk=pk, organisation=organisation)
    if services.revoke_api_key(key=key, actor=request.user):
        messages.success(request, _("The key was revoked. Software using it is now refused."))
    return redirect("core:api_keys", org=organisation.slug)


@org_view("manage")
def audit_log(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    action = request.GET.get("action", "").strip()
    object_type = request.GET.get("type", "").strip()
    events = selectors.audit_events(organisation, action=action, object_type=object_type)
    types, actions = selectors.audit_filter_choices(organisation)
    return render(
        request,
        "core/staff/audit_log.html",
        {
            "page": Paginator(events, 50).get_page(request.GET.get("page")),
            "types": types,
            "actions": actions,
            "selected_type": object_type,
            "selected_action": action,
        },
    )
