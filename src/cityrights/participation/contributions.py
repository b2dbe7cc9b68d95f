"""What residents and organisations write into a consultation: comments, replies, supports,
reports, answers to the open questions and the voluntary "who took part" questions.

Each function refuses bad input with a :class:`~.services.ParticipationError` naming the
field, before anything is written, and writes everything of one contribution in one
transaction. Rate limits (``core.throttling.allow``) count per client address and per
account; a spam guard (a field people never see, a minimum time to write, a cap on links)
stops the simplest robots without a CAPTCHA, which would shut out people using assistive
technology.

Anonymous participants (where the consultation allows it) give an e-mail address; their
comment or answers count only after they open the link sent to it. Only a SHA-256 hash of
the link's secret is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityrights.core import throttling
from cityrights.core.translation import city_languages, current_language

from .markdown import normalise_space, plain_text
from .models import (
    AgeBand,
    Answer,
    Comment,
    CommentStatus,
    Consultation,
    DraftSection,
    ParticipantProfile,
    Phase,
    Question,
    QuestionKind,
    Report,
    Submission,
    Support,
    YesNo,
)
from .services import ParticipationError, current_version

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cityrights.core.models import User

MAX_COMMENT = 4000
MAX_QUOTE = 1000
MAX_REASON = 1000
MAX_OPEN_ANSWER = 2000
MAX_LINKS = 5
MIN_SECONDS = 3
COMMENT_LIMIT = (10, 600)  # comments per client in ten minutes
REPORT_LIMIT = (10, 3600)
ANSWER_LIMIT = (5, 3600)
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--")
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Participant:
    """Who contributes: an account, or an anonymous person known by an e-mail address."""

    user: User | None = None
    email: str = ""
    name: str = ""
    client: str = "unknown"
    # Only the demo turns this off: it writes a made-up history of many contributions at once.
    rate_limited: bool = True

    @property
    def is_anonymous(self) -> bool:
        return self.user is None


def participant_for(
    user: User | AnonymousUser, client: str, email: str = "", name: str = ""
) -> Participant:
    if user.is_authenticated:
        return Participant(user=user, client=client)
    return Participant(
        email=(email or "").strip().lower(), name=(name or "").strip(), client=client
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limit(scope: str, participant: Participant, limit: tuple[int, int]) -> None:
    if not participant.rate_limited:
        return
    identities = [f"client:{participant.client}"]
    if participant.user is not None:
        identities.append(f"user:{participant.user.pk}")
    for identity in identities:
        if not throttling.allow(scope, identity, limit=limit[0], window=limit[1]):
            raise ParticipationError(
                _("You have sent many contributions in a short time; wait a few minutes."), 429
            )


def spam_guard(*, trap: str, elapsed: float | None) -> None:
    """Refuse what robots send: a filled hidden field, or a form sent too fast to be read."""
    if trap.strip() or (elapsed is not None and elapsed < MIN_SECONDS):
        raise ParticipationError(
            _("This looked like an automated message and was not accepted. Please try again."),
            422,
        )


def clean_text(text: str, *, field: str, limit: int, what: str) -> str:
    """Stripped ``text``, refused when empty, too long, or carrying HTML tags."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ParticipationError(_("Write your %(what)s.") % {"what": what}, 422, field)
    if len(text) > limit:
        raise ParticipationError(
            _("Your %(what)s has %(n)d characters; keep it under %(limit)d.")
            % {"what": what, "n": len(text), "limit": limit},
            413,
            field,
        )
    if _TAG.search(text):
        raise ParticipationError(
            _(
                "HTML tags such as <script> or <b> are not accepted. Write plain text; "
                "*stars* for emphasis and - for lists work."
            ),
            422,
            field,
        )
    return text


def _check_email(participant: Participant, consultation: Consultation) -> None:
    if not participant.is_anonymous:
        return
    if not consultation.allow_anonymous:
        raise ParticipationError(
            _("Log in or create an account to take part in this consultation."), 403
        )
    try:
        validate_email(participant.email)
    except ValidationError as error:
        raise ParticipationError(
            _("Give a valid e-mail address: we send you a link to confirm."), 422, "email"
        ) from error


