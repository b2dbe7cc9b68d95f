"""The survey content file: shipped file valid and complete in en/fr/nl, broken files
refused with file, key path and line, answers checked against the survey."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.capacity import survey as content
from cityrights.capacity.models import SurveyVersion

SHIPPED = content.shipped_files()


def shipped() -> content.Survey:
    return content.load_survey_file(SHIPPED[0])


def test_the_shipped_survey_is_valid_and_asks_the_seven_tirana_topics():
    loaded = shipped()
    assert loaded.id == "staff-needs"
    assert [topic.key for topic in loaded.topics] == [
        "ethics",
        "human-rights",
        "bias",
        "inclusion",
        "data-control",
        "privacy-security",
        "participation",
    ]
    assert [point.value for point in loaded.scale] == [1, 2, 3, 4]
    kinds = {question.key: question.kind for question in loaded.questions}
    assert kinds["training-need"] == "topic-scale"
    assert {o.key for o in loaded.question("formats").options} == {
        "in-person",
        "video",
        "virtual",
        "text",
    }


def _texts(value):
    if isinstance(value, dict):
        if "en" in value and all(isinstance(v, str) for v in value.values()):
            yield value
        else:
            for item in value.values():
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def test_every_text_of_the_shipped_survey_is_in_english_french_and_dutch():
    data = shipped().data
    texts = list(_texts({k: v for k, v in data.items() if k != "languages"}))
    assert len(texts) > 45
    for text in texts:
        assert {"en", "fr", "nl"} <= set(text), text
        assert all(text[code].strip() for code in ("en", "fr", "nl")), text


def _broken(tmp_path: Path, replace: str, by: str) -> Path:
    source = SHIPPED[0].read_text(encoding="utf-8")
    assert replace in source
    path = tmp_path / "broken.yaml"
    path.write_text(source.replace(replace, by, 1), encoding="utf-8")
    return path


def test_a_missing_translation_is_refused_with_file_key_and_line(tmp_path):
    path = _broken(tmp_path, "      nl: Ethiek van technologie\n", "")
    with pytest.raises(content.SurveyError) as caught:
        content.load_survey_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert "topics[0].name: no text in nl" in message
    line = next(
        n
        for n, text in enumerate(path.read_text().splitlines(), 1)
        if "Ethics of technology" in text
    )
    assert f"{path}:{line - 1}:" in message or f"{path}:{line}:" in message


def test_a_duplicated_key_is_refused(tmp_path):
    path = _broken(tmp_path, "  - key: bias\n", "  - key: ethics\n")
    with pytest.raises(content.SurveyError, match=r"topics\[2\]\.key: duplicated key 'ethics'"):
        content.load_survey_file(path)


def test_yaml_syntax_errors_name_the_line(tmp_path):
    path = _broken(tmp_path, "version: 1\n", "version: [1\n")
    with pytest.raises(content.SurveyError, match=r"broken\.yaml:\d+: <root>: YAML syntax error"):
        content.load_survey_file(path)


def test_an_exclusive_option_in_a_single_choice_is_refused(tmp_path):
    path = _broken(
        tmp_path, "      - key: basic\n", "      - key: basic\n        exclusive: true\n"
    )
    with pytest.raises(content.SurveyError, match="only an option of a multiple-choice"):
        content.load_survey_file(path)


def test_a_survey_without_dutch_is_refused(tmp_path):
    path = _broken(tmp_path, "languages: [en, fr, nl]", "languages: [en, fr]")
    with pytest.raises(content.SurveyError, match="languages: must include en, fr, nl"):
        content.load_survey_file(path)


@pytest.mark.django_db
def test_the_command_loads_the_shipped_survey_once_and_refuses_changed_content(tmp_path):
    call_command("load-survey")
    call_command("load-survey")
    assert SurveyVersion.objects.count() == 1
    changed = _broken(tmp_path, "Ten minutes to tell us", "Eleven minutes to tell us")
    with pytest.raises(CommandError, match="already loaded with different content"):
        call_command("load-survey", str(changed))
    retranslated = _broken(tmp_path, "Dix minutes pour nous dire", "En dix minutes, dites-nous")
    call_command("load-survey", str(retranslated))
    stored = SurveyVersion.objects.get()
    assert stored.data["description"]["fr"].startswith("En dix minutes")
    assert stored.survey.description.get_text("fr").startswith("En dix minutes")
    broken = _broken(tmp_path, "kind: single\n", "kind: ranking\n")
    with pytest.raises(CommandError, match=r"questions\[0\]\.kind"):
        call_command("load-survey", str(broken))


def test_complete_answers_are_kept_sorted_and_unanswered_optional_questions_left_out():
    loaded = shipped()
    answers, others = content.clean_answers(
        loaded,
        {
            "knowledge": "general",
            "digital-projects": "sometimes",
            "prior-training": ["human-rights", "data-protection"],
            "training-need": {t.key: "4" for t in loaded.topics},
            "formats": ["video", "in-person"],
        },
        {"concerns": "  Smart cameras near schools.  "},
    )
    assert answers["prior-training"] == ["data-protection", "human-rights"]
    assert answers["formats"] == ["in-person", "video"]
    assert "concerns" not in answers
    assert set(answers["training-need"].values()) == {4}
    assert others == {"concerns": "Smart cameras near schools."}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"knowledge": "expert"}, "'expert' is not an option"),
        ({"prior-training": ["none", "human-rights"]}, "'none' cannot be combined"),
        ({"knowledge": None}, "an answer is required"),
        ({"training-need": {"ethics": 9}}, "is not a point of the scale"),
        ({"training-need": {"robots": 2}}, "robots is not a topic"),
        ({"favourite-colour": "blue"}, "not a question of this survey"),
    ],
)
def test_answers_that_do_not_fit_are_refused_with_the_question(change, problem):
    loaded = shipped()
    base = {
        "knowledge": "general",
        "digital-projects": "never",
        "prior-training": ["none"],
        "training-need": {t.key: 2 for t in loaded.topics},
        "formats": ["text"],
    }
    with pytest.raises(content.AnswerError, match=problem):
        content.clean_answers(loaded, {**base, **change})


@settings(deadline=None)
@given(st.text(min_size=1001, max_size=1200).filter(lambda t: len(t.strip()) > 1000))
def test_free_text_longer_than_the_limit_is_refused(text):
    loaded = shipped()
    base = {
        "knowledge": "general",
        "digital-projects": "never",
        "prior-training": ["none"],
        "training-need": {t.key: 2 for t in loaded.topics},
        "formats": ["text"],
    }
    with pytest.raises(content.AnswerError, match="longer than 1000"):
        content.clean_answers(loaded, base, {"concerns": text})
