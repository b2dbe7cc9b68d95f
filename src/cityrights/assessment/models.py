"""Assessment data: framework snapshots, yearly cycles, answers, resolutions, roadmap, sharing.

The questionnaire itself is not stored in tables: a :class:`FrameworkVersion` keeps the
validated framework file as a JSON snapshot, and every cycle points at the snapshot it was
answered with. Loading a newer framework version therefore never changes how an older
cycle reads or scores. Answers refer to questions by their stable key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cityrights.core.models import Department, Organisation
from cityrights.core.translation import TranslatedField

if TYPE_CHECKING:
    from .framework import Framework

EVIDENCE_EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "odt", "ods", "docx", "xlsx", "txt", "csv"]
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024

# Framework objects built from snapshots, keyed by snapshot hash: building one validates
# the whole file, which is worth doing once per process, not once per request. The
# snapshot hash (not the content hash) so that translations refreshed in place are seen.
_FRAMEWORK_CACHE: dict[str, Framework] = {}


class FrameworkVersion(models.Model):
    """One loaded version of a framework file, frozen as validated JSON.

    ``content_hash`` fingerprints what the version means (structure and English) and never
    changes; the translations in ``data`` may be completed in place, which changes
    ``snapshot_hash`` only (see ``docs/assessment.md``, "Versions and translations").
    """

    key = models.CharField(_("framework"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    content_hash = models.CharField(_("content hash"), max_length=64)
    snapshot_hash = models.CharField(_("snapshot hash"), max_length=64, blank=True)
    legacy_hash = models.CharField(
        _("former content hash"),
        max_length=64,
        blank=True,
        help_text=_(
            "The hash this version had when content hashes still covered translations; "
            "exports made then carry it."
        ),
    )
    data = models.JSONField(_("validated content"))
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="assessment_framework_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @property
    def display_name(self) -> str:
        """The framework's title in the reader's language and the version, where pages and
        reports name it ("Gids 2022, versie 1"): the key is for software and files."""
        from cityrights.core.datafiles import snapshot_name

        return snapshot_name(self.framework.title, self.title, self.version)

    @property
    def framework(self) -> Framework:
        """The immutable framework object of this snapshot (built once per process)."""
        from .framework import framework_from_data

        key = self.snapshot_hash or self.content_hash
        cached = _FRAMEWORK_CACHE.get(key)
        if cached is None:
            cached = framework_from_data(self.data, source=str(self))
            _FRAMEWORK_CACHE[key] = cached
        return cached

    def accepts_hash(self, value: str) -> bool:
        """Whether an export carrying the content hash ``value`` was made with this version."""
        return bool(value) and value in {self.content_hash, self.legacy_hash}


class CycleStatus(models.TextChoices):
    OPEN = "open", _("Open for answers")
    SUBMITTED = "submitted", _("Submitted for validation")
    VALIDATED = "validated", _("Validated")


class AssessmentCycle(models.Model):
    """A city's self-assessment of one year, answered against one framework version."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="assessment_cycles",
    )
    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    framework = models.ForeignKey(
        FrameworkVersion,
        verbose_name=_("framework version"),
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CycleStatus.choices, default=CycleStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        help_text=_("When set, the results of this validated cycle are on the public pages."),
    )
    validations = models.PositiveIntegerField(
        _("validations"),
        default=0,
        help_text=_(
            "How many times the assessment was validated. The answers given since the last "
            "validation are the version the next one decides on."
        ),
    )
    scores = models.JSONField(
        _("scores at validation"),
        default=dict,
        blank=True,
        help_text=_("Cell, area, pillar and overall scores, frozen when the cycle is validated."),
    )

    class Meta:
        ordering = ["organisation", "-year"]
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="assessment_cycle_year")
        ]
        indexes = [models.Index(fields=["status", "organisation", "-year"], name="assess_cyc_st")]

    def __str__(self) -> str:
        return _("Assessment %(year)s") % {"year": self.year}

    @property
    def is_open(self) -> bool:
        return self.status == CycleStatus.OPEN

    @property
    def is_validated(self) -> bool:
        return self.status == CycleStatus.VALIDATED

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.is_validated


