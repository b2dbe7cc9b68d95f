"""CSV, JSON and PDF exports, and the JSON import into another instance (round trip)."""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest
from django.urls import reverse

from cityrights.assessment import exports, selectors, services
from cityrights.assessment.models import AssessmentCycle, FrameworkVersion, Response
from cityrights.core.models import AuditEvent

from ..printing import pdf_pages
from .conftest import validated_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(city_a, cycle, second_editor):
    admin = city_a.users["admin"]
    services.add_assignment(
        cycle, admin, area="inclusion", pillar="", department=None, user=second_editor
    )
    framework = cycle.framework.framework
    values = {q.key: str(1 + i % 5) for i, q in enumerate(framework.questions) if q.show_if is None}
    values.update({"inc-s-2": "4", "inc-s-4": "2", "pri-f-2": "dont_know"})
    services.save_answers(
        cycle,
        admin,
        [
            services.AnswerInput(key, value, comment="=SUM(A1)" if key == "inc-f-1" else "")
            for key, value in values.items()
        ],
    )
    services.save_answers(
        cycle,
        second_editor,
        [
            services.AnswerInput(
                "inc-f-1", "5", evidence_text="Signed", evidence_link="https://e.org/1"
            )
        ],
    )
    services.submit(cycle, admin)
    services.resolve(cycle, admin, "inc-f-2", "not_applicable", "No online-only service")
    services.validate(cycle, city_a.users["reviewer"])
    return AssessmentCycle.objects.get(pk=cycle.pk)


def test_csv_exports(city_a, finished):
    client = city_a.client_for("viewer")
    answers = client.get(
        reverse("assessment:export_answers_csv", kwargs={"org": "city-a", "year": 2025})
    )
    assert answers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(answers.content.decode())))
    assert len(rows) == Response.objects.filter(cycle=finished).count()
    first = next(r for r in rows if r["question"] == "inc-f-1" and r["value"] == "5")
    assert first["evidence_link"] == "https://e.org/1" and first["respondent"] == "Second Editor"
    assert any(r["comment"] == "'=SUM(A1)" for r in rows), "formulas are neutralised"
    assert next(r for r in rows if r["question"] == "inc-f-2")["resolved_value"] == "not_applicable"
    scores = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("assessment:export_scores_csv", kwargs={"org": "city-a", "year": 2025})
                ).content.decode()
            )
        )
    )
    assert [r["scope"] for r in scores].count("cell") == 18
    overall = next(r for r in scores if r["scope"] == "overall")
    assert float(overall["score"]) == pytest.approx(selectors.result_of(finished).score, abs=0.01)


def test_json_export_uses_pseudonyms(city_a, finished):
    data = exports.export_json(finished)
    assert data["framework"]["content_hash"] == finished.framework.content_hash
    labels = {a["respondent"] for a in data["answers"]}
    assert labels == {"respondent-1", "respondent-2"}
    assert "Second Editor" not in json.dumps(data)


