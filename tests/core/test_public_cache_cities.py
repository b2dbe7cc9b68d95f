"""One content version per city: a change made for one city renders only its pages again.

Real transactions, as in production: a version goes up when the write commits.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

from cityrights.core import publiccache
from tests.register.conftest import make_entry

HEADER = "X-Cityrights-Cache"
A, B = "/cities/city-a/register/", "/cities/city-b/register/"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _public_cache(settings):
    settings.CITYRIGHTS_PUBLIC_CACHE = True
    cache.clear()


def _cached(*paths: str) -> dict[str, bytes]:
    pages = {}
    for path in paths:
        pages[path] = Client().get(path).content
        assert Client().get(path)[HEADER] == "hit", path
    return pages


def test_a_withdrawal_in_city_a_renders_a_again_and_keeps_b_cached(city_a, city_b):
    entry = make_entry(city_a, name="Harbour camera")
    make_entry(city_b, name="Market sensor")
    before = _cached(A, B)
    everywhere = publiccache.read_version()
    reviewer = Client()
    reviewer.force_login(city_a.users["reviewer"])
    answer = reviewer.post(
        f"/manage/city-a/register/{entry.pk}/withdraw/", {"retire-text": "Switched off."}
    )
    assert answer.status_code == 302
    assert publiccache.read_version() == everywhere  # the change was city A's alone
    assert publiccache.read_city_version(city_a.city.pk) > 0
    assert publiccache.read_city_version(city_b.city.pk) == 0
    page = Client().get(A)
    assert page[HEADER] == "miss" and page.content != before[A]
    other = Client().get(B)
    assert other[HEADER] == "hit" and "Market sensor" in other.content.decode()


def test_a_publication_in_a_city_scope_never_leaves_its_page_stale(city_a, city_b):
    make_entry(city_b, name="Market sensor")
    _cached(A, B)
    with publiccache.city_scope(city_a.city):
        make_entry(city_a, name="New bicycle counter")
    page = Client().get(A)
    assert page[HEADER] == "miss" and "New bicycle counter" in page.content.decode()
    assert Client().get(B)[HEADER] == "hit"


def test_writes_outside_a_city_or_to_shared_tables_render_every_city_again(city_a, city_b):
    make_entry(city_a, name="Harbour camera")
    make_entry(city_b, name="Market sensor")
    _cached(A, B)
    # Outside any city's page (a command, another worker's raw SQL): the installation's.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE register_entry SET name_en = name_en")
    assert Client().get(A)[HEADER] == "miss" and Client().get(B)[HEADER] == "miss"
    _cached(A, B)
    # In city A's scope, a table other cities' pages read (people, the coalition benchmark).
    with publiccache.city_scope(city_a.city), connection.cursor() as cursor:
        cursor.execute("UPDATE core_user SET name = name WHERE id = %s", [city_a.users["admin"].pk])
    assert Client().get(B)[HEADER] == "miss"
    _cached(A, B)
    with publiccache.city_scope(city_a.city), connection.cursor() as cursor:
        cursor.execute("UPDATE assessment_assessmentcycle SET year = year")
    assert Client().get(B)[HEADER] == "miss"


def test_a_rolled_back_city_write_raises_nothing_and_the_next_commit_only_its_own(city_a, city_b):
    make_entry(city_b, name="Market sensor")
    _cached(A, B)
    before_a = publiccache.read_city_version(city_a.city.pk)
    with pytest.raises(RuntimeError), publiccache.city_scope(city_b.city), transaction.atomic():
        make_entry(city_b, name="Never published")
        raise RuntimeError
    with publiccache.city_scope(city_a.city), transaction.atomic():
        make_entry(city_a, name="Harbour camera")
    assert publiccache.read_city_version(city_a.city.pk) > before_a
    assert publiccache.read_city_version(city_b.city.pk) == 0
    assert Client().get(B)[HEADER] == "hit"
    assert "Harbour camera" in Client().get(A).content.decode()


def test_the_city_tables_are_rows_a_city_owns():
    tables = publiccache.city_tables()
    assert {"register_entry", "register_location", "reporting_annualreport"} <= tables
    assert not {"core_user", "core_organisation", "assessment_assessmentcycle"} & tables


def test_a_hit_still_costs_one_query(city_a):
    from django.test.utils import CaptureQueriesContext

    make_entry(city_a, name="Harbour camera")
    _cached(A)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(A)[HEADER] == "hit"
    assert len(queries) == 1
