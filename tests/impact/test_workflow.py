"""The review workflow as pure rules: allowed steps, four eyes, decision content."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityrights.impact.workflow import (
    TRANSITIONS,
    Decision,
    Status,
    TransitionRefused,
    check_decision,
    check_transition,
)

EDITOR = frozenset({"view", "edit"})
REVIEWER = frozenset({"view", "review"})
ADMIN = frozenset({"view", "edit", "review", "manage"})
VIEWER = frozenset({"view"})


@pytest.mark.parametrize(
    ("step", "source", "target", "caps"),
    [
        ("submit", "draft", "submitted", EDITOR),
        ("withdraw", "submitted", "draft", EDITOR),
        ("start_review", "submitted", "under_review", REVIEWER),
        ("return", "submitted", "draft", REVIEWER),
        ("return", "under_review", "draft", REVIEWER),
        ("decide", "under_review", "decided", REVIEWER),
        ("reopen", "decided", "draft", EDITOR),
    ],
)
def test_allowed_steps(step, source, target, caps):
    assert check_transition(step, source, capabilities=caps) == Status(target)


@pytest.mark.parametrize("step", ["start_review", "return", "decide"])
@pytest.mark.parametrize("kind", ["created", "edited", "submitted", "answered", "led"])
def test_a_contributor_never_reviews_or_decides_even_as_admin(step, kind):
    source = "under_review" if step == "decide" else "submitted"
    with pytest.raises(TransitionRefused) as refused:
        check_transition(step, source, capabilities=ADMIN, took_part=frozenset({kind}))
    assert refused.value.code == "separation_of_duties"
    assert "Separation of duties" in refused.value.message


def test_a_contributor_may_submit_and_reopen():
    assert check_transition("submit", "draft", capabilities=ADMIN, took_part={"created"})
    assert check_transition("reopen", "decided", capabilities=ADMIN, took_part={"led"})


@pytest.mark.parametrize(
    ("step", "caps"),
    [("submit", VIEWER), ("submit", REVIEWER), ("decide", EDITOR), ("start_review", VIEWER)],
)
def test_roles_without_the_capability_are_refused(step, caps):
    source = {"submit": "draft", "decide": "under_review", "start_review": "submitted"}[step]
    with pytest.raises(TransitionRefused) as refused:
        check_transition(step, source, capabilities=caps, took_part=frozenset())
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize(
    ("step", "source"),
    [
        ("submit", "submitted"),
        ("submit", "decided"),
        ("decide", "submitted"),
        ("decide", "draft"),
        ("decide", "decided"),
        ("start_review", "draft"),
        ("reopen", "draft"),
        ("withdraw", "under_review"),
    ],
)
def test_steps_from_the_wrong_status_are_conflicts(step, source):
    with pytest.raises(TransitionRefused) as refused:
        check_transition(step, source, capabilities=ADMIN, took_part=frozenset())
    assert refused.value.code == "conflict"
    assert source in refused.value.message


def test_unknown_step():
    with pytest.raises(TransitionRefused) as refused:
        check_transition("approve-everything", "draft", capabilities=ADMIN, took_part=frozenset())
    assert refused.value.code == "unknown"


@given(
    step=st.sampled_from(sorted(TRANSITIONS)),
    status=st.sampled_from([s.value for s in Status]),
    caps=st.sets(st.sampled_from(["view", "edit", "review", "manage"])),
    took_part=st.sets(st.sampled_from(["created", "edited", "submitted", "answered", "led"])),
)
def test_a_step_either_reaches_its_target_or_is_refused(step, status, caps, took_part):
    transition = TRANSITIONS[step]
    try:
        target = check_transition(
            step, status, capabilities=frozenset(caps), took_part=frozenset(took_part)
        )
    except TransitionRefused:
        allowed = (
            transition.capability in caps
            and not (transition.independent and took_part)
            and Status(status) in transition.source
        )
        assert not allowed
    else:
        assert target == transition.target
        assert transition.capability in caps
        assert not (took_part and transition.independent)


def test_decision_content():
    assert check_decision("approve", "Fine.", 0) == Decision.APPROVE
    assert check_decision("on_hold", "Wait.", 1) == Decision.ON_HOLD
    with pytest.raises(TransitionRefused, match="condition"):
        check_decision("on_hold", "Wait.", 0)
    with pytest.raises(TransitionRefused, match="condition"):
        check_decision("approve_with_conditions", "If.", 0)
    with pytest.raises(TransitionRefused, match="reasons"):
        check_decision("reject", "   ", 0)
    with pytest.raises(TransitionRefused, match="not a decision"):
        check_decision("maybe", "Hmm.", 0)
