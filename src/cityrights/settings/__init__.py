"""Settings profiles: ``dev`` (default), ``test`` and ``production``.

Every profile reads its configuration from the environment (see ``base``).
"""

#: The time zone when ``CITYRIGHTS_TIME_ZONE`` is not set (``TIME_ZONE``, and the time of
#: gunicorn's own log lines, ``cityrights.gunicorn_conf``).
DEFAULT_TIME_ZONE = "Europe/Brussels"
