"""URLs of the capacity app: public pages under /cities/<org>/, staff under /manage/<org>/,
and the short certificate verification address ``/v/<code>``."""

from django.urls import path

from .views import overview, survey

app_name = "capacity"

STAFF = "manage/<slug:org>/capacity/"
ROUND = STAFF + "surveys/<int:pk>/"

urlpatterns = [
    path(STAFF, overview.home, name="home"),
    path(STAFF + "surveys/", survey.rounds, name="rounds"),
    path(STAFF + "surveys/new/", survey.round_new, name="round_new"),
    path(ROUND, survey.round_detail, name="round"),
    path(ROUND + "edit/", survey.round_edit, name="round_edit"),
    path(ROUND + "close/", survey.round_close, name="round_close"),
    path(ROUND + "delete/", survey.round_delete, name="round_delete"),
    path(ROUND + "answer/", survey.answer, name="answer"),
    path(ROUND + "results.csv", survey.round_export, {"fmt": "csv"}, name="round_csv"),
    path(ROUND + "results.json", survey.round_export, {"fmt": "json"}, name="round_json"),
]
