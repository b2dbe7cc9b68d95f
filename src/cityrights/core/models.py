"""People, organisations and the audit trail every other app relies on.

A *city* organisation is a tenant: it owns its departments, its register, its
assessments and its agreements. Other organisations (public bodies, companies,
NGOs, a coalition secretariat) exist so cities can name partners and data
recipients, and so those partners can hold API keys.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from translated_fields import to_attribute

from .colours import contrast_ratio
from .translation import TranslatedField, current_language, order_text, translations

LOGO_MAX_BYTES = 1_048_576
HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


def validate_language_list(value: str) -> None:
    """Refuse codes the interface does not offer in a comma-separated language list."""
    offered = {code for code, _name in settings.LANGUAGES}
    unknown = [code for code in value.split(",") if code.strip() and code.strip() not in offered]
    if unknown:
        raise ValidationError(
            _("Unknown language: %(codes)s. Choose among %(offered)s."),
            params={"codes": ", ".join(unknown), "offered": ", ".join(sorted(offered))},
        )


class UserManager(BaseUserManager["User"]):
    """Users log in with their e-mail address; there is no separate user name."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person: a city's staff member (through memberships) or a resident (none).

    ``is_staff`` keeps Django's meaning (may open the operator admin site);
    what someone may do in a city comes from their :class:`Membership`.
    """

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    # Our manager creates users by e-mail, so it is not AbstractUser's (which needs a user name).
    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def is_resident(self) -> bool:
        """A resident is an account that belongs to no organisation."""
        return not self.memberships.exists()


class OrganisationKind(models.TextChoices):
    CITY = "city", _("City")
    PUBLIC_BODY = "public_body", _("Public body")
    COMPANY = "company", _("Company")
    NGO = "ngo", _("NGO")
    COALITION = "coalition", _("Coalition or network")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def cities(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.CITY)

    def public(self) -> OrganisationQuerySet:
        return self.filter(is_public=True)


class Organisation(models.Model):
    """A city (tenant) or an organisation that works with one.

    Partner organisations point at the city whose data they receive through
    ``city``; a city has none. Theme fields let each city look like itself.
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    #: The name residents read in each language ("Bruxelles", "Brussel") where it differs
    #: from the official ``name``; pages show it (:attr:`shown_name`), while what is signed
    #: or frozen (receipts, certificates, annual reports, exports' publisher) keeps
    #: ``name``, so a later rename of one language cannot change a signed document.
    local_name = TranslatedField(
        models.CharField(
            _("local name"),
            max_length=200,
            blank=True,
            help_text=_(
                "The name as residents write it in this language, if it differs from the "
                "official name. Pages show it; signed documents keep the official name."
            ),
        )
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    city = models.ForeignKey(
        "self",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        limit_choices_to={"kind": OrganisationKind.CITY},
        help_text=_("For partner organisations: the city they work with."),
    )
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO code"))
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    #: Written per language of the city ("Hôtel de ville" / "Stadhuis"); read with the
    #: city's fallback like every text the city writes (``core.translation``).
    postal_address = TranslatedField(
        models.TextField(
            _("postal address"),
            blank=True,
            max_length=500,
            help_text=_(
                "Where residents can write to the organisation; printed on consent receipts as "
                "the controller's address. One line per line of the address."
            ),
        )
    )
    is_public = models.BooleanField(
        _("public home page"),
        default=True,
        help_text=_("Show this city's public pages (register, reports) to everyone."),
    )
    default_language = models.CharField(
        _("default language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the city's own texts when a translation is missing."),
    )
    additional_languages = models.CharField(
        _("other languages of the city's texts"),
        max_length=64,
        blank=True,
        validators=[validate_language_list],
        help_text=_(
            "Staff enter descriptions, drafts and summaries in these languages too "
            "(comma-separated codes)."
        ),
    )
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1d4f91", validators=[HEX_COLOUR]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#8a1c4a", validators=[HEX_COLOUR]
    )
    logo = models.FileField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "svg", "webp"])],
        help_text=_("PNG, JPEG, WebP or SVG, at most 1 MB."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="city") | models.Q(city__isnull=True),
                name="core_city_has_no_parent_city",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        for field in ("primary_colour", "accent_colour"):
            value = getattr(self, field)
            try:
                ratio = contrast_ratio(value, "#ffffff")
            except ValueError:
                continue
            if ratio < 4.5:
                errors[field] = _(
                    "White text on this colour has a contrast of %(ratio).1f:1; "
                    "choose a darker colour (at least 4.5:1)."
                ) % {"ratio": ratio}
        if self.logo and getattr(self.logo, "size", 0) > LOGO_MAX_BYTES:
            errors["logo"] = _("The logo is larger than 1 MB.")
        if self.kind == OrganisationKind.CITY and self.city_id:
            errors["city"] = _("A city cannot belong to another city.")
        if errors:
            raise ValidationError(errors)

    @property
    def shown_name(self) -> str:
        """The name for a reader of the active language: the city's name in that language
        where it wrote one, else the official name (never another language's name: a Dutch
        reader of a city named only in French reads the official name). Only the city's
        own languages count: a name kept for a language the city no longer writes in (the
        settings page no longer shows its box) is not shown either."""
        language = current_language()
        if language not in self.content_languages:
            return self.name
        local = getattr(self, to_attribute("local_name", language), "")
        return local.strip() or self.name

    @property
    def content_languages(self) -> tuple[str, ...]:
        """The languages of the city's own texts, its default language first."""
        codes = [self.default_language]
        for code in self.additional_languages.split(","):
            code = code.strip()
            if code and code not in codes:
                codes.append(code)
        return tuple(codes)

    @property
    def is_city(self) -> bool:
        return self.kind == OrganisationKind.CITY

    @property
    def tenant(self) -> Organisation:
        """The city whose data this organisation belongs to (itself for a city)."""
        return self if self.is_city or self.city is None else self.city

    def get_absolute_url(self) -> str:
        return reverse("core:city_home", kwargs={"org": self.slug})


