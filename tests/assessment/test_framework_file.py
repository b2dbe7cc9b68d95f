"""The shipped framework file loads, and broken files are refused with a precise message."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from cityrights.assessment.framework import (
    SCHEMA,
    Framework,
    FrameworkError,
    Text,
    framework_from_data,
    load_framework_file,
    text,
)

SHIPPED = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "cityrights"
    / "assessment"
    / "frameworks"
    / "guide-2022.v1.yaml"
)


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework_file(SHIPPED)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(SHIPPED.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506


def write(tmp_path: Path, data: Any, name: str = "broken.yaml") -> tuple[Path, str]:
    """Dump ``data`` as YAML (keys in their original order) and return path and text."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    content = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=200)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path, content


def line_of(content: str, needle: str, start: int = 0) -> int:
    """1-based line number of the first line containing ``needle`` at or after ``start``."""
    for number, line in enumerate(content.splitlines(), start=1):
        if number > start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not found")


def error_for(path: Path) -> str:
    with pytest.raises(FrameworkError) as info:
        load_framework_file(path)
    return str(info.value)


# --------------------------------------------------------------------------------------
# The shipped content
# --------------------------------------------------------------------------------------


def test_shipped_framework_identity_and_grid(framework: Framework) -> None:
    assert (framework.id, framework.version) == ("guide-2022", 1)
    assert [area.key for area in framework.areas] == [
        "inclusion",
        "autonomy",
        "transparency",
        "participation",
        "privacy",
        "commons",
    ]
    assert [pillar.key for pillar in framework.pillars] == ["foundations", "structures", "tools"]
    assert framework.scale.max_level == 5
    assert [level.key for level in framework.scale.levels] == [
        "absent",
        "initial",
        "developing",
        "established",
        "leading",
    ]


def test_shipped_framework_has_at_least_three_questions_per_cell(framework: Framework) -> None:
    assert len(framework.questions) >= 54
    per_cell = Counter(question.cell for question in framework.questions)
    assert set(per_cell) == set(framework.cells())
    assert min(per_cell.values()) >= 3


def test_every_question_is_complete_and_linked(framework: Framework) -> None:
    for question in framework.questions:
        assert question.mechanisms or question.practices, question.key
        assert len(question.levels) == 5
        assert all(descriptor.get("en") for descriptor in question.levels), question.key
        assert question.text.get("en") and question.text.get("fr"), question.key
        assert question.evidence, question.key
        prefix = f"{framework.area(question.area).code}-{framework.pillar(question.pillar).code}-"
        assert question.key.startswith(prefix)
    # descriptors really differ from level to level
    for question in framework.questions:
        assert len({str(descriptor) for descriptor in question.levels}) == 5, question.key


def test_mechanisms_and_practices_named_by_the_sources(framework: Framework) -> None:
    assert {1, 3, 5, 6, 11, 12, 13} <= {mechanism.number for mechanism in framework.mechanisms}
    assert "procurement" in str(framework.mechanism(12).title)
    practices = {practice.key for practice in framework.practices}
    assert {
        "political-declaration",
        "dedicated-team",
        "department-ambassadors",
        "digital-rights-office",
        "accessibility-council",
        "technology-register",
        "digital-divide-assessment",
        "public-consultations",
        "consent-based-sharing",
        "open-data",
        "impact-assessments",
    } <= practices
    used = {key for question in framework.questions for key in question.practices}
    assert practices - used == set(), "every practice is asked about"


def test_follow_up_questions(framework: Framework) -> None:
    follow_ups = [question for question in framework.questions if question.show_if]
    assert 2 <= len(follow_ups) <= 4
    for question in follow_ups:
        assert question.show_if is not None
        parent = framework.question(question.show_if.question)
        assert parent.cell == question.cell
        assert framework.questions.index(parent) < framework.questions.index(question)


def test_recommendations_cover_every_cell_and_level(framework: Framework) -> None:
    for area, pillar in framework.cells():
        for level in range(1, 5):
            recommendations = framework.recommendations_for(area, pillar, level)
            assert recommendations, (area, pillar, level)
            for recommendation in recommendations:
                assert recommendation.kpis
                assert recommendation.title.get("en") and recommendation.text.get("en")
                for kpi in recommendation.kpis:
                    assert kpi.direction in ("up", "down")
                    assert kpi.unit and kpi.measurement.get("en")
    assert framework.recommendations_for("inclusion", "tools", 5) == ()


