"""Django's template tags that return the same text every time, kept once computed.

A public page renders around fifty ``{% translate "…" %}``, fifteen ``{% url %}`` and
five ``{% static %}`` tags, and each looks its answer up again on every render: the
catalogue through a lazy proxy, the URL resolver's candidates, the storage's URL. Their
answers depend only on the language, the arguments and the settings, which do not change
while a process runs. The modules here are Django's own tags (same syntax, same output),
registered in ``settings.TEMPLATES`` in place of Django's, that keep each answer:

* ``i18n`` (library): ``translate`` and ``blocktranslate`` whose message is fixed in the
  template, per language and escaping;
* ``static`` (library): ``static`` with a quoted path;
* ``urls`` (builtin): ``url``, per view name, arguments, namespace, script prefix and
  URL configuration, in a bounded table;
* ``blocks`` (builtin): ``extends``, which lists the root template's blocks once per
  compiled template instead of walking its tree on every render.

What is kept is dropped when a setting it depends on changes (``setting_changed``, as
Django drops its own translation and resolver caches), so tests that override settings
see fresh answers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Variable

K = TypeVar("K")

#: Settings whose change may change a kept answer.
SETTINGS = frozenset(
    {
        "LANGUAGES",
        "LANGUAGE_CODE",
        "LOCALE_PATHS",
        "ROOT_URLCONF",
        "STATIC_URL",
        "STORAGES",
        "FORCE_SCRIPT_NAME",
        "INSTALLED_APPS",
    }
)

_generation = 0


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    global _generation
    if setting in SETTINGS:
        _generation += 1


class Kept(Generic[K]):
    """Answers by key, dropped when a setting they depend on changes, at most ``size``."""

    def __init__(self, size: int = 64) -> None:
        self.generation = _generation
        self.size = size
        self.values: dict[K, str] = {}

    def get(self, key: K) -> str | None:
        if self.generation != _generation:
            self.generation = _generation
            self.values.clear()
        return self.values.get(key)

    def put(self, key: K, value: str) -> None:
        if len(self.values) >= self.size:
            self.values.clear()  # a page's own arguments (an entry's code) would grow it
        self.values[key] = value


class KeptRender:
    """For a node whose ``render`` may set ``asvar``: what Django's render gave under
    ``key``, kept and given back (or set as ``asvar``) on the next render. An empty answer
    (a URL that did not resolve under ``as``) is not kept: Django is asked again."""

    asvar: str | None
    kept: Kept[Hashable]

    def kept_render(self, context: Any, key: Hashable, render: Callable[[], str]) -> str:
        value = self.kept.get(key)
        if value is None:
            output = render()
            value = context[self.asvar] if self.asvar else output
            if not value:
                return output
            self.kept.put(key, value)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def fixed(expression: FilterExpression | None) -> bool:
    """Whether ``expression`` is a quoted string without filters (or absent)."""
    if expression is None:
        return True
    if expression.filters:
        return False
    var = expression.var
    if isinstance(var, str):
        return True
    return isinstance(var, Variable) and var.literal is not None and var.lookups is None
