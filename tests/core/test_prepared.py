"""core.prepared: a query's SQL written once gives the rows the ORM gives, on every call."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cityrights.core.models import Department, Organisation
from cityrights.core.prepared import PreparedQuery
from cityrights.core.tenancy import get_organisation
from cityrights.core.translation import city_languages

pytestmark = pytest.mark.django_db

DEPARTMENTS = PreparedQuery(
    lambda organisation_id, slug: Department.objects.filter(
        organisation_id=organisation_id, slug=slug
    ).select_related("organisation"),
    organisation_id=int,
    slug=str,
)


def test_each_call_reads_the_rows_of_its_own_values(city_a, city_b):
    Department.objects.filter(pk=city_b.department.pk).update(name_en="Transport")
    (in_a,) = DEPARTMENTS(organisation_id=city_a.city.pk, slug="mobility")
    (in_b,) = DEPARTMENTS(organisation_id=city_b.city.pk, slug="mobility")
    assert in_a == city_a.department and in_b.name_en == "Transport"
    assert DEPARTMENTS(organisation_id=city_a.city.pk, slug="nothing") == []


def test_the_objects_are_those_of_the_orm_with_select_related_loaded(city_a):
    (found,) = DEPARTMENTS(organisation_id=city_a.city.pk, slug="mobility")
    expected = Department.objects.get(pk=city_a.department.pk)
    assert [getattr(found, f.attname) for f in Department._meta.concrete_fields] == [
        getattr(expected, f.attname) for f in Department._meta.concrete_fields
    ]
    assert not found._state.adding
    with CaptureQueriesContext(connection) as queries:
        assert found.organisation.slug == city_a.city.slug
    assert len(queries) == 0


def test_a_value_is_a_parameter_never_sql(city_a):
    assert DEPARTMENTS(organisation_id=city_a.city.pk, slug="x' OR '1'='1") == []


def test_the_sql_is_kept_per_language_order(city_a):
    from cityrights.core.translation import order_text

    ordered = PreparedQuery(
        lambda organisation_id: Department.objects.filter(organisation_id=organisation_id).order_by(
            order_text("name"), "id"
        ),
        organisation_id=int,
    )
    Department.objects.create(organisation=city_a.city, slug="b", name_en="B", name_fr="A")
    Department.objects.create(organisation=city_a.city, slug="a", name_en="A", name_fr="B")
    with city_languages(["en"]):
        assert [d.slug for d in ordered(organisation_id=city_a.city.pk)] == ["a", "b", "mobility"]
    with city_languages(["fr"]):
        from django.utils import translation

        with translation.override("fr"):
            slugs = [d.slug for d in ordered(organisation_id=city_a.city.pk)]
    assert slugs[:2] == ["b", "a"]


def test_a_value_the_lookup_rewrites_is_refused():
    contains = PreparedQuery(
        lambda text: Organisation.objects.filter(name__icontains=text), text=str
    )
    with pytest.raises(ImproperlyConfigured):
        contains(text="x")


def test_get_organisation_loads_the_partners_city_with_it(city_a):
    partner = Organisation.objects.create(
        slug="partner", name="Partner", kind="company", city=city_a.city
    )
    with CaptureQueriesContext(connection) as queries:
        found = get_organisation("partner")
        assert found == partner and found.city == city_a.city
    assert len(queries) == 1


def test_count_is_the_orms_count(city_a, city_b):
    Department.objects.create(organisation=city_a.city, slug="b", name_en="B")
    every = PreparedQuery(
        lambda organisation_id: Department.objects.filter(organisation_id=organisation_id),
        organisation_id=int,
    )
    for city in (city_a.city, city_b.city):
        assert (
            every.count(organisation_id=city.pk)
            == Department.objects.filter(organisation=city).count()
        )
    assert every.count(organisation_id=-1) == 0


@pytest.mark.postgres
def test_postgresql_plans_a_prepared_query_once_per_connection(city_a):
    for _ in range(2):
        DEPARTMENTS(organisation_id=city_a.city.pk, slug="mobility")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('FROM "core_department"' in statement for statement in statements)


def test_a_query_log_shows_the_sql_with_its_values(city_a):
    with CaptureQueriesContext(connection) as queries:
        DEPARTMENTS(organisation_id=city_a.city.pk, slug="mobility")
    (logged,) = queries.captured_queries
    assert "core_department" in logged["sql"] and "mobility" in logged["sql"]
