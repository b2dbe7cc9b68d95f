"""Every write to the register: drafts, the publication workflow, locations, questions, import.

Each function runs in one transaction, checks the workflow rules itself (views check the
capability first, but a rule such as "a reviewer other than the author publishes" lives here,
so the API and the commands obey it too), and writes an audit event.
"""

from __future__ import annotations

import secrets
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import TextField, Value
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityrights.core import audit, duties, throttling
from cityrights.core.errors import ServiceError
from cityrights.core.permissions import can
from cityrights.core.translation import (
    current_language,
    field_names,
    language_name,
    missing_fingerprint,
    missing_languages,
    set_translations,
    text_label,
    translations,
)

from . import snapshots
from .importing import ImportedRow
from .models import (
    ENTRY_TEXTS,
    LOCATION_TEXTS,
    REQUIRED_ENTRY_TEXTS,
    Entry,
    EntryTerm,
    EntryVersion,
    Location,
    Question,
    QuestionStatus,
    State,
    Status,
    TermKind,
)
from .records import ALGORITHM_TEXTS, LocationData
from .terms import clean_terms, term_label

if TYPE_CHECKING:
    from cityrights.core.models import Department, Organisation, User

#: Plain fields an editor fills in (the multi-valued ones go through ``terms``). The entry
#: form shows them all but ``dataset_urls``, which it edits as text, one address per line.
EDITABLE_FIELDS = (
    "kind",
    *field_names("name"),
    *field_names("summary"),
    *field_names("details"),
    "department",
    *field_names("contact_name"),
    "contact_email",
    "provider",
    "status",
    "start_date",
    "end_date",
    *field_names("data_subjects"),
    *field_names("retention"),
    *field_names("recipients"),
    "automation_level",
    *field_names("human_oversight"),
    "risk_level",
    "source_code_url",
    "dataset_urls",
    "domain",
    *field_names("decision_making_process"),
    *field_names("proportionality"),
    "algorithm_type",
    "use_type",
    *field_names("training_data"),
    *field_names("data_connections"),
    *field_names("monitoring"),
    *field_names("objection_procedure"),
)
#: The vocabulary fields of an entry (form field name: the kind of term it holds).
TERM_FIELDS = {
    "purposes": TermKind.PURPOSE,
    "data_categories": TermKind.DATA_CATEGORY,
    "legal_bases": TermKind.LEGAL_BASIS,
    "areas": TermKind.AREA,
}
TERM_KINDS = tuple(TERM_FIELDS.values())
AUDIT_FIELDS = [f for f in EDITABLE_FIELDS if f != "dataset_urls"] + ["state", "version"]

SEARCH_CONFIGS = {"en": "english", "fr": "french", "nl": "dutch"}


class WorkflowError(ServiceError):
    """A register step that is refused (see :mod:`cityrights.core.errors`).

    Most refusals are about the entry's state ("only drafts can be edited"): 409 unless the
    raise says otherwise.
    """

    status = 409


def _require(actor: User, organisation: Organisation, capability: str) -> None:
    if not can(actor, organisation, capability):
        raise WorkflowError(_("Your role does not allow this."), 403)


def duty_version(entry: Entry) -> int:
    """The version a change goes into: the next publication of this row.

    A row is published once (a published entry changes through a working copy, a row of
    its own), so everything from its creation to its publication, sending back and
    changing again included, is one version for the separation of duties.
    """
    return entry.version + 1


def _took_part(entry: Entry, actor: User | None, kind: str) -> None:
    duties.record(
        organisation=entry.organisation,
        obj=entry,
        version=duty_version(entry),
        actor=actor,
        kind=kind,
    )


# --- Drafts ----------------------------------------------------------------------------------


def _apply(entry: Entry, data: Mapping[str, Any]) -> None:
    """Write ``data`` onto ``entry``: columns (``name_fr``), or a text by its plain name.

    A plain name takes a ``{language: text}`` map (the API, copies) or one text, which is
    the city's first language (an imported spreadsheet is written in it).
    """
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(entry, field, data[field])
    for name in ENTRY_TEXTS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, Mapping):
            set_translations(entry, name, value)
        else:
            first = entry.organisation.content_languages[0]
            set_translations(entry, name, {first: value or ""})
    if entry.dataset_urls is None:
        entry.dataset_urls = []


