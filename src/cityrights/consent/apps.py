from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _forget_revoked_keys(sender: type, instance: Any, **kwargs: Any) -> None:
    """A key revoked in this process stops working here at once, not after the cache TTL."""
    if instance.revoked_at is not None:
        from . import keycache

        keycache.forget()


class ConsentConfig(AppConfig):
    name = "cityrights.consent"
    label = "consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        from cityrights.core.models import ApiKey
        from cityrights.core.registry import LinkableKind, NavLink, registry

        from . import check_route, keys, panels, report, services

        keys.register()

        report.register(registry)
        registry.add_nav_link(NavLink(_("Consent"), "consent:staff_agreements", "view", 30))
        registry.add_staff_panel("view", panels.staff_panel)
        registry.add_public_section(panels.public_section)
        registry.add_cached_pages("consent", "public_agreements")
        # Residents' consents and partners' checks: no anonymous page reads them.
        registry.add_private_tables(
            *("consent_datasubject", "consent_externalidentifier", "consent_ledgerevent"),
            *("consent_consentstate", "consent_ledgertree", "consent_merklenode"),
            *("consent_checkpoint", "consent_consentcheck", "consent_webhook"),
            "consent_noticeoutbox",
        )
        registry.add_landing_page(panels.landing_page)
        registry.add_api_lane("/" + check_route.PATH, check_route.answer)
        registry.add_linkable_kind(
            LinkableKind(
                "consent.agreement",
                _("Processing agreement"),
                panels.linkable_agreements,
                panels.resolve_agreement,
                40,
            )
        )
        registry.add_account_eraser("consent", services.erase_account)
        post_save.connect(_forget_revoked_keys, sender=ApiKey, dispatch_uid="consent-forget-keys")
