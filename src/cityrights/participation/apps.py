from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "cityrights.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from cityrights.core.registry import LinkableKind, NavLink, registry

        from . import erasure, panels, report

        report.register(registry)
        registry.add_nav_link(
            NavLink(_("Consultations"), "participation:staff_consultations", "view", 50)
        )
        registry.add_nav_link(
            NavLink(_("Principles"), "participation:staff_principles", "view", 51)
        )
        registry.add_nav_link(
            NavLink(_("Data initiatives"), "participation:staff_initiatives", "view", 52)
        )
        registry.add_staff_panel("view", panels.staff_panel)
        registry.add_public_section(panels.public_section)
        registry.add_cached_pages(
            "participation",
            *("consultations", "consultation", "section", "comment", "version", "changes"),
            *("questions", "results", "who_took_part", "response", "public_export"),
            *("public_answers", "principles", "principles_version", "initiatives", "roles"),
            "initiative",
        )
        registry.add_linkable_kind(
            LinkableKind(
                "participation.consultation",
                _("Consultation"),
                panels.linkable_consultations,
                panels.resolve_consultation,
                50,
            )
        )
        registry.add_account_eraser("participation", erasure.erase_account)
