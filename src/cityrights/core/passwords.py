"""Password rules with messages in the interface's languages.

Django 5.2.20 reworded the minimum-length message, and its French and Dutch catalogues
have not caught up: a Dutch resident signing up read that one refusal in English beside the
others in Dutch. The rule is Django's; the words are ours.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
