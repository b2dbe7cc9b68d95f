"""Fixtures for the consent app: keys in a temporary directory, partners, agreements, API keys."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.test import Client

from cityrights.consent import keycache, keys, outbound
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


def fake_dns(host: str, port: int) -> list[str]:
    """Tests never ask real DNS: names under .example lead to one public address (RFC 2606
    reserves the names; nothing is ever sent there, deliveries in tests go through a recorder
    or to the local partner_server)."""
    if host == "example" or host.endswith(".example") or host.endswith(".example.org"):
        return ["93.184.216.34"]
    raise OSError(f"{host}: unknown in tests")


@pytest.fixture(autouse=True)
def no_real_dns(monkeypatch):
    monkeypatch.setattr(outbound, "resolver", fake_dns)


def _certificates(tmp_path, name: str):
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cityrights test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    ca_file, cert_file, key_file = tmp_path / "ca.pem", tmp_path / "leaf.pem", tmp_path / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


@pytest.fixture
def partner_server(tmp_path, settings, monkeypatch):
    """An HTTPS server on 127.0.0.1 for hooks.partner.test, let in by the allow-list."""
    ca_file, cert_file, key_file = _certificates(tmp_path, "hooks.partner.test")
    received: list[tuple[dict, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append((dict(self.headers), self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CITYRIGHTS_WEBHOOK_ALLOWED_NETWORKS = "127.0.0.1/32"
    settings.CITYRIGHTS_WEBHOOK_CA_FILE = str(ca_file)
    answers = {"hooks.partner.test": ["127.0.0.1"]}
    monkeypatch.setattr(outbound, "resolver", lambda host, port: answers[host])
    try:
        yield server.server_port, received, answers
    finally:
        server.shutdown()
        server.server_close()


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
        title_en=slug.replace("-", " ").title(),
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
        description_en=f"What {slug} does with your data.",
        retention_en="two years",
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
