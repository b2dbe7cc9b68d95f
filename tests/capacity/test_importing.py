"""Attendance CSV: every problem located by row and column, all rows or none."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.capacity import importing, services
from cityrights.capacity.models import Registration
from cityrights.core.models import AuditEvent, User

from .conftest import add_staff, new_programme


def _problems(data: bytes, *, session_required: bool = False) -> list[str]:
    with pytest.raises(importing.ImportProblems) as caught:
        importing.parse(data, session_required=session_required)
    return [str(p) for p in caught.value.problems]


def test_a_good_file_in_any_language_and_separator():
    rows = importing.parse(
        b"email;present\nA@example.org;oui\nb@example.org;nee\nc@example.org;X\n",
        session_required=False,
    )
    assert [(r.row, r.email, r.present) for r in rows] == [
        (2, "a@example.org", True),
        (3, "b@example.org", False),
        (4, "c@example.org", True),
    ]


def test_each_problem_names_its_row_and_column():
    data = (
        b"session,email,present\n"
        b"12,rosa@example.org,yes\n"
        b",omar@example.org,maybe\n"
        b"twelve,not-an-address,\n"
        b"12,rosa@example.org,no\n"
    )
    assert _problems(data, session_required=True) == [
        "row 3, column present: “maybe”: write yes or no",
        "row 3, column session: empty: write the session’s number",
        "row 4, column email: “not-an-address” is not an e-mail address",
        "row 4, column present: empty: write yes or no",
        "row 4, column session: “twelve” is not a number",
        "row 5, column email: rosa@example.org is already on row 2",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "row 1: the file is empty"),
        (b"name,present\nx,yes\n", "row 1, column email: this column is missing"),
        (b"email,present,colour\na@b.org,yes,red\n", "row 1, column colour: unknown column"),
        (b"email,present\n", "row 2: the file has a header but no people"),
        (b"\xff\xfe\x00\x00garbage", "email"),
    ],
)
def test_malformed_files_are_refused_with_a_reason(data, expected):
    assert any(expected in problem for problem in _problems(data))


def test_a_whole_programme_file_needs_the_session_column():
    assert "row 1, column session: this column is missing" in _problems(
        b"email,present\na@b.org,yes\n", session_required=True
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.org", fullmatch=True),
            st.sampled_from(["yes", "no", "1", "0", "Oui", "NEE"]),
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda row: row[0],
    )
)
def test_parsing_returns_every_row_of_a_valid_file(rows):
    text = "email,present\n" + "".join(f"{email},{present}\n" for email, present in rows)
    parsed = importing.parse(text.encode(), session_required=False)
    assert [(r.email, r.present) for r in parsed] == [
        (email, present.lower() in importing.YES) for email, present in rows
    ]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_rows_or_located_problems_never_a_crash(data):
    try:
        importing.parse(data, session_required=True)
    except importing.ImportProblems as error:
        assert error.problems


@pytest.mark.django_db
def test_an_import_with_an_unknown_person_or_session_writes_nothing(city_a):
    programme = new_programme(city_a, modules=2)
    people = add_staff(city_a.city, city_a.department, 2)
    session = programme.modules.first().sessions.get()
    events = AuditEvent.objects.count()
    data = (
        f"session,email,present\n{session.pk},{people[0].email},yes\n"
        f"{session.pk},nobody@example.org,yes\n999999,{people[1].email},yes\n"
    ).encode()
    with pytest.raises(services.AttendanceImportError) as caught:
        services.import_attendance(programme=programme, actor=city_a.users["admin"], data=data)
    assert [str(p) for p in caught.value.problems] == [
        "row 3, column email: no account uses nobody@example.org",
        "row 4, column session: no session 999999 in this programme",
    ]
    assert Registration.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_good_import_marks_and_adds_people_in_one_go(city_a, resident):
    programme = new_programme(city_a, modules=2)
    people = add_staff(city_a.city, city_a.department, 2)
    session = programme.modules.first().sessions.get()
    services.register(session=session, person=people[0], actor=people[0])
    data = f"email,present\n{people[0].email},yes\n{people[1].email.upper()},no\n".encode()
    counts = services.import_attendance(
        programme=programme, actor=city_a.users["admin"], data=data, session=session
    )
    assert counts == {"present": 1, "absent": 1, "added": 1}
    marks = dict(session.registrations.values_list("person__email", "attended"))
    assert marks == {people[0].email: True, people[1].email: False}
    # A resident cannot be put on a staff programme by a file either.
    with pytest.raises(services.AttendanceImportError, match="problem"):
        services.import_attendance(
            programme=programme,
            actor=city_a.users["admin"],
            data=f"email,present\n{resident.email},yes\n".encode(),
            session=session,
        )
    assert not User.objects.get(pk=resident.pk).training_registrations.exists()


def test_problems_are_told_in_the_officers_language():
    from django.utils import translation

    data = b"email,present\nrosa@example.org,maybe\n"
    with translation.override("nl"):
        with pytest.raises(importing.ImportProblems) as refused:
            importing.parse(data, session_required=False)
        assert str(refused.value.problems[0]) == "rij 2, kolom present: ‘maybe’: schrijf ja of nee"
