"""Draft, approval by someone else, publication: signed, frozen, corrected by a new version."""

from __future__ import annotations

import hashlib
import json

import jwt
import pytest
from django.utils import timezone

from cityrights.core import signing
from cityrights.core.models import AuditEvent
from cityrights.register.models import Entry
from cityrights.reporting import content, services
from cityrights.reporting.models import AnnualReport, FrozenReportError, SectionCommentary

from .conftest import YEAR, at


def _entry(city_a, name, published):
    return Entry.objects.create(
        organisation=city_a.city,
        kind="sensor",
        name_en=name,
        summary_en="Counts bicycles.",
        department=city_a.department,
        state="published",
        published_at=published,
        version=1,
    )


def _texts(report, actor, languages=("en",)):
    return services.update_texts(
        report=report,
        actor=actor,
        foreword={code: f"Foreword in {code}." for code in languages},
        commentaries={"transparency": {code: f"Commentary in {code}." for code in languages}},
    )


def _published(city_a):
    users = city_a.users
    report = services.generate_draft(organisation=city_a.city, year=YEAR, actor=users["editor"])
    _texts(report, users["editor"])
    report = services.approve(report=report, actor=users["reviewer"])
    return services.publish(report=report, actor=users["reviewer"])


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_only_staff_who_edit_generate_a_draft(city_a, role):
    with pytest.raises(services.ReportError) as refused:
        services.generate_draft(organisation=city_a.city, year=YEAR, actor=city_a.users[role])
    assert refused.value.status == 403
    assert not AnnualReport.objects.exists()


def test_a_draft_takes_every_section_in_every_city_language(city_a):
    city_a.city.additional_languages = "fr,nl"
    city_a.city.save()
    _entry(city_a, "Counter", at(YEAR, 5, 1))
    report = services.generate_draft(
        organisation=city_a.city, year=YEAR, actor=city_a.users["editor"]
    )
    assert list(report.sections) == ["en", "fr", "nl"]
    titles = {code: [s["title"] for s in sections] for code, sections in report.sections.items()}
    assert titles["en"][2] == "Transparency register"
    assert titles["fr"][2] == "Registre de transparence"
    assert titles["nl"][2] == "Transparantieregister"
    values = {code: [s["figures"] for s in sections] for code, sections in report.sections.items()}
    numbers = {code: [[f["value"] for f in figs] for figs in v] for code, v in values.items()}
    assert numbers["en"] == numbers["fr"] == numbers["nl"]  # the same figures in every language


@pytest.mark.parametrize(("year", "status"), [(1999, 422), (timezone.localdate().year + 1, 422)])
def test_a_year_outside_the_past_is_refused(city_a, year, status):
    with pytest.raises(services.ReportError) as refused:
        services.generate_draft(organisation=city_a.city, year=year, actor=city_a.users["editor"])
    assert (refused.value.status, refused.value.field) == (status, "year")


def test_one_version_at_a_time_and_no_second_first_version(city_a):
    editor = city_a.users["editor"]
    services.generate_draft(organisation=city_a.city, year=YEAR, actor=editor)
    with pytest.raises(services.ReportError) as refused:
        services.generate_draft(organisation=city_a.city, year=YEAR, actor=editor)
    assert refused.value.status == 409


@pytest.mark.parametrize("approver", ["editor", "admin"])
def test_nobody_who_took_part_approves(city_a, approver):
    users = city_a.users
    report = services.generate_draft(organisation=city_a.city, year=YEAR, actor=users["editor"])
    _texts(report, users["admin"])  # the administrator wrote the texts
    if approver == "editor":
        with pytest.raises(services.ReportError) as refused:
            services.approve(report=report, actor=users["editor"])
        assert refused.value.status == 403  # no review capability at all
    else:
        with pytest.raises(services.ReportError) as refused:
            services.approve(report=report, actor=users["admin"])
        assert refused.value.status == 403
        assert refused.value.code == "separation_of_duties"
    assert services.approve(report=report, actor=users["reviewer"]).is_approved


def test_a_reviewer_who_took_the_figures_again_may_not_approve(city_a):
    users = city_a.users
    report = services.generate_draft(organisation=city_a.city, year=YEAR, actor=users["admin"])
    _texts(report, users["admin"])
    services.refresh_figures(report=report, actor=users["admin"])
    with pytest.raises(services.ReportError) as refused:
        services.approve(report=report, actor=users["admin"])
    assert refused.value.code == "separation_of_duties"


def test_approval_waits_for_every_city_language(city_a):
    city_a.city.additional_languages = "fr"
    city_a.city.save()
    users = city_a.users
    report = services.generate_draft(organisation=city_a.city, year=YEAR, actor=users["editor"])
    with pytest.raises(services.ReportError) as refused:
        services.approve(report=report, actor=users["reviewer"])
    assert refused.value.status == 422 and "foreword is empty" in refused.value.message
    _texts(report, users["editor"], ("en",))
    with pytest.raises(services.ReportError) as refused:
        services.approve(report=report, actor=users["reviewer"])
    assert "French" in refused.value.message
    _texts(report, users["editor"], ("en", "fr"))
    assert services.approve(report=report, actor=users["reviewer"]).is_approved


