"""Every change to an annual report: draft, texts, figures, approval, publication, correction.

Each function takes keyword arguments, checks the person's capability on the server, owns
its transaction, records an audit event and, for the separation of duties, who took part in
the version (``core.duties``): whoever generated the draft, took the figures again or wrote
a text may not approve it, whatever their role. Refusals are :class:`ReportError`
(``core.errors.ServiceError``), answered the same way by pages, the API and the command.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit, duties, signing
from cityrights.core.errors import ServiceError
from cityrights.core.models import Organisation, User
from cityrights.core.permissions import can
from cityrights.core.translation import (
    current_language,
    interface_languages,
    language_name,
    set_translations,
    translations,
)

from . import content, pdfs
from .models import AnnualReport, ReportStatus, SectionCommentary

#: The longest foreword and commentary a city may write, in characters per language.
MAX_FOREWORD = 20000
MAX_COMMENTARY = 10000
MAX_REASON = 4000


class ReportError(ServiceError):
    """A refused change to an annual report (409 unless the raise says otherwise)."""

    status = 409


def _require(actor: User, organisation: Organisation, capability: str) -> None:
    if not can(actor, organisation, capability):
        raise ReportError(_("Your role does not allow this change."), 403)


def _require_draft(report: AnnualReport) -> None:
    if not report.is_draft:
        raise ReportError(
            _("Only a draft can be changed; this version is %(status)s.")
            % {"status": report.get_status_display().lower()}
        )


def _check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year:
        raise ReportError(
            _("Choose a year between 2000 and %(year)d.") % {"year": this_year}, 422, "year"
        )


def _took_part(report: AnnualReport, actor: User, kind: str) -> None:
    duties.record(
        organisation=report.organisation, obj=report, version=report.version, actor=actor, kind=kind
    )


def _languages(organisation: Organisation) -> list[str]:
    codes = interface_languages()
    return [code for code in organisation.content_languages if code in codes] or [codes[0]]


def _take_figures(report: AnnualReport) -> None:
    report.sections = content.take_sections(
        report.organisation, report.year, _languages(report.organisation)
    )
    report.figures_taken_at = timezone.now()


def open_versions(organisation: Organisation, year: int) -> Any:
    return AnnualReport.objects.filter(organisation=organisation, year=year).exclude(
        status=ReportStatus.PUBLISHED
    )


def generate_draft(*, organisation: Organisation, year: int, actor: User) -> AnnualReport:
    """Start the report of ``year``: a draft with the figures every app gives now."""
    _require(actor, organisation, "edit")
    if not organisation.is_city:
        raise ReportError(_("Only a city publishes an annual report."), 403)
    _check_year(year)
    with transaction.atomic():
        existing = AnnualReport.objects.select_for_update().filter(
            organisation=organisation, year=year
        )
        if existing.filter(status=ReportStatus.PUBLISHED).exists():
            raise ReportError(
                _(
                    "The report of %(year)s is published. To change it, start a correction "
                    "from its page."
                )
                % {"year": year},
                field="year",
            )
        if existing.exists():
            raise ReportError(
                _("A version of the report of %(year)s is already in preparation.")
                % {"year": year},
                field="year",
            )
        report = AnnualReport(organisation=organisation, year=year, version=1, created_by=actor)
        _take_figures(report)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as error:
            raise ReportError(
                _("A version of the report of %(year)s is already in preparation.")
                % {"year": year},
                field="year",
            ) from error
        _took_part(report, actor, duties.Kind.CREATED)
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=report,
            changes={"year": year, "version": 1, "sections": _section_keys(report)},
        )
    return report


def _section_keys(report: AnnualReport) -> list[str]:
    first: list[dict[str, Any]] = next(iter(report.sections.values()), [])
    return [section["key"] for section in first]


def _locked(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update().select_related("organisation").get(pk=report.pk)


def refresh_figures(*, report: AnnualReport, actor: User) -> AnnualReport:
    """Take the figures of a draft again from the records as they are now."""
    _require(actor, report.organisation, "edit")
    with transaction.atomic():
        locked = _locked(report)
        _require_draft(locked)
        before = locked.figures_taken_at
        _take_figures(locked)
        locked.save(update_fields=["sections", "figures_taken_at", "updated_at"])
        _took_part(locked, actor, duties.Kind.EDITED)
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="update",
            obj=locked,
            changes={"figures_taken_at": {"from": before, "to": locked.figures_taken_at}},
        )
    return locked


def _clean_texts(values: Mapping[str, str], limit: int, field: str) -> dict[str, str]:
    codes = interface_languages()
    clean = {}
    for code, text in values.items():
        if code not in codes:
            raise ReportError(
                _("%(code)s is not a language of this site.") % {"code": code}, 422, field
            )
        text = (text or "").strip()
        if len(text) > limit:
            raise ReportError(
                _("A text may hold at most %(n)d characters.") % {"n": limit}, 422, field
            )
        clean[code] = text
    return clean


def update_texts(
    *,
    report: AnnualReport,
    actor: User,
    foreword: Mapping[str, str],
    commentaries: Mapping[str, Mapping[str, str]],
) -> AnnualReport:
    """Write the foreword and the commentaries (``{section key: {language: text}}``)."""
    _require(actor, report.organisation, "edit")
    foreword = _clean_texts(foreword, MAX_FOREWORD, "foreword")
    keys = set(_section_keys(report))
    cleaned = {}
    for key, texts in commentaries.items():
        if key not in keys:
            raise ReportError(
                _("This report has no section %(key)s.") % {"key": key}, 422, "commentary"
            )
        cleaned[key] = _clean_texts(texts, MAX_COMMENTARY, f"commentary_{key}")
    with transaction.atomic():
        locked = _locked(report)
        _require_draft(locked)
        changes: dict[str, Any] = {}
        before = translations(locked, "foreword")
        set_translations(locked, "foreword", foreword)
        after = translations(locked, "foreword")
        if before != after:
            changes["foreword"] = sorted(code for code in set(before) | set(after))
            locked.save()
        for key, texts in cleaned.items():
            commentary = SectionCommentary.objects.filter(report=locked, section=key).first()
            if commentary is None:
                if not any(texts.values()):
                    continue
                commentary = SectionCommentary(report=locked, section=key)
            old = translations(commentary, "text")
            set_translations(commentary, "text", texts)
            if translations(commentary, "text") != old:
                commentary.save()
                changes.setdefault("commentaries", []).append(key)
        if changes:
            _took_part(locked, actor, duties.Kind.EDITED)
            audit.record(
                actor=actor,
                organisation=locked.organisation,
                action="update",
                obj=locked,
                changes=changes,
            )
    return locked


def commentaries_of(report: AnnualReport) -> dict[str, dict[str, str]]:
    return {item.section: translations(item, "text") for item in report.commentaries.all()}


def section_titles(report: AnnualReport) -> dict[str, str]:
    """``{section key: title}`` for messages and forms: in the reader's language when the
    report was drawn up in it, else in the city's first language. (The report keeps its
    sections per city language, as drawn up; a Dutch officer of a French-first city reads
    "Commentaar bij …" followed by the Dutch title, not the French one.)"""
    sections: dict[str, list[dict[str, Any]]] = report.sections
    shown = sections.get(current_language())
    if shown is None:
        shown = next(iter(sections.values()), [])
    return {section["key"]: section["title"] for section in shown}


def missing_translations(report: AnnualReport) -> list[str]:
    """What still lacks a city language before approval, in words (empty when complete)."""
    languages = _languages(report.organisation)
    problems = []
    # Drawn up before the city changed its languages: a version in a language it no longer
    # writes would be published with texts nobody could see or edit on the texts page.
    stale = [code for code in report.sections if code not in languages]
    if stale:
        problems.append(
            _(
                "The report was drawn up in %(languages)s, which the city no longer writes in: "
                "take the figures again."
            )
            % {"languages": ", ".join(language_name(code) for code in stale)}
        )
    foreword = translations(report, "foreword")
    if not foreword:
        problems.append(_("The foreword is empty."))
    titles = section_titles(report)
    texts_to_check = [(_("The foreword"), foreword)] + [
        (_("The commentary on “%(section)s”") % {"section": titles.get(key, key)}, texts)
        for key, texts in sorted(commentaries_of(report).items())
    ]
    if report.version > 1:
        texts_to_check.append(
            (_("The reason for the correction"), translations(report, "correction_reason"))
        )
    for label, texts in texts_to_check:
        if not texts:
            continue
        for code in languages:
            if not texts.get(code):
                problems.append(
                    _("%(what)s has no text in %(language)s.")
                    % {"what": label, "language": language_name(code)}
                )
    return problems


def approve(*, report: AnnualReport, actor: User) -> AnnualReport:
    """Approve a draft: a reviewer who took no part in this version, texts complete."""
    _require(actor, report.organisation, "review")
    with transaction.atomic():
        locked = _locked(report)
        _require_draft(locked)
        duties.require_independent(
            decider=actor,
            contributors=duties.contributors(obj=locked, version=locked.version)
            | duties.Contributors.of([(locked.created_by_id, duties.Kind.CREATED)]),
            decision=_("approve it"),
            refuse_with=ReportError,
        )
        problems = missing_translations(locked)
        if problems:
            raise ReportError(" ".join(problems), 422)
        locked.status = ReportStatus.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit.record(actor=actor, organisation=locked.organisation, action="approve", obj=locked)
    return locked


def return_to_draft(*, report: AnnualReport, actor: User) -> AnnualReport:
    """Take an approved version back to draft (to change a text or the figures)."""
    if not (can(actor, report.organisation, "review") or can(actor, report.organisation, "edit")):
        raise ReportError(_("Your role does not allow this change."), 403)
    with transaction.atomic():
        locked = _locked(report)
        if not locked.is_approved:
            raise ReportError(_("Only an approved version can go back to draft."))
        locked.status = ReportStatus.DRAFT
        locked.approved_by = None
        locked.approved_at = None
        locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit.record(actor=actor, organisation=locked.organisation, action="return", obj=locked)
    return locked


def _corrects(report: AnnualReport) -> dict[str, Any] | None:
    if report.version <= 1:
        return None
    return {"version": report.version - 1, "reason": translations(report, "correction_reason")}


def document_of(report: AnnualReport) -> dict[str, Any]:
    """The version as a document: the published one, or what a draft would publish now."""
    if report.is_published and report.content is not None:
        return dict(report.content)
    return content.build_document(
        organisation=report.organisation,
        year=report.year,
        version=report.version,
        languages=list(report.sections) or _languages(report.organisation),
        sections=report.sections,
        foreword=translations(report, "foreword"),
        commentaries=commentaries_of(report),
        figures_taken_at=report.figures_taken_at,
        approved_at=report.approved_at,
        published_at=report.published_at,
        corrects=_corrects(report),
    )


def signed_payload(report: AnnualReport, document: Mapping[str, Any], sha256: str) -> dict:
    """What the JWS states: which report, which version, and the digest of its document."""
    return {
        "iss": content.absolute("/"),
        "city": report.organisation.slug,
        "year": report.year,
        "version": report.version,
        "published_at": document["published_at"],
        "sha256": sha256,
    }


def publish(*, report: AnnualReport, actor: User) -> AnnualReport:
    """Freeze an approved version into its signed document and make it public.

    After the commit, the PDF of each language is laid out and stored as a file.
    """
    _require(actor, report.organisation, "review")
    with transaction.atomic():
        locked = _locked(report)
        if not locked.is_approved:
            raise ReportError(_("Only an approved version can be published."))
        locked.published_at = timezone.now()
        locked.published_by = actor
        document = document_of(locked)
        locked.content = document
        locked.digest = content.digest(document)
        locked.signature = signing.sign_jws(
            signed_payload(locked, document, locked.digest), typ=content.JWS_TYPE
        )
        locked.status = ReportStatus.PUBLISHED
        locked.save()
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="publish",
            obj=locked,
            changes={"sha256": locked.digest},
        )
        # Once the version is public for good, its PDFs are laid out (seconds each) and
        # stored, so that no resident waits for them (see ``pdfs``).
        transaction.on_commit(lambda: pdfs.lay_out_all(locked), robust=True)
    return locked


def start_correction(
    *, report: AnnualReport, actor: User, reason: Mapping[str, str]
) -> AnnualReport:
    """A new draft version of a published report, with the reason and fresh figures.

    The foreword and commentaries of the corrected version are copied, to be changed where
    needed; the corrected version stays published until the correction is.
    """
    _require(actor, report.organisation, "edit")
    reason = _clean_texts(reason, MAX_REASON, "reason")
    languages = _languages(report.organisation)
    if not reason.get(languages[0]):
        raise ReportError(
            _("Say why the report is corrected (in %(language)s at least).")
            % {"language": language_name(languages[0])},
            422,
            "reason",
        )
    with transaction.atomic():
        versions = AnnualReport.objects.select_for_update().filter(
            organisation=report.organisation, year=report.year
        )
        latest = versions.order_by("-version").first()
        if latest is None or latest.pk != report.pk or not report.is_published:
            raise ReportError(
                _("Only the latest published version can be corrected, once at a time.")
            )
        correction = AnnualReport(
            organisation=report.organisation,
            year=report.year,
            version=report.version + 1,
            created_by=actor,
        )
        set_translations(correction, "foreword", translations(report, "foreword"))
        set_translations(correction, "correction_reason", reason)
        _take_figures(correction)
        correction.save()
        for item in report.commentaries.all():
            copy = SectionCommentary(report=correction, section=item.section)
            set_translations(copy, "text", translations(item, "text"))
            copy.save()
        _took_part(correction, actor, duties.Kind.CREATED)
        audit.record(
            actor=actor,
            organisation=report.organisation,
            action="create",
            obj=correction,
            changes={"corrects": report.version, "reason": reason},
        )
    return correction


def discard_draft(*, report: AnnualReport, actor: User) -> None:
    """Delete a version that was never published."""
    _require(actor, report.organisation, "edit")
    with transaction.atomic():
        locked = _locked(report)
        if locked.is_published:
            raise ReportError(_("A published report is never deleted; publish a correction."))
        audit.delete(
            locked,
            actor=actor,
            organisation=locked.organisation,
            changes={"year": locked.year, "version": locked.version},
        )