def _set_terms(entry: Entry, terms: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Replace the given kinds of terms; returns the cleaned values (for the audit trail)."""
    cleaned: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    for kind, values in terms.items():
        try:
            cleaned[kind] = clean_terms(kind, values)
        except ValidationError as error:
            errors[kind] = error.messages
    if errors:
        raise ValidationError(errors)
    for kind, values in cleaned.items():
        EntryTerm.objects.filter(entry=entry, kind=kind).delete()
        EntryTerm.objects.bulk_create(
            EntryTerm(entry=entry, kind=kind, value=value, position=index)
            for index, value in enumerate(values)
        )
    return cleaned


def _terms_of(entry: Entry) -> dict[str, list[str]]:
    return {kind: entry.values_of(kind) for kind in TERM_KINDS}


def create_entry(
    *,
    organisation: Organisation,
    actor: User,
    data: Mapping[str, Any],
    terms: Mapping[str, Iterable[str]] | None = None,
) -> Entry:
    """A new draft by ``actor`` (who becomes its author)."""
    _require(actor, organisation, "edit")
    with transaction.atomic():
        entry = Entry(organisation=organisation, author=actor, state=State.DRAFT)
        _apply(entry, data)
        entry.full_clean(exclude=["code", "search_vector"])
        entry.last_edited_by = actor
        entry.save()
        cleaned = _set_terms(entry, terms or {})
        _took_part(entry, actor, duties.Kind.CREATED)
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=entry,
            changes={**audit.snapshot(entry, AUDIT_FIELDS), **cleaned},
        )
    return entry


def update_entry(
    entry: Entry,
    *,
    actor: User,
    data: Mapping[str, Any],
    terms: Mapping[str, Iterable[str]] | None = None,
) -> Entry:
    """Change a draft. Published entries are changed through a revision (``start_revision``)."""
    _require(actor, entry.organisation, "edit")
    if entry.state != State.DRAFT:
        raise WorkflowError(_("Only drafts can be edited; send it back to draft first."))
    with transaction.atomic():
        before = {**audit.snapshot(entry, AUDIT_FIELDS), **_terms_of(entry)}
        _apply(entry, data)
        entry.full_clean(exclude=["code", "search_vector"])
        entry.last_edited_by = actor
        entry.save()
        _set_terms(entry, terms or {})
        _took_part(entry, actor, duties.Kind.EDITED)
        entry = Entry.objects.get(pk=entry.pk)
        after = {**audit.snapshot(entry, AUDIT_FIELDS), **_terms_of(entry)}
        audit.record(
            actor=actor,
            organisation=entry.organisation,
            action="update",
            obj=entry,
            changes=audit.diff(before, after),
        )
    return entry


def discard(entry: Entry, *, actor: User) -> None:
    """Delete a draft that was never published, or abandon a revision."""
    _require(actor, entry.organisation, "edit")
    if entry.is_public or entry.state not in (State.DRAFT, State.IN_REVIEW):
        raise WorkflowError(_("Published entries cannot be deleted; withdraw them instead."))
    audit.delete(
        entry,
        actor=actor,
        organisation=entry.organisation,
        changes={"state": entry.state, "revision_of": entry.revision_of_id},
    )


def start_revision(entry: Entry, *, actor: User) -> Entry:
    """A working copy of a published entry; the public keeps seeing the published one."""
    _require(actor, entry.organisation, "edit")
    if entry.state != State.PUBLISHED or entry.is_revision:
        raise WorkflowError(_("Only a published entry can be revised."))
    existing = entry.revisions.first()
    if existing is not None:
        return existing
    with transaction.atomic():
        terms = _terms_of(entry)
        revision = Entry(organisation=entry.organisation, revision_of=entry, author=actor)
        for field in EDITABLE_FIELDS:
            setattr(revision, field, getattr(entry, field))
        revision.state = State.DRAFT
        revision.last_edited_by = actor
        revision.save()
        _set_terms(revision, terms)
        _took_part(revision, actor, duties.Kind.CREATED)
        Location.objects.bulk_create(
            Location(
                entry=revision,
                latitude=location.latitude,
                longitude=location.longitude,
                origin=location,
                code=_copy_code(),
                **_place_texts(location),
            )
            for location in entry.locations.all()
        )
        audit.record(
            actor=actor,
            organisation=entry.organisation,
            action="revise",
            obj=entry,
            changes={"revision": revision.pk},
        )
    return revision


def _place_texts(location: Location) -> dict[str, str]:
    """The description columns of a place in every language, to copy them onto another."""
    return {column: getattr(location, column) for column in _PLACE_COLUMNS}


_PLACE_COLUMNS = tuple(column for name in LOCATION_TEXTS for column in field_names(name))


def _imported_place_texts(location: LocationData, first: str, entry_name: str) -> list[str]:
    """An imported place's description in each language (``_PLACE_COLUMNS``' order); the
    first language falls back on the entry's name, as a place always has a description."""
    texts = {first: location.description, **location.descriptions}
    texts[first] = texts[first] or entry_name
    return [texts.get(column.removeprefix("description_"), "") for column in _PLACE_COLUMNS]


def _copy_code() -> str:
    from .models import LOCATION_CODE_LENGTH, unique_code

    return unique_code(LOCATION_CODE_LENGTH)


# --- Workflow --------------------------------------------------------------------------------


