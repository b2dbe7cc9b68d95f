"""Forms of the impact app. Every error is shown next to the field it concerns.

Forms only shape input; the rules (status, levels, four eyes) are enforced again in
:mod:`.services`, whose refusals the views attach to the field they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrights.core.forms import choice_field, model_choice_field
from cityrights.core.models import Organisation, Role, User
from cityrights.core.translation import (
    TranslatedFormMixin,
    current_language,
    field_names,
    language_name,
)

from . import content
from .models import SUMMARY_TEXTS, AssessmentKind, Band, Decision, MitigationStatus, Status

LEVEL_CHOICES = [(n, str(n)) for n in range(1, 5)]
"""Levels 1–4; RiskForm names them after the assessment template's own scale."""
TEXT_MAX = 10_000
CONDITION_ROWS = 3


def text_of(value: Any, language: str) -> str:
    """A template text in ``language`` (falls back to English), or a plain string."""
    return content.text(value, language)


def editor_members(organisation: Organisation) -> Any:
    """People who may lead an assessment: editors and administrators of the city."""
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__role__in=[Role.EDITOR, Role.ADMIN],
    ).order_by("name", "email")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def future_date(value: Any) -> None:
    if value is not None and value <= timezone.localdate():
        raise ValidationError(_("Choose a date in the future."))


# --------------------------------------------------------------------------------------
# Screening
# --------------------------------------------------------------------------------------


class ScreeningForm(forms.Form):
    """The project and every screening question on one page."""

    project = forms.CharField(
        label=_("Project or system"),
        max_length=200,
        help_text=_("The name people in the city know it by."),
    )
    department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label=_("(none)")
    )

    def __init__(
        self, *args: Any, organisation: Organisation, template: Any, language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "department").queryset = organisation.departments.all()
        self.question_keys: list[str] = []
        for question in content.screening_questions(template):
            self.question_keys.append(question.key)
            self.fields[f"q-{question.key}"] = forms.ChoiceField(
                label=text_of(question.text, language),
                help_text=text_of(question.help, language),
                choices=[(value, str(label)) for value, label in question.choices],
                widget=forms.RadioSelect,
                required=True,
                error_messages={"required": _("Answer this question.")},
            )

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"q-{key}"] for key in self.question_keys}


