"""Validate and label the multi-valued fields of an entry: DPV terms and Guide areas.

Every path that writes terms (forms, API, bulk import, demo) goes through :func:`clean_terms`,
so an unknown IRI is refused with the same clear message everywhere and stored IRIs are always
the full, canonical ones from ``core.vocab`` (a compact id like ``dpv:ServiceProvision`` is
accepted and expanded).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cityrights.core import vocab

from .models import Area, TermKind

VOCAB_KINDS = (TermKind.PURPOSE, TermKind.DATA_CATEGORY, TermKind.LEGAL_BASIS)


_AREAS = frozenset(Area.values)


def clean_terms(kind: str, values: Iterable[str]) -> list[str]:
    """Canonical values for ``kind``, in the given order, without duplicates.

    Raises ``ValidationError`` naming every unknown value (with a suggestion when vocab has one).
    """
    cleaned: list[str] = []
    problems: list[str] = []
    for raw in values:
        value = (raw or "").strip()
        if not value:
            continue
        if kind == TermKind.AREA:
            if value not in _AREAS:
                problems.append(
                    _("'%(value)s' is not a thematic area of the Guide (use one of: %(keys)s).")
                    % {"value": value, "keys": ", ".join(Area.values)}
                )
                continue
            canonical = value
        else:
            try:
                canonical = vocab.get_term(value, kind).iri
            except vocab.UnknownTermError as error:
                problems.append(str(error))
                continue
        if canonical not in cleaned:
            cleaned.append(canonical)
    if problems:
        raise ValidationError(problems)
    return cleaned


def term_label(kind: str, value: str, lang: str | None) -> str:
    """A label for a stored value; an IRI that left the curated list shows as its compact id."""
    if kind == TermKind.AREA:
        try:
            return str(Area(value).label)
        except ValueError:
            return value
    try:
        return vocab.label(value, lang)
    except vocab.UnknownTermError:
        return vocab.compact(value)


def choices(kind: str, lang: str | None) -> list[tuple[str, str]]:
    if kind == TermKind.AREA:
        return [(str(value), str(label)) for value, label in Area.choices]
    return vocab.choices(kind, lang)
