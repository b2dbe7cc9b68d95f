from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapacityConfig(AppConfig):
    name = "cityrights.capacity"
    label = "capacity"
    verbose_name = _("Capacity")

    def ready(self) -> None:
        from cityrights.core.registry import NavLink, registry

        from . import panels

        registry.add_nav_link(NavLink(_("Capacity building"), "capacity:home", "view", 50))
        registry.add_staff_panel("view", panels.staff_panel)
