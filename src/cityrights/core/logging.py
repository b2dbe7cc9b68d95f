"""Keep personal data out of logs.

Request paths may carry e-mail addresses or identifiers in query strings, and
exception messages may quote input. The filter drops query strings and masks
anything that looks like an e-mail address, IP address or API key.
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
API_KEY = re.compile(r"crk_[0-9a-f]+_[\w-]+")
QUERY = re.compile(r"(\"[A-Z]+ [^\s?\"]+)\?[^\s\"]*")


def redact(text: str) -> str:
    text = QUERY.sub(r"\1?…", text)
    text = API_KEY.sub("crk_[key]", text)
    text = EMAIL.sub("[e-mail]", text)
    return IPV4.sub("[ip]", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        # django.request attaches the request; formatters must not print it.
        if hasattr(record, "request"):
            record.request = None
        return True
