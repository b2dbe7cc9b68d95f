"""Forms of the core app. Errors are shown next to the field they concern.

The staff forms only parse: the rules that need the database (one membership per person,
a free short name, the last administrator) are checked by ``core.services``, whose
refusals the views put next to the field they concern.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import throttling
from .models import ApiKeyScope, Department, Membership, Organisation, Role, User
from .services import DEPARTMENT_FIELDS, MEMBERSHIP_FIELDS, SETTINGS_FIELDS


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form with a cool-down after repeated failures."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed attempts. For your safety, logging in to this account is "
            "paused for a while. Try again later or reset your password."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        client = throttling.client_address(self.request.META if self.request else {})
        if throttling.is_locked(username, client):
            raise ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            throttling.register_failure(username, client)
            raise
        throttling.reset(username, client)
        return cleaned


class SignupForm(forms.ModelForm):
    """A resident creates an account to manage their consents."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common or only-numeric password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["name", "email", "language"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("An account with this e-mail address exists. Log in or reset your password.")
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = User(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class MemberAddForm(forms.Form):
    """Add a colleague by e-mail; a new account is created when none exists."""

    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(
        label=_("Name"), max_length=150, required=False, help_text=_("For a new account.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["department"].queryset = organisation.departments.all()


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = MEMBERSHIP_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = self.instance.organisation.departments.all()


class ThemeForm(forms.ModelForm):
    additional_languages = forms.MultipleChoiceField(
        label=_("Other languages of the city's texts"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Staff enter descriptions, drafts and summaries in these languages too; "
            "residents read their language, or the default language when a text is missing."
        ),
    )

    class Meta:
        model = Organisation
        fields = SETTINGS_FIELDS
        widgets = {
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.additional_languages if self.instance else ""
        self.initial["additional_languages"] = [c for c in stored.split(",") if c]

    def clean_additional_languages(self) -> str:
        chosen = self.cleaned_data.get("additional_languages") or []
        default = self.cleaned_data.get("default_language") or self.data.get("default_language")
        codes = [code for code, _name in settings.LANGUAGES if code in chosen and code != default]
        return ",".join(codes)


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = DEPARTMENT_FIELDS


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Which system uses this key.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Allowed uses"),
        choices=ApiKeyScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_at = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a key that lasts until revoked."),
    )
