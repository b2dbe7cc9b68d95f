"""Writes of the city's digital-rights principles and of its data initiatives.

Principles are versioned like a law: a draft version is edited (sections, principles,
approval steps, signatories), then adopted with the body and date, after which it never
changes and the next change is a new version. Actions that carry a principle out are kept
by the principle's ``key``, so they stay attached through every version.

The loop with consultations: :func:`start_review` opens a consultation whose first draft is
the current principles; :func:`from_consultation` turns that consultation's final text into
the next draft version of the principles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cityrights.core import audit
from cityrights.core.registry import registry
from cityrights.core.translation import set_translations, translations

from .models import (
    ApprovalStep,
    CitizenRole,
    Consultation,
    DataInitiative,
    DraftSection,
    DraftVersion,
    InitiativeLink,
    InitiativeRole,
    Phase,
    Principle,
    PrincipleAction,
    PrincipleSection,
    PrinciplesVersion,
    Signatory,
)
from .services import CONSULTATION_FIELDS, ParticipationError, _apply, _require_text

if TYPE_CHECKING:
    from cityrights.core.models import Organisation, User


def latest_version(organisation: Organisation) -> PrinciplesVersion | None:
    return PrinciplesVersion.objects.filter(organisation=organisation).order_by("-number").first()


def _draft(version: PrinciplesVersion) -> None:
    if version.is_adopted:
        raise ParticipationError(
            _("An adopted version never changes; start a new version to change the principles.")
        )


def _copy(source: Any, target: Any, names: Sequence[str]) -> None:
    for name in names:
        set_translations(target, name, translations(source, name))


def new_version(*, organisation: Organisation, actor: User) -> PrinciplesVersion:
    """A draft version, a copy of the latest one (or an empty first version)."""
    with transaction.atomic():
        latest = latest_version(organisation)
        if latest is not None and not latest.is_adopted:
            raise ParticipationError(
                _("Version %(n)d is still a draft; finish that one first.") % {"n": latest.number}
            )
        version = PrinciplesVersion(
            organisation=organisation, number=(latest.number + 1) if latest else 1, created_by=actor
        )
        if latest is not None:
            _copy(latest, version, ["title", "preamble"])
        version.save()
        if latest is not None:
            for section in latest.sections.prefetch_related("principles"):
                copy = PrincipleSection(version=version, position=section.position)
                _copy(section, copy, ["title"])
                copy.save()
                for principle in section.principles.all():
                    item = Principle(section=copy, position=principle.position, key=principle.key)
                    _copy(principle, item, ["title", "text"])
                    item.save()
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=version,
            changes={"number": version.number},
        )
    return version


def update_version(
    *, version: PrinciplesVersion, actor: User, values: Mapping[str, Any]
) -> PrinciplesVersion:
    _draft(version)
    _apply(version, values, ("title", "preamble"))
    _require_text(version, "title", version.organisation, _("title"))
    with transaction.atomic():
        version.save()
        audit.record(
            actor=actor,
            organisation=version.organisation,
            action="update",
            obj=version,
            changes={"title": translations(version, "title")},
        )
    return version


def save_section(
    *,
    version: PrinciplesVersion,
    actor: User,
    values: Mapping[str, Any],
    section: PrincipleSection | None = None,
) -> PrincipleSection:
    _draft(version)
    creating = section is None
    if section is None:
        last = version.sections.aggregate(last=Max("position"))["last"]
        section = PrincipleSection(version=version, position=(last or 0) + 1)
    _apply(section, values, ("title",))
    _require_text(section, "title", version.organisation, _("title"))
    with transaction.atomic():
        section.save()
        audit.record(
            actor=actor,
            organisation=version.organisation,
            action="create" if creating else "update",
            obj=section,
            changes={"title": translations(section, "title")},
        )
    return section


def save_principle(
    *,
    section: PrincipleSection,
    actor: User,
    values: Mapping[str, Any],
    principle: Principle | None = None,
) -> Principle:
    version = section.version
    _draft(version)
    creating = principle is None
    if principle is None:
        last = section.principles.aggregate(last=Max("position"))["last"]
        principle = Principle(section=section, position=(last or 0) + 1)
    _apply(principle, values, ("key", "title", "text"))
    principle.section = section
    if not principle.key:
        principle.key = slugify(
            translations(principle, "title").get(version.organisation.default_language, "")
        )[:60]
    if not principle.key:
        raise ParticipationError(_("Give the principle a key."), 422, "key")
    _require_text(principle, "title", version.organisation, _("title"))
    with transaction.atomic():
        clash = Principle.objects.filter(section__version=version, key=principle.key).exclude(
            pk=principle.pk
        )
        if clash.exists():
            raise ParticipationError(
                _("Another principle of this version already has this key."), 422, "key"
            )
        principle.save()
        audit.record(
            actor=actor,
            organisation=version.organisation,
            action="create" if creating else "update",
            obj=principle,
            changes={"key": principle.key},
        )
    return principle


def delete_principle(*, principle: Principle, actor: User) -> None:
    version = principle.section.version
    _draft(version)
    audit.delete(
        principle, actor=actor, organisation=version.organisation, changes={"key": principle.key}
    )


def delete_section(*, section: PrincipleSection, actor: User) -> None:
    _draft(section.version)
    audit.delete(section, actor=actor, organisation=section.version.organisation)


def add_step(
    *,
    version: PrinciplesVersion,
    actor: User,
    body: Mapping[str, str],
    decided_on: Any,
    note: Mapping[str, str] | None = None,
) -> ApprovalStep:
    """An approval step passed (a board, a meeting, the council), with its date."""
    if decided_on is None:
        raise ParticipationError(_("Give the date of the decision."), 422, "decided_on")
    step = ApprovalStep(version=version, decided_on=decided_on)
    set_translations(step, "body", body)
    set_translations(step, "note", note or {})
    _require_text(step, "body", version.organisation, _("body"))
    if version.adopted_on and decided_on > version.adopted_on:
        raise ParticipationError(
            _("A step before adoption cannot come after it."), 422, "decided_on"
        )
    with transaction.atomic():
        step.position = (version.approval_steps.aggregate(last=Max("position"))["last"] or 0) + 1
        step.save()
        audit.record(
            actor=actor,
            organisation=version.organisation,
            action="create",
            obj=step,
            object_repr=f"{version}: step",
            changes={"body": translations(step, "body"), "date": str(decided_on)},
        )
    return step


def add_signatory(
    *, version: PrinciplesVersion, actor: User, name: str, office: Mapping[str, str]
) -> Signatory:
    name = (name or "").strip()
    if not name:
        raise ParticipationError(_("Give the signatory's name."), 422, "name")
    signatory = Signatory(version=version, name=name[:150])
    set_translations(signatory, "office", office)
    with transaction.atomic():
        signatory.position = (version.signatories.aggregate(last=Max("position"))["last"] or 0) + 1
        signatory.save()
        audit.record(
            actor=actor,
            organisation=version.organisation,
            action="create",
            obj=signatory,
            object_repr=f"{version}: {name}",
        )
    return signatory


def remove_step(*, step: ApprovalStep, actor: User) -> None:
    audit.delete(step, actor=actor, organisation=step.version.organisation)


def remove_signatory(*, signatory: Signatory, actor: User) -> None:
    audit.delete(signatory, actor=actor, organisation=signatory.version.organisation)


def adopt(
    *, version: PrinciplesVersion, actor: User, adopted_by: Mapping[str, str], adopted_on: Any
) -> PrinciplesVersion:
    """Record the adoption: the version becomes the city's public principles."""
    _draft(version)
    if adopted_on is None:
        raise ParticipationError(_("Give the date of adoption."), 422, "adopted_on")
    set_translations(version, "adopted_by", adopted_by)
    _require_text(version, "adopted_by", version.organisation, _("adopting body"))
    _require_text(version, "title", version.organisation, _("title"))
    if not Principle.objects.filter(section__version=version).exists():
        raise ParticipationError(_("Add at least one principle before adoption."))
    late = version.approval_steps.filter(decided_on__gt=adopted_on)
    if late.exists():
        raise ParticipationError(
            _("An approval step is dated after the adoption; check the dates."), 422, "adopted_on"
        )
    with transaction.atomic():
        version.adopted_on = adopted_on
        version.save()
        audit.record(
            actor=actor,
            organisation=version.organisation,
            action="adopt",
            obj=version,
            changes={"adopted_on": str(adopted_on), "by": translations(version, "adopted_by")},
        )
    return version


