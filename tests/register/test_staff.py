"""Staff pages: role matrix, cross-city isolation, forms with errors, the journey over HTTP."""

from __future__ import annotations

import pytest
from django.test import Client

from cityrights.core.models import AuditEvent
from cityrights.register.models import Entry, Location, State

from .conftest import make_entry

pytestmark = pytest.mark.django_db

ROLES = ["admin", "editor", "reviewer", "viewer"]
VIEW = set(ROLES)
EDIT = {"admin", "editor"}
REVIEW = {"admin", "reviewer"}

M = "/manage/city-a/register/"


def pages(entry: Entry, question_pk: int) -> dict[str, set[str]]:
    return {
        M: VIEW,
        M + "new/": EDIT,
        M + "questions/": VIEW,
        M + f"questions/{question_pk}/": VIEW,
        M + "import/": EDIT,
        M + "import/template.csv": EDIT,
        M + "import/template.xlsx": EDIT,
        M + "signs/": VIEW,
        M + f"{entry.pk}/": VIEW,
        M + f"{entry.pk}/edit/": EDIT,
        M + f"{entry.pk}/locations/{entry.locations.get().pk}/": EDIT,
    }


@pytest.fixture
def draft(city_a):
    return make_entry(city_a, state="draft", name="Draft sensor")


@pytest.fixture
def question(published):
    from cityrights.register.models import Question

    return Question.objects.create(
        organisation=published.organisation, entry=published, message="What is measured?"
    )


@pytest.mark.parametrize("role", ROLES)
def test_staff_page_role_matrix(city_a, draft, question, role):
    client = city_a.client_for(role)
    for url, allowed in pages(draft, question.pk).items():
        response = client.get(url)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, (url, role, response.status_code)


def test_anonymous_is_sent_to_login_and_resident_is_refused(city_a, draft, question, resident):
    anonymous = Client()
    resident_client = Client()
    resident_client.force_login(resident)
    for url in pages(draft, question.pk):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")
        assert resident_client.get(url).status_code == 403, url


def test_other_city_staff_are_refused_and_ids_do_not_cross(city_a, city_b, draft):
    assert city_b.client_for("admin").get(M + f"{draft.pk}/").status_code == 403
    other = make_entry(city_b, state="draft", name="B sensor")
    client = city_a.client_for("admin")
    assert client.get(M + f"{other.pk}/").status_code == 404
    assert client.post(M + f"{other.pk}/submit/").status_code == 404
    assert client.get(M + f"{draft.pk}/locations/{other.locations.get().pk}/").status_code == 404


