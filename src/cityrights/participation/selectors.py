"""Reads of the participation app, and the yearly figures other apps ask for.

The annual report (``reporting``) asks each app for its figures through ``core.registry``;
participation's are the plain functions at the end of this module (:func:`yearly_figures`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet

from . import demographics
from .models import (
    AgeBand,
    CitizenRole,
    Comment,
    CommentStatus,
    Consultation,
    DataInitiative,
    Dimension,
    DraftSection,
    DraftVersion,
    InitiativeRole,
    Phase,
    PhaseChange,
    PopulationShare,
    Principle,
    PrincipleAction,
    PrinciplesVersion,
    Question,
    QuestionKind,
    YesNo,
)

if TYPE_CHECKING:
    from cityrights.core.models import Organisation

COMMENTS_PER_PAGE = 20

# --------------------------------------------------------------------------------------
# Consultations
# --------------------------------------------------------------------------------------


def consultations_of(organisation: Organisation) -> QuerySet[Consultation]:
    return Consultation.objects.filter(organisation=organisation)


def public_consultations(organisation: Organisation) -> QuerySet[Consultation]:
    return consultations_of(organisation).exclude(phase=Phase.PREPARING)


def published_versions(consultation: Consultation) -> QuerySet[DraftVersion]:
    return consultation.versions.filter(published_at__isnull=False).order_by("number")


def shown_version(consultation: Consultation) -> DraftVersion | None:
    """The version residents read now: the final text once published, else the latest."""
    return published_versions(consultation).order_by("-is_final", "-number").first()


def visible_sections(version: DraftVersion) -> QuerySet[DraftSection]:
    return version.sections.filter(is_hidden=False).order_by("position", "id")


def timeline(consultation: Consultation) -> list[dict[str, Any]]:
    """The phases in order with their planned date, whether passed, and when they began."""
    planned = {
        Phase.QUESTIONS: consultation.questions_opens,
        Phase.DISCUSSION: consultation.discussion_opens,
        Phase.CLOSED: consultation.closes,
        Phase.FINAL: consultation.final_due,
    }
    began: dict[str, Any] = {}
    for change in PhaseChange.objects.filter(consultation=consultation).order_by("at"):
        began[change.to_phase] = change.at
    order = [Phase.QUESTIONS, Phase.DISCUSSION, Phase.CLOSED, Phase.FINAL]
    phase_now = Phase(consultation.phase)
    current = order.index(phase_now) if phase_now in order else -1
    return [
        {
            "phase": phase,
            "label": phase.label,
            "planned": planned[phase],
            "began": began.get(phase),
            "state": "current" if i == current else ("done" if i < current else "next"),
        }
        for i, phase in enumerate(order)
    ]


def same_sections(section: DraftSection) -> list[int]:
    """The ids of this section in this and every earlier version (same key)."""
    return list(
        DraftSection.objects.filter(
            version__consultation_id=section.version.consultation_id,
            version__number__lte=section.version.number,
            key=section.key,
        ).values_list("pk", flat=True)
    )


def section_comments(section: DraftSection) -> QuerySet[Comment]:
    """Top-level comments on a section in this and earlier versions (visible and hidden,
    never pending), with their replies: the final text's page shows the whole discussion.

    A handful of section ids, then the index on (section, status, parent, created_at).
    """
    replies = Comment.objects.filter(
        status__in=[CommentStatus.VISIBLE, CommentStatus.HIDDEN]
    ).order_by("created_at", "id")
    return (
        Comment.objects.filter(
            section_id__in=same_sections(section),
            parent__isnull=True,
            status__in=[CommentStatus.VISIBLE, CommentStatus.HIDDEN],
        )
        .select_related("section__version")
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("replies", queryset=replies))
    )


def comment_counts(consultation: Consultation) -> dict[str, int]:
    """Visible comments per section key, over every version."""
    rows = (
        Comment.objects.filter(consultation=consultation, status=CommentStatus.VISIBLE)
        .values_list("section__key")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def moderation_queue(organisation: Organisation) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(
            consultation__organisation=organisation,
            status=CommentStatus.VISIBLE,
            report_count__gt=0,
        )
        .select_related("consultation", "section")
        .prefetch_related("reports")
        .order_by("-report_count", "created_at")
    )


def moderation_counts(organisation: Organisation) -> dict[str, int]:
    comments = Comment.objects.filter(consultation__organisation=organisation)
    return comments.aggregate(
        reported=Count("pk", filter=Q(status=CommentStatus.VISIBLE, report_count__gt=0)),
        hidden=Count("pk", filter=Q(status=CommentStatus.HIDDEN)),
        pending=Count("pk", filter=Q(status=CommentStatus.PENDING)),
        visible=Count("pk", filter=Q(status=CommentStatus.VISIBLE)),
    )


def recently_hidden(organisation: Organisation) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(consultation__organisation=organisation, status=CommentStatus.HIDDEN)
        .select_related("consultation", "hidden_by")
        .order_by("-hidden_at")
    )


# --------------------------------------------------------------------------------------
# Questions
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    rows: list[tuple[str, int]]  # choice label, count
    answered: int
    texts: list[str]


def question_results(consultation: Consultation) -> list[QuestionResult]:
    """Counts per choice (confirmed answers only) and the open answers as written."""
    results = []
    questions = consultation.questions.prefetch_related("choices")
    for question in questions:
        answers = question.answers.filter(submission__is_counted=True)
        if question.kind == QuestionKind.OPEN:
            texts = list(answers.exclude(text="").values_list("text", flat=True))
            results.append(QuestionResult(question, [], len(texts), texts))
            continue
        counts = dict(
            answers.values_list("choices").annotate(n=Count("pk")).values_list("choices", "n")
        )
        rows = [(str(choice.label), counts.get(choice.pk, 0)) for choice in question.choices.all()]
        results.append(QuestionResult(question, rows, answers.count(), []))
    return results


# --------------------------------------------------------------------------------------
# Who took part
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    value: str
    label: str
    count: int | None
    share: float | None
    population: float | None


@dataclass(frozen=True)
class DimensionResult:
    dimension: str
    label: str
    rows: list[GroupRow]
    total: int | None
    multiple: bool


def group_labels(dimension: str, organisation: Organisation) -> list[tuple[str, str]]:
    """``(value, label)`` of each group of a question about participants, in the reader's
    language (a district is its own name)."""
    from cityrights.core.translation import language_name

    if dimension == Dimension.AGE_BAND:
        return [(value, str(label)) for value, label in AgeBand.choices]
    if dimension in (Dimension.DISABILITY, Dimension.FIRST_TIME):
        return [(value, str(label)) for value, label in YesNo.choices]
    if dimension == Dimension.LANGUAGE:
        from django.conf import settings
        from django.utils.translation import gettext

        return [(code, language_name(code)) for code, _n in settings.LANGUAGES] + [
            ("other", gettext("another language"))
        ]
    return [(value, value) for value in districts(organisation)]


def population_rows(organisation: Organisation) -> list[tuple[PopulationShare, str]]:
    """The population shares the city entered, each with its group's label."""
    labels: dict[str, dict[str, str]] = {}
    rows = []
    for share in PopulationShare.objects.filter(organisation=organisation):
        if share.dimension not in labels:
            labels[share.dimension] = dict(group_labels(share.dimension, organisation))
        rows.append((share, labels[share.dimension].get(share.value, share.value)))
    return rows