# --------------------------------------------------------------------------------------
# Comments
# --------------------------------------------------------------------------------------


def _commentable_section(consultation: Consultation, section: DraftSection) -> None:
    if consultation.phase != Phase.DISCUSSION:
        raise ParticipationError(
            _("Comments are taken during the draft discussion only; this consultation is: %(p)s.")
            % {"p": consultation.get_phase_display()}
        )
    current = current_version(consultation)
    if section.version.consultation_id != consultation.pk:
        raise ParticipationError(_("This section belongs to another consultation."), 404)
    if current is None or section.version_id != current.pk:
        raise ParticipationError(
            _("This version of the text has been replaced; comment on the current one.")
        )
    if section.is_hidden:
        raise ParticipationError(_("This section is hidden and takes no comments."))


def _check_quote(section: DraftSection, quote: str) -> str:
    quote = normalise_space(quote)
    if not quote:
        return ""
    if len(quote) > MAX_QUOTE:
        raise ParticipationError(
            _("Choose a passage of at most %(n)d characters.") % {"n": MAX_QUOTE}, 413, "quote"
        )
    texts = [plain_text(getattr(section, f"body_{code}", "")) for code in settings_languages()]
    if not any(quote.casefold() in text.casefold() for text in texts):
        raise ParticipationError(
            _("The passage is not in this section's text; copy it exactly or leave it empty."),
            422,
            "quote",
        )
    return quote


def settings_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def submit_comment(
    *,
    consultation: Consultation,
    section: DraftSection,
    participant: Participant,
    body: str,
    quote: str = "",
    parent: Comment | None = None,
    organisation_name: str = "",
) -> tuple[Comment, str]:
    """Write a comment or reply; returns it and the confirmation secret ("" for accounts)."""
    _commentable_section(consultation, section)
    _check_email(participant, consultation)
    body = clean_text(body, field="body", limit=MAX_COMMENT, what=_("comment"))
    if len(_LINK.findall(body)) > MAX_LINKS:
        raise ParticipationError(
            _("A comment may carry at most %(n)d links.") % {"n": MAX_LINKS}, 422, "body"
        )
    quote = _check_quote(section, quote) if parent is None else ""
    organisation_name = (organisation_name or "").strip()
    if len(organisation_name) > 200:
        raise ParticipationError(_("Keep the organisation's name short."), 422, "organisation_name")
    if parent is not None:
        if parent.section_id != section.pk or parent.status != CommentStatus.VISIBLE:
            raise ParticipationError(_("You can only reply to a visible comment."), 409)
        if parent.parent_id is not None:
            parent = parent.parent  # replies stay one level deep, under the first comment
    _limit("participation-comment", participant, COMMENT_LIMIT)
    token = ""
    comment = Comment(
        consultation=consultation,
        section=section,
        parent=parent,
        quote=quote,
        language=current_language(),
        body=body,
        organisation_name=organisation_name,
    )
    if participant.user is not None:
        comment.author = participant.user
        comment.author_name = participant.user.name or _("Resident")
        comment.status = CommentStatus.VISIBLE
        comment.confirmed_at = timezone.now()
    else:
        token = secrets.token_urlsafe(24)
        comment.email = participant.email
        comment.author_name = participant.name[:150] or _("Anonymous participant")
        comment.status = CommentStatus.PENDING
        comment.token_hash = _hash(token)
    with transaction.atomic():
        comment.save()
        if comment.status == CommentStatus.VISIBLE:
            DraftSection.objects.filter(pk=section.pk).update(comment_count=F("comment_count") + 1)
        if token:
            transaction.on_commit(
                lambda: _send_confirmation(consultation, participant.email, token)
            )
    return comment, token


