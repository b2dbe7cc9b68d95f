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

from cityrights.core.templating.blocks import KeptExtendsNode
from cityrights.core.templating.i18n import KeptBlockTranslateNode, KeptTranslateNode
from cityrights.core.templating.static import KeptStaticNode
from cityrights.core.templating.urls import KeptURLNode

OURS = {
    "libraries": {
        "i18n": "cityrights.core.templating.i18n",
        "static": "cityrights.core.templating.static",
    },
    "builtins": [
        "cityrights.core.templating.urls",
        "cityrights.core.templating.blocks",
    ],
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
    entry = engine.get_template("register/entry.html")
    assert type(entry.nodelist[0]) is KeptExtendsNode


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


# Template inheritance: Django's extends and ours, over the same chains of templates.
CHAIN = {
    "root.html": (
        "<title>{% block title %}Root{% endblock %}</title>"
        "{% block body %}<main>{% block content %}root content{% endblock %}</main>"
        "{% block aside %}{% endblock %}{% endblock %}"
        "{% if show %}{% block optional %}optional{% endblock %}{% endif %}"
    ),
    "leading.html": "  \n{% extends 'root.html' %}{% block title %}Lead{% endblock %}",
    "middle.html": (
        "{% extends 'root.html' %}{% block title %}Middle · {{ block.super }}{% endblock %}"
        "{% block aside %}<aside>middle</aside>{% endblock %}"
    ),
    "page.html": (
        "{% extends 'middle.html' %}{% block title %}Page · {{ block.super }}{% endblock %}"
        "{% block content %}{{ block.super }} + page{% include 'part.html' %}{% endblock %}"
    ),
    "part.html": "{% extends 'leaf.html' %}{% block leaf %}[part]{% endblock %}",
    "leaf.html": "<i>{% block leaf %}leaf{% endblock %}</i>",
    "variable.html": "{% extends parent %}{% block content %}by variable{% endblock %}",
    "no-tags.html": "only text",
    "of-text.html": "{% extends 'no-tags.html' %}{% block content %}never shown{% endblock %}",
}

INHERITANCE = [
    ("root.html", {}),
    ("root.html", {"show": True}),
    ("leading.html", {}),
    ("middle.html", {"show": True}),
    ("page.html", {"show": True}),
    ("page.html", {}),
    ("variable.html", {"parent": "middle.html"}),
    ("variable.html", {"parent": "page.html"}),
    ("of-text.html", {}),
]


def chain_engine(ours: bool) -> Engine:
    options: dict = OURS if ours else DJANGOS
    loaders = [("django.template.loaders.locmem.Loader", CHAIN)]
    return Engine(loaders=[("django.template.loaders.cached.Loader", loaders)], **options)


@pytest.mark.parametrize(("name", "values"), INHERITANCE)
def test_extends_renders_as_djangos_own(name: str, values: dict) -> None:
    django_engine, our_engine = chain_engine(ours=False), chain_engine(ours=True)
    expected = django_engine.get_template(name).render(Context(values))
    for _round in range(3):  # the second and third from the blocks listed once
        assert our_engine.get_template(name).render(Context(values)) == expected
    assert "<title>" in expected or expected == "only text"  # a page, not an empty answer


def test_extends_takes_a_template_object_as_parent() -> None:
    django_engine, our_engine = chain_engine(ours=False), chain_engine(ours=True)
    for _round in range(2):
        got = our_engine.get_template("variable.html").render(
            Context({"parent": our_engine.get_template("middle.html")})
        )
        expected = django_engine.get_template("variable.html").render(
            Context({"parent": django_engine.get_template("middle.html")})
        )
        assert (
            got
            == expected
            == "<title>Middle · Root</title><main>by variable</main><aside>middle</aside>"
        )


def test_a_template_loaded_again_has_its_blocks_listed_again() -> None:
    from cityrights.core.templating.blocks import KeptExtendsNode, root_blocks

    templates = dict(CHAIN)
    loaders = [("django.template.loaders.locmem.Loader", templates)]
    engine = Engine(loaders=[("django.template.loaders.cached.Loader", loaders)], **OURS)
    page = engine.get_template("middle.html")
    assert isinstance(page.nodelist[0], KeptExtendsNode)
    assert page.render(Context()).startswith("<title>Middle · Root</title>")
    first_root = engine.get_template("root.html")
    assert set(root_blocks(first_root) or {}) == {"title", "body", "content", "aside", "optional"}
    assert root_blocks(engine.get_template("page.html")) is None  # it extends: not a root

    templates["root.html"] = (
        "<h1>{% block title %}{% endblock %}</h1>{% block footer %}f{% endblock %}"
    )
    engine.template_loaders[0].reset()  # as a changed file is picked up in development
    assert engine.get_template("middle.html").render(Context()) == "<h1>Middle · </h1>f"
    assert set(root_blocks(engine.get_template("root.html")) or {}) == {"title", "footer"}


def test_extends_more_than_once_is_still_refused() -> None:
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="more than once"):
        Engine(**OURS).from_string("{% extends 'a.html' %}{% extends 'b.html' %}")
    with pytest.raises(TemplateSyntaxError, match="must be the first tag"):
        Engine(**OURS).from_string("{% if x %}{% endif %}{% extends 'a.html' %}")
