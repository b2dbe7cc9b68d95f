"""The report pages through HTTP: who may do what on the server, and what residents read."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from cityrights.register.models import Entry
from cityrights.reporting import services
from cityrights.reporting.models import AnnualReport
from tests.printing import pdf_pages

from .conftest import YEAR, at

STAFF = "/manage/city-a/reporting/"
PUBLIC = "/cities/city-a/reports/"


def _published(city_a) -> AnnualReport:
    Entry.objects.create(
        organisation=city_a.city,
        kind="sensor",
        name_en="Bicycle counter",
        summary_en="Counts bicycles.",
        department=city_a.department,
        state="published",
        published_at=at(YEAR, 4, 1),
        version=1,
    )
    users = city_a.users
    report = services.generate_draft(organisation=city_a.city, year=YEAR, actor=users["editor"])
    services.update_texts(
        report=report,
        actor=users["editor"],
        foreword={"en": "A year of firsts."},
        commentaries={"transparency": {"en": "The counter is new."}},
    )
    report = services.approve(report=report, actor=users["reviewer"])
    return services.publish(report=report, actor=users["reviewer"])


@pytest.mark.parametrize("role", ["viewer", "editor", "reviewer", "admin"])
def test_every_member_sees_the_live_dashboard_and_the_reports(city_a, role):
    client = city_a.client_for(role)
    assert client.get(STAFF).status_code == 200
    assert client.get(STAFF + "reports/").status_code == 200


def test_people_outside_the_city_see_no_staff_page(city_a, city_b, resident):
    assert Client().get(STAFF).status_code == 302  # to the log-in page
    client = Client()
    client.force_login(resident)
    assert client.get(STAFF).status_code == 403
    assert city_b.client_for("admin").get(STAFF + "reports/").status_code == 403


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("reviewer", 403), ("editor", 302)])
def test_only_editors_generate_a_draft(city_a, role, status):
    response = city_a.client_for(role).post(STAFF + "reports/", {"year": YEAR})
    assert response.status_code == status
    assert AnnualReport.objects.exists() == (status == 302)


def test_a_bad_year_is_a_form_error_not_a_500(city_a):
    response = city_a.client_for("editor").post(STAFF + "reports/", {"year": "next"})
    assert response.status_code == 422
    assert "Enter a whole number" in response.content.decode()


def test_the_workflow_through_the_pages_respects_roles_and_separation(city_a):
    editor, reviewer, viewer = (city_a.client_for(r) for r in ("editor", "reviewer", "viewer"))
    editor.post(STAFF + "reports/", {"year": YEAR})
    report = AnnualReport.objects.get()
    base = f"{STAFF}reports/{report.pk}/"
    assert viewer.post(base + "refresh/").status_code == 403
    assert viewer.get(base + "texts/").status_code == 403
    response = editor.post(
        base + "texts/", {"foreword_en": "Our year.", "commentary_impact_en": ""}
    )
    assert response.status_code == 302
    assert editor.post(base + "approve/").status_code == 403  # no review capability
    admin = city_a.client_for("admin")
    admin.post(base + "texts/", {"foreword_en": "Our year, in short."})
    response = admin.post(base + "approve/")
    assert response.status_code == 403  # took part: separation of duties
    assert "Separation of duties" in response.content.decode()
    assert reviewer.post(base + "approve/").status_code == 302
    assert viewer.post(base + "publish/").status_code == 403
    assert reviewer.post(base + "publish/").status_code == 302
    report.refresh_from_db()
    assert report.is_published
    response = reviewer.post(base + "discard/")
    assert response.status_code == 403  # only editors delete drafts; published never
    assert editor.post(base + "discard/").status_code == 409


def test_residents_read_published_reports_and_never_drafts(city_a, resident):
    report = _published(city_a)
    services.start_correction(report=report, actor=city_a.users["editor"], reason={"en": "Typo."})
    client = Client()
    client.force_login(resident)
    html = client.get(PUBLIC + f"{YEAR}/").content.decode()
    assert "A year of firsts." in html and "The counter is new." in html
    assert "Bicycle counter" not in html  # figures, not entries
    assert client.get(PUBLIC + f"{YEAR}/v2/").status_code == 404  # the correction is a draft
    assert client.get(PUBLIC + f"{YEAR - 1}/").status_code == 404
    assert client.get(PUBLIC).status_code == 200


def test_a_city_that_does_not_publish_its_pages_hides_its_reports(city_a):
    _published(city_a)
    city_a.city.is_public = False
    city_a.city.save()
    assert Client().get(PUBLIC + f"{YEAR}/").status_code == 404


def test_the_signed_json_and_the_section_figures_download(city_a):
    report = _published(city_a)
    client = Client()
    data = client.get(PUBLIC + f"{YEAR}/v1/report.json").json()
    assert data["sha256"] == report.digest and data["signature"] == report.signature
    assert data["jwks"].endswith("/.well-known/jwks.json")
    assert data["report"] == report.content
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(PUBLIC + f"{YEAR}/v1/sections/transparency.csv").content.decode()
            )
        )
    )
    assert rows[0] == ["figure", "label", "value", "unit", "withheld", "how_computed", "source"]
    entries = next(row for row in rows if row and row[0] == "entries")
    assert entries[2] == "1" and entries[5] and entries[6].startswith("http")
    section = json.loads(client.get(PUBLIC + f"{YEAR}/v1/sections/transparency.json").content)
    assert section["report_sha256"] == report.digest
    assert section["section"]["figures"][0]["value"] == 1
    assert client.get(PUBLIC + f"{YEAR}/v1/sections/nothing.csv").status_code == 404
    assert client.get(PUBLIC + f"{YEAR}/v1/sections/transparency.xml").status_code == 404


def test_the_pdf_has_a_table_of_contents_with_page_numbers(city_a):
    _published(city_a)
    response = Client().get(PUBLIC + f"{YEAR}/v1/report-en.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    contents = pages[1]
    assert "Contents" in contents and "Transparency register" in contents
    # Every page carries "n / total", and the contents give the page each section starts on.
    assert all(f"{n} / {len(pages)}" in text for n, text in enumerate(pages, start=1))
    intro = "What the city's technology does"  # the first words of the register's section
    start = next(n for n, text in enumerate(pages, start=1) if intro in text)
    line = next(line for line in contents.splitlines() if "Transparency register" in line)
    assert line.rstrip().endswith(str(start))
    assert Client().get(PUBLIC + f"{YEAR}/v1/report-de.pdf").status_code == 404
    # The cover's moments in the reader's words and the city's time, not ISO 8601 UTC.
    cover = pages[0]
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", cover), cover
    report = AnnualReport.objects.get()
    taken = timezone.localtime(report.figures_taken_at)
    assert f"Figures taken {date_format(taken, 'DATETIME_FORMAT')}" in cover, cover


@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_an_approved_version_not_yet_published_stays_out_of_every_public_address(
    city_a, resident, who
):
    users = city_a.users
    report = services.generate_draft(organisation=city_a.city, year=YEAR, actor=users["editor"])
    services.update_texts(
        report=report, actor=users["editor"], foreword={"en": "Not yet."}, commentaries={}
    )
    services.approve(report=report, actor=users["reviewer"])
    client = Client()
    if who == "resident":
        client.force_login(resident)
    version = PUBLIC + f"{YEAR}/v1/"
    for path in (
        PUBLIC + f"{YEAR}/",
        version,
        version + "report.json",
        version + "report-en.pdf",
        version + "sections/transparency.csv",
        version + "sections/transparency.json",
    ):
        assert client.get(path).status_code == 404, path
    assert "Not yet." not in client.get(PUBLIC).content.decode()
    assert client.get(STAFF + f"reports/{report.pk}/").status_code in (302, 403, 404)


def test_a_published_page_is_laid_out_once_and_still_says_when_it_was_corrected(city_a):
    report = _published(city_a)
    client = Client()
    first = client.get(PUBLIC + f"{YEAR}/v1/").content.decode()
    assert "A year of firsts." in first and "A later version" not in first
    correction = services.start_correction(
        report=report, actor=city_a.users["editor"], reason={"en": "A figure was wrong."}
    )
    services.approve(report=correction, actor=city_a.users["reviewer"])
    services.publish(report=correction, actor=city_a.users["reviewer"])
    again = client.get(PUBLIC + f"{YEAR}/v1/").content.decode()
    assert "A year of firsts." in again and "A later version (version 2)" in again
    latest = client.get(PUBLIC + f"{YEAR}/").content.decode()
    assert "A figure was wrong." in latest
    pdf = client.get(PUBLIC + f"{YEAR}/v1/report-en.pdf")
    assert pdf.status_code == 200
    assert client.get(PUBLIC + f"{YEAR}/v1/report-en.pdf").content == pdf.content
    assert client.get(PUBLIC + f"{YEAR}/v1/report-xx.pdf").status_code == 404


def test_section_titles_follow_the_readers_language(brussels):
    """A Dutch officer of a French-first city reads each section's Dutch title on the texts
    form and in what approval still misses, not the French one."""
    from django.utils import translation

    editor = brussels.client_for("editor")
    editor.post(STAFF + "reports/", {"year": YEAR})
    report = AnnualReport.objects.get()
    french = {s["key"]: s["title"] for s in report.sections["fr"]}
    dutch = {s["key"]: s["title"] for s in report.sections["nl"]}
    key = next(k for k in dutch if dutch[k] != french[k])
    base = f"{STAFF}reports/{report.pk}/"
    form = editor.get(base + "texts/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert dutch[key] in form
    assert french[key] not in form
    editor.post(
        base + "texts/",
        {"foreword_fr": "Notre année.", "foreword_nl": "Ons jaar.", f"commentary_{key}_fr": "Vu."},
    )
    with translation.override("nl"):
        missing = services.missing_translations(AnnualReport.objects.get())
    assert missing == [f"Het commentaar bij “{dutch[key]}” heeft geen tekst in het Nederlands."]


def test_workflow_confirmations_are_in_the_officers_language(city_a):
    editor, reviewer = city_a.client_for("editor"), city_a.client_for("reviewer")
    editor.post(STAFF + "reports/", {"year": YEAR})
    report = AnnualReport.objects.get()
    base = f"{STAFF}reports/{report.pk}/"
    editor.post(base + "texts/", {"foreword_en": "Our year."})
    approved = reviewer.post(base + "approve/", follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Le rapport est approuvé. Il peut maintenant être publié." in approved.content.decode()
    published = reviewer.post(base + "publish/", follow=True, HTTP_ACCEPT_LANGUAGE="nl")
    assert "Het rapport is gepubliceerd, ondertekend en vastgezet." in published.content.decode()


@pytest.mark.parametrize(("staff_view", "linked"), [(False, False), (True, True)])
def test_residents_get_no_link_to_a_staff_page(staff_view, linked):
    """A resident following "where this figure comes from" to a staff page would meet the
    log-in form: they read where it comes from instead; staff keep the link."""
    from django.template.loader import render_to_string

    from cityrights.core.report import Figure

    figures = [
        Figure(
            key="questions",
            label="Questions",
            value=3,
            note="Counted.",
            url="/manage/x/",
            staff_only=True,
        ),
        Figure(key="entries", label="Entries", value=9, note="Counted.", url="/cities/x/"),
    ]
    html = render_to_string(
        "reporting/includes/figures.html", {"figures": figures, "staff_view": staff_view}
    )
    assert ('href="/manage/x/"' in html) is linked
    assert ("It comes from a page for the city's staff." in html) is not linked
    assert 'href="/cities/x/"' in html


def test_a_report_drawn_up_before_the_city_changed_languages_asks_for_fresh_figures(city_a):
    """Approving it would publish an English version nobody could see or edit any more."""
    editor = city_a.client_for("editor")
    editor.post(STAFF + "reports/", {"year": YEAR})
    report = AnnualReport.objects.get()
    assert set(report.sections) == {"en"}
    city_a.city.default_language = "fr"
    city_a.city.additional_languages = "nl"
    city_a.city.save()
    report = AnnualReport.objects.get()
    assert services.missing_translations(report)[0] == (
        "The report was drawn up in English, which the city no longer writes in: take the "
        "figures again."
    )
    services.refresh_figures(report=report, actor=city_a.users["editor"])
    report = AnnualReport.objects.get()
    assert set(report.sections) == {"fr", "nl"}
    assert not any("drawn up" in problem for problem in services.missing_translations(report))
