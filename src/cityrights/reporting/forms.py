"""Forms of the staff pages: a year to report on, the texts of a version, a correction's reason.

Texts are entered once per city language (``Organisation.content_languages``), each input
labelled with its language and marked with ``lang``; only the city's first language is
required for the foreword and a correction's reason (approval then asks for the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrights.core.translation import language_name

from .services import MAX_COMMENTARY, MAX_FOREWORD, MAX_REASON


class GenerateForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        help_text=_("The report describes one calendar year; usually the one just ended."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        field = self.fields["year"]
        field.validators.append(MaxValueValidator(this_year))
        field.widget.attrs["max"] = this_year
        field.initial = this_year - 1


def _label(base: Any, code: str, languages: Sequence[str]) -> str:
    return f"{base} ({language_name(code)})" if len(languages) > 1 else str(base)


class TextsForm(forms.Form):
    """The foreword and one commentary per section, per city language."""

    def __init__(
        self,
        *args: Any,
        languages: Sequence[str],
        sections: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.languages = list(languages)
        self.sections = list(sections)
        for code in self.languages:
            self.fields[f"foreword_{code}"] = forms.CharField(
                label=_label(_("Foreword"), code, self.languages),
                required=False,
                max_length=MAX_FOREWORD,
                widget=forms.Textarea(attrs={"rows": 8, "lang": code}),
            )
        for key, title in self.sections:
            for code in self.languages:
                self.fields[f"commentary_{key}_{code}"] = forms.CharField(
                    label=_label(title, code, self.languages),
                    required=False,
                    max_length=MAX_COMMENTARY,
                    widget=forms.Textarea(attrs={"rows": 5, "lang": code}),
                )

    def foreword_fields(self) -> list[Any]:
        return [self[f"foreword_{code}"] for code in self.languages]

    def section_fields(self) -> list[tuple[str, str, list[Any]]]:
        return [
            (key, title, [self[f"commentary_{key}_{code}"] for code in self.languages])
            for key, title in self.sections
        ]

    def foreword(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"foreword_{code}"] for code in self.languages}

    def commentaries(self) -> dict[str, dict[str, str]]:
        return {
            key: {code: self.cleaned_data[f"commentary_{key}_{code}"] for code in self.languages}
            for key, _title in self.sections
        }


class CorrectionForm(forms.Form):
    """Why a published report is corrected, per city language."""

    def __init__(self, *args: Any, languages: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = list(languages)
        for index, code in enumerate(self.languages):
            self.fields[f"reason_{code}"] = forms.CharField(
                label=_label(_("Why the report is corrected"), code, self.languages),
                required=index == 0,
                max_length=MAX_REASON,
                widget=forms.Textarea(attrs={"rows": 4, "lang": code}),
                help_text=_("Shown on every version, so readers know what changed and why.")
                if index == 0
                else "",
            )

    def reason(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"reason_{code}"] for code in self.languages}
