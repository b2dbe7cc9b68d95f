"""URLs of the reporting app: public pages under /cities/<org>/, staff under /manage/<org>/."""

from django.urls import path, register_converter

from .views import public, staff


class LanguageConverter:
    regex = "[a-z]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageConverter, "lang")

app_name = "reporting"

PUBLIC = "cities/<slug:org>/reports/"
V = PUBLIC + "<int:year>/v<int:version>/"
STAFF = "manage/<slug:org>/reporting/"
R = STAFF + "reports/<int:pk>/"

urlpatterns = [
    path(PUBLIC, public.reports, name="reports"),
    path(PUBLIC + "how-to-verify/", public.verify, name="verify"),
    path(PUBLIC + "<int:year>/", public.report, name="report"),
    path(V, public.version, name="version"),
    path(V + "report.json", public.report_json, name="json"),
    path(V + "report-<lang:language>.pdf", public.report_pdf, name="pdf"),
    path(V + "sections/<slug:key>.<str:fmt>", public.section_data, name="section_data"),
    path(STAFF, staff.dashboard, name="dashboard"),
    path(STAFF + "reports/", staff.reports, name="staff_reports"),
    path(R, staff.report, name="staff_report"),
    path(R + "texts/", staff.texts, name="staff_texts"),
    path(R + "refresh/", staff.refresh, name="staff_refresh"),
    path(R + "approve/", staff.approve, name="staff_approve"),
    path(R + "return/", staff.return_to_draft, name="staff_return"),
    path(R + "publish/", staff.publish, name="staff_publish"),
    path(R + "discard/", staff.discard, name="staff_discard"),
    path(R + "correct/", staff.correct, name="staff_correct"),
    path(R + "preview-<lang:language>.pdf", staff.preview_pdf, name="staff_pdf"),
]
