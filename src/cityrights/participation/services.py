"""Writes of a consultation's life cycle: phases, draft versions and sections, questions,
moderation and the "you said, we did" response document.

Every function takes keyword arguments, checks the rule it enforces, writes in one
transaction and, for staff, appends an audit event in that same transaction. What
residents do (comment, answer, support, report) lives in ``contributions.py``; the
principles and initiatives in ``principles.py`` and ``initiatives.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityrights.core import audit
from cityrights.core.errors import ServiceError
from cityrights.core.translation import (
    city_languages,
    field_names,
    interface_languages,
    set_translations,
    translations,
)

from .models import (
    Choice,
    Comment,
    CommentStatus,
    Consultation,
    DraftSection,
    DraftVersion,
    Outcome,
    Phase,
    PhaseChange,
    PopulationShare,
    Question,
    QuestionKind,
    Report,
    ResponseChange,
    ResponseDocument,
)
from .phases import PhaseRefused, check_move

if TYPE_CHECKING:
    from cityrights.core.models import Organisation, User


class ParticipationError(ServiceError):
    """A refused change in the participation app (409 unless the raise says otherwise)."""

    status = 409


def _apply(obj: Any, values: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Copy the ``allowed`` fields (translated ones by their base name) from ``values``."""
    for name in allowed:
        columns = field_names(name)
        if any(column in values for column in columns):
            for column in columns:
                if column in values:
                    setattr(obj, column, values[column] or "")
        elif name in values:
            setattr(obj, name, values[name])


def _require_text(obj: Any, name: str, organisation: Organisation, label: str) -> None:
    language = organisation.content_languages[0]
    if not translations(obj, name).get(language, "").strip():
        raise ParticipationError(
            _("Write the %(label)s in the city's main language.") % {"label": label},
            422,
            field_names(name, [language])[0],
        )


# --------------------------------------------------------------------------------------
# Consultations and phases
# --------------------------------------------------------------------------------------

CONSULTATION_FIELDS = (
    "slug",
    "title",
    "summary",
    "questions_opens",
    "discussion_opens",
    "closes",
    "final_due",
    "allow_anonymous",
    "for_principles",
)
SNAPSHOT = [
    "slug",
    "title_en",
    "title_fr",
    "title_nl",
    "questions_opens",
    "discussion_opens",
    "closes",
    "final_due",
    "allow_anonymous",
    "for_principles",
]


def _check_dates(consultation: Consultation) -> None:
    dates = [
        ("questions_opens", consultation.questions_opens),
        ("discussion_opens", consultation.discussion_opens),
        ("closes", consultation.closes),
        ("final_due", consultation.final_due),
    ]
    known = [(name, value) for name, value in dates if value is not None]
    for (_first, earlier), (name, later) in itertools.pairwise(known):
        if later < earlier:
            raise ParticipationError(
                _("The phases' dates must follow each other in order."), 422, name
            )


def create_consultation(
    *, organisation: Organisation, actor: User, values: Mapping[str, Any]
) -> Consultation:
    """A consultation in preparation, with an empty first version of its draft."""
    consultation = Consultation(organisation=organisation, created_by=actor)
    _apply(consultation, values, CONSULTATION_FIELDS)
    _require_text(consultation, "title", organisation, _("title"))
    _check_dates(consultation)
    with transaction.atomic():
        if Consultation.objects.filter(organisation=organisation, slug=consultation.slug).exists():
            raise ParticipationError(
                _("Another consultation already has this short name."), 422, "slug"
            )
        consultation.save()
        DraftVersion.objects.create(consultation=consultation, number=1)
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=consultation,
            changes=audit.snapshot(consultation, SNAPSHOT),
        )
    return consultation