def submit(entry: Entry, *, actor: User) -> Entry:
    """Draft → in review: the editor asks a reviewer to publish."""
    _require(actor, entry.organisation, "edit")
    if entry.state != State.DRAFT:
        raise WorkflowError(_("Only a draft can be submitted for review."))
    problems = missing_for_publication(entry)
    if problems:
        raise WorkflowError(" ".join(problems), 422)
    with transaction.atomic():
        entry.state = State.IN_REVIEW
        entry.submitted_at = timezone.now()
        entry.submitted_by = actor
        entry.review_note = ""
        entry.save()
        _took_part(entry, actor, duties.Kind.SUBMITTED)
        audit.record(
            actor=actor,
            organisation=entry.organisation,
            action="submit",
            obj=entry,
            changes={"state": {"from": State.DRAFT, "to": State.IN_REVIEW}},
        )
    return entry


def missing_for_publication(entry: Entry) -> list[str]:
    """What a resident would miss: checked when submitting, so reviewers see complete entries."""
    problems = []
    first = entry.organisation.content_languages[0]
    for name in REQUIRED_ENTRY_TEXTS:
        if not getattr(entry, f"{name}_{first}", "").strip():
            problems.append(
                _("Write the %(field)s in %(language)s, the city's first language.")
                % {
                    "field": text_label(Entry, name),
                    "language": language_name(first),
                }
            )
    if not entry.purposes:
        problems.append(_("Name at least one purpose."))
    if entry.data_categories and not entry.legal_bases:
        problems.append(_("Personal data is processed: name the legal basis."))
    if entry.kind == "sensor" and not entry.locations.exists():
        problems.append(_("A sensor needs at least one location."))
    return problems


#: The key under which the places' descriptions appear in :func:`missing_translations`.
PLACES = "places"


def missing_translations(entry: Entry) -> dict[str, list[str]]:
    """Texts that have no version yet in some of the city's languages: ``{field: [codes]}``.

    A text left empty in every language is not missing; the descriptions of all places are
    one item (``"places"``). Staff see this on the entry list and the entry page, and the
    reviewer confirms it before publishing (see :func:`publish`).
    """
    languages = entry.organisation.content_languages
    gaps = missing_languages(entry, ENTRY_TEXTS, languages)
    places: set[str] = set()
    for location in entry.locations.all():
        for codes in missing_languages(location, LOCATION_TEXTS, languages).values():
            places.update(codes)
    if places:
        gaps[PLACES] = [code for code in languages if code in places]
    return gaps


def contributors_of(entry: Entry) -> duties.Contributors:
    """Everyone who took part in the version under review: they may not publish it.

    The recorded contributions of the version, plus what the row's own fields name (for
    rows written before contributions were recorded).
    """
    named = duties.Contributors.of(
        [
            (entry.author_id, duties.Kind.CREATED),
            (entry.last_edited_by_id, duties.Kind.EDITED),
            (entry.submitted_by_id, duties.Kind.SUBMITTED),
        ]
    )
    return duties.contributors(obj=entry, version=duty_version(entry)) | named


def may_publish(entry: Entry, actor: User) -> bool:
    return (
        entry.state == State.IN_REVIEW
        and can(actor, entry.organisation, "review")
        and actor not in contributors_of(entry)
    )


def send_back(entry: Entry, *, actor: User, note: str) -> Entry:
    """In review → draft, with a note telling the editor what to change."""
    _require(actor, entry.organisation, "review")
    if entry.state != State.IN_REVIEW:
        raise WorkflowError(_("Only an entry in review can be sent back."))
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("Tell the editor what to change."), 422, "note")
    with transaction.atomic():
        entry.state = State.DRAFT
        entry.review_note = note[:2000]
        entry.save()
        audit.record(
            actor=actor,
            organisation=entry.organisation,
            action="send_back",
            obj=entry,
            changes={"state": {"from": State.IN_REVIEW, "to": State.DRAFT}, "note": note},
        )
    return entry


