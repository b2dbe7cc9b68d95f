"""Bulk import: every problem is reported with row, column and reason, and nothing half-imports."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cityrights.register import importing
from cityrights.register.importing import (
    CoordinateError,
    ImportIssue,
    parse_csv,
    parse_inventory,
    parse_locations,
    parse_xlsx,
    template_csv,
    template_xlsx,
)
from cityrights.register.records import TEMPLATE_HEADERS, LocationData, format_locations

VALID = {
    "name": "Parking scan car",
    "kind": "algorithm",
    "summary": "Reads licence plates to check parking payments.",
    "purposes": "dpv:ImproveTransportMobility | https://w3id.org/dpv#PaymentManagement",
    "department": "Mobility",
    "contact": "Parking team <parking@example.org>",
    "provider": "Example Vision Ltd",
    "status": "in use",
    "start_date": "2023-01-15",
    "legal_bases": "eu-gdpr:A6-1-e",
    "data_categories": "pd:VehicleLicense | pd:Picture",
    "data_subjects": "Drivers",
    "automation_level": "partly automated",
    "human_oversight": "An officer checks every case.",
    "risk_level": "High",
    "impact_assessment_url": "https://city.example/dpia/parking",
    "dataset_urls": "https://data.example/zones",
    "thematic_areas": "privacy | public goods",
    "locations": "52.3731,4.8926 (Dam Square; north side); -33.9,18.4",
}
SENSOR = {
    "name": "Air quality sensors",
    "kind": "sensor",
    "summary": "Measure fine dust.",
    "purposes": "dpv:CombatClimateChange",
    "department": "Environment",
    "contact": "https://city.example/contact",
    "status": "pilot",
    "risk_level": "low",
    "locations": "52.1,4.3",
}


def make_csv(
    *rows: dict[str, str], headers: tuple[str, ...] = TEMPLATE_HEADERS, sep: str = ","
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return buffer.getvalue()


def make_xlsx(*rows: Sequence[object]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def issues_of(result: importing.ImportResult) -> list[tuple[int | None, str]]:
    return [(issue.row, issue.column) for issue in result.issues]


# --- Coordinates -----------------------------------------------------------------------------

latitudes = st.floats(min_value=-90, max_value=90, allow_nan=False, allow_infinity=False)
longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False, allow_infinity=False)
descriptions = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="()"),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(latitudes, longitudes, descriptions), max_size=6))
def test_formatted_locations_parse_back_exactly(points: list[tuple[float, float, str]]) -> None:
    locations = tuple(LocationData(lat, lon, text) for lat, lon, text in points)
    parsed = parse_locations(format_locations(locations))
    assert [(p.lat, p.lon) for p in parsed] == [(lat, lon) for lat, lon, _ in points]
    assert [p.description for p in parsed] == [" ".join(text.split()) for _, _, text in points]


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        st.floats(min_value=90.000001, max_value=1e6),
        st.floats(min_value=-1e6, max_value=-90.000001),
    ),
    longitudes,
)
def test_latitude_out_of_range_is_refused(lat: float, lon: float) -> None:
    with pytest.raises(CoordinateError, match="Latitude"):
        parse_locations(f"{lat!r},{lon!r}")


@settings(max_examples=100, deadline=None)
@given(
    latitudes,
    st.one_of(
        st.floats(min_value=180.000001, max_value=1e6),
        st.floats(min_value=-1e6, max_value=-180.000001),
    ),
)
def test_longitude_out_of_range_is_refused(lat: float, lon: float) -> None:
    with pytest.raises(CoordinateError, match="Longitude"):
        parse_locations(f"{lat!r},{lon!r}")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_either_parses_to_valid_points_or_raises_coordinate_error(text: str) -> None:
    try:
        points = parse_locations(text)
    except CoordinateError:
        return
    for point in points:
        assert -90 <= point.lat <= 90 and -180 <= point.lon <= 180


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("52.1", "is not a point"),
        ("52.1,4.3,7", "is not a point"),
        ("north,east", "is not a point"),
        ("52,1e3", "Longitude 1000.0 is outside"),
        ("52,4.3.1", "is not a point"),
        ("nan,4", "is not a point"),
        ("52.1,4.3; 95,4", "point 2"),
    ],
)
def test_bad_points_are_named(text: str, problem: str) -> None:
    with pytest.raises(CoordinateError, match=problem):
        parse_locations(text)


def test_empty_cell_means_no_locations() -> None:
    assert parse_locations("") == ()
    assert parse_locations(" ; ") == ()


# --- Valid files -----------------------------------------------------------------------------


def test_valid_csv_imports_with_normalised_values() -> None:
    result = parse_csv(make_csv(VALID, SENSOR).encode("utf-8"))
    assert result.ok, [str(issue) for issue in result.issues]
    assert [row.row for row in result.rows] == [2, 3]
    entry = result.entries[0]
    assert entry.status == "in_use"
    assert entry.risk_level == "high"
    assert entry.automation_level == "partly_automated"
    assert entry.purposes == (
        "https://w3id.org/dpv#ImproveTransportMobility",
        "https://w3id.org/dpv#PaymentManagement",
    )
    assert entry.legal_bases == ("https://w3id.org/dpv/legal/eu/gdpr#A6-1-e",)
    assert entry.thematic_areas == ("privacy", "public_goods")
    assert entry.start_date == date(2023, 1, 15)
    assert [(p.lat, p.lon, p.description) for p in entry.locations] == [
        (52.3731, 4.8926, "Dam Square; north side"),
        (-33.9, 18.4, ""),
    ]
    assert result.entries[1].automation_level == "none"


def test_semicolon_separated_csv_with_bom_imports() -> None:
    data = ("\ufeff" + make_csv(VALID, sep=";")).encode("utf-8")
    result = parse_csv(data)
    assert result.ok, [str(issue) for issue in result.issues]
    assert result.entries[0].name == "Parking scan car"


def test_the_templates_import_cleanly() -> None:
    assert parse_csv(template_csv()).ok
    result = parse_xlsx(template_xlsx())
    assert result.ok, [str(issue) for issue in result.issues]
    assert len(result.entries[0].locations) == 2
    assert template_csv(with_example=False).strip() == ",".join(TEMPLATE_HEADERS)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_templates_example_is_written_in_the_officers_language(language) -> None:
    from django.utils import translation

    with translation.override(language):
        text, workbook = template_csv(), template_xlsx()
    example = {"fr": "Capteurs de qualité de l’air", "nl": "Luchtkwaliteitssensoren"}[language]
    assert example in text and "Air quality" not in text
    result = parse_xlsx(workbook)
    assert result.ok and result.entries[0].name.startswith(example)
    assert parse_csv(text).ok


def test_valid_xlsx_imports_with_date_and_number_cells() -> None:
    headers = list(TEMPLATE_HEADERS)
    row: list[object] = [VALID.get(header, "") or None for header in headers]
    row[headers.index("start_date")] = datetime(2023, 1, 15)
    row[headers.index("name")] = 311  # a number typed as a name is read as text
    result = parse_xlsx(
        make_xlsx(headers, row, [None] * len(headers), [SENSOR.get(h, "") for h in headers])
    )
    assert result.ok, [str(issue) for issue in result.issues]
    assert result.entries[0].start_date == date(2023, 1, 15)
    assert result.entries[0].name == "311"
    assert [row.row for row in result.rows] == [2, 4]  # the blank sheet row 3 keeps numbering


def test_parse_inventory_picks_the_parser_from_the_file_name() -> None:
    assert parse_inventory(make_csv(VALID).encode(), "Inventory.CSV").ok
    assert parse_inventory(template_xlsx(), "inventory.xlsx").ok
    result = parse_inventory(b"x", "inventory.pdf")
    assert result.issues == (ImportIssue(None, "", "Upload a .csv or .xlsx file."),)


def test_formula_guard_written_by_the_export_is_removed() -> None:
    result = parse_csv(make_csv({**VALID, "provider": "'=SUM(A1)"}))
    assert result.entries[0].provider == "=SUM(A1)"


def test_known_departments_are_matched_case_insensitively() -> None:
    result = parse_csv(make_csv({**VALID, "department": "mobility"}), departments=["Mobility"])
    assert result.entries[0].department.name == "Mobility"


# --- Errors: row, column, problem ------------------------------------------------------------

ROW_ERRORS = [
    ("name", "", "required"),
    ("kind", "robot", "“robot” is not allowed"),
    ("status", "active", "“active” is not allowed"),
    ("risk_level", "extreme", "“extreme” is not allowed"),
    ("automation_level", "", "required"),
    ("purposes", "dpv:ServiceProvison", "Did you mean “dpv:ServiceProvision”?"),
    ("purposes", "", "At least one value is required"),
    ("legal_bases", "dpv:ServiceProvision", "is a purpose; this field takes a legal basis"),
    ("data_categories", "pd:HeartRate", "is not a personal-data category"),
    ("locations", "95,4 (pole)", "Latitude 95.0 is outside -90 to 90"),
    ("locations", "52.1;4.3", "is not a point"),
    ("start_date", "31/12/2024", "YYYY-MM-DD"),
    ("impact_assessment_url", "ftp://files.example/dpia", "is not a web address"),
    ("dataset_urls", "https://ok.example/a | not a url", "“not a url” is not a web address"),
    ("contact", "nobody", "is not an email address"),
    ("thematic_areas", "happiness", "is not a thematic area"),
    ("end_date", "2020-01-01", "before the start date"),
    ("summary", "x" * 2001, "Too long"),
]


@pytest.mark.parametrize(("column", "value", "problem"), ROW_ERRORS)
def test_each_kind_of_error_names_row_column_and_problem(
    column: str, value: str, problem: str
) -> None:
    bad = {**VALID, column: value}
    result = parse_csv(make_csv(SENSOR, bad))
    assert result.rows == ()
    assert not result.ok
    matching = [issue for issue in result.issues if issue.column == column]
    assert matching, [str(issue) for issue in result.issues]
    assert matching[0].row == 3
    assert problem in matching[0].message
    assert str(matching[0]).startswith(f"Row 3, column “{column}”: ")


def test_cross_field_rules() -> None:
    sensor_without_place = {**SENSOR, "locations": ""}
    data_without_basis = {**VALID, "legal_bases": ""}
    result = parse_csv(make_csv(sensor_without_place, data_without_basis))
    assert (2, "locations") in issues_of(result)
    assert (3, "legal_bases") in issues_of(result)
    messages = " ".join(issue.message for issue in result.issues)
    assert "A sensor needs at least one location" in messages
    assert "a legal basis is required" in messages


def test_a_single_bad_row_means_no_rows_at_all() -> None:
    rows = [VALID, SENSOR, {**SENSOR, "name": "Noise sensors", "kind": "robot"}]
    result = parse_csv(make_csv(*rows))
    assert result.rows == ()
    assert result.entries == ()
    assert issues_of(result) == [(4, "kind")]


def test_every_problem_of_a_row_is_reported_not_just_the_first() -> None:
    bad = {**VALID, "kind": "robot", "status": "", "locations": "200,200", "contact": ""}
    result = parse_csv(make_csv(bad))
    columns = {issue.column for issue in result.issues}
    assert {"kind", "status", "locations", "contact"} <= columns
    assert {issue.row for issue in result.issues} == {2}


def test_row_numbers_match_the_spreadsheet_even_with_blank_lines_and_multiline_cells() -> None:
    text = make_csv({**VALID, "summary": "line one\nline two"}, {}, {**SENSOR, "kind": "robot"})
    assert issues_of(parse_csv(text)) == [(4, "kind")]


def test_xlsx_errors_use_sheet_row_numbers() -> None:
    headers = list(TEMPLATE_HEADERS)
    good = [VALID.get(h, "") for h in headers]
    bad = [{**SENSOR, "locations": "-91,0"}.get(h, "") for h in headers]
    result = parse_xlsx(make_xlsx(headers, good, [], [], bad))
    assert issues_of(result) == [(5, "locations")]
    assert result.rows == ()


def test_header_problems_are_reported_on_row_one() -> None:
    headers = (*tuple(h for h in TEMPLATE_HEADERS if h != "kind"), "purpose", "name")
    result = parse_csv(make_csv(VALID, headers=headers))
    problems = {(issue.column, issue.message) for issue in result.issues}
    assert ("kind", "This required column is missing.") in problems
    assert ("purpose", "Unknown column. Did you mean “purposes”?") in problems
    assert ("name", "This column appears twice.") in problems
    assert {issue.row for issue in result.issues} == {1}


def test_export_only_columns_are_accepted_and_ignored() -> None:
    headers = ("id", "short_code", *TEMPLATE_HEADERS, "purpose_labels")
    result = parse_csv(
        make_csv({**VALID, "id": "99", "purpose_labels": "whatever"}, headers=headers)
    )
    assert result.ok


def test_a_value_without_a_column_header_is_an_error() -> None:
    header, row = make_csv(VALID).splitlines()
    result = parse_csv(f"{header},\r\n{row},surprise\r\n")
    first, second = divmod(len(TEMPLATE_HEADERS), 26)  # the template has more than 26 columns
    letters = (chr(ord("A") + first - 1) if first else "") + chr(ord("A") + second)
    column = letters
    assert issues_of(result) == [(2, column)]
    assert result.issues[0].message == "This cell has no column header."


def test_duplicate_names_and_unknown_departments_are_errors() -> None:
    result = parse_csv(
        make_csv(VALID, {**VALID, "department": "Mobilty"}), departments=["Mobility", "Parks"]
    )
    assert (3, "name") in issues_of(result)
    department = next(issue for issue in result.issues if issue.column == "department")
    assert department.row == 3
    assert department.message == "Unknown department “Mobilty”. Did you mean “Mobility”?"


# --- File-level errors -----------------------------------------------------------------------


def test_oversized_uploads_are_refused_before_parsing() -> None:
    data = make_csv(VALID).encode()
    result = parse_csv(data, max_bytes=len(data) - 1)
    assert len(result.issues) == 1
    assert result.issues[0].row is None
    assert "the limit is" in result.issues[0].message
    assert "the limit is" in parse_xlsx(template_xlsx(), max_bytes=100).issues[0].message


def test_too_many_rows_is_an_error() -> None:
    result = parse_csv(make_csv(VALID, SENSOR, {**SENSOR, "name": "Third"}), max_rows=2)
    assert any("Too many rows" in issue.message for issue in result.issues)
    assert result.rows == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (",".join(TEMPLATE_HEADERS).encode(), "The file has a header but no entries."),
        ("name;kind\r\nCafé".encode("latin-1"), "not UTF-8"),
        (b"name,kind\x00", "binary data"),
    ],
)
def test_unreadable_csv_files_get_one_clear_message(data: bytes, message: str) -> None:
    result = parse_csv(data)
    assert result.rows == ()
    assert message in result.issues[0].message


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    assert "not an .xlsx workbook" in parse_xlsx(b"name,kind\n").issues[0].message
    broken = template_xlsx()[:200]
    assert parse_xlsx(broken).issues[0].row is None


def test_an_algorithm_s_facts_are_read_from_their_columns() -> None:
    row = {
        **VALID,
        "domain": "Traffic and Transportation",  # the Eurocities value works as well as our key
        "algorithm_type": "rule-based",
        "use_type": "Prescriptive",
        "monitoring": "Checked every week.",
        "objection_procedure": "Object at the parking office.",
    }
    (entry,) = parse_csv(make_csv(row)).entries
    assert (entry.domain, entry.algorithm_type, entry.use_type) == (
        "traffic",
        "rule_based",
        "prescriptive",
    )
    assert entry.monitoring == "Checked every week."
    assert entry.objection_procedure == "Object at the parking office."
    wrong = parse_csv(make_csv({**VALID, "domain": "parking", "use_type": "guessing"}))
    assert issues_of(wrong) == [(2, "domain"), (2, "use_type")]
    assert "use one of" in str(wrong.issues[0])


# --- Places' descriptions per language ------------------------------------------------------

PLACES = "50.85,4.35 (Town hall); 50.86,4.36 (Park)"
PLACE_HEADERS = (*TEMPLATE_HEADERS, "locations_fr", "locations_nl")


def test_each_language_column_gives_its_points_their_descriptions() -> None:
    row = {
        **VALID,
        "locations": PLACES,
        "locations_fr": "50.85,4.35 (Hôtel de ville); 50.86,4.36",
        "locations_nl": "50.850,4.35 (Stadhuis); 50.86,4.360 (Park)",
    }
    result = parse_csv(make_csv(row, headers=PLACE_HEADERS))
    assert result.ok, [str(issue) for issue in result.issues]
    first, second = result.entries[0].locations
    assert (first.description, dict(first.descriptions)) == (
        "Town hall",
        {"fr": "Hôtel de ville", "nl": "Stadhuis"},
    )
    # A point written without a description has none in that language.
    assert dict(second.descriptions) == {"fr": "", "nl": "Park"}


def test_without_language_columns_places_have_the_plain_description_only() -> None:
    result = parse_csv(make_csv({**VALID, "locations": PLACES}, headers=PLACE_HEADERS))
    assert [dict(place.descriptions) for place in result.entries[0].locations] == [{}, {}]


@pytest.mark.parametrize(
    "cell, message",
    [
        ("50.85,4.35 (Hôtel de ville)", "list different numbers of points (1 and 2)"),
        ("50.86,4.36 (Parc); 50.85,4.35 (Hôtel de ville)", "Point 1 is not where point 1"),
        ("50.85,4.35 (Hôtel de ville); 50.86,4.37 (Parc)", "Point 2 is not where point 2"),
        ("50.85 4.35 (Hôtel de ville)", "is not a point"),
    ],
)
def test_a_language_column_must_list_the_same_points_in_the_same_order(cell, message) -> None:
    row = {**VALID, "locations": PLACES, "locations_fr": cell}
    result = parse_csv(make_csv(row, headers=PLACE_HEADERS))
    assert issues_of(result) == [(2, "locations_fr")]
    assert message in result.issues[0].message


def test_a_place_language_the_city_does_not_publish_in_is_refused() -> None:
    row = {**VALID, "locations": PLACES, "locations_nl": PLACES}
    result = parse_csv(make_csv(row, headers=PLACE_HEADERS), languages=["en", "fr"])
    assert issues_of(result) == [(1, "locations_nl")]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(latitudes, longitudes, descriptions, descriptions, descriptions),
        min_size=1,
        max_size=5,
    )
)
def test_exported_place_columns_import_back_per_language(points) -> None:
    places = tuple(
        LocationData(lat, lon, plain, descriptions={"fr": fr, "nl": nl})
        for lat, lon, plain, fr, nl in points
    )
    row = {
        **VALID,
        "locations": format_locations(places),
        "locations_fr": format_locations(places, "fr"),
        "locations_nl": format_locations(places, "nl"),
    }
    result = parse_csv(make_csv(row, headers=PLACE_HEADERS))
    assert result.ok, [str(issue) for issue in result.issues]
    imported = result.entries[0].locations
    assert [(p.lat, p.lon, p.description) for p in imported] == [
        (lat, lon, " ".join(plain.split())) for lat, lon, plain, _fr, _nl in points
    ]
    assert [dict(p.descriptions) for p in imported] == [
        {"fr": " ".join(fr.split()), "nl": " ".join(nl.split())}
        for _lat, _lon, _plain, fr, nl in points
    ]