def update_consultation(
    *, consultation: Consultation, actor: User, values: Mapping[str, Any]
) -> Consultation:
    if consultation.phase == Phase.FINAL:
        raise ParticipationError(_("The consultation has ended; its details no longer change."))
    before = audit.snapshot(consultation, SNAPSHOT)
    _apply(consultation, values, CONSULTATION_FIELDS)
    if consultation.phase != Phase.PREPARING and "slug" in values:
        consultation.slug = before["slug"]  # published addresses stay valid
    _require_text(consultation, "title", consultation.organisation, _("title"))
    _check_dates(consultation)
    with transaction.atomic():
        clash = Consultation.objects.filter(
            organisation=consultation.organisation, slug=consultation.slug
        ).exclude(pk=consultation.pk)
        if clash.exists():
            raise ParticipationError(
                _("Another consultation already has this short name."), 422, "slug"
            )
        consultation.save()
        audit.record(
            actor=actor,
            organisation=consultation.organisation,
            action="update",
            obj=consultation,
            changes=audit.diff(before, audit.snapshot(consultation, SNAPSHOT)),
        )
    return consultation


def has_contributions(consultation: Consultation) -> bool:
    return (
        consultation.comments.exists()
        or consultation.submissions.exists()
        or consultation.profiles.exists()
    )


