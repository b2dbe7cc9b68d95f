"""The register's standard exports say what a decided impact assessment found, never a draft's.

The impact app gives the facts through ``core.registry`` (``register.entry.assessment_facts``);
the register never imports it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cityrights.impact import services
from cityrights.register import exports, selectors, standards
from cityrights.register.models import Entry

from .conftest import advance, fill_all, make_entry, new_assessment

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "cityrights"


def _algorithm(city: Any) -> Entry:
    entry = make_entry(city, name="Parking model", risk="medium")
    Entry.objects.filter(pk=entry.pk).update(kind="algorithm", contact_email="p@city-a.example")
    entry.refresh_from_db()
    return entry


def _exports(city: Any, lang: str = "en") -> dict[str, dict[str, Any]]:
    (record,) = [r for r in selectors.listed_records(city.city) if r.kind == "algorithm"]
    found = {
        "atrs": exports.to_atrs(record, lang),
        "eurocities": exports.to_eurocities(record, lang),
        "algoritmeregister": exports.to_algoritmeregister(record),
    }
    for key, data in found.items():
        # Only the attributes that come from an assessment: the test entry leaves others out.
        problems = standards.check(standards.STANDARDS[key], data)
        assert not [p for p in problems if "ssessment" in p or p.startswith("risks")], problems
    return found


def _decided_with_measures(city: Any, entry: Entry) -> Any:
    editor, reviewer = city.users["editor"], city.users["reviewer"]
    assessment = new_assessment(city, title="Parking model assessment", entry=entry)
    fill_all(assessment, editor)
    risk = services.add_risk(
        assessment,
        editor,
        {
            "right": "privacy",
            "description": "Payment records could be linked to people.",
            "likelihood": 2,
            "severity": 3,
        },
    )
    services.add_mitigation(risk, editor, action="Drop the plate number.", owner="IT", due=None)
    assessment = services.transition(assessment, editor, "submit")
    assessment = services.transition(assessment, reviewer, "start_review")
    return services.decide(
        assessment,
        reviewer,
        decision="approve_with_conditions",
        reasons="Acceptable with the measure.",
        conditions=[{"text": "Report the error rate.", "owner": "Mobility", "due": None}],
    )


def test_without_an_assessment_the_exports_say_so(city_a):
    _algorithm(city_a)
    found = _exports(city_a)
    assert found["eurocities"]["risks"] == (
        "No impact assessment of this algorithm has been decided. The city rates its risk as "
        "medium."
    )
    assert found["eurocities"]["DPIA_description"] is None
    assert found["eurocities"]["DPIA_url"] is None
    tier = found["atrs"]["tier_2"]["risks_mitigations_and_impact_assessments"]
    assert tier["impact_assessments"] == []
    assert len(tier["risks"]) == 1
    assert found["algoritmeregister"]["impacttoetsen"] is None
    assert found["algoritmeregister"]["impacttoetsen_grouping"] == []


def test_a_draft_or_an_assessment_in_review_never_leaks(city_a):
    entry = _algorithm(city_a)
    draft = new_assessment(city_a, title="Secret draft assessment", entry=entry)
    services.save_summary(draft, city_a.users["editor"], "A secret draft summary.")
    advance(city_a, new_assessment(city_a, title="Secret review", entry=entry), "under_review")
    text = json.dumps(_exports(city_a), ensure_ascii=False)
    assert "Secret" not in text
    assert "secret" not in text
    assert "Number plates are kept too long" not in text
    assert "No impact assessment of this algorithm has been decided" in text


def test_a_decided_assessment_fills_all_three_standards(city_a):
    entry = _algorithm(city_a)
    assessment = _decided_with_measures(city_a, entry)
    day = assessment.decided_at.date().isoformat()

    # Decided, summary not published: the assessment and its decision, nothing of its content.
    found = _exports(city_a)
    sentence = (
        "Impact assessment “Parking model assessment” (both data protection and human "
        f"rights), decided on {day}: approved with conditions."
    )
    europe = found["eurocities"]
    assert europe["risks"] == sentence
    assert europe["DPIA_description"] == europe["AIA_description"] == sentence
    assert europe["DPIA_url"] is None
    assert "Payment records" not in json.dumps(found)
    (item,) = found["atrs"]["tier_2"]["risks_mitigations_and_impact_assessments"][
        "impact_assessments"
    ]
    assert item == {
        "assessment_title": "Parking model assessment",
        "assessment_description": sentence,
        "assessment_date": day,
        "assessment_link": None,
    }

    # The summary is published: its text, its page and the risks with their measures.
    summary = services.save_summary(assessment, city_a.users["editor"], "The model is fair.")
    services.approve_summary(summary, city_a.users["reviewer"], publish=True)
    found = _exports(city_a)
    europe = found["eurocities"]
    assert europe["DPIA_url"] == europe["AIA_url"] == europe["documentation"]
    assert re.fullmatch(r"https?://[^ ]+/" + str(assessment.pk) + r"/", europe["DPIA_url"])
    lines = europe["risks"].split("\n")
    assert lines[:2] == [sentence, "The model is fair."]
    assert lines[2].endswith(
        ": Payment records could be linked to people. Measures: Drop the plate number."
    )
    tier = found["atrs"]["tier_2"]["risks_mitigations_and_impact_assessments"]
    assert tier["impact_assessments"][0]["assessment_link"] == europe["DPIA_url"]
    assert tier["risks"][1]["risk_description"] == "Payment records could be linked to people."
    assert tier["risks"][1]["risk_mitigation"] == "Drop the plate number."
    dutch = found["algoritmeregister"]
    assert dutch["impacttoetsen_grouping"] == [
        {"title": "Parking model assessment", "link": europe["DPIA_url"]}
    ]
    assert dutch["impacttoetsen"].startswith(
        "Impactanalyse ‘Parking model assessment’ (zowel gegevensbescherming als mensenrechten)"
    )
    assert "Drop the plate number" in dutch["risks"]

    french = _exports(city_a, "fr")["eurocities"]["risks"]
    assert "décidée le" in french.split("\n")[0]


def test_the_register_never_imports_the_impact_app():
    pattern = re.compile(r"^\s*(from|import)\s+cityrights\.impact\b", re.MULTILINE)
    for path in (SRC / "register").rglob("*.py"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path
