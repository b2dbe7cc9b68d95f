"""Procurement: the checklist a purchase of technology goes through."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from cityrights.core import audit
from cityrights.core.translation import (
    field_names,
    interface_languages,
    language_name,
    set_translations,
    translations,
)

from .. import content
from ..models import Procurement, ProcurementChecklistVersion
from .refusals import ImpactError
from .template_files import latest_checklist

if TYPE_CHECKING:
    from cityrights.core.models import Organisation, User


def validate_procurement_answers(
    checklist: ProcurementChecklistVersion,
    answers: Mapping[str, Any],
    languages: Sequence[str] = (),
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Clean per-requirement answers ``{"included": bool, "reasons": {language: text}}``; a
    requirement left out needs its reason in the city's first language (``languages[0]``,
    or any language when none is given)."""
    cleaned: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    keys = {req.key for req in content.requirements_of(checklist.checklist)}
    codes = interface_languages()
    for key in sorted(set(answers) - keys):
        errors[key] = _("Unknown requirement.")
    for key in keys:
        item = answers.get(key)
        if item is None:
            continue
        included = item.get("included")
        given = item.get("reasons") or {}
        if not isinstance(given, Mapping) or set(given) - set(codes):
            errors[key] = _("Give the reasons per language (%(languages)s).") % {
                "languages": ", ".join(codes)
            }
            continue
        reasons = {code: str(text).strip() for code, text in given.items() if str(text).strip()}
        if included in (None, ""):
            continue
        if included not in (True, False):
            errors[key] = _("Answer yes or no.")
            continue
        first = languages[0] if languages else None
        if not included and (not reasons or (first is not None and first not in reasons)):
            errors[key] = _("Say why this requirement was not included.")
            continue
        cleaned[key] = {"included": included, "reasons": reasons}
    return cleaned, errors


def _tender_names(
    details: Mapping[str, Any], procurement: Procurement | None, languages: Sequence[str]
) -> dict[str, str]:
    """The tender's name per language from ``details`` (a text alone is the city's first
    language); without one, an existing procurement keeps its names."""
    given = details.get("tender")
    if given is None:
        return translations(procurement, "tender") if procurement is not None else {}
    if isinstance(given, str):
        given = {languages[0]: given}
    return {code: str(text).strip() for code, text in given.items() if str(text or "").strip()}


def save_procurement(
    organisation: Organisation,
    actor: User,
    *,
    procurement: Procurement | None = None,
    details: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> Procurement:
    checklist = procurement.checklist if procurement else latest_checklist()
    languages = organisation.content_languages
    cleaned, errors = validate_procurement_answers(checklist, answers, languages)
    names = _tender_names(details, procurement, languages)
    if not names.get(languages[0]):
        raise ImpactError(
            _("Give the tender's name in %(language)s.")
            % {"language": language_name(languages[0])},
            422,
            "tender",
        )
    if errors:
        key, message = next(iter(errors.items()))
        raise ImpactError(message, 422, key)
    with transaction.atomic():
        created = procurement is None
        if procurement is None:
            procurement = Procurement(
                organisation=organisation, checklist=checklist, created_by=actor
            )
        fields = [*field_names("tender"), "reference", "department", "public", "entry", "answers"]
        before = {} if created else audit.snapshot(procurement, fields)
        for name, value in details.items():
            if name != "tender":
                setattr(procurement, name, value)
        set_translations(procurement, "tender", {code: names.get(code, "") for code in languages})
        procurement.answers = cleaned
        procurement.save()
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create" if created else "update",
            obj=procurement,
            changes=audit.diff(before, audit.snapshot(procurement, fields)),
        )
    return procurement
