"""The roadmap never shows "Done" at 75 % or "In progress" at 100 % without saying so: where the
status a person set and the indicator part, the row says what to check."""

from __future__ import annotations

import datetime

import pytest

from cityrights.assessment.models import ActionStatus, Measurement, RoadmapAction

pytestmark = pytest.mark.django_db


def action(city, status: str, reached: float | None) -> RoadmapAction:
    made = RoadmapAction.objects.create(
        organisation=city, title_en=f"{status} {reached}", status=status, baseline=0, target=8
    )
    if reached is not None:
        Measurement.objects.create(action=made, date=datetime.date(2026, 1, 1), value=8 * reached)
    return made


@pytest.mark.parametrize(
    ("status", "reached", "warned"),
    [
        (ActionStatus.DONE, 0.75, True),
        (ActionStatus.DONE, 1.0, False),
        (ActionStatus.IN_PROGRESS, 1.0, True),
        (ActionStatus.PLANNED, 1.0, True),
        (ActionStatus.IN_PROGRESS, 0.5, False),
        (ActionStatus.DONE, None, False),
        (ActionStatus.DROPPED, 0.2, False),
    ],
)
def test_a_status_that_disagrees_with_the_indicator_is_pointed_out(city_a, status, reached, warned):
    made = action(city_a.city, status, reached)
    assert bool(made.status_disagreement()) == warned
    page = city_a.client_for("viewer").get("/manage/city-a/assessment/roadmap/").content.decode()
    assert ('class="status-note"' in page) == warned
