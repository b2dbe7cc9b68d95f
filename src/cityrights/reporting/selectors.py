"""Reads of the reporting app: published reports and their versions, drafts, the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from cityrights.core.models import Organisation
from cityrights.core.prepared import PreparedQuery
from cityrights.core.registry import registry
from cityrights.core.report import Alert, ReportSection

from .models import AnnualReport, ReportStatus


def published(organisation: Organisation) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(
        organisation=organisation, status=ReportStatus.PUBLISHED
    ).select_related("organisation")


def latest_per_year(organisation: Organisation) -> list[AnnualReport]:
    """The latest published version of each year, newest year first."""
    latest: dict[int, AnnualReport] = {}
    for report in (
        published(organisation).defer("content", "sections").order_by("-year", "-version")
    ):
        latest.setdefault(report.year, report)
    return list(latest.values())


# The city home asks for it on every visit: the SQL is written once (core.prepared).
_NEWEST = PreparedQuery(
    lambda organisation_id: (
        published(Organisation(pk=organisation_id))
        .select_related(None)
        .only("year")
        .order_by("-year")[:1]
    ),
    organisation_id=int,
)


def newest_year(organisation: Organisation) -> int | None:
    """The year of ``latest_per_year(organisation)[0]``: the newest published report's."""
    found = _NEWEST(organisation_id=organisation.pk)
    return found[0].year if found else None


def published_version(
    organisation: Organisation, year: int, version: int | None = None, *, with_content: bool = True
) -> AnnualReport | None:
    """A published version of ``year`` (the latest when ``version`` is ``None``).

    ``with_content=False`` leaves the document and the figures in the database (read them
    with :func:`published_content` when needed).
    """
    found = published(organisation).filter(year=year)
    if not with_content:
        found = found.defer("content", "sections")
    if version is not None:
        found = found.filter(version=version)
    return found.order_by("-version").first()


def published_content(report: AnnualReport) -> dict:
    """The frozen document of a published version, read on its own."""
    document = AnnualReport.objects.filter(pk=report.pk).values_list("content", flat=True).get()
    return dict(document or {})


def versions_of(organisation: Organisation, year: int) -> list[AnnualReport]:
    """Every published version of ``year``, oldest first (without their documents)."""
    return list(
        published(organisation).filter(year=year).defer("content", "sections").order_by("version")
    )


def staff_reports(organisation: Organisation) -> QuerySet[AnnualReport]:
    return (
        AnnualReport.objects.filter(organisation=organisation)
        .select_related("created_by", "approved_by", "published_by")
        .defer("content", "sections")
        .order_by("-year", "-version")
    )


def staff_report(organisation: Organisation, pk: int) -> AnnualReport | None:
    return (
        AnnualReport.objects.filter(organisation=organisation, pk=pk)
        .select_related("organisation", "created_by", "approved_by", "published_by")
        .first()
    )


@dataclass(frozen=True)
class Dashboard:
    year: int
    sections: list[ReportSection]
    alerts: list[Alert]

    @property
    def alert_count(self) -> int:
        return sum(alert.count for alert in self.alerts)


def dashboard(organisation: Organisation) -> Dashboard:
    """This year's figures as the records say now, and what staff should fix."""
    year = timezone.localdate().year
    return Dashboard(
        year=year,
        sections=registry.report_sections(organisation, year),
        alerts=registry.alerts(organisation),
    )
