"""Register exports parse back with their standard tools and keep hostile text intact."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from cityrights.core import vocab
from cityrights.register import exports
from cityrights.register.importing import parse_csv
from cityrights.register.records import (
    CSV_HEADERS,
    TEMPLATE_HEADERS,
    DepartmentData,
    EntryData,
    LocationData,
)

NASTY = 'Camera <script>alert("x")</script> & "quotes", commas; semi\nnew line'
PUBLISHED = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
UPDATED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
DEPARTMENT = DepartmentData("Mobility", "mobility", "City of Example", "NL")


def make_entry(**changes: object) -> EntryData:
    entry = EntryData(
        id=7,
        short_code="abc234",
        slug="abc234",
        name="Parking scan car",
        kind="algorithm",
        summary="A car with cameras reads licence plates to check parking payments.",
        department=DEPARTMENT,
        contact="Parking team <parking@example.org>",
        status="in_use",
        risk_level="high",
        purposes=(
            "https://w3id.org/dpv#ImproveTransportMobility",
            "https://w3id.org/dpv#PaymentManagement",
        ),
        provider="Example Vision Ltd",
        start_date=date(2023, 1, 15),
        legal_bases=("https://w3id.org/dpv/legal/eu/gdpr#A6-1-e",),
        data_categories=(
            "https://w3id.org/dpv/pd#VehicleLicense",
            "https://w3id.org/dpv/pd#Picture",
        ),
        data_subjects="Drivers and passers-by",
        retention="Plates of paid cars are deleted at once; others after 48 hours.",
        recipients="Parking enforcement officers",
        automation_level="partly_automated",
        human_oversight="An officer checks every suspected violation before a fine is sent.",
        impact_assessment_status="DPIA completed in 2023",
        impact_assessment_url="https://city.example/dpia/parking",
        source_code_url="https://code.example/parking",
        dataset_urls=("https://data.example/parking-zones",),
        thematic_areas=("privacy", "transparency"),
        locations=(
            LocationData(52.3731, 4.8926, "Dam Square (north side)", id=11, short_code="loc2345a"),
            LocationData(-33.9249, 18.4241, "Harbour; gate 2", id=12),
        ),
        published_at=PUBLISHED,
        version=3,
        updated_at=UPDATED,
        public_url="https://city.example/r/abc234",
    )
    return replace(entry, **changes)  # type: ignore[arg-type]


@pytest.fixture
def entries() -> list[EntryData]:
    return [
        make_entry(),
        make_entry(
            id=8,
            short_code="def567",
            slug="def567",
            name=NASTY,
            summary=NASTY,
            kind="sensor",
            provider="=cmd|' /C calc'!A0",
            public_url="https://city.example/r/def567",
        ),
        make_entry(id=9, short_code="ghj789", name="Draft camera", published_at=None),
    ]


# --- CSV -------------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_parses_back_with_the_csv_module(entries: list[EntryData]) -> None:
    text = exports.to_csv(entries)
    rows = read_csv(text)
    assert list(rows[0].keys()) == list(CSV_HEADERS)
    assert [row["short_code"] for row in rows] == ["abc234", "def567"]
    first = rows[0]
    assert first["purposes"].split(" | ") == list(make_entry().purposes)
    assert first["purpose_labels"] == "Improving traffic and mobility | Handling payments"
    assert first["locations"] == (
        "52.3731,4.8926 (Dam Square (north side)); -33.9249,18.4241 (Harbour; gate 2)"
    )
    assert first["sensitive_data"] == "no"
    assert first["published_at"] == PUBLISHED.isoformat()


def test_csv_keeps_quotes_markup_and_newlines_intact(entries: list[EntryData]) -> None:
    rows = read_csv(exports.to_csv(entries))
    assert rows[1]["name"] == NASTY
    assert rows[1]["summary"] == NASTY


def test_csv_guards_cells_a_spreadsheet_would_run_as_formulas(entries: list[EntryData]) -> None:
    rows = read_csv(exports.to_csv(entries))
    assert rows[1]["provider"] == "'=cmd|' /C calc'!A0"
    # Coordinates may start with '-' and are not touched.
    assert rows[0]["locations"].split("; ")[1].startswith("-33.9249")


def test_csv_leaves_out_unpublished_entries_unless_asked(entries: list[EntryData]) -> None:
    assert "Draft camera" not in exports.to_csv(entries)
    staff = read_csv(exports.to_csv(entries, include_unpublished=True))
    assert [row["name"] for row in staff][-1] == "Draft camera"


def test_streamed_csv_equals_the_whole_file(entries: list[EntryData]) -> None:
    many = [replace(entries[0], id=n, short_code=f"c{n}") for n in range(25)]
    chunks = list(exports.iter_csv(many, batch=4))
    assert len(chunks) > 5
    assert "".join(chunks) == exports.to_csv(many)
    buffer = io.StringIO()
    assert exports.write_csv(many, buffer) == 25
    assert buffer.getvalue() == exports.to_csv(many)


def test_csv_labels_follow_the_language(entries: list[EntryData]) -> None:
    rows = read_csv(exports.to_csv(entries, lang="nl"))
    assert rows[0]["legal_basis_labels"] == vocab.label(make_entry().legal_bases[0], "nl")


def test_exported_csv_imports_back_to_the_same_entries(entries: list[EntryData]) -> None:
    result = parse_csv(exports.to_csv(entries))
    assert result.ok, [str(issue) for issue in result.issues]
    for original, imported in zip(entries[:2], result.entries, strict=True):
        for column in TEMPLATE_HEADERS:
            if column == "department":
                assert imported.department.name == original.department.name
            elif column == "locations":
                assert [(p.lat, p.lon, p.description) for p in imported.locations] == [
                    (p.lat, p.lon, p.description) for p in original.locations
                ]
            else:
                assert getattr(imported, column) == getattr(original, column), column


# --- GeoJSON ---------------------------------------------------------------------------------


def test_geojson_parses_and_uses_longitude_latitude_order(entries: list[EntryData]) -> None:
    document = json.loads(exports.geojson_text(entries))
    assert document["type"] == "FeatureCollection"
    features = document["features"]
    assert len(features) == 4  # two published entries with two locations each
    first = features[0]
    assert first["type"] == "Feature"
    assert first["geometry"] == {"type": "Point", "coordinates": [4.8926, 52.3731]}
    assert first["properties"]["name"] == "Parking scan car"
    assert first["properties"]["kind"] == "algorithm"
    assert first["properties"]["description"] == "Dam Square (north side)"
    assert first["properties"]["url"] == "https://city.example/r/abc234"
    assert features[1]["geometry"]["coordinates"] == [18.4241, -33.9249]
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_text_matches_the_python_structure(entries: list[EntryData]) -> None:
    assert json.loads(exports.geojson_text(entries)) == exports.to_geojson(entries)


def test_geojson_escapes_markup_but_keeps_the_text(entries: list[EntryData]) -> None:
    text = exports.geojson_text(entries)
    assert "<script>" not in text and "</" not in text
    names = {f["properties"]["name"] for f in json.loads(text)["features"]}
    assert NASTY in names


def test_geojson_never_contains_unpublished_locations(entries: list[EntryData]) -> None:
    codes = {f["properties"]["entry"] for f in exports.to_geojson(entries)["features"]}
    assert codes == {"abc234", "def567"}
    assert "Draft camera" not in exports.geojson_text(entries)


def test_geojson_for_twenty_thousand_locations_is_valid_and_streamed() -> None:
    points = tuple(
        LocationData(-60 + (i % 1200) / 10, -170 + (i // 1200) * 17, f"pole {i}")
        for i in range(200)
    )
    many = [make_entry(id=n, short_code=f"e{n}", locations=points) for n in range(100)]
    chunks = list(exports.iter_geojson(many, batch=1000))
    assert len(chunks) > 10
    document = json.loads("".join(chunks))
    assert len(document["features"]) == 20_000
    assert document["features"][-1]["properties"]["description"] == "pole 199"


# --- Algorithm-register standards ------------------------------------------------------------

EUROCITIES_FIELDS = {
    "standard_version", "uuid", "lang", "publication_date", "last_change_date", "revision_date",
    "revision_note", "keywords", "name", "organization", "department",
    "contact_email", "contact_phone", "contact_name", "description_short", "website", "status",
    "remark", "decision_making_process", "domain", "area", "goal", "impact", "risks",
    "risk_category", "proportionality", "lawful_basis", "documentation", "training_data",
    "source_data", "data_bias", "connected_data_sources", "DPIA_description", "DPIA_url",
    "description", "algorithm_type", "methods_and_models", "performance",
    "alternatives_considered", "product_information", "codebase_url", "product_page",
    "AIA_description", "AIA_url", "type", "monitoring", "human_intervention",
    "objection_procedure", "rollback",
}  # fmt: skip
ALGORITMEREGISTER_FIELDS = {
    "name", "description_short", "organization", "category", "status", "begin_date",
    "end_date", "contact_email", "website", "publication_category", "url", "goal",
    "proportionality", "human_intervention", "risks", "lawful_basis", "lawful_basis_grouping",
    "process_index_url", "impacttoetsen", "impacttoetsen_grouping", "source_data",
    "source_data_grouping", "methods_and_models", "provider", "publiccode", "lang",
    "standard_version", "source_id", "tags",
}  # fmt: skip


def test_atrs_shape_has_both_tiers_and_the_five_tier_two_sections() -> None:
    record = exports.to_atrs(make_entry())
    assert record["standard_version"] == "3.0"
    assert record["tier_1"] == {
        "name": "Parking scan car",
        "description": make_entry().summary,
        "website_url": "https://city.example/r/abc234",
        "contact_email": "parking@example.org",
    }
    assert set(record["tier_2"]) == {
        "owner_and_responsibility",
        "description_and_rationale",
        "decision_making_process",
        "tool_specification",
        "risks_mitigations_and_impact_assessments",
    }
    owner = record["tier_2"]["owner_and_responsibility"]
    assert owner["external_supplier_involvement"] == "Yes"
    assert owner["external_supplier"] == "Example Vision Ltd"
    assert record["metadata"]["phase"] == "Production"
    process = record["tier_2"]["decision_making_process"]
    assert process["human_decisions_and_review"] == make_entry().human_oversight
    assessments = record["tier_2"]["risks_mitigations_and_impact_assessments"]
    assert (
        assessments["impact_assessments"][0]["assessment_link"]
        == make_entry().impact_assessment_url
    )
    json.dumps(record)


def test_eurocities_shape_has_every_schema_field() -> None:
    record = exports.to_eurocities(make_entry(summary="word " * 80))
    assert set(record) == EUROCITIES_FIELDS
    assert record["standard_version"] == "0.3.1"
    assert record["status"] == "operational"
    assert record["risk_category"] == "high risk"
    assert len(record["description_short"]) <= 150
    assert record["revision_date"] == "2025-06-01"
    assert record["uuid"] == exports.registration_uuid(make_entry())
    json.dumps(record)


def test_algoritmeregister_shape_has_every_field_with_permitted_values() -> None:
    record = exports.to_algoritmeregister(make_entry(status="pilot", risk_level="low"))
    assert set(record) == ALGORITMEREGISTER_FIELDS
    assert record["lang"] == "nld"
    assert record["standard_version"] == "1.0"
    assert record["status"] == "In ontwikkeling"
    assert record["publication_category"] == "Overige algoritmes"
    assert record["begin_date"] == "2023-01"
    assert record["organization"] == "City of Example"
    assert record["lawful_basis_grouping"] == [
        {"title": vocab.label("eu-gdpr:A6-1-e", "nl"), "link": make_entry().legal_bases[0]}
    ]
    json.dumps(record)


@pytest.mark.parametrize(
    "exporter", [exports.to_atrs, exports.to_eurocities, exports.to_algoritmeregister]
)
def test_standards_refuse_entries_that_are_not_algorithms(exporter: object) -> None:
    with pytest.raises(exports.NotAnAlgorithmError, match="kind 'sensor'"):
        exporter(make_entry(kind="sensor"))  # type: ignore[operator]


@pytest.mark.parametrize("standard", sorted(exports.STANDARD_EXPORTERS))
def test_export_standard_keeps_published_algorithms_only(
    standard: str, entries: list[EntryData]
) -> None:
    records = exports.export_standard(entries, standard)
    assert len(records) == 1  # the sensor and the draft are left out
    with pytest.raises(ValueError, match="Unknown standard"):
        exports.export_standard(entries, "iso-42001")


def test_hostile_text_passes_through_the_standards_unchanged() -> None:
    entry = make_entry(name=NASTY, human_oversight=NASTY)
    assert exports.to_atrs(entry)["tier_1"]["name"] == NASTY
    assert exports.to_eurocities(entry)["human_intervention"] == NASTY
    assert (
        json.loads(json.dumps(exports.to_algoritmeregister(entry)))["human_intervention"] == NASTY
    )