def test_names_are_translated_to_french(framework: Framework) -> None:
    names = [area.name for area in framework.areas]
    names += [pillar.name for pillar in framework.pillars]
    names += [level.name for level in framework.scale.levels]
    for name in names:
        assert name.get("fr"), name
        assert text(name, "fr") == name["fr"] == name.get_text("fr")


def test_bands_map_scores_to_the_nearest_level(framework: Framework) -> None:
    scale = framework.scale
    assert [scale.level_for_score(scale.score_for_level(n)) for n in range(1, 6)] == [1, 2, 3, 4, 5]
    assert scale.level_for_score(0) == 1
    assert scale.level_for_score(12.49) == 1
    assert scale.level_for_score(12.5) == 2
    assert scale.level_for_score(87.5) == 5
    assert scale.level_for_score(100) == 5
    assert scale.level_for_score(None) is None
    with pytest.raises(ValueError):
        scale.level_for_score(100.5)


def test_content_hash_is_stable_and_content_sensitive(
    framework: Framework, raw: dict[str, Any], tmp_path: Path
) -> None:
    assert len(framework.content_hash) == 64
    assert load_framework_file(SHIPPED).content_hash == framework.content_hash
    # the same data as JSON (e.g. a snapshot stored next to an assessment) hashes the same
    snapshot = json.loads(json.dumps(framework.data))
    assert framework_from_data(snapshot).content_hash == framework.content_hash
    changed = copy.deepcopy(raw)
    changed["questions"][0]["text"]["en"] += " (edited)"
    path, _ = write(tmp_path, changed, "changed.yaml")
    assert load_framework_file(path).content_hash != framework.content_hash


def test_framework_is_immutable_and_hashable(framework: Framework) -> None:
    with pytest.raises(AttributeError):
        framework.version = 2  # type: ignore[misc]
    assert hash(framework.questions[0]) == hash(framework.questions[0])
    assert isinstance(framework.questions[0].text, Text)


def test_text_falls_back_to_english() -> None:
    value = Text({"en": "Hello", "fr": "Bonjour"})
    assert text(value, "fr") == "Bonjour"
    assert text(value, "fr-CA") == "Bonjour"
    assert text(value, "de") == "Hello"
    assert text({"en": "Only English"}, "fr") == "Only English"
    assert text(None, "fr") == ""
    assert text("plain", "fr") == "plain"
    assert str(value) == "Hello"


def test_schema_is_a_valid_json_schema() -> None:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(SCHEMA)


# --------------------------------------------------------------------------------------
# Broken files
# --------------------------------------------------------------------------------------


