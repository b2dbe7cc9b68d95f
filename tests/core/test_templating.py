"""The kept template tags (core/templating) answer exactly as Django's own tags do.

Each snippet is rendered by an engine with Django's libraries and by one with ours, in
every language, with escaping on and off, twice (the second render comes from what was
kept), and the outputs must be equal. Then what would make a kept answer stale: another
language, another argument, another script prefix, changed settings.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template import Context, Engine
from django.test import override_settings
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import translation

from cityrights.core.templating.i18n import KeptBlockTranslateNode, KeptTranslateNode
from cityrights.core.templating.static import KeptStaticNode
from cityrights.core.templating.urls import KeptURLNode

OURS = {
    "libraries": {
        "i18n": "cityrights.core.templating.i18n",
        "static": "cityrights.core.templating.static",
    },
    "builtins": ["cityrights.core.templating.urls"],
}

SNIPPETS = [
    '{% load i18n %}{% translate "Log in" %}',
    "{% load i18n %}{% trans 'Change' %}",
    '{% load i18n %}{% translate "Log in" as label %}[{{ label }}]',
    '{% load i18n %}{% translate "May" context "long month name" %}',
    '{% load i18n %}{% translate "Change" noop %}',
    "{% load i18n %}{% translate word %}",
    '{% load i18n %}{% translate "Log in"|upper %}',
    "{% load i18n %}{% blocktranslate %}Log in{% endblocktranslate %}",
    "{% load i18n %}{% blocktranslate trimmed %}\n  Log in\n{% endblocktranslate %}",
    "{% load i18n %}{% blocktranslate %}Log in{% endblocktranslate %} 100%",
    "{% load i18n %}{% blocktranslate with name=who %}Hello {{ name }}{% endblocktranslate %}",
    "{% load i18n %}{% blocktranslate count n=count %}one{% plural %}many{% endblocktranslate %}",
    "{% load i18n %}{% blocktranslate asvar said %}Log in{% endblocktranslate %}<{{ said }}>",
    "{% load i18n %}{% language 'fr' %}{% translate 'Log in' %}{% endlanguage %}",
    "{% load i18n %}{% get_current_language as lang %}{{ lang }}",
    '{% load static %}{% static "cityrights/cityrights.css" %}',
    "{% load static %}{% static path %}",
    '{% load static %}{% static "a b&c.css" as css %}{{ css }}',
    "{% url 'core:city_home' org=slug %}",
    "{% url 'core:city_home' slug %}",
    "{% url 'core:home' %}",
    "{% url 'no-such-route' as missing %}[{{ missing }}]",
    "{% url name org=slug %}",
]

DJANGOS = {
    "libraries": {"i18n": "django.templatetags.i18n", "static": "django.templatetags.static"}
}

CONTEXT = {
    "word": "Log in",
    "who": "<b>Ann</b>",
    "count": 2,
    "path": "cityrights/cityrights.css",
    "slug": "brussels",
    "name": "core:city_home",
}


def render(engine: Engine, snippet: str, autoescape: bool) -> str:
    return engine.from_string(snippet).render(Context(CONTEXT, autoescape=autoescape))


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_each_tag_renders_as_djangos_own_in_every_language(snippet: str) -> None:
    django_engine, our_engine = Engine(**DJANGOS), Engine(**OURS)
    ours = our_engine.from_string(snippet)  # one template: its nodes keep across renders
    for autoescape in (True, False):
        for _round in range(2):
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    expected = render(django_engine, snippet, autoescape)
                    got = ours.render(Context(CONTEXT, autoescape=autoescape))
                assert got == expected, (code, autoescape)


def nodes(engine: Engine, snippet: str) -> list[type]:
    return [type(node) for node in engine.from_string(snippet).nodelist]


def test_only_fixed_texts_are_kept() -> None:
    engine = Engine(**OURS)
    assert KeptTranslateNode in nodes(engine, '{% load i18n %}{% translate "Log in" %}')
    assert KeptTranslateNode not in nodes(engine, "{% load i18n %}{% translate word %}")
    assert KeptTranslateNode not in nodes(engine, '{% load i18n %}{% translate "x"|upper %}')
    assert KeptTranslateNode not in nodes(engine, '{% load i18n %}{% translate "x" noop %}')
    fixed_block = "{% load i18n %}{% blocktranslate %}Log in{% endblocktranslate %}"
    assert KeptBlockTranslateNode in nodes(engine, fixed_block)
    with_variable = "{% load i18n %}{% blocktranslate %}Hi {{ who }}{% endblocktranslate %}"
    assert KeptBlockTranslateNode not in nodes(engine, with_variable)
    assert KeptStaticNode in nodes(engine, '{% load static %}{% static "x.css" %}')
    assert KeptStaticNode not in nodes(engine, "{% load static %}{% static path %}")
    assert KeptURLNode in nodes(engine, "{% url 'core:home' %}")


def test_the_sites_templates_use_the_kept_tags() -> None:
    from django.template import engines

    engine = engines["django"].engine  # type: ignore[attr-defined]
    template = engine.get_template("base.html")
    kinds = {type(node) for node in template.nodelist.get_nodes_by_type(object)}
    assert {KeptTranslateNode, KeptStaticNode, KeptURLNode} <= kinds


def test_a_kept_url_follows_its_arguments_past_the_table_size() -> None:
    template = Engine(**OURS).from_string("{% url 'core:city_home' org=slug %}")
    for number in range(200):  # more than a node keeps: the table starts again
        assert template.render(Context({"slug": f"city-{number}"})) == f"/cities/city-{number}/"
    assert template.render(Context({"slug": "city-3"})) == "/cities/city-3/"


def test_a_kept_url_follows_the_script_prefix() -> None:
    template = Engine(**OURS).from_string("{% url 'core:home' %}")
    plain = template.render(Context())
    set_script_prefix("/city-hall/")
    try:
        assert template.render(Context()) == "/city-hall/" + plain.lstrip("/")
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert template.render(Context()) == plain


def test_a_url_that_does_not_resolve_is_asked_again() -> None:
    template = Engine(**OURS).from_string("{% url name as found %}[{{ found }}]")
    assert template.render(Context({"name": "no-such-route"})) == "[]"
    assert template.render(Context({"name": "core:home"})) == "[/]"


def test_an_object_argument_is_never_kept() -> None:
    class Code:
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

    template = Engine(**OURS).from_string("{% url 'core:city_home' org=code %}")
    code = Code("first")
    assert template.render(Context({"code": code})) == "/cities/first/"
    code.text = "second"  # same object, new text
    assert template.render(Context({"code": code})) == "/cities/second/"


def test_changed_settings_drop_what_was_kept() -> None:
    engine = Engine(**OURS)
    css = engine.from_string('{% load static %}{% static "site.css" %}')
    assert css.render(Context()) == settings.STATIC_URL + "site.css"
    with override_settings(STATIC_URL="/assets/"):
        assert css.render(Context()) == "/assets/site.css"
    assert css.render(Context()) == settings.STATIC_URL + "site.css"

    label = engine.from_string('{% load i18n %}{% translate "Log in" %}')
    node = label.nodelist.get_nodes_by_type(KeptTranslateNode)[0]
    with translation.override("fr"):
        assert label.render(Context()) == "Se connecter"
        node.kept.values[("fr", True)] = "stale"
        assert label.render(Context()) == "stale"  # what was kept is given back
        with override_settings(LANGUAGES=settings.LANGUAGES[:2]):  # catalogues may differ
            assert label.render(Context()) == translation.gettext("Log in") != "stale"


def test_the_backend_reports_every_other_name_used_twice() -> None:
    from django.template import engines

    from cityrights.core.templating.backend import Templates

    assert engines["django"].check() == []  # the site's: i18n and static replaced on purpose
    libraries = {**OURS["libraries"], "tz": "cityrights.core.templating.i18n"}
    backend = Templates(
        {"NAME": "t", "DIRS": [], "APP_DIRS": True, "OPTIONS": {"libraries": libraries}}
    )
    warnings = backend.check()
    assert [w.id for w in warnings] == ["templates.W003"]
    assert "'tz'" in warnings[0].msg
