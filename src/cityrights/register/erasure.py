"""What becomes of a resident's questions about register entries when they delete their
account (``core.registry.add_account_eraser``, run by ``core.accounts.delete_account``).

A question is not linked to an account: a resident may leave an e-mail address only to
get an answer. The questions asked with the account's address keep their text, status and
the staff's answer (the city's queue and the annual report count them), and lose the
address, so nothing more is sent to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Question

if TYPE_CHECKING:
    from cityrights.core.models import User


def erase_account(user: User) -> bool:
    """Drop the account's address from every question that gave it; True if any did."""
    email = (user.email or "").strip()
    if not email:
        return False
    return bool(Question.objects.filter(contact_email__iexact=email).update(contact_email=""))
