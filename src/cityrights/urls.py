"""Top-level URL map. Each app owns its own URL module and namespace."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from cityrights.api import api
from cityrights.consent import check_route
from cityrights.core.views.accounts import admin_login, set_language
from cityrights.core.views.api_docs import api_reference

urlpatterns = [
    # Choosing a language needs no CSRF token: a forged choice only changes the language of
    # the next pages (and Django redirects to this site only; a logged-in person's account
    # language changes only from this site, whose session cookie is SameSite=Lax), while a
    # token in the switcher of every page would make every public page personal and so
    # impossible to cache.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own URLs: operators log in through the site's throttled log-in.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/docs", api_reference, name="api_docs"),
    # The partner's single consent check answers without ninja's machinery on the usual
    # request, and hands every other one to the API's own route (consent/check_route.py).
    path(check_route.PATH, check_route.check, name="consent_check"),
    path("api/v1/", api.urls),
    path("", include("cityrights.core.urls")),
    path("", include("cityrights.assessment.urls")),
    path("", include("cityrights.register.urls")),
    path("", include("cityrights.consent.urls")),
    path("", include("cityrights.impact.urls")),
    path("", include("cityrights.capacity.urls")),
    path("", include("cityrights.participation.urls")),
    path("", include("cityrights.reporting.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "cityrights.core.views.errors.bad_request"
handler403 = "cityrights.core.views.errors.permission_denied"
handler404 = "cityrights.core.views.errors.page_not_found"
handler500 = "cityrights.core.views.errors.server_error"
