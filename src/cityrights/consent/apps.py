from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "cityrights.consent"
    label = "consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        from cityrights.core.registry import NavLink, registry

        from . import panels

        registry.add_nav_link(NavLink(_("Consent"), "consent:staff_agreements", "view", 30))
        registry.add_staff_panel("view", panels.staff_panel)
        registry.add_public_section(panels.public_section)
