"""The transparency register: entries, their places, their published history, residents' questions.

Design in one paragraph (see docs/register.md for the long version). An :class:`Entry` row is
what the public sees once it is published. Editing a published entry never changes the public
row directly: the editor works on a *revision*, a second ``Entry`` row with ``revision_of`` set,
which goes through the same draft → in review → published workflow. Publishing a revision copies
it onto the original (same id, same short code, same location codes) and records an immutable
:class:`EntryVersion`. So the public side only ever reads rows in the ``published`` (or
``retired``) state and needs no snapshot juggling, and drafts cannot leak through a filter or a
search index.
"""

from __future__ import annotations

import secrets
from itertools import permutations
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cityrights.core.labels import ChoiceLabelsMixin
from cityrights.core.models import Department, Organisation
from cityrights.core.translation import TranslatedField, interface_languages, order_text_in
from cityrights.register.records import ALGORITHM_TEXTS

# Crockford-style alphabet without look-alikes (no 0/o, 1/l/i, u), easy to read off a sign.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstvwxyz"
ENTRY_CODE_LENGTH = 6
LOCATION_CODE_LENGTH = 8  # a different length, so /r/<code> can never be ambiguous


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class Kind(models.TextChoices):
    ALGORITHM = "algorithm", _("Algorithm or automated decision system")
    SENSOR = "sensor", _("Sensor or camera")
    SERVICE = "service", _("Digital service")
    PLATFORM = "platform", _("Platform")
    DATASET = "dataset", _("Dataset")


class Status(models.TextChoices):
    """Where the system is in its life: not the publication workflow."""

    PLANNED = "planned", _("Planned")
    PILOT = "pilot", _("Pilot")
    IN_USE = "in_use", _("In use")
    RETIRED = "retired", _("No longer in use")


class State(models.TextChoices):
    """The publication workflow of an entry (or of a revision of one)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Withdrawn from the register")


PUBLIC_STATES = (State.PUBLISHED, State.RETIRED)


class Automation(models.TextChoices):
    NONE = "none", _("No automated decisions")
    ASSISTED = "assisted", _("Supports a person who decides")
    PARTLY = "partly_automated", _("Partly automated, a person checks")
    FULLY = "fully_automated", _("Fully automated")


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Area(models.TextChoices):
    """The six thematic areas of the Digital Rights Governance Guide."""

    INCLUSION = "inclusion", _("Digital inclusion, equality and equity")
    AUTONOMY = "autonomy", _("Freedom, autonomy and control")
    TRANSPARENCY = "transparency", _("Transparency and accountability")
    PARTICIPATION = "participation", _("Public engagement and participation")
    PRIVACY = "privacy", _("Privacy, safety and security")
    PUBLIC_GOODS = "public_goods", _("Public goods and open infrastructure")


class Domain(models.TextChoices):
    """The policy domain of an algorithm: the list of the Eurocities transparency standard."""

    TAXES = "taxes", _("Taxes")
    HOUSING = "housing", _("Housing and living environment")
    CULTURE = "culture", _("Culture, sport and leisure")
    DEFENCE = "defence", _("Defence")
    ECONOMY = "economy", _("Economy and business")
    FAMILY = "family", _("Families, young people and households")
    FINANCE = "finance", _("Public finance")
    GENERIC = "generic", _("Across the organisation")
    HEALTH = "health", _("Health and care")
    IMMIGRATION = "immigration", _("Immigration and integration")
    INTERNATIONAL = "international", _("International cooperation and development aid")
    AGRICULTURE = "agriculture", _("Agriculture, nature and food")
    ENVIRONMENT = "environment", _("Environment, spatial planning and water")
    EDUCATION = "education", _("Education and science")
    PUBLIC_SAFETY = "public_safety", _("Public safety")
    GOVERNMENT = "government", _("Government and administration")
    JUSTICE = "justice", _("Justice")
    ABROAD = "abroad", _("Travelling, living and working abroad")
    BENEFITS = "benefits", _("Subsidies, benefits and allowances")
    TRAFFIC = "traffic", _("Traffic and transport")
    WORK = "work", _("Work and careers")


class AlgorithmType(models.TextChoices):
    """How an algorithm came to its rules (a risk indicator in the Eurocities standard)."""

    RULE_BASED = "rule_based", _("Rules written by people")
    SELF_LEARNING = "self_learning", _("Learns from data")
    HYBRID = "hybrid", _("Both: written rules and learning from data")


class UseType(models.TextChoices):
    """What an algorithm's results do (a risk indicator in the Eurocities standard)."""

    DESCRIPTIVE = "descriptive", _("Describes what happens")
    DIAGNOSTIC = "diagnostic", _("Explains why something happens")
    PREDICTIVE = "predictive", _("Predicts what will happen")
    PRESCRIPTIVE = "prescriptive", _("Recommends or decides what to do")


