"""Pages: every role sees what it may, changes what it may, and other cities see nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cityrights.core.models import AuditEvent
from cityrights.impact import services
from cityrights.impact.models import Condition, ImpactAssessment, Procurement, RiskItem, Screening

from ..printing import pdf_pages
from .conftest import advance, make_entry, new_assessment

pytestmark = pytest.mark.django_db


def url(name: str, city, **kwargs) -> str:
    return reverse(f"impact:{name}", kwargs={"org": city.city.slug, **kwargs})


@pytest.fixture
def decided(city_a):
    assessment = advance(
        city_a, new_assessment(city_a), "decided", decision="approve_with_conditions"
    )
    return assessment


def staff_pages(city, assessment) -> list[str]:
    risk = assessment.risks.first()
    condition = assessment.conditions.first()
    pages = [
        url("list", city),
        url("list", city) + "?q=park&status=decided&risk=medium&right=privacy",
        url("create", city),
        url("screening", city),
        url("procurements", city),
        url("procurement_new", city),
        url("detail", city, pk=assessment.pk),
        url("edit", city, pk=assessment.pk),
        url("section", city, pk=assessment.pk, key="context"),
        url("risks", city, pk=assessment.pk),
        url("risk", city, pk=assessment.pk, risk_pk=risk.pk),
        url("decide", city, pk=assessment.pk),
        url("conditions", city, pk=assessment.pk),
        url("summary", city, pk=assessment.pk),
        url("export_json", city, pk=assessment.pk),
    ]
    if condition:
        pages.append(url("condition_close", city, pk=assessment.pk, condition_pk=condition.pk))
    return pages


EDIT_ONLY = {"create", "screening", "procurement_new", "edit"}
REVIEW_ONLY = {"decide"}


def expected(role: str, page: str) -> int:
    name = page.split("/impact/")[1]
    if any(name.startswith(p) for p in ("new/", "screening/", "procurement/new/")) or name.endswith(
        "/edit/"
    ):
        return 200 if role in {"admin", "editor"} else 403
    if name.endswith("/decide/"):
        return 200 if role in {"admin", "reviewer"} else 403
    if "/close/" in name:
        return 200 if role in {"admin", "editor", "reviewer"} else 403
    return 200


@pytest.mark.parametrize("role", ["admin", "editor", "reviewer", "viewer"])
def test_role_matrix_on_every_staff_page(city_a, decided, role):
    client = city_a.client_for(role)
    for page in staff_pages(city_a, decided):
        response = client.get(page)
        assert response.status_code == expected(role, page), (role, page)


def test_anonymous_is_sent_to_log_in_and_residents_are_refused(city_a, decided, resident):
    anonymous = Client()
    residents = Client()
    residents.force_login(resident)
    for page in staff_pages(city_a, decided):
        assert anonymous.get(page).status_code == 302
        assert residents.get(page).status_code == 403


def test_other_cities_never_see_an_assessment(city_a, city_b, decided):
    # Staff of city B: refused on city A's pages…
    for page in staff_pages(city_a, decided):
        assert city_b.client_for("admin").get(page).status_code == 403
    # …and city A's ids under city B's own address are unknown.
    client = city_b.client_for("admin")
    for name in ("detail", "risks", "export_json", "export_pdf", "summary", "conditions"):
        assert client.get(url(name, city_b, pk=decided.pk)).status_code == 404
    assert (
        client.post(url("transition", city_b, pk=decided.pk), {"step": "reopen"}).status_code == 404
    )
    listing = client.get(url("list", city_b))
    assert decided.title not in listing.content.decode()


# --------------------------------------------------------------------------------------
# The journey: screen, create, fill, risks, submit, review, decide
# --------------------------------------------------------------------------------------


def test_a_project_lead_screens_creates_fills_and_submits(city_a):
    editor = city_a.client_for("editor")
    template = services.latest_template("screening").template
    data = {"project": "Street cameras", "department": city_a.department.pk}
    data.update({f"q-{q.key}": "no" for q in template.questions})
    data["q-public-space-monitoring"] = "yes"
    response = editor.post(url("screening", city_a), data)
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.kind == "both"
    page = editor.get(response["Location"])
    assert "A full assessment is needed." in page.content.decode()
    response = editor.post(
        url("screening_result", city_a, pk=screening.pk),
        {
            "title": "Street cameras",
            "kind": "both",
            "department": city_a.department.pk,
            "author": city_a.users["editor"].pk,
        },
    )
    assessment = ImpactAssessment.objects.get()
    assert response.status_code == 302 and assessment.screening == screening
    response = editor.post(
        url("section", city_a, pk=assessment.pk, key="context"),
        {"project-summary": "Cameras count cars.", "project-stage": "pilot"},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["context"]["project-stage"] == "pilot"
    response = editor.post(
        url("risks", city_a, pk=assessment.pk),
        {
            "right": "privacy",
            "description": "Faces are filmed.",
            "likelihood": "3",
            "severity": "3",
            "residual_likelihood": "",
            "residual_severity": "",
        },
    )
    assert response.status_code == 302
    assert RiskItem.objects.filter(assessment=assessment).count() == 1
    # Submitting with missing answers is refused with the reason, and nothing changes.
    response = editor.post(url("transition", city_a, pk=assessment.pk), {"step": "submit"})
    assert response.status_code == 409
    assert "required question" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_invalid_screening_shows_errors_next_to_the_fields(city_a):
    response = city_a.client_for("editor").post(url("screening", city_a), {"project": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Answer this question." in body
    assert 'id="id_project_errors"' in body
    assert not Screening.objects.exists()


def test_invalid_risk_levels_are_form_errors(city_a):
    assessment = new_assessment(city_a)
    response = city_a.client_for("editor").post(
        url("risks", city_a, pk=assessment.pk),
        {"right": "privacy", "description": "x", "likelihood": "9", "severity": "2"},
    )
    assert response.status_code == 422
    assert 'id="id_likelihood_errors"' in response.content.decode()
    response = city_a.client_for("editor").post(
        url("risks", city_a, pk=assessment.pk),
        {
            "right": "privacy",
            "description": "x",
            "likelihood": "2",
            "severity": "2",
            "residual_likelihood": "3",
            "residual_severity": "1",
        },
    )
    assert response.status_code == 422
    assert "more likely or more severe" in response.content.decode()
    assert not RiskItem.objects.exists()


def test_risk_page_shows_the_matrix_with_its_table(city_a):
    assessment = new_assessment(city_a)
    services.add_risk(
        assessment,
        city_a.users["editor"],
        {
            "right": "equality",
            "description": "Bias.",
            "likelihood": 4,
            "severity": 4,
            "residual_likelihood": 2,
            "residual_severity": 3,
        },
    )
    body = city_a.client_for("viewer").get(url("risks", city_a, pk=assessment.pk)).content.decode()
    assert body.count("<svg") == 2
    assert "Risks before mitigation: number of risks per cell" in body
    assert 'role="img"' in body
    assert "Very high" in body
    assert "Add a risk" not in body  # viewers cannot add


def test_the_reviewer_takes_decides_and_the_author_cannot(city_a):
    assessment = advance(
        city_a, new_assessment(city_a, author="admin"), "submitted", author="admin"
    )
    admin = city_a.client_for("admin")
    response = admin.post(url("transition", city_a, pk=assessment.pk), {"step": "start_review"})
    assert response.status_code == 403
    assert "Separation of duties" in response.content.decode()
    reviewer = city_a.client_for("reviewer")
    assert (
        reviewer.post(
            url("transition", city_a, pk=assessment.pk), {"step": "start_review"}
        ).status_code
        == 302
    )
    # The author (an admin, who holds the review capability) can still not decide.
    refused = admin.get(url("decide", city_a, pk=assessment.pk))
    assert refused.status_code == 403
    assert "someone else has to decide on it" in refused.content.decode()
    response = admin.post(
        url("decide", city_a, pk=assessment.pk), {"decision": "approve", "reasons": "Mine."}
    )
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == "under_review"
    # On hold without a condition: a form error, nothing written.
    response = reviewer.post(
        url("decide", city_a, pk=assessment.pk), {"decision": "on_hold", "reasons": "Wait."}
    )
    assert response.status_code == 422
    assert "at least one condition" in response.content.decode()
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = reviewer.post(
        url("decide", city_a, pk=assessment.pk),
        {
            "decision": "on_hold",
            "reasons": "Bias not tested.",
            "condition_1": "Test outcomes per group.",
            "condition_1_owner": "Data team",
            "condition_1_due": due,
            "reassessment_due": due,
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.decision == "on_hold" and assessment.decided_by == city_a.users["reviewer"]
    assert assessment.conditions.get().owner == "Data team"
    assert AuditEvent.objects.filter(action="decide", object_id=str(assessment.pk)).exists()


def test_deciding_twice_is_refused(city_a, decided):
    response = city_a.client_for("reviewer").post(
        url("decide", city_a, pk=decided.pk), {"decision": "reject", "reasons": "Again."}
    )
    assert response.status_code == 409
    decided.refresh_from_db()
    assert decided.decision == "approve_with_conditions"


def test_unknown_step_is_refused(city_a, decided):
    response = city_a.client_for("editor").post(
        url("transition", city_a, pk=decided.pk), {"step": "publish-everything"}
    )
    assert response.status_code == 422


def test_viewers_cannot_post_anything(city_a, decided):
    viewer = city_a.client_for("viewer")
    risk = decided.risks.first()
    condition = decided.conditions.first()
    posts = [
        (url("transition", city_a, pk=decided.pk), {"step": "reopen"}),
        (url("section", city_a, pk=decided.pk, key="context"), {"project-summary": "x"}),
        (url("risks", city_a, pk=decided.pk), {"right": "privacy"}),
        (url("risk_delete", city_a, pk=decided.pk, risk_pk=risk.pk), {}),
        (url("risk", city_a, pk=decided.pk, risk_pk=risk.pk), {"description": "x"}),
        (url("risk_mitigate", city_a, pk=decided.pk, risk_pk=risk.pk), {"new-action": "x"}),
        (url("section_comment", city_a, pk=decided.pk, key="context"), {"comment-body": "x"}),
        (url("comment", city_a, pk=decided.pk), {"general-body": "x"}),
        (url("conditions", city_a, pk=decided.pk), {"text": "x"}),
        (
            url("condition_close", city_a, pk=decided.pk, condition_pk=condition.pk),
            {"closing_note": "x"},
        ),
        (url("summary", city_a, pk=decided.pk), {"action": "save", "text_en": "x"}),
    ]
    for page, data in posts:
        assert viewer.post(page, data).status_code == 403, page
    decided.refresh_from_db()
    assert decided.status == "decided" and decided.risks.count() == 1


def test_conditions_are_closed_with_a_note(city_a, decided):
    condition = decided.conditions.get()
    page = url("condition_close", city_a, pk=decided.pk, condition_pk=condition.pk)
    editor = city_a.client_for("editor")
    assert editor.post(page, {"closing_note": ""}).status_code == 422
    assert editor.post(page, {"closing_note": "Retention changed."}).status_code == 302
    condition.refresh_from_db()
    assert condition.closed_at is not None and condition.closing_note == "Retention changed."


def test_reviewer_adds_conditions_and_sets_the_reassessment_date(city_a, decided):
    reviewer = city_a.client_for("reviewer")
    page = url("conditions", city_a, pk=decided.pk)
    assert (
        reviewer.post(page, {"text": "Report monthly.", "owner": "", "due": ""}).status_code == 302
    )
    assert Condition.objects.filter(assessment=decided).count() == 2
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert reviewer.post(page, {"reassessment_due": past}).status_code == 422
    future = (timezone.localdate() + timedelta(days=200)).isoformat()
    assert reviewer.post(page, {"reassessment_due": future}).status_code == 302
    decided.refresh_from_db()
    assert decided.reassessment_due.isoformat() == future
    # The project lead (an editor) cannot add conditions.
    assert city_a.client_for("editor").post(page, {"text": "Mine."}).status_code == 403


def test_comments_per_section_by_editor_and_reviewer(city_a):
    assessment = new_assessment(city_a)
    page = url("section", city_a, pk=assessment.pk, key="necessity")
    reviewer = city_a.client_for("reviewer")
    response = reviewer.post(
        url("section_comment", city_a, pk=assessment.pk, key="necessity"),
        {"comment-body": "Why not random?"},
    )
    assert response.status_code == 302 and response["Location"] == page + "#feedback-comments"
    # The confirmation is shown (and focused) under the comments' heading, not at the top.
    shown = reviewer.get(page).content.decode()
    here = shown.split('id="feedback-comments"', 1)[1].split("</div>", 1)[0]
    assert "Your comment was added." in here and shown.count("Your comment was added.") == 1
    assert assessment.comments.get().section == "necessity"
    body = city_a.client_for("viewer").get(page).content.decode()
    assert "Why not random?" in body


def test_summary_approval_and_publication(city_a, decided):
    page = url("summary", city_a, pk=decided.pk)
    editor = city_a.client_for("editor")
    assert editor.post(page, {"action": "save", "text_en": "Plain words."}).status_code == 302
    assert editor.post(page, {"action": "publish"}).status_code == 403
    public = Client().get(url("public_list", city_a))
    assert "Plain words." not in public.content.decode()
    assert city_a.client_for("reviewer").post(page, {"action": "publish"}).status_code == 302
    public = Client().get(url("public_detail", city_a, pk=decided.pk))
    assert public.status_code == 200 and "Plain words." in public.content.decode()


def test_pdf_and_json_exports(city_a, decided):
    viewer = city_a.client_for("viewer")
    response = viewer.get(url("export_json", city_a, pk=decided.pk))
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["assessment"]["status"] == "decided"
    assert data["template"]["id"] == "hria-dpia"
    assert data["risks"][0]["band"] == "medium"
    assert data["conditions"][0]["text"]
    response = viewer.get(url("export_pdf", city_a, pk=decided.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert decided.title in pages[0]
    assert any(data["conditions"][0]["text"] in page for page in pages)
    assert f"1 / {len(pages)}" in pages[0]
    # Moments and the template as people write them, not as the JSON keeps them.
    assert data["exported_at"][:10] not in pages[0]
    assert "hria-dpia v1" not in " ".join(pages)
    dutch = pdf_pages(
        city_a.client_for("viewer")
        .get(url("export_pdf", city_a, pk=decided.pk), HTTP_ACCEPT_LANGUAGE="nl")
        .content
    )
    assert "versie 1" in " ".join(dutch)


def test_repository_filters(city_a):
    low = advance(city_a, new_assessment(city_a, title="Bins"), "decided", likelihood=1, severity=1)
    high = new_assessment(city_a, title="Fraud model")
    services.add_risk(
        high,
        city_a.users["editor"],
        {
            "right": "equality",
            "description": "Bias against migrants.",
            "likelihood": 4,
            "severity": 4,
        },
    )
    viewer = city_a.client_for("viewer")

    def titles(query: str) -> set[str]:
        page = viewer.get(url("list", city_a) + query)
        assert page.status_code == 200
        return {a.title for a in page.context["page"].object_list}

    assert titles("") == {"Bins", "Fraud model"}
    assert titles("?risk=high") == {"Fraud model"}
    assert titles("?status=decided") == {"Bins"}
    assert titles("?decision=approve") == {"Bins"}
    assert titles("?right=equality") == {"Fraud model"}
    assert titles("?q=migrants") == {"Fraud model"}
    assert titles(f"?department={city_a.department.pk}") == {"Bins", "Fraud model"}
    assert titles("?status=nonsense") == {"Bins", "Fraud model"}
    assert low.pk != high.pk


def test_procurement_checklist(city_a):
    entry = make_entry(city_a)
    checklist = services.latest_checklist().checklist
    first, second = checklist.requirements[0].key, checklist.requirements[1].key
    editor = city_a.client_for("editor")
    data = {
        "tender_en": "Sensor tender",
        "reference": "T-9",
        "department": "",
        "entry": entry.pk,
        "public": "on",
        f"{first}-included": "yes",
        f"{second}-included": "no",
        f"{second}-reason-en": "",
    }
    response = editor.post(url("procurement_new", city_a), data)
    assert response.status_code == 422
    assert f'id="id_{second}-reason-en_errors"' in response.content.decode()
    data[f"{second}-reason-en"] = "The supplier's hardware has no such option."
    response = editor.post(url("procurement_new", city_a), data)
    assert response.status_code == 302
    procurement = Procurement.objects.get()
    assert procurement.answers[second] == {
        "included": False,
        "reasons": {"en": "The supplier's hardware has no such option."},
    }
    body = city_a.client_for("viewer").get(procurement.get_absolute_url()).content.decode()
    assert "The supplier&#x27;s hardware has no such option." in body


# --------------------------------------------------------------------------------------
# Public pages
# --------------------------------------------------------------------------------------


def test_only_published_summaries_are_public(city_a, decided):
    summary = services.save_summary(decided, city_a.users["editor"], "Draft words.")
    anonymous = Client()
    assert anonymous.get(url("public_detail", city_a, pk=decided.pk)).status_code == 404
    services.approve_summary(summary, city_a.users["reviewer"], publish=False)
    assert anonymous.get(url("public_detail", city_a, pk=decided.pk)).status_code == 404
    services.approve_summary(summary, city_a.users["reviewer"], publish=True)
    response = anonymous.get(url("public_list", city_a))
    assert response.status_code == 200 and decided.title in response.content.decode()
    # Nothing else of the assessment leaks: no risks, conditions or comments.
    body = anonymous.get(url("public_detail", city_a, pk=decided.pk)).content.decode()
    assert "Number plates are kept too long." not in body
    assert "Delete plates after 24 hours." not in body


def test_public_pages_of_a_private_city_are_hidden(city_a, decided):
    city_a.city.is_public = False
    city_a.city.save()
    assert Client().get(url("public_list", city_a)).status_code == 404


def test_register_entry_pages_show_status_summary_and_checklist(city_a):
    entry = make_entry(city_a, name="Fraud model", risk="high")
    assessment = advance(city_a, new_assessment(city_a, entry=entry), "decided", decision="on_hold")
    summary = services.save_summary(assessment, city_a.users["editor"], "On hold for now.")
    from django.test import RequestFactory

    from cityrights.core.registry import registry

    request = RequestFactory().get("/")
    request.user = city_a.users["viewer"]
    public = registry.fill_slot("register.entry.public", request, entry)
    assert [s.context["latest"] for s in public] == [assessment]
    assert public[0].context["summary"] is None  # not approved yet
    services.approve_summary(summary, city_a.users["reviewer"], publish=True)
    public = registry.fill_slot("register.entry.public", request, entry)
    assert public[0].context["summary"].text == "On hold for now."
    staff = registry.fill_slot("register.entry.staff", request, entry)
    assert staff[0].context["flagged"] is True


def test_a_risk_is_changed_mitigated_and_deleted_each_by_its_own_form(city_a):
    assessment = new_assessment(city_a)
    item = services.add_risk(
        assessment,
        city_a.users["editor"],
        {"right": "privacy", "description": "Plates kept.", "likelihood": 2, "severity": 2},
    )
    editor = city_a.client_for("editor")
    page = url("risk", city_a, pk=assessment.pk, risk_pk=item.pk)
    html = editor.get(page).content.decode()
    for name in ("risk", "risk_mitigate", "risk_delete"):
        assert f'action="{url(name, city_a, pk=assessment.pk, risk_pk=item.pk)}"' in html
    changed = {"right": "privacy", "description": "Plates kept a year.", "likelihood": "3"}
    assert editor.post(page, {**changed, "severity": "9"}).status_code == 422
    assert editor.post(page, {**changed, "severity": "2"})["Location"] == page
    item.refresh_from_db()
    assert (item.description, item.likelihood) == ("Plates kept a year.", 3)
    mitigate = url("risk_mitigate", city_a, pk=assessment.pk, risk_pk=item.pk)
    response = editor.post(mitigate, {"new-action": "Delete after a month.", "new-status": "x"})
    assert response.status_code == 422 and "owner" in response.context["mitigation_form"].errors
    response = editor.post(
        mitigate,
        {"new-action": "Delete after a month.", "new-owner": "Mobility", "new-status": "planned"},
    )
    assert response["Location"] == page + "#feedback-mitigations"
    assert item.mitigations.get().owner == "Mobility"
    response = editor.post(url("risk_delete", city_a, pk=assessment.pk, risk_pk=item.pk))
    assert response["Location"] == url("risks", city_a, pk=assessment.pk)
    assert not assessment.risks.exists()


def test_a_decided_assessment_keeps_its_risks(city_a, decided):
    item = decided.risks.get()
    editor = city_a.client_for("editor")
    page = url("risk", city_a, pk=decided.pk, risk_pk=item.pk)
    data = {"right": "privacy", "description": "Changed.", "likelihood": "1", "severity": "1"}
    assert editor.post(page, data).status_code == 409
    assert (
        editor.post(url("risk_delete", city_a, pk=decided.pk, risk_pk=item.pk)).status_code == 409
    )
    assert decided.risks.get().description != "Changed."


def test_an_empty_section_comment_is_refused_on_the_section_page(city_a):
    assessment = new_assessment(city_a)
    response = city_a.client_for("reviewer").post(
        url("section_comment", city_a, pk=assessment.pk, key="necessity"), {"comment-body": ""}
    )
    assert response.status_code == 422
    assert response.context["comment_form"].errors["body"]
    assert response.context["section"].key == "necessity"
    assert not assessment.comments.exists()
