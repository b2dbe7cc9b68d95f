"""URLs of the capacity app: public pages under /cities/<org>/, staff under /manage/<org>/,
and the short certificate verification address ``/v/<code>``."""

from django.urls import path

from .views import attendance, certificates, overview, programmes, public, survey

app_name = "capacity"

STAFF = "manage/<slug:org>/capacity/"
ROUND = STAFF + "surveys/<int:pk>/"
PROGRAMME = STAFF + "programmes/<int:pk>/"
MODULE = PROGRAMME + "modules/<int:module_pk>/"
SESSION = STAFF + "sessions/<int:pk>/"
PUBLIC = "cities/<slug:org>/capacity/"

urlpatterns = [
    path(STAFF, overview.home, name="home"),
    # Survey
    path(STAFF + "surveys/", survey.rounds, name="rounds"),
    path(STAFF + "surveys/new/", survey.round_new, name="round_new"),
    path(ROUND, survey.round_detail, name="round"),
    path(ROUND + "edit/", survey.round_edit, name="round_edit"),
    path(ROUND + "close/", survey.round_close, name="round_close"),
    path(ROUND + "delete/", survey.round_delete, name="round_delete"),
    path(ROUND + "answer/", survey.answer, name="answer"),
    path(ROUND + "plan/", programmes.plan_from_round, name="round_plan"),
    path(ROUND + "results.csv", survey.round_export, {"fmt": "csv"}, name="round_csv"),
    path(ROUND + "results.json", survey.round_export, {"fmt": "json"}, name="round_json"),
    # Programmes, modules, sessions
    path(STAFF + "programmes/", programmes.programmes, name="programmes"),
    path(STAFF + "programmes/new/", programmes.programme_new, name="programme_new"),
    path(PROGRAMME, programmes.programme, name="programme"),
    path(PROGRAMME + "edit/", programmes.programme_edit, name="programme_edit"),
    path(PROGRAMME + "status/", programmes.programme_status, name="programme_status"),
    path(PROGRAMME + "rules/", programmes.programme_rules, name="programme_rules"),
    path(PROGRAMME + "attendance/", attendance.import_programme, name="programme_import"),
    path(PROGRAMME + "certificates/", programmes.issue_certificates, name="programme_issue"),
    path(PROGRAMME + "certificates.pdf", certificates.programme_pdf, name="programme_pdf"),
    path(PROGRAMME + "modules/new/", programmes.module_form, name="module_new"),
    path(MODULE, programmes.module_form, name="module"),
    path(MODULE + "delete/", programmes.module_delete, name="module_delete"),
    path(MODULE + "materials/", programmes.material_add, name="material_add"),
    path(
        MODULE + "materials/<int:material_pk>/delete/",
        programmes.material_delete,
        name="material_delete",
    ),
    path(MODULE + "sessions/new/", programmes.session_form, name="session_new"),
    path(MODULE + "sessions/<int:session_pk>/", programmes.session_form, name="session_edit"),
    path(SESSION, programmes.session, name="session"),
    path(SESSION + "delete/", programmes.session_delete, name="session_delete"),
    path(SESSION + "register/", programmes.session_register, name="session_register"),
    path(
        SESSION + "registrations/<int:registration_pk>/cancel/",
        programmes.registration_cancel,
        name="registration_cancel",
    ),
    path(SESSION + "attendance/", attendance.checklist, name="attendance"),
    path(SESSION + "attendance/walk-in/", attendance.walk_in, name="walk_in"),
    path(SESSION + "attendance/import/", attendance.import_session, name="session_import"),
    # Certificates
    path(STAFF + "certificates/<int:pk>/", certificates.certificate, name="certificate"),
    path(
        PUBLIC + "certificates/<int:pk>.pdf", certificates.certificate_pdf, name="certificate_pdf"
    ),
    path(
        PUBLIC + "certificates/<int:pk>.jwt",
        certificates.certificate_credential,
        name="certificate_credential",
    ),
    path("v/", certificates.verify_form, name="verify_form"),
    path("v/<str:code>", certificates.verify, name="verify"),
    path(PUBLIC + "issuer", certificates.issuer, name="issuer"),
    path(
        PUBLIC + "achievements/<int:pk>-<str:kind>",
        certificates.achievement,
        name="achievement",
    ),
    path(PUBLIC + "status/<int:number>", certificates.status_list, name="status_list"),
    # Participants
    path(PUBLIC, public.programmes, name="public_programmes"),
    path(PUBLIC + "programmes/<int:pk>/", public.programme, name="public_programme"),
    path(PUBLIC + "sessions/<int:pk>/register/", public.register, name="register"),
    path(PUBLIC + "sessions/<int:pk>/cancel/", public.cancel, name="cancel"),
    path(PUBLIC + "my-record/", public.record, name="record"),
    path(PUBLIC + "materials/<int:pk>", public.material, name="material"),
    path(
        PUBLIC + "modules/<int:module_pk>/self-rating/<str:phase>/",
        public.evaluation,
        name="evaluation",
    ),
]
