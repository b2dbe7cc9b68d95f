"""Forms of the participation app. They shape input; the rules live in the services, whose
refusals the views put next to the field they name (``core.errors.refuse``).

City texts get one input per city language (``TranslatedFormMixin``); residents' texts
are single fields, kept in the language they were written in.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityrights.core.forms import choice_field
from cityrights.core.models import Organisation
from cityrights.core.registry import registry
from cityrights.core.translation import TranslatedFormMixin, field_names, language_name

from .contributions import MAX_COMMENT, MAX_QUOTE, MAX_REASON
from .models import (
    AgeBand,
    ApprovalStep,
    CitizenRole,
    Comment,
    Consultation,
    DataInitiative,
    Dimension,
    DraftSection,
    DraftVersion,
    Outcome,
    PopulationShare,
    Principle,
    PrincipleSection,
    PrinciplesVersion,
    Question,
    QuestionKind,
    ResponseChange,
    ResponseDocument,
    Signatory,
    YesNo,
)

TIMER_SALT = "participation.form-started"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CityTextForm(TranslatedFormMixin, forms.ModelForm):
    """A model form with translated fields limited to the city's languages."""

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.limit_languages(organisation.content_languages)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget = DateInput()


def _translated(*names: str) -> list[str]:
    return [column for name in names for column in field_names(name)]


# --------------------------------------------------------------------------------------
# Staff: consultations, drafts, questions
# --------------------------------------------------------------------------------------


class ConsultationForm(CityTextForm):
    translated_fields = ("title", "summary")
    required_translations = ("title",)

    class Meta:
        model = Consultation
        fields = [
            "slug",
            *_translated("title", "summary"),
            "questions_opens",
            "discussion_opens",
            "closes",
            "final_due",
            "allow_anonymous",
            "for_principles",
        ]


class SectionForm(CityTextForm):
    translated_fields = ("part", "heading", "body")
    required_translations = ("heading", "body")

    class Meta:
        model = DraftSection
        fields = ["key", "position", *_translated("part", "heading", "body"), "is_hidden"]


class VersionNoteForm(CityTextForm):
    translated_fields = ("note",)

    class Meta:
        model = DraftVersion
        fields = _translated("note")


class QuestionForm(CityTextForm):
    translated_fields = ("text", "help")
    required_translations = ("text",)

    class Meta:
        model = Question
        fields = ["kind", *_translated("text", "help")]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.languages = organisation.content_languages
        instance = kwargs.get("instance")
        existing = list(instance.choices.all()) if instance is not None and instance.pk else []
        for code in self.languages:
            label = _("Choices, one per line")
            self.fields[f"choices_{code}"] = forms.CharField(
                label=f"{label} ({language_name(code)})" if len(self.languages) > 1 else label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, "lang": code}),
                help_text=_(
                    "Line by line in the same order in every language; not for open questions."
                ),
                initial="\n".join(getattr(choice, f"label_{code}", "") for choice in existing),
            )

    def choice_labels(self) -> list[dict[str, str]]:
        """``[{language: label}, …]``, line ``i`` of every language being choice ``i``."""
        lines = {
            code: [
                line.strip() for line in self.cleaned_data.get(f"choices_{code}", "").splitlines()
            ]
            for code in self.languages
        }
        count = max((len(values) for values in lines.values()), default=0)
        return [
            {code: values[i] if i < len(values) else "" for code, values in lines.items()}
            for i in range(count)
        ]


# --------------------------------------------------------------------------------------
# Residents: comments, reports, answers, who took part
# --------------------------------------------------------------------------------------


