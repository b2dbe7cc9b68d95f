"""A consultation end to end through the pages: draft side by side, comments, replies,
supports, reports, moderation, anonymous confirmation, response, exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core import mail
from django.test import Client

from cityrights.core.models import AuditEvent
from cityrights.participation import contributions, services
from cityrights.participation.models import Comment, CommentStatus, Outcome, Phase, Support

from .conftest import make_consultation

pytestmark = pytest.mark.django_db
BASE = "/cities/city-a/participation/consultations/declaration/"


def _post_comment(client, path, HTTP_ACCEPT_LANGUAGE="en", **data):
    form = client.get(path, HTTP_ACCEPT_LANGUAGE=HTTP_ACCEPT_LANGUAGE).context["form"]
    payload = {"started": form.fields["started"].initial, "website": "", **data}
    import time

    from django.core import signing

    payload["started"] = signing.dumps(time.time() - 30, salt="participation.form-started")
    return client.post(path, payload, HTTP_ACCEPT_LANGUAGE=HTTP_ACCEPT_LANGUAGE)


def test_the_draft_shows_the_city_languages_side_by_side(bilingual):
    make_consultation(bilingual)
    html = Client().get(BASE).content.decode()
    assert 'lang="fr"' in html and 'lang="nl"' in html
    assert "<p>Chacun a accès aux services en ligne.</p>" in html and "&lt;p&gt;" not in html
    assert "Iedereen heeft toegang tot onlinediensten." in html
    assert "English text of inclusion." not in html  # English is not a language of this city


def test_a_resident_comments_replies_and_supports_once(consultation, resident):
    client = Client()
    client.force_login(resident)
    response = _post_comment(client, BASE + "sections/inclusion/", body="Think of *older* people.")
    assert response.status_code == 302
    comment = Comment.objects.get()
    comment.section.refresh_from_db()
    assert comment.status == CommentStatus.VISIBLE and comment.section.comment_count == 1
    page = client.get(BASE + "sections/inclusion/").content.decode()
    assert "<em>older</em>" in page
    reply = _post_comment(client, f"{BASE}comments/{comment.pk}/", body="Agreed.")
    assert reply.status_code == 302
    assert Comment.objects.get(parent=comment).body == "Agreed."
    url = f"{BASE}comments/{comment.pk}/support/"
    assert client.post(url).status_code == 302
    second = client.post(url, follow=True)
    assert "You already support this comment." in second.content.decode()
    assert Support.objects.count() == 1
    comment.refresh_from_db()
    assert comment.support_count == 1


def test_a_visitor_without_an_account_lands_on_the_section_and_reads_the_e_mail_notice(
    city_a, django_capture_on_commit_callbacks
):
    """The comment waits for its link: its own page would be "not found" until then."""
    make_consultation(city_a, anonymous=True)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_comment(
            client,
            BASE + "sections/inclusion/",
            body="Think of older people.",
            email="visitor@example.org",
            name="Vi",
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    assert response.status_code == 302
    assert response["Location"].endswith(BASE + "sections/inclusion/")
    landed = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl")
    assert landed.status_code == 200
    assert "We stuurden u een e-mail" in landed.content.decode()
    assert Comment.objects.get().status != CommentStatus.VISIBLE
    assert mail.outbox[-1].to == ["visitor@example.org"]


@pytest.mark.parametrize(
    ("body", "message", "status"),
    [
        ("", "This field is required.", 422),
        ("   ", "Write your comment.", 422),
        ("x" * 4001, "at most 4000 characters", 422),
        ("<script>alert(1)</script>", "HTML tags such as", 422),
        ("Hello <b>world</b>", "HTML tags such as", 422),
    ],
)
def test_bad_comments_get_a_clear_message_and_nothing_is_written(
    consultation, resident, body, message, status
):
    client = Client()
    client.force_login(resident)
    response = _post_comment(client, BASE + "sections/inclusion/", body=body)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_comments_outside_the_discussion_or_on_hidden_sections_are_refused(city_a, resident):
    consultation = make_consultation(city_a, phase=Phase.QUESTIONS)
    participant = contributions.Participant(user=resident)
    section = consultation.versions.get(number=1).sections.get(key="inclusion")
    with pytest.raises(services.ParticipationError, match="draft discussion only"):
        contributions.submit_comment(
            consultation=consultation, section=section, participant=participant, body="Hi"
        )
    client = Client()
    client.force_login(resident)
    response = _post_comment(client, BASE + "sections/inclusion/", body="Hello")
    assert response.status_code == 409
    assert "draft discussion only" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_passage_must_come_from_the_section(consultation, resident):
    section = consultation.versions.get(number=1).sections.get(key="transparency")
    participant = contributions.Participant(user=resident)
    comment, _token = contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=participant,
        body="Which ones?",
        quote="  publie   ses algorithmes ",
    )
    assert comment.quote == "publie ses algorithmes"
    with pytest.raises(services.ParticipationError, match="not in this section"):
        contributions.submit_comment(
            consultation=consultation,
            section=section,
            participant=participant,
            body="x",
            quote="words that are not there",
        )


def test_the_spam_guard_refuses_a_filled_trap_and_a_form_sent_at_once(consultation, resident):
    client = Client()
    client.force_login(resident)
    trapped = _post_comment(client, BASE + "sections/inclusion/", body="Buy now", website="x")
    assert trapped.status_code == 422
    form = client.get(BASE + "sections/inclusion/").context["form"]
    fast = client.post(
        BASE + "sections/inclusion/", {"body": "Quick", "started": form.fields["started"].initial}
    )
    assert fast.status_code == 422
    assert "automated" in fast.content.decode()
    assert not Comment.objects.exists()


def test_comments_are_rate_limited(consultation, resident):
    section = consultation.versions.get(number=1).sections.get(key="inclusion")
    participant = contributions.Participant(user=resident, client="9.9.9.9")
    for n in range(contributions.COMMENT_LIMIT[0]):
        contributions.submit_comment(
            consultation=consultation, section=section, participant=participant, body=f"c{n}"
        )
    with pytest.raises(services.ParticipationError) as refused:
        contributions.submit_comment(
            consultation=consultation, section=section, participant=participant, body="one more"
        )
    assert refused.value.status == 429


def test_anonymous_comments_appear_only_after_confirmation(
    city_a, django_capture_on_commit_callbacks
):
    make_consultation(city_a, slug="declaration", anonymous=True)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_comment(
            client,
            BASE + "sections/inclusion/",
            body="From a neighbour",
            email="n@example.org",
            name="Nel",
        )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert "From a neighbour" not in client.get(BASE + "sections/inclusion/").content.decode()
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/confirm/" in line)
    path = link.split("testserver")[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    assert "Confirm" in client.get(path).content.decode()
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING  # opening the link changes nothing
    done = client.post(path)
    assert done.status_code == 200
    comment.refresh_from_db()
    assert comment.status == CommentStatus.VISIBLE
    assert client.post(path).status_code == 404  # a link works once
    page = client.get(BASE + "sections/inclusion/").content.decode()
    assert "From a neighbour" in page and "n@example.org" not in page


def test_anonymous_comments_are_refused_where_the_city_does_not_allow_them(consultation):
    response = _post_comment(Client(), BASE + "sections/inclusion/", body="Hello")
    assert response.status_code in (403, 422)
    assert not Comment.objects.exists()


def test_moderators_hide_with_a_visible_reason_and_the_queue_counts(consultation, resident, city_a):
    section = consultation.versions.get(number=1).sections.get(key="inclusion")
    comment, _ = contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(user=resident),
        body="Rude words",
    )
    reporter = Client()
    reporter.force_login(resident)
    form = reporter.get(f"{BASE}comments/{comment.pk}/report/")
    assert form.status_code == 200
    _post_comment(reporter, f"{BASE}comments/{comment.pk}/report/", reason="Insults")
    comment.refresh_from_db()
    assert comment.report_count == 1
    queue = city_a.client_for("viewer").get("/manage/city-a/participation/moderation/")
    assert "Rude words" in queue.content.decode()
    url = f"/manage/city-a/participation/moderation/{comment.pk}/"
    assert (
        city_a.client_for("editor").post(url, {"action": "hide", "reason": "x"}).status_code == 403
    )
    empty = city_a.client_for("reviewer").post(url, {"action": "hide", "reason": ""})
    assert empty.status_code == 422
    done = city_a.client_for("reviewer").post(
        url, {"action": "hide", "reason": "Insults another participant"}
    )
    assert done.status_code == 302
    page = Client().get(BASE + "sections/inclusion/").content.decode()
    assert "Hidden by the moderator: Insults another participant" in page
    assert "Rude words" not in page
    assert AuditEvent.objects.filter(action="hide").count() == 1


def test_the_response_links_changes_to_comments_and_tells_commenters(
    consultation, resident, city_a, django_capture_on_commit_callbacks
):
    admin = city_a.users["admin"]
    section = consultation.versions.get(number=1).sections.get(key="inclusion")
    comment, _ = contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(user=resident),
        body="Add libraries.",
    )
    with pytest.raises(services.ParticipationError, match="once the consultation is closed"):
        services.set_outcome(comment=comment, actor=admin, outcome=Outcome.TAKEN_UP, reason={})
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.CLOSED)
    services.save_response_intro(
        consultation=consultation, actor=admin, intro={"en": "Thanks to all."}
    )
    with pytest.raises(services.ParticipationError, match="1 comments have no outcome"):
        services.publish_response(consultation=consultation, actor=admin)
    with pytest.raises(services.ParticipationError, match="reason"):
        services.set_outcome(comment=comment, actor=admin, outcome=Outcome.NOT_TAKEN, reason={})
    services.set_outcome(comment=comment, actor=admin, outcome=Outcome.TAKEN_UP, reason={})
    change = services.add_change(
        consultation=consultation,
        actor=admin,
        section_key="inclusion",
        summary={"en": "Libraries added."},
        comment_ids=[comment.pk],
    )
    with pytest.raises(services.ParticipationError, match="visible comments"):
        services.add_change(
            consultation=consultation,
            actor=admin,
            section_key="",
            summary={"en": "x"},
            comment_ids=[999999],
        )
    mail.outbox.clear()
    client = city_a.client_for("admin")
    url = f"/manage/city-a/participation/consultations/{consultation.pk}/response/"
    # Sections are named by their headings in the officer's language, never by their keys.
    staff_page = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<strong>Inclusion NL</strong>: " in staff_page
    assert "<td>Inclusion NL</td>" in staff_page
    # The comment keeps the language it was written in, for screen readers.
    assert '<td lang="en">Add libraries.</td>' in staff_page
    assert '<option value="inclusion">Inclusion NL</option>' in staff_page
    assert ">inclusion<" not in staff_page and "inclusion: " not in staff_page
    assert city_a.client_for("viewer").post(url, {"form": "publish"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        published = client.post(url, {"form": "publish"})
    assert published.status_code == 302
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert "/response/" in mail.outbox[0].body
    with pytest.raises(services.ParticipationError, match="no longer changes"):
        services.set_outcome(
            comment=comment, actor=admin, outcome=Outcome.PARTLY, reason={"en": "x"}
        )
    page = Client().get(BASE + "response/").content.decode()
    assert "Libraries added." in page and f"comment {comment.pk}" in page
    assert change.comments.get() == comment


def test_exports_leave_personal_data_out_of_the_public_ones(open_anonymous, resident, city_a):
    consultation = open_anonymous
    section = consultation.versions.get(number=1).sections.get(key="inclusion")
    contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(user=resident),
        body="Mine",
        organisation_name="Ligue",
    )
    base = "/cities/city-a/participation/consultations/open/"
    public = Client().get(base + "comments.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(public)))
    assert rows[0]["comment"] == "Mine" and rows[0]["organisation"] == "Ligue"
    assert resident.email not in public and "Rita" not in public
    data = json.loads(Client().get(base + "comments.json").content)
    assert resident.email not in json.dumps(data)
    staff = (
        city_a.client_for("viewer")
        .get(f"/manage/city-a/participation/consultations/{consultation.pk}/export.csv")
        .content.decode("utf-8-sig")
    )
    assert resident.email in staff
    assert (
        Client()
        .get(f"/manage/city-a/participation/consultations/{consultation.pk}/export.csv")
        .status_code
        == 302
    )
    pdf = Client().get(base + "comments.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # For people, the PDF says what became of a comment in words, in the reader's language.
    from cityrights.participation.models import Comment

    from ..printing import pdf_pages, pdf_reader

    Comment.objects.update(outcome="taken_up")
    dutch_pdf = Client().get(base + "comments.pdf", HTTP_ACCEPT_LANGUAGE="nl").content
    text = " ".join(pdf_pages(dutch_pdf))
    assert "taken_up" not in text and "Overgenomen" in text
    # The document says which language it is in (it said "en" whatever the reader's).
    assert pdf_reader(dutch_pdf).trailer["/Root"]["/Lang"] == "nl"
    # Headings and reasons in the reader's language too, in every export.
    Comment.objects.update(outcome_reason_en="The park gets wifi.", outcome_reason_nl="Wifi.")
    dutch = Client().get(base + "comments.csv", HTTP_ACCEPT_LANGUAGE="nl")
    [row] = csv.DictReader(io.StringIO(dutch.content.decode("utf-8-sig")))
    assert (row["section_heading"], row["outcome_reason"]) == ("Inclusion NL", "Wifi.")
    english = Client().get(base + "comments.csv", HTTP_ACCEPT_LANGUAGE="en")
    [row] = csv.DictReader(io.StringIO(english.content.decode("utf-8-sig")))
    assert (row["section_heading"], row["outcome_reason"]) == ("Inclusion", "The park gets wifi.")
    text = " ".join(
        pdf_pages(Client().get(base + "comments.pdf", HTTP_ACCEPT_LANGUAGE="nl").content)
    )
    assert "Inclusion NL" in text and "Wifi." in text
    # The day each comment was written as a Dutch reader writes dates, not in ISO form.
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import override

    with override("nl"):
        today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert today in text and timezone.localdate().isoformat() not in text


def test_the_final_text_shows_the_comments_of_every_version(consultation, resident, city_a):
    admin = city_a.users["admin"]
    section = consultation.versions.get(number=1).sections.get(key="inclusion")
    contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(user=resident),
        body="Said on the first version.",
    )
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.CLOSED)
    final = services.new_version(consultation=consultation, actor=admin)
    services.publish_version(version=final, actor=admin, final=True)
    page = Client().get(BASE + "sections/inclusion/").content.decode()
    assert "Said on the first version." in page and "on version 1" in page
    assert "1 comment" in Client().get(BASE).content.decode()


def test_a_hidden_section_is_not_shown_and_takes_no_comment(consultation, resident):
    section = consultation.versions.get(number=1).sections.get(key="transparency")
    section.is_hidden = True
    section.save(update_fields=["is_hidden"])
    assert Client().get(BASE + "sections/transparency/").status_code == 404
    assert "La ville publie ses algorithmes." not in Client().get(BASE).content.decode()
    with pytest.raises(services.ParticipationError, match="hidden and takes no comments"):
        contributions.submit_comment(
            consultation=consultation,
            section=section,
            participant=contributions.Participant(user=resident),
            body="Hello",
        )
    assert not Comment.objects.exists()


def test_the_staff_population_page_names_each_group_in_the_readers_language(city_a):
    from cityrights.participation.models import Dimension, PopulationShare

    for dimension, value in ((Dimension.AGE_BAND, "under-18"), (Dimension.LANGUAGE, "nl")):
        PopulationShare.objects.create(
            organisation=city_a.city, dimension=dimension, value=value, share=20
        )
    client = city_a.client_for("viewer")
    client.cookies["django_language"] = "nl"
    html = client.get("/manage/city-a/participation/population/").content.decode()
    assert ">jonger dan 18</th>" in html and ">Nederlands</th>" in html
    assert ">under-18<" not in html
