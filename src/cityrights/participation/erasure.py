"""What becomes of a person's contributions when they delete their account.

Registered with ``core.registry.add_account_eraser`` and run by
``core.accounts.delete_account`` inside the deletion's transaction.

A consultation's record must stay whole: the city answers every comment in its response
document, and the count of answers is part of the consultation's result. So what the person
*wrote* stays, and what *identifies* them goes:

* comments and replies keep their text, passage, language and outcome; the author is
  detached, the name shown is emptied (pages then say "Resident") and any e-mail address
  dropped. A comment made on behalf of an organisation keeps the organisation's name,
  which is the organisation's and not the person's;
* supports go (one per person and comment; the comment's count is recounted), reports keep
  their reason for the moderators' record without the reporter;
* answers to the open questions stay, detached from the account and any address;
* comments and answers left without an account under the same e-mail address lose it, so
  no later message (the response's notice, a confirmation) reaches the person.

The voluntary "who took part" answers were never linked to the account (a keyed hash only
stops a second answer), so there is nothing to erase there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .models import Comment, Report, Submission, Support

if TYPE_CHECKING:
    from cityrights.core.models import User


def erase_account(user: User) -> bool:
    """Detach ``user`` from their contributions and drop their address; True if any."""
    email = (user.email or "").strip()
    with transaction.atomic():
        changed = Comment.objects.filter(author=user).update(author=None, author_name="", email="")
        supported = list(Support.objects.filter(user=user).values_list("comment_id", flat=True))
        if supported:
            Support.objects.filter(user=user).delete()
            recount = (
                Support.objects.filter(comment=OuterRef("pk"))
                .values("comment")
                .annotate(n=Count("pk"))
                .values("n")
            )
            Comment.objects.filter(pk__in=supported).update(
                support_count=Coalesce(Subquery(recount), 0)
            )
        changed += Report.objects.filter(reporter=user).update(reporter=None)
        changed += Submission.objects.filter(user=user).update(user=None, email="")
        if email:
            changed += Comment.objects.filter(email__iexact=email).update(email="")
            changed += Submission.objects.filter(email__iexact=email).update(email="")
    return bool(changed or supported)
