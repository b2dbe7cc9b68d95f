"""The hot paths tuned for speed: cached key lookup, the PostgreSQL append and check log,
and the prefetching reader of verify-ledger. Each keeps the behaviour of the plain path."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityrights.consent import keycache, ledger, partner_checks, services
from cityrights.consent.events import encode_event
from cityrights.consent.models import ConsentCheck, ConsentState, DataSubject, LedgerEvent
from cityrights.core import services as core_services
from cityrights.core.models import ApiKey

from .conftest import GPS, HEART, LEGAL, MOBILITY, RESEARCH, TAX, make_agreement
from .test_api import BATCH, CHECK, item, post


@pytest.fixture
def person(sharing):
    return services.create_subject(sharing.city)


# --- cached API keys -------------------------------------------------------------------------
def test_a_revoked_key_is_refused_once_its_cache_entry_lapses(sharing, person, monkeypatch):
    key, secret = ApiKey.issue(sharing.lab, "short-lived", ["consent:check"])
    client = sharing.api(secret)
    assert post(client, CHECK, item(person.pseudonym)).status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    # Within the cache's lifetime the same process may still accept it (documented) …
    assert post(client, CHECK, item(person.pseudonym)).status_code == 200
    # … and never after: at most TTL seconds.
    clock = keycache.time.monotonic() + keycache.TTL + 0.01
    monkeypatch.setattr(keycache.time, "monotonic", lambda: clock)
    assert post(client, CHECK, item(person.pseudonym)).status_code == 401


def test_a_key_revoked_by_saving_it_is_refused_at_once(sharing, person):
    key, secret = ApiKey.issue(sharing.lab, "revoked in the staff area", ["consent:check"])
    client = sharing.api(secret)
    assert post(client, CHECK, item(person.pseudonym)).status_code == 200
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])  # what the staff page does
    assert post(client, CHECK, item(person.pseudonym)).status_code == 401


def test_a_key_revoked_through_the_core_service_is_refused_at_once(sharing, person):
    key, secret = ApiKey.issue(sharing.lab, "revoked by a service", ["consent:check"])
    client = sharing.api(secret)
    assert post(client, CHECK, item(person.pseudonym)).status_code == 200
    assert core_services.revoke_api_key(key=key, actor=None)
    assert post(client, CHECK, item(person.pseudonym)).status_code == 401


def test_expiry_and_wrong_secrets_are_not_cached(sharing, person):
    _key, secret = ApiKey.issue(sharing.lab, "expiring", ["consent:check"])
    client = sharing.api(secret)
    assert post(client, CHECK, item(person.pseudonym)).status_code == 200
    wrong = secret[:-2] + ("aa" if not secret.endswith("aa") else "bb")
    assert post(sharing.api(wrong), CHECK, item(person.pseudonym)).status_code == 401
    # Expiry is read from the cached row on every request, so it takes effect at once.
    cached = next(iter(keycache._cache.values()))
    cached.expires_at = timezone.now()
    assert post(client, CHECK, item(person.pseudonym)).status_code == 401
    assert post(sharing.api("crk_nope_nope"), CHECK, item(person.pseudonym)).status_code == 401


def test_key_header_is_accepted_on_the_check_route(sharing, person):
    from django.test import Client

    client = Client(HTTP_X_API_KEY=sharing.lab_key)
    assert post(client, CHECK, item(person.pseudonym)).status_code == 200


# --- appends: inside and outside a caller's transaction ---------------------------------------
def test_append_inside_and_outside_a_transaction_chains_the_same_way(sharing, person):
    version = sharing.study.current_version()
    first = ledger.append(person, kind="grant", version=version, categories=[GPS], method="api")
    with transaction.atomic():
        second = ledger.append(
            person.pk, kind="withdraw", version=version, categories=[GPS, HEART], method="web"
        )
    assert second.pk > first.pk
    assert (second.subject_seq, second.prev_hash) == (2, first.hash)
    stored = LedgerEvent.objects.get(pk=second.pk)
    assert (stored.hash, stored.scope, stored.kind) == (second.hash, [GPS, HEART], "withdraw")
    person.refresh_from_db()
    assert (person.head_seq, person.head_hash) == (2, second.hash)
    states = dict(ConsentState.objects.filter(subject=person).values_list("category", "event_id"))
    assert states == {GPS: second.pk, HEART: second.pk}
    ledger.checkpoint()
    assert ledger.verify().ok


def test_append_to_an_unknown_subject_fails_cleanly(sharing):
    version = sharing.study.current_version()
    with pytest.raises(DataSubject.DoesNotExist):
        ledger.append(10**9, kind="grant", version=version, categories=[GPS], method="api")
    assert LedgerEvent.objects.count() == 0


def test_an_event_that_cannot_be_hashed_is_refused_before_anything_is_written(sharing, person):
    version = sharing.study.current_version()
    cases = [
        {"kind": "grant", "method": "paper", "witness": None},  # paper needs a witness
        {"kind": "grant", "method": "api", "witness": "A. Clerk"},  # only paper has one
        {"kind": "grant", "method": "api", "witness": None, "at": datetime(2025, 1, 1)},  # naive
        {"kind": "grant", "method": "web", "witness": None, "categories": [GPS + "\ud800"]},
    ]
    for case in cases:
        args = {"categories": [GPS], "at": None, **case}
        with pytest.raises(ledger.LedgerError):
            ledger.append(person, version=version, **args)
    assert LedgerEvent.objects.count() == 0


# --- verify-ledger's prefetching reader ---------------------------------------------------------
def test_prefetch_yields_every_row_in_order_and_passes_errors_on():
    chunks = iter([[(1,), (2,)], [(3,)], []])
    assert list(ledger._prefetched(lambda size: next(chunks), 2)) == [(1,), (2,), (3,)]

    def broken(size):
        raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError, match="connection lost"):
        list(ledger._prefetched(broken, 2))


def test_leaving_the_prefetch_early_stops_its_thread():
    before = threading.active_count()
    rows = ledger._prefetched(lambda size: [(n,) for n in range(size)], 5)
    assert next(rows) == (0,)
    rows.close()
    assert threading.active_count() == before


# --- PostgreSQL only: the check log outside a transaction --------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("durable", [True, False])
def test_checks_outside_a_transaction_are_logged(sharing, person, durable, settings):
    settings.CITYRIGHTS_CONSENT_DURABLE_CHECK_LOG = durable
    assert connection.vendor == "postgresql"
    services.change_consent(person, sharing.study, action="grant", categories=[GPS])
    client = sharing.api()
    assert post(client, CHECK, item(person.pseudonym)).json()["decision"] == "permit"
    items = [item(person.pseudonym), item("subj-unknown"), item(person.pseudonym, [HEART])]
    assert post(client, BATCH, {"items": items}).status_code == 200
    rows = list(
        ConsentCheck.objects.order_by("id").values_list("subject_id", "decision", "categories")
    )
    assert rows == [
        (person.pk, "permit", [GPS]),
        (person.pk, "permit", [GPS]),
        (None, "deny", [GPS]),
        (person.pk, "deny", [HEART]),
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_check_in_a_callers_transaction_follows_it(sharing, person):
    """Outside a transaction the statement goes through libpq itself; in one (begun or still
    to begin) through psycopg's cursor, so it belongs to that transaction."""
    key = ApiKey.objects.get(organisation=sharing.lab)
    check = partner_checks.CheckItem("mobility-study", RESEARCH, (GPS,), subject=person.pseudonym)

    class Undone(Exception):
        pass

    for queries_first in (False, True):
        with pytest.raises(Undone), transaction.atomic():
            if queries_first:
                assert ConsentCheck.objects.count() == 0  # psycopg has begun the transaction
            assert partner_checks.decide(key, [check])[0].decision == "deny"
            assert ConsentCheck.objects.count() == 1
            raise Undone
        assert not ConsentCheck.objects.exists()
    partner_checks.decide(key, [check])
    assert ConsentCheck.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_check_statement_is_prepared_again_when_the_session_lost_it(sharing, person):
    key = ApiKey.objects.get(organisation=sharing.lab)
    check = partner_checks.CheckItem("mobility-study", RESEARCH, (GPS,), subject=person.pseudonym)
    partner_checks.decide(key, [check])
    connection.connection.execute("DEALLOCATE ALL")  # as a pooler's DISCARD ALL would
    assert partner_checks.decide(key, [check])[0].reason == "no consent on record"
    assert ConsentCheck.objects.count() == 2


