from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cityrights.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401 - checks register themselves

        post_migrate.connect(signals.create_cache_table, sender=self)