class DepartmentManager(models.Manager["Department"]):
    """Departments in the order a reader of the active language finds them: by the name
    they read (``core.translation.order_text``), so a French list is sorted by the French
    names with the city's fallback in place of a missing one. Related managers
    (``organisation.departments``) and every form's choices inherit the order."""

    def get_queryset(self) -> models.QuerySet[Department]:
        return super().get_queryset().order_by(order_text("name"), "id")


class Department(models.Model):
    """A unit of a city's administration that owns systems and answers questions.

    Its name is the city's text in each of its languages (``name_en``, ``name_fr``, …);
    ``department.name`` reads the active language with the city's fallback.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="departments",
    )
    name = TranslatedField(models.CharField(_("name"), max_length=200, blank=True))
    slug = models.SlugField(_("short name"), max_length=60)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    objects = DepartmentManager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="core_department_slug")
        ]

    def __str__(self) -> str:
        return self.name

    def every_name(self) -> list[str]:
        """The name in each language that has one, without repeats (to recognise it in an
        imported spreadsheet or among suppliers, whatever language they use)."""
        return list(dict.fromkeys(translations(self, "name").values()))


class Role(models.TextChoices):
    """What a member may do in their organisation; see ``core.permissions``."""

    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A person's role in one organisation. One membership per person and organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="core_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    def clean(self) -> None:
        department = self.department
        if department is not None and department.organisation_id != self.organisation_id:
            raise ValidationError(
                {"department": _("The department belongs to another organisation.")}
            )


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One change made by staff: who, when, which object, what changed.

    Rows are only ever inserted. The model refuses updates and deletes, the
    admin shows them read-only, and on PostgreSQL a trigger refuses UPDATE and
    DELETE even from a database session (see migration 0002).
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("who"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("what changed"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["organisation", "-at"], name="core_audit_org_at")]

    @property
    def action_label(self) -> str:
        """The action in words (``core.audit_actions``), for people reading the log."""
        from .audit_actions import action_label

        return action_label(self.action)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def object_type_label(self) -> str:
        """The kind of record in words ("Comment", not ``participation.comment``)."""
        from .audit_words import object_type_label

        return object_type_label(self.object_type)

    def change_lines(self) -> list[tuple[str, str]]:
        """Readable ``(field, change)`` pairs for the log page, in the reader's language:
        field labels, choice labels and language names (``core.audit_words``)."""
        from .audit_words import field_label, value_text

        kind = self.object_type
        lines = []
        for field, value in (self.changes or {}).items():
            label = field_label(kind, field)
            if isinstance(value, dict) and set(value) == {"from", "to"}:
                old = value_text(kind, field, value["from"])
                new = value_text(kind, field, value["to"])
                lines.append((label, f"{old} → {new}"))
            else:
                lines.append((label, value_text(kind, field, value)))
        return lines

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


def _hash_secret(secret: str) -> str:
    # Keys are 256-bit random values, so one round of SHA-256 is enough and
    # keeps verification cheap on the consent-check hot path.
    return hashlib.sha256(secret.encode()).hexdigest()


class ContributionKind(models.TextChoices):
    """How a person took part in a version that someone else decides on (``core.duties``)."""

    CREATED = "created", _("creation")
    EDITED = "edited", _("editing")
    SUBMITTED = "submitted", _("submission")
    ANSWERED = "answered", _("answers")
    RESOLVED = "resolved", _("resolved answers")
    LED = "led", _("project lead")


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Contributions are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Contributions are append-only.")


class Contribution(models.Model):
    """One person's part in one version of something another person decides on.

    Written by the app's service in the transaction of the change, read by
    ``core.duties`` when someone decides; never changed or removed afterwards (the model
    refuses it, and on PostgreSQL a trigger does, see migration 0005). So naming someone
    else as project lead, or letting a colleague change the last character, takes nobody
    off the list. ``subject_type`` is the model's ``app_label.model_name``.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    subject_type = models.CharField(_("object type"), max_length=100)
    subject_id = models.CharField(_("object id"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    kind = models.CharField(_("how"), max_length=20, choices=ContributionKind.choices)
    at = models.DateTimeField(_("first time"), default=timezone.now)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "version", "user", "kind"],
                name="core_contribution_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} v{self.version} {self.user_id} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Contributions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Contributions are append-only.")