class SpamGuardMixin(forms.Form):
    """A field people never see, and when the form was shown (signed, so it can't be forged)."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = signing.dumps(time.time(), salt=TIMER_SALT)

    def elapsed(self) -> float | None:
        """Seconds since the form was shown; None when the stamp is missing or forged."""
        try:
            started = signing.loads(self.data.get("started", ""), salt=TIMER_SALT, max_age=86400)
        except signing.BadSignature:
            return 0.0
        return time.time() - float(started)


class CommentForm(SpamGuardMixin):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Plain text. *Stars* give emphasis, lines starting with - make a list; "
            "links start with https://."
        ),
    )
    quote = forms.CharField(
        label=_("Passage you comment on (optional)"),
        required=False,
        max_length=MAX_QUOTE,
        widget=forms.Textarea(attrs={"rows": 2, "class": "passage-input"}),
        help_text=_(
            "Copy the words from the text above, or select them when your browser runs scripts."
        ),
    )
    organisation_name = forms.CharField(
        label=_("On behalf of an organisation (optional)"),
        required=False,
        max_length=200,
        help_text=_("The name of the civil-society organisation you write for; it is shown."),
    )
    name = forms.CharField(label=_("Your name as shown (optional)"), required=False, max_length=150)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_(
            "We send you a link; your comment appears once you open it. It is never shown."
        ),
    )

    def __init__(self, *args: Any, anonymous: bool, reply: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not anonymous:
            del self.fields["name"]
            del self.fields["email"]
        else:
            self.fields["email"].required = True
        if reply:
            del self.fields["quote"]
            self.fields["body"].label = _("Your reply")


class ReportForm(SpamGuardMixin):
    reason = forms.CharField(
        label=_("Why should the moderators look at this comment?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnswerForm(SpamGuardMixin):
    """One field per question, named ``q<id>``."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("We send you a link; your answers count once you open it. It is never shown."),
    )

    def __init__(
        self, *args: Any, questions: list[Question], anonymous: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields.pop("email")
        for question in questions:
            name = f"q{question.pk}"
            choices = [(str(c.pk), str(c.label)) for c in question.choices.all()]
            if question.kind == QuestionKind.OPEN:
                field: forms.Field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
                )
            elif question.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
            else:
                field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple
                )
            field.label = str(question.text)
            field.help_text = str(question.help)
            field.required = False
            self.fields[name] = field
        if anonymous:
            email.required = True
            self.fields["email"] = email

    def answers(self, questions: list[Question]) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in questions}


class ProfileForm(forms.Form):
    """The voluntary questions about who took part; every one may be left out."""

    age_band = forms.ChoiceField(
        label=_("Your age"),
        required=False,
        choices=[("", _("I prefer not to say")), *AgeBand.choices],
        widget=forms.RadioSelect,
    )
    district = forms.ChoiceField(label=_("The district you live in"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak at home"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    disability = forms.ChoiceField(
        label=_("Do you live with a disability?"),
        required=False,
        choices=[("", _("I prefer not to say")), *YesNo.choices],
        widget=forms.RadioSelect,
    )
    first_time = forms.ChoiceField(
        label=_("Is this the first time you take part in a consultation of the city?"),
        required=False,
        choices=[("", _("I prefer not to say")), *YesNo.choices],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, districts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if districts:
            choice_field(self, "district").choices = [("", _("I prefer not to say"))] + [
                (name, name) for name in districts
            ]
        else:
            del self.fields["district"]
        choice_field(self, "languages").choices = [
            (code, language_name(code)) for code, _name in settings.LANGUAGES
        ] + [("other", _("another language"))]


# --------------------------------------------------------------------------------------
# Staff: moderation, response, population
# --------------------------------------------------------------------------------------


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, shown in place of the comment"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. insults another participant; contains someone's address."),
    )


class ResponseIntroForm(CityTextForm):
    translated_fields = ("intro",)
    required_translations = ("intro",)

    class Meta:
        model = ResponseDocument
        fields = _translated("intro")


class ChangeForm(CityTextForm):
    translated_fields = ("summary",)
    required_translations = ("summary",)
    comment_numbers = forms.CharField(
        label=_("Comments that led to it"),
        required=False,
        help_text=_("Their numbers, separated by commas, e.g. 12, 15, 40."),
    )

    class Meta:
        model = ResponseChange
        fields = ["section_key", *_translated("summary")]

    def __init__(self, *args: Any, sections: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section_key"] = forms.ChoiceField(
            label=_("Section of the final text"),
            choices=[("", _("(the text as a whole)")), *sections],
            required=False,
        )

    def clean_comment_numbers(self) -> list[int]:
        raw = self.cleaned_data.get("comment_numbers", "")
        numbers = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip().lstrip("#")
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(_("Give comment numbers only, e.g. 12, 15."))
            numbers.append(int(part))
        return numbers