# --- PostgreSQL only: the database hashes an event exactly like Python -------------------------
texts = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters=["\x00"]),
    min_size=1,
    max_size=40,
)


@pytest.mark.postgres
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    agreement=texts,
    subject=texts,
    witness=st.none() | texts,
    scope=st.lists(texts, min_size=1, max_size=4, unique=True).map(sorted),
    numbers=st.tuples(st.integers(1, 2**31 - 1), st.integers(1, 2**53 - 1), st.integers(1, 10**6)),
    at=st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
    ),
)
def test_the_database_encodes_events_like_python(
    db, agreement, subject, witness, scope, numbers, at
):
    version, seq, subject_seq = numbers
    prev = hashlib.sha256(subject.encode()).hexdigest()
    fields = {
        "agreement": agreement, "agreement_version": version, "kind": "grant",
        "method": "paper" if witness else "api", "scope": scope, "seq": seq,
        "subject": subject, "subject_seq": subject_seq, "time": at, "witness": witness,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT consent_event_text(%s, %s, %s, %s, %s, %s::text[], %s, %s, %s, %s, %s)",
            [agreement, version, "grant", fields["method"], prev, scope, seq, subject,
             subject_seq, at, witness],
        )  # fmt: skip
        in_database = cursor.fetchone()[0]
    assert in_database.encode("utf-8") == encode_event(fields, prev)


