"""The log filter: what it masks, what it leaves readable, whatever text surrounds it."""

from __future__ import annotations

import ipaddress
import logging
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityrights.core.logging import RedactPersonalData, redact
from cityrights.core.models import ApiKey


@pytest.mark.parametrize(
    ("line", "gone", "kept"),
    [
        (
            '[06/Dec/2026:17:16:24 +0100] "GET /manage/city/register/?q=ann@x.org HTTP/1.1" 200',
            ["ann@x.org", "q="],
            ["[06/Dec/2026:17:16:24 +0100]", "GET /manage/city/register/?…", "200"],
        ),
        (
            "Not Found: /cities/x/2001:db8:85a3::8a2e:370:7334/",
            ["2001:db8"],
            ["Not Found: /cities/x/"],
        ),
        ("from ::ffff:192.0.2.1 via fe80::1%eth0 and [::1]:8000", ["192.0.2", "fe80", "::1"], []),
        ("Listening at: http://127.0.0.1:8001", ["127.0.0.1"], [":8001"]),
        ("at 16:14:22 and 2026-12-06 16:14:22,123", [], ["16:14:22", "2026-12-06 16:14:22,123"]),
        ("key crk_demomlab_demo-mobility-lab-check-key", ["demomlab", "check-key"], ["crk_[key]"]),
        ("Authorization: Bearer abc.def-ghi", ["abc.def-ghi"], []),
        ("X-API-Key: 0123abcd api_key=xyz password=hunter22", ["0123abcd", "xyz", "hunter22"], []),
        (
            '{"identifier": {"kind": "participant", "value": "MS-2026-004"}}',
            ["MS-2026-004"],
            ['"kind": "participant"'],
        ),
        ("subject=subj-abcdefghijklmnopqrstuvwxyz", ["abcdefghijklmnop"], []),
        ("erased subj-mfrggzdfmztwq2lknnwg23tpoa", ["mfrggzdf"], ["subj-[pseudonym]"]),
        ("hash " + "9f" * 32, ["9f" * 32], ["[digest]"]),
        ("call +32 470 12 34 56 or 0032470123456", ["470"], []),
        ("library card 123456789012", ["123456789012"], []),
        ("Ledger at 1234567 events, checkpoint 2026-12-06T16:14:22Z", [], ["1234567", "16:14:22"]),
    ],
)
def test_redaction(line, gone, kept):
    cleaned = redact(line)
    for text in gone:
        assert text not in cleaned, cleaned
    for text in kept:
        assert text in cleaned, cleaned


def test_redaction_is_idempotent():
    line = "ann@x.org 10.0.0.1 ::1 crk_ab_cd subj-abcdefghijkl " + "0" * 64
    assert redact(redact(line)) == redact(line)


FILLER = st.text(alphabet=string.ascii_letters + " ,;()[]{}\"'=:/-", max_size=30)


def _framed(secret: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str]]:
    return st.tuples(FILLER, secret, FILLER).map(lambda parts: (" ".join(parts), parts[1]))


emails = st.builds(
    "{}@{}.{}".format,
    st.text(alphabet=string.ascii_lowercase + string.digits + "._+-", min_size=1, max_size=12),
    st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12),
    st.sampled_from(["org", "be", "example", "co.uk"]),
)
ipv4s = st.ip_addresses(v=4).map(str)
ipv6s = st.ip_addresses(v=6).map(lambda a: str(a)).filter(lambda t: ":" in t)
mapped = st.ip_addresses(v=4).map(lambda a: str(ipaddress.IPv6Address(f"::ffff:{a}")))
api_keys = st.builds(
    "crk_{}_{}".format,
    st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=12),
    st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=4, max_size=43),
)
pseudonyms = st.text(alphabet="abcdefghijklmnopqrstuvwxyz234567", min_size=26, max_size=26).map(
    "subj-{}".format
)
identifiers = st.text(
    alphabet=string.ascii_uppercase + string.digits + "-", min_size=1, max_size=20
)


@given(_framed(st.one_of(emails, ipv4s, ipv6s, mapped, api_keys, pseudonyms)))
def test_no_address_key_or_pseudonym_survives_in_any_text(framed):
    line, secret = framed
    assert secret not in redact(line)


@given(
    st.sampled_from(["identifier", "value", "subject", "participant", "api_key", "token"]),
    st.sampled_from(["=", ": ", '": "', "='"]),
    identifiers,
    FILLER,
)
def test_named_identifiers_and_keys_never_survive(name, separator, value, tail):
    line = f"{name}{separator}{value} {tail}"
    assert f"{separator}{value}" not in redact(line)


def test_real_api_keys_are_masked(db):
    from cityrights.core.models import Organisation

    city = Organisation.objects.create(slug="c", name="C", kind="city")
    _key, secret = ApiKey.issue(city, "k", ["read"])
    assert secret.split("_", 2)[2] not in redact(f"sent {secret} in a header")


def test_log_filter_rewrites_records_and_tracebacks():
    try:
        raise ValueError("no account for ann@example.org from 2001:db8::7")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "user %s failed", ("bo@x.org",), sys.exc_info()
        )
    RedactPersonalData().filter(record)
    text = logging.Formatter().format(record)
    assert record.getMessage() == "user [e-mail] failed"
    assert "ValueError: no account for [e-mail] from [ip]" in text
    assert "ann@example.org" not in text
    assert "2001:db8" not in text
