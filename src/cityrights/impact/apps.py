from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from cityrights.core.signals import refresh_content_after_migrate


class ImpactConfig(AppConfig):
    name = "cityrights.impact"
    label = "impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from cityrights.core.registry import LinkableKind, NavLink, registry
        from cityrights.register.records import ASSESSMENT_FACTS

        from . import facts, panels, report

        report.register(registry)
        registry.add_facts_provider(ASSESSMENT_FACTS, facts.assessment_facts)
        registry.add_nav_link(NavLink(_("Impact assessments"), "impact:list", "view", 30))
        registry.add_staff_panel("view", panels.staff_panel)
        registry.add_public_section(panels.public_section)
        registry.add_cached_pages("impact", "public_list", "public_detail")
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
        # Every migrate gives stored shipped versions their files' translations.
        post_migrate.connect(
            refresh_content_after_migrate("impact.TemplateVersion", _refresh_translations),
            sender=self,
            weak=False,
        )


def _refresh_translations() -> None:
    from .services import refresh_shipped_translations

    refresh_shipped_translations()
