"""Webhook addresses: only https to publicly routable addresses (or the on-premise
allow-list), checked at registration and again at delivery, and the notice goes to the
address that was checked while TLS verifies the host name. No test needs the internet:
the address policy is a pure function, names are resolved by a resolver the test gives,
and delivery goes to a local HTTPS server let in through the allow-list."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.consent import notices, outbound, services
from cityrights.consent.models import NoticeOutbox
from cityrights.consent.outbound import UnsafeWebhook, address_problem, parse_webhook_url

FORBIDDEN_V4 = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
]  # fmt: skip
FORBIDDEN_V6 = ["::1/128", "::/128", "fc00::/7", "fe80::/10", "ff00::/8", "2001:db8::/32"]


def _no_dns(host: str, port: int) -> list[str]:
    raise OSError("no DNS in tests")


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Names resolve only where a test says so."""
    monkeypatch.setattr(outbound, "resolver", _no_dns)


def in_network(draw, cidr: str):
    network = ipaddress.ip_network(cidr)
    return network[draw(st.integers(0, network.num_addresses - 1))]


@st.composite
def forbidden_v4(draw) -> ipaddress.IPv4Address:
    return in_network(draw, draw(st.sampled_from(FORBIDDEN_V4)))


def v4_forms(address: ipaddress.IPv4Address) -> list[str]:
    """Ways a resolver or a URL parser may read as this IPv4 address."""
    a, b, c, d = address.packed
    n = int(address)
    return [
        str(address),
        f"{address}.",
        str(n),
        hex(n),
        f"{a}.{(b << 16) | (c << 8) | d}",
        f"{a}.{b}.{(c << 8) | d}",
        f"0{a:o}.0{b:o}.0{c:o}.0{d:o}",
        f"{a:#x}.{b:#x}.{c:#x}.{d:#x}",
        f"{a:03d}.{b:03d}.{c:03d}.{d:03d}",
        "".join(chr(0xFF10 + int(ch)) if ch.isdigit() else "\uff0e" for ch in str(address)),
        f"[::ffff:{address}]",
        f"[::ffff:{n >> 16:x}:{n & 0xFFFF:x}]",
        f"[0:0:0:0:0:FFFF:{n >> 16:04X}:{n & 0xFFFF:04X}]",
        f"[::{address}]",
        f"[64:ff9b::{address}]",
        f"[2002:{n >> 16:x}:{n & 0xFFFF:x}::1]",
    ]


@settings(max_examples=300, deadline=None)
@given(address=forbidden_v4(), form=st.integers(0, 15), port=st.sampled_from(["", ":443", ":8443"]))
def test_a_forbidden_ipv4_address_is_refused_in_any_textual_form(address, form, port):
    host = v4_forms(address)[form]
    with pytest.raises(UnsafeWebhook):
        outbound.check_webhook_url(f"https://{host}{port}/hook")


@st.composite
def forbidden_v6(draw) -> ipaddress.IPv6Address:
    return in_network(draw, draw(st.sampled_from(FORBIDDEN_V6)))


@settings(max_examples=200, deadline=None)
@given(address=forbidden_v6(), exploded=st.booleans(), upper=st.booleans())
def test_a_forbidden_ipv6_address_is_refused_in_any_textual_form(address, exploded, upper):
    text = address.exploded if exploded else address.compressed
    text = text.upper() if upper else text
    with pytest.raises(UnsafeWebhook):
        outbound.check_webhook_url(f"https://[{text}]/hook")


@settings(max_examples=200, deadline=None)
@given(address=st.one_of(forbidden_v4(), forbidden_v6()), ipv6=st.booleans())
def test_a_name_that_resolves_to_a_forbidden_address_is_refused(address, ipv6):
    public = "2001:4860:4860::8888" if ipv6 else "8.8.8.8"
    before = outbound.resolver
    outbound.resolver = lambda host, port: [public, str(address)]
    try:
        with pytest.raises(UnsafeWebhook, match="where notices are never sent"):
            outbound.check_webhook_url("https://partner.example.org/hook")
    finally:
        outbound.resolver = before


@settings(max_examples=200, deadline=None)
@given(number=st.integers(0, 2**32 - 1))
def test_the_policy_agrees_with_the_forbidden_networks(number):
    """Pure function: an IPv4 address passes exactly when it is in no forbidden network,
    and so does the same address mapped into IPv6."""
    address = ipaddress.IPv4Address(number)
    forbidden = any(address in ipaddress.ip_network(net) for net in FORBIDDEN_V4)
    assert (address_problem(address) is not None) == forbidden
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert (address_problem(mapped) is not None) == forbidden