# --------------------------------------------------------------------------------------
# Assessment
# --------------------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind of assessment"),
        choices=[c for c in AssessmentKind.choices if c[0] != AssessmentKind.NONE],
        widget=forms.RadioSelect,
    )
    department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label=_("(none)")
    )
    author: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Project lead"),
        queryset=None,
        help_text=_("Writes the assessment. The project lead can never decide on it."),
    )
    entry: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Register entry"),
        queryset=None,
        required=False,
        empty_label=_("(not in the register yet)"),
        help_text=_("The system in the transparency register that this assessment is about."),
    )
    language = forms.ChoiceField(
        label=_("Working language"),
        choices=settings.LANGUAGES,
        required=False,  # the city's first language when left out
        help_text=_(
            "The language the team writes this assessment in. Pages in another language "
            "mark its texts, so that screen readers read them correctly."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from . import selectors

        if not self.is_bound and not self.initial.get("language"):
            self.fields["language"].initial = current_language()
        model_choice_field(self, "department").queryset = organisation.departments.all()
        model_choice_field(self, "author").queryset = editor_members(organisation)
        model_choice_field(self, "entry").queryset = selectors.register_entries(organisation)


class SectionForm(forms.Form):
    """The questions of one assessment section; field names are the question keys."""

    def __init__(
        self, *args: Any, section: Any, answers: dict[str, str], language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        for question in section.questions:
            given = answers.get(question.key)
            field: forms.Field
            if question.type == "text":
                field = forms.CharField(
                    max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
                )
            elif question.type == "choice" and question.multiple:
                field = forms.MultipleChoiceField(
                    choices=content.question_choices(question, language),
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                field = forms.ChoiceField(
                    choices=[
                        ("", _("No answer yet")),
                        *content.question_choices(question, language),
                    ],
                    widget=forms.RadioSelect,
                )
            field.label = text_of(question.text, language)
            if not question.required:
                # Nearly every question is needed to submit (checked on submit, not here, so
                # drafts can be saved half-done); naming the few optional ones says so.
                field.label = _("%(question)s (optional)") % {"question": field.label}
            field.help_text = text_of(question.help, language)
            field.required = False
            field.initial = given
            self.fields[question.key] = field


class RiskForm(forms.Form):
    right = forms.ChoiceField(label=_("Affected right"))
    description = forms.CharField(
        label=_("What could go wrong, and for whom"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood before mitigation"), choices=LEVEL_CHOICES, coerce=int
    )
    severity = forms.TypedChoiceField(
        label=_("Severity before mitigation"), choices=LEVEL_CHOICES, coerce=int
    )
    residual_likelihood = forms.TypedChoiceField(
        label=_("Likelihood after mitigation"),
        choices=[("", _("not rated yet")), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    residual_severity = forms.TypedChoiceField(
        label=_("Severity after mitigation"),
        choices=[("", _("not rated yet")), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, template: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "right").choices = [("", _("Choose a right"))] + [
            (right.key, text_of(right.title, language)) for right in content.rights_of(template)
        ]
        # Name the levels as the template does ("2 · Possible", "3 · Serious"), so the form
        # speaks the same language as the matrix and the level table on the same page; generic
        # names like "High" would also clash with the band of the cell.
        scales = {
            "likelihood": content.likelihood_labels(template, language),
            "severity": content.severity_labels(template, language),
        }
        for axis, labels in scales.items():
            choices = [(n, f"{n} · {label}") for n, label in enumerate(labels, start=1)]
            choice_field(self, axis).choices = choices
            choice_field(self, f"residual_{axis}").choices = [("", _("not rated yet")), *choices]


class MitigationForm(forms.Form):
    action = forms.CharField(
        label=_("Action"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("Owner"), max_length=200, help_text=_("A person or a team."))
    due = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"), choices=MitigationStatus.choices, initial=MitigationStatus.PLANNED
    )


class MitigationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MitigationStatus.choices)


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you return the assessment: say what has to change."),
    )

    def __init__(self, *args: Any, steps: set[str] | frozenset[str] = frozenset(), **kwargs: Any):
        super().__init__(*args, **kwargs)
        if "return" not in steps:
            # The project lead only withdraws: a help text about returning would mislead.
            self.fields["note"].help_text = _(
                "Optional: why you withdraw the submission. It is kept as a comment."
            )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why this decision: the risks that weigh most and what would change it."),
    )
    reassessment_due = forms.DateField(
        label=_("Reassess by"),
        required=False,
        widget=DateInput(),
        validators=[future_date],
        help_text=_("When the assessment must be looked at again."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, CONDITION_ROWS + 1):
            self.fields[f"condition_{n}"] = forms.CharField(
                label=_("Condition %(n)s") % {"n": n},
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"condition_{n}_owner"] = forms.CharField(
                label=_("Owner of condition %(n)s") % {"n": n}, required=False, max_length=200
            )
            self.fields[f"condition_{n}_due"] = forms.DateField(
                label=_("Due date of condition %(n)s") % {"n": n},
                required=False,
                widget=DateInput(),
            )

    def conditions(self) -> list[dict[str, Any]]:
        rows = []
        for n in range(1, CONDITION_ROWS + 1):
            text = self.cleaned_data.get(f"condition_{n}", "").strip()
            if text:
                rows.append(
                    {
                        "text": text,
                        "owner": self.cleaned_data.get(f"condition_{n}_owner", ""),
                        "due": self.cleaned_data.get(f"condition_{n}_due"),
                    }
                )
        return rows

    def condition_rows(self) -> list[list[Any]]:
        return [
            [self[f"condition_{n}"], self[f"condition_{n}_owner"], self[f"condition_{n}_due"]]
            for n in range(1, CONDITION_ROWS + 1)
        ]


class ConditionForm(forms.Form):
    text = forms.CharField(
        label=_("Condition"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("Owner"), required=False, max_length=200)
    due = forms.DateField(label=_("Due date"), required=False, widget=DateInput())


class CloseConditionForm(forms.Form):
    closing_note = forms.CharField(
        label=_("How the condition was met"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Point to the evidence: a document, a decision, a changed setting."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReassessmentForm(forms.Form):
    reassessment_due = forms.DateField(
        label=_("Reassess by"), required=False, widget=DateInput(), validators=[future_date]
    )


def _summary_box() -> forms.CharField:
    return forms.CharField(
        label=_("Summary for residents"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Plain language: what the system does, which rights it touches, what the city "
            "does about the risks, and what was decided. Changing it withdraws the approval."
        ),
    )


class SummaryForm(TranslatedFormMixin, forms.Form):
    """The public summary: one box per language of the city, required in the first."""

    translated_fields = SUMMARY_TEXTS
    required_translations = ("text",)  # an empty title is the working title (services)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for column in field_names("title"):
            self.fields[column] = forms.CharField(
                label=_("Title for residents"),
                max_length=200,
                required=False,
                help_text=_("The project's name as the public pages show it."),
            )
        for column in field_names("text"):
            self.fields[column] = _summary_box()
        self.limit_languages(organisation.content_languages)


class SearchForm(forms.Form):
    """Filters of the repository. Every field is optional; unknown values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    decision = forms.ChoiceField(label=_("Decision"), required=False)
    risk = forms.ChoiceField(label=_("Highest risk"), required=False)
    department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label=_("Any")
    )
    right = forms.ChoiceField(label=_("Affected right"), required=False)

    def __init__(
        self, *args: Any, organisation: Organisation, rights: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        anything: list[tuple[str, Any]] = [("", _("Any"))]
        choice_field(self, "status").choices = anything + list(Status.choices)
        choice_field(self, "decision").choices = anything + list(Decision.choices)
        choice_field(self, "risk").choices = anything + list(Band.choices)
        model_choice_field(self, "department").queryset = organisation.departments.all()
        choice_field(self, "right").choices = anything + rights


class ProcurementForm(forms.Form):
    """A tender's details and, per requirement, whether it was included and why not.

    The tender's name and each reason are written in every language of the city (residents
    read them on the register entry); the first language is required, the others are
    listed as missing on the procurement's page until written."""

    reference = forms.CharField(label=_("Tender reference"), max_length=100, required=False)
    department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label=_("(none)")
    )
    entry: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Register entry of the purchased system"),
        queryset=None,
        required=False,
        empty_label=_("(not in the register yet)"),
    )
    public = forms.BooleanField(
        label=_("Show the checklist on the public register page"), required=False, initial=True
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        checklist: Any,
        answers: dict[str, Any],
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        from . import selectors

        model_choice_field(self, "department").queryset = organisation.departments.all()
        model_choice_field(self, "entry").queryset = selectors.register_entries(organisation)
        self.languages = organisation.content_languages
        several = len(self.languages) > 1

        def label(text: Any, code: str) -> str:
            return f"{text} ({language_name(code)})" if several else text

        for code in self.languages:
            self.fields[f"tender_{code}"] = forms.CharField(
                label=label(_("Tender name"), code),
                max_length=200,
                required=code == self.languages[0],
                widget=forms.TextInput(attrs={"lang": code}),
            )
        self.requirements = list(content.requirements_of(checklist))
        for requirement in self.requirements:
            given = answers.get(requirement.key, {})
            included = given.get("included")
            self.fields[f"{requirement.key}-included"] = forms.ChoiceField(
                label=_("Included in the tender?"),
                choices=[("yes", _("Yes")), ("no", _("No")), ("", _("Not decided yet"))],
                widget=forms.RadioSelect,
                required=False,
                initial="yes" if included is True else "no" if included is False else "",
            )
            reasons = given.get("reasons") or {}
            for code in self.languages:
                self.fields[f"{requirement.key}-reason-{code}"] = forms.CharField(
                    label=label(_("Why not, or how it was included"), code),
                    required=False,
                    max_length=TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 2, "lang": code}),
                    initial=reasons.get(code, ""),
                    help_text=_("Required when the requirement was not included.")
                    if code == self.languages[0]
                    else "",
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        first = self.languages[0]
        for requirement in self.requirements:
            included = data.get(f"{requirement.key}-included")
            reason = (data.get(f"{requirement.key}-reason-{first}") or "").strip()
            if included == "no" and not reason:
                self.add_error(
                    f"{requirement.key}-reason-{first}",
                    _("Say why this requirement was not included."),
                )
        return data

    def _reasons(self, key: str) -> dict[str, str]:
        found = {
            code: (self.cleaned_data.get(f"{key}-reason-{code}") or "").strip()
            for code in self.languages
        }
        return {code: text for code, text in found.items() if text}

    def answers(self) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        for requirement in self.requirements:
            included = self.cleaned_data.get(f"{requirement.key}-included")
            if included in ("yes", "no"):
                result[requirement.key] = {
                    "included": included == "yes",
                    "reasons": self._reasons(requirement.key),
                }
        return result

    def details(self) -> dict[str, Any]:
        names = ["reference", "department", "public", "entry"]
        found: dict[str, Any] = {name: self.cleaned_data.get(name) for name in names}
        found["tender"] = {
            code: self.cleaned_data.get(f"tender_{code}") or "" for code in self.languages
        }
        return found

    def tender_fields(self) -> list[Any]:
        """The tender's name, one input per language of the city."""
        return [self[f"tender_{code}"] for code in self.languages]

    def requirement_rows(self) -> list[tuple[Any, Any, list[Any]]]:
        """Per requirement: the requirement, its yes/no input and its reason inputs."""
        return [
            (
                r,
                self[f"{r.key}-included"],
                [self[f"{r.key}-reason-{code}"] for code in self.languages],
            )
            for r in self.requirements
        ]