def publish(
    entry: Entry, *, actor: User, change_summary: str = "", missing_seen: str = ""
) -> Entry:
    """In review → published. Returns the public entry (the original, for a revision).

    When texts lack a city language, publishing goes ahead only if ``missing_seen`` is the
    :func:`missing_fingerprint` of what is missing now: the reviewer saw the list and chose
    to publish with the fallback (the first language) rather than wait for a translator.
    """
    _require(actor, entry.organisation, "review")
    if entry.state != State.IN_REVIEW:
        raise WorkflowError(_("Only an entry in review can be published."))
    duties.require_independent(
        decider=actor,
        contributors=contributors_of(entry),
        decision=_("publish it"),
        refuse_with=WorkflowError,
    )
    gaps = missing_translations(entry)
    if gaps and missing_seen != missing_fingerprint(gaps):
        raise WorkflowError(
            _(
                "Some texts are not translated into every language of the city yet. "
                "Check the list of missing translations and confirm that you publish "
                "without them."
            ),
            422,
            "missing_seen",
            code="missing_translations",
        )
    summary = (change_summary or "").strip()[:500]
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=entry.pk)
        if locked.state != State.IN_REVIEW:
            raise WorkflowError(_("Someone else changed this entry in the meantime."))
        now = timezone.now()
        # Without a note the version keeps none: the default words are shown in each
        # reader's language (EntryVersion.change_shown).
        target = _merge_revision(entry) if entry.revision_of_id else entry
        previous = target.versions.order_by("-number").first()
        target.state = State.PUBLISHED
        target.review_note = ""
        target.published_at = target.published_at or now
        target.last_published_at = now
        target.version += 1
        target.save()
        target = Entry.objects.select_related("department", "organisation").get(pk=target.pk)
        data = snapshots.snapshot(target)
        EntryVersion.objects.create(
            entry=target,
            number=target.version,
            snapshot=data,
            change_summary=summary,
            published_at=now,
            published_by=actor,
        )
        refresh_search(target)
        changed = snapshots.changed_fields(previous.snapshot if previous else None, data)
        audit.record(
            actor=actor,
            organisation=target.organisation,
            action="publish",
            obj=target,
            changes={"version": target.version, "summary": summary, "fields": changed},
        )
    return target


def _merge_revision(revision: Entry) -> Entry:
    """Copy a revision onto its published entry, keeping the entry's codes, then drop it."""
    assert revision.revision_of_id is not None, "only a revision is merged"
    target = Entry.objects.select_for_update().get(pk=revision.revision_of_id)
    for field in EDITABLE_FIELDS:
        setattr(target, field, getattr(revision, field))
    target.author = target.author or revision.author
    target.full_clean(exclude=["code", "search_vector"])
    terms = _terms_of(revision)
    EntryTerm.objects.filter(entry=target).delete()
    EntryTerm.objects.bulk_create(
        EntryTerm(entry=target, kind=kind, value=value, position=index)
        for kind, values in terms.items()
        for index, value in enumerate(values)
    )
    kept: set[int] = set()
    for copy in revision.locations.all():
        original = copy.origin
        if original is not None and original.entry_id == target.pk:
            original.latitude, original.longitude = copy.latitude, copy.longitude
            for column, value in _place_texts(copy).items():
                setattr(original, column, value)
            original.save()
            kept.add(original.pk)
        else:
            moved = Location.objects.create(
                entry=target,
                latitude=copy.latitude,
                longitude=copy.longitude,
                **_place_texts(copy),
            )
            kept.add(moved.pk)
    target.locations.exclude(pk__in=kept).delete()
    revision.delete()
    return target


def retire(entry: Entry, *, actor: User, reason: str) -> Entry:
    """Withdraw a published entry: it stays readable, marked as no longer in use."""
    _require(actor, entry.organisation, "review")
    if entry.state != State.PUBLISHED or entry.is_revision:
        raise WorkflowError(_("Only a published entry can be withdrawn."))
    reason = (reason or "").strip()[:500]
    if not reason:
        raise WorkflowError(
            _("Say why the entry is withdrawn; residents will read it."), 422, "reason"
        )
    with transaction.atomic():
        entry.revisions.all().delete()
        now = timezone.now()
        entry.state = State.RETIRED
        entry.status = Status.RETIRED
        entry.retired_at = now
        entry.end_date = entry.end_date or timezone.localdate()
        if entry.start_date and entry.end_date < entry.start_date:
            entry.end_date = entry.start_date
        entry.version += 1
        entry.last_published_at = now
        entry.save()
        EntryVersion.objects.create(
            entry=entry,
            number=entry.version,
            snapshot=snapshots.snapshot(entry),
            change_summary=reason,
            published_at=now,
            published_by=actor,
        )
        refresh_search(entry)
        audit.record(
            actor=actor,
            organisation=entry.organisation,
            action="retire",
            obj=entry,
            changes={"state": {"from": State.PUBLISHED, "to": State.RETIRED}, "reason": reason},
        )
    return entry


def search_config(organisation: Organisation) -> str:
    return SEARCH_CONFIGS.get(organisation.default_language, "simple")


def refresh_search(entry: Entry) -> None:
    """Rebuild the PostgreSQL full-text vector of a public entry (no-op on SQLite)."""
    if connection.vendor != "postgresql":
        return
    config = search_config(entry.organisation)
    lang = entry.organisation.default_language
    labels = " ".join(
        term_label(kind, value, lang) for kind in TERM_KINDS for value in entry.values_of(kind)
    )
    extra = " ".join(
        [
            " ".join(entry.department.every_name()),
            entry.provider,
            _every(entry, "data_subjects"),
            entry.get_kind_display(),
        ]
    )
    places = " ".join(_every(location, "description") for location in entry.locations.all())

    def text(value: str) -> Value:
        return Value(value, output_field=TextField())

    # Every language of the city goes into one vector, stemmed by its first language: a
    # resident finds an entry by a word in any of the city's languages.
    vector = (
        SearchVector(text(_every(entry, "name")), weight="A", config=config)
        + SearchVector(text(_every(entry, "summary")), weight="B", config=config)
        + SearchVector(text(labels + " " + extra), weight="B", config=config)
        + SearchVector(text(_every(entry, "details") + " " + places), weight="C", config=config)
    )
    Entry.objects.filter(pk=entry.pk).update(search_vector=vector)


