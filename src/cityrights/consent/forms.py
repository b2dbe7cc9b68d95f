"""Forms of the consent app. Vocabulary fields offer DPV terms by their labels."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityrights.core.forms import choice_field, model_choice_field
from cityrights.core.models import ApiKeyScope, Organisation, OrganisationKind
from cityrights.core.translation import TranslatedFormMixin, field_names

from . import services, terms
from .models import VERSION_TEXTS, AgreementVersion, EventKind, ProcessingAgreement


def _organisations(city: Organisation) -> Any:
    return Organisation.objects.filter(Q(pk=city.pk) | Q(city=city)).order_by("name")


class AgreementForm(TranslatedFormMixin, forms.ModelForm):
    translated_fields = ("title",)
    required_translations = ("title",)
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"),
        help_text=_("Only agreements based on consent can be granted and withdrawn by residents."),
    )

    class Meta:
        model = ProcessingAgreement
        fields = [*field_names("title"), "slug", "controller", "recipient", "legal_basis"]
        help_texts = {
            "slug": _("Letters, digits and hyphens; partners name the agreement by it in the API."),
        }

    def __init__(self, *args: Any, city: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.city = city
        self.limit_languages(city.content_languages)
        model_choice_field(self, "controller").queryset = _organisations(city)
        model_choice_field(self, "recipient").queryset = _organisations(city)
        choice_field(self, "legal_basis").choices = terms.choices("legal_basis")

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        taken = ProcessingAgreement.objects.filter(organisation=self.city, slug=slug)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Another agreement of the city uses this short name."))
        return slug

    def agreement_data(self) -> dict[str, Any]:
        """The cleaned values by column; the title of a language the city does not use is
        not in the form and stays as it is."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class AgreementTitleForm(TranslatedFormMixin, forms.ModelForm):
    """The agreement's title in each language of the city (it is no part of the frozen terms)."""

    translated_fields = ("title",)
    required_translations = ("title",)

    class Meta:
        model = ProcessingAgreement
        fields = field_names("title")

    def __init__(self, *args: Any, city: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_languages(city.content_languages)

    def title_data(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class VersionForm(TranslatedFormMixin, forms.ModelForm):
    translated_fields = VERSION_TEXTS
    required_translations = VERSION_TEXTS
    purposes = forms.MultipleChoiceField(
        label=_("Purposes"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Data categories"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    class Meta:
        model = AgreementVersion
        fields = [
            "purposes",
            "data_categories",
            *field_names("description"),
            *field_names("retention"),
            "expires_on",
            "consent_valid_days",
        ]
        widgets = {
            "expires_on": forms.DateInput(attrs={"type": "date"}),
            **{name: forms.Textarea(attrs={"rows": 5}) for name in field_names("description")},
        }

    def __init__(self, *args: Any, city: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_languages(city.content_languages)
        choice_field(self, "purposes").choices = terms.choices("purpose")
        choice_field(self, "data_categories").choices = terms.choices("category")

    def version_data(self) -> dict[str, Any]:
        """The cleaned values by column (only the languages of the city: others are kept)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        data["purposes"] = sorted(data["purposes"])
        data["data_categories"] = sorted(data["data_categories"])
        return data


class PaperConsentForm(forms.Form):
    agreement: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Agreement"), queryset=None
    )
    action = forms.ChoiceField(
        label=_("What the person signed"),
        widget=forms.RadioSelect,
        choices=[
            (EventKind.GRANT, _("Gives consent")),
            (EventKind.WITHDRAW, _("Withdraws consent")),
        ],
    )
    categories = forms.MultipleChoiceField(
        label=_("Data categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for the whole agreement."),
    )
    email = forms.EmailField(
        label=_("E-mail address of the person's account"),
        required=False,
        help_text=_("If the person has an account. Otherwise give an identifier below."),
    )
    identifier_kind = forms.ChoiceField(
        label=_("Identifier on the form"),
        required=False,
        choices=[
            ("", _("none")),
            ("library-card", _("Library card number")),
            ("resident-number", _("Resident number")),
            ("phone", _("Phone number")),
        ],
    )
    identifier_value = forms.CharField(label=_("Identifier value"), required=False, max_length=100)
    name = forms.CharField(
        label=_("Name on the form"),
        required=False,
        max_length=200,
        help_text=_("Stored only encrypted, and destroyed if the person asks for erasure."),
    )
    witness = forms.CharField(
        label=_("Witness"),
        max_length=200,
        help_text=_("The member of staff who saw the form signed."),
    )

    def __init__(self, *args: Any, city: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "agreement").queryset = ProcessingAgreement.objects.filter(
            organisation=city, consent_based=True, versions__status="published"
        ).distinct()
        choice_field(self, "categories").choices = terms.choices("category")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        agreement = cleaned.get("agreement")
        categories = cleaned.get("categories") or []
        if agreement is not None and categories:
            version = agreement.current_version()
            outside = [c for c in categories if version and c not in version.data_categories]
            if outside:
                self.add_error(
                    "categories",
                    _("Not part of this agreement: %(names)s")
                    % {"names": ", ".join(terms.label(c) for c in outside)},
                )
        has_identifier = cleaned.get("identifier_kind") and cleaned.get("identifier_value")
        if not cleaned.get("email") and not has_identifier:
            self.add_error("email", _("Give the account's e-mail address or an identifier."))
        if cleaned.get("identifier_kind") and not cleaned.get("identifier_value"):
            self.add_error("identifier_value", _("Give the identifier's value."))
        if has_identifier:
            try:
                services.identifier_digest(cleaned["identifier_kind"], cleaned["identifier_value"])
            except ValueError:
                self.add_error("identifier_value", _("This identifier is not valid."))
        return cleaned


class WebhookForm(forms.Form):
    recipient: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Recipient"), queryset=None
    )
    url = forms.URLField(
        label=_("Address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Withdrawal notices are sent here as signed JSON. It must use https://."),
    )

    def __init__(self, *args: Any, city: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "recipient").queryset = _organisations(city)

    def clean_url(self) -> str:
        try:
            return services.check_webhook_url(self.cleaned_data["url"])
        except services.ConsentError as error:
            raise ValidationError(error.message) from error


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "website", "contact_email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = [
            choice for choice in OrganisationKind.choices if choice[0] != OrganisationKind.CITY
        ]


class PartnerKeyForm(forms.Form):
    partner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Partner"), queryset=None)
    name = forms.CharField(label=_("Name of the key"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Allowed uses"),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (ApiKeyScope.CONSENT_CHECK.value, ApiKeyScope.CONSENT_CHECK.label),
            (ApiKeyScope.WEBHOOKS.value, ApiKeyScope.WEBHOOKS.label),
        ],
    )

    def __init__(self, *args: Any, city: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "partner").queryset = Organisation.objects.filter(city=city)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my consents are withdrawn and my identifying data destroyed."),
    )
