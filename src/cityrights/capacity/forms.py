"""Forms of the capacity app. City texts have one input per city language
(``TranslatedFormMixin``); errors are shown next to the field they concern."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrights.core.forms import choice_field, model_choice_field
from cityrights.core.models import Organisation, User
from cityrights.core.translation import (
    TranslatedFormMixin,
    current_language,
    field_names,
    translations,
)

from . import survey as survey_content
from .models import (
    Area,
    Audience,
    CertificateKind,
    Material,
    Module,
    Programme,
    Session,
    SurveyRound,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def translated_values(form: forms.BaseForm, name: str) -> dict[str, str]:
    """``{language: text}`` of a translated field from a bound form's cleaned data."""
    values: dict[str, str] = {}
    for column in field_names(name):
        if column in form.cleaned_data:
            values[column.rsplit("_", 1)[1]] = form.cleaned_data[column] or ""
    return values


# --------------------------------------------------------------------------------------
# Survey rounds
# --------------------------------------------------------------------------------------


class RoundForm(TranslatedFormMixin, forms.ModelForm):
    """Open (or change) a survey round: title, dates and who is asked."""

    translated_fields = ("title",)
    required_translations = ("title",)

    invite = forms.BooleanField(
        label=_("E-mail the answer link to everyone asked"),
        required=False,
        initial=True,
    )

    class Meta:
        model = SurveyRound
        fields = [*field_names("title"), "opens_on", "closes_on", "audience", "departments"]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "audience": forms.RadioSelect(),
            "departments": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_languages(organisation.content_languages)
        model_choice_field(self, "departments").queryset = organisation.departments.all()
        self.fields["departments"].help_text = _("Only when chosen departments are asked.")
        if self.instance.pk:
            # Who is asked is fixed once a round exists: answers were given to that question.
            for name in ("audience", "departments", "invite"):
                del self.fields[name]
        else:
            today = timezone.localdate()
            self.fields["opens_on"].initial = today
            self.fields["closes_on"].initial = today + timedelta(days=21)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("audience") == Audience.DEPARTMENTS and not cleaned.get("departments"):
            self.add_error("departments", _("Choose at least one department."))
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The round cannot close before it opens."))
        return cleaned

    def title_values(self) -> dict[str, str]:
        values = translations(self.instance, "title") if self.instance.pk else {}
        return {**values, **translated_values(self, "title")}


# --------------------------------------------------------------------------------------
# Answering the survey
# --------------------------------------------------------------------------------------


def _other_name(key: str) -> str:
    return f"{key}__other"


def _topic_name(key: str, topic: str) -> str:
    return f"{key}__{topic}"


