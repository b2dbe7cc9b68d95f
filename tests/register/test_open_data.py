"""Public exports parse with their standard tools and contain only published entries."""

from __future__ import annotations

import csv
import io
import json

import pytest
import rdflib
from django.core.management import call_command
from django.test import Client

from cityrights.register import services

from .conftest import make_entry

pytestmark = pytest.mark.django_db

BASE = "/cities/city-a/register/open-data/"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


def text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def register(city_a):
    sensor = make_entry(city_a, name="Air sensors", locations=2, areas=["public_goods"])
    algorithm = make_entry(
        city_a,
        name="Parking model",
        kind="algorithm",
        locations=0,
        categories=["pd:Transaction"],
        automation_level="assisted",
        human_oversight="A person checks.",
    )
    dataset = make_entry(
        city_a,
        name="Tree data",
        kind="dataset",
        locations=0,
        dataset_urls=["https://data.example.org/trees"],
    )
    make_entry(city_a, state="in_review", name="Unpublished model", kind="algorithm", locations=0)
    return {"sensor": sensor, "algorithm": algorithm, "dataset": dataset}


def test_csv_parses_and_round_trips_the_template_columns(register):
    response = Client().get(BASE + "register.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text(response))))
    assert sorted(row["name"] for row in rows) == ["Air sensors", "Parking model", "Tree data"]
    air = next(row for row in rows if row["name"] == "Air sensors")
    assert air["short_code"] == register["sensor"].code
    assert air["locations"].count(";") == 1
    assert air["public_url"].endswith(f"/cities/city-a/register/{register['sensor'].code}/")
    filtered = list(
        csv.DictReader(io.StringIO(text(Client().get(BASE + "register.csv?kind=dataset"))))
    )
    assert [row["name"] for row in filtered] == ["Tree data"]


def test_geojson_is_rfc7946(register):
    data = json.loads(text(Client().get(BASE + "locations.geojson")))
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 2
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert (lat, lon) == (50.85, 4.35)
    assert feature["properties"]["entry"] == register["sensor"].code
    assert feature["properties"]["url"].startswith("http://testserver/r/")


@pytest.mark.parametrize(("fmt", "parser"), [("ttl", "turtle"), ("jsonld", "json-ld")])
def test_dcat_parses_with_rdflib(register, fmt, parser):
    graph = rdflib.Graph()
    graph.parse(data=Client().get(BASE + f"dcat.{fmt}").content.decode(), format=parser)
    catalogues = list(graph.subjects(rdflib.RDF.type, DCAT.Catalog))
    assert len(catalogues) == 1
    datasets = {str(s) for s in graph.subjects(rdflib.RDF.type, DCAT.Dataset)}
    assert any(register["dataset"].code in s for s in datasets)
    distributions = {str(o) for o in graph.objects(None, DCAT.downloadURL)}
    assert any(url.endswith("register.csv") for url in distributions)
    assert "Unpublished" not in graph.serialize(format="turtle")


@pytest.mark.parametrize("standard", ["uk-atrs", "eurocities", "algoritmeregister"])
def test_algorithm_register_standards(register, standard):
    response = Client().get(BASE + f"standards/{standard}.json")
    data = json.loads(response.content)
    assert len(data) == 1  # only the published algorithm
    dumped = json.dumps(data)
    assert "Parking model" in dumped
    assert "Unpublished model" not in dumped
    assert "Air sensors" not in dumped


def test_a_standard_s_file_per_language(register):
    client = Client()
    french = json.loads(client.get(BASE + "standards/eurocities.json?language=fr").content)
    assert french[0]["lang"] == "fr"
    assert french[0]["risks"].startswith("Aucune analyse d’impact")
    dutch = client.get(BASE + "standards/eurocities.json?language=nl")
    assert dutch["Content-Language"] == "nl"
    assert json.loads(dutch.content)[0]["lang"] == "nl"
    # The Dutch register's records are Dutch whatever is asked.
    asked = client.get(BASE + "standards/algoritmeregister.json?language=fr")
    assert asked["Content-Language"] == "nl"
    assert client.get(BASE + "standards/uk-atrs.json?language=xx").status_code == 404


def test_unknown_formats_are_404(register):
    client = Client()
    assert client.get(BASE + "standards/iso.json").status_code == 404
    assert client.get(BASE + "dcat.xml").status_code == 404


def test_export_command(register, tmp_path):
    out = tmp_path / "register.csv"
    call_command("export-register", "city-a", format="csv", output=str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 3
    for fmt in ("geojson", "uk-atrs", "dcat-ttl", "dcat-jsonld"):
        target = tmp_path / f"out.{fmt}"
        call_command("export-register", "city-a", format=fmt, output=str(target))
        assert target.stat().st_size > 50


def test_feed_is_atom_with_one_item_per_version(city_a, register):
    editor, reviewer = city_a.users["editor"], city_a.users["reviewer"]
    revision = services.start_revision(register["sensor"], actor=editor)
    services.update_entry(revision, actor=editor, data={"summary": "Now also ozone."})
    services.submit(revision, actor=editor)
    services.publish(revision, actor=reviewer, change_summary="Ozone added.")
    response = Client().get("/cities/city-a/register/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    from xml.etree import ElementTree

    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed, in a test
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert "Air sensors (version 2)" in titles
    assert "Air sensors (version 1)" in titles
    assert not any("Unpublished" in title for title in titles)
