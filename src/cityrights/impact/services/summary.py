"""The public summary: written by the project, approved by a reviewer, published.

Whoever wrote or changed the summary of a decision, and whoever took part in the version
decided, may not approve it (separation of duties); the person who decided may.

The summary is written in each of the city's languages. Before publishing, the reviewer
sees which languages are still missing (:func:`summary_gaps`) and confirms that list:
publishing goes ahead only when the confirmation names what is missing at that moment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit, duties
from cityrights.core.translation import (
    interface_languages,
    missing_languages,
    set_translations,
    translations,
)

from ..models import ImpactAssessment, PublicSummary
from .refusals import (
    ImpactError,
    decision_version,
    held_capabilities,
    require_capability,
    require_independent,
    summary_contributors,
    took_part,
)

if TYPE_CHECKING:
    from cityrights.core.models import User


def _texts(assessment: ImpactAssessment, text: str | Mapping[str, str]) -> dict[str, str]:
    """``text`` as ``{language: text}``: one text is the city's first language."""
    values = (
        dict(text)
        if isinstance(text, Mapping)
        else {assessment.organisation.content_languages[0]: text}
    )
    unknown = sorted(code for code in values if code not in interface_languages())
    if unknown:
        raise ImpactError(
            _("Unknown language: %(codes)s. Choose among %(offered)s.")
            % {"codes": ", ".join(unknown), "offered": ", ".join(interface_languages())},
            422,
            "text",
        )
    return {code: (value or "").strip() for code, value in values.items()}


def save_summary(
    assessment: ImpactAssessment, actor: User, text: str | Mapping[str, str]
) -> PublicSummary:
    """Write or change the summary; a change withdraws approval and publication.

    ``text`` is ``{language: text}`` (the form: one box per city language) or one text in
    the city's first language. Languages it does not name keep their text.
    """
    held = held_capabilities(actor, assessment)
    if not {"edit", "review"} & held:
        raise ImpactError(_("Your role does not allow this change."), 403)
    values = _texts(assessment, text)
    with transaction.atomic():
        summary = PublicSummary.objects.filter(assessment=assessment).first()
        before = translations(summary, "text") if summary is not None else {}
        if summary is None:
            summary = PublicSummary(assessment=assessment)
        set_translations(summary, "text", values)
        after = translations(summary, "text")
        if not after:
            raise ImpactError(_("Write the summary."), 422, "text")
        changed = before != after
        was_public = summary.is_public
        summary.written_by = actor
        if changed:
            summary.approved_at = None
            summary.approved_by = None
            summary.published = False
            summary.published_at = None
        summary.save()
        if changed:
            took_part(
                assessment,
                actor,
                duties.Kind.EDITED,
                obj=summary,
                version=decision_version(assessment),
            )
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="update",
            obj=summary,
            changes={
                "text_changed": changed,
                "languages_changed": sorted(
                    code for code in {*before, *after} if before.get(code) != after.get(code)
                ),
                "withdrawn_from_public": was_public and changed,
            },
        )
    return summary


def summary_gaps(summary: PublicSummary) -> list[str]:
    """The city's languages the summary has no text in yet, in the city's order."""
    languages = summary.assessment.organisation.content_languages
    return missing_languages(summary, ["text"], languages).get("text", [])


def gaps_fingerprint(gaps: list[str]) -> str:
    """What the reviewer confirms: the missing languages as they saw them (``fr,nl``)."""
    return ",".join(gaps)


def approve_summary(
    summary: PublicSummary, actor: User, *, publish: bool, missing_seen: str = ""
) -> PublicSummary:
    """A reviewer who took no part approves the summary and, if asked, publishes it.

    When the summary lacks a language of the city, it is published only if ``missing_seen``
    is the :func:`gaps_fingerprint` of what is missing now: the reviewer read the list and
    chose to publish with the city's first language standing in.
    """
    assessment = summary.assessment
    require_capability(actor, assessment, "review")
    if not assessment.is_decided:
        raise ImpactError(_("A summary can be approved once the assessment is decided."), 409)
    require_independent(actor, summary_contributors(assessment), _("approve the summary"))
    gaps = summary_gaps(summary)
    if publish and gaps and missing_seen != gaps_fingerprint(gaps):
        raise ImpactError(
            _(
                "The summary is not written in every language of the city yet. Check the "
                "list of missing translations and confirm that you publish without them."
            ),
            422,
            "missing_seen",
            code="missing_translations",
        )
    with transaction.atomic():
        now = timezone.now()
        summary.approved_by = actor
        summary.approved_at = summary.approved_at or now
        summary.published = publish
        summary.published_at = now if publish else None
        summary.save()
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="publish" if publish else "approve",
            obj=summary,
            changes={"published": publish},
        )
    return summary


def unpublish_summary(summary: PublicSummary, actor: User) -> PublicSummary:
    require_capability(actor, summary.assessment, "review")
    with transaction.atomic():
        summary.published = False
        summary.published_at = None
        summary.save(update_fields=["published", "published_at", "updated_at"])
        audit.record(
            actor=actor,
            organisation=summary.assessment.organisation,
            action="unpublish",
            obj=summary,
            changes={"published": False},
        )
    return summary
