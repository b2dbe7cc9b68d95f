"""Shared fixtures: two cities with one member per role, a resident, API keys.

In CI (``CI=true``) a skipped test fails the run: the PostgreSQL and browser
suites must really run there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import settings as hypothesis_settings

from cityrights.core.models import ApiKey, Department, Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Properties are about behaviour, not speed: on a shared 2-core machine one example may take
# longer than hypothesis's default 200 ms deadline, which would fail a correct property.
hypothesis_settings.register_profile("cityrights", deadline=None)
hypothesis_settings.load_profile("cityrights")


@pytest.fixture(autouse=True)
def _forget_local_pages() -> None:
    """Each test starts with no page (and no value) in this worker's memory, as a fresh
    worker does: a test's database is rolled back afterwards, so a content version may come
    round again."""
    from cityrights.core import publiccache

    publiccache.local_pages().clear()
    publiccache.local_values().clear()


@pytest.fixture(autouse=True)
def _settings_language() -> Iterator[None]:
    """Each test starts in the settings' language, as a new process does: the test client's
    requests leave the last request's language active in the thread, so a message built
    outside a request (the importer's, the vocabulary's) would otherwise come out in the
    language of whichever test ran before."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@dataclass
class CityFixture:
    city: Organisation
    department: Department
    users: dict[str, User]

    def client_for(self, role: str) -> Client:
        client = Client()
        client.force_login(self.users[role])
        return client


def make_city(slug: str, name: str) -> CityFixture:
    city = Organisation.objects.create(slug=slug, name=name, kind="city")
    department = Department.objects.create(organisation=city, slug="mobility", name_en="Mobility")
    users = {}
    for role in Role.values:
        user = User.objects.create_user(f"{role}@{slug}.example", PASSWORD, name=f"{role} {name}")
        Membership.objects.create(user=user, organisation=city, role=role, department=department)
        users[role] = user
    return CityFixture(city=city, department=department, users=users)


@pytest.fixture
def city_a(db) -> CityFixture:
    return make_city("city-a", "City A")


@pytest.fixture
def city_b(db) -> CityFixture:
    return make_city("city-b", "City B")


@pytest.fixture
def brussels(city_a: CityFixture) -> CityFixture:
    """City A writes in French first, then Dutch, as Brussels does."""
    city_a.city.default_language = "fr"
    city_a.city.additional_languages = "nl"
    city_a.city.save()
    return city_a


@pytest.fixture
def resident(db) -> User:
    return User.objects.create_user("resident@example.org", PASSWORD, name="Rita Resident")


@pytest.fixture
def api_key(city_a: CityFixture) -> str:
    _key, secret = ApiKey.issue(city_a.city, "integration", ["read", "write"])
    return secret


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect PostgreSQL-only tests when the suite runs on SQLite (they run in the PG pass)."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("postgresql"):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not IN_CI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) were skipped; that fails the run.")
        session.exitstatus = 1
