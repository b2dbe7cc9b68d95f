"""URLs of the register app: public pages under /cities/<org>/, staff under /manage/<org>/.

``/r/<code>`` is the short address printed on signs and in QR codes.
"""

from django.urls import path

from .feeds import feed
from .views import public, staff

app_name = "register"

P = "cities/<slug:org>/register/"
S = "manage/<slug:org>/register/"

urlpatterns = [
    path("r/<str:code>", public.short, name="short"),
    # Public
    path(P, public.catalogue, name="catalogue"),
    path(P + "map/", public.map_view, name="map"),
    path(P + "map/locations.geojson", public.locations_geojson, name="map_geojson"),
    path(P + "feed/", feed, name="feed"),
    path(P + "open-data/", public.exports_page, name="exports"),
    path(P + "open-data/register.csv", public.export_csv, name="export_csv"),
    path(P + "open-data/locations.geojson", public.export_geojson, name="export_geojson"),
    path(P + "open-data/dcat.<str:fmt>", public.export_dcat, name="export_dcat"),
    path(
        P + "open-data/standards/<slug:standard>.json",
        public.export_standard,
        name="export_standard",
    ),
    path(P + "places/<str:code>/qr.<str:fmt>", public.location_qr, name="location_qr"),
    path(P + "places/<str:code>/sign.pdf", public.location_sign, name="location_sign"),
    path(P + "<str:code>/", public.entry_detail, name="entry"),
    path(P + "<str:code>/qr.<str:fmt>", public.entry_qr, name="entry_qr"),
    path(P + "<str:code>/sign.pdf", public.entry_sign, name="entry_sign"),
    path(P + "<str:code>/ask/", public.ask, name="ask"),
    # Staff
    path(S, staff.entries, name="staff_entries"),
    path(S + "new/", staff.entry_new, name="staff_entry_new"),
    path(S + "questions/", staff.questions, name="staff_questions"),
    path(S + "questions/<int:pk>/", staff.question_detail, name="staff_question"),
    path(S + "import/", staff.import_view, name="staff_import"),
    path(S + "import/template.<str:fmt>", staff.import_template, name="staff_import_template"),
    path(S + "signs/", staff.sign_batch, name="staff_signs"),
    path(S + "<int:pk>/", staff.entry_detail, name="staff_entry"),
    path(S + "<int:pk>/edit/", staff.entry_edit, name="staff_entry_edit"),
    path(S + "<int:pk>/submit/", staff.entry_submit, name="staff_entry_submit"),
    path(S + "<int:pk>/publish/", staff.entry_publish, name="staff_entry_publish"),
    path(S + "<int:pk>/send-back/", staff.entry_send_back, name="staff_entry_send_back"),
    path(S + "<int:pk>/withdraw/", staff.entry_retire, name="staff_entry_retire"),
    path(S + "<int:pk>/revise/", staff.entry_revise, name="staff_entry_revise"),
    path(S + "<int:pk>/delete/", staff.entry_discard, name="staff_entry_discard"),
    path(S + "<int:pk>/locations/", staff.location_add, name="staff_location_add"),
    path(
        S + "<int:pk>/locations/<int:location_pk>/",
        staff.location_edit,
        name="staff_location_edit",
    ),
]
