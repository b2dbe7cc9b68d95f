"""Where withdrawal notices may be sent: the address policy and a connection pinned to it.

A webhook URL comes from a partner, and the notice worker runs inside the
city's network, next to the database, Redis and the cloud's metadata
service. Without a policy a partner could make the worker post signed
notices (with pseudonyms) to ``http://127.0.0.1:6379/`` or
``https://169.254.169.254/``. So:

* **Shape** (:func:`parse_webhook_url`): ``https`` only, no user name or
  password, a port in range, no fragment, and a well-formed host: a DNS name
  of letters, digits and hyphens (IDNA for other scripts) whose last label is
  not numeric, a canonical dotted-quad IPv4 address, or a bracketed IPv6
  address. Anything a resolver could read as an address in some other way
  (``127.1``, ``2130706433``, ``0x7f.0.0.1``, ``0177.0.0.1``) is refused as
  malformed, not guessed at.
* **Addresses** (:func:`address_problem`, a pure function): only globally
  routable unicast addresses. Loopback, private, shared (CGNAT), link-local,
  multicast, reserved, documentation, benchmarking and unspecified addresses
  are refused, in IPv4 and IPv6, and so is every IPv6 address that carries an
  IPv4 address inside (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible
  ``::a.b.c.d``, NAT64 ``64:ff9b::/96`` and ``64:ff9b:1::/48``, 6to4
  ``2002::/16``, Teredo ``2001::/32``) when that IPv4 address is refused.
* **Allow-list**: ``CITYRIGHTS_WEBHOOK_ALLOWED_NETWORKS`` (comma-separated
  addresses or networks, e.g. ``10.20.0.0/16,fd00:1::/64``) lets an
  on-premise partner in; it overrides the rule above for those networks only.
* **Resolution, twice**: the host is resolved when the webhook is
  registered and again before every delivery; every address it resolves to
  must pass. The notice is then sent to one of *those* addresses
  (:func:`post`): the connection is opened to the checked IP, so a DNS answer
  that changes in between (DNS rebinding) cannot redirect it, while TLS still
  verifies the certificate for the host name (SNI and ``Host`` as usual).
  Redirects are never followed. ``CITYRIGHTS_WEBHOOK_CA_FILE`` adds a CA
  bundle for partners with an internal certificate authority.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import re
import socket
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

MAX_URL_LENGTH = 500
TIMEOUT_SECONDS = 10

_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_DOTTED_QUAD = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")  # canonical: no leading zeros
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)")

# IPv6 prefixes that carry an IPv4 address in their low 32 bits.
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# Ranges that Python's is_global does not call non-global in every supported version.
_ALSO_REFUSED: tuple[Network, ...] = (
    ipaddress.IPv4Network("100.64.0.0/10"),  # shared address space (carrier-grade NAT)
    ipaddress.IPv4Network("192.0.0.0/24"),  # IETF protocol assignments
    ipaddress.IPv4Network("198.18.0.0/15"),  # benchmarking
    ipaddress.IPv6Network("2001:db8::/32"),  # documentation
    ipaddress.IPv6Network("fec0::/10"),  # site-local (deprecated)
    ipaddress.IPv6Network("100::/64"),  # discard-only
)


class UnsafeWebhook(ValueError):
    """A webhook address that notices must not go to; the message says why, for people."""


@dataclass(frozen=True)
class Target:
    """A well-formed webhook URL, split for a connection."""

    host: str  # ASCII (IDNA) host name or address, without brackets
    port: int
    path: str  # path and query, as sent in the request line
    literal: IPAddress | None  # the address, when the host is one


# --- shape ---------------------------------------------------------------------------------
def _host(raw: str) -> tuple[str, IPAddress | None]:
    if raw.startswith("["):
        if not raw.endswith("]"):
            raise UnsafeWebhook(_("the host is not well formed"))
        try:
            return raw[1:-1], ipaddress.IPv6Address(raw[1:-1])
        except ValueError as error:
            raise UnsafeWebhook(_("the IPv6 address is not well formed")) from error
    try:
        ascii_host = raw.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError as error:
        raise UnsafeWebhook(_("the host name is not well formed")) from error
    if _DOTTED_QUAD.fullmatch(ascii_host):
        return ascii_host, ipaddress.IPv4Address(ascii_host)
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise UnsafeWebhook(_("the host name is not well formed"))
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        # "127.1", "2130706433", "0x7f.0.0.1": resolvers read these as addresses.
        raise UnsafeWebhook(_("the host is neither a name nor an address written in full"))
    if len(labels) < 2:
        raise UnsafeWebhook(_("give the partner's full host name (with its domain)"))
    return ascii_host, None


def parse_webhook_url(url: str) -> Target:
    """Check the shape of a webhook URL; raises :class:`UnsafeWebhook`."""
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH:
        raise UnsafeWebhook(
            _("the address is too long (at most %(count)d characters)") % {"count": MAX_URL_LENGTH}
        )
    if any(ord(c) <= 32 or c == "\\" or ord(c) == 127 for c in url):
        raise UnsafeWebhook(_("the address contains spaces, control characters or backslashes"))
    try:
        parts = urlsplit(url)
        port = parts.port if parts.port is not None else 443
    except ValueError as error:
        raise UnsafeWebhook(_("the address is not well formed")) from error
    if parts.scheme.lower() != "https":
        raise UnsafeWebhook(_("notices carry personal data: the address must start with https://"))
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise UnsafeWebhook(_("the address must not contain a user name or password"))
    if parts.fragment:
        raise UnsafeWebhook(_("the address must not contain a fragment (#…)"))
    if not 1 <= port <= 65535:
        raise UnsafeWebhook(_("the port is out of range"))
    netloc_host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    if not netloc_host:
        raise UnsafeWebhook(_("the address has no host"))
    host, literal = _host(netloc_host)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(host=host, port=port, path=path, literal=literal)


# --- addresses -----------------------------------------------------------------------------
def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = []
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if any(address in network for network in _NAT64) or address in _IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def address_problem(address: IPAddress, allowed: Iterable[Network] = ()) -> str | None:
    """Why notices must not go to ``address`` (None: they may). A pure function.

    ``allowed`` networks (the on-premise allow-list) are let in as they are.
    """
    if any(address.version == net.version and address in net for net in allowed):
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:a.b.c.d is the IPv4 address a.b.c.d on a dual-stack socket: judge that.
        problem = address_problem(address.ipv4_mapped, allowed)
        return (
            None
            if problem is None
            else _("%(problem)s, inside an IPv6 address") % {"problem": problem}
        )
    if address.is_unspecified:
        return _("an unspecified address")
    if address.is_loopback:
        return _("a loopback address (this server itself)")
    if address.is_link_local:
        return _("a link-local address")
    if address.is_multicast:
        return _("a multicast address")
    if address.is_private:
        return _("a private network address")
    if address.is_reserved:
        return _("a reserved address")
    if isinstance(address, ipaddress.IPv6Address):
        for inner in _embedded_ipv4(address):
            problem = address_problem(inner, allowed)
            if problem:
                return _("%(problem)s, inside an IPv6 address") % {"problem": problem}
    if any(address.version == net.version and address in net for net in _ALSO_REFUSED):
        return _("a special-purpose address")
    if not address.is_global:
        return _("an address that is not publicly routable")
    return None


def _setting(name: str) -> str:
    """A Django setting, else the environment variable of the same name."""
    return str(getattr(settings, name, "") or os.environ.get(name, ""))


def allowed_networks() -> list[Network]:
    """The on-premise allow-list from ``CITYRIGHTS_WEBHOOK_ALLOWED_NETWORKS``."""
    raw = _setting("CITYRIGHTS_WEBHOOK_ALLOWED_NETWORKS")
    return [
        ipaddress.ip_network(item.strip(), strict=False) for item in raw.split(",") if item.strip()
    ]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


#: Replaced in tests by a resolver that needs no network.
resolver: Resolver = system_resolver


def checked_addresses(target: Target, allowed: Sequence[Network] | None = None) -> list[IPAddress]:
    """Resolve the target and check every address; raises :class:`UnsafeWebhook`."""
    networks = allowed_networks() if allowed is None else list(allowed)
    if target.literal is not None:
        candidates: list[IPAddress] = [target.literal]
    else:
        try:
            found = resolver(target.host, target.port)
        except (OSError, UnicodeError) as error:
            raise UnsafeWebhook(
                _("the host name %(host)s could not be found") % {"host": target.host}
            ) from error
        candidates = []
        for text in found:
            try:
                candidates.append(ipaddress.ip_address(text.split("%", 1)[0]))
            except ValueError as error:
                raise UnsafeWebhook(
                    _("%(host)s resolves to something unusable") % {"host": target.host}
                ) from error
        if not candidates:
            raise UnsafeWebhook(
                _("the host name %(host)s could not be found") % {"host": target.host}
            )
    for address in candidates:
        problem = address_problem(address, networks)
        if problem:
            raise UnsafeWebhook(
                _("%(host)s leads to %(problem)s, where notices are never sent")
                % {"host": target.host, "problem": problem}
            )
    return candidates


def check_webhook_url(url: str) -> Target:
    """Shape and addresses, as at registration; raises :class:`UnsafeWebhook`."""
    target = parse_webhook_url(url)
    checked_addresses(target)
    return target


# --- delivery ------------------------------------------------------------------------------
def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    extra = _setting("CITYRIGHTS_WEBHOOK_CA_FILE")
    if extra:
        context.load_verify_locations(cafile=extra)
    return context


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed, already checked IP address, verifying the certificate for the host."""

    def __init__(self, target: Target, address: IPAddress, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=TIMEOUT_SECONDS, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((str(self._address), self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Response:
    status: int | None
    error: str = ""


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST ``body`` to a checked address of ``url``; never follows redirects.

    The address check runs again here (the DNS answer may have changed since
    registration), and the connection goes to the address that passed.
    """
    try:
        target = parse_webhook_url(url)
        addresses = checked_addresses(target)
    except UnsafeWebhook as error:
        return Response(None, f"refused: {error}")
    context = tls_context()
    last_error = "no address to connect to"
    for address in addresses:
        connection = _PinnedHTTPSConnection(target, address, context)
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read(65536)
            return Response(response.status, "" if 200 <= response.status < 300 else
                            f"HTTP {response.status}")  # fmt: skip
        except ssl.SSLError as error:
            return Response(None, f"TLS: {error.reason or error}"[:300])
        except (OSError, http.client.HTTPException) as error:
            last_error = str(error)[:300] or type(error).__name__
        finally:
            connection.close()
    return Response(None, last_error)
