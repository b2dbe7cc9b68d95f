"""Programmes, their certificate rules, modules and materials, and planning a programme
from a closed survey round."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityrights.core import audit
from cityrights.core.models import User
from cityrights.core.translation import (
    field_names,
    interface_languages,
    set_translations,
    translations,
)

from .. import anonymity, rules, selectors
from ..errors import CapacityError
from ..models import (
    Area,
    CertificateKind,
    CertificateRule,
    EvaluationPhase,
    Material,
    Module,
    Programme,
    ProgrammeAudience,
    ProgrammeStatus,
    Registration,
    Session,
    SurveyRound,
)
from .attendance import _after_rules_change
from .evaluations import _rating_writer
from .rounds import latest_survey

if TYPE_CHECKING:
    from cityrights.core.models import Organisation


# --------------------------------------------------------------------------------------
# Programmes, rules and modules
# --------------------------------------------------------------------------------------


def _texts_audit(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: translations(obj, name) for name in names}


def create_programme(
    *,
    organisation: Organisation,
    actor: User,
    title: Mapping[str, str],
    description: Mapping[str, str] | None = None,
    certificate_text: Mapping[str, str] | None = None,
    audience: str = ProgrammeAudience.STAFF,
    planned_from: SurveyRound | None = None,
) -> Programme:
    """A draft programme with the default certificate rules (Tirana's)."""
    if audience not in ProgrammeAudience.values:
        raise CapacityError(_("Choose the audience of the programme."), 422, "audience")
    if not any((value or "").strip() for value in title.values()):
        raise CapacityError(_("Give the programme a title."), 422, "title")
    with transaction.atomic():
        programme = Programme(
            organisation=organisation,
            audience=audience,
            created_by=actor,
            planned_from=planned_from,
        )
        set_translations(programme, "title", title)
        set_translations(programme, "description", description or {})
        set_translations(programme, "certificate_text", certificate_text or {})
        programme.save()
        CertificateRule.objects.bulk_create(
            CertificateRule(
                programme=programme,
                kind=rule.kind,
                min_modules=rule.min_modules,
                max_modules=rule.max_modules,
            )
            for rule in rules.DEFAULT_RULES
        )
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=programme,
            changes={
                "audience": audience,
                **_texts_audit(programme, ["title"]),
                "planned_from": planned_from,
                "rules": [str(rule) for rule in programme.rules.all()],
            },
        )
    return programme


PROGRAMME_FIELDS = [
    "audience",
    *field_names("title"),
    *field_names("description"),
    *field_names("certificate_text"),
]


def update_programme(
    *,
    programme: Programme,
    actor: User,
    title: Mapping[str, str],
    description: Mapping[str, str],
    certificate_text: Mapping[str, str],
    audience: str,
) -> Programme:
    """Change the texts or the audience; the audience is fixed once someone registered."""
    if audience not in ProgrammeAudience.values:
        raise CapacityError(_("Choose the audience of the programme."), 422, "audience")
    if audience != programme.audience and selectors.registrations_of(programme).exists():
        raise CapacityError(
            _("People have registered already: the audience can no longer change."),
            409,
            "audience",
        )
    with transaction.atomic():
        before = audit.snapshot(programme, PROGRAMME_FIELDS)
        programme.audience = audience
        set_translations(programme, "title", title)
        set_translations(programme, "description", description)
        set_translations(programme, "certificate_text", certificate_text)
        programme.save()
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="update",
            obj=programme,
            changes=audit.diff(before, audit.snapshot(programme, PROGRAMME_FIELDS)),
        )
    return programme


def publish_programme(*, programme: Programme, actor: User) -> Programme:
    """Open a draft for registration; it needs at least one module with a session."""
    if programme.status != ProgrammeStatus.DRAFT:
        raise CapacityError(_("Only a draft can be published."))
    if not Session.objects.filter(module__programme=programme).exists():
        raise CapacityError(_("Add at least one module with a session before publishing."))
    return _set_status(programme, actor, ProgrammeStatus.PUBLISHED)


