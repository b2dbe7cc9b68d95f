from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "cityrights.impact"
    label = "impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from cityrights.core.registry import LinkableKind, NavLink, registry

        from . import panels

        registry.add_nav_link(NavLink(_("Impact assessments"), "impact:list", "view", 30))
        registry.add_staff_panel("view", panels.staff_panel)
        registry.add_public_section(panels.public_section)
        registry.add_to_slot("register.entry.public", panels.entry_public)
        registry.add_to_slot("register.entry.staff", panels.entry_staff)
        registry.add_linkable_kind(
            LinkableKind(
                "impact.assessment",
                _("Impact assessment"),
                panels.linkable_assessments,
                panels.resolve_assessment,
                30,
            )
        )
