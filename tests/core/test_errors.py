"""One service error: the same refusal has the same status and body in the API and on pages."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from cityrights.api import api
from cityrights.assessment.exports import ImportRefused
from cityrights.assessment.services import AssessmentError, CycleClosed, NotAssigned
from cityrights.consent.partner_checks import CheckInputError
from cityrights.consent.services import ConsentError
from cityrights.core.errors import (
    SERVICE_STATUSES,
    STATUS_CODES,
    ServiceError,
    add_to_form,
    refuse,
)
from cityrights.impact.services import ImpactError
from cityrights.register.services import WorkflowError


def test_every_app_error_is_a_service_error() -> None:
    for kind in (AssessmentError, ImpactError, WorkflowError, ConsentError, CheckInputError):
        assert issubclass(kind, ServiceError)
    assert CycleClosed("closed").status == 409
    assert NotAssigned("not yours").status == 403
    assert ImportRefused("bad file").status == 422
    assert WorkflowError("not now").status == 409
    assert ConsentError("not now").status == 409
    assert CheckInputError(413, "too many").status == 413


def test_code_defaults_to_the_status_and_can_be_named() -> None:
    error = ServiceError("Describe the risk.", 422, "description")
    assert error.as_json() == {
        "error": "invalid",
        "reason": "Describe the risk.",
        "field": "description",
    }
    assert ServiceError("x").status == 400
    assert ServiceError("x").code == "bad_request"
    named = ServiceError("Seats are taken.", 409, code="session_full")
    assert named.code == "session_full"
    assert str(named) == "Seats are taken."


@pytest.mark.parametrize("status", [200, 302, 401, 405, 500, 503])
def test_a_service_cannot_refuse_with_a_status_that_is_not_a_refusal(status: int) -> None:
    with pytest.raises(ValueError):
        ServiceError("x", status)


def _api_answer(error: ServiceError):
    request = RequestFactory().get("/api/v1/")
    handler = api._lookup_exception_handler(error)
    assert handler is not None
    return handler(request, error)


@given(
    status=st.sampled_from(sorted(SERVICE_STATUSES)),
    message=st.text(min_size=1, max_size=200),
    field=st.none() | st.from_regex(r"[a-z_]{1,20}", fullmatch=True),
    kind=st.sampled_from([ServiceError, AssessmentError, ImpactError, WorkflowError, ConsentError]),
)
def test_the_api_answers_any_refusal_with_its_status_and_one_body(
    status: int, message: str, field: str | None, kind: type[ServiceError]
) -> None:
    response = _api_answer(kind(message, status, field))
    assert response.status_code == status
    assert json.loads(response.content) == {
        "error": STATUS_CODES[status],
        "reason": message,
        "field": field,
    }


class _Form(forms.Form):
    year = forms.IntegerField()
    note = forms.CharField()


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_refuse_puts_the_message_next_to_its_field_or_above_the_form() -> None:
    form = _Form({"year": "2025", "note": "x"})
    assert form.is_valid()
    assert refuse(_request(), ServiceError("Say more.", 422, "note"), form=form) == 422
    assert form.errors["note"] == ["Say more."]
    # A field the form does not have: the view's own choice, else above the form.
    add_to_form(form, ServiceError("Taken.", 409, "slug"), field="year")
    assert form.errors["year"] == ["Taken."]
    add_to_form(form, ServiceError("Not now.", 409))
    assert form.non_field_errors() == ["Not now."]


def test_refuse_without_a_form_leaves_a_message_for_the_next_page() -> None:
    request = _request()
    assert refuse(request, ServiceError("Only drafts can be edited.", 409)) == 409
    assert [str(m) for m in get_messages(request)] == ["Only drafts can be edited."]


def test_an_assessment_refusal_reaches_the_api_with_its_status_and_field(city_a) -> None:
    """A route does not catch refusals: the one handler answers them."""
    from cityrights.assessment import services
    from cityrights.assessment.models import CycleStatus, FrameworkVersion

    version = FrameworkVersion.objects.get(key="guide-2022", version=1)
    cycle = services.open_cycle(city_a.city, 2025, version, city_a.users["admin"])
    cycle.status = CycleStatus.VALIDATED
    cycle.save()
    response = city_a.client_for("admin").put(
        "/api/v1/assessment/city-a/cycles/2025/answers/inc-f-1",
        {"value": 2},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "conflict"
    assert "can no longer be changed" in body["reason"]
    assert body["field"] is None
