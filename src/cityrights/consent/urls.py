"""URLs of the consent app: the resident portal under /cities/<org>/my-data/ and staff pages
under /manage/<org>/consent/. The public key set is core's, at /.well-known/jwks.json."""

from django.urls import path

from .views import portal, public, staff

app_name = "consent"

P = "cities/<slug:org>/my-data/"
S = "manage/<slug:org>/consent/"

urlpatterns = [
    path("cities/<slug:org>/data-sharing/", public.agreements, name="public_agreements"),
    # Resident portal
    path(P, portal.overview, name="portal"),
    path(f"{P}agreements/<int:pk>/", portal.change, name="portal_change"),
    path(f"{P}history/", portal.history, name="portal_history"),
    path(f"{P}access-log/", portal.access_log, name="portal_access_log"),
    path(f"{P}receipts/<int:pk>/", portal.receipt, name="portal_receipt"),
    path(f"{P}receipts/<int:pk>.jws", portal.receipt_jws, name="portal_receipt_jws"),
    path(f"{P}export.json", portal.export, name="portal_export"),
    path(f"{P}erase/", portal.erase, name="portal_erase"),
    # Staff
    path(S, staff.agreements, name="staff_agreements"),
    path(f"{S}agreements/new/", staff.agreement_create, name="staff_agreement_create"),
    path(f"{S}agreements/<int:pk>/", staff.agreement_detail, name="staff_agreement"),
    path(f"{S}agreements/<int:pk>/title/", staff.agreement_title, name="staff_agreement_title"),
    path(
        f"{S}agreements/<int:pk>/versions/new/", staff.version_create, name="staff_version_create"
    ),
    path(f"{S}versions/<int:pk>/", staff.version_edit, name="staff_version_edit"),
    path(f"{S}versions/<int:pk>/publish/", staff.version_publish, name="staff_version_publish"),
    path(f"{S}paper/", staff.paper, name="staff_paper"),
    path(f"{S}partners/", staff.partners, name="staff_partners"),
    path(
        f"{S}partners/keys/<int:pk>/revoke/",
        staff.partner_key_revoke,
        name="staff_partner_key_revoke",
    ),
    path(
        f"{S}partners/<int:pk>/webhooks-off/",
        staff.partner_webhooks_off,
        name="staff_partner_webhooks_off",
    ),
    path(f"{S}webhooks/", staff.webhooks, name="staff_webhooks"),
    path(f"{S}webhooks/<int:pk>/toggle/", staff.webhook_toggle, name="staff_webhook_toggle"),
    path(f"{S}outbox/", staff.outbox, name="staff_outbox"),
    path(f"{S}outbox/<int:pk>/retry/", staff.outbox_retry, name="staff_outbox_retry"),
    path(f"{S}ledger/", staff.ledger_status, name="staff_ledger"),
    path(f"{S}ledger/checkpoint/", staff.checkpoint_now, name="staff_checkpoint"),
]
