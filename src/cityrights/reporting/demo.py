"""Demo City's annual reports: last year's published, this year's draft, in en, fr and nl.

``cityrights demo`` calls :func:`load` after every other app (``reporting`` is the last
installed app), so the figures come from the demo records of the other apps. The register's
demo opened the register last year (with residents' questions answered then), so last year's
report has a transparency section; impact assessments, roadmap actions and consent-based
sharing start this year in the demo, so last year's report says plainly that they had none.

Last year's report is drafted by the editor, approved by the reviewer (who took no part in
it) and published by the administrator, through the same services as the pages. Everything
is idempotent: a year that already has a report is left as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from . import services
from .models import AnnualReport

FOREWORD_LAST_YEAR = {
    "en": (
        "This is Demo City's first yearly account of how it uses digital technology and what "
        "that means for residents' rights. Every figure below is counted from the records our "
        "services keep in this site, and each one says how it was counted and where to look "
        "it up.\n\nThe year was one of foundations: we opened the public register of "
        "algorithms, sensors and data services, completed a first self-assessment of our "
        "maturity and surveyed our staff about the skills they miss. Impact assessments and "
        "consent-based data sharing begin next year, so those chapters are still empty."
    ),
    "fr": (
        "Voici le premier bilan annuel de Demo City sur son usage des technologies numériques "
        "et sur ce qu'il change pour les droits des habitants. Chaque chiffre est compté à "
        "partir des dossiers que nos services tiennent sur ce site, avec la manière dont il a "
        "été obtenu et l'endroit où le vérifier.\n\nCette année a posé les bases : ouverture "
        "du registre public des algorithmes, capteurs et services de données, première "
        "auto-évaluation de notre maturité et enquête auprès du personnel sur les compétences "
        "qui lui manquent. Les analyses d'impact et le partage de données fondé sur le "
        "consentement commencent l'an prochain ; ces chapitres restent donc vides."
    ),
    "nl": (
        "Dit is het eerste jaarverslag van Demo City over hoe de stad digitale technologie "
        "inzet en wat dat betekent voor de rechten van haar inwoners. Elk cijfer hieronder is "
        "geteld uit de gegevens die onze diensten op deze site bijhouden, met telkens hoe het "
        "geteld werd en waar u het kunt nagaan.\n\nHet was een jaar van fundamenten: we "
        "openden het publieke register van algoritmen, sensoren en datadiensten, maakten een "
        "eerste zelfevaluatie van onze maturiteit en vroegen ons personeel welke kennis het "
        "mist. Effectbeoordelingen en het delen van gegevens op basis van toestemming starten "
        "volgend jaar; die hoofdstukken zijn dus nog leeg."
    ),
}

COMMENTARIES_LAST_YEAR = {
    "maturity": {
        "en": (
            "Our first self-assessment puts us at an early level. The foundations of privacy "
            "and security are where we stand best; the cells at zero are practices we had "
            "simply not started."
        ),
        "fr": (
            "Notre première auto-évaluation nous situe à un niveau de départ. Ce sont les "
            "bases de la vie privée et de la sécurité qui sont les plus solides ; les cases à "
            "zéro sont des pratiques que nous n'avions pas encore entamées."
        ),
        "nl": (
            "Onze eerste zelfevaluatie plaatst ons op een beginniveau. De basis van privacy en "
            "beveiliging is het sterkst; de vakjes op nul zijn werkwijzen waar we nog niet "
            "aan begonnen waren."
        ),
    },
    "roadmap": {
        "en": "The roadmap was adopted after this assessment; its actions start next year.",
        "fr": (
            "La feuille de route a été adoptée après cette évaluation ; ses actions commencent "
            "l'an prochain."
        ),
        "nl": (
            "Het stappenplan werd na deze evaluatie goedgekeurd; de acties starten volgend jaar."
        ),
    },
    "transparency": {
        "en": (
            "The register went public this year with the systems already in use. Residents "
            "used it to ask us questions, and we answered all but one of them."
        ),
        "fr": (
            "Le registre a été rendu public cette année avec les systèmes déjà en service. "
            "Des habitants s'en sont servis pour nous interroger, et nous avons répondu à "
            "toutes les questions sauf une."
        ),
        "nl": (
            "Het register ging dit jaar online met de systemen die al in gebruik waren. "
            "Inwoners stelden ons er vragen over, en op één na hebben we ze allemaal "
            "beantwoord."
        ),
    },
    "capacity": {
        "en": (
            "Half of our staff answered the needs survey. Training based on its results "
            "starts next year."
        ),
        "fr": (
            "La moitié du personnel a répondu à l'enquête sur les besoins. Les formations "
            "qui en découlent débutent l'an prochain."
        ),
        "nl": (
            "De helft van ons personeel vulde de behoeftebevraging in. De opleidingen die "
            "daaruit volgen, beginnen volgend jaar."
        ),
    },
}

FOREWORD_THIS_YEAR = {
    "en": (
        "Draft for the year in progress. The figures are taken again before review; this text "
        "will say what changed since last year once the year is over."
    ),
    "fr": (
        "Projet pour l'année en cours. Les chiffres seront repris avant la relecture ; ce "
        "texte dira ce qui a changé depuis l'an dernier une fois l'année terminée."
    ),
    "nl": (
        "Ontwerp voor het lopende jaar. De cijfers worden voor de nalezing opnieuw opgehaald; "
        "deze tekst zal na afloop van het jaar vertellen wat er sinds vorig jaar veranderde."
    ),
}

COMMENTARIES_THIS_YEAR = {
    "impact": {
        "en": "Our first impact assessments: several were decided, one is on hold.",
        "fr": "Nos premières analyses d'impact : plusieurs ont été tranchées, une est suspendue.",
        "nl": "Onze eerste effectbeoordelingen: over meerdere werd beslist, één ligt stil.",
    },
}


def _draft(
    context: Any,
    year: int,
    foreword: dict[str, str],
    commentaries: dict[str, dict[str, str]],
) -> AnnualReport:
    editor = context.users["editor"]
    report = services.generate_draft(organisation=context.city, year=year, actor=editor)
    keys = set(services.section_titles(report))
    return services.update_texts(
        report=report,
        actor=editor,
        foreword=foreword,
        commentaries={key: texts for key, texts in commentaries.items() if key in keys},
    )


@transaction.atomic
def load(context: Any) -> None:
    city = context.city
    this_year = timezone.localdate().year
    last_year = this_year - 1
    reports = AnnualReport.objects.filter(organisation=city)
    if not reports.filter(year=last_year).exists():
        report = _draft(context, last_year, FOREWORD_LAST_YEAR, COMMENTARIES_LAST_YEAR)
        report = services.approve(report=report, actor=context.users["reviewer"])
        services.publish(report=report, actor=context.users["admin"])
    if not reports.filter(year=this_year).exists():
        _draft(context, this_year, FOREWORD_THIS_YEAR, COMMENTARIES_THIS_YEAR)
