"""What each audit action code means, in words for the people who read the log.

Apps record short codes (``create``, ``start_review``) because programs filter on them; the
dashboard and the audit log show these words instead. A code without words here (an app that
adds a new action) is shown with its underscores as spaces until it gets some.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

ACTION_WORDS: dict[str, Promise] = {
    "create": pgettext_lazy("audit action", "created"),
    "update": pgettext_lazy("audit action", "changed"),
    "delete": pgettext_lazy("audit action", "deleted"),
    "publish": pgettext_lazy("audit action", "published"),
    "unpublish": pgettext_lazy("audit action", "unpublished"),
    "import": pgettext_lazy("audit action", "imported"),
    "load": pgettext_lazy("audit action", "loaded"),
    "revoke": pgettext_lazy("audit action", "revoked"),
    "close": pgettext_lazy("audit action", "closed"),
    "open": pgettext_lazy("audit action", "opened"),
    "attendance": pgettext_lazy("audit action", "recorded attendance"),
    "answer": pgettext_lazy("audit action", "answered"),
    "share": pgettext_lazy("audit action", "shared"),
    "unshare": pgettext_lazy("audit action", "stopped sharing"),
    "assign": pgettext_lazy("audit action", "assigned"),
    "unassign": pgettext_lazy("audit action", "unassigned"),
    "submit": pgettext_lazy("audit action", "submitted"),
    "withdraw": pgettext_lazy("audit action", "withdrew"),
    "send_back": pgettext_lazy("audit action", "sent back"),
    "return": pgettext_lazy("audit action", "sent back"),
    "start_review": pgettext_lazy("audit action", "started the review"),
    "decide": pgettext_lazy("audit action", "decided"),
    "reopen": pgettext_lazy("audit action", "reopened"),
    "validate": pgettext_lazy("audit action", "validated"),
    "approve": pgettext_lazy("audit action", "approved"),
    "screen": pgettext_lazy("audit action", "screened"),
    "revise": pgettext_lazy("audit action", "started a revision"),
    "retry": pgettext_lazy("audit action", "retried"),
    "retire": pgettext_lazy("audit action", "withdrew from the register"),
    "restore": pgettext_lazy("audit action", "restored"),
    "resolve": pgettext_lazy("audit action", "resolved"),
    "register": pgettext_lazy("audit action", "registered"),
    "phase": pgettext_lazy("audit action", "moved to another phase"),
    "outcome": pgettext_lazy("audit action", "recorded the outcome"),
    "measure": pgettext_lazy("audit action", "recorded a measurement"),
    "link": pgettext_lazy("audit action", "linked"),
    "hide": pgettext_lazy("audit action", "hid"),
    "dismiss": pgettext_lazy("audit action", "dismissed"),
    "comment": pgettext_lazy("audit action", "commented"),
    "checkpoint": pgettext_lazy("audit action", "signed a checkpoint"),
    "certificates": pgettext_lazy("audit action", "issued certificates"),
    "cancel": pgettext_lazy("audit action", "cancelled"),
    "adopt": pgettext_lazy("audit action", "adopted"),
    "paper-consent": pgettext_lazy("audit action", "recorded a consent on paper"),
}


def action_label(code: str) -> str:
    """The words for an audit action ``code``."""
    words = ACTION_WORDS.get(code)
    return str(words) if words is not None else code.replace("_", " ").replace("-", " ")
