"""Keep personal data out of logs.

Request paths may carry e-mail addresses or identifiers in query strings, and
exception messages may quote input. The filter drops query strings and masks
what could point at a person or open a door:

* e-mail addresses, IPv4 and IPv6 addresses (with zone, compressed and IPv4-mapped forms);
* API keys of any prefix (``crk_<prefix>_<secret>``), bearer tokens, and the value of
  anything named like a key, token, password or secret;
* consent pseudonyms (``subj-…``), keyed identifier hashes and other 64-digit hex
  digests, and the value of anything named like an external identifier
  (``identifier``, ``value``, ``subject``, ``participant``, ``email``, ``phone`` …);
* telephone numbers written internationally (``+32 …``, ``0032 …``) and runs of nine
  digits or more (card, record and national numbers).

Gunicorn's own log lines go through the same filter (``cityrights.gunicorn_conf``).
"""

from __future__ import annotations

import ipaddress
import logging
import re

QUERY = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]*")
BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s\"',;]+")
API_KEY = re.compile(r"\bcrk_[A-Za-z0-9]+_[\w-]+")
SECRET_FIELD = re.compile(
    r"(?i)\b((?:x[-_])?api[-_]?key|authorization|token|password|secret)"
    r"([\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;]+)"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IDENTIFIER_FIELD = re.compile(
    r"(?i)\b(identifier(?:_value)?|value|subject|pseudonym|participant|card|email|phone)"
    r"([\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;(){}\[\]]+)"
)
PSEUDONYM = re.compile(r"\bsubj-[a-z2-7]{8,}\b")
DIGEST = re.compile(r"\b[0-9a-fA-F]{64}\b")
IPV6_CANDIDATE = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]*(?:%[\w.]+)?")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
PHONE = re.compile(r"(?<![\w+])(?:\+|00)\d[\d ().\-/]{6,}\d")
LONG_NUMBER = re.compile(r"(?<![\w.,-])\d{9,}(?![\w.,])")


def _ipv6(match: re.Match[str]) -> str:
    text = match.group(0)
    try:
        ipaddress.IPv6Address(text.split("%", 1)[0])
    except ValueError:
        return text  # a time of day such as 16:14:22, or other colon-separated text
    return "[ip]"


def redact(text: str) -> str:
    """``text`` with query strings removed and personal data and secrets masked."""
    text = QUERY.sub(r"\1?…", text)
    text = BEARER.sub(r"\1[key]", text)
    text = API_KEY.sub("crk_[key]", text)
    text = SECRET_FIELD.sub(r"\1\2[secret]", text)
    text = EMAIL.sub("[e-mail]", text)
    text = IDENTIFIER_FIELD.sub(r"\1\2[id]", text)
    text = PSEUDONYM.sub("subj-[pseudonym]", text)
    text = DIGEST.sub("[digest]", text)
    text = IPV6_CANDIDATE.sub(_ipv6, text)
    text = IPV4.sub("[ip]", text)
    text = PHONE.sub("[phone]", text)
    return LONG_NUMBER.sub("[number]", text)


class RedactPersonalData(logging.Filter):
    """Rewrite each record's message, traceback and stack with :func:`redact`."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        # Tracebacks quote exception messages, which may quote input: format them now (the
        # handler's formatter reuses exc_text) so they pass through the filter too.
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        # django.request attaches the request; formatters must not print it.
        if hasattr(record, "request"):
            record.request = None
        return True