class TermKind(models.TextChoices):
    PURPOSE = "purpose", _("Purpose")
    DATA_CATEGORY = "data_category", _("Personal data")
    LEGAL_BASIS = "legal_basis", _("Legal basis")
    AREA = "area", _("Thematic area")


#: The texts of an entry that residents read, each entered per city language.
ENTRY_TEXTS: tuple[str, ...] = (
    "name",
    "summary",
    "details",
    "contact_name",
    "data_subjects",
    "retention",
    "recipients",
    "human_oversight",
    *ALGORITHM_TEXTS,
)
#: Texts a city must give in its first language (the others may wait for a translation).
REQUIRED_ENTRY_TEXTS: tuple[str, ...] = ("name", "summary")
#: The texts of a place.
LOCATION_TEXTS: tuple[str, ...] = ("description",)


class EntryQuerySet(models.QuerySet["Entry"]):
    def public(self) -> EntryQuerySet:
        """What anyone may see: published or withdrawn entries (never drafts or revisions)."""
        return self.filter(state__in=PUBLIC_STATES, revision_of__isnull=True)

    def listed(self) -> EntryQuerySet:
        """Published and not withdrawn: what the catalogue, map, feed and exports show."""
        return self.filter(state=State.PUBLISHED, revision_of__isnull=True)

    def primary(self) -> EntryQuerySet:
        """Entries themselves, without the working copies (revisions) of published ones."""
        return self.filter(revision_of__isnull=True)


def name_order_indexes() -> list[models.Index]:
    """Indexes that hand the public catalogue its first page in order, without a sort.

    The catalogue sorts by the name a reader reads (``order_text("name")``): a COALESCE of
    the name columns in the reader's fallback order (their language, the city's, then the
    others), so each possible order of the interface languages needs its own index (3
    languages, 6 orders), on the public rows only (what ``Entry.objects.public()`` keeps,
    which includes ``listed()``). PostgreSQL then reads the first page from the index and
    stops after twenty rows instead of sorting every entry of the city.
    """
    return [
        models.Index(
            models.F("organisation"),
            order_text_in("name", order),
            models.F("id"),
            condition=models.Q(state__in=PUBLIC_STATES, revision_of__isnull=True),
            name="register_entry_name_" + "".join(order),
        )
        for order in permutations(interface_languages())
    ]


