"""Fixtures of the participation tests: a consultation with a published two-language draft."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from cityrights.participation import services
from cityrights.participation.models import Phase


@pytest.fixture(autouse=True)
def _clear_rate_counters():
    cache.clear()


@pytest.fixture
def bilingual(city_a):
    city = city_a.city
    city.default_language = "fr"
    city.additional_languages = "nl"
    city.save()
    return city_a


def make_consultation(city_fixture, *, slug="declaration", anonymous=False, phase=Phase.DISCUSSION):
    admin = city_fixture.users["admin"]
    consultation = services.create_consultation(
        organisation=city_fixture.city,
        actor=admin,
        values={
            "slug": slug,
            "title_en": "Digital rights declaration",
            "title_fr": "Déclaration des droits numériques",
            "title_nl": "Verklaring digitale rechten",
            "allow_anonymous": anonymous,
        },
    )
    version = consultation.versions.get(number=1)
    for position, (key, fr, nl) in enumerate(
        [
            (
                "inclusion",
                "Chacun a accès aux services en ligne.",
                "Iedereen heeft toegang tot onlinediensten.",
            ),
            (
                "transparency",
                "La ville publie ses algorithmes.",
                "De stad publiceert haar algoritmen.",
            ),
        ],
        start=1,
    ):
        services.save_section(
            version=version,
            actor=admin,
            values={
                "key": key,
                "position": position,
                "heading_en": key.title(),
                "heading_fr": key.title() + " FR",
                "heading_nl": key.title() + " NL",
                "body_en": f"English text of {key}.",
                "body_fr": fr,
                "body_nl": nl,
            },
        )
    services.publish_version(version=version, actor=admin)
    if phase != Phase.PREPARING:
        services.move_phase(consultation=consultation, actor=admin, to_phase=phase)
    return consultation


@pytest.fixture
def consultation(city_a):
    return make_consultation(city_a)


@pytest.fixture
def open_anonymous(city_a):
    return make_consultation(city_a, slug="open", anonymous=True)