ACTIONS = {
    "submit": EDIT,
    "revise": EDIT,
    "delete": EDIT,
    "publish": REVIEW,
    "send-back": REVIEW,
    "withdraw": REVIEW,
    "locations": EDIT,
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_workflow_posts_need_the_capability(city_a, draft, role, action):
    response = city_a.client_for(role).post(M + f"{draft.pk}/{action}/", {})
    if role in ACTIONS[action]:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403


def test_workflow_posts_refuse_get(city_a, draft):
    assert city_a.client_for("admin").get(M + f"{draft.pk}/submit/").status_code == 405


def form_data(department, **extra):
    data = {
        "kind": "sensor",
        "name_en": "Noise sensor on Quay Street",
        "summary_en": "Measures how loud it is at night.",
        "department": department.pk,
        "status": "pilot",
        "automation_level": "none",
        "risk_level": "low",
        "purposes": ["https://w3id.org/dpv#PublicBenefit"],
        "areas": ["public_goods"],
        "dataset_links": "https://data.example.org/noise",
    }
    data.update(extra)
    return data


def test_form_errors_are_shown_next_to_fields(city_a):
    client = city_a.client_for("editor")
    response = client.post(
        M + "new/",
        form_data(
            city_a.department,
            name_en="",
            purposes=["https://w3id.org/dpv#NoSuchPurpose"],
            dataset_links="not a link",
            source_code_url="javascript:alert(1)",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_name_en_errors"' in html
    assert 'id="id_purposes_errors"' in html
    assert "is not a web address" in html
    assert 'id="id_source_code_url_errors"' in html
    assert not Entry.objects.exists()


def test_journey_over_http(city_a):
    editor = city_a.client_for("editor")
    response = editor.post(M + "new/", form_data(city_a.department))
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.dataset_urls == ["https://data.example.org/noise"]
    bad = editor.post(
        M + f"{entry.pk}/locations/", {"description_en": "Quay", "latitude": "95", "longitude": "4"}
    )
    assert bad.status_code == 200
    assert "latitude" in bad.content.decode().lower()
    assert not Location.objects.exists()
    editor.post(
        M + f"{entry.pk}/locations/",
        {"description_en": "Quay Street 4", "latitude": "50.85", "longitude": "4.35"},
    )
    assert Location.objects.count() == 1
    editor.post(M + f"{entry.pk}/submit/")
    entry.refresh_from_db()
    assert entry.state == State.IN_REVIEW
    # The editor cannot publish, the reviewer can.
    assert editor.post(M + f"{entry.pk}/publish/").status_code == 403
    reviewer = city_a.client_for("reviewer")
    page = reviewer.get(M + f"{entry.pk}/").content.decode()
    assert "Publish" in page
    reviewer.post(M + f"{entry.pk}/publish/", {"publish-text": "Pilot starts."})
    entry.refresh_from_db()
    assert entry.state == State.PUBLISHED
    assert entry.versions.get().change_summary == "Pilot starts."
    public = Client().get(f"/cities/city-a/register/{entry.code}/").content.decode()
    assert "Noise sensor on Quay Street" in public
    assert "Pilot starts." in public
    assert AuditEvent.objects.filter(organisation=city_a.city, action="publish").exists()


def test_admin_who_wrote_entry_sees_why_they_cannot_publish(city_a):
    admin = city_a.client_for("admin")
    admin.post(M + "new/", form_data(city_a.department, kind="service"))
    entry = Entry.objects.get()
    admin.post(M + f"{entry.pk}/submit/")
    page = admin.get(M + f"{entry.pk}/").content.decode()
    assert "another reviewer has to publish it" in page
    response = admin.post(M + f"{entry.pk}/publish/", follow=True)
    assert "another reviewer" in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == State.IN_REVIEW


def test_revise_and_publish_over_http_keeps_the_short_url(city_a, published):
    editor = city_a.client_for("editor")
    response = editor.post(M + f"{published.pk}/revise/")
    revision = Entry.objects.get(revision_of=published)
    assert response["Location"] == M + f"{revision.pk}/"
    data = form_data(city_a.department, name_en="Renamed camera", kind="sensor")
    assert editor.post(M + f"{revision.pk}/edit/", data).status_code == 302
    editor.post(M + f"{revision.pk}/submit/")
    city_a.client_for("reviewer").post(M + f"{revision.pk}/publish/", {"publish-text": "New name"})
    response = Client().get(f"/r/{published.code}", follow=True)
    assert "Renamed camera" in response.content.decode()


def test_send_back_and_withdraw_over_http(city_a):
    entry = make_entry(city_a, state="in_review")
    reviewer = city_a.client_for("reviewer")
    reviewer.post(M + f"{entry.pk}/send-back/", {"back-text": ""})
    entry.refresh_from_db()
    assert entry.state == State.IN_REVIEW  # a note is required
    reviewer.post(M + f"{entry.pk}/send-back/", {"back-text": "Add the retention."})
    entry.refresh_from_db()
    assert entry.state == State.DRAFT
    dashboard = city_a.client_for("editor").get("/manage/city-a/").content.decode()
    assert "sent back" in dashboard
    city_a.client_for("editor").post(M + f"{entry.pk}/submit/")
    reviewer.post(M + f"{entry.pk}/publish/")
    reviewer.post(M + f"{entry.pk}/withdraw/", {"retire-text": "Switched off."})
    entry.refresh_from_db()
    assert entry.state == State.RETIRED


def test_dashboard_panels_per_role(city_a):
    make_entry(city_a, state="in_review", name="Waiting sensor")
    make_entry(city_a, state="draft", name="My draft sensor")
    editor = city_a.client_for("editor").get("/manage/city-a/").content.decode()
    assert "My draft sensor" in editor
    assert "Waiting for your review" not in editor
    reviewer = city_a.client_for("reviewer").get("/manage/city-a/").content.decode()
    assert "Waiting sensor" in reviewer
    assert "My drafts" not in reviewer
    assert "/manage/city-a/register/" in reviewer  # the navigation link
    viewer = city_a.client_for("viewer").get("/manage/city-a/").content.decode()
    assert "Transparency register" in viewer


def test_city_home_shows_the_register_once_something_is_published(city_a):
    assert "Transparency register" not in Client().get("/cities/city-a/").content.decode()
    make_entry(city_a)
    home = Client().get("/cities/city-a/").content.decode()
    assert "Transparency register" in home
    assert "/cities/city-a/register/map/" in home


def test_staff_list_filters(city_a):
    make_entry(city_a, state="draft", name="Alpha draft")
    make_entry(city_a, name="Beta published")
    client = city_a.client_for("viewer")
    html = client.get(M + "?state=draft").content.decode()
    assert "Alpha draft" in html
    assert "Beta published" not in html
    assert "Beta published" in client.get(M + "?q=beta").content.decode()


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [("95", "4", "latitude"), ("50.8", "-181", "longitude"), ("north", "4", "latitude")],
)
def test_a_bad_coordinate_gets_one_error_next_to_its_field(city_a, latitude, longitude, field):
    """Not a second, unplaced copy of the same complaint at the top of the form."""
    entry = make_entry(city_a, state="draft", locations=0)
    response = city_a.client_for("editor").post(
        M + f"{entry.pk}/locations/",
        {"description_en": "Quay", "latitude": latitude, "longitude": longitude},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert len(form.errors[field]) == 1
    assert not Location.objects.exists()


def test_coordinates_pasted_from_a_map_are_rounded_not_refused(city_a):
    entry = make_entry(city_a, state="draft", locations=0)
    response = city_a.client_for("editor").post(
        M + f"{entry.pk}/locations/",
        {"description_en": "Quay", "latitude": "50.88512345678", "longitude": "4.310123456"},
    )
    assert response.status_code == 302
    location = Location.objects.get()
    assert str(location.latitude) == "50.885123"
    assert str(location.longitude) == "4.310123"


def test_an_algorithm_s_facts_go_from_the_form_to_its_page_and_the_standards(city_a):
    from cityrights.register import exports, selectors, standards

    editor = city_a.client_for("editor")
    facts = {
        "domain": "traffic",
        "algorithm_type": "self_learning",
        "use_type": "predictive",
        "decision_making_process_en": "Guidance on the parking signs.",
        "proportionality_en": "Less traffic searching for a place.",
        "training_data_en": "Thirteen months of occupancy.",
        "data_connections_en": "The parking payment system.",
        "monitoring_en": "Error measured every day.",
        "objection_procedure_en": "Complaints to the mobility department.",
    }
    data = form_data(city_a.department, kind="algorithm", **facts)
    assert editor.post(M + "new/", data).status_code == 302
    entry = Entry.objects.get()
    assert (entry.domain, entry.algorithm_type, entry.use_type) == (
        "traffic",
        "self_learning",
        "predictive",
    )
    editor.post(M + f"{entry.pk}/submit/")
    city_a.client_for("reviewer").post(M + f"{entry.pk}/publish/", {"publish-text": "First."})
    public = Client().get(f"/cities/city-a/register/{entry.code}/").content.decode()
    assert "Complaints to the mobility department." in public
    assert "Predicts what will happen" in public

    (record,) = exports.export_standard(selectors.listed_records(city_a.city), "eurocities")
    ours = {"domain", "algorithm_type", "type", "training_data", "monitoring", "risks"}
    ours |= {"decision_making_process", "proportionality", "objection_procedure"}
    problems = standards.check(standards.EUROCITIES, record)
    assert [p for p in problems if p.split(":")[0] in ours | {"connected_data_sources"}] == []
    assert record["domain"] == "traffic and transportation"
    assert record["algorithm_type"] == "self-learning"
    assert record["type"] == "predictive"
    assert record["objection_procedure"] == "Complaints to the mobility department."
    assert record["connected_data_sources"] == (
        "The parking payment system. | https://data.example.org/noise"
    )
    assert record["risks"].startswith("No impact assessment of this algorithm has been decided.")
