"""Consent-based data sharing: agreements, data subjects, the ledger and what derives from it.

Only ``LedgerEvent`` is the truth about consent. ``ConsentState`` is derived
from it in the same transaction (for fast checks) and can be rebuilt by
replaying the events; ``Checkpoint`` and ``MerkleNode`` are the sequencer's
output; ``ConsentCheck`` and ``NoticeOutbox`` record what partners asked and
what they were told. See docs/consent-ledger.md for the design.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrights.core.models import Organisation
from cityrights.core.translation import TranslatedField, field_names, translations

from . import terms

#: The texts of an agreement and of a version that a city writes in each of its languages.
AGREEMENT_TEXTS = ("title",)
VERSION_TEXTS = ("description", "retention")
#: What a published version freezes: its terms and every language of their wording.
FROZEN_FIELDS = (
    "purposes",
    "data_categories",
    "expires_on",
    "consent_valid_days",
    *(column for name in VERSION_TEXTS for column in field_names(name)),
)


class ProcessingAgreement(models.Model):
    """A controller shares personal data with a recipient under one legal basis.

    The terms (purposes, categories, retention, expiry, wording) live in
    numbered :class:`AgreementVersion` rows so that every consent can point to
    the exact terms the resident saw.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="processing_agreements",
    )
    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name"), max_length=80)
    title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))
    controller = models.ForeignKey(
        Organisation,
        verbose_name=_("controller"),
        on_delete=models.PROTECT,
        related_name="agreements_as_controller",
    )
    recipient = models.ForeignKey(
        Organisation,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="agreements_as_recipient",
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    consent_based = models.BooleanField(_("based on consent"), default=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("processing agreement")
        verbose_name_plural = _("processing agreements")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="consent_agreement_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.consent_based = terms.is_consent(self.legal_basis)
        super().save(*args, **kwargs)

    @property
    def legal_basis_label(self) -> str:
        return terms.label(self.legal_basis)

    def current_version(self) -> AgreementVersion | None:
        """The latest published version: what residents see and partners are checked against."""
        return (
            self.versions.filter(status=AgreementVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )

    def get_absolute_url(self) -> str:
        return reverse(
            "consent:staff_agreement", kwargs={"org": self.organisation.slug, "pk": self.pk}
        )


class AgreementVersion(models.Model):
    """One numbered wording of an agreement. Published versions are never changed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    agreement = models.ForeignKey(
        ProcessingAgreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    purposes = models.JSONField(_("purposes"), default=list)
    data_categories = models.JSONField(_("data categories"), default=list)
    description = TranslatedField(
        models.TextField(
            _("plain-language description"),
            blank=True,
            help_text=_("What happens with the data, written for residents."),
        )
    )
    retention = TranslatedField(
        models.CharField(
            _("retention"),
            max_length=200,
            blank=True,
            help_text=_("How long the recipient keeps the data, e.g. “two years after the study”."),
        )
    )
    expires_on = models.DateField(
        _("agreement ends on"),
        null=True,
        blank=True,
        help_text=_("After this day no consent under this version is valid."),
    )
    consent_valid_days = models.PositiveIntegerField(
        _("consent valid for (days)"),
        null=True,
        blank=True,
        help_text=_("A consent lapses this many days after it was given unless renewed."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="consent_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to change the terms of a published version, in any language.

        Residents consented to exactly this wording and their receipts hash it
        (see :meth:`wording`); a change needs a new version.
        """
        if not self._state.adding and self.pk is not None:
            stored = (
                AgreementVersion.objects.filter(pk=self.pk, status=self.Status.PUBLISHED)
                .values(*FROZEN_FIELDS)
                .first()
            )
            if stored is not None and any(
                stored[name] != getattr(self, name) for name in FROZEN_FIELDS
            ):
                raise PermissionError(
                    "A published version is frozen; its terms change only in a new version."
                )
        super().save(*args, **kwargs)

    def wording(self) -> dict[str, dict[str, str]]:
        """Every language's text of the terms: ``{language: {"description": …, "retention": …}}``.

        Only languages with a text are listed, and in each only the texts it has; this is
        what a receipt's text hash covers (:func:`cityrights.consent.receipts.wording_digest`).
        """
        result: dict[str, dict[str, str]] = {}
        for name in VERSION_TEXTS:
            for code, text in translations(self, name).items():
                result.setdefault(code, {})[name] = text
        return {code: result[code] for code in sorted(result)}

    def purpose_terms(self) -> list[tuple[str, str]]:
        return terms.labels(self.purposes)

    def category_terms(self) -> list[tuple[str, str]]:
        return terms.labels(self.data_categories)


class DataSubject(models.Model):
    """A person as the ledger knows them: a random pseudonym and the head of their chain.

    Identifying data (the linked account's e-mail and name, a name given on
    paper) is kept only encrypted with a key of this subject, itself wrapped
    under the master key from the key directory. Erasure deletes
    ``wrapped_key`` and the account link; the events keep verifying.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    pseudonym = models.CharField(_("pseudonymous id"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_subjects",
    )
    wrapped_key = models.TextField(blank=True, default="")
    identity = models.TextField(_("identifying data (encrypted)"), blank=True, default="")
    head_seq = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("data subject")
        verbose_name_plural = _("data subjects")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="consent_one_subject_per_account",
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym


class ExternalIdentifier(models.Model):
    """An identifier a partner knows the subject by, stored only as a keyed hash."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(DataSubject, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=40)
    value_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "value_hash"], name="consent_identifier_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.subject_id}"


class EventKind(models.TextChoices):
    GRANT = "grant", _("Consent given")
    WITHDRAW = "withdraw", _("Consent withdrawn")
    EXPIRE = "expire", _("Consent expired")
    RENEW = "renew", _("Consent renewed")


class EventMethod(models.TextChoices):
    WEB = "web", _("On the website")
    API = "api", _("Through the API")
    PAPER = "paper", _("On paper, entered by staff")
    SYSTEM = "system", _("Automatically")


class LedgerEventQuerySet(models.QuerySet["LedgerEvent"]):
    def update(self, **kwargs: Any) -> int:
        if set(kwargs) != {"leaf_index"}:
            raise PermissionError("Ledger events are append-only.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Ledger events are append-only.")


class LedgerEvent(models.Model):
    """One grant, withdrawal, expiry or renewal. Inserted once, never changed.

    The id is allocated inside the subject's lock before the insert, because
    it is part of the hashed fields (``seq``). ``leaf_index`` is the one
    column written later, once, by the sequencer. On PostgreSQL a trigger
    (migration 0002) refuses everything else.
    """

    id = models.BigIntegerField(primary_key=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    subject = models.ForeignKey(
        DataSubject, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    subject_seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    agreement_version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="events"
    )
    scope = models.JSONField(default=list)
    method = models.CharField(max_length=10, choices=EventMethod.choices)
    # None (not "") when there is no witness: the value is hashed, and null is what was hashed.
    witness = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Unique among integrated events only (a partial index, below): a new event has no tree
    # position yet, so an append does not add a NULL to that index.
    leaf_index = models.BigIntegerField(null=True, blank=True)

    objects = LedgerEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger events")
        constraints = [
            models.UniqueConstraint(fields=["subject", "subject_seq"], name="consent_event_chain"),
            models.UniqueConstraint(
                fields=["leaf_index"],
                name="consent_event_leaf",
                condition=models.Q(leaf_index__isnull=False),
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"],
                name="consent_event_pending",
                condition=models.Q(leaf_index__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Ledger events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Ledger events are append-only.")

    def scope_terms(self) -> list[tuple[str, str]]:
        return terms.labels(self.scope)


class ConsentState(models.Model):
    """Current consent of one subject, for one agreement and one data category (derived)."""

    class Status(models.TextChoices):
        GRANTED = "granted", _("Given")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    # Every append rewrites the row's status, version and event. None of those columns is
    # indexed (the subject is the unique constraint's first column), so PostgreSQL updates
    # the row in place (a HOT update) instead of adding an entry to every index.
    subject = models.ForeignKey(
        DataSubject, on_delete=models.CASCADE, related_name="states", db_index=False
    )
    agreement = models.ForeignKey(ProcessingAgreement, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices)
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # No database constraint: the event is inserted by the same statement that writes this
    # row (its id comes from INSERT … RETURNING) and events are never deleted (a trigger
    # refuses it). The constraint's check at commit cost a quarter of an append.
    event = models.ForeignKey(
        LedgerEvent,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("consent state")
        verbose_name_plural = _("consent states")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "agreement", "category"], name="consent_state_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} · {self.agreement_id} · {self.category}: {self.status}"


class LedgerTree(models.Model):
    """The sequencer's single row: how many events are in the tree and its right edge.

    Locking this row is what serialises the sequencer (never the writers).
    """

    size = models.BigIntegerField(default=0)
    frontier = models.TextField(default='{"size":0,"hashes":[]}')
    root = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(default=timezone.now)
    # The head of the checkpoint chain, written with each checkpoint: a new checkpoint's
    # prev comes from here, and verify-ledger finds a deleted latest checkpoint by it.
    checkpoint_size = models.BigIntegerField(default=0)
    checkpoint_hash = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"tree of {self.size}"


class Checkpoint(models.Model):
    """A signed statement "the ledger had ``size`` events with this root at this time"."""

    size = models.BigIntegerField(unique=True)
    root = models.CharField(max_length=64)
    at = models.DateTimeField()
    origin = models.CharField(max_length=200)
    key_id = models.CharField(max_length=8)
    signature = models.CharField(max_length=100)
    note = models.TextField()
    frontier = models.TextField()
    # Hex SHA-256 of the previous checkpoint's note, as signed; empty for notes signed
    # before checkpoints were chained.
    prev_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-size"]
        get_latest_by = "size"
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"{self.size} @ {self.at:%Y-%m-%d %H:%M:%S}"


class MerkleNode(models.Model):
    """Hash of a complete subtree of 2**level leaves (stored from level 8 up, for proofs)."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="consent_merkle_node")
        ]

    def __str__(self) -> str:
        return f"node ({self.level}, {self.index})"


class Decision(models.TextChoices):
    PERMIT = "permit", _("Permitted")
    DENY = "deny", _("Refused")


class ConsentCheck(models.Model):
    """One question a partner asked about a subject's consent, and the answer. Shown to them.

    Written on the hot path of the check API, so only the index the resident's
    access log needs is kept (subject, time); the other keys are not indexed,
    and the foreign keys are not database constraints: PostgreSQL checks each
    constraint with a row-locking lookup per row at commit, which made logging
    a batch of 1,000 checks ten times slower than inserting it. The rows are
    written only by :func:`cityrights.consent.partner_checks.write_log` with ids it
    has just read; ``on_delete`` (PROTECT / SET_NULL) is still enforced by Django.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checks",
        db_index=False,  # the (subject, -at) index below serves every lookup by subject
        db_constraint=False,
    )
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    api_key = models.ForeignKey(
        "core.ApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    agreement = models.ForeignKey(
        ProcessingAgreement,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    purpose = models.CharField(max_length=200)
    categories = models.JSONField(default=list)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    reason = models.CharField(max_length=300)
    event = models.ForeignKey(
        LedgerEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "-at"], name="consent_check_subject_at")]

    def purpose_label(self) -> str:
        return terms.label(self.purpose)

    def category_terms(self) -> list[tuple[str, str]]:
        return terms.labels(self.categories)

    def reason_label(self) -> str:
        """The reason in the reader's language (the row keeps the API's fixed words)."""
        from .reasons import reason_label

        agreement = self.agreement
        return reason_label(self.reason, agreement.legal_basis if agreement else "")

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.decision} at {self.at:%Y-%m-%d %H:%M}"


class Webhook(models.Model):
    """Where a recipient wants withdrawal notices delivered, and the secret that signs them."""

    recipient = models.ForeignKey(
        Organisation, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    url = models.URLField(_("address (URL)"), max_length=500)
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["recipient__name", "url"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"{self.recipient} → {self.url}"


class NoticeOutbox(models.Model):
    """A withdrawal notice waiting for (or done with) delivery. Written with the event."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="notices")
    event = models.ForeignKey(LedgerEvent, on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True, default="")
    last_status = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="consent_notice_once")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="consent_notice_due",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"notice {self.pk} ({self.status})"
