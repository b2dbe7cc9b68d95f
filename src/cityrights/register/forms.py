"""Forms of the register: entry drafts, locations, workflow notes, questions, import."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator, URLValidator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from cityrights.core.forms import choice_field, model_choice_field
from cityrights.core.models import Department
from cityrights.core.translation import TranslatedFormMixin, field_names

from .models import (
    ENTRY_TEXTS,
    LOCATION_TEXTS,
    REQUIRED_ENTRY_TEXTS,
    Entry,
    Location,
    Question,
    QuestionStatus,
)
from .records import ALGORITHM_TEXTS
from .services import EDITABLE_FIELDS, TERM_FIELDS
from .terms import choices as term_choices
from .terms import clean_terms


def _textareas(rows: dict[str, int]) -> dict[str, forms.Textarea]:
    return {
        column: forms.Textarea(attrs={"rows": count})
        for name, count in rows.items()
        for column in field_names(name)
    }


class EntryForm(TranslatedFormMixin, forms.ModelForm):
    """A draft entry. Vocabulary fields are lists of IRIs validated against ``core.vocab``.

    Each text residents read has one input per city language; the name and the summary
    are required in the city's first language, the others may be translated later (the
    entry page lists what is missing before publication).
    """

    translated_fields = ENTRY_TEXTS
    required_translations = REQUIRED_ENTRY_TEXTS

    purposes = forms.MultipleChoiceField(
        label=_("Purposes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Why the city uses it. Choose at least one before submitting."),
        required=False,
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Personal data processed"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    legal_bases = forms.MultipleChoiceField(
        label=_("Legal basis"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    areas = forms.MultipleChoiceField(
        label=_("Thematic areas of the Digital Rights Governance Guide"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    dataset_links = forms.CharField(
        label=_("Dataset links"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One web address per line."),
    )

    class Meta:
        model = Entry
        fields = [name for name in EDITABLE_FIELDS if name != "dataset_urls"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            **_textareas(
                {"summary": 4, "details": 6, "human_oversight": 3}
                | dict.fromkeys(ALGORITHM_TEXTS, 3)
            ),
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.limit_languages(organisation.content_languages)
        model_choice_field(self, "department").queryset = Department.objects.filter(
            organisation=organisation
        )
        lang = get_language()
        for name, kind in TERM_FIELDS.items():
            field = choice_field(self, name)
            field.choices = term_choices(kind, lang)
            if self.instance.pk and not self.is_bound:
                self.initial[name] = self.instance.values_of(kind)
        if self.instance.pk and not self.is_bound:
            self.initial["dataset_links"] = "\n".join(self.instance.dataset_urls or [])

    def clean_dataset_links(self) -> list[str]:
        urls = [line.strip() for line in self.cleaned_data["dataset_links"].splitlines()]
        urls = [url for url in urls if url]
        validate = URLValidator(schemes=["http", "https"])
        for url in urls:
            try:
                validate(url)
            except ValidationError as error:
                raise ValidationError(
                    _("'%(url)s' is not a web address.") % {"url": url[:100]}
                ) from error
        return urls[:20]

    def _clean_terms(self, name: str) -> list[str]:
        return clean_terms(TERM_FIELDS[name], self.cleaned_data.get(name) or [])

    def clean_purposes(self) -> list[str]:
        return self._clean_terms("purposes")

    def clean_data_categories(self) -> list[str]:
        return self._clean_terms("data_categories")

    def clean_legal_bases(self) -> list[str]:
        return self._clean_terms("legal_bases")

    def clean_areas(self) -> list[str]:
        return self._clean_terms("areas")

    def entry_data(self) -> dict[str, Any]:
        """The columns this form showed (a language the city dropped keeps its stored text)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        data["dataset_urls"] = self.cleaned_data["dataset_links"]
        return data

    def term_data(self) -> dict[str, list[str]]:
        return {kind: self.cleaned_data[name] for name, kind in TERM_FIELDS.items()}


class CoordinateField(forms.DecimalField):
    """Decimal degrees as people paste them from a map: any precision, rounded to 6 places.

    6 decimal places is about 10 cm, far finer than a sign on a lamp post needs; refusing a
    value copied with 7 or 14 places would only make editors retype it.
    """

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        super().__init__(min_value=-limit, max_value=limit, **kwargs)

    def clean(self, value: Any) -> Any:
        number = super().clean(value)
        return None if number is None else number.quantize(Decimal("0.000001"))


class LocationForm(TranslatedFormMixin, forms.ModelForm):
    """One place of an entry; each coordinate gets at most one error, next to its field.

    The description has one input per city language, required in the first.
    """

    translated_fields = LOCATION_TEXTS
    required_translations = LOCATION_TEXTS

    latitude = CoordinateField(
        limit=90,
        label=_("Latitude"),
        help_text=_("Decimal degrees (WGS 84), between -90 and 90."),
    )
    longitude = CoordinateField(
        limit=180,
        label=_("Longitude"),
        help_text=_("Decimal degrees (WGS 84), between -180 and 180."),
    )

    class Meta:
        model = Location
        fields = [*field_names("description"), "latitude", "longitude"]

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_languages(organisation.content_languages)

    def descriptions(self) -> dict[str, str]:
        """``{language: text}`` of the languages this form showed."""
        return {
            column.rsplit("_", 1)[1]: self.cleaned_data[column]
            for column in field_names("description")
            if column in self.fields
        }


class NoteForm(forms.Form):
    """A short text that goes with a workflow step (change summary, reason, note)."""

    text = forms.CharField(
        label=_("Note"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, label: str = "", required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
        self.fields["text"].required = required


class QuestionForm(forms.ModelForm):
    """Anyone may ask; a honeypot field and a minimum filling time keep most robots out."""

    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Question
        fields = ["message", "contact_email"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].validators.append(MinLengthValidator(10))
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt="register-question")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("website"):
            raise ValidationError(_("Your message could not be sent."), code="spam")
        minimum = getattr(settings, "CITYRIGHTS_REGISTER_QUESTION_MIN_SECONDS", 3)
        try:
            started = float(
                signing.loads(data.get("started") or "", salt="register-question", max_age=86400)
            )
        except (signing.BadSignature, TypeError, ValueError):
            raise ValidationError(
                _("The form expired. Please copy your message and send it again."), code="stale"
            ) from None
        if time.time() - started < minimum:
            raise ValidationError(
                _("That was very fast. Please check your message and send it again."),
                code="too_fast",
            )
        return data


class QuestionHandleForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=QuestionStatus.choices)
    note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_("One entry per row; the first row names the columns. At most 2 MB."),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > self.MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)d KB; the limit is %(limit)d KB.")
                % {"size": upload.size // 1024, "limit": self.MAX_BYTES // 1024}
            )
        return upload


class SignBatchForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    size = forms.ChoiceField(label=_("Paper size"), choices=[("a4", "A4"), ("a5", "A5")])

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .selectors import sign_counts

        counts = sign_counts(organisation)
        field = model_choice_field(self, "department")
        field.queryset = Department.objects.filter(organisation=organisation, pk__in=counts)
        # Django's documented way to label choices per instance without a subclass.
        field.label_from_instance = lambda department: (  # type: ignore[method-assign,assignment]
            ngettext(
                "%(name)s (%(count)d sign)", "%(name)s (%(count)d signs)", counts[department.pk]
            )
            % {"name": department.name, "count": counts[department.pk]}
        )
        field.help_text = _("Only departments with published entries are listed.")