def test_only_an_approved_version_is_published_and_texts_change_only_in_drafts(city_a):
    users = city_a.users
    report = services.generate_draft(organisation=city_a.city, year=YEAR, actor=users["editor"])
    _texts(report, users["editor"])
    with pytest.raises(services.ReportError) as refused:
        services.publish(report=report, actor=users["reviewer"])
    assert refused.value.status == 409
    report = services.approve(report=report, actor=users["reviewer"])
    with pytest.raises(services.ReportError):
        _texts(report, users["editor"])
    report = services.return_to_draft(report=report, actor=users["editor"])
    assert report.is_draft and report.approved_by is None


def _canonical_sha256(document):
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_published_report_is_signed_and_verifies_with_pyjwt_from_the_jwks_alone(city_a):
    report = _published(city_a)
    assert report.is_published and report.content["year"] == YEAR
    assert report.digest == _canonical_sha256(report.content)
    # A verifier holds the downloaded file and the published key set, nothing else.
    downloaded = json.loads(json.dumps({"report": report.content, "signature": report.signature}))
    key_set = jwt.PyJWKSet.from_dict(json.loads(json.dumps(signing.jwks())))
    kid = jwt.get_unverified_header(downloaded["signature"])["kid"]
    key = next(k for k in key_set.keys if k.key_id == kid)
    claims = jwt.decode(downloaded["signature"], key.key, algorithms=["EdDSA"])
    assert claims["sha256"] == _canonical_sha256(downloaded["report"])
    assert (claims["city"], claims["year"], claims["version"]) == ("city-a", YEAR, 1)
    assert jwt.get_unverified_header(downloaded["signature"])["typ"] == content.JWS_TYPE
    # A changed word no longer matches the signed digest.
    downloaded["report"]["foreword"]["en"] = "Foreword in en!"
    assert _canonical_sha256(downloaded["report"]) != claims["sha256"]


def test_a_published_report_is_frozen_whatever_the_records_do_later(city_a):
    _entry(city_a, "Counter", at(YEAR, 5, 1))
    report = _published(city_a)
    before = json.dumps(report.content, sort_keys=True)
    figure = report.content["sections"]["en"][2]["figures"][0]
    assert (figure["key"], figure["value"]) == ("entries", 1)
    _entry(city_a, "Camera", at(YEAR, 6, 1))
    Entry.objects.filter(name_en="Counter").update(name_en="Renamed", risk_level="high")
    report = AnnualReport.objects.get(pk=report.pk)
    assert json.dumps(services.document_of(report), sort_keys=True) == before
    assert report.digest == _canonical_sha256(report.content)
    with pytest.raises(FrozenReportError):
        report.save()
    with pytest.raises(FrozenReportError):
        AnnualReport.objects.filter(pk=report.pk).update(digest="0" * 64)
    with pytest.raises(FrozenReportError):
        AnnualReport.objects.filter(pk=report.pk).delete()
    with pytest.raises(FrozenReportError):
        SectionCommentary(report=report, section="transparency", text_en="Later.").save()


def test_a_correction_is_a_new_version_with_a_reason_and_the_old_one_stays(city_a):
    users = city_a.users
    first = _published(city_a)
    _entry(city_a, "Forgotten camera", at(YEAR, 3, 1))
    with pytest.raises(services.ReportError) as refused:
        services.start_correction(report=first, actor=users["editor"], reason={"en": ""})
    assert (refused.value.status, refused.value.field) == (422, "reason")
    second = services.start_correction(
        report=first, actor=users["editor"], reason={"en": "A camera was missing."}
    )
    assert (second.version, second.is_draft) == (2, True)
    assert services.commentaries_of(second) == services.commentaries_of(first)
    with pytest.raises(services.ReportError):
        services.start_correction(report=first, actor=users["editor"], reason={"en": "Again."})
    second = services.approve(report=second, actor=users["reviewer"])
    second = services.publish(report=second, actor=users["reviewer"])
    assert second.content["corrects"] == {"version": 1, "reason": {"en": "A camera was missing."}}
    assert second.content["sections"]["en"][2]["figures"][0]["value"] == 1
    first = AnnualReport.objects.get(pk=first.pk)
    assert first.is_published and first.content["sections"]["en"][2]["empty"]  # as it was


def test_every_staff_step_leaves_an_audit_event(city_a):
    users = city_a.users
    report = services.generate_draft(organisation=city_a.city, year=YEAR, actor=users["editor"])
    _texts(report, users["editor"])
    services.refresh_figures(report=report, actor=users["editor"])
    report = services.approve(report=report, actor=users["reviewer"])
    report = services.return_to_draft(report=report, actor=users["reviewer"])
    report = services.approve(report=report, actor=users["reviewer"])
    report = services.publish(report=report, actor=users["reviewer"])
    correction = services.start_correction(
        report=report, actor=users["editor"], reason={"en": "Typo."}
    )
    services.discard_draft(report=correction, actor=users["editor"])
    events = list(
        AuditEvent.objects.filter(object_type="reporting.annualreport")
        .order_by("at", "id")
        .values_list("action", "actor__email")
    )
    assert events == [
        ("create", users["editor"].email),
        ("update", users["editor"].email),
        ("update", users["editor"].email),
        ("approve", users["reviewer"].email),
        ("return", users["reviewer"].email),
        ("approve", users["reviewer"].email),
        ("publish", users["reviewer"].email),
        ("create", users["editor"].email),
        ("delete", users["editor"].email),
    ]
