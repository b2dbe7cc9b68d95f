"""The annual digital-rights report: one row per version of a city's report of a year.

A version starts as a **draft** whose figures are a snapshot taken from the apps' report
sections (``core.registry.report_sections``) in every city language, at a time staff choose
("take the figures again"). Staff add a foreword and a commentary per section, a reviewer
who took no part in the version **approves** it, and it is **published**: the snapshot, the
texts and the charts become one canonical JSON document (``content``), its SHA-256
``digest`` and a JWS ``signature`` by the installation's key. From then on the row does not
change (``save`` refuses), so later edits of the records never change a published report. A
correction is a new version of the same year, with a reason; earlier versions stay readable.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cityrights.core.models import Organisation
from cityrights.core.translation import TranslatedField


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved, not yet published")
    PUBLISHED = "published", _("Published")


class FrozenReportError(PermissionError):
    """A published report was about to be changed or deleted."""


class AnnualReportQuerySet(models.QuerySet["AnnualReport"]):
    """Bulk changes may touch drafts only: a published version never changes or goes."""

    def _refuse_published(self) -> None:
        if self.filter(status=ReportStatus.PUBLISHED).exists():
            raise FrozenReportError("A published report never changes; publish a correction.")

    def update(self, **kwargs: Any) -> int:
        self._refuse_published()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_published()
        return super().delete()


class AnnualReport(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("city"),
        on_delete=models.CASCADE,
        related_name="annual_reports",
    )
    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    foreword = TranslatedField(models.TextField(_("foreword"), blank=True, max_length=20000))
    correction_reason = TranslatedField(
        models.TextField(_("reason for the correction"), blank=True, max_length=4000)
    )
    #: ``{language: [section as plain data, …]}``, taken from the apps at ``figures_taken_at``.
    sections = models.JSONField(_("figures"), default=dict, blank=True)
    figures_taken_at = models.DateTimeField(_("figures taken"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    #: The canonical document that was signed (``None`` until published).
    content = models.JSONField(_("published content"), null=True, blank=True)
    digest = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    signature = models.TextField(_("signature (JWS)"), blank=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-year", "-version"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "version"], name="reporting_one_version"
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=~models.Q(status="published"),
                name="reporting_one_open_version",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | (models.Q(content__isnull=False) & ~models.Q(digest="")),
                name="reporting_published_is_signed",
            ),
        ]

    def __str__(self) -> str:
        return _("Digital-rights report %(year)s, version %(version)d") % {
            "year": self.year,
            "version": self.version,
        }

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.status == ReportStatus.APPROVED

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_status() == ReportStatus.PUBLISHED:
            raise FrozenReportError("A published report never changes; publish a correction.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._stored_status() == ReportStatus.PUBLISHED:
            raise FrozenReportError("A published report is never deleted.")
        return super().delete(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "reporting:version",
            kwargs={"org": self.organisation.slug, "year": self.year, "version": self.version},
        )

    def get_staff_url(self) -> str:
        return reverse(
            "reporting:staff_report", kwargs={"org": self.organisation.slug, "pk": self.pk}
        )


class SectionCommentary(models.Model):
    """What the city writes about one section of one version, per language."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="commentaries")
    section = models.SlugField(_("section"), max_length=60)
    text = TranslatedField(models.TextField(_("commentary"), blank=True, max_length=10000))

    class Meta:
        verbose_name = _("commentary")
        verbose_name_plural = _("commentaries")
        constraints = [
            models.UniqueConstraint(fields=["report", "section"], name="reporting_one_commentary")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.section}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.report._stored_status() == ReportStatus.PUBLISHED:
            raise FrozenReportError("A published report never changes; publish a correction.")
        super().save(*args, **kwargs)


def _pdf_path(instance: ReportPdf, filename: str) -> str:
    report = instance.report
    return f"reporting/{report.organisation_id}/{report.year}-v{report.version}-{filename}"


class ReportPdf(models.Model):
    """A published version's PDF in one language, laid out once and kept as a file.

    ``sha256`` is the digest of the file's bytes: a download serves the file only when it
    still matches, and lays the PDF out again (once) when the file is missing or changed,
    as after restoring the database without the media folder.
    """

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="pdfs")
    language = models.CharField(_("language"), max_length=10)
    file = models.FileField(_("file"), upload_to=_pdf_path, max_length=300)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    laid_out_at = models.DateTimeField(_("laid out"), auto_now=True)

    class Meta:
        verbose_name = _("report PDF")
        verbose_name_plural = _("report PDFs")
        constraints = [
            models.UniqueConstraint(fields=["report", "language"], name="reporting_one_pdf")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.language}"
