"""Sharing scores with a coalition: the form offers only coalitions not chosen yet."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityrights.assessment import services
from cityrights.assessment.models import AssessmentCycle
from cityrights.core.models import Organisation

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"assessment:{name}", kwargs={"org": "city-a", **kwargs})


def test_sharing_form_offers_only_coalitions_not_yet_chosen(city_a, cycle):
    coalition = Organisation.objects.create(slug="coal", name="Coalition", kind="coalition")
    client = city_a.client_for("admin")
    before = client.get(url("coalition")).content.decode()
    assert "Share validated scores" in before
    services.share_with(city_a.city, coalition, city_a.users["admin"])
    after = client.get(url("coalition")).content.decode()
    assert "Share validated scores" not in after
    assert AssessmentCycle.objects.filter(pk=cycle.pk).exists()
