"""Operator admin. City staff work in the staff area; the admin is for platform operators."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import ApiKey, AuditEvent, Department, Membership, Organisation, User
from .translation import field_names


class AuditedAdmin(admin.ModelAdmin):
    """Record every change made through the admin in the audit log."""

    audit_organisation_field = "organisation"

    def _organisation(self, obj: Model) -> Organisation | None:
        if isinstance(obj, Organisation):
            return obj
        return getattr(obj, self.audit_organisation_field, None)

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        before = (
            audit.snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else {}
        )
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj)
        audit.record(
            actor=request.user,
            organisation=self._organisation(obj),
            action="update" if change else "create",
            obj=obj,
            changes=audit.diff(before, after) if change else after,
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit.delete(obj, actor=request.user, organisation=self._organisation(obj))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    prepopulated_fields = {"slug": (field_names("name")[0],)}


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "slug", "kind", "city", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [DepartmentInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation", "role", "department"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("name", "language")}),
        (
            _("Operator permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "created_by"]
    exclude = ["secret_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are issued in the staff area, where the secret is shown once


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "organisation", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type", "organisation"]
    search_fields = ["object_repr", "actor_label"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