def move_phase(*, consultation: Consultation, actor: User, to_phase: str) -> Consultation:
    """Move to another phase (see ``phases.check_move``); the timeline keeps every move."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        try:
            check_move(
                locked.phase,
                to_phase,
                has_final_version=locked.versions.filter(
                    is_final=True, published_at__isnull=False
                ).exists(),
                has_contributions=has_contributions(locked),
            )
        except PhaseRefused as refusal:
            raise ParticipationError(refusal.message, 409, "phase") from refusal
        if to_phase == Phase.DISCUSSION and current_version(locked) is None:
            raise ParticipationError(
                _("Publish a version of the draft before opening the discussion."), 409, "phase"
            )
        before = locked.phase
        locked.phase = to_phase
        locked.save(update_fields=["phase", "updated_at"])
        PhaseChange.objects.create(
            consultation=locked, from_phase=before, to_phase=to_phase, by=actor
        )
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="phase",
            obj=locked,
            changes={"phase": {"from": before, "to": to_phase}},
        )
    consultation.phase = to_phase
    return consultation


# --------------------------------------------------------------------------------------
# Draft versions and sections
# --------------------------------------------------------------------------------------


def current_version(consultation: Consultation) -> DraftVersion | None:
    """The latest published version that is not the final text: what people comment on."""
    return (
        consultation.versions.filter(published_at__isnull=False, is_final=False)
        .order_by("-number")
        .first()
    )


def _editable(version: DraftVersion) -> None:
    if version.is_published:
        raise ParticipationError(
            _("A published version never changes; make a new version to change the text.")
        )


SECTION_FIELDS = ("key", "part", "heading", "body", "is_hidden")


def save_section(
    *,
    version: DraftVersion,
    actor: User,
    values: Mapping[str, Any],
    section: DraftSection | None = None,
) -> DraftSection:
    _editable(version)
    organisation = version.consultation.organisation
    creating = section is None
    if section is None:
        last = version.sections.aggregate(last=Max("position"))["last"]
        section = DraftSection(version=version, position=(last or 0) + 1)
    before = {} if creating else {"body": translations(section, "body")}
    _apply(section, values, SECTION_FIELDS)
    if "position" in values and values["position"] is not None:
        section.position = int(values["position"])
    _require_text(section, "heading", organisation, _("heading"))
    _require_text(section, "body", organisation, _("text"))
    with transaction.atomic():
        clash = version.sections.filter(key=section.key).exclude(pk=section.pk)
        if clash.exists():
            raise ParticipationError(
                _("Another section of this version already has this key."), 422, "key"
            )
        section.save()
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create" if creating else "update",
            obj=section,
            object_repr=f"{version} § {section.key}",
            changes={"key": section.key, "hidden": section.is_hidden, **before},
        )
    return section


def delete_section(*, section: DraftSection, actor: User) -> None:
    _editable(section.version)
    audit.delete(
        section,
        actor=actor,
        organisation=section.version.consultation.organisation,
        changes={"key": section.key},
    )


def publish_version(
    *,
    version: DraftVersion,
    actor: User,
    final: bool = False,
    note: Mapping[str, str] | None = None,
) -> DraftVersion:
    """Publish a version for reading and comment, or as the final text once closed."""
    _editable(version)
    consultation = version.consultation
    if note is not None:
        set_translations(version, "note", note)
    if not version.sections.exists():
        raise ParticipationError(_("Add at least one section before publishing."))
    if final and consultation.phase != Phase.CLOSED:
        raise ParticipationError(_("The final text is published once the consultation is closed."))
    if not final and consultation.phase in (Phase.CLOSED, Phase.FINAL):
        raise ParticipationError(
            _("The consultation is closed: publish this version as the final text.")
        )
    with transaction.atomic():
        if final and consultation.versions.filter(is_final=True).exclude(pk=version.pk).exists():
            raise ParticipationError(_("This consultation already has a final text."))
        version.is_final = final
        version.published_at = timezone.now()
        version.save()
        audit.record(
            actor=actor,
            organisation=consultation.organisation,
            action="publish",
            obj=version,
            changes={"number": version.number, "final": final},
        )
    return version


def new_version(*, consultation: Consultation, actor: User) -> DraftVersion:
    """A new unpublished version, a copy of the latest one, to edit."""
    if consultation.phase == Phase.FINAL:
        raise ParticipationError(_("The final text is published; the draft no longer changes."))
    with transaction.atomic():
        latest = consultation.versions.select_for_update().order_by("-number").first()
        if latest is not None and not latest.is_published:
            raise ParticipationError(
                _("Version %(n)d is not published yet; edit that one.") % {"n": latest.number}
            )
        if latest is not None and latest.is_final:
            raise ParticipationError(_("The final text is published; the draft no longer changes."))
        version = DraftVersion.objects.create(
            consultation=consultation, number=(latest.number + 1) if latest else 1
        )
        if latest is not None:
            copies = []
            for section in latest.sections.all():
                copy = DraftSection(
                    version=version,
                    position=section.position,
                    key=section.key,
                    is_hidden=section.is_hidden,
                )
                for name in ("part", "heading", "body"):
                    set_translations(copy, name, translations(section, name))
                copies.append(copy)
            DraftSection.objects.bulk_create(copies)
        audit.record(
            actor=actor,
            organisation=consultation.organisation,
            action="create",
            obj=version,
            changes={"number": version.number},
        )
    return version


# --------------------------------------------------------------------------------------
# Open questions
# --------------------------------------------------------------------------------------


def save_question(
    *,
    consultation: Consultation,
    actor: User,
    values: Mapping[str, Any],
    choices: Sequence[Mapping[str, str]],
    question: Question | None = None,
) -> Question:
    """Create or change a question and its choices (one ``{language: label}`` per choice)."""
    if consultation.phase not in (Phase.PREPARING, Phase.QUESTIONS):
        raise ParticipationError(_("Questions change only before or during the questions phase."))
    creating = question is None
    if question is not None and question.answers.exists():
        raise ParticipationError(
            _("People have answered this question; changing it would change their answers.")
        )
    if question is None:
        last = consultation.questions.aggregate(last=Max("position"))["last"]
        question = Question(consultation=consultation, position=(last or 0) + 1)
    _apply(question, values, ("kind", "text", "help"))
    if question.kind not in QuestionKind.values:
        raise ParticipationError(_("Choose the kind of answer."), 422, "kind")
    _require_text(question, "text", consultation.organisation, _("question"))
    main = consultation.organisation.content_languages[0]
    labels = [dict(choice) for choice in choices if any(v.strip() for v in choice.values())]
    if question.kind != QuestionKind.OPEN:
        if len(labels) < 2:
            raise ParticipationError(_("Give at least two choices."), 422, "choices")
        if any(not label.get(main, "").strip() for label in labels):
            raise ParticipationError(
                _("Write every choice in the city's main language."), 422, "choices"
            )
    with transaction.atomic():
        question.save()
        question.choices.all().delete()
        if question.kind != QuestionKind.OPEN:
            for position, label in enumerate(labels, start=1):
                choice = Choice(question=question, position=position)
                set_translations(
                    choice, "label", {k: v for k, v in label.items() if k in interface_languages()}
                )
                choice.save()
        audit.record(
            actor=actor,
            organisation=consultation.organisation,
            action="create" if creating else "update",
            obj=question,
            changes={"kind": question.kind, "choices": len(labels)},
        )
    return question


def delete_question(*, question: Question, actor: User) -> None:
    if question.answers.exists():
        raise ParticipationError(_("People have answered this question; it stays."))
    audit.delete(question, actor=actor, organisation=question.consultation.organisation)


# --------------------------------------------------------------------------------------
# Moderation
# --------------------------------------------------------------------------------------


def _recount(comment: Comment, delta: int) -> None:
    DraftSection.objects.filter(pk=comment.section_id).update(
        comment_count=F("comment_count") + delta
    )


def hide_comment(*, comment: Comment, actor: User, reason: str) -> Comment:
    """Hide a comment with a reason that stays visible in its place."""
    reason = (reason or "").strip()
    if not reason:
        raise ParticipationError(
            _("Give the reason; readers see it in place of the comment."), 422, "reason"
        )
    if len(reason) > 500:
        raise ParticipationError(_("Keep the reason under 500 characters."), 422, "reason")
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status == CommentStatus.HIDDEN:
            raise ParticipationError(_("This comment is already hidden."))
        if locked.status == CommentStatus.PENDING:
            raise ParticipationError(_("This comment is not confirmed yet and is not shown."))
        locked.status = CommentStatus.HIDDEN
        locked.hidden_reason = reason
        locked.hidden_by = actor
        locked.hidden_at = timezone.now()
        locked.report_count = 0
        locked.save()
        _recount(locked, -1)
        locked.reports.filter(handled="").update(
            handled=Report.Handling.HIDDEN, handled_by=actor, handled_at=timezone.now()
        )
        audit.record(
            actor=actor,
            organisation=locked.consultation.organisation,
            action="hide",
            obj=locked,
            object_repr=f"comment #{locked.pk}",
            changes={"reason": reason},
        )
    return locked


def restore_comment(*, comment: Comment, actor: User) -> Comment:
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != CommentStatus.HIDDEN:
            raise ParticipationError(_("Only a hidden comment can be shown again."))
        locked.status = CommentStatus.VISIBLE
        reason, locked.hidden_reason = locked.hidden_reason, ""
        locked.hidden_by, locked.hidden_at = None, None
        locked.save()
        _recount(locked, +1)
        audit.record(
            actor=actor,
            organisation=locked.consultation.organisation,
            action="restore",
            obj=locked,
            object_repr=f"comment #{locked.pk}",
            changes={"reason": {"from": reason, "to": ""}},
        )
    return locked


def dismiss_reports(*, comment: Comment, actor: User) -> int:
    with transaction.atomic():
        count = comment.reports.filter(handled="").update(
            handled=Report.Handling.DISMISSED, handled_by=actor, handled_at=timezone.now()
        )
        if not count:
            raise ParticipationError(_("There are no open reports on this comment."))
        Comment.objects.filter(pk=comment.pk).update(report_count=0)
        audit.record(
            actor=actor,
            organisation=comment.consultation.organisation,
            action="dismiss",
            obj=comment,
            object_repr=f"comment #{comment.pk}",
            changes={"reports": count},
        )
    return count


# --------------------------------------------------------------------------------------
# "You said, we did"
# --------------------------------------------------------------------------------------


def _response_open(consultation: Consultation) -> ResponseDocument:
    if consultation.phase not in (Phase.CLOSED, Phase.FINAL):
        raise ParticipationError(_("The response is written once the consultation is closed."))
    document, _created = ResponseDocument.objects.get_or_create(consultation=consultation)
    if document.is_published:
        raise ParticipationError(_("The response is published; it no longer changes."))
    return document


def save_response_intro(
    *, consultation: Consultation, actor: User, intro: Mapping[str, str]
) -> ResponseDocument:
    with transaction.atomic():
        document = _response_open(consultation)
        set_translations(document, "intro", intro)
        document.save()
        audit.record(
            actor=actor,
            organisation=consultation.organisation,
            action="update",
            obj=consultation,
            object_repr=f"{consultation}: response",
            changes={"intro": translations(document, "intro")},
        )
    return document


def _final_or_latest(consultation: Consultation) -> DraftVersion | None:
    return (
        consultation.versions.filter(published_at__isnull=False)
        .order_by("-is_final", "-number")
        .first()
    )


def add_change(
    *,
    consultation: Consultation,
    actor: User,
    section_key: str,
    summary: Mapping[str, str],
    comment_ids: Iterable[int],
) -> ResponseChange:
    """A change of the final text, linked to the comments that led to it."""
    with transaction.atomic():
        document = _response_open(consultation)
        version = _final_or_latest(consultation)
        if section_key and (
            version is None or not version.sections.filter(key=section_key).exists()
        ):
            raise ParticipationError(_("Choose a section of the text."), 422, "section_key")
        ids = sorted(set(comment_ids))
        comments = list(
            consultation.comments.filter(pk__in=ids, status=CommentStatus.VISIBLE).only("pk")
        )
        if len(comments) != len(ids):
            raise ParticipationError(
                _("Link only visible comments of this consultation."), 422, "comments"
            )
        change = ResponseChange(
            document=document,
            section_key=section_key,
            position=(document.changes.aggregate(last=Max("position"))["last"] or 0) + 1,
        )
        set_translations(change, "summary", summary)
        _require_text(change, "summary", consultation.organisation, _("change"))
        change.save()
        change.comments.set(comments)
        audit.record(
            actor=actor,
            organisation=consultation.organisation,
            action="create",
            obj=change,
            object_repr=f"{consultation}: change {change.position}",
            changes={"section": section_key, "comments": ids},
        )
    return change


def delete_change(*, change: ResponseChange, actor: User) -> None:
    if change.document.is_published:
        raise ParticipationError(_("The response is published; it no longer changes."))
    audit.delete(
        change,
        actor=actor,
        organisation=change.document.consultation.organisation,
        changes={"section": change.section_key},
    )


def set_outcome(
    *, comment: Comment, actor: User, outcome: str, reason: Mapping[str, str]
) -> Comment:
    """Say what became of a comment: taken up, partly or not, with a reason."""
    consultation = comment.consultation
    if outcome not in Outcome.values:
        raise ParticipationError(_("Choose what became of the comment."), 422, "outcome")
    if comment.status != CommentStatus.VISIBLE:
        raise ParticipationError(_("Only visible comments get an outcome."))
    with transaction.atomic():
        _response_open(consultation)
        before = {"outcome": comment.outcome, "reason": translations(comment, "outcome_reason")}
        comment.outcome = outcome
        set_translations(comment, "outcome_reason", reason)
        if outcome != Outcome.TAKEN_UP:
            _require_text(comment, "outcome_reason", consultation.organisation, _("reason"))
        comment.save(update_fields=["outcome", *field_names("outcome_reason")])
        audit.record(
            actor=actor,
            organisation=consultation.organisation,
            action="outcome",
            obj=comment,
            object_repr=f"comment #{comment.pk}",
            changes=audit.diff(
                before,
                {"outcome": comment.outcome, "reason": translations(comment, "outcome_reason")},
            ),
        )
    return comment


def publish_response(
    *, consultation: Consultation, actor: User, notify: bool = True
) -> ResponseDocument:
    """Publish the response and tell every commenter by e-mail, in their language.

    ``notify=False`` is for the demo only, whose commenters are made up.
    """
    with transaction.atomic():
        document = _response_open(consultation)
        _require_text(document, "intro", consultation.organisation, _("introduction"))
        missing = consultation.comments.filter(
            status=CommentStatus.VISIBLE, parent__isnull=True, outcome=""
        ).count()
        if missing:
            raise ParticipationError(
                _("%(n)d comments have no outcome yet; say what became of each one first.")
                % {"n": missing}
            )
        document.published_at = timezone.now()
        document.published_by = actor
        recipients = _commenters(consultation) if notify else {}
        document.notified_count = len(recipients)
        document.save()
        consultation.comments.filter(status=CommentStatus.VISIBLE).update(
            notified_at=document.published_at
        )
        audit.record(
            actor=actor,
            organisation=consultation.organisation,
            action="publish",
            obj=consultation,
            object_repr=f"{consultation}: response",
            changes={"notified": len(recipients)},
        )
        transaction.on_commit(lambda: _send_response_mail(consultation, recipients))
    return document


def _commenters(consultation: Consultation) -> dict[str, str]:
    """E-mail address → language of everyone with a visible comment (nothing else is kept):
    the language they commented in, which is the one they read the consultation in (an
    account's stored language is only the fallback)."""
    people: dict[str, str] = {}
    rows = consultation.comments.filter(status=CommentStatus.VISIBLE).values_list(
        "email", "language", "author__email", "author__language"
    )
    for email, language, account_email, account_language in rows:
        address = account_email or email
        if address:
            people.setdefault(address.lower(), language or account_language or "en")
    return people


def _send_response_mail(consultation: Consultation, recipients: Mapping[str, str]) -> None:
    organisation = consultation.organisation
    url = settings.CITYRIGHTS_BASE_URL + _response_url(consultation)
    messages = []
    for address, language in sorted(recipients.items()):
        code = language if language in interface_languages() else organisation.default_language
        with translation.override(code), city_languages(organisation.content_languages):
            context = {"consultation": consultation, "organisation": organisation, "url": url}
            subject = render_to_string("participation/email/response_subject.txt", context)
            body = render_to_string("participation/email/response_body.txt", context)
        messages.append(
            EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [address])
        )
    if messages:
        get_connection().send_messages(messages)