class PublishedResults(models.Model):
    """The body of a cycle's public results page in one language, stored at publication.

    The page recomputed scores, charts and tables on every request; it now shows what was
    published. ``framework_snapshot`` is the framework's ``snapshot_hash`` the texts came
    from: when translations are completed in place later, the stored body no longer matches
    and the page is rendered live until the next publication (see ``published.py``).
    """

    cycle = models.ForeignKey(
        AssessmentCycle,
        verbose_name=_("assessment cycle"),
        on_delete=models.CASCADE,
        related_name="published_results",
    )
    language = models.CharField(_("language"), max_length=10)
    framework_snapshot = models.CharField(_("framework snapshot"), max_length=64, blank=True)
    body = models.TextField(_("page body"))
    rendered_at = models.DateTimeField(_("rendered"), auto_now=True)

    class Meta:
        verbose_name = _("published results")
        verbose_name_plural = _("published results")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "language"], name="assessment_published_results_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} ({self.language})"


class SectionAssignment(models.Model):
    """Who answers which part of a cycle: an area, a pillar, or one area x pillar cell.

    Leaving the area (or pillar) empty means "every area" (or "every pillar"); at least
    one of them is set. The assignee is a department (all its editors) or a named person.
    """

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="assignments")
    area = models.CharField(_("area"), max_length=60, blank=True)
    pillar = models.CharField(_("pillar"), max_length=60, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessment_assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "pillar", "id"]
        verbose_name = _("section assignment")
        verbose_name_plural = _("section assignments")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(area="", pillar=""), name="assessment_assignment_scope"
            ),
            models.CheckConstraint(
                condition=models.Q(department__isnull=False) | models.Q(user__isnull=False),
                name="assessment_assignment_assignee",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.department
        return f"{self.area or '*'} / {self.pillar or '*'} → {who}"

    def covers(self, area: str, pillar: str) -> bool:
        return (not self.area or self.area == area) and (not self.pillar or self.pillar == pillar)


class ResponseValue(models.TextChoices):
    DONT_KNOW = "dont_know", _("Don't know")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


def evidence_path(instance: Response, filename: str) -> str:
    cycle = instance.cycle
    return f"assessment/evidence/{cycle.organisation_id}/{cycle.year}/{filename}"


def validate_evidence_size(file: Any) -> None:
    if getattr(file, "size", 0) > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": EVIDENCE_MAX_BYTES // 1_048_576}
        )


class Response(models.Model):
    """One respondent's answer to one question of a cycle.

    ``value`` is a level ("1".."5"), ``dont_know`` or ``not_applicable``.
    ``respondent_key`` identifies the respondent uniquely within a cycle: ``user-<id>``
    for an account, ``imported-<label>`` for answers imported from another instance
    (whose people do not exist here).
    """

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="responses")
    question = models.CharField(_("question"), max_length=60)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_responses",
    )
    respondent_key = models.CharField(max_length=80)
    respondent_label = models.CharField(_("respondent"), max_length=200, blank=True)
    value = models.CharField(_("answer"), max_length=20)
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True, max_length=500)
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to=evidence_path,
        blank=True,
        max_length=300,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS), validate_evidence_size],
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        ordering = ["question", "respondent_key"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "question", "respondent_key"], name="assessment_one_answer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"

    @property
    def scored_value(self) -> int | str:
        """The value as scoring expects it: an int level or a non-numeric keyword."""
        return int(self.value) if self.value.isdigit() else self.value

    @property
    def who(self) -> str:
        return str(self.respondent) if self.respondent else self.respondent_label


