"""The reasons a consent check gives, in the reader's words.

The check's answer to a partner (the API, and the access-log row written with it) keeps its
reason in fixed English words, which partners' software may compare and which the API
documents. A resident reading who checked their consent reads the same reason in their own
language: :func:`reason_label` translates the fixed reasons and rebuilds the two that name a
term, with the term's label in the reader's language.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import terms

_FIXED = {
    "consent given": gettext_lazy("consent given"),
    "consent withdrawn": gettext_lazy("consent withdrawn"),
    "consent expired": gettext_lazy("consent expired"),
    "no consent on record": gettext_lazy("no consent on record"),
    "the consent given does not cover this purpose": gettext_lazy(
        "the consent given does not cover this purpose"
    ),
    "the agreement has no published terms": gettext_lazy("the agreement has no published terms"),
    "the purpose is not covered by the agreement": gettext_lazy(
        "the purpose is not covered by the agreement"
    ),
    "the agreement has ended": gettext_lazy("the agreement has ended"),
}
_CATEGORY = re.compile(r"data category (?P<iri>\S+) is not covered by the agreement")
_BASIS = re.compile(r"processing rests on (?P<basis>.+), not on consent", re.DOTALL)


def reason_label(reason: str, legal_basis: str = "") -> str:
    """``reason`` in the active language; ``legal_basis`` (the agreement's IRI) names the
    basis in that language too. A reason this module does not know is shown as it is."""
    fixed = _FIXED.get(reason)
    if fixed is not None:
        return str(fixed)
    if found := _CATEGORY.fullmatch(reason):
        return _("the data category “%(category)s” is not covered by the agreement") % {
            "category": terms.label(found["iri"])
        }
    if found := _BASIS.fullmatch(reason):
        basis = terms.label(legal_basis) if legal_basis else found["basis"]
        return _("processing rests on %(basis)s, not on consent") % {"basis": basis}
    return reason
