"""Gunicorn settings for serving cityrights: ``gunicorn --config python:cityrights.gunicorn_conf``.

What it changes from gunicorn's defaults, and why:

* **Access log without personal data.** Gunicorn's default line starts with the client's
  address and quotes the whole request line with its query string and the referrer (a
  staff search for a resident's e-mail, ``?api_key=…``). Ours keeps the time, method,
  path without query string, protocol, status, size and duration.
* **Every gunicorn log line goes through the same filter as Django's** (`RedactingLogger`):
  gunicorn's own error messages quote request URIs and peer addresses.
* **Gunicorn believes no forwarded headers.** Whether a request came over HTTPS is
  decided by Django, which trusts ``X-Forwarded-Proto`` only when
  ``CITYRIGHTS_TRUSTED_PROXIES`` says a proxy is in front.
* **One clock in the log.** Each worker runs in the city's time zone (Django sets ``TZ``
  from ``TIME_ZONE`` when it loads the settings), but the master never loads them and wrote
  its lines in the machine's zone, usually UTC: it is set to the same zone here.
* **No control socket**: it would be created in the home directory and clash between
  two instances on one machine; cityrights does not need ``gunicornc``.

Command-line options given after ``--config`` still override these values.
"""

from __future__ import annotations

import os
import time
from typing import Any

from gunicorn import glogging

from cityrights.core.logging import RedactPersonalData
from cityrights.settings import DEFAULT_TIME_ZONE

os.environ["TZ"] = os.environ.get("CITYRIGHTS_TIME_ZONE") or DEFAULT_TIME_ZONE
time.tzset()

wsgi_app = "cityrights.wsgi"
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
logger_class = "cityrights.gunicorn_conf.RedactingLogger"
secure_scheme_headers: dict[str, str] = {}
control_socket_disable = True


class RedactingLogger(glogging.Logger):
    """Gunicorn's logger with cityrights' personal-data filter on each of its handlers."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactPersonalData) for f in handler.filters):
                    handler.addFilter(RedactPersonalData())
