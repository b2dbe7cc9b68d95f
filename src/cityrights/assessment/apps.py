from typing import Any

from django.apps import AppConfig
from django.apps import apps as django_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from cityrights.core.signals import refresh_content_after_migrate


class AssessmentConfig(AppConfig):
    name = "cityrights.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from cityrights.core.registry import LinkableKind, NavLink, registry

        from . import datasets, panels, report

        report.register(registry)
        registry.add_open_datasets(datasets.open_datasets)
        registry.add_nav_link(NavLink(_("Self-assessment"), "assessment:cycles", "view", 10))
        registry.add_nav_link(NavLink(_("Roadmap"), "assessment:roadmap", "view", 11))
        registry.add_nav_link(
            NavLink(_("Member cities"), "assessment:coalition", "view", 10, kinds=("coalition",))
        )
        registry.add_staff_panel("view", panels.staff_panel)
        registry.add_public_section(panels.public_section)
        # A city's public results show its coalitions' benchmark, made of the other member
        # cities' validated cycles: a change to one city's cycle may change another's page.
        registry.add_shared_tables("assessment_assessmentcycle")
        registry.add_cached_pages(
            "assessment",
            "public_results",
            "public_results_year",
            "public_scale",
            "public_scores_csv",
        )
        registry.add_linkable_kind(
            LinkableKind(
                "assessment.roadmap_action",
                _("Roadmap action"),
                panels.linkable_actions,
                panels.resolve_action,
                10,
            )
        )
        # Every migrate gives stored shipped versions their files' translations.
        post_migrate.connect(
            refresh_content_after_migrate("assessment.FrameworkVersion", _refresh_translations),
            sender=self,
            weak=False,
        )
        # ... and published results pages stored again where missing or out of date.
        post_migrate.connect(_store_published_pages, sender=self, weak=False)


def _store_published_pages(*, apps: Any = None, plan: Any = None, **kwargs: Any) -> None:
    if any(backwards for _migration, backwards in plan or ()):
        return  # the tables a page reads may be in an older shape
    try:
        (apps or django_apps).get_model("assessment", "PublishedResults")
    except LookupError:  # before the migration that adds it
        return
    from .published import refresh_stale

    refresh_stale()


def _refresh_translations() -> None:
    from .services import refresh_shipped_translations

    refresh_shipped_translations()
