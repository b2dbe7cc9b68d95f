"""The cycle page tells each person what they must do, with counts that agree: the section rows
add up to the totals and to the cycle's coverage, follow-up questions that do not count are
named as such, and an editor with questions assigned is never told there is nothing to do."""

from __future__ import annotations

import re

import pytest

from cityrights.assessment import services
from cityrights.assessment.models import AssessmentCycle

pytestmark = pytest.mark.django_db

NOTHING = "Nothing to do for your role"


def page_of(city_a, role: str, cycle: AssessmentCycle) -> str:
    return city_a.client_for(role).get(f"/manage/city-a/assessment/{cycle.year}/").content.decode()


def your_part(page: str) -> str:
    return page.split('id="your-part"', 1)[1].split("</div>", 1)[0]


def section_rows(page: str) -> list[tuple[int, int]]:
    """(answered, counted) of each section row."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [(int(a), int(c)) for a, c in re.findall(r"</progress> (\d+) / (\d+)</td>", body)]


def test_every_count_on_the_cycle_page_agrees(city_a, cycle):
    admin = city_a.users["admin"]
    services.save_answers(
        cycle,
        admin,
        [
            services.AnswerInput("inc-s-2", "2"),  # below level 3: its follow-up inc-s-4 ...
            services.AnswerInput("inc-s-4", "4"),  # ... does not count, answered or not
            services.AnswerInput("inc-f-1", "3"),
            services.AnswerInput("inc-f-2", "dont_know"),
            services.AnswerInput("inc-f-3", "not_applicable"),
            services.AnswerInput("aut-s-1", "4"),  # reveals its follow-up aut-s-3
        ],
    )
    page = page_of(city_a, "admin", cycle)
    total = len(cycle.framework.framework.questions)
    counted = int(re.search(rf"(\d+) of {total}: 3 follow-up questions do not count", page)[1])
    assert counted == total - 3  # four follow-ups, one revealed
    coverage = re.search(
        r"(\d+) with a level · (\d+) don't know · (\d+) not applicable · "
        r"(\d+) without an answer",
        page,
    )
    assert coverage is not None
    level, dont_know, not_applicable, unanswered = (int(n) for n in coverage.groups())
    assert (level, dont_know, not_applicable) == (3, 1, 1)  # inc-s-4 is not among them
    assert level + dont_know + not_applicable + unanswered == counted
    rows = section_rows(page)
    assert sum(c for _a, c in rows) == counted
    assert sum(a for a, _c in rows) == level + dont_know + not_applicable
    assert f'id="total-answered">5 / {counted}</td>' in page
    # The person's column counts the questions of their answering pages (six answered).
    assert f'id="total-mine">6 / {total}</td>' in page


def test_an_editor_with_assigned_questions_is_told_to_answer_them(city_a, cycle):
    admin, editor = city_a.users["admin"], city_a.users["editor"]
    services.add_assignment(cycle, admin, area="", pillar="tools", department=None, user=editor)
    services.save_answers(cycle, editor, [services.AnswerInput("inc-t-1", "2")])
    page = page_of(city_a, "editor", cycle)
    part = your_part(page)
    asked = int(re.search(r"answer the (\d+) questions assigned to you \(1 answered", part)[1])
    mine = re.findall(r"<td>(\d+) / (\d+)</td>", page.split("<tbody>")[1].split("</tbody>")[0])
    assert asked == sum(int(total) for _mine, total in mine) > 0
    assert f'id="total-mine">1 / {asked}</td>' in page
    assert NOTHING not in page


def test_an_editor_who_answered_everything_is_told_so(city_a, cycle):
    admin, editor = city_a.users["admin"], city_a.users["editor"]
    services.add_assignment(
        cycle, admin, area="inclusion", pillar="tools", department=None, user=editor
    )
    framework = cycle.framework.framework
    keys = [q.key for q in framework.questions if (q.area, q.pillar) == ("inclusion", "tools")]
    services.save_answers(cycle, editor, [services.AnswerInput(k, "3") for k in keys])
    part = your_part(page_of(city_a, "editor", cycle))
    assert f"you have answered all {len(keys)} questions assigned to you" in part


def test_an_editor_without_a_section_is_told_whom_to_ask(city_a, cycle):
    part = your_part(page_of(city_a, "editor", cycle))
    assert "No section is assigned to you or your department" in part
    assert "ask an administrator" in part


def test_an_administrator_is_told_they_may_answer_any_section(city_a, cycle):
    page = page_of(city_a, "admin", cycle)
    assert "as an administrator you may answer any section" in your_part(page)
    assert "Submit for validation" in page


def test_a_reviewer_submits_and_a_viewer_follows(city_a, cycle):
    reviewer = page_of(city_a, "reviewer", cycle)
    assert "Submit for validation" in your_part(reviewer)
    assert "Your part" not in reviewer
    viewer = page_of(city_a, "viewer", cycle)
    assert "Answering needs an editor's role" in your_part(viewer)
    assert "<form" not in your_part(viewer)


def test_after_submission_each_role_is_told_what_happens(city_a, cycle):
    admin, editor = city_a.users["admin"], city_a.users["editor"]
    services.add_assignment(cycle, admin, area="", pillar="tools", department=None, user=editor)
    services.save_answers(cycle, editor, [services.AnswerInput("inc-t-1", "2")])
    services.submit(cycle, admin)
    cycle.refresh_from_db()
    editor_page = page_of(city_a, "editor", cycle)
    assert "a reviewer resolves disagreements and validates" in your_part(editor_page)
    assert NOTHING not in editor_page
    assert "Validate" in your_part(page_of(city_a, "reviewer", cycle))
    services.validate(cycle, city_a.users["reviewer"])
    cycle.refresh_from_db()
    assert "Publish the results" in your_part(page_of(city_a, "admin", cycle))
    validated = your_part(page_of(city_a, "editor", cycle))
    assert "An administrator decides whether to publish the results." in validated
