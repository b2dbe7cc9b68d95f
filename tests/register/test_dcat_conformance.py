"""The register's DCAT-AP catalogue conforms to the official DCAT-AP 3.0.0 shapes."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.shacl import parse, validate

from .conftest import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(city_a):
    city = city_a.city
    city.additional_languages = "fr,nl"
    city.country = "BE"
    city.contact_email = "open@city-a.example"
    city.save()
    make_entry(city_a, name="Air sensors", locations=2)
    make_entry(
        city_a,
        name="Tree data",
        kind="dataset",
        locations=0,
        dataset_urls=["https://data.example.org/trees.csv", "https://data.example.org/trees"],
    )
    make_entry(city_a, state="in_review", name="Unpublished model", kind="algorithm", locations=0)
    return city_a


def test_register_catalogue_has_no_violations_and_no_recommended_warnings(register):
    text = Client().get("/cities/city-a/register/open-data/dcat.ttl").content.decode()
    report = validate(parse(text, "turtle"))
    assert [str(f) for f in report.violations] == []
    assert [str(f) for f in report.warnings] == []