class Resolution(models.Model):
    """The officer's decision for a question on which respondents disagree."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="resolutions")
    question = models.CharField(_("question"), max_length=60)
    value = models.CharField(_("resolved answer"), max_length=20)
    note = models.TextField(_("why"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "question"], name="assessment_one_resolution")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"

    @property
    def scored_value(self) -> int | str:
        return int(self.value) if self.value.isdigit() else self.value


class Horizon(models.TextChoices):
    SHORT = "short", _("Short term (within a year)")
    MEDIUM = "medium", _("Medium term (1 to 3 years)")
    LONG = "long", _("Long term (more than 3 years)")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class RoadmapAction(models.Model):
    """A step of the city's roadmap, usually made from a recommendation of a cycle.

    The KPI's name, unit and direction are copied from the framework when the action is
    made, so the roadmap keeps reading the same after a new framework version. The title,
    description and KPI name are kept in every language the framework has (an action made
    from a recommendation starts with the framework's wording in each), so a Dutch reader
    of an action a French-speaking officer made reads Dutch; the city edits them per language.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="roadmap_actions"
    )
    cycle = models.ForeignKey(
        AssessmentCycle,
        verbose_name=_("from the assessment of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    recommendation = models.CharField(_("recommendation"), max_length=60, blank=True)
    area = models.CharField(_("area"), max_length=60, blank=True)
    pillar = models.CharField(_("pillar"), max_length=60, blank=True)
    title = TranslatedField(models.CharField(_("title"), max_length=300, blank=True))
    description = TranslatedField(models.TextField(_("description"), blank=True))
    owner = models.ForeignKey(
        Department,
        verbose_name=_("owner department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    horizon = models.CharField(
        _("horizon"), max_length=10, choices=Horizon.choices, default=Horizon.SHORT
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    kpi_key = models.CharField(_("indicator"), max_length=60, blank=True)
    kpi_name = TranslatedField(models.CharField(_("indicator name"), max_length=300, blank=True))
    kpi_unit = models.CharField(_("unit"), max_length=40, blank=True)
    kpi_direction = models.CharField(
        _("better when"),
        max_length=4,
        choices=[("up", _("higher")), ("down", _("lower"))],
        default="up",
    )
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    target = models.FloatField(_("target value"), null=True, blank=True)
    start_level = models.PositiveSmallIntegerField(_("level at the start"), null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(
        _("target level"),
        null=True,
        blank=True,
        help_text=_("The maturity level the action should bring the cell to."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("roadmap action")
        verbose_name_plural = _("roadmap actions")

    def __str__(self) -> str:
        return self.title

    def latest_measurement(self) -> Measurement | None:
        measurements = list(self.measurements.all())
        return measurements[-1] if measurements else None

    def progress(self) -> float | None:
        """Share of the way from baseline to target reached by the latest measurement (0..1)."""
        latest = self.latest_measurement()
        if latest is None or self.baseline is None or self.target is None:
            return None
        span = self.target - self.baseline
        if span == 0:
            return 1.0
        return max(0.0, min(1.0, (latest.value - self.baseline) / span))

    def status_disagreement(self) -> str:
        """What to check when the status a person set and the indicator disagree ("" if not).

        The status is a person's statement and the indicator a measurement; neither overrides
        the other, so the roadmap says where they part instead of showing both silently.
        """
        progress = self.progress()
        if progress is None:
            return ""
        if self.status == ActionStatus.DONE and progress < 1:
            return str(_("Marked done, but the indicator has not reached its target."))
        if self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS) and progress >= 1:
            return str(_("The indicator has reached its target: is the action done?"))
        return ""


class Measurement(models.Model):
    """A measured value of an action's indicator on a date."""

    action = models.ForeignKey(RoadmapAction, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField(_("date"))
    value = models.FloatField(_("value"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self) -> str:
        return f"{self.date}: {self.value:g}"


class CoalitionSharing(models.Model):
    """A city's opt-in to share its validated scores with a coalition organisation."""

    city = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="assessment_sharing",
        limit_choices_to={"kind": "city"},
    )
    coalition = models.ForeignKey(
        Organisation,
        verbose_name=_("coalition"),
        on_delete=models.CASCADE,
        related_name="assessment_shared_with",
        limit_choices_to={"kind": "coalition"},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["coalition__name"]
        verbose_name = _("coalition sharing")
        verbose_name_plural = _("coalition sharing")
        constraints = [
            models.UniqueConstraint(fields=["city", "coalition"], name="assessment_one_sharing")
        ]

    def __str__(self) -> str:
        return f"{self.city} → {self.coalition}"
