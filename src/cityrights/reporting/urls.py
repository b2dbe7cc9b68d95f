"""URLs of the reporting app: public pages under /cities/<org>/, staff under /manage/<org>/."""

from django.urls import path  # noqa: F401

app_name = "reporting"

urlpatterns: list = []
