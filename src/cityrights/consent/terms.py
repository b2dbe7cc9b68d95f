"""DPV terms (purposes, personal-data categories, legal bases) as the consent app uses them.

A thin adapter over the shared vocabulary :mod:`cityrights.core.vocab`, so the
rest of the app asks its few questions in one way: is this a known purpose,
what is it called in the reader's language, does this legal basis mean
consent. Labels follow the active language; stored values are always IRIs.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.utils.translation import get_language

from cityrights.core import vocab

KINDS = {"purpose": "purpose", "category": "data_category", "legal_basis": "legal_basis"}


@cache
def iris(kind: str) -> frozenset[str]:
    """Every known IRI of a kind (``purpose``, ``category``, ``legal_basis``)."""
    return frozenset(term.iri for term in vocab.terms(KINDS[kind]))


def is_known(kind: str, iri: str) -> bool:
    return iri in iris(kind)


def label(iri: str) -> str:
    """The label in the active language; the IRI's last part for a term nobody curated."""
    try:
        return vocab.label(iri, get_language())
    except vocab.UnknownTermError:
        return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def labels(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(iri, label(iri)) for iri in values]


def choices(kind: str) -> list[tuple[str, str]]:
    """``(iri, label)`` pairs sorted by label, for form fields."""
    return vocab.choices(KINDS[kind], get_language())


def is_consent(legal_basis: str) -> bool:
    """True when residents may grant and withdraw under this legal basis."""
    try:
        return vocab.is_consent(legal_basis)
    except vocab.UnknownTermError:
        return False
