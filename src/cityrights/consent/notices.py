"""Delivering withdrawal notices from the outbox: at least once, signed, with backoff.

The outbox row is written in the same transaction as the withdrawal, so a
notice exists exactly when the withdrawal does. The worker claims one due
row at a time with ``SELECT … FOR UPDATE SKIP LOCKED`` (several workers
never take the same row), posts it, and records the outcome in that same
transaction. If the worker is killed mid-delivery the transaction rolls
back and the row is still pending: the notice is sent again later, never
lost. Recipients must therefore treat notices idempotently (the
``X-Cityrights-Delivery`` header and ``event_id`` identify a notice).

Signature: ``X-Cityrights-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``
with the timestamp in ``X-Cityrights-Timestamp`` (Unix seconds), so a
recipient can refuse replays older than a few minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from . import outbound
from .models import NoticeOutbox

BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 6 * 3600
MAX_ATTEMPTS = 15  # about three days of retries


@dataclass(frozen=True)
class Delivery:
    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


Poster = Callable[[str, bytes, dict[str, str]], Delivery]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: int, body: bytes, header: str) -> bool:
    """What a recipient does (given here for tests and documentation)."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failures: 30 s, 1 min, 2 min… up to 6 h."""
    return timedelta(seconds=min(BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS))


def http_post(url: str, body: bytes, headers: dict[str, str]) -> Delivery:
    """POST through :func:`outbound.post`: the address is checked again and pinned, TLS is
    verified for the host name, and a redirect is a failed delivery (never followed)."""
    response = outbound.post(url, body, headers)
    return Delivery(response.status, response.error)


def _deliver_one(now: datetime, post: Poster) -> bool | None:
    """Claim and attempt one due notice. None when nothing was due."""
    with transaction.atomic():
        row = (
            NoticeOutbox.objects.select_for_update(skip_locked=True)
            .filter(status=NoticeOutbox.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .first()
        )
        if row is None:
            return None
        webhook = row.webhook
        body = json.dumps(row.payload, sort_keys=True, separators=(",", ":")).encode()
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "cityrights-notices/1",
            "X-Cityrights-Event": str(row.payload.get("type", "")),
            "X-Cityrights-Delivery": str(row.pk),
            "X-Cityrights-Timestamp": str(stamp),
            "X-Cityrights-Signature": signature(webhook.secret, stamp, body),
        }
        if not webhook.active:
            result = Delivery(None, "the webhook was switched off")
        else:
            result = post(webhook.url, body, headers)
        row.attempts += 1
        row.last_status = result.status
        if result.ok:
            row.status = NoticeOutbox.Status.DELIVERED
            row.delivered_at = timezone.now()
            row.last_error = ""
        else:
            row.last_error = result.error or f"HTTP {result.status}"
            if row.attempts >= MAX_ATTEMPTS:
                row.status = NoticeOutbox.Status.FAILED
            else:
                row.next_attempt_at = timezone.now() + backoff(row.attempts)
        row.save(
            update_fields=[
                "attempts",
                "last_status",
                "status",
                "delivered_at",
                "last_error",
                "next_attempt_at",
            ]
        )
        return result.ok


def deliver_due(limit: int = 100, post: Poster | None = None) -> tuple[int, int]:
    """Attempt up to ``limit`` due notices. Returns (delivered, failed attempts)."""
    delivered = failed = 0
    for _ in range(limit):
        outcome = _deliver_one(timezone.now(), post or http_post)
        if outcome is None:
            break
        if outcome:
            delivered += 1
        else:
            failed += 1
    return delivered, failed


def retry_now(row: NoticeOutbox) -> None:
    """Put a notice back in the queue (staff action after fixing the recipient's endpoint)."""
    NoticeOutbox.objects.filter(pk=row.pk).exclude(status=NoticeOutbox.Status.DELIVERED).update(
        status=NoticeOutbox.Status.PENDING, next_attempt_at=timezone.now()
    )