def _every(obj: Any, name: str) -> str:
    return " ".join(translations(obj, name).values())


# --- Locations -------------------------------------------------------------------------------


def _editable(entry: Entry, actor: User) -> None:
    _require(actor, entry.organisation, "edit")
    if entry.state != State.DRAFT:
        raise WorkflowError(_("Locations can only be changed while the entry is a draft."))


def save_location(
    entry: Entry,
    *,
    actor: User,
    latitude: Any,
    longitude: Any,
    description: str | Mapping[str, str],
    location: Location | None = None,
) -> Location:
    """Add or change a place; ``description`` per language, or one text in the city's first."""
    _editable(entry, actor)
    with transaction.atomic():
        created = location is None
        if location is None:
            location = Location(entry=entry)
        elif location.entry_id != entry.pk:
            raise WorkflowError(_("This location belongs to another entry."), 404)
        watched = ["latitude", "longitude", *_PLACE_COLUMNS]
        before = audit.snapshot(location, watched)
        location.latitude, location.longitude = _degrees(latitude), _degrees(longitude)
        if not isinstance(description, Mapping):
            description = {entry.organisation.content_languages[0]: description}
        set_translations(location, "description", description)
        if not translations(location, "description"):
            raise ValidationError(
                {"description": _("Describe the place so that people can recognise it.")}
            )
        location.full_clean(exclude=["code", "entry", "origin"])
        location.save()
        after = audit.snapshot(location, watched)
        audit.record(
            actor=actor,
            organisation=entry.organisation,
            action="create" if created else "update",
            obj=location,
            changes=after if created else audit.diff(before, after),
        )
        entry.last_edited_by = actor
        entry.save(update_fields=["last_edited_by", "updated_at"])
        _took_part(entry, actor, duties.Kind.EDITED)
    return location


