"""Participation: consultations on drafts, the city's principles, data initiatives by role.

Three parts, one app, because they feed each other: a consultation on the draft of the
city's principles ends in the next version of the principles; principles are carried out
by actions that point at records of other apps; data initiatives name the roles residents
play in them. Each consultation follows one life cycle (phase, publication, moderation,
export), like every participatory component of Decidim.

What a city *writes* (draft sections, principles, initiatives, response texts) is entered
per city language (``core.translation``). What residents write (comments, answers) is kept
as written, in the language they wrote it in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cityrights.core.models import Organisation
from cityrights.core.translation import TranslatedField

USER = settings.AUTH_USER_MODEL

# --------------------------------------------------------------------------------------
# Consultations
# --------------------------------------------------------------------------------------


class Phase(models.TextChoices):
    """The steps of a consultation, in order. Only staff see a consultation in preparation."""

    PREPARING = "preparing", _("In preparation")
    QUESTIONS = "questions", _("Open questions")
    DISCUSSION = "discussion", _("Draft discussion")
    CLOSED = "closed", _("Closed")
    FINAL = "final", _("Final text published")


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)


class Consultation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="consultations"
    )
    slug = models.SlugField(_("short name in addresses"), max_length=80)
    title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))
    summary = TranslatedField(
        models.TextField(
            _("summary"), blank=True, help_text=_("What the draft is about and why it matters.")
        )
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.PREPARING
    )
    questions_opens = models.DateField(_("open questions from"), null=True, blank=True)
    discussion_opens = models.DateField(_("draft discussion from"), null=True, blank=True)
    closes = models.DateField(_("closes on"), null=True, blank=True)
    final_due = models.DateField(_("final text expected on"), null=True, blank=True)
    allow_anonymous = models.BooleanField(
        _("anonymous participation"),
        default=False,
        help_text=_(
            "People without an account may take part; their comments appear once they "
            "confirm their e-mail address."
        ),
    )
    for_principles = models.BooleanField(
        _("draft of the city's digital-rights principles"),
        default=False,
        help_text=_("Its final text can become the next version of the city's principles."),
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="participation_consultation_slug"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.slug

    @property
    def is_public(self) -> bool:
        return self.phase != Phase.PREPARING

    def get_absolute_url(self) -> str:
        return reverse(
            "participation:consultation",
            kwargs={"org": self.organisation.slug, "slug": self.slug},
        )

    def get_staff_url(self) -> str:
        return reverse(
            "participation:staff_consultation",
            kwargs={"org": self.organisation.slug, "pk": self.pk},
        )


class PhaseChange(models.Model):
    """One move of a consultation from one phase to another, shown on the timeline."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="phase_changes"
    )
    from_phase = models.CharField(max_length=20, choices=Phase.choices)
    to_phase = models.CharField(max_length=20, choices=Phase.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.from_phase} → {self.to_phase}"


