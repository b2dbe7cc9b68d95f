"""Training sessions, registration and the waiting list."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit
from cityrights.core.models import Membership, User
from cityrights.core.translation import (
    field_names,
    set_translations,
)

from .. import mail, selectors
from ..errors import CapacityError
from ..models import (
    Module,
    ProgrammeStatus,
    Registration,
    RegistrationStatus,
    Session,
    SessionFormat,
)

# --------------------------------------------------------------------------------------
# Sessions and registration
# --------------------------------------------------------------------------------------


def save_session(
    *,
    module: Module,
    actor: User,
    starts_at: datetime,
    ends_at: datetime,
    session_format: str,
    capacity: int,
    language: str,
    place: Mapping[str, str] | None = None,
    link: str = "",
    trainer: User | None = None,
    session: Session | None = None,
) -> Session:
    """Create or change a session; more places promote people from the waiting list."""
    organisation = module.programme.organisation
    if module.programme.status == ProgrammeStatus.CLOSED:
        raise CapacityError(_("A finished programme cannot change."))
    if ends_at <= starts_at:
        raise CapacityError(_("The session must end after it starts."), 422, "ends_at")
    if capacity < 1:
        raise CapacityError(_("A session needs at least one place."), 422, "capacity")
    if session_format not in SessionFormat.values:
        raise CapacityError(_("Choose the format."), 422, "format")
    if session_format in (SessionFormat.ONLINE, SessionFormat.HYBRID) and not link:
        raise CapacityError(_("An online or hybrid session needs a link."), 422, "link")
    if session_format in (SessionFormat.IN_PERSON, SessionFormat.HYBRID) and not any(
        (v or "").strip() for v in (place or {}).values()
    ):
        raise CapacityError(_("A session in person needs a place."), 422, "place")
    if (
        trainer is not None
        and not Membership.objects.filter(user=trainer, organisation=organisation).exists()
    ):
        raise CapacityError(_("The trainer must be a member of the city."), 422, "trainer")
    fields = ["starts_at", "ends_at", "format", "capacity", "language", "link", "trainer"]
    fields += field_names("place")
    with transaction.atomic():
        creating = session is None
        if session is None:
            session = Session(organisation=organisation, module=module)
        else:
            session = Session.objects.select_for_update().get(pk=session.pk)
        before = {} if creating else audit.snapshot(session, fields)
        session.starts_at, session.ends_at = starts_at, ends_at
        session.format = session_format
        session.capacity, session.language, session.link = capacity, language, link
        session.trainer = trainer
        set_translations(session, "place", place or {})
        session.save()
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create" if creating else "update",
            obj=session,
            changes=audit.diff(before, audit.snapshot(session, fields)),
        )
        promoted = promote_waiting(session)
    for registration in promoted:
        transaction.on_commit(partial(mail.promoted, registration))
    return session


def delete_session(*, session: Session, actor: User) -> None:
    if session.registrations.exclude(status=RegistrationStatus.CANCELLED).exists():
        raise CapacityError(_("People registered for this session: it cannot be deleted."))
    audit.delete(session, actor=actor, organisation=session.organisation)


def promote_waiting(session: Session) -> list[Registration]:
    """Move people from the waiting list into free places, first come first served."""
    taken = session.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    free = session.capacity - taken
    if free <= 0:
        return []
    waiting = list(
        session.registrations.filter(status=RegistrationStatus.WAITING).order_by("queued_at", "id")[
            :free
        ]
    )
    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status"])
    return waiting


def register(*, session: Session, person: User, actor: User) -> Registration:
    """A place in ``session`` for ``person``, or a place on its waiting list when full.

    ``actor`` is the person themselves, or a staff member with ``edit`` registering them
    (that is audited). Refused when the programme is not open, the session has started,
    the person is not in the programme's audience, or is registered already.
    """
    programme = session.module.programme
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise CapacityError(_("This programme is not open for registration."))
    if session.is_past:
        raise CapacityError(_("This session has started already."))
    reason = selectors.not_eligible(programme, person)
    if reason:
        raise CapacityError(reason, 403)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        existing = locked.registrations.filter(person=person).first()
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            raise CapacityError(
                _("%(person)s is registered already.") % {"person": person}
                if actor != person
                else _("You are registered already.")
            )
        taken = locked.registrations.filter(status=RegistrationStatus.REGISTERED).count()
        status = (
            RegistrationStatus.REGISTERED if taken < locked.capacity else RegistrationStatus.WAITING
        )
        registration = existing or Registration(session=locked, person=person)
        registration.status = status
        registration.queued_at = timezone.now()
        registration.registered_by = actor
        registration.attended = None
        registration.save()
        if actor != person:
            audit.record(
                actor=actor,
                organisation=locked.organisation,
                action="register",
                obj=locked,
                changes={"registration": registration.pk, "status": status},
            )
    transaction.on_commit(lambda: mail.registration(registration))
    return registration


def cancel_registration(*, registration: Registration, actor: User) -> Registration:
    """Give a place up; the first person waiting takes it and is told by e-mail."""
    if registration.status == RegistrationStatus.CANCELLED:
        raise CapacityError(_("This registration is cancelled already."))
    if registration.attended:
        raise CapacityError(_("Attendance was recorded: the registration stays."))
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=registration.session_id)
        registration.refresh_from_db()
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
        if actor != registration.person:
            audit.record(
                actor=actor,
                organisation=session.organisation,
                action="cancel",
                obj=session,
                changes={"registration": registration.pk},
            )
        promoted = promote_waiting(session)
    for promoted_registration in promoted:
        transaction.on_commit(partial(mail.promoted, promoted_registration))
    return registration
