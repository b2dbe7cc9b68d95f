"""Writes of certificates: issue by rule, keep in line with attendance, revoke.

Certificates are issued once the officer starts issuing for a programme (usually at its
end: :func:`start_issuing`, the bulk issue). From then on every change of attendance or
of the rules recomputes the certificates of the people concerned (:func:`recompute`):
a person holds a valid certificate of kind K exactly when the rules give K for the
number of distinct modules they attended (``rules.plan``). Recomputing twice changes
nothing. A correction that drops someone below a rule revokes their certificate, or
replaces it with the lower kind, and records why.

A certificate revoked by staff (:func:`revoke`, with a note) stays revoked: recompute
does not issue that person another certificate of the programme on its own, so a
decision of the city is never undone by a later attendance change.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit
from cityrights.core.models import User

from . import mail, rules, selectors
from .errors import CapacityError
from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    STATUS_LIST_SIZE,
    Certificate,
    Programme,
    ProgrammeStatus,
    RevocationReason,
)

if TYPE_CHECKING:
    from cityrights.core.models import Organisation

AUDITED_IDS = 50  # an audit event lists at most this many certificate ids

_random = secrets.SystemRandom()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A code as typed or read aloud: case, dashes and spaces ignored, I/L read as 1, O as 0."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("ILO", "110"))


def _status_indexes(organisation: Organisation, count: int) -> list[int]:
    """``count`` unused positions in the city's status lists, chosen at random.

    Random positions (not 0, 1, 2 …) keep a verifier from guessing when or in which order
    certificates were issued from their position; lists are added so that each stays at
    most half full.
    """
    used = set(
        Certificate.objects.filter(organisation=organisation).values_list("status_index", flat=True)
    )
    lists = 1 + (2 * (len(used) + count)) // STATUS_LIST_SIZE
    chosen: set[int] = set()
    while len(chosen) < count:
        index = _random.randrange(lists * STATUS_LIST_SIZE)
        if index not in used:
            chosen.add(index)
    return list(chosen)


def recipient_name(person: User) -> str:
    """The name printed and published; never the full e-mail address (the verification
    page is public), so an account without a name gets the part before the @."""
    return (person.name.strip() or person.email.split("@", 1)[0])[:200]


def _new_certificates(
    programme: Programme, wanted: list[tuple[User, str, int]], actor: User | None
) -> list[Certificate]:
    indexes = _status_indexes(programme.organisation, len(wanted))
    now = timezone.now()
    certificates = [
        Certificate(
            organisation=programme.organisation,
            programme=programme,
            person=person,
            recipient_name=recipient_name(person),
            kind=kind,
            code=new_code(),
            modules_attended=modules,
            issued_at=now,
            issued_by=actor,
            status_index=index,
        )
        for (person, kind, modules), index in zip(wanted, indexes, strict=True)
    ]
    _sign(certificates)  # everything a credential says is known before the rows exist
    return Certificate.objects.bulk_create(certificates, batch_size=500)


def _sign(certificates: list[Certificate]) -> None:
    """Give each certificate its Open Badges credential (``credentials.py``)."""
    from . import credentials

    achievements: dict[tuple[int, str], dict[str, Any]] = {}
    for certificate in certificates:
        key = (certificate.programme_id, certificate.kind)
        if key not in achievements:
            achievements[key] = credentials.achievement(
                certificate.programme,
                certificate.kind,
                certificate.organisation.default_language,
            )
        certificate.credential = credentials.issue(certificate, achievements[key])


def _staff_revoked(programme: Programme) -> set[int]:
    return set(
        Certificate.objects.filter(
            programme=programme, revocation_reason=RevocationReason.STAFF
        ).values_list("person_id", flat=True)
    )


def _changes(
    programme: Programme, person_ids: Iterable[int] | None, actor: User | None
) -> tuple[list[Certificate], list[tuple[User, str, int]]]:
    """The certificates to revoke and the ``(person, kind, modules)`` to issue."""
    programme_rules = rules.rules_of(programme)
    attended = selectors.modules_attended(programme)
    held = {
        c.person_id: c
        for c in Certificate.objects.filter(programme=programme, revoked_at__isnull=True)
    }
    if person_ids is None:
        people = set(attended) | {pk for pk in held if pk is not None}
    else:
        people = set(person_ids)
    people -= _staff_revoked(programme)
    users = {u.pk: u for u in User.objects.filter(pk__in=people)}
    now = timezone.now()
    revoke: list[Certificate] = []
    wanted: list[tuple[User, str, int]] = []
    for pk in sorted(people):
        current = held.get(pk)
        modules = len(attended.get(pk, ()))
        for change in rules.plan(current.kind if current else None, programme_rules, modules):
            if change.action == "revoke" and current is not None:
                current.revoked_at, current.revoked_by = now, actor
                current.revocation_reason = change.reason or ""
                current.revocation_note = _(
                    "Recorded attendance: %(n)d module(s) of the programme."
                ) % {"n": modules}
                revoke.append(current)
            elif change.action == "issue" and pk in users:
                wanted.append((users[pk], change.kind, modules))
    return revoke, wanted


def recompute(
    *, programme: Programme, person_ids: Iterable[int] | None, actor: User | None
) -> tuple[list[Certificate], list[Certificate]]:
    """Bring certificates in line with the rules; returns ``(issued, revoked)``.

    ``person_ids=None`` means everyone who attended or holds a certificate of the
    programme. Does nothing before issuing has started.
    """
    if not programme.issuing:
        return [], []
    with transaction.atomic():
        # One recomputation per programme at a time: two corrections arriving together
        # must not both issue the certificate that is now due.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        revoke, wanted = _changes(programme, person_ids, actor)
        if not revoke and not wanted:
            return [], []
        Certificate.objects.bulk_update(
            revoke, ["revoked_at", "revoked_by", "revocation_reason", "revocation_note"]
        )
        issued = _new_certificates(programme, wanted, actor)
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="certificates",
            obj=programme,
            changes={
                "issued": len(issued),
                "revoked": len(revoke),
                "issued_ids": [c.pk for c in issued][:AUDITED_IDS],
                "revoked_ids": [c.pk for c in revoke][:AUDITED_IDS],
            },
        )
    for certificate in issued:
        transaction.on_commit(partial(mail.certificate_issued, certificate))
    return issued, revoke


def start_issuing(*, programme: Programme, actor: User) -> tuple[int, int]:
    """The bulk issue: certificates for everyone the rules give one, from now on kept
    in line with attendance. Running it again only issues what is missing."""
    if programme.status == ProgrammeStatus.DRAFT:
        raise CapacityError(_("Publish the programme before issuing certificates."))
    if not programme.rules.exists():
        raise CapacityError(_("This programme has no certificate rules."))
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        if locked.issuing_started_at is None:
            locked.issuing_started_at, locked.issuing_started_by = timezone.now(), actor
            locked.save(update_fields=["issuing_started_at", "issuing_started_by"])
        issued, revoked = recompute(programme=locked, person_ids=None, actor=actor)
    programme.issuing_started_at = locked.issuing_started_at
    return len(issued), len(revoked)


def revoke(*, certificate: Certificate, actor: User, note: str) -> Certificate:
    """Revoke a certificate by decision of the city; verifiers see it at once."""
    note = note.strip()
    if not note:
        raise CapacityError(_("Say why the certificate is revoked."), 422, "note")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise CapacityError(_("This certificate is revoked already."))
        locked.revoked_at, locked.revoked_by = timezone.now(), actor
        locked.revocation_reason, locked.revocation_note = RevocationReason.STAFF, note[:2000]
        locked.save(
            update_fields=["revoked_at", "revoked_by", "revocation_reason", "revocation_note"]
        )
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="revoke",
            obj=locked,
            changes={"reason": locked.revocation_reason, "note": note},
        )
    return locked


def valid_certificates(programme: Programme) -> list[Certificate]:
    return list(
        programme.certificates.filter(Q(revoked_at__isnull=True))
        .exclude(recipient_name="")  # the holder deleted their account: nothing to print
        .order_by("recipient_name", "pk")
    )
