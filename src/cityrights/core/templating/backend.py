"""Django's template backend, told that cityrights replaces two tag libraries on purpose.

Django warns (``templates.W003``) when a library name points at more than one module, as
``i18n`` and ``static`` do once ``settings.TEMPLATES`` names this package's modules for
them. That replacement is deliberate (see the package's docstring); any other name used
twice is still reported.
"""

from __future__ import annotations

from typing import Any

from django.template.backends.django import DjangoTemplates

#: Library name → (Django's module, ours).
REPLACED = {
    "i18n": ("django.templatetags.i18n", "cityrights.core.templating.i18n"),
    "static": ("django.templatetags.static", "cityrights.core.templating.static"),
}


class Templates(DjangoTemplates):
    def check(self, **kwargs: Any) -> list[Any]:
        return [warning for warning in super().check(**kwargs) if not self._replaced(warning)]

    def _replaced(self, warning: Any) -> bool:
        if warning.id != "templates.W003":
            return False
        return any(
            warning.msg == f"{name!r} is used for multiple template tag modules: "
            f"{', '.join(repr(module) for module in sorted(modules))}"
            for name, modules in REPLACED.items()
        )
