"""The principles' versions, actions linked through core.registry, the loop with a
consultation, the initiatives by role, the API and the yearly figures."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from cityrights.assessment.models import RoadmapAction
from cityrights.core.registry import registry
from cityrights.participation import principles, selectors, services
from cityrights.participation.models import CitizenRole, Outcome, Phase, PrincipleAction
from cityrights.participation.roles import roles

from ..capacity.conftest import new_programme
from .conftest import make_consultation

pytestmark = pytest.mark.django_db


def _adopted(city_fixture):
    admin = city_fixture.users["admin"]
    version = principles.new_version(organisation=city_fixture.city, actor=admin)
    principles.update_version(version=version, actor=admin, values={"title_en": "Our principles"})
    section = principles.save_section(
        version=version, actor=admin, values={"title_en": "Transparency"}
    )
    principles.save_principle(
        section=section,
        actor=admin,
        values={
            "key": "register",
            "title_en": "A public register",
            "text_en": "We publish our systems.",
        },
    )
    principles.save_principle(
        section=section, actor=admin, values={"key": "decide", "title_en": "A person decides"}
    )
    principles.add_step(
        version=version, actor=admin, decided_on=date(2024, 3, 1), body={"en": "Board"}
    )
    principles.adopt(
        version=version,
        actor=city_fixture.users["reviewer"],
        adopted_on=date(2024, 4, 1),
        adopted_by={"en": "Council"},
    )
    return version


def test_an_adopted_version_never_changes_and_unimplemented_principles_are_flagged(city_a):
    version = _adopted(city_a)
    admin = city_a.users["admin"]
    with pytest.raises(services.ParticipationError, match="never changes"):
        principles.update_version(version=version, actor=admin, values={"title_en": "Other"})
    assert [p.key for p in selectors.principles_without_action(city_a.city)] == [
        "register",
        "decide",
    ]
    action = RoadmapAction.objects.create(organisation=city_a.city, title_en="Train reviewers")
    principles.add_action(
        organisation=city_a.city,
        actor=admin,
        principle_key="decide",
        description={"en": "Training"},
        kind="assessment.roadmap_action",
        record_id=str(action.pk),
    )
    assert [p.key for p in selectors.principles_without_action(city_a.city)] == ["register"]
    dashboard = city_a.client_for("viewer").get("/manage/city-a/").content.decode()
    assert "has no implementing action" in dashboard and "A public register" in dashboard


def test_links_to_other_cities_or_unknown_kinds_are_refused(city_a, city_b):
    _adopted(city_a)
    foreign = RoadmapAction.objects.create(organisation=city_b.city, title_en="Not ours")
    with pytest.raises(services.ParticipationError, match="no such record"):
        principles.add_action(
            organisation=city_a.city,
            actor=city_a.users["admin"],
            principle_key="decide",
            description={},
            kind="assessment.roadmap_action",
            record_id=str(foreign.pk),
        )
    with pytest.raises(services.ParticipationError, match="kind of record"):
        principles.add_action(
            organisation=city_a.city,
            actor=city_a.users["admin"],
            principle_key="decide",
            description={},
            kind="nothing.here",
            record_id="1",
        )
    assert not PrincipleAction.objects.exists()


def test_an_action_links_a_training_programme_named_publicly_once_it_is_open(city_a, city_b):
    from cityrights.capacity import services as capacity

    _adopted(city_a)
    admin = city_a.users["admin"]
    draft = capacity.create_programme(
        organisation=city_a.city,
        actor=admin,
        title={"en": "Rights workshops (draft)"},
        certificate_text={"en": "Took part in the workshops."},
        audience="residents",
    )
    workshops = new_programme(city_a, modules=1, audience="residents")
    kind = registry.linkable_kind("capacity.programme")
    assert kind is not None
    assert (str(workshops.pk), str(workshops)) in kind.choices(city_a.city)
    assert kind.resolve(city_b.city, str(workshops.pk)) is None
    assert kind.resolve(city_a.city, "x") is None
    for key, programme in (("decide", workshops), ("register", draft)):
        principles.add_action(
            organisation=city_a.city,
            actor=admin,
            principle_key=key,
            description={},
            kind="capacity.programme",
            record_id=str(programme.pk),
        )
    assert selectors.principles_without_action(city_a.city) == []
    staff = city_a.client_for("viewer").get(
        "/manage/city-a/participation/principles/actions/register/"
    )
    assert f"/manage/city-a/capacity/programmes/{draft.pk}/" in staff.content.decode()
    public = Client().get("/cities/city-a/participation/principles/").content.decode()
    assert f"/cities/city-a/capacity/programmes/{workshops.pk}/" in public
    assert str(workshops) in public
    assert f"/capacity/programmes/{draft.pk}/" not in public and "(draft)" not in public
    foreign = capacity.create_programme(
        organisation=city_b.city,
        actor=city_b.users["admin"],
        title={"en": "Not ours"},
        certificate_text={"en": "Other city."},
        audience="residents",
    )
    with pytest.raises(services.ParticipationError, match="no such record"):
        principles.add_action(
            organisation=city_a.city,
            actor=admin,
            principle_key="register",
            description={},
            kind="capacity.programme",
            record_id=str(foreign.pk),
        )


def test_a_consultation_on_the_principles_becomes_their_next_version(city_a, resident):
    version = _adopted(city_a)
    admin = city_a.users["admin"]
    principles.add_action(
        organisation=city_a.city,
        actor=admin,
        principle_key="register",
        description={"en": "The register app"},
    )
    consultation = principles.start_review(
        organisation=city_a.city, actor=admin, values={"slug": "review", "title_en": "Review"}
    )
    draft = consultation.versions.get(number=1)
    assert sorted(draft.sections.values_list("key", flat=True)) == ["decide", "register"]
    services.publish_version(version=draft, actor=admin)
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.DISCUSSION)
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.CLOSED)
    final = services.new_version(consultation=consultation, actor=admin)
    section = final.sections.get(key="decide")
    services.save_section(
        version=final, actor=admin, section=section, values={"body_en": "A person decides, always."}
    )
    services.publish_version(version=final, actor=admin, final=True)
    with pytest.raises(services.ParticipationError, match="final text first"):
        principles.from_consultation(consultation=consultation, actor=admin)
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.FINAL)
    second = principles.from_consultation(consultation=consultation, actor=admin)
    assert second.number == version.number + 1 and not second.is_adopted
    texts = {p.key: p.text_en for s in second.sections.all() for p in s.principles.all()}
    assert texts["decide"] == "A person decides, always."
    with pytest.raises(services.ParticipationError, match="already made"):
        principles.from_consultation(consultation=consultation, actor=admin)
    principles.adopt(
        version=second,
        actor=city_a.users["reviewer"],
        adopted_on=date(2026, 1, 1),
        adopted_by={"en": "Council"},
    )
    page = Client().get("/cities/city-a/participation/principles/").content.decode()
    assert (
        "A person decides, always." in page and "The register app" in page
    )  # the action carried over
    assert Client().get("/cities/city-a/participation/principles/1/").status_code == 200


def test_initiatives_need_a_role_and_are_counted_per_role(city_a):
    admin = city_a.users["admin"]
    with pytest.raises(services.ParticipationError, match="at least one role"):
        principles.save_initiative(
            organisation=city_a.city, actor=admin, roles=[], values={"slug": "x", "title_en": "X"}
        )
    principles.save_initiative(
        organisation=city_a.city,
        actor=admin,
        roles=[CitizenRole.DATA_COLLECTOR, CitizenRole.DATA_REUSER],
        values={
            "slug": "air",
            "title_en": "Air sensing",
            "starts_on": date(2025, 1, 1),
            "is_public": True,
        },
    )
    principles.save_initiative(
        organisation=city_a.city,
        actor=admin,
        roles=[CitizenRole.DATA_COLLECTOR],
        values={"slug": "hidden", "title_en": "Internal", "is_public": False},
    )
    counts = {value: n for value, _label, n in selectors.role_counts(city_a.city)}
    assert counts[CitizenRole.DATA_COLLECTOR] == 1 and counts[CitizenRole.DATA_REUSER] == 1
    page = (
        Client().get("/cities/city-a/participation/initiatives/?role=data-reuser").content.decode()
    )
    assert "Air sensing" in page and "Internal" not in page and "<svg" in page
    assert Client().get("/cities/city-a/participation/initiatives/?role=bogus").status_code == 400
    assert Client().get("/cities/city-a/participation/initiatives/hidden/").status_code == 404
    assert selectors.initiatives_per_role(city_a.city, 2025)[CitizenRole.DATA_COLLECTOR] == 1


def test_the_roles_are_explained_in_three_languages():
    assert [r.key for r in roles()] == list(CitizenRole.values)
    for role in roles():
        assert {"en", "fr", "nl"} <= set(role.explanation) and {"en", "fr", "nl"} <= set(role.title)


def test_the_public_api_reads_consultations_comments_principles_and_initiatives(city_a, resident):
    consultation = make_consultation(city_a, anonymous=True)
    section = consultation.versions.get(number=1).sections.first()
    from cityrights.participation import contributions

    contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(user=resident),
        body="API comment",
    )
    contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(email="x@example.org"),
        body="Pending",
    )
    client = Client()
    listed = client.get("/api/v1/participation/city-a/consultations").json()
    assert [c["slug"] for c in listed] == ["declaration"]
    detail = client.get("/api/v1/participation/city-a/consultations/declaration").json()
    assert detail["versions"][0]["sections"][0]["body"]["fr"]
    comments = client.get("/api/v1/participation/city-a/consultations/declaration/comments").json()
    assert [c["text"] for c in comments["comments"]] == ["API comment"]
    assert resident.email not in str(comments) and "Rita" not in str(comments)
    bad = client.get("/api/v1/participation/city-a/consultations/declaration/comments?page_size=0")
    assert bad.status_code == 422 and bad.json()["error"] == "invalid"
    assert client.get("/api/v1/participation/city-a/principles").status_code == 404
    _adopted(city_a)
    assert (
        client.get("/api/v1/participation/city-a/principles").json()["sections"][0]["principles"][
            0
        ]["key"]
        == "register"
    )
    assert client.get("/api/v1/participation/city-a/initiatives?role=nope").status_code == 422
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/participation/{org}/consultations/{slug}/comments" in schema["paths"]


def test_yearly_figures_count_comments_and_answers(city_a, resident):
    consultation = make_consultation(city_a)
    admin = city_a.users["admin"]
    from cityrights.participation import contributions

    section = consultation.versions.get(number=1).sections.first()
    comment, _ = contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(user=resident),
        body="One",
    )
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.CLOSED)
    services.set_outcome(comment=comment, actor=admin, outcome=Outcome.TAKEN_UP, reason={})
    services.save_response_intro(consultation=consultation, actor=admin, intro={"en": "Thanks"})
    services.publish_response(consultation=consultation, actor=admin)
    year = comment.created_at.year
    figures = selectors.yearly_figures(city_a.city, year)
    assert figures["consultations_held"] == 1
    assert figures["comments_received"] == 1 and figures["comments_answered"] == 1