def add_action(
    *,
    organisation: Organisation,
    actor: User,
    principle_key: str,
    description: Mapping[str, str],
    kind: str = "",
    record_id: str = "",
) -> PrincipleAction:
    """An action that carries out the principle ``principle_key``, with an optional link."""
    if not Principle.objects.filter(
        section__version__organisation=organisation, key=principle_key
    ).exists():
        raise ParticipationError(_("There is no principle with this key."), 404)
    action = PrincipleAction(
        organisation=organisation,
        principle_key=principle_key,
        created_by=actor,
        kind=kind or "",
        record_id=str(record_id or ""),
    )
    set_translations(action, "description", description)
    _check_link(organisation, action.kind, action.record_id)
    if not action.kind and not any(v.strip() for v in description.values()):
        raise ParticipationError(
            _("Describe the action or link it to a record."), 422, "description"
        )
    with transaction.atomic():
        action.save()
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=action,
            object_repr=f"action for {principle_key}",
            changes={"kind": action.kind, "record": action.record_id},
        )
    return action


def remove_action(*, action: PrincipleAction, actor: User) -> None:
    audit.delete(
        action,
        actor=actor,
        organisation=action.organisation,
        changes={"principle": action.principle_key},
    )


def _check_link(organisation: Organisation, kind: str, record_id: str) -> None:
    if not kind and not record_id:
        return
    found = registry.linkable_kind(kind)
    if found is None:
        raise ParticipationError(_("Choose the kind of record."), 422, "kind")
    if found.resolve(organisation, record_id) is None:
        raise ParticipationError(_("There is no such record in this city."), 422, "record_id")


