"""Departments named in the city's languages: form, fallback, ``lang``, order, search, API,
exports and migration (the demo's names: tests/register/test_demo.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import translation

from cityrights.core import services
from cityrights.core.models import Department
from cityrights.core.translation import translations
from cityrights.register import exports, selectors
from tests.register.conftest import make_entry

DEPARTMENTS = "/manage/city-a/departments/"


@pytest.fixture
def brussels(brussels):
    """Brussels (tests/conftest.py) with a department that has a French name only."""
    department = brussels.department
    department.name_en, department.name_fr = "", "Mobilité"
    department.save()
    return brussels


def test_the_form_has_one_input_per_city_language_and_requires_the_first(brussels):
    client = brussels.client_for("admin")
    html = client.get(DEPARTMENTS).content.decode()
    assert 'name="name_fr"' in html and 'name="name_nl"' in html
    assert 'name="name_en"' not in html  # English is not a language of this city
    assert 'lang="nl"' in html and "(French)" in html and "(Dutch)" in html
    refused = client.post(DEPARTMENTS, {"name_nl": "Parken", "slug": "parks"})
    assert refused.status_code == 200
    assert 'id="id_name_fr_errors"' in refused.content.decode()
    assert not Department.objects.filter(slug="parks").exists()
    saved = client.post(DEPARTMENTS, {"name_fr": "Parcs", "name_nl": "Parken", "slug": "parcs"})
    assert saved.status_code == 302
    parks = Department.objects.get(organisation=brussels.city, slug="parcs")
    assert (parks.name_fr, parks.name_nl, parks.name_en) == ("Parcs", "Parken", "")


def test_editing_keeps_the_languages_the_city_does_not_use(brussels):
    department = brussels.department
    department.name_en = "Mobility"
    department.save()
    response = brussels.client_for("admin").post(
        f"{DEPARTMENTS}{department.pk}/",
        {"name_fr": "Mobilité urbaine", "name_nl": "Mobiliteit", "slug": "mobility"},
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert translations(department, "name") == {
        "en": "Mobility",
        "fr": "Mobilité urbaine",
        "nl": "Mobiliteit",
    }


def test_residents_read_their_language_or_the_citys_first_marked_with_lang(brussels):
    entry = make_entry(brussels)
    client = Client()
    client.cookies["django_language"] = "nl"
    page = client.get(entry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    # No Dutch name: the city's first language (French) stands in, marked as French.
    assert '<span lang="fr">Mobilité</span>' in page
    catalogue = client.get("/cities/city-a/register/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<option value="mobility" lang="fr">Mobilité</option>' in catalogue
    brussels.department.name_nl = "Mobiliteit"
    brussels.department.save()
    page = client.get(entry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Mobiliteit" in page and '<span lang="fr">Mobilité</span>' not in page


def test_lists_sort_by_the_name_the_reader_reads(city_a):
    city = city_a.city
    city.additional_languages = "fr,nl"
    city.save()
    Department.objects.create(
        organisation=city, slug="zoning", name_en="Zoning", name_fr="Aménagement"
    )
    Department.objects.create(
        organisation=city, slug="archives", name_en="Archives", name_fr="Service des archives"
    )
    with translation.override("en"):
        english = [d.slug for d in city.departments.all()]
    with translation.override("fr"):
        french = [d.slug for d in city.departments.all()]
    assert english == ["archives", "mobility", "zoning"]
    # French readers: "Aménagement", "Mobility" (no French name: the English one), "Service…"
    assert french == ["zoning", "mobility", "archives"]


def test_the_catalogue_finds_entries_by_their_department_in_any_language(brussels):
    brussels.department.name_nl = "Mobiliteit"
    brussels.department.save()
    entry = make_entry(brussels)
    make_entry(brussels, name="Library loans", department=_other(brussels))
    for words in ("Mobiliteit", "mobilité"):
        found = list(selectors.catalogue(brussels.city, _filters(words)))
        assert found == [entry], words


def _other(city):
    return Department.objects.create(organisation=city.city, slug="culture", name_fr="Culture")


def _filters(q):
    return selectors.Filters(q=q)


def test_the_api_gives_every_language_and_takes_them(city_a, api_key):
    city_a.department.name_fr = "Mobilité"
    city_a.department.save()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    listed = client.get("/api/v1/organisations/city-a/departments").json()
    assert listed == [
        {
            "id": city_a.department.pk,
            "slug": "mobility",
            "name": "Mobility",
            "names": {"en": "Mobility", "fr": "Mobilité"},
        }
    ]
    created = client.post(
        "/api/v1/organisations/city-a/departments",
        {"name": "Parks", "names": {"nl": "Parken"}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["names"] == {"en": "Parks", "nl": "Parken"}
    refused = client.post(
        "/api/v1/organisations/city-a/departments",
        {"names": {"de": "Parks"}},
        content_type="application/json",
    )
    assert refused.status_code == 422
    nameless = client.post(
        "/api/v1/organisations/city-a/departments",
        {"slug": "nameless"},
        content_type="application/json",
    )
    assert nameless.status_code == 422


def test_a_plain_name_is_the_citys_first_language(brussels):
    parks = services.create_department(
        organisation=brussels.city, actor=brussels.users["admin"], name="Parcs"
    )
    assert (parks.name_fr, parks.name_en, parks.slug) == ("Parcs", "", "parcs")


def test_the_csv_export_has_a_column_per_language(brussels):
    brussels.department.name_nl = "Mobiliteit"
    brussels.department.save()
    make_entry(brussels)
    stream = io.StringIO()
    exports.write_csv(selectors.listed_records(brussels.city), stream)
    row = next(csv.DictReader(io.StringIO(stream.getvalue())))
    assert (row["department_fr"], row["department_nl"], row["department_en"]) == (
        "Mobilité",
        "Mobiliteit",
        "",
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_names_as_the_citys_first_language():
    before = [("core", "0006_published_content_version")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Organisation = apps.get_model("core", "Organisation")
    OldDepartment = apps.get_model("core", "Department")
    ghent = Organisation.objects.create(
        slug="ghent", name="Ghent", kind="city", default_language="nl"
    )
    lyon = Organisation.objects.create(slug="lyon", name="Lyon", kind="city", default_language="fr")
    OldDepartment.objects.create(organisation=ghent, slug="env", name="Leefmilieu")
    OldDepartment.objects.create(organisation=lyon, slug="env", name="Environnement")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    flemish = Department.objects.get(organisation__slug="ghent")
    assert (flemish.name_nl, flemish.name_en, flemish.name_fr) == ("Leefmilieu", "", "")
    french = Department.objects.get(organisation__slug="lyon")
    assert (french.name_fr, french.name_en, french.name_nl) == ("Environnement", "", "")
