"""Attendance: the checklist, walk-ins and the all-or-nothing CSV import; each change
brings the certificates of the people concerned in line (``capacity.certificates``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityrights.core import audit
from cityrights.core.models import User

from .. import certificates, importing, selectors
from ..errors import CapacityError
from ..models import (
    Programme,
    Registration,
    RegistrationStatus,
    Session,
)

# --------------------------------------------------------------------------------------
# Attendance
# --------------------------------------------------------------------------------------


def _require_recorder(session: Session, actor: User) -> None:
    if not selectors.may_record_attendance(actor, session):
        raise CapacityError(
            _("Only the session's trainer or a member who edits programmes records attendance."),
            403,
        )


def record_attendance(*, session: Session, actor: User, present: Iterable[int]) -> dict[str, int]:
    """The checklist: every registration of the session, present or absent.

    ``present`` holds registration ids. Someone present from the waiting list gets their
    place. Returns how many were marked present and absent.
    """
    _require_recorder(session, actor)
    present_ids = set(present)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        registrations = list(
            locked.registrations.exclude(status=RegistrationStatus.CANCELLED).select_for_update()
        )
        unknown = present_ids - {r.pk for r in registrations}
        if unknown:
            raise CapacityError(_("Someone on the list is not registered for this session."), 422)
        changed = _mark(registrations, {r.pk: r.pk in present_ids for r in registrations}, actor)
        counts = {
            "present": sum(1 for r in registrations if r.attended),
            "absent": sum(1 for r in registrations if r.attended is False),
        }
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="attendance",
            obj=locked,
            changes={**counts, "changed": sorted(r.pk for r in changed)},
        )
        _attendance_changed(locked.module.programme, {r.person_id for r in changed}, actor)
    return counts


def _mark(
    registrations: Iterable[Registration], present: Mapping[int, bool], actor: User | None
) -> list[Registration]:
    now = timezone.now()
    changed = []
    for registration in registrations:
        value = present.get(registration.pk)
        if value is None or registration.attended is value:
            continue
        registration.attended = value
        registration.attendance_recorded_at, registration.attendance_recorded_by = now, actor
        if value and registration.status == RegistrationStatus.WAITING:
            registration.status = RegistrationStatus.REGISTERED
        registration.save(
            update_fields=[
                "attended",
                "status",
                "attendance_recorded_at",
                "attendance_recorded_by",
            ]
        )
        changed.append(registration)
    return changed


def add_walk_in(*, session: Session, actor: User, email: str) -> Registration:
    """Someone came without registering: find their account and mark them present."""
    _require_recorder(session, actor)
    person = User.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        raise CapacityError(
            _("No account uses this e-mail address; the person can create one first."),
            422,
            "email",
        )
    programme = session.module.programme
    reason = selectors.not_eligible(programme, person)
    if reason:
        raise CapacityError(reason, 403, "email")
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        registration, _created = Registration.objects.get_or_create(
            session=locked,
            person=person,
            defaults={"status": RegistrationStatus.REGISTERED, "registered_by": actor},
        )
        if registration.status == RegistrationStatus.CANCELLED:
            registration.status = RegistrationStatus.REGISTERED
            registration.save(update_fields=["status"])
        changed = _mark([registration], {registration.pk: True}, actor)
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="attendance",
            obj=locked,
            changes={"walk_in": registration.pk},
        )
        _attendance_changed(programme, {r.person_id for r in changed}, actor)
    return registration


class AttendanceImportError(CapacityError):
    """A file that cannot be imported; ``problems`` lists each row, column and problem."""

    status = 422

    def __init__(self, problems: Sequence[importing.Problem]) -> None:
        super().__init__(
            ngettext(
                "The file was not imported: %(n)d problem.",
                "The file was not imported: %(n)d problems.",
                len(problems),
            )
            % {"n": len(problems)},
            422,
            "file",
        )
        self.problems = tuple(problems)


def import_attendance(
    *,
    programme: Programme,
    actor: User | None,
    data: bytes,
    session: Session | None = None,
    by_key: bool = False,
) -> dict[str, int]:
    """Attendance from a CSV file, all rows or none (see ``importing``).

    With ``session``, rows without a session column are for that session; without it,
    every row names a session of ``programme``. People must have an account and be in
    the programme's audience; someone not registered is added as present or absent.
    ``by_key`` says that the API checked an API key's ``write`` scope for the city
    (there is then no person whose right to record each session could be checked).
    """
    try:
        rows = importing.parse(data, session_required=session is None)
    except importing.ImportProblems as error:
        raise AttendanceImportError(error.problems) from error
    sessions = {s.pk: s for s in Session.objects.filter(module__programme=programme)}
    people = {
        u.email.lower(): u for u in User.objects.filter(email__in={row.email for row in rows})
    }
    problems: list[importing.Problem] = []
    resolved: list[tuple[Session, User, bool]] = []
    for row in rows:
        target = session if row.session is None else sessions.get(row.session)
        if target is None or (session is not None and target.pk != session.pk):
            problems.append(
                importing.Problem(
                    row.row,
                    "session",
                    _("no session %(number)s in this programme") % {"number": row.session},
                )
            )
            continue
        if not by_key and (actor is None or not selectors.may_record_attendance(actor, target)):
            problems.append(
                importing.Problem(
                    row.row,
                    "session",
                    _("you may not record session %(number)d") % {"number": target.pk},
                )
            )
            continue
        person = people.get(row.email)
        if person is None:
            problems.append(
                importing.Problem(
                    row.row, "email", _("no account uses %(email)s") % {"email": row.email}
                )
            )
            continue
        reason = selectors.not_eligible(programme, person)
        if reason:
            problems.append(importing.Problem(row.row, "email", f"{row.email}: {reason}"))
            continue
        resolved.append((target, person, row.present))
    if problems:
        raise AttendanceImportError(problems)
    changed_people: set[int] = set()
    counts = {"present": 0, "absent": 0, "added": 0}
    with transaction.atomic():
        for target_id in sorted({target.pk for target, _p, _v in resolved}):
            Session.objects.select_for_update().get(pk=target_id)
        for target, person, present in resolved:
            registration, created = Registration.objects.get_or_create(
                session=target,
                person=person,
                defaults={"status": RegistrationStatus.REGISTERED, "registered_by": actor},
            )
            if created:
                counts["added"] += 1
            elif registration.status == RegistrationStatus.CANCELLED and present:
                registration.status = RegistrationStatus.REGISTERED
                registration.save(update_fields=["status"])
            changed = _mark([registration], {registration.pk: present}, actor)
            changed_people |= {r.person_id for r in changed}
            counts["present" if present else "absent"] += 1
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="import",
            obj=programme,
            changes={**counts, "rows": len(resolved), "session": session, "by_api_key": by_key},
        )
        _attendance_changed(programme, changed_people, actor)
    return counts


def _attendance_changed(programme: Programme, person_ids: set[int], actor: User | None) -> None:
    """Attendance of ``person_ids`` changed: bring their certificates in line."""
    if person_ids and programme.issuing:
        certificates.recompute(programme=programme, person_ids=person_ids, actor=actor)


def _after_rules_change(programme: Programme, actor: User) -> None:
    if programme.issuing:
        certificates.recompute(programme=programme, person_ids=None, actor=actor)
