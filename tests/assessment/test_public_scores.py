"""Scores of a cycle the city published download as CSV for anyone, and are open data;
an unpublished cycle's scores stay private."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from cityrights.assessment import datasets, selectors, services

from .conftest import validated_cycle

pytestmark = pytest.mark.django_db


def scores_url(year: int) -> str:
    return reverse("assessment:public_scores_csv", kwargs={"org": "city-a", "year": year})


def test_published_scores_download_as_csv_and_unpublished_ones_do_not(city_a, version):
    admin = city_a.users["admin"]
    published = validated_cycle(city_a.city, version, 2024, admin, value=2)
    hidden = validated_cycle(city_a.city, version, 2025, admin, value=3)
    services.set_published(published, admin, True)

    response = Client().get(scores_url(2024))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    overall = next(row for row in rows if row["scope"] == "overall")
    expected = selectors.result_of(published).score
    assert float(overall["score"]) == pytest.approx(round(expected, 2))
    assert {row["scope"] for row in rows} == {"cell", "area", "pillar", "overall"}

    assert Client().get(scores_url(2025)).status_code == 404
    assert Client().get(scores_url(2023)).status_code == 404
    # The open-data catalogue lists the published year only, with the file.
    found = datasets.open_datasets(city_a.city)
    assert [dataset.temporal_start.year for dataset in found] == [2024]
    assert scores_url(2024) in found[0].distributions[0].url
    assert hidden.year == 2025


def test_the_results_page_links_the_scores_and_the_open_data_page(city_a, version):
    admin = city_a.users["admin"]
    cycle = validated_cycle(city_a.city, version, 2024, admin, value=2)
    services.set_published(cycle, admin, True)
    html = Client().get(reverse("assessment:public_results", kwargs={"org": "city-a"})).content
    assert scores_url(2024).encode() in html
    assert b'href="/cities/city-a/open-data/"' in html
