"""The city's open-data catalogue: the page lists every app's public datasets, and its DCAT-AP
catalogue (Turtle and JSON-LD) conforms to the official DCAT-AP 3.0.0 shapes.

The conformance test runs on the demo city, which publishes in English, French and Dutch:
a register with a dataset entry, a published annual report and a published self-assessment.
"""

from __future__ import annotations

from typing import Any

import pytest
import rdflib
from django.test import Client
from django.urls import resolve
from django.utils import timezone
from rdflib.compare import isomorphic

from cityrights.core import demo
from cityrights.core.models import Organisation
from tests.shacl import parse, validate

pytestmark = pytest.mark.django_db

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.namespace.DCTERMS
PAGE = "/cities/demo-city/open-data/"


@pytest.fixture
def signing_keys(settings, tmp_path) -> Any:
    """The demo signs its published report with a key in a temporary folder."""
    from cityrights.core import signing

    settings.CITYRIGHTS_KEY_DIR = str(tmp_path / "keys")
    signing.forget_cached_keys()
    yield
    signing.forget_cached_keys()


@pytest.fixture
def demo_city(signing_keys) -> Organisation:
    city = demo.load().city
    city.refresh_from_db()
    return city


def datasets_of(graph: rdflib.Graph) -> set[str]:
    return {str(node) for node in graph.subjects(rdflib.RDF.type, DCAT.Dataset)}


def test_the_demo_city_catalogue_conforms_to_dcat_ap(demo_city):
    response = Client().get(PAGE + "catalogue.ttl")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/turtle")
    graph = parse(response.content.decode(), "turtle")
    report = validate(graph)
    assert [str(f) for f in report.violations] == []
    assert [str(f) for f in report.warnings] == []
    # The JSON-LD download is the same graph, so one validation covers both.
    jsonld = Client().get(PAGE + "catalogue.jsonld")
    assert jsonld["Content-Type"] == "application/ld+json"
    assert isomorphic(graph, parse(jsonld.content.decode(), "json-ld"))


def test_the_catalogue_and_page_gather_every_app_and_only_what_is_published(demo_city):
    # One demo load for these checks: loading the demo city is the slow part.
    graph = parse(Client().get(PAGE + "catalogue.ttl").content.decode(), "turtle")
    found = datasets_of(graph)
    last_year = timezone.localdate().year - 1
    base = "http://testserver/cities/demo-city/"
    assert base + "register/#dataset" in found
    assert base + f"reports/{last_year}/#report" in found
    assert base + f"reports/{last_year}/#section-transparency" in found
    assert any(iri.startswith(base + "assessment/") for iri in found)
    # This year's report is a draft: it is no dataset yet.
    assert not any(f"reports/{last_year + 1}/" in iri for iri in found)
    titles = set(graph.objects(rdflib.URIRef(base + "register/#dataset"), DCT.title))
    assert {title.language for title in titles} == set(demo_city.content_languages)

    # Every file the catalogue offers is served (the PDFs only resolve: drawing them is slow).
    client = Client()
    urls = sorted({str(url) for url in graph.objects(None, DCAT.downloadURL)})
    assert len(urls) > 10
    for url in urls:
        path = url.removeprefix("http://testserver")
        if path.endswith(".pdf"):
            assert resolve(path).url_name == "pdf"
            continue
        assert client.get(path).status_code == 200, url

    # The page, in the reader's language, with the catalogue downloads.
    page = Client(headers={"accept-language": "fr"}).get(PAGE).content.decode()
    assert "Données ouvertes" in page
    assert "Registre des technologies de Ville-Démo" in page  # the French name
    assert f'href="{PAGE}catalogue.ttl"' in page
    assert f'href="{PAGE}catalogue.jsonld"' in page
    assert "register.csv" in page
    english = Client().get(PAGE).content.decode()
    assert "Technology register of Demo City" in english
    assert "Registre des technologies" not in english

    # The city's home page and the footer of its pages link the catalogue.
    home = Client().get("/cities/demo-city/").content.decode()
    assert home.count(f'href="{PAGE}"') >= 2


def test_a_city_with_nothing_published_says_so(city_a):
    response = Client().get("/cities/city-a/open-data/")
    assert response.status_code == 200
    assert "has not published any dataset yet" in response.content.decode()


def test_unknown_catalogue_format_is_404_and_head_answers(city_a):
    client = Client()
    assert client.get("/cities/city-a/open-data/catalogue.xml").status_code == 404
    assert client.head("/cities/city-a/open-data/").status_code == 200
    assert client.head("/cities/city-a/open-data/catalogue.ttl").status_code == 200


def test_a_city_that_does_not_publish_its_pages_shows_no_catalogue(city_a):
    city_a.city.is_public = False
    city_a.city.save()
    assert Client().get("/cities/city-a/open-data/").status_code == 404
    assert Client().get("/cities/city-a/open-data/catalogue.ttl").status_code == 404


def test_the_catalogue_speaks_every_language_of_the_city(demo_city):
    graph = parse(Client().get(PAGE + "catalogue.ttl").content.decode(), "turtle")
    titles = {
        (str(title), title.language)
        for dataset in graph.subjects(rdflib.RDF.type, DCAT.Dataset)
        for title in graph.objects(dataset, DCT.title)
    }
    # A register entry of kind dataset: its own name in each language the city wrote it in.
    for text, language in (
        ("Open data: street trees", "en"),
        ("Données ouvertes : arbres de rue", "fr"),
        ("Open data: straatbomen", "nl"),
    ):
        assert (text, language) in titles
    # The EU vocabularies' labels too, e.g. the city's country.
    labels = {
        (str(label), label.language)
        for label in graph.objects(None, rdflib.namespace.SKOS.prefLabel)
    }
    assert {("Belgium", "en"), ("Belgique", "fr"), ("België", "nl")} <= labels
    # The algorithm-register standards: a file per language, each saying which.
    files = {
        str(url): {str(code) for code in graph.objects(distribution, DCT.language)}
        for distribution in graph.subjects(rdflib.RDF.type, DCAT.Distribution)
        for url in graph.objects(distribution, DCAT.accessURL)
        if "/standards/eurocities.json" in str(url)
    }
    assert sorted(url.rsplit("=", 1)[1] for url in files) == ["en", "fr", "nl"]
    assert all(len(codes) == 1 for codes in files.values())
