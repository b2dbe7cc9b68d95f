"""A procurement's tender name and reasons in the city's languages: residents read them on
the register entry (a Brussels resident reading Dutch met an English-only tender), one box
per language with the first required, the languages still missing, the migration."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from cityrights.impact import services
from cityrights.impact.models import Procurement

from .conftest import make_entry

REASON = {
    "fr": "Le matériel du fournisseur n'offre pas cette option.",
    "nl": "De apparatuur van de leverancier heeft die mogelijkheid niet.",
}


def _keys():
    requirements = services.latest_checklist().checklist.requirements
    return requirements[0].key, requirements[1].key


def _form(entry, first, second, **more):
    return {
        "tender_fr": "Capteurs de stationnement",
        "tender_nl": "Parkeersensoren",
        "reference": "T-9",
        "department": "",
        "entry": entry.pk,
        "public": "on",
        f"{first}-included": "yes",
        f"{second}-included": "no",
        f"{second}-reason-fr": REASON["fr"],
        f"{second}-reason-nl": REASON["nl"],
        **more,
    }


def test_the_form_has_a_box_per_city_language_and_requires_the_first(brussels):
    entry = make_entry(brussels)
    first, second = _keys()
    editor = brussels.client_for("editor")
    address = reverse("impact:procurement_new", kwargs={"org": "city-a"})
    form = editor.get(address).content.decode()
    for name in ("tender_fr", "tender_nl", f"{second}-reason-fr", f"{second}-reason-nl"):
        assert f'name="{name}"' in form
    assert 'name="tender_en"' not in form and 'lang="nl"' in form
    # No French name, or a reason in Dutch only: refused, nothing saved.
    for missing in ("tender_fr", f"{second}-reason-fr"):
        response = editor.post(address, _form(entry, first, second, **{missing: ""}))
        assert response.status_code == 422
        assert f'id="id_{missing}_errors"' in response.content.decode()
    assert not Procurement.objects.exists()
    assert editor.post(address, _form(entry, first, second)).status_code == 302
    saved = Procurement.objects.get()
    assert (saved.tender_fr, saved.tender_nl, saved.tender_en) == (
        "Capteurs de stationnement",
        "Parkeersensoren",
        "",
    )
    assert saved.answers[second] == {"included": False, "reasons": REASON}
    assert saved.missing_languages() == []


def test_residents_read_the_tender_and_reasons_in_their_language(brussels):
    entry = make_entry(brussels)
    first, second = _keys()
    editor = brussels.client_for("editor")
    address = reverse("impact:procurement_new", kwargs={"org": "city-a"})
    data = _form(entry, first, second, tender_nl="", **{f"{second}-reason-nl": ""})
    assert editor.post(address, data).status_code == 302
    procurement = Procurement.objects.get()
    # The Dutch texts are missing: the staff page says so, the Dutch reader gets French.
    notice = editor.get(procurement.get_absolute_url()).content.decode()
    assert 'id="missing-translations"' in notice and "Dutch" in notice
    public = f"/cities/city-a/register/{entry.code}/"
    dutch = Client().get(public, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<span lang="fr">Capteurs de stationnement</span>' in dutch
    assert (
        '<span lang="fr">Le matériel du fournisseur n&#x27;offre pas cette option.</span>' in dutch
    )
    services.save_procurement(
        brussels.city,
        brussels.users["editor"],
        procurement=procurement,
        details={"tender": {"fr": "Capteurs de stationnement", "nl": "Parkeersensoren"}},
        answers={second: {"included": False, "reasons": REASON}},
    )
    dutch = Client().get(public, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Parkeersensoren" in dutch and "De apparatuur van de leverancier" in dutch
    assert "Capteurs de stationnement" not in dutch
    french = Client().get(public, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Capteurs de stationnement" in french and "Parkeersensoren" not in french


def test_the_service_refuses_reasons_in_a_language_the_site_does_not_have(brussels):
    _first, second = _keys()
    with pytest.raises(services.ImpactError) as refused:
        services.save_procurement(
            brussels.city,
            brussels.users["editor"],
            details={"tender": {"fr": "Capteurs"}},
            answers={second: {"included": False, "reasons": {"de": "Nein."}}},
        )
    assert refused.value.status == 422 and refused.value.field == second
    with pytest.raises(services.ImpactError) as refused:
        services.save_procurement(
            brussels.city,
            brussels.users["editor"],
            details={"tender": {"nl": "Sensoren"}},
            answers={},
        )
    assert refused.value.field == "tender" and "French" in refused.value.message
    assert not Procurement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_texts_in_the_citys_first_language_and_back(city_a):
    before = [("impact", "0007_public_title_per_language")]
    _first, second = _keys()
    city_a.city.default_language = "nl"
    city_a.city.save()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Old = apps.get_model("impact", "Procurement")
    checklist = apps.get_model("impact", "ProcurementChecklistVersion").objects.first()
    old = Old.objects.create(
        organisation_id=city_a.city.pk,
        checklist=checklist,
        tender="Parkeersensoren",
        answers={second: {"included": False, "reason": REASON["nl"]}},
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    procurement = Procurement.objects.get(pk=old.pk)
    assert (procurement.tender_nl, procurement.tender_en) == ("Parkeersensoren", "")
    assert procurement.answers[second] == {"included": False, "reasons": {"nl": REASON["nl"]}}
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    back = apps.get_model("impact", "Procurement").objects.get(pk=old.pk)
    assert back.tender == "Parkeersensoren"
    assert back.answers[second] == {"included": False, "reason": REASON["nl"]}
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_change_without_names_keeps_them_and_a_plain_name_is_the_first_language(brussels):
    _first, second = _keys()
    editor = brussels.users["editor"]
    made = services.save_procurement(
        brussels.city, editor, details={"tender": "Capteurs"}, answers={}
    )
    assert (made.tender_fr, made.tender_nl) == ("Capteurs", "")
    services.save_procurement(
        brussels.city,
        editor,
        procurement=made,
        details={"public": False},
        answers={second: {"included": False, "reasons": REASON}},
    )
    made.refresh_from_db()
    assert (made.tender_fr, made.public) == ("Capteurs", False)
