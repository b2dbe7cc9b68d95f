"""Certificates as Open Badges 3.0 credentials, and the status list that revokes them.

**The credential.** Each certificate is also an ``OpenBadgeCredential`` (1EdTech Open
Badges 3.0, a W3C Verifiable Credential in the VC Data Model 2.0) secured as a VC-JWT,
the "JSON Web Token Proof Format" of the specification (section 8.2):

* JOSE header: ``alg`` EdDSA, ``kid`` (the RFC 7638 thumbprint of the installation's
  Ed25519 key, as published in its JWKS at ``/.well-known/jwks.json``), ``typ`` JWT;
  the header and the signature come from ``core.signing``, which every app shares.
* Payload: the credential itself (``@context``, ``id``, ``type``, ``issuer`` profile,
  ``validFrom``, ``credentialSubject`` with the ``achievement``, ``credentialStatus``)
  plus the claims the specification requires: ``iss`` = ``issuer.id``, ``jti`` = ``id``,
  ``nbf`` = ``validFrom``, ``sub`` = ``credentialSubject.id``.

The credential's ``id`` is the certificate's verification address (``/v/<code>``), the
issuer's id its public profile (``/cities/<city>/capacity/issuer``) and the
achievement's id a public description of what the programme's rule rewards. The
recipient is named (``identityType`` name) and identified by a salted SHA-256 hash of
their e-mail address, which lets them prove the credential is theirs without the
address being readable in it.

Anyone with the published JWKS verifies a downloaded credential without the city's
server: the signature, then the claims. Tests do so with PyJWT, a second JOSE library,
and validate every credential against the specification's published JSON Schema.

**Revocation.** ``credentialStatus`` is a ``BitstringStatusListEntry`` (W3C Bitstring
Status List v1.0) with purpose ``revocation``: the certificate's bit in the city's
status list, a ``BitstringStatusListCredential`` served signed at
``/cities/<city>/capacity/status/<n>``. Its ``encodedList`` is the Multibase base64url
(prefix ``u``, no padding) of the GZIP-compressed bitstring of 131,072 bits, bit 0 the
most significant bit of the first byte; a set bit means revoked. Positions are random,
so a position says nothing about when a certificate was issued, and one list covers
many certificates, so fetching it does not tell the city which one is being checked.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cityrights.core import signing
from cityrights.core.translation import city_languages, labelled, shown

from .models import STATUS_LIST_SIZE, Certificate, CertificateKind, Programme

OB_CONTEXT = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
TYP = "JWT"  # OB 3.0, 8.2.3: "If present, MUST be set to 'JWT'".

ACHIEVEMENT_TYPES = {
    CertificateKind.COMPLETION: "CertificateOfCompletion",
    CertificateKind.ATTENDANCE: "Certificate",
}


def _base() -> str:
    return settings.CITYRIGHTS_BASE_URL.rstrip("/")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _epoch(moment: datetime) -> int:
    return int(moment.astimezone(UTC).replace(microsecond=0).timestamp())


def issuer_url(organisation: Any) -> str:
    return _base() + reverse("capacity:issuer", kwargs={"org": organisation.slug})


def achievement_url(programme: Programme, kind: str) -> str:
    return _base() + reverse(
        "capacity:achievement",
        kwargs={"org": programme.organisation.slug, "pk": programme.pk, "kind": kind},
    )


def status_list_url(organisation: Any, number: int) -> str:
    return _base() + reverse(
        "capacity:status_list", kwargs={"org": organisation.slug, "number": number}
    )


def credential_url(certificate: Certificate) -> str:
    return _base() + certificate.get_verification_url()


def issuer_profile(organisation: Any) -> dict[str, Any]:
    """The city as an Open Badges ``Profile``: what the issuer address answers."""
    profile: dict[str, Any] = {
        "id": issuer_url(organisation),
        "type": ["Profile"],
        "name": organisation.name,
        "url": _base() + organisation.get_absolute_url(),
    }
    if organisation.contact_email:
        profile["email"] = organisation.contact_email
    return profile


def _text(obj: Any, name: str, language: str) -> str:
    return shown(obj, name, language).text


def criteria_text(programme: Programme, kind: str, language: str) -> str:
    """The rule in words, in ``language`` (the certificate's criteria)."""
    from django.utils import translation
    from django.utils.translation import gettext, ngettext

    rule = programme.rules.filter(kind=kind).first()
    with translation.override(language):
        if rule is None:
            return gettext("Awarded by the city under the programme's former rules.")
        if rule.max_modules is None:
            return ngettext(
                "Attended at least %(n)d module of the programme.",
                "Attended at least %(n)d distinct modules of the programme.",
                rule.min_modules,
            ) % {"n": rule.min_modules}
        if rule.max_modules == rule.min_modules:
            return ngettext(
                "Attended %(n)d module of the programme.",
                "Attended %(n)d distinct modules of the programme.",
                rule.min_modules,
            ) % {"n": rule.min_modules}
        return gettext(
            "Attended between %(low)d and %(high)d distinct modules of the programme."
        ) % {"low": rule.min_modules, "high": rule.max_modules}


def achievement(programme: Programme, kind: str, language: str) -> dict[str, Any]:
    """The ``Achievement`` a rule of a programme rewards (public: no personal data)."""
    from django.utils import translation

    with city_languages(programme.organisation.content_languages):
        title = _text(programme, "title", language)
        description = _text(programme, "certificate_text", language) or _text(
            programme, "description", language
        )
    with translation.override(language):
        kind_name = str(CertificateKind(kind).label)
    topics = sorted({key for module in programme.modules.all() for key in module.topics})
    found: dict[str, Any] = {
        "id": achievement_url(programme, kind),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[CertificateKind(kind)],
        "name": labelled(kind_name, title),
        "description": description or title,
        "criteria": {"narrative": criteria_text(programme, kind, language)},
        "creator": issuer_profile(programme.organisation),
        "inLanguage": language,
    }
    if topics:
        found["tag"] = topics
    return found


def _email_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.lower() + salt).encode("utf-8")).hexdigest()