@pytest.mark.postgres
def test_the_database_append_chains_from_the_genesis_like_python(sharing, person):
    version = sharing.study.current_version()
    first = ledger.append(person, kind="grant", version=version, categories=[GPS], method="api")
    second = ledger.append(
        person, kind="grant", version=version, categories=[GPS, HEART], method="paper",
        witness="Clerk \"Ann\" \u00e9\n",
    )  # fmt: skip
    assert (
        first.prev_hash
        == hashlib.sha256(
            b"cityrights:consent-ledger:genesis:v1:" + person.pseudonym.encode()
        ).hexdigest()
    )
    assert second.prev_hash == first.hash
    ledger.checkpoint()
    assert ledger.verify().ok


# --- PostgreSQL only: one statement decides and logs like the rules in Python ------------------
def _checks_both_ways(key, items, monkeypatch):
    """The answers and log rows of ``items`` decided by the one statement, then by the
    pipelined reads and ``_judge`` (the path SQLite and identifier lookups take)."""
    results = []
    real = partner_checks._decide_and_log_postgres
    used = []

    def recorded(*args, **kwargs):
        answers = real(*args, **kwargs)
        used.append(answers is not None)
        return answers

    for one_statement in (True, False):
        monkeypatch.setattr(
            partner_checks,
            "_decide_and_log_postgres",
            recorded if one_statement else (lambda *args, **kwargs: None),
        )
        before = ConsentCheck.objects.count()
        answers = [partner_checks.decide(key, [each])[0] for each in items]
        logged = list(
            ConsentCheck.objects.order_by("id")[before:].values_list(
                "organisation_id", "subject_id", "recipient_id", "api_key_id", "agreement_id",
                "purpose", "categories", "decision", "reason", "event_id",
            )
        )  # fmt: skip
        results.append(([tuple(answer)[:-1] for answer in answers], logged))
    assert used == [True] * len(items)  # the first pass was decided by the one statement
    return results


@pytest.mark.postgres
def test_one_statement_decides_and_logs_every_case_like_the_rules_in_python(sharing, monkeypatch):
    """In a transaction (the statement through psycopg's cursor)."""
    _every_rule_both_ways(sharing, monkeypatch)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_statement_through_libpq_decides_every_case_like_the_rules_in_python(
    sharing, monkeypatch
):
    """Outside a transaction, as the server runs it (the statement through libpq itself)."""
    _every_rule_both_ways(sharing, monkeypatch)
    statement = partner_checks._DECIDE
    assert statement.name in partner_checks._prepared[connection.connection]


