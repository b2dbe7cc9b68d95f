"""The cycle page tells each person what they must do: an editor with questions assigned in an
open cycle is told how many (the same count as the table of sections), never "Nothing to do"."""

from __future__ import annotations

import re

import pytest

from cityrights.assessment import services

pytestmark = pytest.mark.django_db


def test_an_editor_with_assigned_questions_is_told_to_answer_them(city_a, cycle):
    admin, editor = city_a.users["admin"], city_a.users["editor"]
    services.add_assignment(cycle, admin, area="", pillar="tools", department=None, user=editor)
    page = city_a.client_for("editor").get(f"/manage/city-a/assessment/{cycle.year}/").content
    page = page.decode()
    part = page.split('id="your-part"', 1)[1].split("</p>", 1)[0]
    asked = int(re.search(r"answer the (\d+) questions", part).group(1))
    rows = re.findall(r"<td>(\d+) / (\d+)</td>", page)  # "your answers" column: mine / answerable
    assert asked == sum(int(total) for _mine, total in rows) > 0
    assert "Nothing to do for your role" not in page


def test_someone_without_questions_is_told_there_is_nothing_to_do(city_a, cycle):
    page = city_a.client_for("viewer").get(f"/manage/city-a/assessment/{cycle.year}/")
    assert "Nothing to do for your role" in page.content.decode()
    assert 'id="your-part"' not in page.content.decode()
