"""The demo city: an organisation, departments and one account per role.

``cityrights demo`` calls :func:`load`, which builds the core data and then
lets every app add its own demo content through an optional ``demo`` module
with a ``load(context)`` function. Everything is idempotent.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

from .models import Department, Membership, Organisation, OrganisationKind, Role, User
from .translation import set_translations, translations

DEMO_PASSWORD = "demo-rights-2026"  # noqa: S105 - published on purpose, demo only
CITY_SLUG = "demo-city"

#: Demo City's departments, named in English, French and Dutch (a Belgian city).
DEPARTMENTS: list[tuple[str, dict[str, str]]] = [
    (
        "mobility",
        {
            "en": "Mobility and Public Space",
            "fr": "Mobilité et Espace public",
            "nl": "Mobiliteit en Openbare Ruimte",
        },
    ),
    (
        "social",
        {"en": "Social Services", "fr": "Action sociale", "nl": "Sociale Dienstverlening"},
    ),
    (
        "environment",
        {
            "en": "Environment and Climate",
            "fr": "Environnement et Climat",
            "nl": "Leefmilieu en Klimaat",
        },
    ),
    (
        "digital",
        {
            "en": "Digital and Information Office",
            "fr": "Service du numérique et de l'information",
            "nl": "Dienst Digitalisering en Informatie",
        },
    ),
    (
        "culture",
        {
            "en": "Culture, Libraries and Sport",
            "fr": "Culture, Bibliothèques et Sport",
            "nl": "Cultuur, Bibliotheken en Sport",
        },
    ),
    ("safety", {"en": "Public Safety", "fr": "Sécurité publique", "nl": "Openbare Veiligheid"}),
]

#: Where residents write to Demo City, in each of its languages.
POSTAL_ADDRESS = {
    "en": "Demo City Hall\nDigital Rights Office\nMarket Square 1\n1000 Demo City\nBelgium",
    "fr": "Hôtel de ville de Ville-Démo\nBureau des droits numériques\nGrand-Place 1\n"
    "1000 Ville-Démo\nBelgique",
    "nl": "Stadhuis van Demostad\nBureau Digitale Rechten\nGrote Markt 1\n1000 Demostad\nBelgië",
}

#: Demo City's name where French and Dutch readers write it differently (the official name,
#: on signed documents, stays "Demo City").
LOCAL_NAME = {"fr": "Ville-Démo", "nl": "Demostad"}

ACCOUNTS = [
    ("admin@demo-city.example", "Amira Haddad", Role.ADMIN, "digital"),
    ("editor@demo-city.example", "Erik Janssens", Role.EDITOR, "mobility"),
    ("reviewer@demo-city.example", "Rosa Vermeulen", Role.REVIEWER, "digital"),
    ("viewer@demo-city.example", "Victor Lambert", Role.VIEWER, "social"),
]
RESIDENT = ("resident@demo-city.example", "Noor de Wit")


@dataclass
class DemoContext:
    """What app demo loaders receive: the city, its departments and its people."""

    city: Organisation
    departments: dict[str, Department]
    users: dict[str, User]
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
    return user


@transaction.atomic
def load() -> DemoContext:
    city, _created = Organisation.objects.get_or_create(
        slug=CITY_SLUG,
        defaults={
            "name": "Demo City",
            "kind": OrganisationKind.CITY,
            "country": "BE",
            "contact_email": "digitalrights@demo-city.example",
            "website": "https://demo-city.example",
        },
    )
    if not translations(city, "postal_address"):
        set_translations(city, "postal_address", POSTAL_ADDRESS)
        city.save()
    if not translations(city, "local_name"):
        set_translations(city, "local_name", LOCAL_NAME)
        city.save()
    departments = {}
    for slug, names in DEPARTMENTS:
        department, _created = Department.objects.get_or_create(
            organisation=city,
            slug=slug,
            defaults={
                **{f"name_{code}": text for code, text in names.items()},
                "contact_email": f"{slug}@demo-city.example",
            },
        )
        missing = {
            code: text
            for code, text in names.items()
            if code not in translations(department, "name")
        }
        if missing:  # a demo loaded before departments had several languages
            set_translations(department, "name", missing)
            department.save(update_fields=[f"name_{code}" for code in missing])
        departments[slug] = department
    users: dict[str, User] = {}
    logins: list[tuple[str, str, str]] = []
    for email, name, role, dept in ACCOUNTS:
        user = _user(email, name)
        Membership.objects.get_or_create(
            user=user,
            organisation=city,
            defaults={"role": role, "department": departments[dept]},
        )
        users[str(role)] = user
        logins.append((str(Role(role).label), email, DEMO_PASSWORD))
    resident = _user(*RESIDENT)
    users["resident"] = resident
    logins.append(("Resident", resident.email, DEMO_PASSWORD))

    context = DemoContext(city=city, departments=departments, users=users, logins=logins)
    for config in apps.get_app_configs():
        if not config.name.startswith("cityrights.") or config.label == "core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        module.load(context)
    return context
