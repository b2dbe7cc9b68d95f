"""Results pages, the public scale, the coalition benchmark, the roadmap and the demo."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cityrights.assessment import selectors, services
from cityrights.assessment.models import AssessmentCycle, CoalitionSharing, RoadmapAction
from cityrights.core.models import AuditEvent, Membership, Organisation, Role, User

from .conftest import answer_all, validated_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(city_a, version):
    admin = city_a.users["admin"]
    old = validated_cycle(city_a.city, version, 2024, admin, value=2)
    new = services.open_cycle(city_a.city, 2025, version, admin)
    answer_all(new, admin, 3)
    services.save_answers(
        new,
        admin,
        [
            services.AnswerInput("inc-f-1", "dont_know"),
            services.AnswerInput("inc-f-2", "not_applicable"),
        ],
    )
    services.submit(new, admin)
    services.validate(AssessmentCycle.objects.get(pk=new.pk), city_a.users["reviewer"])
    return old, AssessmentCycle.objects.get(pk=new.pk)


def test_results_page_content(city_a, two_years):
    html = (
        city_a.client_for("viewer")
        .get(reverse("assessment:results", kwargs={"org": "city-a", "year": 2025}))
        .content.decode()
    )
    for text in [
        "Thematic areas",
        "Score per thematic area (0 to 100)",
        "Areas and pillars",
        "Strengths",
        "Largest gaps",
        "Recommendations, largest gap first",
        "Recommendations by mechanism of the Guide",
        "Indicator",
        "How it is measured",
        "Coverage",
        "Change per cell since 2024",
        "Digital inclusion, equality and equity",
        "Developing",
    ]:
        assert text in html, text
    assert "+25" in html  # every cell rose from level 2 to level 3
    assert "1 don't know, 1 not applicable" in html
    assert 'scope="col"' in html and "<caption>" in html


def test_no_previous_cycle_means_no_change_table(city_a, cycle):
    answer_all(cycle, city_a.users["admin"], 4)
    html = (
        city_a.client_for("viewer")
        .get(reverse("assessment:results", kwargs={"org": "city-a", "year": 2025}))
        .content.decode()
    )
    assert "Change per cell since" not in html
    assert "Provisional" in html


def test_public_results_and_city_home(city_a, two_years):
    old, new = two_years
    admin = city_a.users["admin"]
    services.set_published(new, admin, True)
    html = (
        Client()
        .get(reverse("assessment:public_results", kwargs={"org": "city-a"}))
        .content.decode()
    )
    assert "How mature is City A on digital rights? (2025)" in html
    assert "Add to the roadmap" not in html
    # The previous year is not published: no comparison shown publicly.
    assert "Change per cell since" not in html
    services.set_published(old, admin, True)
    html = (
        Client()
        .get(reverse("assessment:public_results", kwargs={"org": "city-a"}))
        .content.decode()
    )
    assert "Change per cell since 2024" in html
    home = Client().get("/cities/city-a/").content.decode()
    assert "Digital-rights maturity 2025" in home


def test_scale_page_lists_levels_and_bands(city_a, version):
    html = (
        Client().get(reverse("assessment:public_scale", kwargs={"org": "city-a"})).content.decode()
    )
    for level in ["Absent", "Initial", "Developing", "Established", "Leading"]:
        assert level in html
    assert "12.5 to under 37.5 points: read as Initial." in html
    fr = (
        Client()
        .get(
            reverse("assessment:public_scale", kwargs={"org": "city-a"}), HTTP_ACCEPT_LANGUAGE="fr"
        )
        .content.decode()
    )
    assert "Exemplaire" in fr


def make_coalition_members(version, count: int, coalition: Organisation) -> None:
    for index in range(count):
        city = Organisation.objects.create(slug=f"peer-{index}", name=f"Peer {index}", kind="city")
        admin = User.objects.create_user(f"admin@peer-{index}.example", "x" * 12)
        Membership.objects.create(user=admin, organisation=city, role=Role.ADMIN)
        validated_cycle(city, version, 2025, admin, value=1 + index % 5)
        CoalitionSharing.objects.create(city=city, coalition=coalition)


def test_benchmark_is_withheld_below_five_cities(city_a, two_years, version):
    coalition = Organisation.objects.create(slug="coal", name="Coalition", kind="coalition")
    services.share_with(city_a.city, coalition, city_a.users["admin"])
    make_coalition_members(version, 3, coalition)
    bench = selectors.coalition_benchmark(coalition)
    assert bench.cities == 4 and not bench.shown
    assert all(stat.median is None for stat in bench.stats.values())
    html = (
        city_a.client_for("viewer")
        .get(reverse("assessment:coalition", kwargs={"org": "city-a"}))
        .content.decode()
    )
    assert "figures appear from 5 cities on" in html
    assert "Peer 0" not in html


def test_benchmark_with_five_cities_and_the_coalition_view(city_a, two_years, version):
    coalition = Organisation.objects.create(slug="coal", name="Coalition", kind="coalition")
    client = city_a.client_for("admin")
    client.post(
        reverse("assessment:coalition", kwargs={"org": "city-a"}), {"coalition": coalition.pk}
    )
    assert CoalitionSharing.objects.filter(city=city_a.city).exists()
    assert AuditEvent.objects.filter(action="share").exists()
    make_coalition_members(version, 4, coalition)
    bench = selectors.coalition_benchmark(coalition)
    assert bench.cities == 5 and bench.shown
    assert bench.stats[("inclusion", "foundations")].median is not None
    html = client.get(reverse("assessment:coalition", kwargs={"org": "city-a"})).content.decode()
    assert "5 cities contribute" in html and "Median" in html
    results = client.get(
        reverse("assessment:results", kwargs={"org": "city-a", "year": 2025})
    ).content.decode()
    assert "Coalition median" in results
    # The coalition's own members see each sharing city by name.
    secretariat = User.objects.create_user("sec@coal.example", "x" * 12)
    Membership.objects.create(user=secretariat, organisation=coalition, role=Role.VIEWER)
    member = Client()
    member.force_login(secretariat)
    page = member.get(reverse("assessment:coalition", kwargs={"org": "coal"})).content.decode()
    assert "City A" in page and "Peer 3" in page
    # A city that is not sharing is not listed, and only validated cycles count.
    client.post(
        reverse(
            "assessment:sharing_stop",
            kwargs={"org": "city-a", "pk": CoalitionSharing.objects.get(city=city_a.city).pk},
        )
    )
    page = member.get(reverse("assessment:coalition", kwargs={"org": "coal"})).content.decode()
    assert "City A" not in page
    assert selectors.coalition_benchmark(coalition).cities == 4


def test_sharing_only_with_a_coalition(city_a, city_b):
    with pytest.raises(services.AssessmentError):
        services.share_with(city_a.city, city_b.city, city_a.users["admin"])


def test_roadmap_from_a_recommendation(city_a, two_years):
    _old, new = two_years
    client = city_a.client_for("editor")
    view = selectors.result_of(new)
    cell = view.cells[("inclusion", "foundations")]
    rec = new.framework.framework.recommendations_for("inclusion", "foundations", cell.level)[0]
    url = reverse("assessment:action_new", kwargs={"org": "city-a"})
    form = client.get(url, {"cycle": 2025, "recommendation": rec.key}).content.decode()
    assert rec.title["en"] in form
    response = client.post(
        url,
        {
            "cycle": 2025,
            "recommendation": rec.key,
            "title_en": "Adopt the inclusion goals",
            "horizon": "medium",
            "status": "planned",
            "kpi_key": rec.kpis[0].key,
            "baseline": "10",
            "target": "50",
            "target_level": str(cell.level + 1),
            "due_date": "2026-06-30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    action = RoadmapAction.objects.get(title_en="Adopt the inclusion goals")
    assert action.recommendation == rec.key and action.kpi_name == rec.kpis[0].name["en"]
    assert action.start_level == cell.level
    detail = reverse("assessment:action", kwargs={"org": "city-a", "pk": action.pk})
    bad = client.post(
        reverse("assessment:action_measure", kwargs={"org": "city-a", "pk": action.pk}),
        {"date": "2999-01-01", "value": "x"},
    )
    assert bad.status_code == 400
    assert "cannot be in the future" in bad.content.decode()
    client.post(
        reverse("assessment:action_measure", kwargs={"org": "city-a", "pk": action.pk}),
        {"date": "2025-03-01", "value": "30"},
    )
    assert action.measurements.count() == 1
    assert action.progress() == pytest.approx(0.5)
    client.post(
        detail,
        {
            "title_en": "Adopt the inclusion goals",
            "horizon": "short",
            "status": "in_progress",
            "target_level": "9",
        },
    )
    action.refresh_from_db()
    assert action.status == "planned"  # target level 9 is off the scale: nothing saved
    client.post(
        detail,
        {
            "title_en": "Adopt the inclusion goals",
            "horizon": "short",
            "status": "in_progress",
            "kpi_key": rec.kpis[0].key,
            "baseline": "10",
            "target": "50",
        },
    )
    action.refresh_from_db()
    assert action.status == "in_progress" and action.horizon == "short"
    event = AuditEvent.objects.filter(action="update", object_id=str(action.pk)).first()
    assert event.changes["status"] == {"from": "planned", "to": "in_progress"}
    roadmap = client.get(reverse("assessment:roadmap", kwargs={"org": "city-a"})).content.decode()
    assert "Adopt the inclusion goals" in roadmap and "50 %" in roadmap
    client.post(detail, {"delete": "1"})
    assert not RoadmapAction.objects.filter(pk=action.pk).exists()


def test_demo_loads_twice_with_two_validated_cycles_an_open_one_and_a_benchmark(db):
    from cityrights.core import demo

    demo.load()
    context = demo.load()
    cycles = list(AssessmentCycle.objects.filter(organisation=context.city).order_by("year"))
    assert [c.status for c in cycles] == ["validated", "validated", "open"]
    last, this = (selectors.result_of(c) for c in cycles[:2])
    better = sum(1 for k in this.cells if (this.cells[k].score or 0) > (last.cells[k].score or 0))
    assert better >= 12
    assert this.coverage.dont_know > 0
    assert any(q.spread and q.spread >= 1 for q in this.questions.values())
    assert RoadmapAction.objects.filter(organisation=context.city).count() >= 4
    coalition = Organisation.objects.get(slug="cities-coalition-demo")
    assert selectors.coalition_benchmark(coalition).shown
    # Next year's cycle is open with answers in progress: some respondents started, none
    # finished, and every assigned section is there to answer.
    open_cycle = cycles[2]
    assert open_cycle.year == cycles[1].year + 1
    assert open_cycle.assignments.count() == cycles[1].assignments.count()
    started = set(open_cycle.responses.values_list("respondent__email", flat=True))
    assert {"sofia@demo-city.example", "omar@demo-city.example"} <= started
    coverage = selectors.result_of(open_cycle).coverage
    assert 0 < coverage.visible - coverage.unanswered < coverage.visible


def test_the_coalition_lists_its_cities_by_the_names_the_reader_reads(version):
    """Sorted by the name in the reader's language, accents aside, not by official name."""
    coalition = Organisation.objects.create(slug="coal", name="Coalition", kind="coalition")
    names = [
        ("Ixelles", {"local_name_nl": "Elsene"}),
        ("Bruxelles", {"local_name_nl": "Brussel"}),
        ("Écaussinnes", {}),
        ("Anderlecht", {}),
        ("Forest", {"local_name_nl": "Vorst"}),
    ]
    for index, (name, local) in enumerate(names):
        city = Organisation.objects.create(
            slug=f"peer-{index}",
            name=name,
            kind="city",
            default_language="fr",
            additional_languages="nl",
            **local,
        )
        admin = User.objects.create_user(f"admin@peer-{index}.example", "x" * 12)
        Membership.objects.create(user=admin, organisation=city, role=Role.ADMIN)
        validated_cycle(city, version, 2025, admin, value=3)
        CoalitionSharing.objects.create(city=city, coalition=coalition)

    def listed(language: str) -> list[str]:
        with translation.override(language):
            return [city.shown_name for city, _cycle in selectors.coalition_members_view(coalition)]

    assert listed("fr") == ["Anderlecht", "Bruxelles", "Écaussinnes", "Forest", "Ixelles"]
    assert listed("nl") == ["Anderlecht", "Brussel", "Écaussinnes", "Elsene", "Vorst"]
