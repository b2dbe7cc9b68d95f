"""Separation of duties in core: recording who took part in a version, and refusing them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.core import duties
from cityrights.core.errors import ServiceError
from cityrights.core.models import Contribution, Department


class AppError(ServiceError):
    status = 409


@pytest.fixture
def thing(city_a) -> Department:
    """Any model instance will do as the object a version belongs to."""
    return city_a.department


def test_recorded_parts_are_read_back_per_version(city_a, thing):
    editor, admin = city_a.users["editor"], city_a.users["admin"]
    duties.record(organisation=city_a.city, obj=thing, version=1, actor=editor, kind="created")
    duties.record(organisation=city_a.city, obj=thing, version=1, actor=editor, kind="created")
    duties.record(organisation=city_a.city, obj=thing, version=1, actor=admin, kind="edited")
    duties.record(organisation=city_a.city, obj=thing, version=2, actor=admin, kind="submitted")
    first = duties.contributors(obj=thing, version=1)
    assert first.ids == {editor.pk, admin.pk}
    assert first.kinds_of(admin) == {"edited"}
    assert duties.contributors(obj=thing, version=2).ids == {admin.pk}
    assert Contribution.objects.filter(subject_id=str(thing.pk), version=1).count() == 2


def test_nobody_and_unknown_kinds(city_a, thing):
    duties.record(organisation=city_a.city, obj=thing, version=1, actor=None, kind="edited")
    duties.record(
        organisation=city_a.city, obj=thing, version=1, actor=AnonymousUser(), kind="edited"
    )
    assert not duties.contributors(obj=thing, version=1)
    with pytest.raises(ValueError, match="kind"):
        duties.record(
            organisation=city_a.city, obj=thing, version=1, actor=city_a.users["admin"], kind="x"
        )


def test_a_contributor_is_refused_with_403_naming_the_rule_even_an_administrator(city_a, thing):
    admin = city_a.users["admin"]
    duties.record(organisation=city_a.city, obj=thing, version=1, actor=admin, kind="created")
    duties.record(organisation=city_a.city, obj=thing, version=1, actor=admin, kind="submitted")
    with translation.override("en"), pytest.raises(AppError) as refused:
        duties.require_independent(
            decider=admin,
            contributors=duties.contributors(obj=thing, version=1),
            decision="publish it",
            refuse_with=AppError,
        )
    assert refused.value.status == 403
    assert refused.value.code == "separation_of_duties"
    assert refused.value.message.startswith("Separation of duties")
    assert "(creation, submission)" in refused.value.message
    assert "administrators included" in refused.value.message
    duties.require_independent(
        decider=city_a.users["reviewer"],
        contributors=duties.contributors(obj=thing, version=1),
        decision="publish it",
    )


def test_the_refusal_is_translated(city_a, thing):
    admin = city_a.users["admin"]
    duties.record(organisation=city_a.city, obj=thing, version=1, actor=admin, kind="edited")
    for language, word in (("fr", "Séparation"), ("nl", "Scheiding")):
        with translation.override(language), pytest.raises(ServiceError) as refused:
            duties.require_independent(
                decider=admin,
                contributors=duties.contributors(obj=thing, version=1),
                decision="x",
            )
        assert word in refused.value.message


def test_contributions_are_append_only(city_a, thing):
    duties.record(
        organisation=city_a.city, obj=thing, version=1, actor=city_a.users["admin"], kind="led"
    )
    row = Contribution.objects.get()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        Contribution.objects.all().delete()
    with pytest.raises(PermissionError):
        Contribution.objects.update(user_id=city_a.users["reviewer"].pk)


@pytest.mark.postgres
def test_the_database_refuses_rewriting_contributions(city_a, thing):
    duties.record(
        organisation=city_a.city, obj=thing, version=1, actor=city_a.users["admin"], kind="led"
    )
    for statement in (
        "UPDATE core_contribution SET user_id = user_id + 1",
        "DELETE FROM core_contribution",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert Contribution.objects.count() == 1


parts = st.lists(st.tuples(st.integers(1, 6), st.sampled_from(duties.Kind.values)), max_size=12)


@given(first=parts, second=parts, decider=st.integers(1, 7))
@settings(max_examples=200, deadline=None)
def test_whoever_is_listed_by_either_source_is_refused_and_nobody_else(first, second, decider):
    joined = duties.Contributors.of(first) | duties.Contributors.of(second)
    listed = {user for user, _kind in first + second}
    assert joined.ids == listed
    try:
        duties.require_independent(decider=decider, contributors=joined, decision="decide")  # type: ignore[arg-type]
    except ServiceError as refusal:
        assert decider in listed and refusal.status == 403
    else:
        assert decider not in listed
