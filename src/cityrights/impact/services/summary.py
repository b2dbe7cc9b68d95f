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

from ..models import SUMMARY_TEXTS, ImpactAssessment, PublicSummary
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


def _texts(
    assessment: ImpactAssessment, text: str | Mapping[str, str], field: str = "text"
) -> dict[str, str]:
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
            field,
        )
    return {code: (value or "").strip() for code, value in values.items()}


def save_summary(
    assessment: ImpactAssessment,
    actor: User,
    text: str | Mapping[str, str],
    title: str | Mapping[str, str] | None = None,
) -> PublicSummary:
    """Write or change the summary; a change withdraws approval and publication.

    ``text`` and ``title`` are ``{language: text}`` (the form: one box per city language) or
    one text in the city's first language. Languages they do not name keep their text; a
    summary given no title at all is titled with the assessment's working title in the
    city's first language.
    """
    held = held_capabilities(actor, assessment)
    if not {"edit", "review"} & held:
        raise ImpactError(_("Your role does not allow this change."), 403)
    values = _texts(assessment, text)
    titles = _texts(assessment, title, "title") if title is not None else {}
    with transaction.atomic():
        summary = PublicSummary.objects.filter(assessment=assessment).first()
        before = {name: translations(summary, name) if summary else {} for name in SUMMARY_TEXTS}
        if summary is None:
            summary = PublicSummary(assessment=assessment)
        set_translations(summary, "text", values)
        set_translations(summary, "title", titles)
        if not translations(summary, "title"):
            first = assessment.organisation.content_languages[0]
            set_translations(summary, "title", {first: assessment.title[:200]})
        after = {name: translations(summary, name) for name in SUMMARY_TEXTS}
        if not after["text"]:
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
                "text_changed": before["text"] != after["text"],
                "title_changed": before["title"] != after["title"],
                "languages_changed": sorted(
                    {
                        code
                        for name in SUMMARY_TEXTS
                        for code in {*before[name], *after[name]}
                        if before[name].get(code) != after[name].get(code)
                    }
                ),
                "withdrawn_from_public": was_public and changed,
            },
        )
    return summary


def summary_gaps(summary: PublicSummary) -> list[str]:
    """The city's languages the summary has no title or no text in yet, in the city's order."""
    languages = summary.assessment.organisation.content_languages
    missing = {
        code
        for gaps in missing_languages(summary, SUMMARY_TEXTS, languages).values()
        for code in gaps
    }
    return [code for code in languages if code in missing]


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
