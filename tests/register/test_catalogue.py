"""Public catalogue and JSON API: search (full text on PostgreSQL), filters, pagination."""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import make_entry

pytestmark = pytest.mark.django_db

BASE = "/cities/city-a/register/"
API = "/api/v1/register/city-a/entries"


@pytest.fixture
def register(city_a):
    from cityrights.core.models import Department

    social = Department.objects.create(organisation=city_a.city, slug="social", name_en="Social")
    make_entry(
        city_a,
        name="Parking guidance",
        kind="algorithm",
        summary="Predicts free parking places in car parks.",
        purposes=["dpv:ImproveTransportMobility"],
        areas=["public_goods"],
        locations=0,
    )
    make_entry(
        city_a,
        name="Benefits check model",
        kind="algorithm",
        summary="Scores benefit files for extra checks.",
        purposes=["dpv:FraudPreventionAndDetection"],
        categories=["pd:Income"],
        risk_level="high",
        status="planned",
        department=social,
        locations=0,
    )
    make_entry(
        city_a,
        name="Air quality sensors",
        summary="Measure fine dust on lamp posts.",
        purposes=["dpv:CombatClimateChange"],
        areas=["public_goods", "privacy"],
        locations=2,
    )
    make_entry(city_a, state="draft", name="Draft parking cameras", locations=0)


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Air quality sensors", "Benefits check model", "Parking guidance"]),
        ("q=parking", ["Parking guidance"]),
        ("q=benefit", ["Benefits check model"]),
        ("q=dust", ["Air quality sensors"]),
        ("q=nothing-like-this", []),
        ("kind=algorithm", ["Benefits check model", "Parking guidance"]),
        ("kind=sensor", ["Air quality sensors"]),
        ("department=social", ["Benefits check model"]),
        ("risk=high", ["Benefits check model"]),
        ("status=planned", ["Benefits check model"]),
        ("purpose=https://w3id.org/dpv%23CombatClimateChange", ["Air quality sensors"]),
        ("category=https://w3id.org/dpv/pd%23Income", ["Benefits check model"]),
        ("area=public_goods", ["Air quality sensors", "Parking guidance"]),
        ("area=privacy&kind=sensor", ["Air quality sensors"]),
        ("kind=bogus", ["Air quality sensors", "Benefits check model", "Parking guidance"]),
    ],
)
def test_search_and_filters_in_api_and_page(register, query, expected):
    response = Client().get(f"{API}?{query}")
    assert response.status_code == 200
    assert sorted(names(response)) == expected
    html = Client().get(f"{BASE}?{query}").content.decode()
    for name in ["Air quality sensors", "Benefits check model", "Parking guidance"]:
        assert (f">{name}</a>" in html) == (name in expected), (query, name)
    assert "Draft parking cameras" not in html


def test_full_text_search_finds_words_by_stem_and_label(register):
    # "sensor" matches "sensors" (stemming on PostgreSQL, substring on SQLite).
    assert names(Client().get(f"{API}?q=sensor")) == ["Air quality sensors"]
    # Several words must all match.
    assert names(Client().get(f"{API}?q=parking predicts")) == ["Parking guidance"]


@pytest.mark.postgres
def test_postgres_uses_the_search_vector_and_ranks(register):
    from cityrights.register.models import Entry

    assert Entry.objects.listed().filter(search_vector__isnull=True).count() == 0
    # Labels of purposes are indexed too: the resident's words, not only the editor's.
    assert names(Client().get(f"{API}?q=climate")) == ["Air quality sensors"]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'register_entry_search_gin'"
        )
        assert "gin" in cursor.fetchone()[0].lower()


def test_pagination(city_a):
    for index in range(25):
        make_entry(city_a, name=f"Sensor {index:02d}", locations=0, kind="dataset")
    first = Client().get(f"{API}?page_size=10").json()
    assert first["count"] == 25
    assert first["pages"] == 3
    assert len(first["results"]) == 10
    last = Client().get(f"{API}?page_size=10&page=3").json()
    assert len(last["results"]) == 5
    beyond = Client().get(f"{API}?page_size=10&page=9").json()
    assert beyond["results"] == []
    html = Client().get(BASE + "?kind=dataset&page=2").content.decode()
    assert "Page 2 of 2" in html
    assert "kind=dataset&amp;page=1" in html
    assert Client().get(BASE + "?page=abc").status_code == 200


@pytest.mark.parametrize("query", ["page_size=0", "page_size=101", "page=0", "page=x"])
def test_api_bad_parameters_are_422_json(register, query):
    response = Client().get(f"{API}?{query}")
    assert response.status_code == 422
    assert response.json()["error"] == "invalid"


def test_api_detail_shape(published):
    data = Client().get(f"{API}/{published.code}").json()
    assert data["code"] == published.code
    assert data["purposes"][0]["iri"] == "https://w3id.org/dpv#CombatClimateChange"
    assert data["purposes"][0]["label"]
    assert data["locations"][0]["url"].endswith(f"/r/{published.locations.get().code}")
    assert data["short_url"].endswith(f"/r/{published.code}")
    assert data["version"] == 1
    missing = Client().get(f"{API}/nothere")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert Client().get("/api/v1/register/atlantis/entries").status_code == 404


def test_very_long_and_odd_queries_do_not_fail(register):
    for query in ["q=" + "a" * 5000, "q=%27%22%3C%3E", "q=!!!", "q=a%20or%20b", "q=-"]:
        assert Client().get(f"{BASE}?{query}").status_code == 200
        expected = 422 if len(query) > 200 else 200  # the API declares q's maximum length
        assert Client().get(f"{API}?{query}").status_code == expected


