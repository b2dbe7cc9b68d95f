"""Roadmap pages: a refused measurement keeps the progress chart on the page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cityrights.assessment import services
from cityrights.assessment.models import RoadmapAction

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"assessment:{name}", kwargs={"org": "city-a", **kwargs})


def test_measurement_error_keeps_the_chart(city_a, cycle):
    action = RoadmapAction.objects.create(
        organisation=city_a.city,
        title_en="Publish the register",
        horizon="short",
        status="planned",
        baseline=0,
        target=10,
    )
    services.add_measurement(action, city_a.users["admin"], datetime.date(2024, 1, 1), 3)
    future = datetime.date.today() + datetime.timedelta(days=30)
    response = city_a.client_for("editor").post(
        url("action_measure", pk=action.pk), {"date": future.isoformat(), "value": 5}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<svg" in html
    assert action.measurements.count() == 1
