"""The staff area of an organisation: dashboard, members, departments, keys, theme, audit log.

Every view is decorated with ``org_view(capability)``; every change is audited.
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import audit
from ..forms import ApiKeyForm, DepartmentForm, MemberAddForm, MembershipForm, ThemeForm
from ..mail import send_welcome
from ..models import ApiKey, AuditEvent, Department, Membership, Role, User
from ..permissions import capabilities
from ..registry import registry
from ..tenancy import org_view


@org_view("view")
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    held = capabilities(request.user, organisation)
    panels = []
    for capability, provider in registry.staff_panels:
        if capability in held:
            section = provider(request, organisation)
            if section is not None:
                panels.append(section)
    panels.sort(key=lambda section: section.order)
    recent = AuditEvent.objects.filter(organisation=organisation)[:8] if "manage" in held else []
    return render(
        request,
        "core/staff/dashboard.html",
        {"panels": panels, "recent_events": recent, "held": held},
    )


@org_view("manage")
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    form = MemberAddForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            email = form.cleaned_data["email"]
            user = User.objects.filter(email__iexact=email).first()
            created = user is None
            if user is None:
                user = User.objects.create_user(email=email, name=form.cleaned_data["name"])
            membership = Membership.objects.create(
                user=user,
                organisation=organisation,
                role=form.cleaned_data["role"],
                department=form.cleaned_data["department"],
            )
            audit.record(
                actor=request.user,
                organisation=organisation,
                action="create",
                obj=membership,
                changes={"role": membership.role, "department": membership.department},
            )
        if created:
            send_welcome(user, organisation)
        messages.success(request, _("%(email)s was added.") % {"email": email})
        return redirect("core:members", org=organisation.slug)
    memberships = organisation.memberships.select_related("user", "department")
    return render(request, "core/staff/members.html", {"form": form, "memberships": memberships})


@org_view("manage")
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    membership = get_object_or_404(Membership, pk=pk, organisation=organisation)
    before = audit.snapshot(membership, ["role", "department"])
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST":
        if "remove" in request.POST:
            return _remove_member(request, membership)
        if form.is_valid():
            with transaction.atomic():
                form.save()
                audit.record(
                    actor=request.user,
                    organisation=organisation,
                    action="update",
                    obj=membership,
                    changes=audit.diff(before, audit.snapshot(membership, ["role", "department"])),
                )
            messages.success(request, _("The membership was updated."))
            return redirect("core:members", org=organisation.slug)
    return render(request, "core/staff/member_edit.html", {"form": form, "membership": membership})


def _remove_member(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    others = organisation.memberships.filter(role=Role.ADMIN).exclude(pk=membership.pk)
    if membership.role == Role.ADMIN and not others.exists():
        messages.error(request, _("The organisation needs at least one administrator."))
        return redirect("core:member_edit", org=organisation.slug, pk=membership.pk)
    audit.delete(
        membership, actor=request.user, organisation=organisation, changes={"role": membership.role}
    )
    messages.success(request, _("The member was removed."))
    return redirect("core:members", org=organisation.slug)


@org_view("manage")
@require_http_methods(["GET", "POST"])
def departments(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    form = DepartmentForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            department = form.save(commit=False)
            department.organisation = organisation
            department.save()
            audit.record(
                actor=request.user,
                organisation=organisation,
                action="create",
                obj=department,
                changes=audit.snapshot(department, ["name", "slug", "contact_email"]),
            )
        messages.success(request, _("The department was added."))
        return redirect("core:departments", org=organisation.slug)
    return render(
        request,
        "core/staff/departments.html",
        {"form": form, "departments": organisation.departments.all()},
    )


@org_view("manage")
@require_http_methods(["GET", "POST"])
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    department = get_object_or_404(Department, pk=pk, organisation=organisation)
    fields = ["name", "slug", "contact_email"]
    before = audit.snapshot(department, fields)
    form = DepartmentForm(request.POST or None, instance=department, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record(
                actor=request.user,
                organisation=organisation,
                action="update",
                obj=department,
                changes=audit.diff(before, audit.snapshot(department, fields)),
            )
        messages.success(request, _("The department was updated."))
        return redirect("core:departments", org=organisation.slug)
    return render(
        request, "core/staff/department_edit.html", {"form": form, "department": department}
    )


@org_view("manage")
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    fields = list(ThemeForm.Meta.fields)
    before = audit.snapshot(organisation, fields)
    form = ThemeForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record(
                actor=request.user,
                organisation=organisation,
                action="update",
                obj=organisation,
                changes=audit.diff(before, audit.snapshot(organisation, fields)),
            )
        messages.success(request, _("The settings were saved."))
        return redirect("core:settings", org=organisation.slug)
    return render(request, "core/staff/settings.html", {"form": form})


@org_view("manage")
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    form = ApiKeyForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires_at"]
        expires_at = timezone.make_aware(datetime.combine(expires, time.max)) if expires else None
        with transaction.atomic():
            key, new_secret = ApiKey.issue(
                organisation,
                form.cleaned_data["name"],
                form.cleaned_data["scopes"],
                created_by=request.user,
                expires_at=expires_at,
            )
            audit.record(
                actor=request.user,
                organisation=organisation,
                action="create",
                obj=key,
                changes={"scopes": key.scopes, "expires_at": key.expires_at},
            )
        form = ApiKeyForm()
    keys = organisation.api_keys.all()
    return render(
        request,
        "core/staff/api_keys.html",
        {"form": form, "keys": keys, "new_secret": new_secret},
    )


@org_view("manage")
@require_POST
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    key = get_object_or_404(ApiKey, pk=pk, organisation=organisation)
    if key.revoked_at is None:
        with transaction.atomic():
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            audit.record(
                actor=request.user,
                organisation=organisation,
                action="revoke",
                obj=key,
                changes={"revoked_at": key.revoked_at},
            )
        messages.success(request, _("The key was revoked. Software using it is now refused."))
    return redirect("core:api_keys", org=organisation.slug)


@org_view("manage")
def audit_log(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    events = AuditEvent.objects.filter(organisation=organisation)
    action = request.GET.get("action", "").strip()
    object_type = request.GET.get("type", "").strip()
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    types = (
        AuditEvent.objects.filter(organisation=organisation)
        .order_by()
        .values_list("object_type", flat=True)
        .distinct()
    )
    actions = (
        AuditEvent.objects.filter(organisation=organisation)
        .order_by()
        .values_list("action", flat=True)
        .distinct()
    )
    return render(
        request,
        "core/staff/audit_log.html",
        {
            "page": page,
            "types": sorted(types),
            "actions": sorted(actions),
            "selected_type": object_type,
            "selected_action": action,
        },
    )
