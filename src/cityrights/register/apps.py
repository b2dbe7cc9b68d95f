from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "cityrights.register"
    label = "register"
    verbose_name = _("Register")

    def ready(self) -> None:
        from cityrights.core.registry import LinkableKind, NavLink, registry

        from . import datasets, erasure, panels, report

        report.register(registry)
        registry.add_open_datasets(datasets.open_datasets)
        registry.add_nav_link(NavLink(_("Register"), "register:staff_entries", "view", 20))
        registry.add_staff_panel("view", panels.staff_panel)
        registry.add_public_section(panels.public_section)
        registry.add_cached_pages(
            "register",
            *("catalogue", "entry", "map", "map_geojson", "feed", "exports", "export_csv"),
            *("export_geojson", "export_dcat", "export_standard", "entry_qr", "entry_sign"),
            *("location_qr", "location_sign"),
        )
        registry.add_linkable_kind(
            LinkableKind(
                "register.entry",
                _("Register entry"),
                panels.linkable_entries,
                panels.resolve_entry,
                20,
            )
        )
        registry.add_account_eraser("register", erasure.erase_account)
