"""A published cycle's public results page is stored at publication, in every interface
language, and shown from there: identical to the page computed live, unchanged by later
edits, and stored again when the city publishes or withdraws another year."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation

from cityrights.assessment import published, services
from cityrights.assessment.models import AssessmentCycle, PublishedResults, Response
from cityrights.core.models import Organisation

from .conftest import validated_cycle

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(autouse=True)
def no_public_cache(settings):
    """Pages rendered by the view every time, not served from the public cache."""
    settings.CITYRIGHTS_PUBLIC_CACHE = False


def fresh(cycle: AssessmentCycle) -> AssessmentCycle:
    """The cycle read again (scores are memoised on the object)."""
    return AssessmentCycle.objects.select_related("organisation", "framework").get(pk=cycle.pk)


def page(client, cycle: AssessmentCycle, lang: str = "en") -> str:
    url = f"/cities/{cycle.organisation.slug}/assessment/{cycle.year}/"
    return client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def old_page_body(cycle: AssessmentCycle, lang: str) -> str:
    """The body as the page rendered it before it was stored: included in the page's
    request context (context processors and all), computed at that moment."""
    request = RequestFactory().get(f"/cities/{cycle.organisation.slug}/assessment/")
    request.user = AnonymousUser()
    request.organisation = cycle.organisation
    with translation.override(lang):
        view, previous, bench = published.results_for(cycle, lang, public=True)
        return render_to_string(
            published.BODY_TEMPLATE,
            {"cycle": cycle, "view": view, "previous": previous, "bench": bench, "public": True},
            request=request,
        )


@pytest.fixture
def two_published(city_a, version):
    admin = city_a.users["admin"]
    old = validated_cycle(city_a.city, version, 2024, admin, value=2)
    new = validated_cycle(city_a.city, version, 2025, admin, value=3)
    services.set_published(new, admin, True)
    services.set_published(old, admin, True)
    return fresh(old), fresh(new)


def test_publication_stores_the_page_in_every_language(city_a, two_published):
    _old, new = two_published
    stored = PublishedResults.objects.filter(cycle=new)
    assert sorted(stored.values_list("language", flat=True)) == sorted(LANGUAGES)
    client = Client()  # anonymous
    for lang in LANGUAGES:
        body = stored.get(language=lang).body
        assert body == old_page_body(fresh(new), lang)
        assert body in page(client, new, lang)


def test_later_edits_of_answers_do_not_change_a_published_result(city_a, two_published):
    _old, new = two_published
    client = Client()
    before = page(client, new)
    Response.objects.filter(cycle=new).update(value="5")  # e.g. a correction in the database
    assert published.live_body(fresh(new), "en") not in before  # the scores would change
    assert page(client, fresh(new)) == before


def test_publishing_or_withdrawing_another_year_stores_the_comparison_again(city_a, version):
    admin = city_a.users["admin"]
    old = validated_cycle(city_a.city, version, 2024, admin, value=2)
    new = validated_cycle(city_a.city, version, 2025, admin, value=3)
    services.set_published(new, admin, True)
    body = PublishedResults.objects.get(cycle=new, language="en").body
    assert "Change since 2024" not in body  # 2024 is not public: no comparison with it
    services.set_published(old, admin, True)
    body = PublishedResults.objects.get(cycle=new, language="en").body
    assert "Change since 2024" in body
    services.set_published(fresh(old), admin, False)
    assert not PublishedResults.objects.filter(cycle=old).exists()
    assert "Change since 2024" not in PublishedResults.objects.get(cycle=new, language="en").body
    services.reopen(fresh(new), admin, "A correction")
    assert not PublishedResults.objects.exists()


def test_sharing_with_a_coalition_stores_the_pages_again(city_a, two_published):
    _old, new = two_published
    assert "Coalition benchmark" not in PublishedResults.objects.get(cycle=new, language="en").body
    coalition = Organisation.objects.create(slug="coal", name="Coalition", kind="coalition")
    sharing = services.share_with(city_a.city, coalition, city_a.users["admin"])
    assert "Coalition benchmark" in PublishedResults.objects.get(cycle=new, language="en").body
    services.stop_sharing(sharing, city_a.users["admin"])
    assert "Coalition benchmark" not in PublishedResults.objects.get(cycle=new, language="en").body


def test_texts_completed_since_publication_are_shown_live(city_a, two_published):
    _old, new = two_published
    stored = PublishedResults.objects.get(cycle=new, language="fr")
    stored.body = "stale"
    stored.save()
    assert published.public_body(fresh(new), "fr") == "stale"
    version = new.framework
    version.snapshot_hash = "completed-translations"
    version.save(update_fields=["snapshot_hash"])
    assert published.public_body(fresh(new), "fr") == published.live_body(fresh(new), "fr")


def test_the_demo_cycles_are_shown_as_published(db, client):
    from cityrights.core import demo

    context = demo.load()
    cycles = AssessmentCycle.objects.filter(organisation=context.city, published_at__isnull=False)
    assert cycles.count() == 2
    for cycle in cycles:
        for lang in LANGUAGES:
            stored = PublishedResults.objects.get(cycle=cycle, language=lang).body
            assert stored == old_page_body(fresh(cycle), lang), (cycle.year, lang)
            assert stored in page(client, cycle, lang)


def test_pages_missing_or_out_of_date_are_stored_after_migrate(city_a, two_published):
    """An upgraded installation's published cycles have no stored page yet, and completed
    translations make a stored page out of date: ``migrate`` stores them again."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    old, new = two_published
    PublishedResults.objects.filter(cycle=old).delete()
    version = new.framework
    version.snapshot_hash = "completed-translations"
    version.save(update_fields=["snapshot_hash"])
    config = apps.get_app_config("assessment")
    post_migrate.send(sender=config, app_config=config, apps=apps, verbosity=0, using="default")
    version.refresh_from_db()  # the shipped file's translations stored again, too
    for cycle in (old, new):
        stamps = PublishedResults.objects.filter(cycle=cycle).values_list(
            "framework_snapshot", flat=True
        )
        assert list(stamps) == [version.snapshot_hash] * len(LANGUAGES)
    assert published.refresh_stale() == 0  # nothing left to store
