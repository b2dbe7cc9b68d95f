"""Every exported demo record meets its standard's published constraints; the docs match them."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityrights.core import demo
from cityrights.core.models import Organisation
from cityrights.register import exports, selectors, standards
from cityrights.register.records import DepartmentData, EntryData

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_every_demo_record_meets_its_standard():
    demo.load()
    city = Organisation.objects.get(slug="demo-city")
    records = list(selectors.listed_records(city))
    for key in ("algoritmeregister", "atrs"):
        exported = exports.export_standard(records, key)
        assert len(exported) >= 3
        for record in exported:
            problems = standards.check(standards.STANDARDS[key], record)
            assert problems == [], (key, record.get("name") or record["metadata"])

    # Eurocities: the register records every required attribute, and every demo algorithm
    # gives each of them a valid, non-null value.
    standard = standards.EUROCITIES
    assert standards.not_recorded(standard) == []
    required = [rule.key for rule in standard.rules if rule.required]
    exported = exports.export_standard(records, "eurocities")
    assert len(exported) == 4  # the published algorithms of Demo City
    for record in exported:
        assert standards.check(standard, record) == [], record["name"]
        assert [key for key in required if record.get(key) is None] == [], record["name"]
        assert "country" not in record


def test_the_standards_have_the_published_number_of_attributes():
    assert len(standards.EUROCITIES.rules) == 49
    assert standards.EUROCITIES.rule("standard_version").values == ("0.3.1",)
    assert len(standards.ALGORITMEREGISTER.rules) == 31
    assert standards.ALGORITMEREGISTER.rule("standard_version").values == ("1.0",)


def _algorithm(**changes) -> EntryData:
    data = {
        "name": "Parking model",
        "kind": "algorithm",
        "summary": "Predicts free parking places.",
        "department": DepartmentData(
            name="Mobility", organisation="Demo City", own_units=("Mobility", "Digital office")
        ),
        "contact": "parking@demo-city.example",
        "status": "in_use",
        "risk_level": "low",
        "public_url": "https://demo-city.example/r/abc123",
    }
    data.update(changes)
    return EntryData(**data)


@pytest.mark.parametrize(
    ("provider", "involved"),
    [
        ("", "No"),
        ("Digital office", "No"),
        ("  digital   OFFICE ", "No"),
        ("Demo City", "No"),
        ("Parkit Ltd", "Yes"),
    ],
)
def test_atrs_names_a_supplier_only_outside_the_city(provider, involved):
    owner = exports.to_atrs(_algorithm(provider=provider))["tier_2"]["owner_and_responsibility"]
    assert owner["external_supplier_involvement"] == involved
    assert owner["external_supplier"] == (provider if involved == "Yes" else None)


def test_the_checker_finds_what_the_official_configuration_refuses():
    record = exports.to_algoritmeregister(_algorithm())
    assert standards.check(standards.ALGORITMEREGISTER, record) == []
    broken = {
        **record,
        "standard_version": "1.0.0",
        "status": "Gepland",
        "provider": "x" * 201,
        "goal": "<script>x</script>",
        "contact_email": None,
        "country": "NL",
    }
    problems = standards.check(standards.ALGORITMEREGISTER, broken)
    for key in ("standard_version", "status", "provider", "goal", "contact_email", "country"):
        assert any(p.startswith(key + ":") for p in problems), key
    eurocities = {**exports.to_eurocities(_algorithm()), "country": "NL", "lang": "eng"}
    problems = standards.check(standards.EUROCITIES, eurocities)
    assert "country: not an attribute of 0.3.1" in problems
    assert any(p.startswith("lang:") for p in problems)


def test_the_coverage_tables_in_the_docs_are_generated_from_the_rules():
    docs = (ROOT / "docs" / "register-standards.md").read_text(encoding="utf-8")
    assert standards.with_tables(docs) == docs, (
        "docs/register-standards.md is out of date: run "
        "`PYTHONPATH=src python -m cityrights.register.standards --write`"
    )
