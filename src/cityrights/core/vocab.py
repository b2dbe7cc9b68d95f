"""A curated slice of the W3C Data Privacy Vocabulary (DPV 2), with our own plain-language labels.

Why a curated list instead of loading the whole vocabulary: DPV holds hundreds of purposes and
personal-data categories, most of them irrelevant to a city. Editors and residents need a short,
understandable list; partners and exports need stable IRIs. Every IRI exists in DPV 2.0
(namespaces ``https://w3id.org/dpv#``, ``https://w3id.org/dpv/pd#`` and the GDPR extension
``https://w3id.org/dpv/legal/eu/gdpr#``). The labels and explanations are written for this project
in plain language; they are not the DPV definitions.

The terms are content, not code: ``content/dpv.yaml`` holds them with their labels and
explanations in every language, read once at import with the loader every content file
uses (:mod:`cityrights.core.datafiles`), so a broken file names its line and the
translation-completeness test covers it like the other content files.

The register and the consent apps share this module, so a purpose means the same thing in a
register entry, a processing agreement and a consent receipt.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import jsonschema
from django.utils.translation import gettext, gettext_lazy

from cityrights.core.datafiles import (
    LANGUAGE_TAG,
    DataFileError,
    Problem,
    locate_lines,
    read_yaml,
    schema_problems,
)

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
EU_GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"

#: Prefixes used for compact ids (CURIEs), also handy for Turtle and JSON-LD contexts.
PREFIXES: Mapping[str, str] = MappingProxyType({"dpv": DPV, "pd": PD, "eu-gdpr": EU_GDPR})

#: Languages every term carries a label in.
LANGUAGES: tuple[str, ...] = ("en", "fr", "nl")
DEFAULT_LANGUAGE = "en"

TermKind = Literal["purpose", "data_category", "legal_basis"]
KINDS: tuple[TermKind, ...] = ("purpose", "data_category", "legal_basis")

_KIND_NAMES: Mapping[str, Any] = MappingProxyType(
    {
        "purpose": gettext_lazy("a purpose"),
        "data_category": gettext_lazy("a personal-data category"),
        "legal_basis": gettext_lazy("a legal basis"),
    }
)
#: "… is not a purpose", a whole sentence per kind (``None``: any kind), so that each
#: language can say it in its own grammar.
_NOT_OF_KIND: Mapping[str | None, Any] = MappingProxyType(
    {
        "purpose": gettext_lazy("“%(value)s” is not a purpose."),
        "data_category": gettext_lazy("“%(value)s” is not a personal-data category."),
        "legal_basis": gettext_lazy("“%(value)s” is not a legal basis."),
        None: gettext_lazy("“%(value)s” is not a known DPV term."),
    }
)


class UnknownTermError(LookupError):
    """Raised when a value is not one of our curated DPV terms (or not of the expected kind).

    ``suggestion`` holds the compact id of a close match when there is one, so forms and the
    bulk importer can say "did you mean ...?".
    """

    def __init__(self, value: str, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.value = value
        self.suggestion = suggestion
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Term:
    """One DPV concept as we present it: stable IRI, compact id, our labels and explanation.

    ``labels`` is excluded from equality and hashing (a mapping is not hashable); two terms are
    the same term when their IRIs are the same.
    """

    iri: str
    curie: str
    labels: Mapping[str, str] = field(compare=False, hash=False, repr=False)
    explanation: str = field(compare=False, hash=False, repr=False)
    kind: TermKind = "purpose"
    #: GDPR article 9 data (health, biometrics, beliefs ...): stricter rules apply.
    special_category: bool = False
    #: GDPR article 10 data (criminal convictions and offences).
    criminal_offence: bool = False
    #: ``explanation`` in every language (``explanation`` itself is the English one).
    explanations: Mapping[str, str] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def sensitive(self) -> bool:
        """True for data that needs extra protection: special categories and criminal data."""
        return self.special_category or self.criminal_offence

    @property
    def local_name(self) -> str:
        """The part of the IRI after the namespace, e.g. ``ServiceProvision``."""
        return self.curie.split(":", 1)[1]


# --------------------------------------------------------------------------------------
# The terms, read from content/dpv.yaml
# --------------------------------------------------------------------------------------

VOCABULARY_FILE = Path(__file__).resolve().parent / "content" / "dpv.yaml"
"""Where the curated terms, their labels and explanations live (human text is content)."""

_SECTIONS: Mapping[str, TermKind] = MappingProxyType(
    {"purposes": "purpose", "data_categories": "data_category", "legal_bases": "legal_basis"}
)
_TEXT: dict[str, Any] = {
    "type": "object",
    "required": ["en"],
    "propertyNames": {"pattern": LANGUAGE_TAG.pattern},
    "additionalProperties": {"type": "string", "minLength": 1},
}
_TERM: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "label", "explanation"],
    "properties": {
        "id": {"type": "string", "pattern": r"^(dpv|pd|eu-gdpr):[A-Za-z][A-Za-z0-9-]*$"},
        "label": _TEXT,
        "explanation": _TEXT,
        "special_category": {"type": "boolean"},
        "criminal_offence": {"type": "boolean"},
    },
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": list(_SECTIONS),
    "properties": {section: {"type": "array", "items": _TERM} for section in _SECTIONS},
}


class VocabularyError(DataFileError):
    """The vocabulary file is broken; the message names the file, key path and line."""

    noun = "vocabulary"


def load_terms(path: Path = VOCABULARY_FILE) -> dict[TermKind, tuple[Term, ...]]:
    """Read and check the vocabulary file; the terms of each kind in file order.

    Raises :class:`VocabularyError` for a schema problem, a duplicated id, or a GDPR flag
    on a term that is not a personal-data category.
    """
    source = str(path)
    content = path.read_text(encoding="utf-8")
    data = read_yaml(source, content, VocabularyError)
    if not isinstance(data, Mapping):
        raise VocabularyError(source, [Problem("", "the file must contain a mapping", 1)])
    problems = schema_problems(jsonschema.Draft202012Validator(SCHEMA), data)
    if not problems:
        problems = _semantic_problems(data)
    if problems:
        raise VocabularyError(source, locate_lines(content, problems))
    return {
        kind: tuple(_term(item, kind) for item in data[section])
        for section, kind in _SECTIONS.items()
    }


def _semantic_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for section, kind in _SECTIONS.items():
        for index, item in enumerate(data[section]):
            where = f"{section}[{index}]"
            if item["id"] in seen:
                problems.append(
                    Problem(f"{where}.id", f"duplicated id {item['id']!r} (see {seen[item['id']]})")
                )
            seen.setdefault(item["id"], where)
            for flag in ("special_category", "criminal_offence"):
                if item.get(flag) and kind != "data_category":
                    problems.append(
                        Problem(f"{where}.{flag}", "only personal-data categories carry this flag")
                    )
    return problems


def _term(item: Mapping[str, Any], kind: TermKind) -> Term:
    prefix, local = item["id"].split(":", 1)
    return Term(
        iri=PREFIXES[prefix] + local,
        curie=item["id"],
        labels=MappingProxyType(dict(item["label"])),
        explanation=item["explanation"][DEFAULT_LANGUAGE],
        kind=kind,
        special_category=bool(item.get("special_category")),
        criminal_offence=bool(item.get("criminal_offence")),
        explanations=MappingProxyType(dict(item["explanation"])),
    )


_TERMS = load_terms()
PURPOSES: tuple[Term, ...] = _TERMS["purpose"]
DATA_CATEGORIES: tuple[Term, ...] = _TERMS["data_category"]
LEGAL_BASES: tuple[Term, ...] = _TERMS["legal_basis"]

#: Legal bases under which a resident can grant and withdraw (the consent app toggles only these).
CONSENT_BASES: frozenset[str] = frozenset({DPV + "Consent", EU_GDPR + "A6-1-a", EU_GDPR + "A9-2-a"})

ALL_TERMS: tuple[Term, ...] = PURPOSES + DATA_CATEGORIES + LEGAL_BASES

_BY_KEY: dict[str, Term] = {}
for _t in ALL_TERMS:
    _BY_KEY[_t.iri] = _t
    _BY_KEY[_t.curie] = _t
_BY_FOLDED: dict[str, Term] = {key.casefold(): term for key, term in _BY_KEY.items()}
_BY_KIND: dict[str, tuple[Term, ...]] = {
    "purpose": PURPOSES,
    "data_category": DATA_CATEGORIES,
    "legal_basis": LEGAL_BASES,
}
_KIND_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "purpose": "purpose",
        "purposes": "purpose",
        "data_category": "data_category",
        "data_categories": "data_category",
        "legal_basis": "legal_basis",
        "legal_bases": "legal_basis",
    }
)


def normalise_kind(kind: str) -> TermKind:
    """Accept singular or plural kind names (``purposes`` or ``purpose``); reject others."""
    try:
        return _KIND_ALIASES[kind]  # type: ignore[return-value]
    except KeyError:
        raise ValueError(f"Unknown vocabulary kind {kind!r}; use one of {KINDS}.") from None


def terms(kind: str) -> tuple[Term, ...]:
    """All terms of one kind, in curated order."""
    return _BY_KIND[normalise_kind(kind)]


def _suggest(value: str, pool: Iterable[Term]) -> str | None:
    """Closest compact id, comparing with and without prefix so 'ServiceProvison' also matches."""
    candidates: dict[str, str] = {}
    for term in pool:
        candidates[term.curie.casefold()] = term.curie
        candidates[term.local_name.casefold()] = term.curie
        candidates[term.iri.casefold()] = term.curie
    matches = difflib.get_close_matches(value.casefold(), list(candidates), n=1, cutoff=0.6)
    return candidates[matches[0]] if matches else None


def did_you_mean(suggestion: str) -> str:
    """`` Did you mean “…”?``, to follow a refusal that found a close match (the vocabulary's,
    the register importer's)."""
    return " " + gettext("Did you mean “%(value)s”?") % {"value": suggestion}


def get_term(iri_or_curie: str, kind: str | None = None) -> Term:
    """Look a term up by full IRI or compact id (case-insensitive as a fallback).

    With ``kind`` the term must also be of that kind, so a purpose typed into a legal-basis field
    is refused with a message that says what it is instead. Raises ``UnknownTermError``.
    """
    value = (iri_or_curie or "").strip()
    wanted = normalise_kind(kind) if kind else None
    term = _BY_KEY.get(value) or _BY_FOLDED.get(value.casefold())
    if term is None:
        pool = _BY_KIND[wanted] if wanted else ALL_TERMS
        suggestion = _suggest(value, pool) if value else None
        message = str(_NOT_OF_KIND[wanted]) % {"value": value}
        if not value:
            message = gettext(
                "Empty value: expected a DPV IRI or compact id such as “dpv:ServiceProvision”."
            )
        elif suggestion:
            message += did_you_mean(suggestion)
        raise UnknownTermError(value, message, suggestion)
    if wanted and term.kind != wanted:
        raise UnknownTermError(
            value,
            gettext("“%(term)s” is %(kind)s; this field takes %(wanted)s.")
            % {"term": term.curie, "kind": _KIND_NAMES[term.kind], "wanted": _KIND_NAMES[wanted]},
            None,
        )
    return term


def is_known(iri_or_curie: str, kind: str | None = None) -> bool:
    """True when ``get_term`` would succeed; for quick filters that must not raise."""
    try:
        get_term(iri_or_curie, kind)
    except UnknownTermError:
        return False
    return True


def _language(lang: str | None) -> str:
    """Reduce 'fr-BE' or 'nl_NL' to a language we have labels for; default to English."""
    base = (lang or DEFAULT_LANGUAGE).replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def label(term: Term | str, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """Our plain-language label for a term (or IRI/CURIE) in ``lang``, falling back to English."""
    resolved = get_term(term) if isinstance(term, str) else term
    return resolved.labels.get(_language(lang)) or resolved.labels[DEFAULT_LANGUAGE]


def explanation(term: Term | str, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """Our one-sentence explanation of a term in ``lang``, falling back to English."""
    resolved = get_term(term) if isinstance(term, str) else term
    return resolved.explanations.get(_language(lang)) or resolved.explanation


def labels_for(values: Iterable[str], lang: str | None = DEFAULT_LANGUAGE) -> list[str]:
    """Labels for several IRIs, in the given order; used by exports and templates."""
    return [label(value, lang) for value in values]


def choices(kind: str, lang: str | None = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """``(iri, label)`` pairs for a Django ChoiceField, sorted by label in that language."""
    pairs = [(term.iri, label(term, lang)) for term in terms(kind)]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def is_consent(legal_basis: str) -> bool:
    """True when a resident may grant and withdraw under this legal basis.

    Raises ``UnknownTermError`` for values that are not legal bases: a stored agreement with an
    unknown basis is a data error that must surface, not be treated as "not consent".
    """
    return get_term(legal_basis, "legal_basis").iri in CONSENT_BASES


def is_special_category(data_category: str) -> bool:
    """True for GDPR article 9 data; raises ``UnknownTermError`` for unknown categories."""
    return get_term(data_category, "data_category").special_category


def compact(iri: str) -> str:
    """The compact id for an IRI in one of our namespaces (even if not curated), else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