def credential(
    certificate: Certificate, achieved: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The JWT payload of a certificate: the OpenBadgeCredential and its JWT claims.

    ``achieved`` is the programme's achievement for the certificate's kind, when the
    caller already built it (issuing many certificates of one programme at once).
    """
    organisation = certificate.organisation
    language = organisation.default_language
    issued = certificate.issued_at
    subject_id = f"urn:uuid:{certificate.subject_id}"
    identifiers: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": certificate.recipient_name,
        }
    ]
    if certificate.person is not None and certificate.person.email:
        salt = certificate.credential_id.hex[:16]
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": _email_hash(certificate.person.email, salt),
                "salt": salt,
            }
        )
    if achieved is None:
        achieved = achievement(certificate.programme, certificate.kind, language)
    issuer = issuer_profile(organisation)
    status_list = status_list_url(organisation, certificate.status_list)
    position = certificate.status_index % STATUS_LIST_SIZE
    body = {
        "@context": list(OB_CONTEXT),
        "id": credential_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achieved["name"],
        "issuer": issuer,
        "validFrom": _iso(issued),
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "achievement": achieved,
        },
        "credentialStatus": {
            "id": f"{status_list}#{position}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(position),
            "statusListCredential": status_list,
        },
    }
    return {
        **body,
        "iss": issuer["id"],
        "jti": body["id"],
        "nbf": _epoch(issued),
        "sub": subject_id,
    }


def issue(certificate: Certificate, achieved: Mapping[str, Any] | None = None) -> str:
    """The signed credential (compact JWS) of a certificate."""
    return signing.sign_jws(credential(certificate, achieved), typ=TYP)


# --------------------------------------------------------------------------------------
# Status list
# --------------------------------------------------------------------------------------


def encode_bits(positions: Iterable[int], size: int = STATUS_LIST_SIZE) -> str:
    """``encodedList``: Multibase base64url (``u``) of the GZIP of the bitstring."""
    bits = bytearray(size // 8)
    for position in positions:
        if not 0 <= position < size:
            raise ValueError(f"position {position} is outside the list of {size}")
        bits[position // 8] |= 0x80 >> (position % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_bits(encoded: str, *, limit: int = 16 * 1024 * 1024) -> bytes:
    """The bitstring of an ``encodedList`` (refusing one that expands beyond ``limit``)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be Multibase base64url (prefix 'u')")
    data = encoded[1:]
    compressed = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
        bits = stream.read(limit + 1)
    if len(bits) > limit:
        raise ValueError("the status list is larger than allowed")
    return bits


def bit(bits: bytes, position: int) -> bool:
    return bool(bits[position // 8] & (0x80 >> (position % 8)))


def status_list_credential(organisation: Any, number: int) -> dict[str, Any]:
    """The city's status list ``number`` as a BitstringStatusListCredential (JWT payload)."""
    low, high = number * STATUS_LIST_SIZE, (number + 1) * STATUS_LIST_SIZE
    revoked = Certificate.objects.filter(
        organisation=organisation,
        revoked_at__isnull=False,
        status_index__gte=low,
        status_index__lt=high,
    ).values_list("status_index", flat=True)
    url = status_list_url(organisation, number)
    now = timezone.now()
    issuer = issuer_url(organisation)
    return {
        "@context": [OB_CONTEXT[0]],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(index - low for index in revoked),
        },
        "iss": issuer,
        "jti": url,
        "nbf": _epoch(now),
        "sub": f"{url}#list",
    }


def signed_status_list(organisation: Any, number: int) -> str:
    return signing.sign_jws(status_list_credential(organisation, number), typ=TYP)


# --------------------------------------------------------------------------------------
# Verification (the city's own check; third parties need only the JWKS)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str
    certificate: Certificate | None = None
    claims: Mapping[str, Any] | None = None


def verify(token: str) -> Verification:
    """Check a credential as a verifier would, then look up its status here.

    The reasons are the interface's (translated) sentences, shown on the public
    verification page.
    """
    from django.utils.translation import gettext as _

    token = "".join(token.split())
    try:
        claims = signing.verify_jws(token, typ=TYP)
    except signing.JWSError as error:
        return Verification(False, _("The signature does not verify: %(why)s.") % {"why": error})
    problems = claim_problems(claims)
    if problems:
        return Verification(False, problems[0], claims=claims)
    code = str(claims["jti"]).rstrip("/").rsplit("/", 1)[-1]
    certificate = (
        Certificate.objects.select_related("programme", "organisation").filter(code=code).first()
    )
    if certificate is None or issuer_url(certificate.organisation) != claims.get("iss"):
        return Verification(False, _("This city issued no certificate with this credential."))
    if certificate.credential and certificate.credential != token:
        return Verification(False, _("This credential is not the one the city issued."))
    if not certificate.is_valid:
        return Verification(
            False, _("The city revoked this certificate."), certificate=certificate, claims=claims
        )
    return Verification(True, _("Valid: signed by the city and not revoked."), certificate, claims)


def claim_problems(claims: Mapping[str, Any]) -> list[str]:
    """What is wrong with a verified payload as an OpenBadgeCredential (OB 3.0, 8.2.4)."""
    from django.utils.translation import gettext as _

    problems = []
    types = claims.get("type") or []
    if "OpenBadgeCredential" not in types and "AchievementCredential" not in types:
        problems.append(_("This is not an Open Badges credential."))
        return problems
    issuer = claims.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    subject = claims.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, Mapping) else None
    if claims.get("iss") != issuer_id:
        problems.append(_("The iss claim does not match the issuer."))
    if claims.get("sub") != subject_id:
        problems.append(_("The sub claim does not match the recipient."))
    if claims.get("jti") != claims.get("id"):
        problems.append(_("The jti claim does not match the credential's id."))
    valid_from = claims.get("validFrom")
    nbf = claims.get("nbf")
    try:
        parsed = datetime.fromisoformat(str(valid_from).replace("Z", "+00:00"))
    except ValueError:
        problems.append(_("validFrom is not a date and time."))
    else:
        if not isinstance(nbf, int) or _epoch(parsed) != nbf:
            problems.append(_("The nbf claim does not match validFrom."))
        elif parsed > timezone.now():
            problems.append(_("The credential is not valid yet."))
    return problems
