"""French elision before an inserted name: "Données ouvertes d'Ixelles", "Ce qu'Evere
publie", in the interface's sentences (templates and code), never in a resident's text."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cityrights.core.elision import begins_with_vowel_sound, elide, fill
from cityrights.core.open_data import city_catalogue


@pytest.mark.parametrize(
    ("name", "elides"),
    [
        ("Ixelles", True),
        ("Evere", True),
        ("Écaussinnes", True),
        ("Anvers", True),
        ("Uccle", True),
        ("Ottignies-Louvain-la-Neuve", True),
        ("ixelles", True),
        ("Œudeghien", True),
        ("Ypres", True),
        ("Yvoir", True),
        ("Yaoundé", False),  # a Y before a vowel is a consonant
        ("Herstal", False),  # the h is silent here but aspirated in Huy: the full form
        ("Huy", False),
        ("Bruxelles", False),
        ("", False),
        ("« Ixelles »", False),
        ("2030", False),
    ],
)
def test_which_names_take_an_elision(name, elides):
    assert begins_with_vowel_sound(name) is elides


def test_french_sentences_elide_before_a_vowel():
    with translation.override("fr"):
        assert fill("Données ouvertes de %(city)s", {"city": "Ixelles"}) == (
            "Données ouvertes d'Ixelles"
        )
        assert fill("Ce que %(name)s publie", {"name": "Evere"}) == "Ce qu'Evere publie"
        assert fill("De %(name)s à %(other)s", {"name": "Uccle", "other": "Ath"}) == (
            "D'Uccle à Ath"
        )
        assert fill("lorsque %(who)s écrit", {"who": "Anne"}) == "lorsqu'Anne écrit"
        assert fill("Données ouvertes de %(city)s", {"city": "Bruxelles"}) == (
            "Données ouvertes de Bruxelles"
        )
        # Only the word right before the value: "de" elsewhere, and a value's own text,
        # are left as written.
        assert fill("Rapport %(year)s de %(city)s", {"year": 2026, "city": "Bruxelles"}) == (
            "Rapport 2026 de Bruxelles"
        )
        assert fill("Titre : %(title)s", {"title": "Plan de Evere"}) == "Titre : Plan de Evere"
        assert fill("mode %(name)s", {"name": "Ixelles"}) == "mode Ixelles"  # no word boundary


def test_other_languages_are_left_as_written():
    for language in ("en", "nl"):
        with translation.override(language):
            assert fill("Open data de %(city)s", {"city": "Ixelles"}) == "Open data de Ixelles"


@given(
    words=st.lists(
        st.sampled_from(["de", "que", "De", "la", "Données", "lorsque", "puisque", "made"]),
        max_size=6,
    ),
    value=st.text(max_size=12).filter(lambda v: "%" not in v),
)
def test_elision_changes_only_the_word_before_the_value(words, value):
    message = " ".join([*words, "%(v)s", "fin"])
    with translation.override("fr"):
        result = fill(message, {"v": value})
    plain = message % {"v": value}
    if (
        words
        and words[-1].lower() in {"de", "que", "lorsque", "puisque"}
        and (begins_with_vowel_sound(value))
    ):
        head = " ".join(words[:-1])
        expected = (head + " " if head else "") + words[-1][:-1] + "'" + value + " fin"
        assert result == expected
    else:
        assert result == plain
    assert elide(message, {"v": value}, "nl") == message


def test_a_template_elides_in_french_only():
    template = engines["django"].from_string(
        "{% load i18n %}{% blocktranslate with name=city %}Open data of {{ name }}"
        "{% endblocktranslate %}|{% blocktranslate with name=city asvar title %}"
        "Open data of {{ name }}{% endblocktranslate %}{{ title }}"
    )
    with translation.override("fr"):
        assert template.render({"city": "Ixelles"}) == (
            "Données ouvertes d'Ixelles|Données ouvertes d'Ixelles"
        )
        assert template.render({"city": "<Ixelles>"}) == (
            "Données ouvertes de &lt;Ixelles&gt;|Données ouvertes de &lt;Ixelles&gt;"
        )
    with translation.override("en"):
        assert template.render({"city": "Ixelles"}) == "Open data of Ixelles|Open data of Ixelles"


def test_the_city_pages_and_open_data_titles_elide(city_a):
    city = city_a.city
    city.name, city.default_language, city.additional_languages = "Ixelles", "fr", "nl"
    city.local_name_nl = "Elsene"
    city.save()
    page = Client().get("/cities/city-a/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Données ouvertes d&#x27;Ixelles" in page or "Données ouvertes d'Ixelles" in page
    assert "de Ixelles" not in page
    with translation.override("en"):
        found = city_catalogue(city)
    assert found.title == {"fr": "Données ouvertes d'Ixelles", "nl": "Open data van Elsene"}