def _send_confirmation(consultation: Consultation, email: str, token: str) -> None:
    organisation = consultation.organisation
    url = settings.CITYRIGHTS_BASE_URL + reverse(
        "participation:confirm",
        kwargs={"org": organisation.slug, "slug": consultation.slug, "token": token},
    )
    with city_languages(organisation.content_languages):
        context = {"consultation": consultation, "organisation": organisation, "url": url}
        subject = render_to_string("participation/email/confirm_subject.txt", context)
        body = render_to_string("participation/email/confirm_body.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [email])


@dataclass(frozen=True)
class Confirmed:
    kind: str  # "comment" or "answers"
    email: str
    comment: Comment | None = None


def confirm(*, consultation: Consultation, token: str) -> Confirmed:
    """Make an anonymous contribution count, once its author opened the e-mailed link."""
    digest = _hash(token or "")
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .filter(consultation=consultation, token_hash=digest)
            .first()
        )
        if comment is not None:
            if consultation.phase != Phase.DISCUSSION:
                raise ParticipationError(
                    _("The discussion closed before the comment was confirmed.")
                )
            comment.status = CommentStatus.VISIBLE
            comment.confirmed_at = timezone.now()
            comment.token_hash = ""
            comment.save(update_fields=["status", "confirmed_at", "token_hash"])
            DraftSection.objects.filter(pk=comment.section_id).update(
                comment_count=F("comment_count") + 1
            )
            return Confirmed("comment", comment.email, comment)
        submission = (
            Submission.objects.select_for_update()
            .filter(consultation=consultation, token_hash=digest)
            .first()
        )
        if submission is not None:
            if consultation.phase != Phase.QUESTIONS:
                raise ParticipationError(
                    _("The questions closed before the answers were confirmed.")
                )
            submission.is_counted = True
            submission.token_hash = ""
            submission.save(update_fields=["is_counted", "token_hash"])
            return Confirmed("answers", submission.email)
    raise ParticipationError(_("This confirmation link is not valid or was already used."), 404)


def support(*, comment: Comment, user: User) -> Comment:
    """One support per person and comment; a second one is refused."""
    if comment.consultation.phase != Phase.DISCUSSION:
        raise ParticipationError(_("Supports are taken during the draft discussion only."))
    if comment.status != CommentStatus.VISIBLE:
        raise ParticipationError(_("Only visible comments can be supported."))
    try:
        with transaction.atomic():
            Support.objects.create(comment=comment, user=user)
            Comment.objects.filter(pk=comment.pk).update(support_count=F("support_count") + 1)
    except IntegrityError as error:
        raise ParticipationError(_("You already support this comment.")) from error
    comment.refresh_from_db(fields=["support_count"])
    return comment


def report(*, comment: Comment, participant: Participant, reason: str) -> Report:
    """Ask the moderators to look at a comment."""
    if comment.status != CommentStatus.VISIBLE:
        raise ParticipationError(_("This comment is not shown; there is nothing to report."))
    reason = clean_text(reason, field="reason", limit=MAX_REASON, what=_("reason"))
    if (
        participant.user is not None
        and comment.reports.filter(reporter=participant.user, handled="").exists()
    ):
        raise ParticipationError(_("You have already reported this comment."))
    _limit("participation-report", participant, REPORT_LIMIT)
    with transaction.atomic():
        row = Report.objects.create(comment=comment, reporter=participant.user, reason=reason)
        Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    return row


# --------------------------------------------------------------------------------------
# Answers to the open questions
# --------------------------------------------------------------------------------------


