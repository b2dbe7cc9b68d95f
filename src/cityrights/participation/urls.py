"""URLs of the participation app: public pages under /cities/<org>/, staff under /manage/<org>/."""

from django.urls import path

from .views import exports, initiatives, principles, public, staff

app_name = "participation"

PUBLIC = "cities/<slug:org>/participation/"
C = PUBLIC + "consultations/<slug:slug>/"
STAFF = "manage/<slug:org>/participation/"
S = STAFF + "consultations/<int:pk>/"
P = STAFF + "principles/<int:pk>/"
I = STAFF + "initiatives/<int:pk>/"  # noqa: E741

urlpatterns = [
    # Public: consultations
    path(PUBLIC + "consultations/", public.consultations, name="consultations"),
    path(C, public.consultation, name="consultation"),
    path(C + "sections/<slug:key>/", public.section, name="section"),
    path(C + "comments/<int:pk>/", public.comment, name="comment"),
    path(C + "comments/<int:pk>/support/", public.support, name="support"),
    path(C + "comments/<int:pk>/report/", public.report, name="report"),
    path(C + "versions/<int:number>/", public.version, name="version"),
    path(C + "changes/", public.changes, name="changes"),
    path(C + "questions/", public.questions, name="questions"),
    path(C + "results/", public.results, name="results"),
    path(C + "confirm/<str:token>/", public.confirm, name="confirm"),
    path(C + "about-you/", public.about_you, name="about_you"),
    path(C + "who-took-part/", public.who_took_part, name="who_took_part"),
    path(C + "response/", public.response, name="response"),
    path(C + "comments.<str:fmt>", exports.public_export, name="public_export"),
    path(C + "answers.csv", exports.public_export, {"fmt": "answers.csv"}, name="public_answers"),
    # Public: principles and initiatives
    path(PUBLIC + "principles/", principles.public_principles, name="principles"),
    path(PUBLIC + "principles/<int:number>/", principles.public_version, name="principles_version"),
    path(PUBLIC + "initiatives/", initiatives.catalogue, name="initiatives"),
    path(PUBLIC + "initiatives/roles/", initiatives.roles, name="roles"),
    path(PUBLIC + "initiatives/<slug:slug>/", initiatives.detail, name="initiative"),
    # Staff: consultations
    path(STAFF + "consultations/", staff.consultations, name="staff_consultations"),
    path(STAFF + "consultations/new/", staff.consultation_new, name="staff_consultation_new"),
    path(S, staff.consultation, name="staff_consultation"),
    path(S + "edit/", staff.consultation_edit, name="staff_consultation_edit"),
    path(S + "phase/", staff.phase, name="staff_phase"),
    path(S + "versions/new/", staff.version_new, name="staff_version_new"),
    path(S + "versions/<int:number>/", staff.version, name="staff_version"),
    path(S + "versions/<int:number>/sections/new/", staff.section_new, name="staff_section_new"),
    path(
        S + "versions/<int:number>/sections/<int:section_pk>/",
        staff.section_edit,
        name="staff_section",
    ),
    path(S + "questions/", staff.questions, name="staff_questions"),
    path(S + "questions/<int:question_pk>/", staff.question_edit, name="staff_question"),
    path(S + "response/", staff.response, name="staff_response"),
    path(S + "response/comments/<int:comment_pk>/", staff.outcome, name="staff_outcome"),
    path(
        S + "response/changes/<int:change_pk>/delete/",
        staff.change_delete,
        name="staff_change_delete",
    ),
    path(S + "export.<str:fmt>", exports.staff_export, name="staff_export"),
    path(S + "answers.csv", exports.staff_export, {"fmt": "answers.csv"}, name="staff_answers"),
    path(S + "principles/", principles.from_consultation, name="staff_principles_from"),
    path(STAFF + "moderation/", staff.moderation, name="staff_moderation"),
    path(STAFF + "moderation/<int:comment_pk>/", staff.moderate, name="staff_moderate"),
    path(STAFF + "population/", staff.population, name="staff_population"),
    path(
        STAFF + "population/<int:share_pk>/delete/",
        staff.population_delete,
        name="staff_population_delete",
    ),
    # Staff: principles
    path(STAFF + "principles/", principles.staff_principles, name="staff_principles"),
    path(STAFF + "principles/review/", principles.start_review, name="staff_principles_review"),
    path(P, principles.staff_version, name="staff_principles_version"),
    path(P + "sections/new/", principles.section_edit, name="staff_principle_section_new"),
    path(
        P + "sections/<int:section_pk>/",
        principles.section_edit,
        name="staff_principle_section",
    ),
    path(
        P + "sections/<int:section_pk>/principles/new/",
        principles.principle_edit,
        name="staff_principle_new",
    ),
    path(
        P + "sections/<int:section_pk>/principles/<int:principle_pk>/",
        principles.principle_edit,
        name="staff_principle",
    ),
    path(P + "steps/", principles.step_add, name="staff_step_add"),
    path(P + "steps/<int:step_pk>/delete/", principles.step_delete, name="staff_step_delete"),
    path(P + "signatories/", principles.signatory_add, name="staff_signatory_add"),
    path(
        P + "signatories/<int:signatory_pk>/delete/",
        principles.signatory_delete,
        name="staff_signatory_delete",
    ),
    path(P + "adopt/", principles.adopt, name="staff_principles_adopt"),
    path(STAFF + "principles/actions/<slug:key>/", principles.actions, name="staff_actions"),
    path(
        STAFF + "principles/actions/<slug:key>/<int:action_pk>/delete/",
        principles.action_delete,
        name="staff_action_delete",
    ),
    # Staff: initiatives
    path(STAFF + "initiatives/", initiatives.staff_list, name="staff_initiatives"),
    path(STAFF + "initiatives/new/", initiatives.edit, name="staff_initiative_new"),
    path(I, initiatives.edit, name="staff_initiative"),
    path(I + "links/<int:link_pk>/delete/", initiatives.link_delete, name="staff_link_delete"),
    path(I + "delete/", initiatives.delete, name="staff_initiative_delete"),
]
