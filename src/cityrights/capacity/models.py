"""Capacity building: the staff needs survey, training programmes, attendance, certificates.

The survey's anonymity is a property of these tables, so it is stated here once and
tested against the schema (``tests/capacity/test_anonymity.py``); ``docs/capacity.md``
says why:

* :class:`SurveyParticipation` says *who* answered a round and nothing else: no time, no
  department, no reference to an answer, a random primary key.
* :class:`SurveyAnswer` says *what* was answered and nothing else: the round and the
  department (the only grouping), no person, no time, a random primary key.
* Answers reach :class:`SurveyAnswer` in shuffled batches through :class:`PooledAnswer`
  (see ``anonymity.py``), so not even the order of rows on disk pairs an answer with a
  participation.

Module evaluations (before/after self-ratings) follow the same pattern with
:class:`EvaluationGiven` and :class:`EvaluationRating`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrights.core.models import Department, Organisation
from cityrights.core.translation import TranslatedField

# Parsed survey objects keyed by content hash: parsing validates the whole file, which is
# worth doing once per process, not on every request.
_PARSED: dict[str, Any] = {}


# --------------------------------------------------------------------------------------
# Survey content
# --------------------------------------------------------------------------------------


class SurveyVersion(models.Model):
    """A validated survey file frozen as JSON, identified by ``key`` and ``version``.

    ``content_hash`` covers the structure and the English texts (what the version
    means); ``snapshot_hash`` covers the translations too, which may be completed in
    place under the same version (``docs/development.md``, "Content files").
    """

    key = models.CharField(_("identifier"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    content_hash = models.CharField(_("content hash"), max_length=64)
    snapshot_hash = models.CharField(_("snapshot hash"), max_length=64, blank=True)
    data = models.JSONField(_("validated content"))
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="capacity_survey_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @property
    def survey(self) -> Any:
        """The immutable :class:`~cityrights.capacity.survey.Survey` of this snapshot."""
        from .survey import survey_from_data

        key = self.snapshot_hash or self.content_hash
        cached = _PARSED.get(key)
        if cached is None:
            cached = survey_from_data(self.data, source=str(self))
            _PARSED[key] = cached
        return cached


# --------------------------------------------------------------------------------------
# Survey rounds and anonymous answers
# --------------------------------------------------------------------------------------


class Audience(models.TextChoices):
    ALL = "all", _("All staff")
    DEPARTMENTS = "departments", _("Chosen departments")


class RoundState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SurveyRound(models.Model):
    """One run of the survey in a city: dates, audience, and when it was closed."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="survey_rounds",
    )
    survey = models.ForeignKey(
        SurveyVersion, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="rounds"
    )
    title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    audience = models.CharField(
        _("who is asked"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="+"
    )
    audience_size = models.PositiveIntegerField(
        _("people asked"),
        null=True,
        blank=True,
        help_text=_("Counted when the round closes; while it is open it is counted live."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    tallies = models.JSONField(
        _("counts per department"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Kept when the round closes: its figures never change afterwards."),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="capacity_round_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.survey} · {self.opens_on:%Y-%m-%d}"

    def state(self, today: Any = None) -> str:
        """Scheduled before its first day, closed after its last day or when closed early."""
        today = today or timezone.localdate()
        if self.closed_at is not None or today > self.closes_on:
            return RoundState.CLOSED
        if today < self.opens_on:
            return RoundState.SCHEDULED
        return RoundState.OPEN

    @property
    def is_open(self) -> bool:
        return self.state() == RoundState.OPEN

    def get_state_display(self) -> str:
        return str(RoundState(self.state()).label)


class SurveyParticipation(models.Model):
    """That a person has answered a round. Nothing else: see the module docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="participations")
    # Empty once the person deleted their account: the round's count of answers stays.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("survey participation")
        verbose_name_plural = _("survey participations")
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="capacity_answer_once")
        ]

    def __str__(self) -> str:
        return f"participation in round {self.round_id}"


class SurveyAnswer(models.Model):
    """What one person answered in a round. No person, no time: see the module docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="answers")
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(default=dict)
    others = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")

    def __str__(self) -> str:
        return f"answer to round {self.round_id}"


class PooledAnswer(models.Model):
    """An answer (or rating) waiting for its batch; see ``anonymity.py``.

    ``pool`` names the destination (``survey:<round>``, ``evaluation:<module>:<phase>``);
    ``payload`` is what will be written there. Rows live here only until their batch
    is complete or the round closes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pool = models.CharField(max_length=80, db_index=True)
    payload = models.JSONField()

    class Meta:
        verbose_name = _("answer waiting for its batch")
        verbose_name_plural = _("answers waiting for their batch")

    def __str__(self) -> str:
        return f"waiting in {self.pool}"


# --------------------------------------------------------------------------------------
# Training programmes
# --------------------------------------------------------------------------------------


class ProgrammeAudience(models.TextChoices):
    STAFF = "staff", _("City staff")
    YOUTH = "youth", _("Young people")
    RESIDENTS = "residents", _("Residents")


PUBLIC_AUDIENCES = (ProgrammeAudience.YOUTH, ProgrammeAudience.RESIDENTS)


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Open for registration")
    CLOSED = "closed", _("Finished")


class Area(models.TextChoices):
    """The six thematic areas of the Digital Rights Governance Guide (the register's keys)."""

    INCLUSION = "inclusion", _("Digital inclusion, equality and equity")
    AUTONOMY = "autonomy", _("Freedom, autonomy and control")
    TRANSPARENCY = "transparency", _("Transparency and accountability")
    PARTICIPATION = "participation", _("Public engagement and participation")
    PRIVACY = "privacy", _("Privacy, safety and security")
    PUBLIC_GOODS = "public_goods", _("Public goods and open infrastructure")


class Programme(models.Model):
    """A training programme for one audience: modules, sessions and certificate rules."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="training_programmes",
    )
    title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))
    description = TranslatedField(models.TextField(_("description"), blank=True))
    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=ProgrammeAudience.choices,
        default=ProgrammeAudience.STAFF,
        help_text=_(
            "Staff programmes are for the city's members; programmes for young people "
            "and residents are listed on the city's public pages."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    certificate_text = TranslatedField(
        models.TextField(
            _("text on certificates"),
            blank=True,
            help_text=_(
                "One or two sentences on what participants learned, printed on certificates."
            ),
        )
    )
    planned_from = models.ForeignKey(
        SurveyRound,
        verbose_name=_("planned from the survey round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
    )
    issuing_started_at = models.DateTimeField(_("certificates issued since"), null=True, blank=True)
    issuing_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")

    def __str__(self) -> str:
        return self.title or _("Programme %(number)s") % {"number": self.pk}

    @property
    def is_public(self) -> bool:
        return self.audience in PUBLIC_AUDIENCES and self.status != ProgrammeStatus.DRAFT

    @property
    def issuing(self) -> bool:
        """Whether certificates are issued (and corrected) as attendance changes."""
        return self.issuing_started_at is not None


class CertificateKind(models.TextChoices):
    COMPLETION = "completion", _("Certificate of completion")
    ATTENDANCE = "attendance", _("Certificate of attendance")


# A person holds at most one certificate per programme: the first rule that holds, in
# this order (completion outranks attendance).
KIND_ORDER = (CertificateKind.COMPLETION, CertificateKind.ATTENDANCE)


class CertificateRule(models.Model):
    """A kind of certificate is due for attending between ``min_modules`` and
    ``max_modules`` distinct modules of the programme (no upper bound when empty)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    min_modules = models.PositiveSmallIntegerField(
        _("at least this many modules"), validators=[MinValueValidator(1)]
    )
    max_modules = models.PositiveSmallIntegerField(
        _("at most this many modules"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no upper limit."),
    )

    class Meta:
        ordering = ["programme", "kind"]
        verbose_name = _("certificate rule")
        verbose_name_plural = _("certificate rules")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind"], name="capacity_one_rule_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(max_modules__isnull=True) | Q(max_modules__gte=models.F("min_modules")),
                name="capacity_rule_bounds_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.min_modules}–{self.max_modules or '∞'}"


class Module(models.Model):
    """One part of a programme, taught in one or more sessions."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))
    description = TranslatedField(models.TextField(_("description"), blank=True))
    learning_goals = TranslatedField(
        models.TextField(
            _("learning goals"),
            blank=True,
            help_text=_("What participants can do afterwards, one goal per line."),
        )
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    areas = models.JSONField(_("thematic areas"), default=list, blank=True)
    evaluation = models.BooleanField(
        _("ask participants to rate themselves before and after"), default=True
    )

    class Meta:
        ordering = ["programme", "position", "id"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return self.title or _("Module %(number)s") % {"number": self.position}

    def goal_lines(self) -> list[str]:
        return [line.strip() for line in self.learning_goals.splitlines() if line.strip()]


# Documents people open on their own computer; nothing a browser would run (HTML, SVG).
MATERIAL_EXTENSIONS = [
    "pdf", "odt", "odp", "ods", "docx", "pptx", "xlsx", "doc", "ppt", "xls", "txt", "csv",
    "png", "jpg", "jpeg", "webp", "mp3", "mp4", "webm",
]  # fmt: skip


class Material(models.Model):
    """A file or a link that goes with a module."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="materials")
    title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))
    file = models.FileField(
        _("file"),
        upload_to="capacity/materials/%Y/",
        blank=True,
        validators=[FileExtensionValidator(MATERIAL_EXTENSIONS)],
    )
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["module", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="capacity_material_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.file.name or ""

    def get_absolute_url(self) -> str:
        """Where participants open it: the link, or the file through a checked view."""
        if self.url:
            return self.url
        from django.urls import reverse

        return reverse(
            "capacity:material",
            kwargs={"org": self.module.programme.organisation.slug, "pk": self.pk},
        )


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Session(models.Model):
    """A module taught at a time and place (or link), by a trainer, for a number of people."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="training_sessions"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    format = models.CharField(
        _("format"), max_length=20, choices=SessionFormat.choices, default=SessionFormat.IN_PERSON
    )
    place = TranslatedField(
        models.CharField(
            _("place"),
            max_length=300,
            blank=True,
            help_text=_("Address and room, for people who come."),
        )
    )
    link = models.URLField(_("link to join online"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_sessions",
        help_text=_("A member of the city; they record attendance for this session."),
    )
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="capacity_session_ends_after"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="capacity_session_places"),
        ]
        indexes = [models.Index(fields=["organisation", "starts_at"], name="capacity_session_when")]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")
        return f"{self.module} · {when}"

    @property
    def programme(self) -> Programme:
        return self.module.programme

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """A person's place in a session (or on its waiting list) and their attendance."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="training_registrations",
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    queued_at = models.DateTimeField(
        _("in the queue since"), default=timezone.now, help_text=_("Order of the waiting list.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session", "queued_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="capacity_register_once")
        ]
        indexes = [
            models.Index(fields=["session", "status", "queued_at"], name="capacity_queue"),
            models.Index(fields=["person", "attended"], name="capacity_attended"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.session}"


# --------------------------------------------------------------------------------------
# Module evaluation: before/after self-ratings, anonymous like the survey
# --------------------------------------------------------------------------------------


class EvaluationPhase(models.TextChoices):
    BEFORE = "before", _("Before the module")
    AFTER = "after", _("After the module")


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class EvaluationGiven(models.Model):
    """That a person rated themselves for a module and phase. Nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(max_length=10, choices=EvaluationPhase.choices)

    class Meta:
        verbose_name = _("evaluation given")
        verbose_name_plural = _("evaluations given")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "person", "phase"], name="capacity_evaluate_once"
            )
        ]

    def __str__(self) -> str:
        return f"evaluation of module {self.module_id} ({self.phase})"


class EvaluationRating(models.Model):
    """One self-rating of a module. No person, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="ratings")
    phase = models.CharField(max_length=10, choices=EvaluationPhase.choices)
    rating = models.PositiveSmallIntegerField(validators=RATING)

    class Meta:
        verbose_name = _("self-rating")
        verbose_name_plural = _("self-ratings")

    def __str__(self) -> str:
        return f"rating of module {self.module_id} ({self.phase})"


# --------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------


class RevocationReason(models.TextChoices):
    SUPERSEDED = "superseded", _("Replaced by a certificate of completion")
    DOWNGRADED = "downgraded", _("Attendance was corrected: a certificate of attendance is due")
    NOT_DUE = "not_due", _("Attendance was corrected: no certificate is due")
    STAFF = "staff", _("Revoked by the city")


# Verification codes: Crockford's base32 without I, L, O, U, so a code read aloud or
# typed from paper cannot be mistaken; 10 characters hold 50 random bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
STATUS_LIST_SIZE = 131_072  # bits per status list: 16 KB, the Bitstring Status List minimum


class Certificate(models.Model):
    """A certificate of completion or attendance, given by a programme's rules.

    It is printed as a PDF with a QR code to ``/v/<code>`` and issued as an Open Badges
    3.0 credential (``credential``, a signed JWT). Revoking it sets its bit in the
    city's status list, which verifiers read.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="training_certificates"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="certificates")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_certificates",
    )
    recipient_name = models.CharField(_("name on the certificate"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    code = models.CharField(_("verification code"), max_length=CODE_LENGTH, unique=True)
    credential_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject_id = models.UUIDField(default=uuid.uuid4, editable=False)
    modules_attended = models.PositiveSmallIntegerField(_("modules attended"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.CharField(
        _("reason"), max_length=20, choices=RevocationReason.choices, blank=True
    )
    revocation_note = models.TextField(_("note"), blank=True)
    status_index = models.PositiveIntegerField(_("position in the status list"))
    credential = models.TextField(_("signed credential"), blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=Q(revoked_at__isnull=True),
                name="capacity_one_valid_certificate",
            ),
            models.UniqueConstraint(
                fields=["organisation", "status_index"], name="capacity_status_index"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "issued_at"], name="capacity_cert_issued")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.recipient_name} · {self.display_code}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def name_erased(self) -> bool:
        """The holder deleted their account: the city keeps the certificate, not the name."""
        return not self.recipient_name

    @property
    def shown_name(self) -> str:
        if self.name_erased:
            return str(_("not kept: the holder deleted their account"))
        return self.recipient_name

    @property
    def display_code(self) -> str:
        return f"{self.code[:5]}-{self.code[5:]}"

    @property
    def status_list(self) -> int:
        return self.status_index // STATUS_LIST_SIZE

    def get_verification_url(self) -> str:
        from django.urls import reverse

        return reverse("capacity:verify", kwargs={"code": self.code})