class DraftVersion(models.Model):
    """One version of the draft text. Published versions never change; the next one is a copy."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    note = TranslatedField(
        models.TextField(
            _("what changed"), blank=True, help_text=_("A short note on what this version changes.")
        )
    )
    is_final = models.BooleanField(_("final text"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="participation_version_number"
            ),
            models.UniqueConstraint(
                fields=["consultation"],
                condition=Q(is_final=True),
                name="participation_one_final_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class DraftSection(models.Model):
    """A section of a draft version. ``key`` stays the same across versions, for the diff."""

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("position"), default=0)
    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("Stays the same in every version, so readers see what changed."),
    )
    part = TranslatedField(
        models.CharField(
            _("part"),
            max_length=200,
            blank=True,
            help_text=_("The chapter this section belongs to (for principles: their section)."),
        )
    )
    heading = TranslatedField(models.CharField(_("heading"), max_length=200, blank=True))
    body = TranslatedField(models.TextField(_("text"), blank=True))
    is_hidden = models.BooleanField(
        _("hidden"),
        default=False,
        help_text=_("A hidden section is not shown and takes no comments."),
    )
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("draft section")
        verbose_name_plural = _("draft sections")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="participation_section_key")
        ]

    def __str__(self) -> str:
        return self.heading or self.key


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for e-mail confirmation")
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by the moderator")


class Outcome(models.TextChoices):
    """What became of a comment, told in the response document."""

    TAKEN_UP = "taken_up", _("Taken up")
    PARTLY = "partly", _("Partly taken up")
    NOT_TAKEN = "not_taken", _("Not taken up")


class Comment(models.Model):
    """A comment on a section (or a passage of it), or a reply to another comment.

    ``body`` is kept as typed (plain text or the safe Markdown subset) and rendered
    through ``participation.markdown`` on the way out. ``email`` is only for anonymous
    participants: it is never shown and never exported publicly.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    section = models.ForeignKey(DraftSection, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    quote = models.TextField(_("passage"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    body = models.TextField(_("comment"))
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("name shown"), max_length=150, blank=True)
    organisation_name = models.CharField(
        _("on behalf of the organisation"), max_length=200, blank=True
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(max_length=10, choices=CommentStatus.choices)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.TextField(_("reason"), blank=True)
    hidden_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    support_count = models.PositiveIntegerField(default=0)
    report_count = models.PositiveIntegerField(default=0)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_reason = TranslatedField(models.TextField(_("reason for the outcome"), blank=True))
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["section", "status", "parent", "created_at"],
                name="participation_comment_list",
            ),
            models.Index(fields=["consultation", "status"], name="participation_comment_status"),
            models.Index(
                fields=["consultation", "report_count"], name="participation_comment_reports"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.body[:40]}"

    @property
    def is_visible(self) -> bool:
        return self.status == CommentStatus.VISIBLE

    @property
    def is_hidden(self) -> bool:
        return self.status == CommentStatus.HIDDEN

    @property
    def by_organisation(self) -> bool:
        return bool(self.organisation_name)


class Support(models.Model):
    """One person's support for a comment: one per person and comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support of a comment")
        verbose_name_plural = _("supports of comments")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="participation_one_support")
        ]

    def __str__(self) -> str:
        return f"support of comment #{self.comment_id}"


class Report(models.Model):
    """Someone asks the moderators to look at a comment."""

    class Handling(models.TextChoices):
        OPEN = "", _("Open")
        HIDDEN = "hidden", _("Comment hidden")
        DISMISSED = "dismissed", _("Dismissed")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("why should the moderators look at it?"))
    created_at = models.DateTimeField(auto_now_add=True)
    handled = models.CharField(max_length=10, choices=Handling.choices, blank=True, default="")
    handled_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report of a comment")
        verbose_name_plural = _("reports of comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"report on comment #{self.comment_id}"


# --------------------------------------------------------------------------------------
# Open questions (first phase)
# --------------------------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    OPEN = "open", _("Open answer")


class Question(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=QuestionKind.choices)
    text = TranslatedField(models.CharField(_("question"), max_length=300, blank=True))
    help = TranslatedField(models.CharField(_("explanation"), max_length=300, blank=True))

    class Meta:
        verbose_name = _("consultation question")
        verbose_name_plural = _("consultation questions")
        ordering = ["consultation", "position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.kind == QuestionKind.OPEN


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    label = TranslatedField(models.CharField(_("choice"), max_length=200, blank=True))

    class Meta:
        verbose_name = _("answer choice")
        verbose_name_plural = _("answer choices")
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.label


class Submission(models.Model):
    """One person's answers to the open questions; counted once confirmed."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="submissions"
    )
    user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    is_counted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("set of answers")
        verbose_name_plural = _("sets of answers")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=Q(user__isnull=False),
                name="participation_one_submission",
            )
        ]

    def __str__(self) -> str:
        return f"answers #{self.pk}"


