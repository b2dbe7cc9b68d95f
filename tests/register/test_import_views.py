"""Bulk import on the staff page and as a command: all or nothing, errors name row and column."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from cityrights.core.models import AuditEvent
from cityrights.register import importing
from cityrights.register.models import Entry, Location, State

pytestmark = pytest.mark.django_db

URL = "/manage/city-a/register/import/"
HEADERS = importing.template_headers()


def inventory(*rows: dict[str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADERS)
    writer.writeheader()
    for row in rows:
        writer.writerow({header: row.get(header, "") for header in HEADERS})
    return buffer.getvalue().encode()


def row(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Air sensors",
        "kind": "sensor",
        "summary": "Measure the air.",
        "purposes": "dpv:CombatClimateChange",
        "department": "Mobility",
        "contact": "Air team <air@example.org>",
        "status": "in_use",
        "risk_level": "low",
        "automation_level": "none",
        "thematic_areas": "public_goods",
        "locations": "50.85,4.35 (Town hall); 50.86,4.36 (Park)",
    }
    data.update(overrides)
    return data


def upload(client, content: bytes, name: str = "inventory.csv"):
    """Post a file; a file that passes the checks is saved while the page streams, so the
    whole page is read here (as a browser would) and kept as ``response.page``."""
    response = client.post(URL, {"file": SimpleUploadedFile(name, content)})
    response.page = (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else response.content.decode()
    )
    return response


def saved(response) -> bool:
    """The streamed page ended with the drafts created."""
    return (
        response.status_code == 200
        and response.streaming
        and ("drafts were created" in response.page or "draft was created" in response.page)
    )


def test_import_creates_drafts_with_locations(city_a):
    content = inventory(row(), row(name="Parking app", kind="service", locations=""))
    response = upload(city_a.client_for("editor"), content)
    assert saved(response)
    entries = Entry.objects.order_by("name_en")
    assert [e.name for e in entries] == ["Air sensors", "Parking app"]
    assert all(e.state == State.DRAFT for e in entries)
    air = entries[0]
    assert air.contact_name == "Air team"
    assert air.contact_email == "air@example.org"
    assert air.author == city_a.users["editor"]
    assert air.purposes == ["https://w3id.org/dpv#CombatClimateChange"]
    assert Location.objects.filter(entry=air).count() == 2
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_bulk_saved_drafts_are_whole_entries(city_a):
    """Written in bulk, each draft still has its own codes, terms, places and contributors."""
    from cityrights.core import duties
    from cityrights.register.services import duty_version

    rows = [row(name=f"Sensor {n}", thematic_areas="privacy | privacy") for n in range(30)]
    response = upload(city_a.client_for("editor"), inventory(*rows))
    assert saved(response)
    entries = list(Entry.objects.prefetch_related("terms", "locations"))
    assert len(entries) == 30
    codes = [e.code for e in entries] + list(Location.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 30 + 60
    for entry in entries:
        assert entry.areas == ["privacy"]  # repeated values are kept once
        assert entry.purposes == ["https://w3id.org/dpv#CombatClimateChange"]
        assert entry.locations.count() == 2
        assert entry.created_at is not None and entry.last_edited_by == city_a.users["editor"]
        part = duties.contributors(obj=entry, version=duty_version(entry))
        assert part.parts[city_a.users["editor"].pk] == {"created"}


def test_one_bad_row_imports_nothing_and_names_row_and_column(city_a):
    content = inventory(
        row(),
        row(name="Bad one", purposes="dpv:ServiceProvison", locations="95,4 (Nowhere)"),
        row(name="Bad two", department="Atlantis"),
    )
    response = upload(city_a.client_for("editor"), content)
    assert response.status_code == 200
    html = response.page
    assert "nothing was imported" in html
    assert "Row 3" in html and "purposes" in html and "dpv:ServiceProvision" in html
    assert "locations" in html
    assert "Row 4" in html and "Atlantis" in html
    assert not Entry.objects.exists()
    assert not Location.objects.exists()


@pytest.mark.parametrize(
    "language, expected",
    [
        (
            "nl",
            [
                "Rij 3, kolom ‘purposes’: ‘dpv:ServiceProvison’ is geen doel. "
                "Bedoelde u ‘dpv:ServiceProvision’?",
                "Rij 3, kolom ‘locations’: punt 1: ‘95,4 (Nowhere)’: "
                "Breedtegraad 95.0 ligt buiten -90 tot 90.",
                "Rij 4, kolom ‘department’: Onbekende dienst: ‘Atlantis’.",
            ],
        ),
        (
            "fr",
            [
                "Ligne 3, colonne « purposes » : « dpv:ServiceProvison » n’est pas une finalité. "
                "Vouliez-vous dire « dpv:ServiceProvision » ?",
                "Ligne 4, colonne « department » : Service inconnu : « Atlantis ».",
            ],
        ),
    ],
)
def test_the_problems_of_a_file_are_told_in_the_officers_language(city_a, language, expected):
    content = inventory(
        row(),
        row(name="Bad one", purposes="dpv:ServiceProvison", locations="95,4 (Nowhere)"),
        row(name="Bad two", department="Atlantis"),
    )
    client = city_a.client_for("editor")
    client.cookies["django_language"] = language
    page = upload(client, content).page
    for problem in expected:
        assert problem in page
    assert "Row 3" not in page and "is not" not in page
    assert not Entry.objects.exists()


def test_database_problem_rolls_back_earlier_rows(city_a, monkeypatch):
    """A failure after the entries are written (their places) leaves nothing behind."""
    from cityrights.register import services
    from cityrights.register.models import Location

    original = services._insert_rows

    def failing(model, names, rows):
        if model is Location:
            from django.core.exceptions import ValidationError

            assert Entry.objects.count() == 2  # the entries were inserted already
            raise ValidationError("Row 3, column locations: simulated failure")
        return original(model, names, rows)

    monkeypatch.setattr(services, "_insert_rows", failing)
    response = upload(city_a.client_for("editor"), inventory(row(), row(name="Second")))
    assert response.streaming  # the file passed the checks; the save failed while streaming
    assert "simulated failure" in response.page
    assert "nothing was imported" in response.page
    assert not Entry.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()


def test_wrong_type_and_oversized_files_are_refused(city_a, settings):
    client = city_a.client_for("editor")
    response = upload(client, b"hello", name="notes.txt")
    assert "Upload a .csv or .xlsx file" in response.page
    big = b"x" * (2 * 1024 * 1024 + 1)
    response = upload(client, big, name="big.csv")
    assert "the limit is 2048 KB" in response.page
    response = upload(client, b"PK\x03\x04broken", name="broken.xlsx")
    assert "nothing was imported" in response.page
    assert not Entry.objects.exists()


def test_xlsx_import(city_a):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    data = row()
    sheet.append([data.get(header, "") for header in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(city_a.client_for("admin"), buffer.getvalue(), name="inventory.xlsx")
    assert saved(response)
    assert Entry.objects.get().name == "Air sensors"


def test_reviewers_and_viewers_cannot_import(city_a):
    for role in ("reviewer", "viewer"):
        assert upload(city_a.client_for(role), inventory(row())).status_code == 403
    assert not Entry.objects.exists()


def test_template_downloads_parse_back(city_a):
    client = city_a.client_for("editor")
    text = client.get(URL + "template.csv").content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text)))[: len(HEADERS)] == HEADERS
    assert client.get(URL + "template.pdf").status_code == 404


@pytest.mark.parametrize("first, example", [("en", "Air quality sensors"), ("fr", "Capteurs")])
def test_the_template_imports_as_it_is_for_an_officer_in_any_language(city_a, first, example):
    # The plain columns are the city's first language: the example is written in it, with
    # one of the city's departments, whatever the officer's interface language.
    city = city_a.city
    city.default_language, city.additional_languages = first, "nl"
    city.save(update_fields=["default_language", "additional_languages"])
    client = city_a.client_for("editor")
    client.cookies["django_language"] = "nl"
    for count, fmt in enumerate(("csv", "xlsx"), start=1):
        content = client.get(URL + f"template.{fmt}").content
        if fmt == "csv":
            assert example in content.decode("utf-8-sig")
        page = upload(client, content, f"template.{fmt}").page
        assert "1 concept werd aangemaakt" in page, page[-800:]
        assert Entry.objects.count() == count
    entry = Entry.objects.order_by("pk").first()
    assert getattr(entry, f"name_{first}").startswith(example) and not entry.name_nl
    assert entry.department == city_a.department


def test_command_imports_all_or_nothing(city_a, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(inventory(row()))
    call_command("import-register", "city-a", str(good), author="editor@city-a.example")
    assert Entry.objects.get().author == city_a.users["editor"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(inventory(row(name="Other"), row(kind="robot")))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-register", "city-a", str(bad))
    assert Entry.objects.count() == 1
    with pytest.raises(CommandError, match="larger than"):
        call_command("import-register", "city-a", str(good), max_bytes=10)
    with pytest.raises(CommandError, match="not a member"):
        call_command("import-register", "city-a", str(good), author="nobody@example.org")


def _with_columns(extra: dict[str, str], **overrides: str) -> bytes:
    headers = [*HEADERS, *extra]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers)
    writer.writeheader()
    writer.writerow({**{h: row(**overrides).get(h, "") for h in HEADERS}, **extra})
    return buffer.getvalue().encode()


def test_texts_per_language_come_from_their_columns(city_a):
    city = city_a.city
    city.additional_languages = "fr,nl"
    city.save(update_fields=["additional_languages"])
    content = _with_columns({"name_fr": "Capteurs d'air", "summary_nl": "Meten de lucht."})
    assert saved(upload(city_a.client_for("editor"), content))
    entry = Entry.objects.get()
    assert (entry.name_en, entry.name_fr, entry.name_nl) == ("Air sensors", "Capteurs d'air", "")
    assert (entry.summary_en, entry.summary_nl) == ("Measure the air.", "Meten de lucht.")


def test_places_get_their_descriptions_in_each_language(city_a):
    city = city_a.city
    city.additional_languages = "fr,nl"
    city.save(update_fields=["additional_languages"])
    content = _with_columns(
        {
            "locations_fr": "50.85,4.35 (Hôtel de ville); 50.86,4.36",
            "locations_nl": "50.85,4.35 (Stadhuis); 50.86,4.36 (Park)",
        }
    )
    assert saved(upload(city_a.client_for("editor"), content))
    places = Location.objects.order_by("latitude")
    assert [(p.description_en, p.description_fr, p.description_nl) for p in places] == [
        ("Town hall", "Hôtel de ville", "Stadhuis"),
        ("Park", "", "Park"),
    ]


def test_the_first_languages_place_column_replaces_the_plain_one(city_a):
    content = _with_columns({"locations_en": "50.85,4.35 (City hall); 50.86,4.36"})
    assert saved(upload(city_a.client_for("editor"), content))
    places = Location.objects.order_by("latitude")
    # A place always has a description in the first language: the entry's name at least.
    assert [p.description_en for p in places] == ["City hall", "Air sensors"]


def test_a_column_in_another_language_is_refused_on_the_header_line(city_a):
    client = city_a.client_for("editor")
    unknown = upload(client, _with_columns({"summary_de": "Misst die Luft."}))
    assert unknown.status_code == 200
    assert "Row 1, column “summary_de”: Unknown language “de”" in unknown.page
    # French is a language of the register, but not one this city publishes in.
    not_the_city = upload(client, _with_columns({"name_fr": "Capteurs"})).page
    assert "Row 1, column “name_fr”: Row 2 has a text in this column" in not_the_city
    # An empty column of such a language (a file the register exported) is no problem.
    assert saved(upload(client, _with_columns({"name_fr": ""})))
    assert Entry.objects.count() == 1


def _post(client, content: bytes):
    return client.post(URL, {"file": SimpleUploadedFile("inventory.csv", content)})


def test_the_page_shows_each_step_while_it_saves(city_a):
    rows = [row(name=f"Sensor {n}") for n in range(3)]
    response = _post(city_a.client_for("editor"), inventory(*rows))
    assert response["Cache-Control"] == "no-store"
    parts = [part.decode() for part in response.streaming_content]
    assert "Importing from a spreadsheet" in parts[0]
    assert parts[0].rstrip().endswith('aria-labelledby="import-steps">')
    assert parts[1:5] == [
        "<li>The file is read: 3 rows, no problem found.</li>\n",
        "<li>Checked 3 of 3 rows against the register.</li>\n",
        "<li>Saved the 3 entries.</li>\n",
        "<li>Saved their purposes, personal data, legal bases and places.</li>\n",
    ]
    assert "3 drafts were created" in "".join(parts[5:])
    assert Entry.objects.count() == 3


def test_leaving_the_page_while_it_saves_saves_nothing(city_a):
    """The page's parts close the save's steps when the server closes the answer (a browser
    that left); closing the steps inside the transaction rolls it back."""
    from cityrights.register import services

    parsed = importing.parse_csv(inventory(row(), row(name="Second")), departments=["Mobility"])
    steps = services.import_steps(
        parsed.rows, organisation=city_a.city, actor=city_a.users["editor"]
    )
    assert [next(steps).step, next(steps).step] == ["checked", "entries"]
    assert Entry.objects.count() == 2  # written, not yet committed
    steps.close()
    assert not Entry.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()
