"""What becomes of a person's training records when they delete their account.

Registered with ``core.registry.add_account_eraser`` and run by
``core.accounts.delete_account`` inside the deletion's transaction.

* **Registrations and attendance** go. A place the person held in a session that has not
  started goes to the first person waiting, who is told by e-mail, exactly as when someone
  cancels. The city's live figures then count the person no more; an annual report already
  published keeps its frozen figures.
* **Self-ratings and survey answers** were anonymous from the start (who rated or answered
  is kept apart from what, with no time), so they stay in the results. The rows saying
  *that* the person rated go; the rows saying that someone answered a survey round lose
  the person and stay, so the round's response rate does not change.
* **Certificates stay, without the name.** The city counts the certificates it issued, and
  the holder may still show a printed copy or a downloaded credential to someone. So the
  certificate keeps its code, programme, kind, date and status, and a code typed on
  ``/v/<code>`` still says whether it is valid; but the city no longer keeps the name, the
  link to the account or the signed credential (which names the person and carries a
  salted hash of their e-mail address). The verification page says the name is not kept;
  a credential the holder downloaded still verifies by its signature and names them
  itself. The city cannot print or download such a certificate again, nor re-issue it.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from . import mail
from .models import (
    Certificate,
    EvaluationGiven,
    Registration,
    RegistrationStatus,
    Session,
    SurveyParticipation,
)
from .services import promote_waiting

if TYPE_CHECKING:
    from cityrights.core.models import User


def erase_account(user: User) -> bool:
    """Remove ``user``'s registrations, free their places, keep certificates unnamed."""
    with transaction.atomic():
        places = list(
            Registration.objects.filter(
                person=user,
                status=RegistrationStatus.REGISTERED,
                session__starts_at__gt=timezone.now(),
            ).values_list("session_id", flat=True)
        )
        removed, _ = Registration.objects.filter(person=user).delete()
        promoted: list[Registration] = []
        for session in Session.objects.select_for_update().filter(pk__in=places).order_by("pk"):
            promoted += promote_waiting(session)
        for registration in promoted:
            transaction.on_commit(partial(mail.promoted, registration))
        removed += EvaluationGiven.objects.filter(person=user).delete()[0]
        removed += SurveyParticipation.objects.filter(person=user).update(person=None)
        removed += Certificate.objects.filter(person=user).update(
            person=None, recipient_name="", credential=""
        )
    return bool(removed)