def districts(organisation: Organisation) -> list[str]:
    return list(
        PopulationShare.objects.filter(
            organisation=organisation, dimension=Dimension.DISTRICT
        ).values_list("value", flat=True)
    )


def who_took_part(consultation: Consultation) -> list[DimensionResult]:
    """Per question about the participants: counts (suppressed under five), shares of those
    who answered it, and the city's population share where the city entered one."""
    organisation = consultation.organisation
    profiles = list(
        consultation.profiles.values_list(
            "age_band", "district", "languages", "disability", "first_time"
        )
    )
    population: dict[tuple[str, str], float] = {
        (row.dimension, row.value): float(row.share)
        for row in PopulationShare.objects.filter(organisation=organisation)
    }
    columns = {
        Dimension.AGE_BAND: 0,
        Dimension.DISTRICT: 1,
        Dimension.LANGUAGE: 2,
        Dimension.DISABILITY: 3,
        Dimension.FIRST_TIME: 4,
    }
    results = []
    for dimension, column in columns.items():
        labels = group_labels(dimension, organisation)
        if not labels:
            continue
        multiple = dimension == Dimension.LANGUAGE
        counts: Counter[str] = Counter()
        answered = 0
        for profile in profiles:
            value = profile[column]
            if not value:
                continue
            answered += 1
            for part in value.split(",") if multiple else [value]:
                counts[part] += 1
        figures = demographics.suppress(
            {value: counts.get(value, 0) for value, _label in labels}, answered
        )
        rows = [
            GroupRow(
                value,
                label,
                figures.counts[value],
                figures.share(value),
                population.get((dimension, value)),
            )
            for value, label in labels
        ]
        results.append(
            DimensionResult(
                dimension, str(Dimension(dimension).label), rows, figures.total, multiple
            )
        )
    return results


# --------------------------------------------------------------------------------------
# Principles
# --------------------------------------------------------------------------------------


