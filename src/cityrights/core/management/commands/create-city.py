"""``cityrights create-city``: a new installation's first city, with its first administrator.

Everything else about the city (departments, colours, logo, contact) is then set by that
administrator on the city's own settings pages; more people are added there too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse

from cityrights.core.models import Membership, Organisation, OrganisationKind, Role, User


class Command(BaseCommand):
    help = (
        "Create a city and make an existing account its administrator, e.g. "
        "`cityrights create-city brussels 'Ville de Bruxelles' --language fr --also nl "
        "--country BE --admin it@brussels.example` (create the account first, e.g. with "
        "`cityrights createsuperuser`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        codes = ", ".join(code for code, _name in settings.LANGUAGES)
        parser.add_argument("slug", help="the short name in addresses: /cities/<slug>/")
        parser.add_argument("name", help="the city's name")
        parser.add_argument(
            "--admin", required=True, help="e-mail address of the account to make administrator"
        )
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help=f"first language ({codes})"
        )
        parser.add_argument(
            "--also", default="", help="other languages of the city's texts, e.g. nl or fr,nl"
        )
        parser.add_argument("--country", default="", help="two-letter ISO code, e.g. BE")

    def handle(self, *args: Any, **options: Any) -> None:
        admin = User.objects.filter(email__iexact=options["admin"].strip()).first()
        if admin is None:
            raise CommandError(
                f"No account has the address {options['admin']}: create it first "
                "(`cityrights createsuperuser`, or sign-up on the site)."
            )
        city = Organisation(
            slug=options["slug"],
            name=options["name"],
            kind=OrganisationKind.CITY,
            default_language=options["language"],
            additional_languages=options["also"],
            country=options["country"].upper(),
        )
        try:
            city.full_clean()
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise CommandError(f"The city was not created. {problems}") from error
        with transaction.atomic():
            city.save()
            Membership.objects.create(user=admin, organisation=city, role=Role.ADMIN)
        base = settings.CITYRIGHTS_BASE_URL.rstrip("/")
        self.stdout.write(self.style.SUCCESS(f"Created {city.name}; {admin.email} administers it."))
        self.stdout.write(f"Public site: {base}{reverse('core:city_home', args=[city.slug])}")
        self.stdout.write(f"Staff area:  {base}{reverse('core:dashboard', args=[city.slug])}")