def submit_answers(
    *,
    consultation: Consultation,
    participant: Participant,
    answers: Mapping[int, Any],
) -> tuple[Submission, str]:
    """Record one person's answers: choice ids for choice questions, text for open ones."""
    if consultation.phase != Phase.QUESTIONS:
        raise ParticipationError(_("The questions are open during the first phase only."))
    _check_email(participant, consultation)
    questions = {q.pk: q for q in consultation.questions.prefetch_related("choices")}
    rows: list[tuple[Question, list[int], str]] = []
    for pk, given in answers.items():
        question = questions.get(pk)
        if question is None:
            raise ParticipationError(_("An answer belongs to another consultation."), 400)
        field = f"q{pk}"
        if question.kind == QuestionKind.OPEN:
            text = (given or "").strip()
            if text:
                rows.append(
                    (
                        question,
                        [],
                        clean_text(text, field=field, limit=MAX_OPEN_ANSWER, what=_("answer")),
                    )
                )
            continue
        picked = [given] if question.kind == QuestionKind.SINGLE and given else list(given or [])
        try:
            ids = sorted({int(value) for value in picked if str(value).strip()})
        except (TypeError, ValueError) as error:
            raise ParticipationError(_("Choose among the choices given."), 422, field) from error
        valid = {choice.pk for choice in question.choices.all()}
        if not set(ids) <= valid:
            raise ParticipationError(_("Choose among the choices given."), 422, field)
        if question.kind == QuestionKind.SINGLE and len(ids) > 1:
            raise ParticipationError(_("Choose one answer."), 422, field)
        if ids:
            rows.append((question, ids, ""))
    if not rows:
        raise ParticipationError(_("Answer at least one question."), 422)
    if (
        participant.user is not None
        and consultation.submissions.filter(user=participant.user).exists()
    ):
        raise ParticipationError(_("You have already answered these questions."))
    _limit("participation-answers", participant, ANSWER_LIMIT)
    token = "" if participant.user is not None else secrets.token_urlsafe(24)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                consultation=consultation,
                user=participant.user,
                email=participant.email if participant.user is None else "",
                token_hash=_hash(token) if token else "",
                is_counted=participant.user is not None,
            )
            for question, ids, text in rows:
                answer = Answer.objects.create(submission=submission, question=question, text=text)
                if ids:
                    answer.choices.set(ids)
            if token:
                transaction.on_commit(
                    lambda: _send_confirmation(consultation, participant.email, token)
                )
    except IntegrityError as error:
        raise ParticipationError(_("You have already answered these questions.")) from error
    return submission, token


# --------------------------------------------------------------------------------------
# Who took part
# --------------------------------------------------------------------------------------

PROFILE_SALT = "participation.profile"


def participant_key(consultation: Consultation, participant: Participant) -> str:
    """A keyed hash standing for the person in this consultation, linked to nothing else."""
    who = f"user:{participant.user.pk}" if participant.user else f"email:{participant.email}"
    message = f"{consultation.pk}:{who}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def profile_pass(consultation: Consultation, email: str) -> str:
    """A signed pass that lets an anonymous participant answer the questions about themselves."""
    return signing.dumps({"c": consultation.pk, "e": email.lower()}, salt=PROFILE_SALT)


def read_profile_pass(consultation: Consultation, value: str) -> str | None:
    try:
        data = signing.loads(value, salt=PROFILE_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        return None
    return data.get("e") if data.get("c") == consultation.pk else None


def has_profile(consultation: Consultation, participant: Participant) -> bool:
    return consultation.profiles.filter(
        participant_hash=participant_key(consultation, participant)
    ).exists()


def record_profile(
    *,
    consultation: Consultation,
    participant: Participant,
    age_band: str = "",
    district: str = "",
    languages: Sequence[str] = (),
    disability: str = "",
    first_time: str = "",
    districts: Sequence[str] = (),
) -> ParticipantProfile:
    """Keep the voluntary answers about who took part (each may be left out)."""
    if consultation.phase == Phase.PREPARING:
        raise ParticipationError(_("This consultation is not open."), 404)
    if age_band and age_band not in AgeBand.values:
        raise ParticipationError(_("Choose an age band from the list."), 422, "age_band")
    if district and district not in districts:
        raise ParticipationError(_("Choose a district from the list."), 422, "district")
    offered = [*settings_languages(), "other"]
    if any(code not in offered for code in languages):
        raise ParticipationError(_("Choose languages from the list."), 422, "languages")
    for name, value in (("disability", disability), ("first_time", first_time)):
        if value and value not in YesNo.values:
            raise ParticipationError(_("Answer yes or no, or leave it out."), 422, name)
    try:
        with transaction.atomic():
            return ParticipantProfile.objects.create(
                consultation=consultation,
                participant_hash=participant_key(consultation, participant),
                age_band=age_band,
                district=district,
                languages=",".join(sorted(set(languages))),
                disability=disability,
                first_time=first_time,
            )
    except IntegrityError as error:
        raise ParticipationError(_("You have already answered these questions.")) from error


def with_language(code: str) -> Any:
    return translation.override(code)