def _every_rule_both_ways(sharing, monkeypatch):
    from cityrights.consent import terms
    from cityrights.consent.models import AgreementVersion

    given, withdrawn, lapsed, expired, never = (
        services.create_subject(sharing.city) for _ in range(5)
    )
    for person in (given, withdrawn, lapsed, expired):
        services.change_consent(person, sharing.study, action="grant")
    services.change_consent(withdrawn, sharing.study, action="withdraw", categories=[GPS])
    ConsentState.objects.filter(subject=lapsed, category=GPS).update(
        expires_at=timezone.now() - timezone.timedelta(days=1)
    )
    ConsentState.objects.filter(subject=expired, category=HEART).update(status="expired")
    # A later version adds a purpose the earlier consents did not cover.
    AgreementVersion.objects.create(
        agreement=sharing.study,
        number=2,
        status=AgreementVersion.Status.PUBLISHED,
        purposes=[RESEARCH, MOBILITY, LEGAL],
        data_categories=[GPS, HEART],
    )
    ended = make_agreement(
        sharing.city, sharing.lab, "ended-study", sharing.study.legal_basis, [RESEARCH], [GPS],
        expires_on=timezone.localdate() - timezone.timedelta(days=1),
    )  # fmt: skip
    unpublished = make_agreement(
        sharing.city, sharing.lab, "draft-study", sharing.study.legal_basis, [RESEARCH], [GPS]
    )
    AgreementVersion.objects.filter(agreement=unpublished).update(status="draft")
    statutory = make_agreement(
        sharing.city, sharing.lab, "statutory", sharing.tax.legal_basis, [LEGAL], [TAX]
    )
    other_purpose = sorted(terms.iris("purpose") - {RESEARCH, MOBILITY, LEGAL})[0]
    people = [given, withdrawn, lapsed, expired, never]
    items = [
        partner_checks.CheckItem(agreement, purpose, categories, subject=pseudonym)
        for pseudonym in [p.pseudonym for p in people] + ["subj-nobody"]
        for agreement, purpose, categories in [
            ("mobility-study", RESEARCH, (GPS,)),
            ("mobility-study", RESEARCH, (HEART, GPS, GPS)),
            ("mobility-study", MOBILITY, (HEART,)),
            ("mobility-study", LEGAL, (GPS, HEART)),
            ("mobility-study", other_purpose, (GPS,)),
            ("mobility-study", RESEARCH, (TAX, GPS)),
            (ended.slug, RESEARCH, (GPS,)),
            (unpublished.slug, RESEARCH, (GPS,)),
            (statutory.slug, LEGAL, (TAX,)),
        ]
    ]
    key = ApiKey.objects.get(organisation=sharing.lab)
    one_statement, in_python = _checks_both_ways(key, items, monkeypatch)
    assert one_statement == in_python
    reasons = {answer[1] for answer in one_statement[0]}
    assert len(reasons) >= 9, reasons  # every rule was met at least once


@pytest.mark.postgres
def test_an_agreement_of_another_recipient_is_refused_and_nothing_is_logged(sharing, person):
    key = ApiKey.objects.get(organisation=sharing.lab)
    items = [
        partner_checks.CheckItem("mobility-study", RESEARCH, (GPS,), subject=person.pseudonym),
        partner_checks.CheckItem("tax-record", RESEARCH, (GPS,), subject=person.pseudonym),
    ]
    with pytest.raises(partner_checks.CheckInputError) as refused:
        partner_checks.decide(key, items[1:])
    assert refused.value.status == 403 and not ConsentCheck.objects.exists()
    with pytest.raises(partner_checks.CheckInputError) as unknown:
        partner_checks.decide(
            key, [items[0], dataclasses.replace(items[0], agreement="nowhere")], batch=True
        )
    assert unknown.value.status == 404 and not ConsentCheck.objects.exists()


# --- the check route answers the usual request without ninja, and hands on the rest ----------
@pytest.fixture
def ninja_calls(monkeypatch):
    """The requests ``consent.check_route`` handed to the ninja route."""
    from cityrights.consent import check_route

    calls: list[str] = []
    real = check_route._ninja

    def counted(request):
        calls.append(request.method)
        return real(request)

    monkeypatch.setattr(check_route, "_ninja", counted)
    return calls


def _through_ninja(client, body):
    """The same check answered by the ninja route itself (the URL the fast route shadows)."""
    from cityrights.consent import check_route

    request = client.post(CHECK, body, content_type="application/json").wsgi_request
    return check_route._ninja(request)


def test_the_usual_check_is_answered_without_ninja_like_ninja_answers_it(
    sharing, person, ninja_calls
):
    services.change_consent(person, sharing.study, action="grant")
    client = sharing.api()
    post(client, CHECK, item(person.pseudonym))  # the first request caches the key
    ninja_calls.clear()
    fast = post(client, CHECK, item(person.pseudonym))
    assert fast.status_code == 200 and ninja_calls == []
    assert fast["Content-Type"] == "application/json"
    answer = fast.json()
    assert answer["decision"] == "permit" and answer["reason"] == "consent given"
    checks = ConsentCheck.objects.count()
    slow = _through_ninja(client, item(person.pseudonym))
    assert ConsentCheck.objects.count() == checks + 2  # the helper's own request, then ninja
    expected = json.loads(slow.content)
    assert {**answer, "checked_at": None} == {**expected, "checked_at": None}
    assert list(answer) == list(expected)


def test_refusals_on_the_fast_route_are_the_apis(sharing, person, ninja_calls):
    client = sharing.api()
    post(client, CHECK, item(person.pseudonym))
    ninja_calls.clear()
    before = ConsentCheck.objects.count()
    for body, status in [
        (item(person.pseudonym, agreement="nowhere"), 404),
        (item(person.pseudonym, agreement="tax-record"), 403),
        (item(person.pseudonym, purpose="https://example.org/x"), 422),
    ]:
        fast = post(client, CHECK, body)
        assert fast.status_code == status and ninja_calls == []
        slow = _through_ninja(client, body)
        assert (slow.status_code, json.loads(slow.content)) == (status, fast.json())
        ninja_calls.clear()
    assert ConsentCheck.objects.count() == before