def _degrees(value: Any) -> Decimal:
    """Coordinates as decimals with six places (about 10 cm), whatever type they came in."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(_("'%(value)s' is not a number.") % {"value": value}) from error
    if not number.is_finite():
        raise ValidationError(_("Coordinates must be finite numbers."))
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def delete_location(location: Location, *, actor: User) -> None:
    entry = location.entry
    _editable(entry, actor)
    with transaction.atomic():
        audit.delete(
            location, actor=actor, organisation=entry.organisation, changes={"entry": entry.name}
        )
        entry.last_edited_by = actor
        entry.save(update_fields=["last_edited_by", "updated_at"])
        _took_part(entry, actor, duties.Kind.EDITED)


# --- Residents' questions --------------------------------------------------------------------

QUESTION_LIMIT = 5  # per client and window
QUESTION_WINDOW_SECONDS = 3600


def question_allowed(client: str) -> bool:
    """Rate limit per client address (counted by ``core.throttling``, which stores only a hash)."""
    limit = getattr(settings, "CITYRIGHTS_REGISTER_QUESTION_LIMIT", QUESTION_LIMIT)
    return throttling.count("register-question", client, window=QUESTION_WINDOW_SECONDS) < limit


def ask(entry: Entry, *, message: str, contact_email: str, client: str) -> Question:
    """Store a resident's question and send it to the entry's contact point."""
    if not entry.is_public:
        raise WorkflowError(_("Questions can only be asked about published entries."), 404)
    if not question_allowed(client):
        raise WorkflowError(_("You sent several messages in a short time. Please try later."), 429)
    with transaction.atomic():
        question = Question.objects.create(
            organisation=entry.organisation,
            entry=entry,
            message=message.strip(),
            contact_email=contact_email.strip(),
        )
        throttling.hit("register-question", client, window=QUESTION_WINDOW_SECONDS)
        recipient = entry.contact_address
        if recipient:
            # The contact point is the city's: it reads the city's first language, told
            # which language the resident wrote in when that is another.
            asked_in = current_language()
            city = entry.organisation
            with translation.override(city.default_language):
                context = {
                    "question": question,
                    "entry": entry,
                    "base_url": settings.CITYRIGHTS_BASE_URL,
                    "asked_in": ""
                    if asked_in == city.default_language
                    else language_name(asked_in),
                }
                subject = _("Question about “%(name)s” in the register") % {"name": entry.name}
                body = render_to_string("register/question_email.txt", context)
            mail = EmailMessage(
                subject=subject.replace("\n", " ")[:200],
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[recipient],
                reply_to=[question.contact_email] if question.contact_email else None,
            )
            transaction.on_commit(lambda: mail.send(fail_silently=True))
    return question


def handle_question(question: Question, *, actor: User, status: str, note: str) -> Question:
    _require(actor, question.organisation, "edit")
    if status not in QuestionStatus.values:
        raise WorkflowError(_("Unknown status."), 422, "status")
    with transaction.atomic():
        before = {"status": question.status}
        question.status = status
        question.staff_note = (note or "").strip()[:4000]
        if status == QuestionStatus.OPEN:
            question.handled_at = None
            question.handled_by = None
        else:
            question.handled_at = timezone.now()
            question.handled_by = actor
        question.save()
        # The message and the resident's address stay out of the audit trail.
        audit.record(
            actor=actor,
            organisation=question.organisation,
            action="update",
            obj=question,
            changes=audit.diff(before, {"status": question.status}),
        )
    return question


# --- Bulk import -----------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    created: list[Entry]


@dataclass(frozen=True)
class ImportProgress:
    """How far an import is: ``step`` (``checked``, ``entries``, ``details``) and counts."""

    step: str
    done: int
    total: int


#: Rows checked between two progress reports.
PROGRESS_EVERY = 500


def import_rows(
    rows: Iterable[ImportedRow], *, organisation: Organisation, actor: User | None
) -> ImportOutcome:
    """Create one draft per parsed row, all or nothing (see :func:`import_steps`)."""
    steps = import_steps(rows, organisation=organisation, actor=actor)
    while True:
        try:
            next(steps)
        except StopIteration as finished:
            outcome: ImportOutcome = finished.value
            return outcome


def import_steps(
    rows: Iterable[ImportedRow], *, organisation: Organisation, actor: User | None
) -> Generator[ImportProgress, None, ImportOutcome]:
    """Create one draft per parsed row, all or nothing (see ``importing.parse_inventory``),
    reporting its progress as it goes; the generator's return value is the outcome.

    The web import streams the reports to the page. The writes happen in one transaction that
    stays open between reports: a consumer that stops early (a closed browser) closes the
    generator inside it, and the transaction rolls back.

    The parser has validated every cell; what is checked here needs the database (departments,
    model rules). Any problem raises ``ValidationError`` naming the row and column, and the
    transaction leaves nothing behind.

    Why in bulk: a 5,000-row inventory took over a minute with a few queries per row. Every
    row is checked in memory first (its foreign keys are objects loaded once, so no query per
    row), codes are drawn for all rows and checked against the database in one query, and the
    entries, their terms, their places and the contributions are each written with one bulk
    insert (in batches), followed by one audit event for the import.
    """
    if actor is not None:
        _require(actor, organisation, "edit")
    known = list(organisation.departments.all())
    departments = {name.casefold(): d for d in known for name in d.every_name()}
    departments.update({d.slug.casefold(): d for d in known})
    rows = list(rows)
    total = len(rows)
    prepared = []
    for index, imported in enumerate(rows, start=1):
        prepared.append(_imported_entry(imported, organisation, actor, departments))
        if index % PROGRESS_EVERY == 0 or index == total:
            yield ImportProgress("checked", index, total)
    entries = [entry for entry, _record, _terms in prepared]
    with transaction.atomic():
        places_wanted = sum(len(record.locations) for _entry, record, _terms in prepared)
        entry_codes, location_codes = _fresh_codes(len(entries), places_wanted)
        for entry, code in zip(entries, entry_codes, strict=True):
            entry.code = code
        _insert_entries(entries)
        yield ImportProgress("entries", total, total)
        terms: list[tuple[Any, ...]] = []
        places: list[tuple[Any, ...]] = []
        place_codes = iter(location_codes)
        # A spreadsheet is written in the city's first language; a place's other languages
        # (and the first, which they then replace) come in ``descriptions``.
        first = organisation.content_languages[0]
        for entry, record, cleaned in prepared:
            for kind, values in cleaned.items():
                terms.extend((entry.pk, kind, value, index) for index, value in enumerate(values))
            places.extend(
                (
                    entry.pk,
                    next(place_codes),
                    _degrees(location.lat),
                    _degrees(location.lon),
                    *_imported_place_texts(location, first, record.name),
                )
                for location in record.locations
            )
        _insert_rows(EntryTerm, ("entry", "kind", "value", "position"), terms)
        _insert_rows(Location, ("entry", "code", "latitude", "longitude", *_PLACE_COLUMNS), places)
        duties.record_many(
            organisation=organisation,
            parts=[(entry, duty_version(entry)) for entry in entries],
            actor=actor,
            kind=duties.Kind.CREATED,
        )
        audit.record(
            actor=actor,
            organisation=organisation,
            action="import",
            object_type="register.entry",
            object_repr=_("%(count)d register entries") % {"count": len(entries)},
            changes={"created": [entry.name for entry in entries]},
        )
        yield ImportProgress("details", total, total)
    return ImportOutcome(created=entries)


#: Rows per INSERT: well under SQLite's limit of host parameters with every column of an entry.
IMPORT_BATCH = 500


def _insert_entries(entries: list[Entry]) -> None:
    """Insert new entries in bulk and give each its primary key (found again by its code).

    ``bulk_create`` spends most of its time preparing every value of every row through the
    query compiler; here each field converts its value once, the way ``save`` would.
    """
    fields = [field for field in Entry._meta.concrete_fields if not field.primary_key]
    rows = [tuple(field.pre_save(entry, True) for field in fields) for entry in entries]
    _insert_rows(Entry, tuple(field.name for field in fields), rows)
    by_code = {entry.code: entry for entry in entries}
    codes = list(by_code)
    for start in range(0, len(codes), IMPORT_BATCH):
        found = Entry.objects.filter(code__in=codes[start : start + IMPORT_BATCH])
        for code, pk in found.values_list("code", "pk"):
            by_code[code].pk = pk
    for entry in entries:
        entry._state.adding = False
        entry._state.db = connection.alias


def _insert_rows(
    model: type[models.Model], names: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert many rows of ``model`` with a few multi-row INSERT statements.

    Building a model instance per term and place cost more than the database itself; the
    values go through each field's own conversion for the database, as the ORM would do.
    """
    if not rows:
        return
    db = connections[DEFAULT_DB_ALIAS]  # the proxy ``connection`` costs a lookup per use
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in names]
    columns = ", ".join(db.ops.quote_name(str(field.column)) for field in fields)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Names come from the model, quoted by the backend; every value is a bound parameter.
    table = db.ops.quote_name(model._meta.db_table)
    head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
    convert = [None if field.get_internal_type() in _PLAIN_TYPES else field for field in fields]
    prepared = [
        tuple(
            value if field is None or value is None else field.get_db_prep_save(value, db)
            for field, value in zip(convert, row, strict=True)
        )
        for row in rows
    ]
    if db.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path: rows stream in without a statement to parse per batch.
        copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        with db.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for values in prepared:
                copy.write_row(values)
        return
    # Many rows per statement: one round trip per batch (``executemany`` costs one per row on
    # PostgreSQL), within the backend's limit of parameters (999 on SQLite).
    size = max(1, min(IMPORT_BATCH * 2, db.ops.bulk_batch_size(fields, prepared)))
    with db.cursor() as cursor:
        for start in range(0, len(prepared), size):
            chunk = prepared[start : start + size]
            cursor.execute(
                head + ", ".join([row_marks] * len(chunk)),
                [value for values in chunk for value in values],
            )