class ApiKeyScope(models.TextChoices):
    """What a machine client may do with a key. Apps check the scope they need."""

    READ = "read", _("Read the organisation's non-public data")
    WRITE = "write", _("Change the organisation's data")
    CONSENT_CHECK = "consent:check", _("Ask the consent-check API")
    WEBHOOKS = "webhooks", _("Manage withdrawal-notice webhooks")


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def active(self) -> ApiKeyQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A revocable credential with which an organisation's software calls the API.

    Only a hash of the secret is stored; the full key is shown once, when it is
    created. Keys look like ``crk_<prefix>_<secret>``; the prefix finds the row.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls,
        organisation: Organisation,
        name: str,
        scopes: list[str],
        created_by: User | None = None,
        expires_at: Any = None,
    ) -> tuple[ApiKey, str]:
        """Create a key and return it with the plain secret, which is never stored."""
        prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        key = cls.objects.create(
            organisation=organisation,
            name=name,
            prefix=prefix,
            secret_hash=_hash_secret(secret),
            scopes=sorted(set(scopes)),
            created_by=created_by,
            expires_at=expires_at,
        )
        return key, f"crk_{prefix}_{secret}"

    @classmethod
    def authenticate(cls, token: str) -> ApiKey | None:
        """Return the active key matching ``token``, or None. Constant-time comparison."""
        parts = token.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != "crk" or not parts[1] or not parts[2]:
            return None
        key = cls.objects.active().select_related("organisation").filter(prefix=parts[1]).first()
        if key is None or not secrets.compare_digest(key.secret_hash, _hash_secret(parts[2])):
            return None
        return key

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def touch(self) -> None:
        """Record use, at most once a minute, so hot API paths don't write every call."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class PublishedContentVersion(models.Model):
    """One row: the version of everything anonymous public pages show.

    ``cityrights.core.publiccache`` raises it after every committed write to a table that a
    public page may read, and keys cached pages on it. It lives in the database, not only in
    the cache, so a restarted worker or a cache that outlived the application never serves
    a page cached before the latest change. The value is at least the change's time in
    microseconds since 1970, so it never returns to an earlier value even after the row is
    lost, and it gives public pages their ``Last-Modified``.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("published content version")

    def __str__(self) -> str:
        return str(self.version)


class CityContentVersion(models.Model):
    """The version of what one city's public pages show, next to the installation's.

    ``cityrights.core.publiccache`` raises it instead of the installation's version after a
    committed write made for that city (in one of its pages, see ``publiccache.city_scope``)
    to a table of rows the city owns, so a publication in one city leaves the cached pages
    of the others valid. Like the installation's version it is at least the change's time in
    microseconds, so it never returns to an earlier value.
    """

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("city"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        db_constraint=False,
    )
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("city's published content version")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.version}"
