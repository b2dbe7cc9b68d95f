"""Browsers send a text area's line breaks as CRLF; what is stored has LF, as the API, the
importers and the demo write it (found by the Dutch walkthrough: saving the settings page
unchanged logged a change of the demo's address, and the API then showed ``\\r\\n``)."""

from __future__ import annotations

from django.test import Client

from cityrights.core.models import AuditEvent

from .test_local_name import FORM, SETTINGS


def _settings_form(address: str) -> dict[str, object]:
    """The settings page of a French and Dutch city as the browser sends it."""
    return {
        **FORM,
        "postal_address_fr": address,
        "postal_address_nl": "Stadhuis\rGrote Markt 1",  # a lone CR, as old Macs wrote
    }


def test_a_text_area_is_stored_with_lf_line_breaks(brussels):
    admin = brussels.client_for("admin")
    form = _settings_form("Hôtel de ville\r\nGrand-Place 1")
    assert admin.post(SETTINGS, form).status_code == 302
    brussels.city.refresh_from_db()
    assert brussels.city.postal_address_fr == "Hôtel de ville\nGrand-Place 1"
    assert brussels.city.postal_address_nl == "Stadhuis\nGrote Markt 1"
    api = Client().get("/api/v1/organisations/city-a").json()
    assert api["postal_addresses"]["fr"] == "Hôtel de ville\nGrand-Place 1"


def test_saving_an_unchanged_form_records_no_change_of_a_text_area(brussels):
    city = brussels.city
    city.postal_address_fr = "Hôtel de ville\nGrand-Place 1"
    city.postal_address_nl = "Stadhuis\nGrote Markt 1"
    city.save()
    admin = brussels.client_for("admin")
    form = _settings_form("Hôtel de ville\r\nGrand-Place 1")
    assert admin.post(SETTINGS, form).status_code == 302
    # Nothing changed, so nothing is logged (an empty "changed" line was, found by the
    # walkthrough).
    assert not AuditEvent.objects.filter(object_type="core.organisation").exists()


def test_a_form_without_a_carriage_return_is_given_to_the_view_as_sent(brussels):
    """The copy is made only when needed; a value keeps its other whitespace."""
    admin = brussels.client_for("admin")
    form = _settings_form("  Hôtel de ville\n\tGrand-Place 1")
    form["postal_address_nl"] = ""
    assert admin.post(SETTINGS, form).status_code == 302
    brussels.city.refresh_from_db()
    # The form field strips the ends, as Django's CharField does; the tab is kept.
    assert brussels.city.postal_address_fr == "Hôtel de ville\n\tGrand-Place 1"