def test_what_the_fast_route_does_not_take_goes_to_ninja(sharing, person, ninja_calls):
    from django.test import Client

    client = sharing.api()
    post(client, CHECK, item(person.pseudonym))
    ninja_calls.clear()
    bad = post(client, CHECK, {**item(person.pseudonym), "categories": []})
    assert bad.status_code == 422 and bad.json()["details"]
    assert post(sharing.api("crk_nope_nope"), CHECK, item(person.pseudonym)).status_code == 401
    assert post(Client(), CHECK, item(person.pseudonym)).status_code == 401
    assert client.get(CHECK).status_code == 405
    _k, read_only = ApiKey.issue(sharing.lab, "read only", ["read"])
    scoped = sharing.api(read_only)
    assert post(scoped, CHECK, item(person.pseudonym)).status_code == 403
    assert post(scoped, CHECK, item(person.pseudonym)).status_code == 403  # cached, still 403
    assert len(ninja_calls) == 6


def test_the_usual_check_is_answered_in_the_api_lane(sharing, person, ninja_calls, monkeypatch):
    """Before the browser middlewares (core.middleware.ApiLaneMiddleware): the lane's handler
    answers once, and the address's view (which would ask it again) is not reached."""
    from cityrights.consent import check_route
    from cityrights.core.registry import registry

    asked: list[bool] = []

    def counted(request):
        response = check_route.answer(request)
        asked.append(response is not None)
        return response

    monkeypatch.setitem(registry.api_lanes, CHECK, counted)
    services.change_consent(person, sharing.study, action="grant")
    client = sharing.api()
    post(client, CHECK, item(person.pseudonym))  # the first request caches the key
    asked.clear()
    ninja_calls.clear()
    response = post(client, CHECK, item(person.pseudonym))
    assert response.status_code == 200 and response.json()["decision"] == "permit"
    assert asked == [True] and ninja_calls == []
    assert response["Content-Language"] == "en" and response["X-Frame-Options"] == "DENY"
    # A request the lane does not take (no key) goes to the view, which asks once more.
    asked.clear()
    assert post(sharing.api("crk_nope_nope"), CHECK, item(person.pseudonym)).status_code == 401
    assert asked == [False] and ninja_calls == ["POST"]


def test_the_check_address_has_its_lane():
    from cityrights.consent import check_route
    from cityrights.core.registry import registry

    assert registry.api_lanes[CHECK] is check_route.answer


@pytest.mark.postgres
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(texts, max_size=5))
def test_categories_reach_the_database_as_the_same_list(db, values):
    """The check hands its categories to the database as an array literal: quotes,
    backslashes, commas and braces in a value come back unchanged."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [partner_checks._text_array(values)])
        assert cursor.fetchone()[0] == values


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_asynchronous_log_leaves_the_session_durable(sharing, person, settings):
    """``synchronous_commit = off`` holds for the check's own transaction only: the next
    statement on the same connection (a ledger event, say) is flushed as usual."""
    settings.CITYRIGHTS_CONSENT_DURABLE_CHECK_LOG = False
    key = ApiKey.objects.get(organisation=sharing.lab)
    check = partner_checks.CheckItem("mobility-study", RESEARCH, (GPS,), subject=person.pseudonym)
    assert partner_checks.decide(key, [check])[0].reason == "no consent on record"
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert ConsentCheck.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_behind_a_pooler_the_consent_paths_prepare_nothing(sharing, person, monkeypatch):
    """``CITYRIGHTS_DB_PREPARED_STATEMENTS=false`` (PgBouncer in transaction mode): the check,
    the batch, the log and the ledger append send their text each time, since the next
    transaction may run on another server connection that never saw a prepared statement."""
    monkeypatch.delitem(connection.settings_dict["OPTIONS"], "prepare_threshold")
    connection.ensure_connection()
    connection.connection.execute("DEALLOCATE ALL")
    client = sharing.api()
    services.change_consent(person, sharing.study, action="grant")  # the ledger append
    assert post(client, CHECK, item(person.pseudonym)).json()["decision"] == "permit"
    items = [item(person.pseudonym), item("subj-unknown")]
    assert post(client, BATCH, {"items": items}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0
    assert ConsentCheck.objects.count() == 3
