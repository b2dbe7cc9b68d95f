"""The pure rules of the app, held by properties: safe Markdown, phases, suppression, diff."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.participation import demographics, markdown, phases, textdiff
from cityrights.participation.models import PHASE_ORDER, Phase

DANGEROUS = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "![img](https://example.org/x.png)",
    "<iframe src=https://example.org></iframe>",
    "[x](vbscript:msgbox)",
    "<svg onload=alert(1)>",
]
TAG = re.compile(r"<\s*/?\s*([a-zA-Z0-9]+)([^>]*)>")
ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


def _assert_safe(html: str) -> None:
    """Only allowed tags; only href and rel attributes; links only to http(s) or mailto.

    Words like "javascript:" may remain as *text* (escaped, inert); never in an attribute.
    """
    for name, attributes in TAG.findall(html):
        assert name.lower() in markdown.ALLOWED_TAGS, name
        found = ATTRIBUTE.findall(attributes)
        assert ATTRIBUTE.sub("", attributes).strip() == "", attributes
        for attribute, value in found:
            assert attribute in {"href", "rel"}, attribute
            if attribute == "href" and ":" in value.split("/")[0]:
                assert value.split(":", 1)[0].lower() in {"http", "https", "mailto"}, value
    assert "<script" not in html.lower()


@pytest.mark.parametrize("source", DANGEROUS)
def test_known_attacks_come_out_harmless(source):
    _assert_safe(markdown.render(source))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(DANGEROUS),
            st.sampled_from(
                ["<", ">", "[", "](", ")", "javascript:", "*", "`", "\n\n", "- ", '"', "&#x6a;"]
            ),
        ),
        max_size=12,
    ).map("".join)
)
def test_no_script_html_or_javascript_link_survives_any_text(source):
    _assert_safe(markdown.render(source))


def test_the_subset_renders_emphasis_lists_and_safe_links():
    html = markdown.render("*a* **b**\n\n- one\n- two\n\n[site](https://example.org)")
    assert "<em>a</em>" in html and "<strong>b</strong>" in html and "<li>one</li>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener noreferrer">site</a>' in html


def test_plain_text_is_what_a_reader_sees():
    assert (
        markdown.plain_text("La ville *publie* ses\nalgorithmes.")
        == "La ville publie ses algorithmes."
    )


# --------------------------------------------------------------------------------------
# Phases
# --------------------------------------------------------------------------------------

phase = st.sampled_from(PHASE_ORDER)


@given(phase, phase, st.booleans(), st.booleans())
def test_phase_moves_follow_the_rule(current, target, final, contributions):
    try:
        phases.check_move(current, target, has_final_version=final, has_contributions=contributions)
    except phases.PhaseRefused:
        allowed = False
    else:
        allowed = True
    if current == Phase.FINAL or target == current:
        assert not allowed
    if target == Phase.FINAL and not final:
        assert not allowed
    if target == Phase.PREPARING and contributions:
        assert not allowed
    if allowed:
        assert PHASE_ORDER.index(target) >= PHASE_ORDER.index(current) - 1
    forward = PHASE_ORDER.index(target) > PHASE_ORDER.index(current)
    if forward and current != Phase.FINAL and (target != Phase.FINAL or final):
        assert allowed


def test_an_unknown_phase_is_refused():
    with pytest.raises(phases.PhaseRefused):
        phases.check_move("preparing", "party", has_final_version=True, has_contributions=False)


# --------------------------------------------------------------------------------------
# Suppression of small groups
# --------------------------------------------------------------------------------------

counts = st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 40), min_size=1)


@given(counts)
def test_no_shown_group_is_smaller_than_five_and_no_hidden_one_can_be_derived(values):
    result = demographics.suppress(values)
    shown = [v for v in result.counts.values() if v is not None]
    assert all(v == 0 or v >= demographics.THRESHOLD for v in shown)
    hidden = [g for g, v in result.counts.items() if v is None and values[g] > 0]
    if result.total is not None:
        # one hidden group alone would be the total minus the shown ones
        assert len(hidden) != 1
        assert result.total >= demographics.THRESHOLD
    for group, value in result.counts.items():
        if value is not None:
            assert value == values[group]


@given(counts)
def test_shares_are_of_the_total_and_between_0_and_100(values):
    result = demographics.suppress(values)
    for group in values:
        share = result.share(group)
        if share is not None:
            assert 0 <= share <= 100


def test_a_total_under_five_hides_everything():
    result = demographics.suppress({"a": 2, "b": 2})
    assert result.total is None and set(result.counts.values()) == {None}


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        demographics.suppress({"a": -1})


# --------------------------------------------------------------------------------------
# Diff
# --------------------------------------------------------------------------------------

words = st.lists(
    st.sampled_from(["la", "ville", "publie", "ses", "données", "\n", " ", "."]), max_size=30
).map(" ".join)


@given(words, words)
def test_a_diff_gives_back_both_versions(old, new):
    pieces = textdiff.word_diff(old, new)
    assert "".join(p.text for p in pieces if p.op != "added") == old
    assert "".join(p.text for p in pieces if p.op != "removed") == new


def test_sections_are_matched_by_key():
    result = textdiff.section_diff(
        {"a": ("A", "one two"), "b": ("B", "gone")},
        {"a": ("A", "one three"), "c": ("C", "new")},
        ["a", "c", "b"],
    )
    assert [(d.key, d.change) for d in result] == [
        ("a", "changed"),
        ("c", "added"),
        ("b", "removed"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("- a list item", "- a list item"),
        ("plain text", "plain text"),
    ],
)
def test_exports_neutralise_spreadsheet_formulas(text, expected):
    from cityrights.participation.exports import spreadsheet_safe

    assert spreadsheet_safe(text) == expected
    assert spreadsheet_safe(12) == 12
