from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from cityrights.core.signals import refresh_content_after_migrate


class CapacityConfig(AppConfig):
    name = "cityrights.capacity"
    label = "capacity"
    verbose_name = _("Capacity")

    def ready(self) -> None:
        from cityrights.core.registry import LinkableKind, NavLink, registry

        from . import erasure, panels, report

        report.register(registry)
        registry.add_nav_link(NavLink(_("Capacity building"), "capacity:home", "view", 50))
        registry.add_staff_panel("view", panels.staff_panel)
        registry.add_public_section(panels.public_section)
        registry.add_linkable_kind(
            LinkableKind(
                "capacity.programme",
                _("Training programme"),
                panels.linkable_programmes,
                panels.resolve_programme,
                60,
            )
        )
        registry.add_account_eraser("capacity", erasure.erase_account)
        registry.add_cached_pages(
            "capacity", "public_programmes", "public_programme", "issuer", "achievement"
        )
        # Every migrate gives stored shipped survey versions their files' translations.
        post_migrate.connect(
            refresh_content_after_migrate("capacity.SurveyVersion", _refresh_translations),
            sender=self,
            weak=False,
        )


def _refresh_translations() -> None:
    from .services import refresh_shipped_translations

    refresh_shipped_translations()
