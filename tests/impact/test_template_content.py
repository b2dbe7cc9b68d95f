"""The shipped impact templates load, and broken files are refused with a precise message."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cityrights.core import charts
from cityrights.impact.template_content import (
    ASSESSMENT_KINDS,
    AssessmentTemplate,
    ProcurementChecklist,
    ScreeningTemplate,
    TemplateError,
    load_assessment_template,
    load_procurement_checklist,
    load_screening,
    load_template_data,
    load_template_file,
    shipped_path,
    template_from_data,
)

RIGHT_SECTIONS = {
    "privacy": "Privacy and data protection",
    "equality": "Equality and non-discrimination",
    "expression-assembly": "Freedom of expression and assembly",
    "access-inclusion": "Access to services and inclusion",
    "transparency-contest": "Transparency and the right to contest",
    "safety-security": "Safety and security",
}


def raw(template_id: str) -> dict[str, Any]:
    return yaml.safe_load(shipped_path(template_id).read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict[str, Any], name: str = "broken.v1.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(TemplateError) as caught:
        load_template_file(path)
    message = str(caught.value)
    assert str(path) in message
    return message


# --------------------------------------------------------------------------------------
# Shipped content
# --------------------------------------------------------------------------------------


def test_screening_has_8_to_12_questions_each_pointing_somewhere() -> None:
    screening = load_screening()
    assert isinstance(screening, ScreeningTemplate)
    assert screening.label == "screening.v1"
    assert 8 <= len(screening.questions) <= 12
    assert {q.triggers for q in screening.questions} == {"dpia", "hria", "both"}
    for question in screening.questions:
        assert question.text["en"].endswith("?")
        assert len(question.reason["en"]) > 20
    assert "unsure" in screening.decision_rule["en"].lower()
    assert screening.decision_rule["fr"]


def test_assessment_template_has_the_required_sections_in_order() -> None:
    template = load_assessment_template()
    assert isinstance(template, AssessmentTemplate)
    keys = [s.key for s in template.sections]
    assert keys[:4] == ["context", "necessity", "data-algorithm", "affected-groups"]
    assert keys[-1] == "conclusion"
    analysed = {s.right: s for s in template.sections if s.right}
    assert {key: s.title["en"] for key, s in analysed.items()} == RIGHT_SECTIONS
    assert {r.key for r in template.rights} == set(RIGHT_SECTIONS)
    groups = template.section("affected-groups")
    options = {o.key for o in template.question("vulnerable").options}
    assert {"children", "disabilities", "migrants", "digital-skills"} <= options
    assert groups.intro is not None and "vulnerable" in groups.intro["en"]


def test_every_assessment_question_is_well_formed_and_translated_where_required() -> None:
    template = load_assessment_template()
    question_count = 0
    for section in template.sections:
        assert section.title["en"] and section.title["fr"]
        assert section.questions
        for question in section.questions:
            question_count += 1
            assert question.type in {"text", "choice", "yes-no"}
            assert 10 < len(question.text["en"]) < 400
            if question.type == "choice":
                assert len(question.options) >= 2
                assert all(o.label["en"] and o.label["fr"] for o in question.options)
            else:
                assert question.options == ()
    assert question_count >= 40
    for right in template.rights:
        assert right.title["fr"] and right.description["en"]


def test_sections_depend_on_the_kind_of_assessment() -> None:
    template = load_assessment_template()
    both = template.sections_for("both")
    assert both == template.sections
    dpia = {s.key for s in template.sections_for("dpia")}
    hria = {s.key for s in template.sections_for("hria")}
    assert dpia | hria == {s.key for s in both}
    assert "right-privacy" in dpia and "right-equality" not in dpia
    assert {"context", "conclusion"} <= dpia & hria
    with pytest.raises(ValueError, match="unknown assessment kind"):
        template.sections_for("none")


def test_risk_scale_has_four_levels_four_bands_and_a_full_rule() -> None:
    scale = load_assessment_template().risk_scale
    for levels in (scale.likelihood, scale.severity):
        assert [lvl.level for lvl in levels] == [1, 2, 3, 4]
        assert all(lvl.name["fr"] and len(lvl.description["en"]) > 20 for lvl in levels)
    assert [b.key for b in scale.bands] == ["low", "medium", "high", "very-high"]
    assert [b.rank for b in scale.bands] == [1, 2, 3, 4]
    pairs = {(lk, sv): scale.band(lk, sv).key for lk in range(1, 5) for sv in range(1, 5)}
    assert len(pairs) == 16
    assert pairs[(1, 1)] == "low" and pairs[(4, 4)] == "very-high"


def test_the_chart_default_band_rule_matches_the_template() -> None:
    scale = load_assessment_template().risk_scale
    for likelihood in range(1, 5):
        for severity in range(1, 5):
            assert scale.band(likelihood, severity).key == charts.default_risk_band(
                likelihood, severity
            )


def test_procurement_checklist_covers_the_core_requirements() -> None:
    checklist = load_procurement_checklist()
    assert isinstance(checklist, ProcurementChecklist)
    assert 12 <= len(checklist.requirements) <= 18
    assert checklist.mechanism == 12
    keys = {r.key for r in checklist.requirements}
    assert {
        "city-data-control",
        "open-standards",
        "accessibility",
        "audit-rights",
        "algorithmic-transparency",
        "exit-portability",
        "no-dark-patterns",
        "data-minimisation",
        "human-oversight",
        "non-discrimination-testing",
        "source-code",
        "rights-requests",
    } <= keys
    accessibility = checklist.requirement("accessibility")
    assert "EN 301 549" in accessibility.references
    assert "WCAG 2.1" in accessibility.requirement["en"]
    for requirement in checklist.requirements:
        assert requirement.title["en"] and requirement.title["fr"]
        for field in (requirement.requirement, requirement.why, requirement.contract_wording):
            assert len(field["en"]) > 40
    assert [r.key for r in checklist.requirements if r.optional] == ["sustainability"]


def test_snapshot_round_trip_rebuilds_the_same_template() -> None:
    for template_id in ("screening", "hria-dpia", "procurement"):
        data = json.loads(json.dumps(load_template_data(shipped_path(template_id))))
        rebuilt = template_from_data(data, source="snapshot")
        original = load_template_file(shipped_path(template_id))
        assert rebuilt.content_hash == original.content_hash
        assert rebuilt.kind == original.kind
        assert rebuilt == dataclasses.replace(original, source="snapshot")  # type: ignore[type-var]


def test_lookups_name_what_is_missing() -> None:
    template = load_assessment_template()
    with pytest.raises(KeyError, match="nope"):
        template.question("nope")
    with pytest.raises(KeyError, match="unknown right"):
        template.right("nope")
    with pytest.raises(KeyError, match="unknown requirement"):
        load_procurement_checklist().requirement("nope")


# --------------------------------------------------------------------------------------
# Broken files
# --------------------------------------------------------------------------------------


def test_duplicate_screening_key_is_reported_with_path_and_line(tmp_path: Path) -> None:
    data = raw("screening")
    data["questions"][3]["key"] = data["questions"][0]["key"]
    message = refused(write(tmp_path, data))
    assert "questions[3].key" in message
    assert "duplicate key 'personal-data'" in message
    assert f"{tmp_path / 'broken.v1.yaml'}:" in message  # a line number follows the file


def test_unknown_trigger_is_a_schema_error(tmp_path: Path) -> None:
    data = raw("screening")
    data["questions"][1]["triggers"] = "gdpr"
    message = refused(write(tmp_path, data))
    assert "questions[1].triggers" in message and "'gdpr'" in message


def test_missing_french_title_is_refused(tmp_path: Path) -> None:
    data = raw("procurement")
    del data["requirements"][2]["title"]["fr"]
    message = refused(write(tmp_path, data))
    assert "requirements[2].title" in message and "translation in fr" in message


def test_missing_required_key_names_it(tmp_path: Path) -> None:
    data = raw("procurement")
    del data["requirements"][0]["contract_wording"]
    message = refused(write(tmp_path, data))
    assert "requirements[0].contract_wording: required key is missing" in message


def test_text_without_english_is_refused(tmp_path: Path) -> None:
    data = raw("hria-dpia")
    data["sections"][0]["questions"][0]["text"] = {"fr": "Décrivez le projet."}
    message = refused(write(tmp_path, data))
    assert "sections[0].questions[0].text.en: required key is missing" in message


def test_choice_question_needs_options_and_others_must_not_have_them(tmp_path: Path) -> None:
    data = raw("hria-dpia")
    data["sections"][0]["questions"][0]["type"] = "choice"
    data["sections"][1]["questions"][0]["options"] = [
        {"key": "a", "label": {"en": "A"}},
        {"key": "b", "label": {"en": "B"}},
    ]
    message = refused(write(tmp_path, data))
    assert "sections[0].questions[0].options: a choice question needs options" in message
    assert "sections[1].questions[0].options: only choice questions have options" in message


def test_unknown_right_and_unanalysed_right_are_refused(tmp_path: Path) -> None:
    data = raw("hria-dpia")
    index = next(i for i, s in enumerate(data["sections"]) if s.get("right") == "equality")
    data["sections"][index]["right"] = "happiness"
    message = refused(write(tmp_path, data))
    assert f"sections[{index}].right: unknown right 'happiness'" in message
    assert "right 'equality' has no analysis section" in message


def test_duplicate_question_keys_across_sections_are_refused(tmp_path: Path) -> None:
    data = raw("hria-dpia")
    data["sections"][2]["questions"][0]["key"] = data["sections"][0]["questions"][0]["key"]
    message = refused(write(tmp_path, data))
    assert "sections[2].questions[0].key" in message and "sections[0].questions[0]" in message


def test_band_rule_that_goes_down_is_refused(tmp_path: Path) -> None:
    data = raw("hria-dpia")
    rule = data["risk_scale"]["band_rule"]
    top = next(row for row in rule if row["severity"] == 4)
    top["bands"] = ["high", "medium", "very-high", "very-high"]
    message = refused(write(tmp_path, data))
    assert "higher likelihood must never give a lower band" in message

    data = raw("hria-dpia")
    rows = {row["severity"]: row for row in data["risk_scale"]["band_rule"]}
    rows[2]["bands"] = ["medium", "medium", "medium", "high"]
    rows[3]["bands"] = ["low", "medium", "high", "very-high"]
    message = refused(write(tmp_path, data))
    assert "severity 3 gives a lower band than severity 2 at likelihood 1" in message


def test_risk_levels_must_be_numbered_one_to_four(tmp_path: Path) -> None:
    data = raw("hria-dpia")
    data["risk_scale"]["severity"][2]["level"] = 5
    message = refused(write(tmp_path, data))
    assert "risk_scale.severity" in message and "[1, 2, 3, 4]" in message
    data = raw("hria-dpia")
    data["risk_scale"]["likelihood"].pop()
    message = refused(write(tmp_path, data))
    assert "risk_scale.likelihood" in message


def test_wrong_kind_is_refused(tmp_path: Path) -> None:
    data = raw("screening")
    data["kind"] = "quiz"
    message = refused(write(tmp_path, data))
    assert "kind" in message and "'quiz'" in message


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "syntax.v1.yaml"
    path.write_text("kind: screening\nid: x\nquestions: [\n  - a\n", encoding="utf-8")
    message = refused(path)
    assert "YAML syntax error" in message
    assert f"{path}:" in message


def test_duplicated_yaml_key_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "dup.v1.yaml"
    path.write_text("kind: screening\nid: a\nid: b\n", encoding="utf-8")
    message = refused(path)
    assert f"{path}:3" in message and "duplicated key 'id'" in message


def test_schema_problems_get_line_numbers(tmp_path: Path) -> None:
    path = shipped_path("screening")
    lines = path.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if line.strip() == "triggers: hria")
    lines[target] = lines[target].replace("hria", "hrx")
    broken = tmp_path / "lines.v1.yaml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = refused(broken)
    assert f"{broken}:{target + 1}:" in message


def test_unreadable_file_and_non_mapping_are_refused(tmp_path: Path) -> None:
    assert "cannot read file" in refused(tmp_path / "missing.v1.yaml")
    path = tmp_path / "list.v1.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    assert "must contain a mapping" in refused(path)


def test_every_kind_is_accepted_by_the_generic_loader() -> None:
    kinds = {load_template_file(shipped_path(t)).kind for t in ("screening", "hria-dpia")}
    assert kinds == {"screening", "assessment"}
    assert set(ASSESSMENT_KINDS) == {"dpia", "hria"}
