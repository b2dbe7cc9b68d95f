"""Settings profiles: ``dev`` (default), ``test`` and ``production``.

Every profile reads its configuration from the environment (see ``base``).
"""
