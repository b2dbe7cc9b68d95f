"""City content per language: fallback order, ``lang`` marking, forms and city settings."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cityrights.core import translation as tr
from cityrights.core.models import Organisation, validate_language_list
from cityrights.core.tenancy import org_view

LANGUAGES = ("en", "fr", "nl")


class Leaflet(models.Model):
    """A model with one translated field, only ever built in memory by these tests."""

    title = tr.TranslatedField(models.CharField("title", max_length=200, blank=True))
    body = tr.TranslatedField(models.TextField("body", blank=True))

    class Meta:
        app_label = "core"
        managed = False

    def __str__(self) -> str:
        return self.title


def leaflet(**texts: str) -> Leaflet:
    item = Leaflet()
    for code, value in texts.items():
        setattr(item, f"title_{code}", value)
    return item


def test_translated_field_makes_one_column_per_interface_language():
    names = {field.name for field in Leaflet._meta.get_fields()}
    assert {"title_en", "title_fr", "title_nl", "body_en", "body_fr", "body_nl"} <= names
    assert "title" not in names
    assert tr.field_names("title") == ["title_en", "title_fr", "title_nl"]
    assert tr.field_names("title", ["nl"]) == ["title_nl"]


@pytest.mark.parametrize(
    ("active", "expected"),
    [("fr", "fr"), ("fr-be", "fr"), ("nl-BE", "nl"), ("de", "en"), ("en-gb", "en")],
)
def test_current_language_is_an_interface_code(active, expected):
    with translation.override(active):
        assert tr.current_language() == expected


def test_reading_gives_the_active_language_then_the_citys_first():
    item = leaflet(en="Air sensors", nl="Luchtsensoren")
    with translation.override("nl"):
        assert item.title == "Luchtsensoren"
    with translation.override("fr"), tr.city_languages(["nl", "en"]):
        assert tr.shown(item, "title") == tr.Shown("Luchtsensoren", "nl")
    with translation.override("fr"):
        # Outside a city page the interface's own order applies: English first.
        assert tr.shown(item, "title") == tr.Shown("Air sensors", "en")


def test_a_blank_text_is_missing_not_shown():
    item = leaflet(en="Air sensors", fr="   ")
    with translation.override("fr"):
        assert tr.shown(item, "title") == tr.Shown("Air sensors", "en")
    assert tr.shown(leaflet(), "title") == tr.Shown("", "")


texts = st.dictionaries(st.sampled_from(LANGUAGES), st.text(max_size=12), max_size=3)


@given(
    values=texts,
    active=st.sampled_from(LANGUAGES),
    city=st.lists(st.sampled_from(LANGUAGES), unique=True, max_size=3),
)
def test_fallback_rule(values, active, city):
    """The shown text is the first non-blank one in: active, city's languages, any."""
    item = leaflet(**values)
    with translation.override(active), tr.city_languages(city):
        result = tr.shown(item, "title")
    filled = [code for code in LANGUAGES if values.get(code, "").strip()]
    if not filled:
        assert result == tr.Shown("", "")
        return
    order = list(dict.fromkeys([active, *city, *LANGUAGES]))
    expected = next(code for code in order if code in filled)
    assert result == tr.Shown(values[expected], expected)
    assert tr.translations(item, "title") == {code: values[code] for code in filled}


def test_assigning_writes_the_active_language_only():
    item = leaflet(en="Cameras")
    with translation.override("fr"):
        item.title = "Caméras"
    assert (item.title_en, item.title_fr, item.title_nl) == ("Cameras", "Caméras", "")


def test_set_translations_refuses_a_language_the_site_does_not_offer():
    item = leaflet()
    tr.set_translations(item, "title", {"fr": "Caméras", "nl": "Camera's"})
    assert tr.translations(item, "title") == {"fr": "Caméras", "nl": "Camera's"}
    with pytest.raises(ValueError, match="'de' is not a language"):
        tr.set_translations(item, "title", {"de": "Kameras"})


def test_missing_languages_counts_only_fields_written_somewhere():
    item = leaflet(fr="Caméras")
    assert tr.missing_languages(item, ["title", "body"], ["fr", "nl"]) == {"title": ["nl"]}
    item.title_nl = "Camera's"
    assert tr.missing_languages(item, ["title", "body"], ["fr", "nl"]) == {}


def render(source: str, **context: object) -> str:
    return Template("{% load cityrights %}" + source).render(Context(context))


def test_tag_marks_a_fallback_with_its_language_and_escapes_it():
    item = leaflet(nl="<b>Luchtsensoren</b>")
    with translation.override("fr"):
        html = render('{% translated item "title" %}', item=item)
    assert html == '<span lang="nl">&lt;b&gt;Luchtsensoren&lt;/b&gt;</span>'
    with translation.override("nl"):
        assert render('{% translated item "title" %}', item=item) == (
            "&lt;b&gt;Luchtsensoren&lt;/b&gt;"
        )


