"""Forms of the assessment app. Every error is shown next to the field it concerns."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrights.core.forms import choice_field, model_choice_field
from cityrights.core.input import unstorable_path
from cityrights.core.models import Organisation, Role, User
from cityrights.core.translation import TranslatedFormMixin, field_names, labelled

from .framework import Framework, Question
from .models import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    FrameworkVersion,
    Horizon,
    RoadmapAction,
)
from .scoring import DONT_KNOW, NOT_APPLICABLE
from .services import AnswerInput
from .units import unit_label

IMPORT_MAX_BYTES = 5 * 1024 * 1024


class OpenCycleForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    framework = forms.ModelChoiceField(
        label=_("Framework version"),
        queryset=FrameworkVersion.objects.all(),
        empty_label=None,
        help_text=_("The questionnaire the cycle is answered with. It never changes later."),
    )
    copy_assignments = forms.BooleanField(
        label=_("Copy the section assignments of the previous cycle"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["year"].initial = next_free_year(organisation)
        latest = FrameworkVersion.objects.order_by("-loaded_at").first()
        if latest is not None:
            self.fields["framework"].initial = latest.pk

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if self.organisation.assessment_cycles.filter(year=year).exists():
            raise ValidationError(_("There is already an assessment for this year."))
        return year


def next_free_year(organisation: Organisation) -> int:
    """The year offered when opening a cycle: this year, or the year after the latest cycle.

    Offering a year that already has a cycle would only produce an error on submit.
    """
    this_year = timezone.now().year
    latest = organisation.assessment_cycles.order_by("-year").values_list("year", flat=True).first()
    if latest is None or latest < this_year:
        return this_year
    return latest + 1


def editor_members(organisation: Organisation) -> Any:
    """People who may answer questions: editors and administrators of the organisation."""
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__role__in=[Role.EDITOR, Role.ADMIN],
    ).order_by("name", "email")


class AssignmentForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), required=False)
    pillar = forms.ChoiceField(label=_("Pillar"), required=False)
    department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,  # set in __init__
        required=False,
        help_text=_("Every editor of this department may answer the section."),
    )
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Named respondent"),
        queryset=None,
        required=False,
        help_text=_("An editor or administrator of the city."),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, framework: Framework, language: str, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        choice_field(self, "area").choices = [("", _("Every area"))] + [
            (a.key, a.name.get_text(language)) for a in framework.areas
        ]
        choice_field(self, "pillar").choices = [("", _("Every pillar"))] + [
            (p.key, p.name.get_text(language)) for p in framework.pillars
        ]
        model_choice_field(self, "department").queryset = organisation.departments.all()
        model_choice_field(self, "user").queryset = editor_members(organisation)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if not data.get("area") and not data.get("pillar"):
            self.add_error("area", _("Choose an area, a pillar, or both."))
        if not data.get("department") and not data.get("user"):
            self.add_error("department", _("Choose a department or a named respondent."))
        return data


def value_choices(framework: Framework, question: Question | None, language: str) -> list:
    choices: list[tuple[str, str]] = [("", str(_("No answer yet")))]
    for level in framework.scale.levels:
        label = f"{level.number} · {level.name.get_text(language)}"
        if question is not None:
            label = labelled(label, question.descriptor(level.number).get_text(language))
        choices.append((str(level.number), label))
    choices.append((DONT_KNOW, str(_("Don't know"))))
    choices.append((NOT_APPLICABLE, str(_("Not applicable"))))
    return choices


def validate_evidence_file(file: Any) -> None:
    if file and file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": EVIDENCE_MAX_BYTES // 1_048_576}
        )


class QuestionnaireForm(forms.Form):
    """All questions of one section a person may answer; fields are prefixed by question key."""

    def __init__(
        self,
        *args: Any,
        framework: Framework,
        questions: list[Question],
        answers: dict[str, Any],
        language: str,
        read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            key = question.key
            answer = answers.get(key)
            self.fields[f"{key}-value"] = forms.ChoiceField(
                label=_("Your answer"),
                choices=value_choices(framework, question, language),
                required=False,
                widget=forms.RadioSelect,
                initial=answer.value if answer else "",
            )
            self.fields[f"{key}-evidence_text"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=answer.evidence_text if answer else "",
                help_text=_("What shows that this level is reached (documents, decisions)."),
            )
            self.fields[f"{key}-evidence_link"] = forms.URLField(
                label=_("Link to evidence"),
                required=False,
                max_length=500,
                assume_scheme="https",
                initial=answer.evidence_link if answer else "",
            )
            self.fields[f"{key}-evidence_file"] = forms.FileField(
                label=_("Evidence file"),
                required=False,
                validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS), validate_evidence_file],
                help_text=_("PDF, image, office document, text or CSV; at most %(mb)s MB.")
                % {"mb": EVIDENCE_MAX_BYTES // 1_048_576},
            )
            if answer is not None and answer.evidence_file:
                self.fields[f"{key}-remove_file"] = forms.BooleanField(
                    label=_("Remove the file %(name)s")
                    % {"name": answer.evidence_file.name.rsplit("/", 1)[-1]},
                    required=False,
                )
            self.fields[f"{key}-comment"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.comment if answer else "",
            )
        if read_only:
            # A submitted or validated cycle is shown for reading: the fields are disabled
            # so nobody types answers that the server would refuse anyway.
            for field in self.fields.values():
                field.disabled = True

    def question_errors(self) -> list[tuple[Question, list[tuple[str, str, str]]]]:
        """Errors grouped by question, for the summary at the top of a long questionnaire:
        each as (the id of the input to link to, the field's label, the errors)."""
        grouped = []
        for question in self.questions:
            errors = []
            for name in self.fields:
                if not name.startswith(f"{question.key}-") or name not in self.errors:
                    continue
                bound = self[name]
                # A group of radio buttons has no single input: link to its first button.
                target = bound.auto_id + ("_0" if bound.widget_type == "radioselect" else "")
                messages = " ".join(str(error) for error in self.errors[name])
                errors.append((target, str(bound.label), messages))
            if errors:
                grouped.append((question, errors))
        return grouped

    def valid_questions(self) -> list[Question]:
        """The questions none of whose fields has an error (after ``is_valid()``): these can
        be saved even when another question of the page cannot."""
        return [
            q
            for q in self.questions
            if not any(name.startswith(f"{q.key}-") for name in self.errors)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        for question in self.questions:
            key = question.key
            if data.get(f"{key}-value"):
                continue
            extra = [
                data.get(f"{key}-evidence_text"),
                data.get(f"{key}-evidence_link"),
                data.get(f"{key}-evidence_file"),
                data.get(f"{key}-comment"),
            ]
            if any(extra):
                self.add_error(
                    f"{key}-value",
                    _(
                        "Choose a level, don't know or not applicable "
                        "to save evidence or a comment."
                    ),
                )
        return data

    def answer_inputs(self, answered: Collection[str]) -> list[AnswerInput]:
        """What to save of the valid questions: every one given a value now, and every one
        in ``answered`` before (an empty value then clears that answer)."""
        data = self.cleaned_data
        return [
            AnswerInput(
                question=q.key,
                value=data[f"{q.key}-value"],
                evidence_text=data[f"{q.key}-evidence_text"],
                evidence_link=data[f"{q.key}-evidence_link"],
                comment=data[f"{q.key}-comment"],
                evidence_file=data.get(f"{q.key}-evidence_file") or None,
                remove_file=bool(data.get(f"{q.key}-remove_file")),
            )
            for q in self.valid_questions()
            if data[f"{q.key}-value"] or q.key in answered
        ]

    def bound_fields(self, question: Question) -> list[forms.BoundField]:
        names = ["value", "evidence_text", "evidence_link", "evidence_file", "remove_file"]
        names.append("comment")
        return [
            self[f"{question.key}-{name}"]
            for name in names
            if f"{question.key}-{name}" in self.fields
        ]


class ResolveForm(forms.Form):
    value = forms.ChoiceField(label=_("Resolved answer"), required=False, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the assessment and in the audit log."),
    )

    def __init__(
        self, *args: Any, framework: Framework, question: Question, language: str, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        choices = value_choices(framework, question, language)
        choices[0] = ("", str(_("No resolution: use the respondents' median")))
        choice_field(self, "value").choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("value") and not data.get("note", "").strip():
            self.add_error("note", _("Say briefly why you resolved the answer this way."))
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the assessment reopened?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionForm(TranslatedFormMixin, forms.ModelForm):
    """A roadmap action; its title and description once per language of the city."""

    translated_fields = ("title", "description")
    required_translations = ("title",)

    class Meta:
        model = RoadmapAction
        fields = [
            *field_names("title"),
            *field_names("description"),
            "owner",
            "horizon",
            "due_date",
            "status",
            "kpi_key",
            "baseline",
            "target",
            "target_level",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": 4}) for name in field_names("description")},
        }

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        framework: Framework | None,
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.limit_languages(organisation.content_languages)
        model_choice_field(self, "owner").queryset = organisation.departments.all()
        choice_field(self, "horizon").choices = Horizon.choices
        self.fields["kpi_key"].label = _("Indicator (KPI)")
        if framework is not None:
            kpis: dict[str, str] = {}
            for recommendation in framework.recommendations:
                for kpi in recommendation.kpis:
                    name = kpi.name.get_text(language)
                    kpis.setdefault(kpi.key, f"{name} ({unit_label(kpi.unit)})")
            choices = [("", _("No indicator")), *sorted(kpis.items(), key=lambda kv: kv[1])]
            current = self.initial.get("kpi_key") or getattr(self.instance, "kpi_key", "")
            if current and current not in kpis:
                choices.append((current, current))
            self.fields["kpi_key"] = forms.ChoiceField(
                label=_("Indicator (KPI)"), choices=choices, required=False
            )
        max_level = framework.scale.max_level if framework else 5
        self.fields["target_level"].validators.append(_level_validator(max_level))
        self.fields["target_level"].widget.attrs.update({"min": 1, "max": max_level})

    def values(self) -> dict[str, Any]:
        """The cleaned values of the fields the form kept (a city's other languages' columns
        are not among them, so saving leaves their texts as they were)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


def _level_validator(max_level: int) -> Any:
    def check(value: int | None) -> None:
        if value is not None and not 1 <= value <= max_level:
            raise ValidationError(_("Choose a level from 1 to %(max)s.") % {"max": max_level})

    return check


class MeasurementForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.FloatField(label=_("Measured value"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_date(self) -> Any:
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise ValidationError(_("A measurement cannot be in the future."))
        return value


class SharingForm(forms.Form):
    coalition = forms.ModelChoiceField(
        label=_("Coalition"),
        queryset=Organisation.objects.filter(kind="coalition"),
        help_text=_(
            "The coalition's members will see your validated scores. Everyone sees the "
            "coalition's medians only when at least 5 cities share."
        ),
    )

    def __init__(self, *args: Any, city: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only coalitions the city does not share with yet: choosing one again is pointless.
        model_choice_field(self, "coalition").queryset = Organisation.objects.filter(
            kind="coalition"
        ).exclude(pk__in=city.assessment_sharing.values("coalition"))

    @property
    def has_choices(self) -> bool:
        queryset = model_choice_field(self, "coalition").queryset
        return queryset is not None and queryset.exists()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Exported assessment (JSON)"),
        validators=[FileExtensionValidator(["json"])],
        help_text=_("A file downloaded with “Export JSON” from a cityrights instance."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        try:
            self.cleaned_data["data"] = json.loads(upload.read().decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ValidationError(_("This is not a JSON file: it is not UTF-8 text.")) from error
        except json.JSONDecodeError as error:
            # Python's own explanation is English: the place is what helps.
            raise ValidationError(
                _("This is not a JSON file: it cannot be read at line %(line)d, column %(column)d.")
                % {"line": error.lineno, "column": error.colno}
            ) from error
        where = unstorable_path(self.cleaned_data["data"])
        if where is not None:
            raise ValidationError(
                _("The file holds a character that cannot be stored (at %(where)s).")
                % {"where": where}
            )
        return upload
