"""Fixtures for the consent app: keys in a temporary directory, partners, agreements, API keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from cityrights.consent import keycache, keys
from cityrights.consent.models import AgreementVersion, ProcessingAgreement
from cityrights.core.models import ApiKey, Organisation, User
from cityrights.core.vocab import DPV, EU_GDPR, PD

GPS = PD + "GPSCoordinate"
HEART = PD + "PhysicalHealth"
TAX = PD + "Tax"
RESEARCH = DPV + "AcademicResearch"
MOBILITY = DPV + "ImproveTransportMobility"
LEGAL = DPV + "LegalCompliance"


@pytest.fixture(autouse=True)
def consent_keys(settings, tmp_path):
    """Every test signs with its own fresh ledger key, master key and pepper."""
    settings.CITYRIGHTS_KEY_DIR = str(tmp_path / "keys")
    keys.forget_cached_keys()
    keycache.forget()
    yield tmp_path / "keys"
    keys.forget_cached_keys()
    keycache.forget()


@dataclass
class Sharing:
    city: Organisation
    lab: Organisation
    tax_office: Organisation
    study: ProcessingAgreement
    tax: ProcessingAgreement
    lab_key: str
    tax_key: str

    def api(self, secret: str | None = None) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret or self.lab_key}")


def make_agreement(
    city: Organisation,
    recipient: Organisation,
    slug: str,
    legal_basis: str,
    purposes: list[str],
    categories: list[str],
    **version: object,
) -> ProcessingAgreement:
    agreement = ProcessingAgreement.objects.create(
        organisation=city,
        slug=slug,
        title=slug.replace("-", " ").title(),
        controller=city,
        recipient=recipient,
        legal_basis=legal_basis,
    )
    AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        status=AgreementVersion.Status.PUBLISHED,
        purposes=purposes,
        data_categories=categories,
        description=f"What {slug} does with your data.",
        retention="two years",
        **version,
    )
    return agreement


def make_sharing(city: Organisation, prefix: str = "") -> Sharing:
    lab = Organisation.objects.create(
        slug=f"{prefix}lab-{city.slug}",
        name=f"Mobility Lab of {city.name}",
        kind="public_body",
        city=city,
    )
    tax_office = Organisation.objects.create(
        slug=f"{prefix}tax-{city.slug}",
        name=f"Tax Office of {city.name}",
        kind="public_body",
        city=city,
    )
    study = make_agreement(
        city,
        lab,
        "mobility-study",
        EU_GDPR + "A9-2-a",
        [RESEARCH, MOBILITY],
        [GPS, HEART],
        expires_on=date(2099, 1, 1),
    )
    tax = make_agreement(city, tax_office, "tax-record", EU_GDPR + "A6-1-c", [LEGAL], [TAX])
    _k, lab_key = ApiKey.issue(lab, "lab", ["consent:check", "webhooks"])
    _k, tax_key = ApiKey.issue(tax_office, "tax", ["consent:check"])
    return Sharing(city, lab, tax_office, study, tax, lab_key, tax_key)


@pytest.fixture
def sharing(city_a) -> Sharing:
    return make_sharing(city_a.city)


@pytest.fixture
def sharing_b(city_b) -> Sharing:
    return make_sharing(city_b.city)


@pytest.fixture
def resident_client(resident: User) -> Client:
    client = Client()
    client.force_login(resident)
    return client