def test_round_trip_into_another_city_gives_the_same_scores(city_a, city_b, finished):
    body = (
        city_a.client_for("admin")
        .get(reverse("assessment:export_json", kwargs={"org": "city-a", "year": 2025}))
        .content
    )
    upload = io.BytesIO(body)
    upload.name = "export.json"
    response = city_b.client_for("admin").post(
        reverse("assessment:import", kwargs={"org": "city-b"}), {"file": upload}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    imported = AssessmentCycle.objects.get(organisation=city_b.city, year=2025)
    assert imported.status == "validated"
    original, copy_ = selectors.result_of(finished), selectors.result_of(imported)
    assert copy_.score == pytest.approx(original.score)
    assert {k: c.score for k, c in copy_.cells.items()} == {
        k: c.score for k, c in original.cells.items()
    }
    assert copy_.coverage == original.coverage
    assert imported.scores == finished.scores
    assert exports.export_json(imported)["answers"] == [
        {**a, "updated_at": b["updated_at"]}
        for a, b in zip(
            exports.export_json(finished)["answers"],
            exports.export_json(imported)["answers"],
            strict=True,
        )
    ]
    assert AuditEvent.objects.filter(organisation=city_b.city, action="import").exists()


@pytest.fixture
def exported(finished):
    return exports.export_json(finished)


def refused(city, data, fragment):
    with pytest.raises(exports.ImportRefused) as error:
        exports.import_json(city.city, data, city.users["admin"])
    assert fragment in error.value.message
    assert not AssessmentCycle.objects.filter(organisation=city.city).exists()


def test_import_refusals(city_b, exported):
    refused(city_b, {"format": "other"}, "not a cityrights assessment export")
    data = copy.deepcopy(exported)
    data["framework"]["version"] = 99
    refused(city_b, data, "guide-2022 v99 is not loaded")
    data = copy.deepcopy(exported)
    data["framework"]["content_hash"] = "0" * 64
    refused(city_b, data, "different content")
    data = copy.deepcopy(exported)
    data["answers"][0]["question"] = "xyz-9"
    refused(city_b, data, "answers[0].question: there is no question “xyz-9”")
    data = copy.deepcopy(exported)
    data["answers"][0]["value"] = 8
    refused(city_b, data, "answers[0].value")
    data = copy.deepcopy(exported)
    data["answers"].append(dict(data["answers"][0]))
    refused(city_b, data, "twice")
    data = copy.deepcopy(exported)
    data["scores"]["overall"]["score"] = 99.0
    refused(city_b, data, "do not match")
    data = copy.deepcopy(exported)
    del data["cycle"]
    refused(city_b, data, "“cycle” is missing")


def test_import_page_shows_errors_next_to_the_field(city_b, exported):
    data = copy.deepcopy(exported)
    data["framework"]["version"] = 42
    upload = io.BytesIO(json.dumps(data).encode())
    upload.name = "x.json"
    response = city_b.client_for("admin").post(
        reverse("assessment:import", kwargs={"org": "city-b"}), {"file": upload}
    )
    assert response.status_code == 200
    assert "guide-2022 v42 is not loaded" in response.content.decode()
    broken = io.BytesIO(b"{not json")
    broken.name = "x.json"
    response = city_b.client_for("admin").post(
        reverse("assessment:import", kwargs={"org": "city-b"}), {"file": broken}
    )
    assert "This is not a JSON file" in response.content.decode()
    # In the officer's language, with the place that cannot be read instead of Python's words.
    client = city_b.client_for("admin")
    client.cookies["django_language"] = "nl"
    broken.seek(0)
    html = client.post(reverse("assessment:import", kwargs={"org": "city-b"}), {"file": broken})
    page = html.content.decode()
    assert "kan niet worden gelezen op regel 1, kolom 2" in page
    assert "Expecting" not in page
    upload.seek(0)
    page = client.post(
        reverse("assessment:import", kwargs={"org": "city-b"}), {"file": upload}
    ).content.decode()
    assert "Het kader guide-2022 v42 is niet geladen" in page


def test_import_refuses_an_existing_year(city_a, exported):
    with pytest.raises(exports.ImportRefused, match="already has an assessment for 2025"):
        exports.import_json(city_a.city, exported, city_a.users["admin"])


def test_pdf_report(city_a, finished, version):
    validated_cycle(city_a.city, version, 2024, city_a.users["admin"], value=2)
    services.create_action(
        city_a.city, city_a.users["admin"], {"title": "Train all editors"}, cycle=finished
    )
    response = city_a.client_for("viewer").get(
        reverse("assessment:report_pdf", kwargs={"org": "city-a", "year": 2025})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert city_a.city.name.upper() in pages[0].upper()
    assert "self-assessment 2025" in pages[0]
    assert any("Train all editors" in page for page in pages)
    assert f"1 / {len(pages)}" in pages[0] and f"{len(pages)} / {len(pages)}" in pages[-1]
    # The framework by its title and version, not by its key.
    assert "guide-2022 v1" not in pages[0] and ", version 1" in pages[0]
    html = __import__("cityrights.assessment.views.results", fromlist=["x"]).report_html(
        None, finished, "en"
    )
    assert "Train all editors" in html and "Change per cell since 2024" in html


def test_framework_versions_are_kept(version):
    assert FrameworkVersion.objects.filter(key="guide-2022").count() == 1


def test_an_import_with_text_the_database_cannot_store_names_where(city_b, exported):
    data = copy.deepcopy(exported)
    data["answers"][1]["comment"] = "fine\x00"
    upload = io.BytesIO(json.dumps(data).encode())
    upload.name = "export.json"
    response = city_b.client_for("admin").post(
        reverse("assessment:import", kwargs={"org": "city-b"}), {"file": upload}
    )
    assert response.status_code == 200
    assert "cannot be stored (at answers.1.comment)" in response.content.decode()
    assert not AssessmentCycle.objects.filter(organisation=city_b.city).exists()


def test_answers_are_exported_in_pseudonym_order(cycle):
    """respondent-2 comes before respondent-10, whatever order the database sorts keys in."""
    for number, value in ((10, "2"), (2, "4")):
        Response.objects.create(
            cycle=cycle,
            question="inc-f-1",
            respondent=None,
            respondent_key=f"imported-respondent-{number}",
            respondent_label=f"respondent-{number}",
            value=value,
        )
    answers = exports.export_json(cycle)["answers"]
    assert [(a["respondent"], a["value"]) for a in answers] == [
        ("respondent-1", 4),
        ("respondent-2", 2),
    ]
