"""core.dcat: the typed DCAT-AP 3.0 builder, without a database.

Conformance to the official shapes is tested on every catalogue the app serves
(``test_open_data_catalogue.py``, ``tests/register/test_dcat_conformance.py``); these tests
hold the builder's own rules: valid IRIs, every language, typed resources, both
serialisations describing the same graph.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
import rdflib
import rdflib.namespace as ns
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from cityrights.core import dcat

DCATAP = rdflib.Namespace(dcat.DCATAP)
NASTY = 'Register <b>&</b> "signs" \\ \n {x}'

#: RFC 3987 ``IRI``: no spaces, no characters outside the allowed sets, at most one '#'.
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`#]*(#[^\s<>\"{}|\\^`#]*)?$")


def dataset(**changes) -> dcat.Dataset:
    fields = {
        "iri": "https://city.example/register/#dataset",
        "title": {"en": NASTY, "fr": "Registre", "nl": "Register"},
        "description": {"en": "All of it.", "fr": "Tout.", "nl": "Alles."},
        "landing_page": "https://city.example/register/",
        "distributions": (
            dcat.Distribution(
                "csv",
                "https://city.example/register/register.csv",
                "csv",
                {"en": "CSV"},
                {"en": "Rows"},
            ),
            dcat.Distribution(
                "api",
                "https://city.example/api/entries",
                "json",
                {"en": "API"},
                {"en": "Pages"},
                download=False,
                languages=("fr",),
            ),
        ),
        "keywords": {"en": ("transparency",), "fr": ("transparence",)},
        "issued": datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        "modified": datetime(2025, 1, 2, 10, 0, tzinfo=UTC),
        "frequency": "CONT",
    }
    fields.update(changes)
    return dcat.Dataset(**fields)


def catalogue(*datasets: dcat.Dataset, **changes) -> dcat.Catalogue:
    fields = {
        "iri": "https://city.example/open-data/#catalogue",
        "title": {"en": "Open data", "fr": "Données ouvertes", "nl": "Open data"},
        "description": {"en": "Everything.", "fr": "Tout.", "nl": "Alles."},
        "homepage": "https://city.example/open-data/",
        "publisher": dcat.Agent("https://city.example/", "City of Example"),
        "languages": ("fr", "nl", "en"),
        "datasets": datasets or (dataset(),),
        "contact": dcat.Contact("Open data team", "data@city.example"),
        "country": "BE",
    }
    fields.update(changes)
    return dcat.Catalogue(**fields)


def graph_of(text: str, fmt: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=text, format=fmt)
    return graph


def test_every_iri_in_the_graph_is_valid_and_has_at_most_one_hash() -> None:
    weird = dataset(
        iri="https://city.example/register/#dataset#2",
        landing_page="https://city.example/a page?x=1#top#again",
    )
    graph = dcat.catalogue_graph(catalogue(weird))
    iris = {str(term) for triple in graph for term in triple if isinstance(term, rdflib.URIRef)}
    assert iris
    assert [value for value in iris if not IRI.match(value)] == []
    assert "https://city.example/register/#dataset%232" in iris


def test_distribution_iris_extend_the_dataset_fragment() -> None:
    graph = dcat.catalogue_graph(catalogue())
    node = rdflib.URIRef("https://city.example/register/#dataset")
    parts = {str(o) for o in graph.objects(node, ns.DCAT.distribution)}
    assert parts == {
        "https://city.example/register/#dataset-csv",
        "https://city.example/register/#dataset-api",
    }
    assert dcat.child_iri("https://city.example/report", "csv") == (
        "https://city.example/report#csv"
    )


@settings(max_examples=200, deadline=None)
@given(
    path=st.text(max_size=40),
    fragment=st.one_of(st.none(), st.text(max_size=20)),
)
def test_iri_always_gives_a_valid_iri(path: str, fragment: str | None) -> None:
    value = "https://city.example/" + path + ("" if fragment is None else "#" + fragment)
    result = dcat.iri(value)
    assert IRI.match(result), result
    assert dcat.iri(result) == result  # idempotent: an IRI we wrote stays as it is
    assert rdflib.URIRef(result)  # rdflib accepts it without warnings


def test_relative_addresses_are_refused() -> None:
    with pytest.raises(ValueError, match="Not an absolute IRI"):
        dcat.iri("/cities/x/")


def test_texts_come_in_every_language_given() -> None:
    graph = dcat.catalogue_graph(catalogue())
    node = rdflib.URIRef("https://city.example/register/#dataset")
    titles = {(t.language, str(t)) for t in graph.objects(node, ns.DCTERMS.title)}
    assert titles == {("en", NASTY), ("fr", "Registre"), ("nl", "Register")}
    languages = set(graph.objects(node, ns.DCTERMS.language))
    assert languages == {
        rdflib.URIRef(dcat.AUTHORITY + "language/" + code) for code in ("FRA", "NLD", "ENG")
    }


def test_used_resources_are_typed_as_the_shapes_ask() -> None:
    graph = dcat.catalogue_graph(catalogue())

    def types(value: str) -> set[rdflib.term.Node]:
        return set(graph.objects(rdflib.URIRef(value), ns.RDF.type))

    authority = dcat.AUTHORITY
    assert ns.DCTERMS.LicenseDocument in types(authority + "licence/CC_BY_4_0")
    assert ns.FOAF.Document in types("https://city.example/register/")
    assert ns.RDFS.Resource in types("https://city.example/register/register.csv")
    assert {ns.SKOS.Concept, ns.DCTERMS.LinguisticSystem} <= types(authority + "language/FRA")
    assert {ns.SKOS.Concept, ns.DCTERMS.MediaTypeOrExtent} <= types(authority + "file-type/CSV")
    assert ns.DCTERMS.MediaType in types(dcat.IANA_MEDIA_TYPES + "text/csv")
    assert {ns.SKOS.Concept, ns.DCTERMS.Frequency} <= types(authority + "frequency/CONT")
    assert {ns.SKOS.Concept, ns.DCTERMS.Location} <= types(authority + "country/BEL")
    assert ns.SKOS.Concept in types(authority + "data-theme/GOVE")
    contact = graph.value(
        rdflib.URIRef("https://city.example/register/#dataset"), ns.DCAT.contactPoint
    )
    assert rdflib.URIRef(dcat.VCARD + "Kind") in set(graph.objects(contact, ns.RDF.type))
    scheme = rdflib.URIRef(authority + "data-theme")
    assert graph.value(rdflib.URIRef(authority + "data-theme/GOVE"), ns.SKOS.inScheme) == scheme
    assert (scheme, ns.RDF.type, ns.SKOS.ConceptScheme) in graph
    assert graph.value(scheme, ns.DCTERMS.title) is not None


def test_an_api_is_accessed_not_downloaded() -> None:
    graph = dcat.catalogue_graph(catalogue())
    api = rdflib.URIRef("https://city.example/register/#dataset-api")
    csv = rdflib.URIRef("https://city.example/register/#dataset-csv")
    assert graph.value(api, ns.DCAT.accessURL) is not None
    assert graph.value(api, ns.DCAT.downloadURL) is None
    assert graph.value(csv, ns.DCAT.downloadURL) == rdflib.URIRef(
        "https://city.example/register/register.csv"
    )
    assert graph.value(api, DCATAP.availability) is not None


def test_period_defaults_to_first_publication_until_latest_change() -> None:
    assert dataset().period == (date(2024, 3, 1), date(2025, 1, 2))
    given = dataset(temporal_start=date(2020, 1, 1), temporal_end=date(2020, 12, 31))
    assert given.period == (date(2020, 1, 1), date(2020, 12, 31))
    assert dataset(issued=None, modified=None).period == (None, None)


def test_catalogue_dates_span_its_datasets() -> None:
    older = dataset(iri="https://city.example/a#x", issued=date(2023, 5, 1), modified=None)
    graph = dcat.catalogue_graph(catalogue(dataset(), older))
    node = rdflib.URIRef("https://city.example/open-data/#catalogue")
    assert graph.value(node, ns.DCTERMS.issued).toPython() == date(2023, 5, 1)
    assert graph.value(node, ns.DCTERMS.modified).toPython() == datetime(
        2025, 1, 2, 10, 0, tzinfo=UTC
    )


def test_turtle_and_jsonld_describe_the_same_graph() -> None:
    found = catalogue()
    jsonld = dcat.to_jsonld(found)
    assert json.loads(jsonld)["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert isomorphic(graph_of(dcat.to_turtle(found), "turtle"), graph_of(jsonld, "json-ld"))


def test_unknown_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown format"):
        dcat.Distribution("x", "https://a.example/x", "docx", {}, {})
    with pytest.raises(ValueError, match="Unknown data theme"):
        dataset(themes=("NOPE",))
    with pytest.raises(ValueError, match="repeat"):
        dataset(distributions=dataset().distributions * 2)
    with pytest.raises(ValueError, match="Unknown licence"):
        catalogue(licence="MIT")