# --------------------------------------------------------------------------------------
# The loop with consultations
# --------------------------------------------------------------------------------------


def start_review(
    *, organisation: Organisation, actor: User, values: Mapping[str, Any]
) -> Consultation:
    """A consultation (in preparation) whose first draft is the latest adopted principles."""
    from .services import create_consultation

    source = (
        PrinciplesVersion.objects.filter(organisation=organisation, adopted_on__isnull=False)
        .order_by("-number")
        .first()
    )
    with transaction.atomic():
        consultation = create_consultation(
            organisation=organisation,
            actor=actor,
            values={
                **{k: v for k, v in values.items() if k != "for_principles"},
                "for_principles": True,
            },
        )
        if source is not None:
            version = consultation.versions.get(number=1)
            position = 0
            for section in source.sections.prefetch_related("principles"):
                for principle in section.principles.all():
                    position += 1
                    draft = DraftSection(version=version, position=position, key=principle.key)
                    set_translations(draft, "part", translations(section, "title"))
                    set_translations(draft, "heading", translations(principle, "title"))
                    set_translations(draft, "body", translations(principle, "text"))
                    draft.save()
    return consultation


def from_consultation(*, consultation: Consultation, actor: User) -> PrinciplesVersion:
    """The consultation's final text as the next (draft) version of the principles.

    Each part of the final text becomes a section, each of its sections a principle with
    the same key, so the actions of the principles carried over stay attached.
    """
    organisation = consultation.organisation
    if not consultation.for_principles:
        raise ParticipationError(_("This consultation is not about the city's principles."))
    if consultation.phase != Phase.FINAL:
        raise ParticipationError(_("Publish the final text first."))
    final: DraftVersion | None = consultation.versions.filter(is_final=True).first()
    if final is None:  # pragma: no cover - the final phase needs a final version
        raise ParticipationError(_("Publish the final text first."))
    if consultation.principles_versions.exists():
        raise ParticipationError(_("The principles were already made from this consultation."))
    with transaction.atomic():
        latest = latest_version(organisation)
        if latest is not None and not latest.is_adopted:
            raise ParticipationError(
                _("Version %(n)d of the principles is still a draft; finish that one first.")
                % {"n": latest.number}
            )
        version = PrinciplesVersion(
            organisation=organisation,
            number=(latest.number + 1) if latest else 1,
            source_consultation=consultation,
            created_by=actor,
        )
        _copy(consultation, version, ["title"])
        _copy(consultation, version, [])
        set_translations(version, "preamble", translations(consultation, "summary"))
        version.save()
        sections: dict[tuple[tuple[str, str], ...], PrincipleSection] = {}
        for draft in final.sections.filter(is_hidden=False):
            part = translations(draft, "part")
            group = tuple(sorted(part.items()))
            section = sections.get(group)
            if section is None:
                section = PrincipleSection(version=version, position=len(sections) + 1)
                set_translations(section, "title", part or translations(consultation, "title"))
                section.save()
                sections[group] = section
            principle = Principle(section=section, position=draft.position, key=draft.key)
            set_translations(principle, "title", translations(draft, "heading"))
            set_translations(principle, "text", translations(draft, "body"))
            principle.save()
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=version,
            changes={"number": version.number, "from": str(consultation)},
        )
    return version


