"""Consent-based sharing in the report: counts from the ledger, small cells withheld,
the latest checkpoint checked against the published keys."""

from __future__ import annotations

import secrets

from cityrights.consent import ledger
from cityrights.consent.models import Checkpoint, ConsentCheck, DataSubject, LedgerEvent
from cityrights.consent.report import MIN_CELL, consent_section
from cityrights.core.report import SUPPRESSED

from .conftest import YEAR, at, figures, in_year


def _sharing(city_a):
    from tests.consent.conftest import make_sharing

    return make_sharing(city_a.city)


def _events(sharing, agreement, kind, count, when):
    version = agreement.versions.get(number=1)
    category = version.data_categories[0]
    for _index in range(count):
        subject = DataSubject.objects.create(
            organisation=sharing.city, pseudonym=secrets.token_hex(16)
        )
        ledger.append(
            subject, kind=kind, version=version, categories=[category], method="web", at=when
        )


def _checks(sharing, agreement, count, when):
    for _index in range(count):
        ConsentCheck.objects.create(
            organisation=sharing.city,
            recipient=agreement.recipient,
            agreement=agreement,
            purpose="p",
            decision="permit",
            reason="given",
            at=when,
        )


def _records(city_a):
    sharing = _sharing(city_a)
    _events(sharing, sharing.study, "grant", 14, at(YEAR, 3, 1))
    _events(sharing, sharing.study, "withdraw", 4, at(YEAR, 4, 1))
    _events(sharing, sharing.tax, "grant", 11, at(YEAR, 12, 31, 23, 0))
    _events(sharing, sharing.tax, "withdraw", 12, at(YEAR, 6, 1))
    _events(sharing, sharing.tax, "grant", 9, at(YEAR + 1, 1, 1, 0, 30))  # next year, locally
    _events(sharing, sharing.study, "grant", 3, at(YEAR - 1, 12, 31, 22, 0))
    _checks(sharing, sharing.study, 25, at(YEAR, 5, 5))
    _checks(sharing, sharing.tax, 2, at(YEAR, 5, 5))
    return sharing


def test_consent_counts_match_the_ledger_and_small_ones_are_withheld(city_a):
    sharing = _records(city_a)
    section = consent_section(sharing.city, YEAR)
    found = figures(section)

    events = [e for e in LedgerEvent.objects.select_related("agreement_version") if in_year(e.at)]

    def count(agreement, kind):
        return sum(
            1 for e in events if e.agreement_version.agreement_id == agreement.pk and e.kind == kind
        )

    assert found["granted"] == count(sharing.study, "grant") + count(sharing.tax, "grant") == 25
    assert found["withdrawn"] == 16  # 4 + 12: the total is published, the 4 is not
    assert found["checks"] == 27
    rows = {row[0]: row[1:] for row in section.tables[0].rows}
    # Given: 14 and 11, both shown. Withdrawn: 4 withheld, so 12 is withheld as well, or the
    # total (16) would give the 4 away. Checks: 2 withheld, 25 withheld with it.
    assert rows[sharing.study.title] == (14, SUPPRESSED, SUPPRESSED)
    assert rows[sharing.tax.title] == (11, SUPPRESSED, SUPPRESSED)
    for cells in rows.values():
        for cell in cells:
            assert cell == SUPPRESSED or cell >= MIN_CELL


def test_small_totals_are_withheld_too(city_a):
    sharing = _sharing(city_a)
    _events(sharing, sharing.study, "grant", 3, at(YEAR, 3, 1))
    section = consent_section(sharing.city, YEAR)
    granted = section.figure("granted")
    assert granted.value is None and granted.suppressed
    assert "10" in granted.note


def test_a_year_without_consent_events_or_checks_says_so(city_a):
    sharing = _records(city_a)
    assert consent_section(sharing.city, YEAR - 3).holds_nothing


def test_the_latest_checkpoint_of_the_year_is_named_and_checked(city_a):
    sharing = _records(city_a)
    ledger.checkpoint(at=at(YEAR, 12, 30))
    section = consent_section(sharing.city, YEAR)
    checkpoint = Checkpoint.objects.get()
    assert section.figure("checkpoint-size").value == checkpoint.size
    rows = dict({t.key: t for t in section.tables}["checkpoint"].rows)
    assert rows["Events in the ledger"] == checkpoint.size == LedgerEvent.objects.count()
    assert rows["Merkle root (SHA-256)"] == checkpoint.root
    assert rows["Signature"] == "verifies with the published key"

    forged = checkpoint.note.replace(f"\n{checkpoint.size}\n", f"\n{checkpoint.size + 1}\n")
    Checkpoint.objects.filter(pk=checkpoint.pk).update(note=forged)
    section = consent_section(sharing.city, YEAR)
    rows = dict({t.key: t for t in section.tables}["checkpoint"].rows)
    assert rows["Signature"] == "does not verify with any published key"


def test_a_checkpoint_signed_after_the_year_is_not_this_year_s(city_a):
    sharing = _records(city_a)
    ledger.checkpoint(at=at(YEAR + 1, 1, 2))
    section = consent_section(sharing.city, YEAR)
    assert "checkpoint" not in {t.key for t in section.tables}


def test_a_draft_counts_the_ledger_once_for_all_its_languages(city_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cityrights.reporting import content

    _records(city_a)
    city_a.city.additional_languages = "fr,nl"
    city_a.city.save()
    with CaptureQueriesContext(connection) as queries:
        taken = content.take_sections(city_a.city, YEAR, ["en", "fr", "nl"])
    ledger_counts = [
        q for q in queries if "consent_ledgerevent" in q["sql"] and "COUNT" in q["sql"]
    ]
    assert len(ledger_counts) == 1
    # The same figures in every language, and the same as one language taken alone.
    alone = figures(consent_section(city_a.city, YEAR))
    for language in ("en", "fr", "nl"):
        section = next(s for s in taken[language] if s["key"] == "consent")
        assert {f["key"]: f["value"] for f in section["figures"]} == alone
    # Outside a draft nothing is kept: a second call counts again and sees new events.
    with CaptureQueriesContext(connection) as again:
        consent_section(city_a.city, YEAR)
    assert any("consent_ledgerevent" in q["sql"] and "COUNT" in q["sql"] for q in again)