class Entry(ChoiceLabelsMixin, models.Model):
    """One algorithm, sensor, service, platform or dataset that the city runs."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="register_entries",
    )
    code = models.CharField(_("short code"), max_length=12, unique=True, editable=False)
    revision_of = models.ForeignKey(
        "self",
        verbose_name=_("revision of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="revisions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What residents read is entered once per city language (core.translation): columns
    # name_en, name_fr, name_nl… with the city's first language as the fallback.
    name = TranslatedField(models.CharField(_("name"), max_length=200, blank=True))
    summary = TranslatedField(
        models.TextField(
            _("summary in plain language"),
            max_length=1500,
            blank=True,
            help_text=_("One paragraph a resident understands: what it does and why."),
        )
    )
    details = TranslatedField(
        models.TextField(
            _("more detail"),
            blank=True,
            max_length=8000,
            help_text=_("How it works, for readers who want to know more."),
        )
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="register_entries",
    )
    contact_name = TranslatedField(models.CharField(_("contact point"), max_length=200, blank=True))
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Questions from residents are sent here (else to the department)."),
    )
    provider = models.CharField(_("provider or vendor"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("in use since"), null=True, blank=True)
    end_date = models.DateField(_("in use until"), null=True, blank=True)
    data_subjects = TranslatedField(
        models.CharField(
            _("whose data"),
            max_length=300,
            blank=True,
            help_text=_("In plain words, e.g. 'people walking past', 'applicants'."),
        )
    )
    retention = TranslatedField(
        models.CharField(_("how long data is kept"), max_length=300, blank=True)
    )
    recipients = TranslatedField(
        models.CharField(_("who receives the data"), max_length=500, blank=True)
    )
    automation_level = models.CharField(
        _("degree of automation"),
        max_length=20,
        choices=Automation.choices,
        default=Automation.NONE,
    )
    human_oversight = TranslatedField(
        models.TextField(_("human oversight"), max_length=2000, blank=True)
    )
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=Risk.choices, default=Risk.LOW
    )
    source_code_url = models.URLField(_("source code"), blank=True)
    dataset_urls = models.JSONField(_("dataset links"), default=list, blank=True)
    # What the algorithm-register standards ask about an algorithm (docs/register-standards.md).
    domain = models.CharField(
        _("policy domain"),
        max_length=20,
        choices=Domain.choices,
        blank=True,
        help_text=_("The field of city work the algorithm serves."),
    )
    decision_making_process = TranslatedField(
        models.TextField(
            _("decision-making process"),
            max_length=2500,
            blank=True,
            help_text=_(
                "The procedure in which the algorithm is used and the rule or policy that "
                "sets it up, e.g. 'allocation of social housing under the city's housing "
                "by-law'."
            ),
        )
    )
    proportionality = TranslatedField(
        models.TextField(
            _("why it is proportionate"),
            max_length=2500,
            blank=True,
            help_text=_(
                "Why the city needs the algorithm for its aim, and why the benefits outweigh "
                "the possible harm to people."
            ),
        )
    )
    algorithm_type = models.CharField(
        _("type of algorithm"),
        max_length=20,
        choices=AlgorithmType.choices,
        blank=True,
        help_text=_("Whether people wrote its rules, or it learnt them from data, or both."),
    )
    use_type = models.CharField(
        _("what its results do"),
        max_length=20,
        choices=UseType.choices,
        blank=True,
    )
    training_data = TranslatedField(
        models.TextField(
            _("data it learnt from"),
            max_length=2500,
            blank=True,
            help_text=_(
                "Which data the algorithm was trained on and why each source was chosen. "
                "For rules written by people, say that it was not trained on data."
            ),
        )
    )
    data_connections = TranslatedField(
        models.TextField(
            _("links to other data sources"),
            max_length=2500,
            blank=True,
            help_text=_(
                "Registers and systems it reads from or writes to, e.g. the population "
                "register. Write 'none' if it has no such link."
            ),
        )
    )
    monitoring = TranslatedField(
        models.TextField(
            _("how its performance is checked"),
            max_length=2500,
            blank=True,
            help_text=_("What results are expected, what is measured and how often."),
        )
    )
    objection_procedure = TranslatedField(
        models.TextField(
            _("how to object"),
            max_length=2500,
            blank=True,
            help_text=_(
                "How a person can object to its use or to an outcome that concerns them, "
                "and to whom."
            ),
        )
    )

    state = models.CharField(
        _("publication state"), max_length=20, choices=State.choices, default=State.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="register_entries",
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(_("note from the reviewer"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    last_published_at = models.DateTimeField(_("last published"), null=True, blank=True)
    retired_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    version = models.PositiveIntegerField(_("published version"), default=0)
    # PostgreSQL full-text index of the public text, refreshed at each publication (GIN index
    # created by migration 0002 on PostgreSQL only; unused on SQLite).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        # Lists sort by the name in the reader's language (selectors.by_name); the stored
        # default is stable but language-neutral.
        ordering = ["id"]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        indexes = [
            models.Index(fields=["organisation", "state"], name="register_entry_org_state"),
            # Newest publication per city: the cache key of public lists (selectors).
            models.Index(
                fields=["organisation", "-last_published_at"], name="register_entry_org_pub"
            ),
            *name_order_indexes(),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="register_entry_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["revision_of"],
                condition=models.Q(revision_of__isnull=False),
                name="register_one_open_revision",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = unique_code(ENTRY_CODE_LENGTH)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        if self.department_id and self.department.organisation_id != self.organisation_id:
            errors["department"] = _("The department belongs to another organisation.")
        if errors:
            raise ValidationError(errors)

    # Multi-valued vocabulary fields, read from the small EntryTerm table.
    def values_of(self, kind: str) -> list[str]:
        cached = getattr(self, "_prefetched_objects_cache", {}).get("terms")
        rows = cached if cached is not None else self.terms.all()
        return [row.value for row in sorted(rows, key=lambda t: t.position) if row.kind == kind]

    @property
    def purposes(self) -> list[str]:
        return self.values_of(TermKind.PURPOSE)

    @property
    def data_categories(self) -> list[str]:
        return self.values_of(TermKind.DATA_CATEGORY)

    @property
    def legal_bases(self) -> list[str]:
        return self.values_of(TermKind.LEGAL_BASIS)

    @property
    def areas(self) -> list[str]:
        return self.values_of(TermKind.AREA)

    @property
    def is_public(self) -> bool:
        return self.revision_of_id is None and self.state in PUBLIC_STATES

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    @property
    def contact_address(self) -> str:
        """Where residents' questions go: the contact point, else the department."""
        return self.contact_email or self.department.contact_email

    def get_absolute_url(self) -> str:
        return reverse("register:entry", kwargs={"org": self.organisation.slug, "code": self.code})

    def get_staff_url(self) -> str:
        return reverse(
            "register:staff_entry", kwargs={"org": self.organisation.slug, "pk": self.pk}
        )

    def short_url(self) -> str:
        return reverse("register:short", kwargs={"code": self.code})