def test_api_detail_gives_an_algorithms_facts_in_the_readers_language(city_a):
    algorithm = make_entry(
        city_a,
        name="Benefit checks",
        kind="algorithm",
        domain="benefits",
        algorithm_type="self_learning",
        use_type="predictive",
        proportionality="Only flags files; a person decides.",
    )
    data = Client().get(f"{API}/{algorithm.code}").json()["algorithm"]
    assert data["domain"]["code"] == "benefits"
    assert data["algorithm_type"] == {"code": "self_learning", "label": "Learns from data"}
    assert data["use_type"]["code"] == "predictive"
    assert data["proportionality"] == "Only flags files; a person decides."
    assert data["monitoring"] == ""
    french = Client().get(f"{API}/{algorithm.code}?lang=fr", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["algorithm"]["algorithm_type"]["label"] != "Learns from data"
    sensor = make_entry(city_a, name="Air sensor")
    assert Client().get(f"{API}/{sensor.code}").json()["algorithm"] is None
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"domain", "algorithm_type", "use_type", "objection_procedure"} <= set(
        schema["AlgorithmOut"]["properties"]
    )


def test_the_city_home_counts_the_listed_entries_without_counting_rows(register, city_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cityrights.register import services
    from cityrights.register.models import Entry

    home = "/cities/city-a/"
    assert "3 algorithms, sensors, services and datasets" in Client().get(home).content.decode()
    with CaptureQueriesContext(connection) as queries:
        Client().get(home)
    # The number comes from the facets' counts, kept until the register next changes.
    assert not [q for q in queries if "COUNT(" in q["sql"] and "register_entry" in q["sql"]]
    services.retire(
        Entry.objects.get(name_en="Parking guidance"),
        actor=city_a.users["reviewer"],
        reason="Replaced.",
    )
    assert "2 algorithms, sensors, services and datasets" in Client().get(home).content.decode()


@pytest.mark.parametrize(
    "page, shown, heading",
    [
        ("", ["Sensor 00", "Sensor 01"], "Page 1 of 3"),
        ("2", ["Sensor 02", "Sensor 03"], "Page 2 of 3"),
        ("3", ["Sensor 04"], "Page 3 of 3"),
        # Past the end, below 1, not a number: as Django's paginator answers them.
        ("9", ["Sensor 04"], "Page 3 of 3"),
        ("0", ["Sensor 04"], "Page 3 of 3"),
        ("x", ["Sensor 00", "Sensor 01"], "Page 1 of 3"),
    ],
)
def test_a_filtered_page_and_its_count_come_from_one_query(
    city_a, monkeypatch, page, shown, heading
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cityrights.core.models import Department
    from cityrights.register.views import public

    monkeypatch.setattr(public, "PAGE_SIZE", 2)
    parks = Department.objects.create(organisation=city_a.city, slug="parks", name_en="Parks")
    for index in range(5):
        make_entry(
            city_a, name=f"Sensor {index:02d}", locations=0, department=parks, kind="dataset"
        )
    make_entry(city_a, name="Elsewhere", locations=0, kind="dataset")
    Client().get(BASE)  # the facets, kept until the register changes
    with CaptureQueriesContext(connection) as queries:
        html = Client().get(f"{BASE}?department=parks&page={page}").content.decode()
    assert "5 entries" in html and heading in html
    assert [n for n in (f"Sensor {i:02d}" for i in range(5)) if f">{n}</a>" in html] == shown
    assert ">Elsewhere</a>" not in html
    scans = [q["sql"] for q in queries if 'FROM "register_entry"' in q["sql"]]
    # The page with its count in one query. Past the end, the count and the last page follow
    # the empty answer; below 1, they are asked as Django's paginator asks them.
    assert len(scans) == {"9": 3, "0": 2}.get(page, 1), scans


def test_a_search_without_matches_says_so_from_one_query(register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Client().get(BASE)  # the facets, kept until the register changes
    with CaptureQueriesContext(connection) as queries:
        html = Client().get(f"{BASE}?q=nothing-like-this").content.decode()
    assert "0 entries" in html
    assert len([q for q in queries if 'FROM "register_entry"' in q["sql"]]) == 1


def test_the_filter_lists_mark_the_chosen_option_and_follow_a_publication(register, city_a):
    """Each worker keeps the filter lists under the facets' key: a visitor's choice is marked
    in them, another visitor's list is not, and a new department appears once published."""
    import re

    from cityrights.core.models import Department

    def chosen(html: str) -> list[str]:
        return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', html)

    def departments(html: str) -> list[str]:
        block = re.search(r'<select[^>]*name="department".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="([^"]+)"', block)

    html = Client().get(f"{BASE}?department=social&kind=algorithm&risk=high").content.decode()
    assert {"social", "algorithm", "high"} <= set(chosen(html))
    plain = Client().get(BASE).content.decode()
    assert not {"social", "algorithm", "high"} & set(chosen(plain))
    assert "social" in departments(plain) and "soc" not in departments(plain)
    # A value that begins another one is not taken for it.
    assert "social" not in chosen(Client().get(f"{BASE}?department=soc").content.decode())
    parks = Department.objects.create(organisation=city_a.city, slug="parks", name_en="Parks")
    make_entry(city_a, name="Park benches", kind="dataset", locations=0, department=parks)
    assert "parks" in departments(Client().get(BASE).content.decode())