class Answer(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.ManyToManyField(Choice, blank=True, related_name="answers")
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"answer to question #{self.question_id}"


# --------------------------------------------------------------------------------------
# "You said, we did"
# --------------------------------------------------------------------------------------


class ResponseDocument(models.Model):
    """The city's answer to a closed consultation: what changed and why, comment by comment."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="response"
    )
    intro = TranslatedField(models.TextField(_("introduction"), blank=True))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("response to the consultation")
        verbose_name_plural = _("responses to consultations")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def __str__(self) -> str:
        return f"response to {self.consultation}"


class ResponseChange(models.Model):
    """One change of the final text, and the comments that led to it."""

    document = models.ForeignKey(ResponseDocument, on_delete=models.CASCADE, related_name="changes")
    position = models.PositiveIntegerField(default=0)
    section_key = models.SlugField(_("section of the final text"), max_length=60, blank=True)
    summary = TranslatedField(models.TextField(_("what changed"), blank=True))
    comments = models.ManyToManyField(Comment, blank=True, related_name="changes")

    class Meta:
        verbose_name = _("change in the final text")
        verbose_name_plural = _("changes in the final text")
        ordering = ["document", "position", "id"]

    def __str__(self) -> str:
        return f"change {self.position} of {self.document}"


# --------------------------------------------------------------------------------------
# Who took part
# --------------------------------------------------------------------------------------


class AgeBand(models.TextChoices):
    UNDER_18 = "under-18", _("under 18")
    FROM_18 = "18-29", _("18 to 29")
    FROM_30 = "30-44", _("30 to 44")
    FROM_45 = "45-64", _("45 to 64")
    FROM_65 = "65-79", _("65 to 79")
    FROM_80 = "80+", _("80 or older")


class YesNo(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")


class Dimension(models.TextChoices):
    AGE_BAND = "age_band", _("Age")
    DISTRICT = "district", _("District")
    LANGUAGE = "language", _("Languages spoken")
    DISABILITY = "disability", _("Living with a disability")
    FIRST_TIME = "first_time", _("Taking part for the first time")


class ParticipantProfile(models.Model):
    """Voluntary answers about who took part, once per person and consultation.

    Linked to nobody: ``participant_hash`` (a keyed hash of the account or e-mail) only
    stops a second answer. Shown only in aggregate, with groups under five suppressed.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="profiles"
    )
    participant_hash = models.CharField(max_length=64)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    district = models.CharField(max_length=100, blank=True)
    languages = models.CharField(max_length=100, blank=True)
    disability = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    first_time = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    created_at = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant profile")
        verbose_name_plural = _("participant profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "participant_hash"], name="participation_one_profile"
            )
        ]

    def __str__(self) -> str:
        return f"profile #{self.pk}"


class PopulationShare(models.Model):
    """The share of the city's population in one group, to compare who took part."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="population_shares"
    )
    dimension = models.CharField(_("question"), max_length=20, choices=Dimension.choices)
    value = models.CharField(_("group"), max_length=100)
    share = models.DecimalField(_("share of the population (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("population share")
        verbose_name_plural = _("population shares")
        ordering = ["dimension", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "dimension", "value"], name="participation_share_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.value}: {self.share} %"


# --------------------------------------------------------------------------------------
# The city's digital-rights principles
# --------------------------------------------------------------------------------------


class PrinciplesVersion(models.Model):
    """One version of the principles; adopted ones are public and never change."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="principles_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))
    preamble = TranslatedField(models.TextField(_("preamble"), blank=True))
    adopted_by = TranslatedField(
        models.CharField(
            _("adopted by"), max_length=200, blank=True, help_text=_("e.g. the city council")
        )
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    source_consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("from the consultation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="principles_versions",
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version of the principles")
        verbose_name_plural = _("versions of the principles")
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="participation_principles_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def is_adopted(self) -> bool:
        return self.adopted_on is not None


class ApprovalStep(models.Model):
    version = models.ForeignKey(
        PrinciplesVersion, on_delete=models.CASCADE, related_name="approval_steps"
    )
    position = models.PositiveIntegerField(default=0)
    body = TranslatedField(
        models.CharField(
            _("body"), max_length=200, blank=True, help_text=_("e.g. the inter-cabinet meeting")
        )
    )
    decided_on = models.DateField(_("date"))
    note = TranslatedField(models.CharField(_("note"), max_length=300, blank=True))

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["version", "decided_on", "position", "id"]

    def __str__(self) -> str:
        return f"{self.body} ({self.decided_on})"


class Signatory(models.Model):
    version = models.ForeignKey(
        PrinciplesVersion, on_delete=models.CASCADE, related_name="signatories"
    )
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=150)
    office = TranslatedField(models.CharField(_("office"), max_length=200, blank=True))

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.name


class PrincipleSection(models.Model):
    version = models.ForeignKey(
        PrinciplesVersion, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveIntegerField(default=0)
    title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))

    class Meta:
        verbose_name = _("section of the principles")
        verbose_name_plural = _("sections of the principles")
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Principle(models.Model):
    """One principle. ``key`` is the same in every version, so its actions carry over."""

    section = models.ForeignKey(
        PrincipleSection, on_delete=models.CASCADE, related_name="principles"
    )
    position = models.PositiveIntegerField(default=0)
    key = models.SlugField(_("key"), max_length=60)
    title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))
    text = TranslatedField(models.TextField(_("text"), blank=True))

    class Meta:
        verbose_name = _("principle")
        verbose_name_plural = _("principles")
        ordering = ["section", "position", "id"]

    def __str__(self) -> str:
        return self.title or self.key


