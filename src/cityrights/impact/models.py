"""Impact assessments: screenings, full assessments, risks, review, summaries, procurement.

Questionnaires are not tables. A :class:`TemplateVersion` keeps a validated template file
(screening or full assessment) as a JSON snapshot and every screening or assessment
points at the snapshot it was answered with, so loading a newer template never changes
how an older assessment reads. The same holds for the procurement checklist
(:class:`ProcurementChecklistVersion`). Answers refer to questions by their stable keys.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cityrights.core.elision import fill
from cityrights.core.models import Department, Organisation
from cityrights.core.translation import (
    Shown,
    TranslatedField,
    shown,
    shown_from_mapping,
    translations,
)
from cityrights.register.models import Entry

from .workflow import Decision as DecisionValue
from .workflow import Status as StatusValue

LEVELS = [MinValueValidator(1), MaxValueValidator(4)]

# Parsed template objects keyed by snapshot hash: parsing validates the whole file, which
# is worth doing once per process, not on every request. The snapshot hash (not the
# content hash) so that translations refreshed in place are seen.
_PARSED: dict[str, Any] = {}


class TemplateKind(models.TextChoices):
    SCREENING = "screening", _("Screening")
    ASSESSMENT = "assessment", _("Full assessment")


class VersionedData(models.Model):
    """A validated data file frozen as JSON, identified by ``key`` and ``version``.

    ``content_hash`` fingerprints what the version means (structure and English) and never
    changes; the translations in ``data`` may be completed in place, which changes
    ``snapshot_hash`` only (see ``cityrights.core.datafiles``).
    """

    key = models.CharField(_("identifier"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    content_hash = models.CharField(_("content hash"), max_length=64)
    snapshot_hash = models.CharField(_("snapshot hash"), max_length=64, blank=True)
    data = models.JSONField(_("validated content"))
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["key", "-version"]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def content(self) -> Any:
        """The parsed template or checklist of this snapshot (each kind says which)."""
        raise NotImplementedError

    @property
    def display_name(self) -> str:
        """The title in the reader's language and the version, where staff and documents
        name the snapshot ("Évaluation d'impact…, version 1"): the key is for software."""
        from cityrights.core.datafiles import snapshot_name

        return snapshot_name(self.content().title, self.title, self.version)

    def parsed(self, parse: Any) -> Any:
        key = self.snapshot_hash or self.content_hash
        cached = _PARSED.get(key)
        if cached is None:
            cached = parse(self.data)
            _PARSED[key] = cached
        return cached


class TemplateVersion(VersionedData):
    """One loaded version of a screening or full-assessment template."""

    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices)

    class Meta(VersionedData.Meta):
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="impact_template_version")
        ]

    @property
    def template(self) -> Any:
        """The immutable template object of this snapshot (built once per process)."""
        from . import content

        if self.kind == TemplateKind.SCREENING:
            return self.parsed(content.screening_from_data)
        return self.parsed(content.assessment_from_data)

    def content(self) -> Any:
        return self.template


class ProcurementChecklistVersion(VersionedData):
    """One loaded version of the human-rights requirements for tenders."""

    class Meta(VersionedData.Meta):
        verbose_name = _("procurement checklist version")
        verbose_name_plural = _("procurement checklist versions")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="impact_checklist_version")
        ]

    @property
    def checklist(self) -> Any:
        from . import content

        return self.parsed(content.checklist_from_data)

    def content(self) -> Any:
        return self.checklist


class AssessmentKind(models.TextChoices):
    NONE = "none", _("No full assessment needed")
    DPIA = "dpia", _("Data-protection impact assessment")
    HRIA = "hria", _("Human-rights impact assessment")
    BOTH = "both", _("Both data protection and human rights")


class Screening(models.Model):
    """The short questionnaire that decides whether and which full assessment is needed."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="impact_screenings"
    )
    template = models.ForeignKey(
        TemplateVersion,
        verbose_name=_("screening template"),
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    project = models.CharField(_("project"), max_length=200)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answers = models.JSONField(_("answers"), default=dict)
    needed = models.BooleanField(_("full assessment needed"))
    kind = models.CharField(_("kind"), max_length=10, choices=AssessmentKind.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    screened_at = models.DateTimeField(_("screened"), default=timezone.now)

    class Meta:
        ordering = ["-screened_at", "-id"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return fill(gettext("Screening of %(project)s"), {"project": self.project})


class Status(models.TextChoices):
    DRAFT = StatusValue.DRAFT.value, _("Draft")
    SUBMITTED = StatusValue.SUBMITTED.value, _("Submitted")
    UNDER_REVIEW = StatusValue.UNDER_REVIEW.value, _("Under review")
    DECIDED = StatusValue.DECIDED.value, _("Decided")


class Decision(models.TextChoices):
    APPROVE = DecisionValue.APPROVE.value, _("Approved")
    APPROVE_WITH_CONDITIONS = (
        DecisionValue.APPROVE_WITH_CONDITIONS.value,
        _("Approved with conditions"),
    )
    ON_HOLD = DecisionValue.ON_HOLD.value, _("On hold")
    REJECT = DecisionValue.REJECT.value, _("Rejected")


class Band(models.TextChoices):
    """Risk bands, low to very high; the template's band rule maps a score to one."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    VERY_HIGH = "very-high", _("Very high")


BAND_ORDER = {Band.LOW: 1, Band.MEDIUM: 2, Band.HIGH: 3, Band.VERY_HIGH: 4}


class ImpactAssessment(models.Model):
    """A human-rights and/or data-protection impact assessment of one project."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="impact_assessments"
    )
    screening = models.ForeignKey(
        Screening,
        verbose_name=_("screening"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
    )
    template = models.ForeignKey(
        TemplateVersion,
        verbose_name=_("template version"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    title = models.CharField(_("title"), max_length=200)
    #: The team writes an assessment in one language (its answers, risks, mitigations,
    #: conditions, comments and reasons); a page in another language marks those texts
    #: with it, so a screen reader reads them with the right voice (WCAG 3.1.2). Blank for
    #: assessments begun before it was recorded: the city's first language, as for titles.
    language = models.CharField(
        _("working language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language the team writes this assessment in."),
    )
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("register entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="impact_assessments",
        help_text=_("The system in the transparency register that this assessment is about."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[c for c in AssessmentKind.choices if c[0] != AssessmentKind.NONE],
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project lead"),
        on_delete=models.PROTECT,
        related_name="impact_assessments",
        help_text=_("Writes the assessment and may never decide on it."),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    decision = models.CharField(_("decision"), max_length=30, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reassessment_due = models.DateField(_("reassess by"), null=True, blank=True)
    highest_band = models.CharField(
        _("highest risk"),
        max_length=10,
        choices=Band.choices,
        blank=True,
        help_text=_("The highest inherent risk band of the assessment's risks."),
    )
    highest_residual_band = models.CharField(
        _("highest residual risk"), max_length=10, choices=Band.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("impact assessment")
        verbose_name_plural = _("impact assessments")
        indexes = [
            models.Index(fields=["organisation", "status"], name="impact_assess_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="decided", decision__in=[d.value for d in Decision])
                | (~Q(status="decided") & Q(decision="")),
                name="impact_decision_iff_decided",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("author")),
                name="impact_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def working_language(self) -> str:
        """The language its working texts are written in (the city's first if not recorded)."""
        return self.language or self.organisation.default_language

    def get_absolute_url(self) -> str:
        return reverse("impact:detail", kwargs={"org": self.organisation.slug, "pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_decided(self) -> bool:
        return self.status == Status.DECIDED

    @property
    def is_approved(self) -> bool:
        return self.is_decided and self.decision in {
            Decision.APPROVE,
            Decision.APPROVE_WITH_CONDITIONS,
        }

    @property
    def reassessment_overdue(self) -> bool:
        return bool(self.reassessment_due and self.reassessment_due < timezone.localdate())


class DecisionRecord(models.Model):
    """Every decision ever taken on an assessment, so a reopened one keeps its history."""

    assessment = models.ForeignKey(
        ImpactAssessment, on_delete=models.CASCADE, related_name="decision_history"
    )
    decision = models.CharField(_("decision"), max_length=30, choices=Decision.choices)
    reasons = models.TextField(_("reasons"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    reassessment_due = models.DateField(_("reassess by"), null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.assessment}: {self.get_decision_display()}"


class RiskItem(models.Model):
    """A possible harm to one right, rated before (inherent) and after mitigation (residual)."""

    assessment = models.ForeignKey(ImpactAssessment, on_delete=models.CASCADE, related_name="risks")
    right = models.CharField(_("affected right"), max_length=60)
    description = models.TextField(_("description"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), validators=LEVELS)
    severity = models.PositiveSmallIntegerField(_("severity"), validators=LEVELS)
    residual_likelihood = models.PositiveSmallIntegerField(
        _("residual likelihood"), validators=LEVELS, null=True, blank=True
    )
    residual_severity = models.PositiveSmallIntegerField(
        _("residual severity"), validators=LEVELS, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=4)
                & Q(severity__gte=1, severity__lte=4),
                name="impact_risk_levels",
            ),
            models.CheckConstraint(
                condition=(
                    Q(residual_likelihood__isnull=True, residual_severity__isnull=True)
                    | Q(
                        residual_likelihood__gte=1,
                        residual_likelihood__lte=4,
                        residual_severity__gte=1,
                        residual_severity__lte=4,
                    )
                ),
                name="impact_risk_residual_levels",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.right}: {self.description[:60]}"

    @property
    def has_residual(self) -> bool:
        return self.residual_likelihood is not None and self.residual_severity is not None


class MitigationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Mitigation(models.Model):
    """An action that lowers a risk, with who does it and by when."""

    risk = models.ForeignKey(RiskItem, on_delete=models.CASCADE, related_name="mitigations")
    action = models.TextField(_("action"))
    owner = models.CharField(_("owner"), max_length=200, help_text=_("A person or a team."))
    due = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MitigationStatus.choices,
        default=MitigationStatus.PLANNED,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("mitigation")
        verbose_name_plural = _("mitigations")

    def __str__(self) -> str:
        return self.action[:80]


class Condition(models.Model):
    """Something the reviewer requires before or while the project goes ahead."""

    assessment = models.ForeignKey(
        ImpactAssessment, on_delete=models.CASCADE, related_name="conditions"
    )
    text = models.TextField(_("condition"))
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    due = models.DateField(_("due date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_note = models.TextField(_("how it was met"), blank=True)

    class Meta:
        ordering = ["closed_at", "due", "id"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(closing_note=""),
                name="impact_condition_closing_note",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due is not None and self.due < timezone.localdate()


class Comment(models.Model):
    """A remark in the thread of one section ("" is the thread about the whole assessment)."""

    assessment = models.ForeignKey(
        ImpactAssessment, on_delete=models.CASCADE, related_name="comments"
    )
    section = models.CharField(_("section"), max_length=60, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:60]


#: The summary's texts entered per city language (``title_en``, ``text_fr``, …).
SUMMARY_TEXTS = ("title", "text")


class PublicSummary(models.Model):
    """The plain-language summary residents read. Public only once approved and published.

    Written in each of the city's languages (required in the first); ``summary.text`` reads
    the active language with the city's fallback. Before publishing, the reviewer sees the
    languages still missing (``services.summary_gaps``) and confirms that list.

    ``title`` is the project's name as residents read it, per language: the assessment's own
    title is the staff's working title, in the language they work in, and public pages,
    feeds and exports name the project by the summary's title (:meth:`shown_title`).
    """

    assessment = models.OneToOneField(
        ImpactAssessment, on_delete=models.CASCADE, related_name="public_summary"
    )
    title = TranslatedField(models.CharField(_("title for residents"), max_length=200, blank=True))
    text = TranslatedField(models.TextField(_("summary"), blank=True))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("public summary")
        verbose_name_plural = _("public summaries")
        constraints = [
            models.CheckConstraint(
                condition=Q(published=False) | Q(approved_at__isnull=False),
                name="impact_summary_published_only_if_approved",
            )
        ]

    def __str__(self) -> str:
        return fill(gettext("Summary of %(title)s"), {"title": self.assessment.title})

    @property
    def is_public(self) -> bool:
        return self.published and self.approved_at is not None

    def shown_title(self, language: str | None = None) -> Shown:
        """The title a reader of ``language`` (the active one) gets, marked with its language;
        the assessment's working title (in the city's first language) when none is written."""
        found = shown(self, "title", language)
        if found:
            return found
        languages = self.assessment.organisation.content_languages
        return Shown(self.assessment.title, languages[0] if languages else "")


class Procurement(models.Model):
    """A tender for a digital solution and which human-rights requirements it included."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="impact_procurements"
    )
    checklist = models.ForeignKey(
        ProcurementChecklistVersion,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        related_name="procurements",
    )
    tender = TranslatedField(models.CharField(_("tender name"), max_length=200, blank=True))
    reference = models.CharField(_("tender reference"), max_length=100, blank=True)
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("register entry of the purchased system"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="impact_procurements",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answers = models.JSONField(
        _("requirements"),
        default=dict,
        blank=True,
        help_text=_('Per requirement key: {"included": true/false, "reasons": {"en": "…"}}.'),
    )
    public = models.BooleanField(
        _("show on the public register page"),
        default=True,
        help_text=_("Residents see which requirements the tender included and why others not."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("procurement")
        verbose_name_plural = _("procurements")

    def __str__(self) -> str:
        return str(self.tender)

    def reason(self, key: str, language: str | None = None) -> Shown:
        """Why requirement ``key`` was left out (or how it was included), in the reader's
        language with the city's fallback; residents read it on the register entry."""
        given = self.answers.get(key) or {}
        return shown_from_mapping(given.get("reasons") or {}, language)

    def missing_languages(self) -> list[str]:
        """The city's languages in which the tender's name or a reason has no text yet."""
        languages = self.organisation.content_languages
        texts = [translations(self, "tender")] + [
            given.get("reasons") or {} for given in self.answers.values()
        ]
        return [
            code
            for code in languages
            if any(filled and not (filled.get(code) or "").strip() for filled in texts)
        ]

    def get_absolute_url(self) -> str:
        return reverse("impact:procurement", kwargs={"org": self.organisation.slug, "pk": self.pk})