#: Fields whose Python value is already what both databases take (others convert themselves).
_PLAIN_TYPES = frozenset(
    {
        "CharField",
        "TextField",
        "SlugField",
        "BooleanField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "ForeignKey",
    }
)


def _imported_entry(
    imported: ImportedRow,
    organisation: Organisation,
    actor: User | None,
    departments: Mapping[str, Department],
) -> tuple[Entry, Any, dict[str, list[str]]]:
    """An unsaved draft for one parsed row and its terms, checked without a query."""
    row, record = imported.row, imported.entry
    department = departments.get(record.department.name.strip().casefold())
    if department is None:
        raise ValidationError(
            _("Row %(row)d, column department: no department called '%(name)s'.")
            % {"row": row, "name": record.department.name}
        )
    name, email = _split_contact(record.contact)
    entry = Entry(
        organisation=organisation,
        author=actor,
        last_edited_by=actor,
        state=State.DRAFT,
        kind=record.kind,
        department=department,
        contact_email=email,
        provider=record.provider,
        status=record.status,
        start_date=record.start_date,
        end_date=record.end_date,
        automation_level=record.automation_level,
        risk_level=record.risk_level,
        source_code_url=record.source_code_url,
        dataset_urls=list(record.dataset_urls),
        domain=record.domain,
        algorithm_type=record.algorithm_type,
        use_type=record.use_type,
    )
    # The plain columns are in the city's first language; columns such as ``name_fr`` give
    # a text in another language (or the first, which they then replace).
    first = organisation.content_languages[0]
    texts: dict[str, Any] = {"contact_name": name}
    for field in ("name", "summary", "data_subjects", "retention", "recipients"):
        texts[field] = getattr(record, field)
    texts["human_oversight"] = record.human_oversight
    for field in ALGORITHM_TEXTS:
        texts[field] = getattr(record, field)
    for field, given in record.translations.items():
        if field in texts:
            texts[field] = {first: texts[field] or "", **given}
    _apply(entry, texts)
    try:
        # Foreign keys are objects loaded above: checking them would cost a query per row.
        # The code is drawn in bulk; the only constraint that concerns a new draft (dates in
        # order) is also a rule of ``Entry.clean``.
        _clean_fields(entry)
        entry.clean()
    except ValidationError as error:
        raise ValidationError(
            [
                _("Row %(row)d, column %(column)s: %(problem)s")
                % {"row": row, "column": field, "problem": " ".join(messages)}
                for field, messages in error.message_dict.items()
            ]
        ) from error
    terms: dict[str, list[str]] = {}
    for kind, column, values in (  # the parser gave canonical values: this is a second check
        (TermKind.PURPOSE, "purposes", record.purposes),
        (TermKind.DATA_CATEGORY, "data_categories", record.data_categories),
        (TermKind.LEGAL_BASIS, "legal_bases", record.legal_bases),
        (TermKind.AREA, "thematic_areas", record.thematic_areas),
    ):
        try:
            terms[kind] = (
                list(dict.fromkeys(values)) if kind in _PARSED else clean_terms(kind, values)
            )
        except ValidationError as error:
            raise ValidationError(
                _("Row %(row)d, column %(column)s: %(problem)s")
                % {"row": row, "column": column, "problem": " ".join(error.messages)}
            ) from error
    return entry, record, terms