def close_programme(*, programme: Programme, actor: User) -> Programme:
    """Finish a programme: no more registrations or self-ratings; ratings are written."""
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise CapacityError(_("Only a published programme can be finished."))
    with transaction.atomic():
        for module in programme.modules.select_for_update():
            for phase in EvaluationPhase.values:
                anonymity.drain(
                    anonymity.evaluation_pool(module.pk, phase), _rating_writer(module, phase)
                )
        programme.closed_at = timezone.now()
        return _set_status(programme, actor, ProgrammeStatus.CLOSED)


def _set_status(programme: Programme, actor: User, status: str) -> Programme:
    with transaction.atomic():
        previous = programme.status
        programme.status = status
        programme.save(update_fields=["status", "closed_at", "updated_at"])
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="publish" if status == ProgrammeStatus.PUBLISHED else "close",
            obj=programme,
            changes={"status": {"from": previous, "to": status}},
        )
    return programme


def check_rules(rules: Iterable[tuple[str, int, int | None]]) -> list[tuple[str, int, int | None]]:
    """Rules as stored, or a refusal when a kind repeats, bounds are reversed or ranges
    overlap (each number of modules must lead to at most one kind of certificate)."""
    checked = []
    for kind, low, high in rules:
        if kind not in CertificateKind.values:
            raise CapacityError(_("Unknown kind of certificate."), 422, "kind")
        if low < 1:
            raise CapacityError(_("A rule needs at least one module."), 422, f"{kind}_min")
        if high is not None and high < low:
            raise CapacityError(_("The upper limit is below the lower one."), 422, f"{kind}_max")
        checked.append((kind, low, high))
    kinds = [kind for kind, _low, _high in checked]
    if len(set(kinds)) != len(kinds):
        raise CapacityError(_("Each kind of certificate has one rule."), 422)
    for index, (kind, low, high) in enumerate(checked):
        for _other, other_low, other_high in checked[index + 1 :]:
            top = high if high is not None else 10**6
            other_top = other_high if other_high is not None else 10**6
            if low <= other_top and other_low <= top:
                raise CapacityError(
                    _("The rules overlap: a number of modules would lead to two certificates."),
                    422,
                    f"{kind}_min",
                )
    completion = next((r for r in checked if r[0] == CertificateKind.COMPLETION), None)
    attendance = next((r for r in checked if r[0] == CertificateKind.ATTENDANCE), None)
    if completion and attendance and completion[1] < attendance[1]:
        raise CapacityError(
            _("Completion must ask for more modules than attendance."), 422, "completion_min"
        )
    return checked


def set_rules(
    *, programme: Programme, actor: User, rules: Iterable[tuple[str, int, int | None]]
) -> Programme:
    """Replace the certificate rules of a programme (an empty list: no certificates)."""
    checked = check_rules(rules)
    with transaction.atomic():
        before = [str(rule) for rule in programme.rules.all()]
        programme.rules.all().delete()
        CertificateRule.objects.bulk_create(
            CertificateRule(programme=programme, kind=kind, min_modules=low, max_modules=high)
            for kind, low, high in checked
        )
        after = [str(rule) for rule in programme.rules.all()]
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="update",
            obj=programme,
            changes={"rules": {"from": before, "to": after}},
        )
        _after_rules_change(programme, actor)
    return programme


MODULE_TEXTS = ("title", "description", "learning_goals")


def _check_keys(topics: Iterable[str], areas: Iterable[str]) -> tuple[list[str], list[str]]:
    known_topics = {topic.key for topic in latest_survey().survey.topics}
    topics, areas = sorted(set(topics)), sorted(set(areas))
    if set(topics) - known_topics:
        raise CapacityError(_("Unknown topic."), 422, "topics")
    if set(areas) - set(Area.values):
        raise CapacityError(_("Unknown thematic area."), 422, "areas")
    return topics, areas


