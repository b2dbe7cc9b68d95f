"""Plain-text mail templates never HTML-escape what they print: a city, a programme or a
person named "Braine-l'Alleud" or "Q&A" must read as written in a subject or a body."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

import cityrights

SRC = Path(cityrights.__file__).parent
TEXT_TEMPLATES = sorted(SRC.glob("*/templates/**/*.txt"))


def test_there_are_text_templates_to_check() -> None:
    assert len(TEXT_TEMPLATES) > 15


@pytest.mark.parametrize("path", TEXT_TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_text_template_that_prints_a_value_turns_escaping_off(path: Path) -> None:
    text = path.read_text()
    if "{{" in text or " with " in text:
        assert "{% autoescape off %}" in text, path


class City:
    shown_name = "Braine-l'Alleud & <Co>"


@pytest.mark.parametrize(
    "name",
    [
        "participation/email/confirm_subject.txt",
        "participation/email/response_subject.txt",
        "capacity/mail/survey_invitation_subject.txt",
        "registration/welcome_subject.txt",
    ],
)
def test_a_subject_names_the_city_as_written(name: str) -> None:
    for language in ("en", "fr", "nl"):
        with translation.override(language):
            subject = render_to_string(name, {"organisation": City()})
        assert "Braine-l'Alleud & <Co>" in subject, (language, subject)
        assert "&#x27;" not in subject and "&amp;" not in subject