#: The parser turned these into canonical vocabulary IRIs already (``importing._Row.terms``).
_PARSED = frozenset({TermKind.PURPOSE, TermKind.DATA_CATEGORY, TermKind.LEGAL_BASIS})


def _clean_fields(entry: Entry) -> None:
    """``Entry.clean_fields`` without foreign keys, skipping empty values a field allows.

    Most cells of an inventory are empty; running every validator on them cost more than
    saving the row.
    """
    errors: dict[str, list[str]] = {}
    for field in _CHECKED_FIELDS:
        value = getattr(entry, field.attname)
        if field.blank and (value == "" or value == [] or value is None):
            continue
        try:
            if isinstance(value, str) and field.name in _SHORT_TEXT:
                _check_short_text(field, value)
            else:
                setattr(entry, field.attname, field.clean(value, entry))
        except ValidationError as error:
            errors[field.name] = error.messages
    if errors:
        raise ValidationError(errors)


def _check_short_text(field: Any, value: str) -> None:
    """What ``field.clean`` checks on a plain text or choice field, without its machinery."""
    if field.max_length is not None and len(value) > field.max_length:
        field.run_validators(value)  # raises the model's own message
    if field.choices and value not in _CHOICES[field.name]:
        field.validate(value, None)  # raises the model's own message


_CHECKED_FIELDS = [
    field
    for field in Entry._meta.concrete_fields
    if not field.is_relation and field.name not in {"id", "code", "search_vector"}
]
#: Text fields whose only rules are a maximum length and a list of choices.
_SHORT_TEXT = frozenset(
    field.name
    for field in _CHECKED_FIELDS
    if field.get_internal_type() in {"CharField", "TextField"}
    and all(
        type(v).__name__ in {"MaxLengthValidator", "ProhibitNullCharactersValidator"}
        for v in field.validators
    )
)
_CHOICES = {
    field.name: frozenset(str(value) for value, _label in field.flatchoices)
    for field in _CHECKED_FIELDS
    if field.choices
}


def _draw_codes(length: int, count: int) -> list[str]:
    """``count`` random codes as ``models.new_code`` makes them, from one read of the OS source."""
    from .models import CODE_ALPHABET

    size = len(CODE_ALPHABET)
    limit = 256 - 256 % size  # bytes above are skipped, so every character is equally likely
    chars: list[str] = []
    while len(chars) < length * count:
        chars.extend(
            CODE_ALPHABET[b % size] for b in secrets.token_bytes(length * count) if b < limit
        )
    return ["".join(chars[i * length : (i + 1) * length]) for i in range(count)]


def _fresh_codes(entries: int, locations: int) -> tuple[list[str], list[str]]:
    """Unused codes for new entries and places, checked against the database in bulk."""
    from .models import ENTRY_CODE_LENGTH, LOCATION_CODE_LENGTH, new_code

    wanted = [(ENTRY_CODE_LENGTH, entries), (LOCATION_CODE_LENGTH, locations)]
    drawn: list[list[str]] = [_draw_codes(length, count) for length, count in wanted]
    while True:
        every = [code for codes in drawn for code in codes]
        taken = set(Entry.objects.filter(code__in=every).values_list("code", flat=True))
        taken |= set(Location.objects.filter(code__in=every).values_list("code", flat=True))
        seen: set[str] = set()
        clashes = 0
        for index, (length, _count) in enumerate(wanted):
            fresh = []
            for code in drawn[index]:
                if code in taken or code in seen:
                    code = new_code(length)
                    clashes += 1
                seen.add(code)
                fresh.append(code)
            drawn[index] = fresh
        if not clashes:
            return drawn[0], drawn[1]


def _split_contact(contact: str) -> tuple[str, str]:
    """``Name <email>``, ``email`` or ``Name`` → (name, email)."""
    text = (contact or "").strip()
    if "<" in text and text.endswith(">"):
        name, _sep, email = text[:-1].partition("<")
        return name.strip()[:200], email.strip()
    if "@" in text and " " not in text:
        return "", text
    return text[:200], ""
