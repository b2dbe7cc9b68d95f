"""URLs of the assessment app: public pages under /cities/<org>/, staff under /manage/<org>/."""

from django.urls import path

from .views import results, roadmap, workflow

app_name = "assessment"

STAFF = "manage/<slug:org>/assessment/"
CYCLE = STAFF + "<int:year>/"
PUBLIC = "cities/<slug:org>/assessment/"

urlpatterns = [
    # Staff: cycles and their workflow
    path(STAFF, workflow.cycles, name="cycles"),
    path(STAFF + "import/", results.import_view, name="import"),
    path(STAFF + "coalition/", results.coalition, name="coalition"),
    path(STAFF + "coalition/<int:pk>/stop/", results.sharing_stop, name="sharing_stop"),
    path(STAFF + "roadmap/", roadmap.roadmap, name="roadmap"),
    path(STAFF + "roadmap/new/", roadmap.action_new, name="action_new"),
    path(STAFF + "roadmap/<int:pk>/", roadmap.action_detail, name="action"),
    path(STAFF + "roadmap/<int:pk>/measurements/", roadmap.action_measure, name="action_measure"),
    path(CYCLE, workflow.cycle_detail, name="cycle"),
    path(CYCLE + "assignments/", workflow.assignments, name="assignments"),
    path(
        CYCLE + "assignments/<int:pk>/delete/",
        workflow.assignment_delete,
        name="assignment_delete",
    ),
    path(CYCLE + "answer/<slug:area>/", workflow.answer, name="answer"),
    path(CYCLE + "evidence/<int:pk>/", workflow.evidence, name="evidence"),
    path(CYCLE + "review/", workflow.review, name="review"),
    path(CYCLE + "review/<slug:question>/", workflow.review_question, name="review_question"),
    path(CYCLE + "transition/", workflow.transition, name="transition"),
    path(CYCLE + "results/", results.results, name="results"),
    path(CYCLE + "answers.csv", results.export_answers_csv, name="export_answers_csv"),
    path(CYCLE + "scores.csv", results.export_scores_csv, name="export_scores_csv"),
    path(CYCLE + "export.json", results.export_json, name="export_json"),
    path(CYCLE + "report.pdf", results.report_pdf, name="report_pdf"),
    # Public
    path(PUBLIC, results.public_results, name="public_results"),
    path(PUBLIC + "scale/", results.public_scale, name="public_scale"),
    path(PUBLIC + "<int:year>/", results.public_results, name="public_results_year"),
    path(PUBLIC + "<int:year>/scores.csv", results.public_scores_csv, name="public_scores_csv"),
]
