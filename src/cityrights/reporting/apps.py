from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "cityrights.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from cityrights.core.registry import NavLink, registry

        from . import datasets, panels

        registry.add_open_datasets(datasets.open_datasets)
        registry.add_nav_link(NavLink(_("Figures and report"), "reporting:dashboard", "view", 60))
        registry.add_staff_panel("view", panels.staff_panel)
        registry.add_public_section(panels.public_section)
        registry.add_cached_pages(
            "reporting", "reports", "verify", "report", "version", "json", "pdf", "section_data"
        )
        # A published version's stored PDF, laid out again after a restore, changes no page.
        registry.add_private_tables("reporting_reportpdf")
