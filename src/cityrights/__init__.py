"""cityrights: a platform with which a city puts digital human rights into practice."""

__version__ = "0.1.0"