def principles_versions(organisation: Organisation) -> QuerySet[PrinciplesVersion]:
    return PrinciplesVersion.objects.filter(organisation=organisation).order_by("-number")


def adopted_versions(organisation: Organisation) -> QuerySet[PrinciplesVersion]:
    return principles_versions(organisation).filter(adopted_on__isnull=False)


def current_principles(organisation: Organisation) -> PrinciplesVersion | None:
    return adopted_versions(organisation).first()


def principles_tree(version: PrinciplesVersion) -> list[Any]:
    return list(version.sections.prefetch_related("principles").order_by("position", "id"))


def actions_by_key(organisation: Organisation) -> dict[str, list[PrincipleAction]]:
    grouped: dict[str, list[PrincipleAction]] = {}
    for action in PrincipleAction.objects.filter(organisation=organisation):
        grouped.setdefault(action.principle_key, []).append(action)
    return grouped


def principles_without_action(organisation: Organisation) -> list[Principle]:
    """Principles of the adopted version that no action carries out: flagged for staff."""
    version = current_principles(organisation)
    if version is None:
        return []
    keys = set(
        PrincipleAction.objects.filter(organisation=organisation).values_list(
            "principle_key", flat=True
        )
    )
    return [
        principle
        for principle in Principle.objects.filter(section__version=version).order_by(
            "section__position", "position"
        )
        if principle.key not in keys
    ]


# --------------------------------------------------------------------------------------
# Data initiatives
# --------------------------------------------------------------------------------------


def initiatives_of(organisation: Organisation, *, public_only: bool) -> QuerySet[DataInitiative]:
    rows = DataInitiative.objects.filter(organisation=organisation).prefetch_related("roles")
    return rows.filter(is_public=True) if public_only else rows


def role_counts(
    organisation: Organisation, *, public_only: bool = True
) -> list[tuple[str, str, int]]:
    """``(role, label, number of initiatives)`` for the seven roles, in the typology's order."""
    rows = InitiativeRole.objects.filter(initiative__organisation=organisation)
    if public_only:
        rows = rows.filter(initiative__is_public=True)
    counts = dict(rows.values_list("role").annotate(n=Count("pk")).values_list("role", "n"))
    return [(value, str(label), counts.get(value, 0)) for value, label in CitizenRole.choices]


# --------------------------------------------------------------------------------------
# Yearly figures (for the annual report)
# --------------------------------------------------------------------------------------


def consultations_held(organisation: Organisation, year: int) -> int:
    """Consultations that were open to the public at some time during ``year``."""
    opened = PhaseChange.objects.filter(
        consultation__organisation=organisation,
        from_phase=Phase.PREPARING,
        at__year__lte=year,
    ).values("consultation")
    ended = PhaseChange.objects.filter(
        consultation__organisation=organisation,
        to_phase__in=[Phase.CLOSED, Phase.FINAL],
        at__year__lt=year,
    ).values("consultation")
    return Consultation.objects.filter(pk__in=opened).exclude(pk__in=ended).distinct().count()


def comments_received(organisation: Organisation, year: int) -> int:
    return Comment.objects.filter(
        consultation__organisation=organisation,
        created_at__year=year,
        status__in=[CommentStatus.VISIBLE, CommentStatus.HIDDEN],
    ).count()


def comments_answered(organisation: Organisation, year: int) -> int:
    """Comments of ``year`` whose outcome was published in a response document."""
    return (
        Comment.objects.filter(
            consultation__organisation=organisation,
            created_at__year=year,
            status=CommentStatus.VISIBLE,
            consultation__response__published_at__isnull=False,
        )
        .exclude(outcome="")
        .count()
    )


def initiatives_per_role(organisation: Organisation, year: int) -> dict[str, int]:
    """Public initiatives running at some time in ``year``, counted per role."""
    rows = InitiativeRole.objects.filter(
        initiative__organisation=organisation, initiative__is_public=True
    ).filter(
        Q(initiative__starts_on__year__lte=year) | Q(initiative__starts_on__isnull=True),
        Q(initiative__ends_on__year__gte=year) | Q(initiative__ends_on__isnull=True),
    )
    counts = dict(rows.values_list("role").annotate(n=Count("pk")).values_list("role", "n"))
    return {value: counts.get(value, 0) for value in CitizenRole.values}


def yearly_figures(organisation: Organisation, year: int) -> dict[str, Any]:
    return {
        "consultations_held": consultations_held(organisation, year),
        "comments_received": comments_received(organisation, year),
        "comments_answered": comments_answered(organisation, year),
        "initiatives_per_role": initiatives_per_role(organisation, year),
    }
