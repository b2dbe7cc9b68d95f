"""A version published without a note says "First publication." or "Updated." in each
reader's language, on the entry's history and in the feed; a publisher's own note is kept
as written; the migration empties the default words stored in earlier versions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from cityrights.register import services
from cityrights.register.models import Entry, EntryVersion

from .conftest import make_entry

pytestmark = pytest.mark.django_db


def publish_without_note(entry: Entry, reviewer) -> Entry:
    entry = services.submit(entry, actor=entry.author)
    seen = services.missing_fingerprint(services.missing_translations(entry))
    return services.publish(entry, actor=reviewer, missing_seen=seen)


def test_the_default_note_is_said_in_each_readers_language(city_a):
    editor, reviewer = city_a.users["editor"], city_a.users["reviewer"]
    entry = make_entry(city_a, state="draft", name="Camera")
    with_english_reviewer = publish_without_note(entry, reviewer)
    revision = services.start_revision(with_english_reviewer, actor=editor)
    services.update_entry(revision, actor=editor, data={"name": "Renamed camera"})
    publish_without_note(Entry.objects.get(pk=revision.pk), reviewer)
    # Nothing of the publisher's language is stored.
    assert list(
        EntryVersion.objects.filter(entry=with_english_reviewer).values_list(
            "number", "change_summary"
        )
    ) == [(2, ""), (1, "")]
    page = reverse("register:entry", kwargs={"org": "city-a", "code": entry.code})
    feed = reverse("register:feed", kwargs={"org": "city-a"})
    for language, first, updated in (
        ("en", "First publication.", "Updated."),
        ("fr", "Première publication.", "Mis à jour."),
        ("nl", "Eerste publicatie.", "Bijgewerkt."),
    ):
        html = Client().get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f"<td>{first}</td>" in html and f"<td>{updated}</td>" in html, language
        atom = Client().get(feed, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert first in atom and updated in atom, language


def test_a_publishers_own_note_is_kept_as_written(city_a):
    entry = make_entry(city_a, name="Camera")  # the fixture's note: "First publication."
    revision = services.start_revision(entry, actor=city_a.users["editor"])
    services.update_entry(revision, actor=city_a.users["editor"], data={"name": "Renamed"})
    revision = services.submit(Entry.objects.get(pk=revision.pk), actor=city_a.users["editor"])
    services.publish(revision, actor=city_a.users["reviewer"], change_summary="Nieuwe naam.")
    html = (
        Client()
        .get(
            reverse("register:entry", kwargs={"org": "city-a", "code": entry.code}),
            HTTP_ACCEPT_LANGUAGE="fr",
        )
        .content.decode()
    )
    assert "<td>Nieuwe naam.</td>" in html
    assert "<td>First publication.</td>" in html  # written by the publisher, not a default


def _migrate(target: list[tuple[str, str]] | None = None) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_empties_stored_default_words_only(city_a):
    entry = make_entry(city_a, name="Camera")
    _migrate([("register", "0008_feed_version_order_index")])
    EntryVersion.objects.filter(entry=entry).delete()
    for number, note in ((1, "Eerste publicatie."), (2, "Mis à jour."), (3, "Nieuwe camera.")):
        EntryVersion.objects.create(
            entry=entry,
            number=number,
            snapshot={},
            change_summary=note,
            published_at=entry.last_published_at,
        )
    _migrate()
    notes = EntryVersion.objects.filter(entry=entry).order_by("number")
    assert list(notes.values_list("number", "change_summary")) == [
        (1, ""),
        (2, ""),
        (3, "Nieuwe camera."),
    ]
    # Going back writes the default words in English; the publisher's own note stays.
    _migrate([("register", "0008_feed_version_order_index")])
    assert list(notes.values_list("change_summary", flat=True)) == [
        "First publication.",
        "Updated.",
        "Nieuwe camera.",
    ]
    _migrate()
