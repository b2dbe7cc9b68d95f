"""What an operator meets setting up and running an installation: the first city, the
readiness probe, the Redis cache, and keys that are never made anew in production."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from cityrights.consent import keys
from cityrights.core import signing
from cityrights.core.models import Membership, Organisation, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> User:
    return User.objects.create_user("it@brussels.example", "x" * 16, name="IT")


def test_create_city_makes_the_city_and_its_first_administrator(operator, capsys):
    call_command(
        "create-city",
        "brussels",
        "Ville de Bruxelles",
        "--language",
        "fr",
        "--also",
        "nl",
        "--country",
        "be",
        "--admin",
        "IT@brussels.example",
    )
    city = Organisation.objects.get(slug="brussels")
    assert (city.kind, city.content_languages, city.country) == ("city", ("fr", "nl"), "BE")
    assert Membership.objects.get(organisation=city).role == Role.ADMIN
    assert "/manage/brussels/" in capsys.readouterr().out
    client = Client()
    client.force_login(operator)
    assert client.get("/manage/brussels/").status_code == 200


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["brussels", "B", "--admin", "nobody@example.org"], "No account has the address"),
        (["Brussels City!", "B", "--admin", "it@brussels.example"], "slug"),
        (["brussels", "B", "--language", "de", "--admin", "it@brussels.example"], "language"),
        (["brussels", "B", "--also", "xx", "--admin", "it@brussels.example"], "languages"),
    ],
)
def test_create_city_refuses_what_it_cannot_make_and_makes_nothing(operator, arguments, words):
    with pytest.raises(CommandError, match=words):
        call_command("create-city", *arguments)
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


def test_a_second_city_with_the_same_address_is_refused(operator):
    call_command("create-city", "brussels", "B", "--admin", operator.email)
    with pytest.raises(CommandError, match="slug"):
        call_command("create-city", "brussels", "Other", "--admin", operator.email)
    assert Organisation.objects.count() == 1


def test_readyz_answers_when_database_cache_and_keys_do():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "keys": "ok"}


def test_readyz_names_missing_keys_where_none_may_be_made(settings, tmp_path):
    settings.CITYRIGHTS_KEY_DIR = str(tmp_path / "not-restored")
    settings.CITYRIGHTS_CREATE_KEYS = False
    keys.forget_cached_keys()
    try:
        response = Client().get("/readyz")
        assert response.status_code == 503
        assert response.json()["keys"] == "missing"
        # And nothing that needs a key makes one in its place.
        with pytest.raises(signing.MissingKeyError, match="Restore the key folder"):
            keys.pepper()
        assert not (tmp_path / "not-restored").exists()
    finally:
        keys.forget_cached_keys()


def test_readyz_names_a_cache_that_does_not_answer(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"


def test_the_redis_cache_works_with_the_installed_client(settings):
    """CITYRIGHTS_REDIS_URL as documented: the client comes with the package."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
        }
    }
    from django.core.cache import caches

    cache = caches["default"]
    cache.set("cityrights:test:redis", "works", 5)
    assert cache.get("cityrights:test:redis") == "works"
    cache.delete("cityrights:test:redis")
    assert Client().get("/readyz").json()["cache"] == "ok"
