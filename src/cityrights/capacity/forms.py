"""Forms of the capacity app. City texts have one input per city language
(``TranslatedFormMixin``); errors are shown next to the field they concern."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrights.core.models import Organisation
from cityrights.core.translation import (
    TranslatedFormMixin,
    current_language,
    field_names,
    translations,
)

from . import survey as survey_content
from .models import Audience, SurveyRound


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
        self.fields["departments"].queryset = organisation.departments.all()
        self.fields["departments"].help_text = _("Only when chosen departments are asked.")
        if self.instance.pk:
            # Who is asked is fixed once a round exists: answers were given to that question.
            for name in ("audience", "departments", "invite"):
                del self.fields[name]
        else:
            today = timezone.localdate()
            self.fields["opens_on"].initial = today
            self.fields["closes_on"].initial = today + timezone.timedelta(days=21)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
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
        cleaned = super().clean()
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