def unique_code(length: int) -> str:
    """A random code not used by any entry or location (collisions are astronomically rare)."""
    while True:
        code = new_code(length)
        if not (
            Entry.objects.filter(code=code).exists() or Location.objects.filter(code=code).exists()
        ):
            return code


class EntryTerm(models.Model):
    """One purpose, personal-data category, legal basis (DPV IRIs) or Guide area of an entry.

    A small table rather than a JSON list so that the catalogue can filter on it on SQLite and
    PostgreSQL alike, with an index.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(max_length=20, choices=TermKind.choices)
    value = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["entry", "kind", "position"]
        indexes = [models.Index(fields=["kind", "value"], name="register_term_kind_value")]
        constraints = [
            models.UniqueConstraint(fields=["entry", "kind", "value"], name="register_term_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class Location(models.Model):
    """A place where a sensor or camera is installed, with its own short code and sign."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="locations")
    code = models.CharField(_("short code"), max_length=12, unique=True, editable=False)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Decimal degrees (WGS 84), between -90 and 90."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Decimal degrees (WGS 84), between -180 and 180."),
    )
    description = TranslatedField(
        models.CharField(
            _("description of the place"),
            max_length=300,
            blank=True,
            help_text=_("So people can recognise it, e.g. 'lamp post at the corner of …'."),
        )
    )
    # In a revision: the published location this copy will update when published.
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90),
                name="register_location_latitude",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="register_location_longitude",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = unique_code(LOCATION_CODE_LENGTH)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.entry.get_absolute_url() + f"#location-{self.code}"

    def short_url(self) -> str:
        return reverse("register:short", kwargs={"code": self.code})


class EntryVersionQuerySet(models.QuerySet["EntryVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Published versions are immutable.")


class EntryVersion(models.Model):
    """What an entry said when it was published (or withdrawn): an immutable snapshot."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("published content"))
    #: The publisher's own note; empty when they wrote none, shown as the default note in
    #: the reader's language (:meth:`change_shown`).
    change_summary = models.CharField(_("what changed"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EntryVersionQuerySet.as_manager()

    class Meta:
        ordering = ["entry", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="register_version_once")
        ]
        # Newest first with the id as tie-break: the register's Atom feed (selectors.
        # recent_versions) walks this index and stops after its fifty items.
        indexes = [models.Index(fields=["-published_at", "-id"], name="register_version_pub_id")]

    def __str__(self) -> str:
        return f"{self.entry} v{self.number}"

    def change_shown(self) -> str:
        """What changed, as the history and the feed show it. Without the publisher's own
        note, "First publication." or "Updated." in the reader's language: stored, those
        words were the language of whoever published, whatever the reader's."""
        if self.change_summary:
            return self.change_summary
        return gettext("First publication.") if self.number == 1 else gettext("Updated.")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Published versions are immutable.")
        super().save(*args, **kwargs)


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed without answer")


class Question(models.Model):
    """A resident's question or concern about an entry, for the staff queue."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="register_questions"
    )
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="questions")
    message = models.TextField(_("your question or concern"), max_length=4000)
    contact_email = models.EmailField(
        _("your e-mail address (optional)"),
        blank=True,
        help_text=_("Only if you would like an answer. It is used for nothing else."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    staff_note = models.TextField(_("internal note"), blank=True, max_length=4000)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["organisation", "status"], name="register_question_status")]

    def __str__(self) -> str:
        return f"{self.entry} · {self.created_at:%Y-%m-%d}"