def test_the_allow_list_lets_on_premise_partners_in(settings, monkeypatch):
    settings.CITYRIGHTS_WEBHOOK_ALLOWED_NETWORKS = "10.20.0.0/16, fd00:1::/64"
    monkeypatch.setattr(outbound, "resolver", lambda host, port: ["10.20.3.4"])
    assert outbound.check_webhook_url("https://hooks.partner.internal/x").host == (
        "hooks.partner.internal"
    )
    assert outbound.check_webhook_url("https://[fd00:1::5]/x").literal is not None
    for refused in ("https://10.21.0.1/x", "https://127.0.0.1/x", "https://[fd00:2::5]/x"):
        with pytest.raises(UnsafeWebhook):
            outbound.check_webhook_url(refused)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://lab.example.org/hook", "https://"),
        ("ftp://lab.example.org/hook", "https://"),
        ("https://user:pw@lab.example.org/hook", "user name or password"),
        ("https://user@lab.example.org/hook", "user name or password"),
        ("https://exa mple.com/hook", "spaces"),
        ("https://lab.example.org\\@evil.example/hook", "backslashes"),
        ("https://lab_1.example.org/hook", "not well formed"),
        ("https://-lab.example.org/hook", "not well formed"),
        ("https://localhost/hook", "full host name"),
        ("https://lab.example.org:0/hook", "out of range"),
        ("https://lab.example.org:99999/hook", "not well formed"),
        ("https://lab.example.org/hook#frag", "fragment"),
        ("https:///hook", "no host"),
        ("https://[::1/hook", "not well formed"),
        ("https://" + "a" * 500 + ".example/", "too long"),
    ],
)
def test_malformed_webhook_urls_are_refused_with_a_reason(url, reason):
    with pytest.raises(UnsafeWebhook, match=reason):
        parse_webhook_url(url)


def test_a_global_address_and_a_resolving_name_pass(monkeypatch):
    assert address_problem(ipaddress.ip_address("93.184.216.34")) is None
    assert address_problem(ipaddress.ip_address("2606:2800:220:1::1")) is None
    monkeypatch.setattr(outbound, "resolver", lambda host, port: ["93.184.216.34"])
    target = outbound.check_webhook_url("https://Lab.Example.ORG:8443/hooks/x?a=1")
    assert (target.host, target.port, target.path) == ("lab.example.org", 8443, "/hooks/x?a=1")


def test_an_unknown_host_is_refused_at_registration(sharing):
    with pytest.raises(services.ConsentError, match="could not be found"):
        services.create_webhook(sharing.lab, "https://nowhere.example/hook", actor=None)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://localhost:6379/",
        "https://10.0.0.5/",
        "https://169.254.169.254/latest/meta-data/",
        "https://user:pw@lab.example.org/",
        "https://exa mple.com",
        "https://[::ffff:127.0.0.1]/",
    ],
)
def test_the_issue_examples_are_refused_at_registration(sharing, url):
    with pytest.raises(services.ConsentError) as refused:
        services.create_webhook(sharing.lab, url, actor=None)
    assert refused.value.field == "url"


# --- delivery to a local HTTPS server through the allow-list (conftest.partner_server) -------
@pytest.fixture
def person(sharing, resident):
    return services.subject_for_user(sharing.city, resident, create=True)


def test_a_notice_is_delivered_over_verified_tls_to_the_checked_address(
    sharing, person, partner_server
):
    port, received, _answers = partner_server
    url = f"https://hooks.partner.test:{port}/consent"
    _hook, secret = services.create_webhook(sharing.lab, url, actor=None)
    services.change_consent(person, sharing.study, action="grant")
    services.change_consent(person, sharing.study, action="withdraw")
    assert notices.deliver_due() == (1, 0)
    headers, body = received[0]
    assert headers["Host"] == f"hooks.partner.test:{port}"
    assert notices.verify_signature(
        secret, int(headers["X-Cityrights-Timestamp"]), body, headers["X-Cityrights-Signature"]
    )
    assert NoticeOutbox.objects.get().status == "delivered"


def test_a_name_that_rebinds_to_a_forbidden_address_gets_nothing(sharing, person, partner_server):
    port, received, answers = partner_server
    services.create_webhook(sharing.lab, f"https://hooks.partner.test:{port}/c", actor=None)
    answers["hooks.partner.test"] = ["10.0.0.5"]  # the DNS answer changed after registration
    services.change_consent(person, sharing.study, action="grant")
    services.change_consent(person, sharing.study, action="withdraw")
    assert notices.deliver_due() == (0, 1)
    assert received == []
    row = NoticeOutbox.objects.get()
    assert row.status == "pending" and "refused" in row.last_error and "private" in row.last_error


def test_tls_is_verified_for_the_host_name(sharing, person, partner_server, settings):
    port, received, answers = partner_server
    answers["other.partner.test"] = ["127.0.0.1"]  # same server, certificate for another name
    services.create_webhook(sharing.lab, f"https://other.partner.test:{port}/c", actor=None)
    services.change_consent(person, sharing.study, action="grant")
    services.change_consent(person, sharing.study, action="withdraw")
    assert notices.deliver_due() == (0, 1)
    assert received == []
    assert "TLS" in NoticeOutbox.objects.get().last_error
