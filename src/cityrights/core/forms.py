"""Forms of the core app. Errors are shown next to the field they concern.

The staff forms only parse: the rules that need the database (one membership per person,
a free short name, the last administrator) are checked by ``core.services``, whose
refusals the views put next to the field they concern.
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import throttling
from .models import ApiKeyScope, Department, Membership, Organisation, Role
from .services import DEPARTMENT_FIELDS, MEMBERSHIP_FIELDS, SETTINGS_FIELDS
from .translation import TranslatedFormMixin


class ThrottledLoginForm(AuthenticationForm):
    """Django's log-in form, slowed down after wrong passwords (``core.throttling``).

    The site's log-in page and the operator admin's (which sends people here) both use it.
    After a refusal, ``wait`` holds the seconds to wait (0 when the password was checked).
    """

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    wait = 0

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        request = self.request
        attempt = throttling.LoginAttempt(
            account=username,
            client=throttling.client_address(request.META if request else {}),
            device=throttling.known_device(request, username) if request else "",
        )
        self.wait = throttling.login_begin(attempt)
        if self.wait:
            raise ValidationError(_wait_message(self.wait), code="throttled")
        cleaned = super().clean()  # a wrong password raises; the attempt stays counted
        throttling.login_succeeded(attempt)
        return cleaned


def _wait_message(seconds: int) -> str:
    if seconds < 120:
        wait = ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    else:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return gettext(
        "Several wrong passwords were tried for this account from here. For your safety, "
        "wait %(wait)s before the next try, or reset your password."
    ) % {"wait": wait}


class SignupForm(forms.Form):
    """A resident asks for an account; the password is chosen from the link in the mail.

    The form never says whether the address has an account already (see core.accounts).
    """

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a link to this address; with it you choose your password."),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)


class AccountForm(forms.Form):
    """What a person changes about their account themselves: the name shown to staff who
    handle their requests, and the language of what they are sent."""

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The e-mails we send you are in this language; these pages follow it too."),
    )


class ActivateAccountForm(SetPasswordForm):
    """Choose the password of a pending account, which makes it active."""

    def save(self, commit: bool = True) -> Any:
        self.user.is_active = True
        return super().save(commit=commit)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name``, known to take choices (set per city at run time)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field ``name``, known to pick model rows (narrowed per city at run time)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), name
    return field


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )


class MemberAddForm(forms.Form):
    """Add a colleague by e-mail; a new account is created when none exists."""

    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(
        label=_("Name"), max_length=150, required=False, help_text=_("For a new account.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        required=False,  # the city's default language when left out
        help_text=_(
            "For a new account: the language of the welcome e-mail and of their pages, "
            "until they choose another under My account."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        model_choice_field(self, "department").queryset = organisation.departments.all()
        self.fields["language"].initial = organisation.default_language


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = MEMBERSHIP_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(
            self, "department"
        ).queryset = self.instance.organisation.departments.all()


class ThemeForm(TranslatedFormMixin, forms.ModelForm):
    """The organisation's settings; its local name and postal address have one box per
    city language."""

    translated_fields = ("local_name", "postal_address")

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
        labels = {"name": _("Official name")}
        help_texts = {
            "name": _(
                "As in the city's legal documents. Consent receipts, certificates and annual "
                "reports carry it, whatever the reader's language."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.additional_languages if self.instance else ""
        self.initial["additional_languages"] = [c for c in stored.split(",") if c]
        self.limit_languages(self.instance.content_languages)

    def clean_additional_languages(self) -> str:
        chosen = self.cleaned_data.get("additional_languages") or []
        default = self.cleaned_data.get("default_language") or self.data.get("default_language")
        codes = [code for code, _name in settings.LANGUAGES if code in chosen and code != default]
        return ",".join(codes)


class DepartmentForm(TranslatedFormMixin, forms.ModelForm):
    """A department: its name in each of the city's languages (required in the first)."""

    translated_fields = ("name",)
    required_translations = ("name",)

    class Meta:
        model = Department
        fields = DEPARTMENT_FIELDS

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_languages(organisation.content_languages)

    def service_values(self) -> dict[str, Any]:
        """What ``services.create_department``/``update_department`` take."""
        return {
            "name": self.cleaned_translations("name"),
            "slug": self.cleaned_data["slug"],
            "contact_email": self.cleaned_data["contact_email"],
        }


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
