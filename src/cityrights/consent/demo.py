"""Demo content: partners, agreements, residents with consent histories, a webhook, checkpoints.

Idempotent: organisations and agreements are found by slug, the residents'
histories are written only once, and a checkpoint is signed only when the tree
grew. The mobility lab gets a published demo API key (like the demo
password, for trying the consent-check API on a laptop; never in production).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cityrights.core.demo import DemoContext
from cityrights.core.models import ApiKey, Organisation, OrganisationKind
from cityrights.core.translation import field_names, set_translations, translations
from cityrights.core.vocab import DPV, EU_GDPR, PD

from . import ledger, partner_checks, services
from .models import AgreementVersion, EventKind, EventMethod, ProcessingAgreement, Webhook

DEMO_KEY_PREFIX = "demomlab"
DEMO_KEY_SECRET = "demo-mobility-lab-check-key"  # noqa: S105 - published on purpose, demo only
DEMO_KEY = f"crk_{DEMO_KEY_PREFIX}_{DEMO_KEY_SECRET}"

PARTNERS = [
    ("demo-mobility-lab", "University Mobility Lab", OrganisationKind.PUBLIC_BODY),
    ("demo-public-library", "Demo City Public Library", OrganisationKind.PUBLIC_BODY),
    ("demo-sports-centre", "Riverside Sports Centre", OrganisationKind.COMPANY),
    ("demo-tax-office", "Regional Tax Office", OrganisationKind.PUBLIC_BODY),
]

AGREEMENTS: list[dict[str, Any]] = [
    {
        "slug": "mobility-study",
        "title": {
            "en": "Crowd-sensing mobility study",
            "fr": "Étude participative sur la mobilité",
            "nl": "Burgeronderzoek naar mobiliteit",
        },
        "recipient": "demo-mobility-lab",
        "legal_basis": EU_GDPR + "A9-2-a",
        "purposes": [DPV + "AcademicResearch", DPV + "ImproveTransportMobility"],
        "categories": [PD + "GPSCoordinate", PD + "PhysicalHealth"],
        "description": {
            "en": (
                "Volunteers carry the city's cycling app for their daily trips. The university "
                "lab receives the GPS track of each trip and, if you allow it, the heart rate "
                "from your sports watch, to learn which streets feel stressful to cycle in. "
                "Results are published only as maps and totals."
            ),
            "fr": (
                "Des volontaires utilisent l'application vélo de la ville pour leurs trajets "
                "quotidiens. Le laboratoire de l'université reçoit le tracé GPS de chaque trajet "
                "et, si vous l'acceptez, le rythme cardiaque de votre montre de sport, pour "
                "savoir dans quelles rues le vélo est stressant. Les résultats ne sont publiés "
                "que sous forme de cartes et de totaux."
            ),
            "nl": (
                "Vrijwilligers gebruiken de fietsapp van de stad voor hun dagelijkse ritten. Het "
                "lab van de universiteit krijgt het gps-spoor van elke rit en, als u het "
                "toestaat, de hartslag van uw sporthorloge, om te leren in welke straten fietsen "
                "stress geeft. De resultaten worden alleen als kaarten en totalen gepubliceerd."
            ),
        },
        "retention": {
            "en": "Until the study report is published, at most two years",
            "fr": "Jusqu'à la publication du rapport de l'étude, deux ans au plus",
            "nl": "Tot het onderzoeksrapport verschijnt, hoogstens twee jaar",
        },
        "expires_on": date(2028, 6, 30),
        "valid_days": 365,
    },
    {
        "slug": "library-services",
        "title": {
            "en": "Library reminders and reading suggestions",
            "fr": "Rappels et suggestions de lecture de la bibliothèque",
            "nl": "Herinneringen en leestips van de bibliotheek",
        },
        "recipient": "demo-public-library",
        "legal_basis": DPV + "Consent",
        "purposes": [DPV + "ServicePersonalisation", DPV + "CommunicationManagement"],
        "categories": [PD + "EmailAddress", PD + "ServiceConsumptionBehavior"],
        "description": {
            "en": (
                "The library e-mails you before a loan is due and suggests books based on what "
                "you borrowed. Without your consent you can still borrow; you just get no e-mails."
            ),
            "fr": (
                "La bibliothèque vous envoie un e-mail avant la fin d'un prêt et vous suggère des "
                "livres selon ce que vous avez emprunté. Sans votre consentement, vous pouvez "
                "toujours emprunter ; vous ne recevez simplement pas d'e-mails."
            ),
            "nl": (
                "De bibliotheek mailt u voordat een lening afloopt en raadt boeken aan op basis "
                "van wat u leende. Zonder uw toestemming kunt u gewoon lenen; u krijgt dan "
                "alleen geen e-mails."
            ),
        },
        "retention": {
            "en": "As long as your library card is valid",
            "fr": "Tant que votre carte de bibliothèque est valable",
            "nl": "Zolang uw bibliotheekkaart geldig is",
        },
        "expires_on": None,
        "valid_days": None,
    },
    {
        "slug": "sports-offers",
        "title": {
            "en": "Sports centre membership offers",
            "fr": "Offres d'abonnement du centre sportif",
            "nl": "Aanbiedingen voor een abonnement bij het sportcentrum",
        },
        "recipient": "demo-sports-centre",
        "legal_basis": DPV + "Consent",
        "purposes": [DPV + "ServiceProvision", DPV + "CommunicationManagement"],
        "categories": [PD + "Name", PD + "EmailAddress", PD + "Age"],
        "description": {
            "en": (
                "Residents who sign up at a city event can receive the sports centre's offers "
                "for their age group. The centre gets your name, e-mail address and age, "
                "nothing else."
            ),
            "fr": (
                "Les habitants qui s'inscrivent lors d'un événement de la ville peuvent recevoir "
                "les offres du centre sportif pour leur tranche d'âge. Le centre reçoit votre "
                "nom, votre adresse e-mail et votre âge, rien d'autre."
            ),
            "nl": (
                "Inwoners die zich op een evenement van de stad inschrijven, kunnen de "
                "aanbiedingen van het sportcentrum voor hun leeftijdsgroep krijgen. Het centrum "
                "krijgt uw naam, e-mailadres en leeftijd, verder niets."
            ),
        },
        "retention": {
            "en": "One year after your last visit",
            "fr": "Un an après votre dernière visite",
            "nl": "Een jaar na uw laatste bezoek",
        },
        "expires_on": None,
        "valid_days": 730,
    },
    {
        "slug": "tax-record",
        "title": {
            "en": "Local tax record",
            "fr": "Dossier des taxes locales",
            "nl": "Dossier lokale belastingen",
        },
        "recipient": "demo-tax-office",
        "legal_basis": EU_GDPR + "A6-1-c",
        "purposes": [DPV + "LegalCompliance"],
        "categories": [PD + "Name", PD + "PhysicalAddress", PD + "Tax"],
        "description": {
            "en": (
                "The city passes the data needed to levy the local waste and property taxes to "
                "the regional tax office. The law requires it, so it does not depend on your "
                "consent."
            ),
            "fr": (
                "La ville transmet à l'administration fiscale régionale les données nécessaires "
                "pour percevoir les taxes locales sur les déchets et sur la propriété. La loi "
                "l'impose : cela ne dépend donc pas de votre consentement."
            ),
            "nl": (
                "De stad geeft de gegevens die nodig zijn om de lokale afval- en "
                "onroerendgoedbelasting te innen door aan de gewestelijke belastingdienst. De "
                "wet verplicht dat, dus het hangt niet af van uw toestemming."
            ),
        },
        "retention": {
            "en": "Ten years, as tax law requires",
            "fr": "Dix ans, comme l'exige la législation fiscale",
            "nl": "Tien jaar, zoals de belastingwet vereist",
        },
        "expires_on": None,
        "valid_days": None,
    },
]


def _partner(city: Organisation, slug: str, name: str, kind: str) -> Organisation:
    partner, _created = Organisation.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "city": city,
            "is_public": False,
            "country": city.country,
            "contact_email": f"privacy@{slug}.example",
        },
    )
    return partner


def _agreement(
    city: Organisation, spec: dict[str, Any], partners: dict[str, Organisation], ctx: DemoContext
) -> ProcessingAgreement:
    agreement = ProcessingAgreement.objects.filter(organisation=city, slug=spec["slug"]).first()
    if agreement is not None:
        if translations(agreement, "title") != spec["title"]:
            # The title is no part of the frozen terms: a demo written before agreements had
            # several languages gets its French and Dutch titles (its versions keep theirs).
            set_translations(agreement, "title", spec["title"])
            agreement.save(update_fields=field_names("title"))
        return agreement
    agreement = ProcessingAgreement(
        organisation=city,
        slug=spec["slug"],
        controller=city,
        recipient=partners[spec["recipient"]],
        legal_basis=spec["legal_basis"],
        created_by=ctx.users["editor"],
    )
    set_translations(agreement, "title", spec["title"])
    agreement.save()
    version = AgreementVersion(
        agreement=agreement,
        number=1,
        status=AgreementVersion.Status.PUBLISHED,
        purposes=spec["purposes"],
        data_categories=spec["categories"],
        expires_on=spec["expires_on"],
        consent_valid_days=spec["valid_days"],
        created_by=ctx.users["editor"],
        published_by=ctx.users["reviewer"],
        published_at=timezone.now(),
    )
    set_translations(version, "description", spec["description"])
    set_translations(version, "retention", spec["retention"])
    version.save(force_insert=True)
    return agreement


def _demo_key(partner: Organisation) -> None:
    if ApiKey.objects.filter(prefix=DEMO_KEY_PREFIX).exists():
        return
    ApiKey.objects.create(
        organisation=partner,
        name="Demo consent checks (published demo key)",
        prefix=DEMO_KEY_PREFIX,
        secret_hash=hashlib.sha256(DEMO_KEY_SECRET.encode()).hexdigest(),
        scopes=["consent:check", "webhooks"],
    )


def load(context: DemoContext) -> None:
    city = context.city
    with transaction.atomic():
        partners = {slug: _partner(city, slug, name, kind) for slug, name, kind in PARTNERS}
        agreements = {
            spec["slug"]: _agreement(city, spec, partners, context) for spec in AGREEMENTS
        }
        lab = partners["demo-mobility-lab"]
        _demo_key(lab)
        if not Webhook.objects.filter(recipient=lab).exists():
            services.create_webhook(
                lab,
                "https://mobility-lab.demo-city.example/hooks/consent-withdrawn",
                actor=context.users["admin"],
                resolve=False,  # a demo name that does not exist; deliveries check again
            )
    resident = context.users["resident"]
    subject = services.subject_for_user(city, resident, create=True)
    assert subject is not None
    if subject.head_seq == 0:
        _history(subject, agreements, context)
        key = ApiKey.objects.get(prefix=DEMO_KEY_PREFIX)
        study = agreements["mobility-study"].current_version()
        assert study is not None
        partner_checks.decide(
            key,
            [
                partner_checks.CheckItem(
                    agreement="mobility-study",
                    purpose=DPV + "AcademicResearch",
                    categories=(PD + "GPSCoordinate",),
                    subject=subject.pseudonym,
                ),
                partner_checks.CheckItem(
                    agreement="mobility-study",
                    purpose=DPV + "AcademicResearch",
                    categories=(PD + "PhysicalHealth",),
                    subject=subject.pseudonym,
                ),
            ],
            batch=True,
        )
    _volunteers(city, agreements, key=ApiKey.objects.get(prefix=DEMO_KEY_PREFIX))
    ledger.checkpoint()
    context.logins.append(("Partner API key (mobility lab)", DEMO_KEY, ""))


VOLUNTEERS = 12  # study participants known to the lab by their participant number only


def _volunteers(
    city: Organisation, agreements: dict[str, ProcessingAgreement], key: ApiKey
) -> None:
    """Residents without an account, enrolled at the lab's desk: each a short history.

    Some gave GPS and heart rate, some GPS only, some withdrew later; the lab
    has checked each of them once. The partner API can be tried on them with
    the demo key (``{"identifier": {"kind": "participant", "value": "MS-2026-001"}}``).
    """
    study = agreements["mobility-study"]
    version = study.current_version()
    assert version is not None
    gps, heart = PD + "GPSCoordinate", PD + "PhysicalHealth"
    now = timezone.now()
    items = []
    for n in range(1, VOLUNTEERS + 1):
        number = f"MS-2026-{n:03d}"
        if services.subject_by_identifier(city, "participant", number) is not None:
            continue
        subject = services.create_subject(city)
        services.link_identifier(subject, "participant", number)
        first = [gps, heart] if n % 3 else [gps]
        ledger.append(subject, kind=EventKind.GRANT, version=version, categories=first,
                      method=EventMethod.PAPER, witness="Mobility study desk",
                      at=now - timedelta(days=60 - n))  # fmt: skip
        if n % 4 == 0:
            ledger.append(subject, kind=EventKind.WITHDRAW, version=version, categories=first,
                          method=EventMethod.WEB, at=now - timedelta(days=20 - n))  # fmt: skip
        items.append(
            partner_checks.CheckItem(
                agreement="mobility-study",
                purpose=DPV + "AcademicResearch",
                categories=(gps,),
                identifier_kind="participant",
                identifier_value=number,
            )
        )
    if items:
        partner_checks.decide(key, items, batch=True)


def _history(subject: Any, agreements: dict[str, ProcessingAgreement], ctx: DemoContext) -> None:
    now = timezone.now()
    study = agreements["mobility-study"]
    library = agreements["library-services"]
    sports = agreements["sports-offers"]
    steps = [
        (study, EventKind.GRANT, None, EventMethod.WEB, None, 40),
        (library, EventKind.GRANT, None, EventMethod.WEB, None, 30),
        (study, EventKind.WITHDRAW, [PD + "PhysicalHealth"], EventMethod.WEB, None, 12),
        (
            sports,
            EventKind.GRANT,
            [PD + "EmailAddress", PD + "Age"],
            EventMethod.PAPER,
            ctx.users["editor"].name or "City desk",
            5,
        ),
    ]
    for agreement, kind, categories, method, witness, days_ago in steps:
        version = agreement.current_version()
        assert version is not None
        scope = categories or version.data_categories
        ledger.append(
            subject,
            kind=kind,
            version=version,
            categories=scope,
            method=method,
            witness=witness,
            at=now - timedelta(days=days_ago),
        )
    services.link_identifier(subject, "library-card", "LIB-0042-7781")