# --------------------------------------------------------------------------------------
# Data initiatives
# --------------------------------------------------------------------------------------

INITIATIVE_FIELDS = (
    "slug",
    "title",
    "summary",
    "results",
    "partners",
    "starts_on",
    "ends_on",
    "is_public",
)


def save_initiative(
    *,
    organisation: Organisation,
    actor: User,
    values: Mapping[str, Any],
    roles: Sequence[str],
    initiative: DataInitiative | None = None,
) -> DataInitiative:
    creating = initiative is None
    if initiative is None:
        initiative = DataInitiative(organisation=organisation)
    _apply(initiative, values, INITIATIVE_FIELDS)
    _require_text(initiative, "title", organisation, _("title"))
    chosen = sorted(set(roles))
    if not chosen:
        raise ParticipationError(_("Choose at least one role residents play in it."), 422, "roles")
    if any(role not in CitizenRole.values for role in chosen):
        raise ParticipationError(_("Choose roles from the list."), 422, "roles")
    if initiative.starts_on and initiative.ends_on and initiative.ends_on < initiative.starts_on:
        raise ParticipationError(_("The end comes after the start."), 422, "ends_on")
    with transaction.atomic():
        clash = DataInitiative.objects.filter(organisation=organisation, slug=initiative.slug)
        if clash.exclude(pk=initiative.pk).exists():
            raise ParticipationError(
                _("Another initiative already has this short name."), 422, "slug"
            )
        initiative.save()
        initiative.roles.exclude(role__in=chosen).delete()
        existing = set(initiative.roles.values_list("role", flat=True))
        InitiativeRole.objects.bulk_create(
            [
                InitiativeRole(initiative=initiative, role=role)
                for role in chosen
                if role not in existing
            ]
        )
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create" if creating else "update",
            obj=initiative,
            changes={"roles": chosen, "public": initiative.is_public},
        )
    return initiative


def add_initiative_link(
    *, initiative: DataInitiative, actor: User, kind: str, record_id: str
) -> InitiativeLink:
    organisation = initiative.organisation
    if not kind:
        raise ParticipationError(_("Choose the kind of record."), 422, "kind")
    _check_link(organisation, kind, str(record_id))
    with transaction.atomic():
        link, created = InitiativeLink.objects.get_or_create(
            initiative=initiative, kind=kind, record_id=str(record_id)
        )
        if not created:
            raise ParticipationError(_("This record is already linked."))
        audit.record(
            actor=actor,
            organisation=organisation,
            action="link",
            obj=initiative,
            changes={"kind": kind, "record": str(record_id)},
        )
    return link


def remove_initiative_link(*, link: InitiativeLink, actor: User) -> None:
    audit.delete(
        link,
        actor=actor,
        organisation=link.initiative.organisation,
        changes={"kind": link.kind, "record": link.record_id},
    )


def delete_initiative(*, initiative: DataInitiative, actor: User) -> None:
    audit.delete(initiative, actor=actor, organisation=initiative.organisation)


__all__ = ["CONSULTATION_FIELDS"]