def test_shown_text_is_plain_in_plain_text_templates():
    """E-mails render with autoescaping off: the text, without markup, and no error."""
    item = leaflet(nl="Luchtsensoren & co")
    with translation.override("fr"):
        text = render(
            '{% autoescape off %}{% translated item "title" %}{% endautoescape %}', item=item
        )
        assert text == "Luchtsensoren & co"
        assert render('{% translated item "title" as t %}{{ t|upper }}', item=item) == (
            "LUCHTSENSOREN &amp; CO"
        )


def test_tag_reads_snapshots_and_gives_a_lang_attribute_for_blocks():
    snapshot = {"title": {"en": "Cameras", "fr": "Caméras"}}
    with translation.override("nl"):
        assert render("{% translated snapshot.title %}", snapshot=snapshot) == (
            '<span lang="en">Cameras</span>'
        )
        html = render(
            '{% translated item "title" as t %}<p{{ t.lang_attribute }}>{{ t.text }}</p>',
            item=leaflet(fr="Caméras"),
        )
    assert html == '<p lang="fr">Caméras</p>'
    with translation.override("fr"):
        assert render("{% translated snapshot.title %}", snapshot=snapshot) == "Caméras"


class LeafletForm(tr.TranslatedFormMixin, forms.ModelForm):
    translated_fields = ("title", "body")
    required_translations = ("title",)

    class Meta:
        model = Leaflet
        fields = [*tr.field_names("title"), *tr.field_names("body")]

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_languages(languages)


def test_form_offers_the_citys_languages_and_requires_the_default_one():
    with translation.override("en"):
        form = LeafletForm(data={"title_nl": "Camera's"}, languages=("fr", "nl"))
        assert list(form.fields) == ["title_fr", "title_nl", "body_fr", "body_nl"]
        assert form.fields["title_fr"].label == "Title (French)"
        assert form.fields["title_nl"].widget.attrs["lang"] == "nl"
        assert not form.is_valid()
        assert list(form.errors) == ["title_fr"]
    single = LeafletForm(data={"title_nl": "Camera's"}, languages=("nl",))
    assert single.is_valid(), single.errors
    assert single.fields["title_nl"].label == "Title"


def test_form_keeps_texts_of_languages_the_city_no_longer_uses():
    item = leaflet(en="Cameras", fr="Caméras")
    form = LeafletForm(data={"title_fr": "Caméras de rue"}, instance=item, languages=("fr",))
    assert form.is_valid(), form.errors
    saved = form.save(commit=False)
    assert (saved.title_en, saved.title_fr) == ("Cameras", "Caméras de rue")


def test_city_languages_start_with_the_default_and_skip_repeats():
    city = Organisation(default_language="fr", additional_languages="nl,fr,en")
    assert city.content_languages == ("fr", "nl", "en")
    assert Organisation(default_language="nl").content_languages == ("nl",)


def test_language_list_refuses_unknown_codes():
    validate_language_list("fr,nl")
    # In English whatever language a test before this one in the same worker left active.
    with translation.override("en"), pytest.raises(ValidationError, match="Unknown language: de"):
        validate_language_list("fr,de")


@pytest.mark.django_db
def test_city_pages_fall_back_to_the_citys_languages(city_a):
    organisation = city_a.city
    organisation.default_language = "nl"
    organisation.additional_languages = "fr"
    organisation.save()
    seen: list[tuple[str, ...]] = []

    @org_view()
    def page(request):
        seen.append(tr.fallback_order("en"))
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert page(request, org=organisation.slug).status_code == 200
    assert seen == [("en", "nl", "fr")]
    assert tr.fallback_order("en") == ("en", "fr", "nl")


@pytest.mark.django_db
def test_settings_page_saves_the_other_languages(city_a):
    client = city_a.client_for("admin")
    data = {
        "name": "City A",
        "default_language": "fr",
        "additional_languages": ["nl", "fr"],
        "is_public": "on",
        "primary_colour": "#1d4f91",
        "accent_colour": "#8a1c4a",
    }
    page = client.get("/manage/city-a/settings/")
    assert 'name="additional_languages"' in page.content.decode()
    assert client.post("/manage/city-a/settings/", data).status_code == 302
    city_a.city.refresh_from_db()
    assert city_a.city.additional_languages == "nl"
    assert city_a.city.content_languages == ("fr", "nl")
    again = client.get("/manage/city-a/settings/").content.decode()
    assert 'value="nl" id="id_additional_languages_2" checked' in again
