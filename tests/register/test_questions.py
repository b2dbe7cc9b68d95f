"""'Ask a question or report a concern': stored, mailed, rate-limited, spam-guarded, queued."""

from __future__ import annotations

import time

import pytest
from django.core import mail, signing
from django.test import Client, override_settings

from cityrights.core.models import AuditEvent
from cityrights.register.models import Question, QuestionStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_min_time")]


@pytest.fixture
def no_min_time(settings):
    settings.CITYRIGHTS_REGISTER_QUESTION_MIN_SECONDS = 0


def post(client, entry, started: float | None = None, **data):
    stamp = signing.dumps(
        started if started is not None else time.time() - 10, salt="register-question"
    )
    payload = {"message": "How long are the images kept?", "contact_email": "", "started": stamp}
    payload.update(data)
    return client.post(f"/cities/city-a/register/{entry.code}/ask/", payload)


def test_question_is_stored_and_sent_to_the_contact_point(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(Client(), published, contact_email="rita@example.org")
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.status == QuestionStatus.OPEN
    assert question.contact_email == "rita@example.org"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["air@example.org"]
    assert message.reply_to == ["rita@example.org"]
    assert "How long are the images kept?" in message.body
    assert published.name in message.subject


def test_the_contact_point_reads_the_citys_language_and_learns_the_residents(
    published, city_a, django_capture_on_commit_callbacks
):
    """A Dutch question to a French-speaking city: the message to staff is French and says
    the resident wrote in Dutch (it was all Dutch; found by the walkthrough)."""
    city_a.city.default_language, city_a.city.additional_languages = "fr", "nl"
    city_a.city.save()
    with django_capture_on_commit_callbacks(execute=True):
        dutch = post(Client(HTTP_ACCEPT_LANGUAGE="nl"), published, message="Hoe lang bewaard?")
        assert dutch.status_code == 302
    (message,) = mail.outbox
    assert "Un habitant" in message.body and "Hoe lang bewaard?" in message.body
    assert "néerlandais" in message.body
    assert "Een inwoner" not in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert post(Client(HTTP_ACCEPT_LANGUAGE="fr"), published).status_code == 302
    assert "néerlandais" not in mail.outbox[1].body  # same language: nothing to say


def test_honeypot_rejects_robots(published):
    response = post(Client(), published, website="http://spam.example")
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    assert not Question.objects.exists()


@override_settings(CITYRIGHTS_REGISTER_QUESTION_MIN_SECONDS=3)
def test_too_fast_or_forged_forms_are_rejected(published):
    assert "very fast" in post(Client(), published, started=time.time()).content.decode()
    response = Client().post(
        f"/cities/city-a/register/{published.code}/ask/",
        {"message": "A long enough message", "started": "forged"},
    )
    assert "expired" in response.content.decode()
    assert not Question.objects.exists()


def test_rate_limit_per_client(published):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        assert post(client, published).status_code == 302
    response = post(client, published)
    assert response.status_code == 429
    assert "try later" in response.content.decode()
    assert Question.objects.count() == 5
    assert post(Client(REMOTE_ADDR="203.0.113.10"), published).status_code == 302


def test_empty_or_short_messages_show_errors_next_to_the_field(published):
    html = post(Client(), published, message="hi").content.decode()
    assert 'id="id_message_errors"' in html
    html = post(Client(), published, contact_email="not-an-address").content.decode()
    assert 'id="id_contact_email_errors"' in html


def test_questions_only_about_published_entries(hidden):
    assert post(Client(), hidden["draft"]).status_code == 404


def test_staff_queue_and_handling(city_a, published):
    post(Client(), published, message="<b>Is my face recorded?</b>")
    question = Question.objects.get()
    viewer = city_a.client_for("viewer")
    queue = viewer.get("/manage/city-a/register/questions/").content.decode()
    assert "&lt;b&gt;Is my face recorded?&lt;/b&gt;" in queue
    url = f"/manage/city-a/register/questions/{question.pk}/"
    assert viewer.post(url, {"status": "answered"}).status_code == 403
    editor = city_a.client_for("editor")
    response = editor.post(url, {"status": "answered", "note": "Replied by e-mail."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.handled_by == city_a.users["editor"]
    event = AuditEvent.objects.get(action="update", object_type="register.question")
    assert "face" not in str(event.changes)  # the resident's words stay out of the audit log
    assert "face" not in viewer.get("/manage/city-a/register/questions/").content.decode()
    assert "face" in viewer.get("/manage/city-a/register/questions/?status=all").content.decode()
    assert city_a.client_for("admin").get("/manage/city-b/register/questions/").status_code == 404


def test_other_city_cannot_see_the_question(city_a, city_b, published):
    post(Client(), published)
    question = Question.objects.get()
    url = f"/manage/city-b/register/questions/{question.pk}/"
    assert city_b.client_for("admin").get(url).status_code == 404


def test_refusals_of_a_question_carry_their_own_status(published, city_a):
    from cityrights.register import services

    from .conftest import make_entry

    draft = make_entry(city_a, state="draft", name="Draft camera")
    with pytest.raises(services.WorkflowError) as refused:
        services.ask(draft, message="Is this on?", contact_email="", client="203.0.113.12")
    assert refused.value.status == 404
    with (
        override_settings(CITYRIGHTS_REGISTER_QUESTION_LIMIT=0),
        pytest.raises(services.WorkflowError) as refused,
    ):
        services.ask(published, message="Is this on?", contact_email="", client="203.0.113.12")
    assert refused.value.status == 429


def test_the_question_page_answers_a_refusal_with_its_status_not_always_429(
    published, city_a, monkeypatch
):
    """Only "too many messages" is a 429; a refusal about the entry is not (was: every one)."""
    from cityrights.register.views import public

    from .conftest import make_entry

    draft = make_entry(city_a, state="draft", name="Draft camera")
    # The page found an entry that the service then refuses (it is not published).
    monkeypatch.setattr(public, "_entry_or_404", lambda request, code: draft)
    response = post(Client(REMOTE_ADDR="203.0.113.11"), published)
    assert response.status_code == 404
    html = response.content.decode()
    assert "only be asked about published entries" in html
    assert 'role="alert"' in html
    assert not Question.objects.exists()