def save_module(
    *,
    programme: Programme,
    actor: User,
    texts: Mapping[str, Mapping[str, str]],
    topics: Iterable[str] = (),
    areas: Iterable[str] = (),
    evaluation: bool = True,
    position: int | None = None,
    module: Module | None = None,
) -> Module:
    """Create a module at the end of the programme, or change ``module``."""
    if programme.status == ProgrammeStatus.CLOSED:
        raise CapacityError(_("A finished programme cannot change."))
    topic_keys, area_keys = _check_keys(topics, areas)
    fields = [*(n for name in MODULE_TEXTS for n in field_names(name)), "topics", "areas"]
    fields += ["evaluation", "position"]
    with transaction.atomic():
        creating = module is None
        if module is None:
            last = programme.modules.order_by("-position").first()
            module = Module(programme=programme, position=(last.position + 1) if last else 1)
        before = {} if creating else audit.snapshot(module, fields)
        for name in MODULE_TEXTS:
            set_translations(module, name, texts.get(name, {}))
        if not any(translations(module, "title").values()):
            raise CapacityError(_("Give the module a title."), 422, "title")
        module.topics, module.areas, module.evaluation = topic_keys, area_keys, evaluation
        if position is not None:
            module.position = position
        module.save()
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="create" if creating else "update",
            obj=module,
            changes=audit.diff(before, audit.snapshot(module, fields)),
        )
    return module


def delete_module(*, module: Module, actor: User) -> None:
    if Registration.objects.filter(session__module=module).exists():
        raise CapacityError(_("People registered for this module: it cannot be deleted."))
    audit.delete(module, actor=actor, organisation=module.programme.organisation)


def add_material(
    *, module: Module, actor: User, title: Mapping[str, str], file: Any = None, url: str = ""
) -> Material:
    if bool(file) == bool(url):
        raise CapacityError(_("Give either a file or a link."), 422, "url")
    with transaction.atomic():
        material = Material(module=module, url=url)
        set_translations(material, "title", title)
        if file:
            material.file = file
        material.save()
        audit.record(
            actor=actor,
            organisation=module.programme.organisation,
            action="create",
            obj=material,
            changes={"module": module, "file": material.file.name, "url": url},
        )
    return material


def delete_material(*, material: Material, actor: User) -> None:
    organisation = material.module.programme.organisation
    with transaction.atomic():
        stored = material.file
        audit.delete(material, actor=actor, organisation=organisation)
        if stored:
            transaction.on_commit(lambda: stored.delete(save=False))


def plan_from_round(*, survey_round: SurveyRound, actor: User, count: int = 3) -> Programme:
    """A draft staff programme: an introduction and one module per topic most needed.

    Titles and descriptions come from the survey's topics in every language it has, so
    the officer only adjusts them.
    """
    topics = selectors.top_topics(survey_round, count)
    if not topics:
        raise CapacityError(_("This round has no results to plan from yet."))
    languages = interface_languages()
    with transaction.atomic():
        title = {}
        for code in languages:
            with translation.override(code):
                title[code] = _("Digital rights training %(year)s") % {
                    "year": survey_round.closes_on.year
                }
        programme = create_programme(
            organisation=survey_round.organisation,
            actor=actor,
            title=title,
            planned_from=survey_round,
        )
        intro: dict[str, dict[str, str]] = {"title": {}, "description": {}}
        for code in languages:
            with translation.override(code):
                intro["title"][code] = _("Introduction to digital human rights")
                intro["description"][code] = _(
                    "What digital human rights are, and what the city can do to protect "
                    "and promote them in its own work."
                )
        save_module(programme=programme, actor=actor, texts=intro)
        for topic in topics:
            save_module(
                programme=programme,
                actor=actor,
                texts={
                    "title": {code: topic.name.get_text(code) for code in languages},
                    "description": {code: topic.description.get_text(code) for code in languages},
                },
                topics=[topic.key],
                areas=topic.areas,
            )
    return programme