class PrincipleAction(models.Model):
    """An action that carries out a principle, by the principle's key (it survives versions).

    ``kind`` and ``record_id`` point at a record of another app through
    ``core.registry``'s linkable kinds; an action may also be a description alone.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="principle_actions"
    )
    principle_key = models.SlugField(max_length=60)
    description = TranslatedField(models.TextField(_("what the action does"), blank=True))
    kind = models.CharField(_("kind of record"), max_length=60, blank=True)
    record_id = models.CharField(_("record"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action of a principle")
        verbose_name_plural = _("actions of principles")
        ordering = ["principle_key", "id"]
        indexes = [
            models.Index(fields=["organisation", "principle_key"], name="participation_action_key")
        ]

    def __str__(self) -> str:
        return f"action for {self.principle_key}"


# --------------------------------------------------------------------------------------
# Data initiatives by citizen role
# --------------------------------------------------------------------------------------


class CitizenRole(models.TextChoices):
    """The seven roles residents play in urban data initiatives (order of the typology)."""

    INFORMATION_RECIPIENT = "information-recipient", _("Recipient of information")
    DATA_COLLECTOR = "data-collector", _("Participant in data collection")
    DATA_REUSER = "data-reuser", _("Skilled data re-user")
    CONSULTATION_PARTICIPANT = "consultation-participant", _("Participant in public consultations")
    LITERACY_PARTICIPANT = "literacy-participant", _("Participant in data-literacy initiatives")
    DATA_CONTROLLER = "data-controller", _("Controller of data about themselves")
    FOOTPRINT_PRODUCER = "footprint-producer", _("Producer of digital footprints")


class DataInitiative(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="data_initiatives"
    )
    slug = models.SlugField(_("short name in addresses"), max_length=80)
    title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))
    summary = TranslatedField(models.TextField(_("what it is"), blank=True))
    results = TranslatedField(models.TextField(_("results"), blank=True))
    partners = models.CharField(
        _("partners"), max_length=300, blank=True, help_text=_("Comma-separated names.")
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data initiative")
        verbose_name_plural = _("data initiatives")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="participation_initiative_slug"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.slug

    def get_absolute_url(self) -> str:
        return reverse(
            "participation:initiative", kwargs={"org": self.organisation.slug, "slug": self.slug}
        )

    @property
    def partner_list(self) -> list[str]:
        return [name.strip() for name in self.partners.split(",") if name.strip()]


class InitiativeRole(models.Model):
    initiative = models.ForeignKey(DataInitiative, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=CitizenRole.choices)

    class Meta:
        verbose_name = _("citizen role of an initiative")
        verbose_name_plural = _("citizen roles of initiatives")
        ordering = ["initiative", "role"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "role"], name="participation_role_once")
        ]

    def __str__(self) -> str:
        return self.role


class InitiativeLink(models.Model):
    initiative = models.ForeignKey(DataInitiative, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind of record"), max_length=60)
    record_id = models.CharField(_("record"), max_length=40)

    class Meta:
        verbose_name = _("link of an initiative")
        verbose_name_plural = _("links of initiatives")
        ordering = ["initiative", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "kind", "record_id"], name="participation_link_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.record_id}"