class OutcomeForm(CityTextForm):
    translated_fields = ("outcome_reason",)

    class Meta:
        model = Comment
        fields = ["outcome", *_translated("outcome_reason")]
        widgets = {"outcome": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "outcome").choices = Outcome.choices
        self.fields["outcome"].required = True


class PopulationShareForm(forms.ModelForm):
    class Meta:
        model = PopulationShare
        fields = ["dimension", "value", "share", "source"]
        help_texts = {
            "value": _(
                "For age: under-18, 18-29, 30-44, 45-64, 65-79, 80+; for languages: en, fr, nl, "
                "other; for yes/no questions: yes or no; for districts: the district's name."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "dimension").choices = Dimension.choices


# --------------------------------------------------------------------------------------
# Principles and initiatives
# --------------------------------------------------------------------------------------


class PrinciplesVersionForm(CityTextForm):
    translated_fields = ("title", "preamble")
    required_translations = ("title",)

    class Meta:
        model = PrinciplesVersion
        fields = _translated("title", "preamble")


class PrincipleSectionForm(CityTextForm):
    translated_fields = ("title",)
    required_translations = ("title",)

    class Meta:
        model = PrincipleSection
        fields = _translated("title")


class PrincipleForm(CityTextForm):
    translated_fields = ("title", "text")
    required_translations = ("title",)

    class Meta:
        model = Principle
        fields = ["key", *_translated("title", "text")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False
        self.fields["key"].help_text = _(
            "Stays the same in every version, so the principle keeps its actions."
        )


class StepForm(CityTextForm):
    translated_fields = ("body", "note")
    required_translations = ("body",)

    class Meta:
        model = ApprovalStep
        fields = [*_translated("body"), "decided_on", *_translated("note")]


class SignatoryForm(CityTextForm):
    translated_fields = ("office",)

    class Meta:
        model = Signatory
        fields = ["name", *_translated("office")]


class AdoptForm(CityTextForm):
    translated_fields = ("adopted_by",)
    required_translations = ("adopted_by",)

    class Meta:
        model = PrinciplesVersion
        fields = [*_translated("adopted_by"), "adopted_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adopted_on"].required = True


def record_choices(organisation: Organisation) -> list[tuple[Any, Any]]:
    """Every record a link may point at, grouped by kind; values are ``kind:id``."""
    groups: list[tuple[Any, Any]] = [("", _("(no record: a description only)"))]
    for kind in registry.linkable_kinds_in_order():
        options = [(f"{kind.name}:{pk}", title) for pk, title in kind.choices(organisation)]
        if options:
            groups.append((str(kind.label), options))
    return groups


class RecordField(forms.ChoiceField):
    def split(self, value: str) -> tuple[str, str]:
        kind, _sep, pk = (value or "").partition(":")
        return kind, pk


class ActionForm(forms.Form):
    """An action: a description per city language and, optionally, the record it is."""

    record = RecordField(label=_("Record that carries it out"), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        choice_field(self, "record").choices = record_choices(organisation)
        for code in organisation.content_languages:
            label = _("What the action does")
            self.fields[f"description_{code}"] = forms.CharField(
                label=f"{label} ({language_name(code)})"
                if len(organisation.content_languages) > 1
                else label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}),
            )
        self.order_fields(["record"])

    def descriptions(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"description_{code}", "")
            for code in self.organisation.content_languages
        }


class LinkForm(forms.Form):
    record = RecordField(label=pgettext_lazy("linked record", "Record"))

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "record").choices = record_choices(organisation)[1:]


class InitiativeForm(CityTextForm):
    translated_fields = ("title", "summary", "results")
    required_translations = ("title",)
    roles = forms.MultipleChoiceField(
        label=_("Roles residents play in it"),
        choices=CitizenRole.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DataInitiative
        fields = [
            "slug",
            *_translated("title", "summary", "results"),
            "partners",
            "starts_on",
            "ends_on",
            "is_public",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            self.fields["roles"].initial = list(instance.roles.values_list("role", flat=True))


class ReviewForm(forms.Form):
    slug = forms.SlugField(label=_("Short name in addresses"), max_length=80)
