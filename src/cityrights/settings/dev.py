"""Local development: debug pages and console e-mail, SQLite unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