def _response_url(consultation: Consultation) -> str:
    from django.urls import reverse

    return reverse(
        "participation:response",
        kwargs={"org": consultation.organisation.slug, "slug": consultation.slug},
    )


# --------------------------------------------------------------------------------------
# Population shares (for "who took part")
# --------------------------------------------------------------------------------------


def save_population_share(
    *, organisation: Organisation, actor: User, dimension: str, value: str, share: Any, source: str
) -> PopulationShare:
    value = (value or "").strip()
    if not value:
        raise ParticipationError(_("Name the group."), 422, "value")
    if share is None or not (0 <= share <= 100):
        raise ParticipationError(_("A share is between 0 and 100 per cent."), 422, "share")
    with transaction.atomic():
        try:
            row, created = PopulationShare.objects.update_or_create(
                organisation=organisation,
                dimension=dimension,
                value=value,
                defaults={"share": share, "source": source or ""},
            )
        except IntegrityError as error:  # pragma: no cover - update_or_create races
            raise ParticipationError(_("This group was just added; try again.")) from error
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create" if created else "update",
            obj=row,
            changes={"dimension": dimension, "group": value, "share": str(share)},
        )
    return row


def delete_population_share(*, share: PopulationShare, actor: User) -> None:
    audit.delete(share, actor=actor, organisation=share.organisation)