def test_missing_key_names_file_path_and_line(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    key = data["questions"][3]["key"]
    del data["questions"][3]["text"]
    path, content = write(tmp_path, data)
    message = error_for(path)
    line = line_of(content, f"key: {key}")
    assert f"{path}:{line}: questions[3].text: required key is missing" in message


def test_unknown_area_names_file_path_and_line(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["questions"][5]["area"] = "nowhere"
    path, content = write(tmp_path, data)
    message = error_for(path)
    assert f"{path}:{line_of(content, 'area: nowhere')}: questions[5].area" in message
    assert "unknown area 'nowhere'" in message


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("id: guide-2022\nversion: 1\ntitle:\n  en: [unclosed\n", encoding="utf-8")
    message = error_for(path)
    assert f"{path}:" in message
    assert "YAML syntax error" in message
    # the problem is reported on or right after the unclosed flow sequence (line 4)
    reported = int(message.split(f"{path}:")[1].split(":")[0])
    assert reported in (4, 5)


def test_duplicated_question_key(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    first = data["questions"][0]["key"]
    data["questions"][7]["key"] = first
    path, content = write(tmp_path, data)
    message = error_for(path)
    duplicate_line = line_of(content, f"key: {first}", start=line_of(content, f"key: {first}"))
    assert f"{path}:{duplicate_line}: questions[7].key: duplicated key '{first}'" in message


def test_duplicated_yaml_mapping_key_is_not_silently_dropped(tmp_path: Path) -> None:
    path = tmp_path / "dupe.yaml"
    path.write_text("id: guide-2022\ntitle:\n  en: One\n  fr: Un\n  fr: Deux\n", encoding="utf-8")
    message = error_for(path)
    assert f"{path}:5:" in message
    assert "duplicated key 'fr' (first defined on line 4)" in message


def test_missing_level_descriptor(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    del data["questions"][2]["levels"][3]
    path, _ = write(tmp_path, data)
    assert "questions[2].levels.3: descriptor missing" in error_for(path)


def test_condition_must_point_to_an_earlier_question(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["questions"][0]["show_if"] = {"question": data["questions"][1]["key"], "min_level": 3}
    path, _ = write(tmp_path, data)
    assert "questions[0].show_if.question: must name an earlier question" in error_for(path)


def test_condition_must_stay_in_the_same_cell(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    last = data["questions"][-1]
    last["show_if"] = {"question": data["questions"][0]["key"], "min_level": 3}
    path, _ = write(tmp_path, data)
    index = len(data["questions"]) - 1
    assert f"questions[{index}].show_if.question: must name a question of the same" in error_for(
        path
    )


def test_bands_with_a_gap_are_refused(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["scale"]["bands"][2]["min"] = 40
    path, _ = write(tmp_path, data)
    message = error_for(path)
    assert "scale.bands[2].min: bands must cover 0..100 without gaps" in message


def test_bands_must_end_at_100(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["scale"]["bands"][-1]["max"] = 99
    path, _ = write(tmp_path, data)
    assert "scale.bands[4].max: the last band must end at 100" in error_for(path)


def test_recommendation_needs_a_kpi(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["recommendations"][0]["kpis"] = []
    path, _ = write(tmp_path, data)
    assert "recommendations[0].kpis" in error_for(path)


def test_every_cell_level_needs_a_recommendation(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    removed = data["recommendations"].pop(0)
    path, _ = write(tmp_path, data)
    expected = (
        f"no recommendation for {removed['area']} x {removed['pillar']} at level {removed['level']}"
    )
    assert expected in error_for(path)


def test_unknown_mechanism_and_practice(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["questions"][0]["mechanisms"] = [99]
    data["questions"][0]["practices"] = ["no-such-practice"]
    path, _ = write(tmp_path, data)
    message = error_for(path)
    assert "questions[0].mechanisms[0]: unknown mechanism 99" in message
    assert "questions[0].practices[0]: unknown practice 'no-such-practice'" in message


def test_kpi_key_keeps_its_unit(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    kpi_key = data["recommendations"][1]["kpis"][0]["key"]
    data["recommendations"][2]["kpis"][0] = {
        **data["recommendations"][1]["kpis"][0],
        "unit": "count",
    }
    path, _ = write(tmp_path, data)
    assert f"KPI '{kpi_key}' is also defined in recommendations[1]" in error_for(path)


def test_question_without_english_text(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["questions"][4]["text"] = {"fr": "Seulement en français"}
    path, _ = write(tmp_path, data)
    assert "questions[4].text.en: required key is missing" in error_for(path)


def test_level_off_the_scale(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["questions"][0]["levels"][6] = {"en": "Beyond the scale"}
    path, content = write(tmp_path, data)
    message = error_for(path)
    line = line_of(content, "6:", start=line_of(content, f"key: {data['questions'][0]['key']}"))
    assert f"{path}:{line}: questions[0].levels.6: the scale only has levels 1..5" in message


def test_unknown_field(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["questions"][1]["colour"] = "red"
    path, _ = write(tmp_path, data)
    assert "questions[1]: Additional properties are not allowed ('colour' was unexpected)" in (
        error_for(path)
    )


def test_empty_file_and_missing_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert f"{empty}:1: <root>: the file must contain a mapping" in error_for(empty)
    missing = tmp_path / "missing.yaml"
    assert f"{missing}: <root>: cannot read file" in error_for(missing)


def test_all_problems_are_collected(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["questions"][0]["area"] = "nowhere"
    data["questions"][1]["pillar"] = "nothing"
    path, _ = write(tmp_path, data)
    with pytest.raises(FrameworkError) as info:
        load_framework_file(path)
    paths = {problem.path for problem in info.value.problems}
    assert {"questions[0].area", "questions[1].pillar"} <= paths
    assert all(problem.line for problem in info.value.problems if problem.path.startswith("q"))