class AnswerForm(forms.Form):
    """The survey's questions in the reader's language, built from the survey content."""

    def __init__(
        self, *args: Any, survey: survey_content.Survey, department: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        language = current_language()
        self.groups: list[dict[str, Any]] = []
        for question in survey.questions:
            label = question.text.get_text(language)
            help_text = question.help.get_text(language) if question.help else ""
            names: list[str] = []
            if question.kind == "topic-scale":
                scale = [(str(p.value), p.label.get_text(language)) for p in survey.scale]
                for topic in survey.topics:
                    name = _topic_name(question.key, topic.key)
                    self.fields[name] = forms.ChoiceField(
                        label=topic.name.get_text(language),
                        choices=scale,
                        required=question.required,
                        widget=forms.RadioSelect,
                        help_text=topic.description.get_text(language),
                    )
                    names.append(name)
            else:
                choices = [(o.key, o.label.get_text(language)) for o in question.options]
                field: forms.Field
                if question.kind == "single":
                    field = forms.ChoiceField(
                        choices=choices, required=question.required, widget=forms.RadioSelect
                    )
                else:
                    field = forms.MultipleChoiceField(
                        choices=choices,
                        required=question.required,
                        widget=forms.CheckboxSelectMultiple,
                    )
                field.label = label
                field.help_text = help_text
                self.fields[question.key] = field
                names.append(question.key)
                if question.other is not None:
                    self.fields[_other_name(question.key)] = forms.CharField(
                        label=question.other.get_text(language),
                        required=False,
                        max_length=survey_content.MAX_OTHER_CHARS,
                        widget=forms.Textarea(attrs={"rows": 3}),
                    )
                    names.append(_other_name(question.key))
            self.groups.append(
                {
                    "question": question,
                    "label": label,
                    "help": help_text,
                    "names": names,
                    "matrix": question.kind == "topic-scale",
                }
            )
        self.fields["share_department"] = forms.BooleanField(
            label=(
                _("Count my answers with my department (%(department)s)")
                % {"department": department}
                if department
                else _("Count my answers with my department")
            ),
            required=False,
            initial=True,
            help_text=_(
                "Results by department are only shown where at least five people answered. "
                "Untick to be counted in the city's figures only."
            ),
        )

    def grouped(self) -> list[dict[str, Any]]:
        """Questions with their bound fields, in survey order, for the template."""
        return [
            {**group, "fields": [self[name] for name in group["names"]]} for group in self.groups
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if self.errors:
            return cleaned
        try:
            self.answers, self.others = survey_content.clean_answers(
                self.survey, self._raw_answers(cleaned), self._raw_others(cleaned)
            )
        except survey_content.AnswerError as error:
            for key, reason in error.problems.items():
                self.add_error(key if key in self.fields else None, reason)
        return cleaned

    def _raw_answers(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for question in self.survey.questions:
            if question.kind == "topic-scale":
                raw[question.key] = {
                    topic.key: cleaned.get(_topic_name(question.key, topic.key)) or None
                    for topic in self.survey.topics
                    if cleaned.get(_topic_name(question.key, topic.key))
                }
            else:
                raw[question.key] = cleaned.get(question.key)
        return raw

    def _raw_others(self, cleaned: Mapping[str, Any]) -> dict[str, str]:
        return {
            q.key: cleaned.get(_other_name(q.key)) or ""
            for q in self.survey.questions
            if q.other is not None
        }


# --------------------------------------------------------------------------------------
# Programmes, modules, materials, sessions
# --------------------------------------------------------------------------------------


class ProgrammeForm(TranslatedFormMixin, forms.ModelForm):
    translated_fields = ("title", "description", "certificate_text")
    required_translations = ("title",)

    class Meta:
        model = Programme
        fields = [
            *field_names("title"),
            *field_names("description"),
            "audience",
            *field_names("certificate_text"),
        ]
        widgets = {
            "audience": forms.RadioSelect(),
            **{name: forms.Textarea(attrs={"rows": 4}) for name in field_names("description")},
            **{name: forms.Textarea(attrs={"rows": 3}) for name in field_names("certificate_text")},
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_languages(organisation.content_languages)

    def texts(self, name: str) -> dict[str, str]:
        values = translations(self.instance, name) if self.instance.pk else {}
        return {**values, **translated_values(self, name)}


class RulesForm(forms.Form):
    """The two rules, each optional: from how many distinct modules, up to how many."""

    completion = forms.BooleanField(label=_("Give certificates of completion"), required=False)
    completion_min = forms.IntegerField(
        label=_("from this many modules"), min_value=1, required=False
    )
    completion_max = forms.IntegerField(
        label=_("up to this many modules (empty: no limit)"), min_value=1, required=False
    )
    attendance = forms.BooleanField(label=_("Give certificates of attendance"), required=False)
    attendance_min = forms.IntegerField(
        label=_("from this many modules"), min_value=1, required=False
    )
    attendance_max = forms.IntegerField(
        label=_("up to this many modules (empty: no limit)"), min_value=1, required=False
    )

    @classmethod
    def for_programme(cls, programme: Programme, data: Any = None) -> RulesForm:
        initial: dict[str, Any] = {}
        for rule in programme.rules.all():
            initial[rule.kind] = True
            initial[f"{rule.kind}_min"] = rule.min_modules
            initial[f"{rule.kind}_max"] = rule.max_modules
        return cls(data, initial=initial)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        for kind in CertificateKind.values:
            if cleaned.get(kind) and not cleaned.get(f"{kind}_min"):
                self.add_error(f"{kind}_min", _("Say from how many modules."))
        return cleaned

    def rules(self) -> list[tuple[str, int, int | None]]:
        return [
            (kind, self.cleaned_data[f"{kind}_min"], self.cleaned_data.get(f"{kind}_max"))
            for kind in CertificateKind.values
            if self.cleaned_data.get(kind)
        ]


def topic_choices(language: str) -> list[tuple[str, str]]:
    from .services import latest_survey

    return [(t.key, t.name.get_text(language)) for t in latest_survey().survey.topics]


class ModuleForm(TranslatedFormMixin, forms.ModelForm):
    translated_fields = ("title", "description", "learning_goals")
    required_translations = ("title",)

    topics = forms.MultipleChoiceField(
        label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )
    areas = forms.MultipleChoiceField(
        label=_("Thematic areas of the Guide"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Area.choices,
    )

    class Meta:
        model = Module
        fields = [
            *field_names("title"),
            *field_names("description"),
            *field_names("learning_goals"),
            "position",
            "evaluation",
        ]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 4}) for name in field_names("description")},
            **{name: forms.Textarea(attrs={"rows": 4}) for name in field_names("learning_goals")},
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_languages(organisation.content_languages)
        choice_field(self, "topics").choices = topic_choices(current_language())
        if self.instance.pk:
            self.fields["topics"].initial = self.instance.topics
            self.fields["areas"].initial = self.instance.areas
        else:
            del self.fields["position"]

    def texts(self) -> dict[str, dict[str, str]]:
        found = {}
        for name in self.translated_fields:
            values = translations(self.instance, name) if self.instance.pk else {}
            found[name] = {**values, **translated_values(self, name)}
        return found


class MaterialForm(TranslatedFormMixin, forms.ModelForm):
    translated_fields = ("title",)
    required_translations = ("title",)

    class Meta:
        model = Material
        fields = [*field_names("title"), "file", "url"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_languages(organisation.content_languages)
        self.fields["file"].help_text = _("A PDF, slides or a document, at most %(mb)d MB.") % {
            "mb": max_upload_mb()
        }
        self.fields["url"].help_text = _("Or a link to a video, a page or a shared folder.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        upload, url = cleaned.get("file"), cleaned.get("url")
        if bool(upload) == bool(url):
            self.add_error("url", _("Give either a file or a link."))
        if upload and upload.size > max_upload_mb() * 1024 * 1024:
            self.add_error(
                "file", _("The file is larger than %(mb)d MB.") % {"mb": max_upload_mb()}
            )
        return cleaned


def max_upload_mb() -> int:
    """The largest material the installation accepts (its upload limit), in whole MB."""
    return max(1, settings.CITYRIGHTS_MAX_UPLOAD_BYTES // (1024 * 1024))


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SessionForm(TranslatedFormMixin, forms.ModelForm):
    translated_fields = ("place",)

    class Meta:
        model = Session
        fields = [
            "starts_at",
            "ends_at",
            "format",
            *field_names("place"),
            "link",
            "language",
            "trainer",
            "capacity",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "format": forms.RadioSelect(),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_languages(organisation.content_languages)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        members = User.objects.filter(memberships__organisation=organisation).order_by(
            "name", "email"
        )
        model_choice_field(self, "trainer").queryset = members
        self.fields["trainer"].required = False
        if not self.instance.pk:
            self.fields["language"].initial = organisation.default_language

    def place(self) -> dict[str, str]:
        values = translations(self.instance, "place") if self.instance.pk else {}
        return {**values, **translated_values(self, "place")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return cleaned


class PersonForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance list (CSV)"),
        help_text=_(
            "A header row, then one person per row: email, present (yes or no) and, for a "
            "whole programme, session (the session's number)."
        ),
    )


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well do you know this module's subject?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (1, _("1 · Not at all")),
            (2, _("2 · A little")),
            (3, _("3 · Fairly well")),
            (4, _("4 · Well")),
            (5, _("5 · Very well: I could explain it to others")),
        ],
    )


class RevokeForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the certificate revoked?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept for the city; the public verification page only says it is revoked."),
    )


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("Ten letters and digits, printed under the QR code (dashes may be left out)."),
    )


class VerifyCredentialForm(forms.Form):
    credential = forms.CharField(
        label=_("Credential (the text of the .jwt file)"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
