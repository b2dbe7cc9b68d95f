"""Withdrawal notices: written with the withdrawal, signed with HMAC, retried with backoff,
delivered at least once, never lost when the worker dies."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cityrights.consent import notices, services
from cityrights.consent.models import NoticeOutbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(sharing):
    webhook, secret = services.create_webhook(sharing.lab, "https://lab.example/hook", actor=None)
    return webhook, secret


@pytest.fixture
def person(sharing, resident):
    return services.subject_for_user(sharing.city, resident, create=True)


class Recorder:
    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.calls = []

    def __call__(self, url, body, headers):
        self.calls.append((url, body, headers))
        status = self.statuses.pop(0) if self.statuses else 200
        if status is None:
            return notices.Delivery(None, "connection refused")
        return notices.Delivery(status, "" if status < 300 else f"HTTP {status}")


def test_a_withdrawal_queues_a_signed_notice(sharing, hook, person):
    webhook, secret = hook
    services.change_consent(person, sharing.study, action="grant")
    assert not NoticeOutbox.objects.exists()
    event = services.change_consent(person, sharing.study, action="withdraw")
    row = NoticeOutbox.objects.get()
    assert row.event_id == event.pk and row.payload["type"] == "consent.withdrawn"
    assert row.payload["subject"] == person.pseudonym
    recorder = Recorder([200])
    assert notices.deliver_due(post=recorder) == (1, 0)
    url, body, headers = recorder.calls[0]
    assert url == webhook.url
    assert json.loads(body)["event_id"] == event.pk
    stamp = int(headers["X-Cityrights-Timestamp"])
    assert notices.verify_signature(secret, stamp, body, headers["X-Cityrights-Signature"])
    assert not notices.verify_signature("wrong", stamp, body, headers["X-Cityrights-Signature"])
    row.refresh_from_db()
    assert row.status == "delivered" and row.attempts == 1
    assert notices.deliver_due(post=recorder) == (0, 0)


def test_failures_back_off_exponentially_then_give_up(sharing, hook, person):
    services.change_consent(person, sharing.study, action="grant")
    services.change_consent(person, sharing.study, action="withdraw")
    recorder = Recorder([500, None, 503])
    before = timezone.now()
    assert notices.deliver_due(post=recorder) == (0, 1)
    row = NoticeOutbox.objects.get()
    assert row.status == "pending" and row.attempts == 1 and row.last_status == 500
    assert row.next_attempt_at >= before + timedelta(seconds=30)
    assert notices.deliver_due(post=recorder) == (0, 0)  # not due yet
    assert [notices.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert notices.backoff(30).total_seconds() == notices.MAX_DELAY_SECONDS
    for attempt in range(2, notices.MAX_ATTEMPTS + 1):
        NoticeOutbox.objects.update(next_attempt_at=timezone.now())
        recorder.statuses = [None]
        notices.deliver_due(post=recorder)
        row.refresh_from_db()
        assert row.attempts == attempt
    assert row.status == "failed" and row.last_error == "connection refused"
    notices.retry_now(row)
    assert notices.deliver_due(post=Recorder([204])) == (1, 0)


def test_a_crash_during_delivery_loses_nothing(sharing, hook, person):
    services.change_consent(person, sharing.study, action="grant")
    services.change_consent(person, sharing.study, action="withdraw")

    def crash(url, body, headers):
        raise KeyboardInterrupt  # the worker is killed while the request is in flight

    with pytest.raises(KeyboardInterrupt):
        notices.deliver_due(post=crash)
    row = NoticeOutbox.objects.get()
    assert row.status == "pending" and row.attempts == 0
    assert notices.deliver_due(post=Recorder([200])) == (1, 0)


def test_switched_off_webhooks_get_nothing_new(sharing, hook, person):
    webhook, _secret = hook
    services.set_webhook_active(webhook, False, actor=None)
    services.change_consent(person, sharing.study, action="grant")
    services.change_consent(person, sharing.study, action="withdraw")
    assert not NoticeOutbox.objects.exists()


def test_worker_command_posts_over_https(sharing, person, capsys, partner_server):
    port, received, _answers = partner_server
    url = f"https://hooks.partner.test:{port}/hook"
    _webhook, secret = services.create_webhook(sharing.lab, url, actor=None)
    services.change_consent(person, sharing.study, action="grant")
    services.change_consent(person, sharing.study, action="withdraw")
    call_command("deliver-notices", "--once")
    assert "Delivered 1 notices" in capsys.readouterr().out
    headers, body = received[0]
    assert notices.verify_signature(
        secret, int(headers["X-Cityrights-Timestamp"]), body, headers["X-Cityrights-Signature"]
    )
    assert NoticeOutbox.objects.get().status == "delivered"


def test_http_post_reports_unreachable_and_refused_hosts(settings):
    settings.CITYRIGHTS_WEBHOOK_ALLOWED_NETWORKS = "127.0.0.1/32"
    result = notices.http_post("https://127.0.0.1:9/none", b"{}", {})
    assert not result.ok and result.error
    settings.CITYRIGHTS_WEBHOOK_ALLOWED_NETWORKS = ""
    result = notices.http_post("https://127.0.0.1:9/none", b"{}", {})
    assert not result.ok and result.error.startswith("refused: ")
