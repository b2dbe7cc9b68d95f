"""How long the addresses of people who take part without an account are kept.

Anonymous participants leave an e-mail address for two reasons only: to confirm their
comment or answers (the link), and to be told when the city publishes its response to the
consultation. So:

* once the response has been published for ``CITYRIGHTS_PARTICIPATION_EMAIL_DAYS`` days
  (30 by default: time for a bounce or a question about the notice), every address left in
  that consultation, on comments and on answers, is emptied. The contributions stay, and
  so do the names people chose to show;
* a contribution whose link was not opened within the same number of days never counted
  and never will: it goes, with its address.

``cityrights forget-participant-emails`` applies both rules; run it daily from cron.
Addresses of people with an account are not stored here at all (the account's is used),
and go when the account goes (``participation.erasure``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Comment, CommentStatus, Submission


@dataclass(frozen=True)
class Forgotten:
    addresses: int  # contributions whose address was emptied
    unconfirmed: int  # contributions never confirmed, removed


def cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.CITYRIGHTS_PARTICIPATION_EMAIL_DAYS)


def forget_emails(*, now: datetime | None = None) -> Forgotten:
    """Apply the retention rule above to every city; idempotent."""
    before = cutoff(now)
    answered = {"consultation__response__published_at__lt": before}
    with transaction.atomic():
        unconfirmed = (
            Comment.objects.filter(
                status=CommentStatus.PENDING, author__isnull=True, created_at__lt=before
            )
            .delete()[1]
            .get("participation.Comment", 0)
        )
        unconfirmed += (
            Submission.objects.filter(is_counted=False, user__isnull=True, created_at__lt=before)
            .delete()[1]
            .get("participation.Submission", 0)
        )
        addresses = Comment.objects.filter(**answered).exclude(email="").update(email="")
        addresses += Submission.objects.filter(**answered).exclude(email="").update(email="")
    return Forgotten(addresses=addresses, unconfirmed=unconfirmed)
