"""URLs of the impact app: public pages under /cities/<org>/, staff under /manage/<org>/."""

from django.urls import path

from .views import assessments, exports, procurement, public, review, risks

app_name = "impact"

STAFF = "manage/<slug:org>/impact/"
ONE = STAFF + "<int:pk>/"
PUBLIC = "cities/<slug:org>/impact/"

urlpatterns = [
    path(STAFF, assessments.repository, name="list"),
    path(STAFF + "screening/", assessments.screening, name="screening"),
    path(STAFF + "screening/<int:pk>/", assessments.screening_result, name="screening_result"),
    path(STAFF + "new/", assessments.create, name="create"),
    path(STAFF + "procurement/", procurement.procurements, name="procurements"),
    path(STAFF + "procurement/new/", procurement.procurement_new, name="procurement_new"),
    path(STAFF + "procurement/<int:pk>/", procurement.procurement, name="procurement"),
    path(ONE, assessments.detail, name="detail"),
    path(ONE + "edit/", assessments.edit, name="edit"),
    path(ONE + "section/<slug:key>/", assessments.section, name="section"),
    path(
        ONE + "section/<slug:key>/comment/",
        assessments.section_comment,
        name="section_comment",
    ),
    path(ONE + "comment/", assessments.comment, name="comment"),
    path(ONE + "risks/", risks.risks, name="risks"),
    path(ONE + "risks/<int:risk_pk>/", risks.risk, name="risk"),
    path(ONE + "risks/<int:risk_pk>/delete/", risks.risk_delete, name="risk_delete"),
    path(
        ONE + "risks/<int:risk_pk>/mitigations/",
        risks.risk_mitigate,
        name="risk_mitigate",
    ),
    path(ONE + "mitigations/<int:mitigation_pk>/", risks.mitigation, name="mitigation"),
    path(ONE + "step/", review.transition, name="transition"),
    path(ONE + "decide/", review.decide, name="decide"),
    path(ONE + "conditions/", review.conditions, name="conditions"),
    path(
        ONE + "conditions/<int:condition_pk>/close/",
        review.condition_close,
        name="condition_close",
    ),
    path(ONE + "summary/", review.summary, name="summary"),
    path(ONE + "export.json", exports.export_json, name="export_json"),
    path(ONE + "export.pdf", exports.export_pdf, name="export_pdf"),
    path(PUBLIC, public.public_list, name="public_list"),
    path(PUBLIC + "<int:pk>/", public.public_detail, name="public_detail"),
]
