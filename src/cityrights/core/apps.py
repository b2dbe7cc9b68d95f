from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cityrights.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import checks, publiccache, signals  # noqa: F401 - checks register themselves
        from .registry import registry

        post_migrate.connect(signals.create_cache_table, sender=self)
        # Public pages are cached under a content version that every write raises.
        connection_created.connect(publiccache.install_write_watch)
        for connection in connections.all(initialized_only=True):
            publiccache.install_write_watch(None, connection)
        registry.add_cached_pages("core", "city_home", "open_data", "open_data_catalogue")
