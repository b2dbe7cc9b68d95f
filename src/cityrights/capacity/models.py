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
from django.core.validators import MaxValueValidator, MinValueValidator
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
    """A validated survey file frozen as JSON, identified by ``key`` and ``version``."""

    key = models.CharField(_("identifier"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    content_hash = models.CharField(_("content hash"), max_length=64)
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

        cached = _PARSED.get(self.content_hash)
        if cached is None:
            cached = survey_from_data(self.data, source=str(self))
            _PARSED[self.content_hash] = cached
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
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

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


RATING = [MinValueValidator(1), MaxValueValidator(5)]
