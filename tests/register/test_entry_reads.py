"""The entry page's reads (selectors.public_entry, public_versions) load what the page shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cityrights.register import selectors, services

from .conftest import make_entry

pytestmark = pytest.mark.django_db


def test_public_entry_comes_with_its_department_terms_and_places(city_a):
    entry = make_entry(
        city_a,
        name="Camera",
        categories=["pd:Location"],
        purposes=["dpv:PublicBenefit"],
        locations=2,
    )
    found = selectors.public_entry(city_a.city, entry.code)
    assert found == entry
    with CaptureQueriesContext(connection) as queries:
        assert found.organisation is city_a.city
        assert found.department.slug == city_a.department.slug
        terms = {kind: found.values_of(kind) for kind in ("purpose", "data_category")}
        places = list(found.locations.all())
    assert len(queries) == 0
    assert terms == {kind: entry.values_of(kind) for kind in terms}
    assert all(len(values) == 1 for values in terms.values())
    assert [p.pk for p in places] == sorted(p.pk for p in entry.locations.all())
    # A further filter reads this entry's rows only, as after prefetch_related.
    purposes = found.terms.filter(kind="purpose").values_list("value", flat=True)
    assert list(purposes) == terms["purpose"]
    assert found.locations.filter(pk=places[0].pk).count() == 1


def test_public_entry_is_none_for_drafts_other_cities_and_unknown_codes(city_a, city_b):
    draft = make_entry(city_a, state="draft", name="Draft")
    entry = make_entry(city_a, name="Published")
    assert selectors.public_entry(city_a.city, draft.code) is None
    assert selectors.public_entry(city_b.city, entry.code) is None
    assert selectors.public_entry(city_a.city, "nothing") is None
    retired = make_entry(city_a, state="retired", name="Retired")
    assert selectors.public_entry(city_a.city, retired.code) == retired


def test_public_versions_newest_first_without_snapshots(city_a):
    entry = make_entry(city_a, name="Camera")
    revision = services.start_revision(entry, actor=city_a.users["editor"])
    services.update_entry(revision, actor=city_a.users["editor"], data={"summary": "New text."})
    revision = services.submit(revision, actor=city_a.users["editor"])
    seen = services.missing_fingerprint(services.missing_translations(revision))
    services.publish(
        revision, actor=city_a.users["reviewer"], change_summary="Second.", missing_seen=seen
    )
    versions = selectors.public_versions(entry)
    assert [v.number for v in versions] == [2, 1]
    assert [v.change_summary for v in versions] == ["Second.", "First publication."]
    assert "snapshot" in versions[0].get_deferred_fields()


def test_each_place_links_its_own_sign_qr_code_and_short_address(city_a, client):
    from django.urls import reverse

    entry = make_entry(city_a, name="Camera", locations=3)
    html = client.get(entry.get_absolute_url()).content.decode()
    for location in entry.locations.all():
        slug, code = city_a.city.slug, location.code
        for url in (
            reverse("register:location_sign", kwargs={"org": slug, "code": code}),
            reverse("register:location_qr", kwargs={"org": slug, "code": code, "fmt": "png"}),
            location.short_url(),
        ):
            assert f'"{url}"' in html or f"{url}</code>" in html
