"""Demo content of the capacity app: staff, two closed survey rounds and an open one.

The synthetic staff have no password (they exist to be counted and to answer); the
answers follow plausible tendencies (privacy and data control needed most, as in the
Tirana survey) drawn from a fixed seed, so every demo city looks the same. One
department has only three respondents, to show suppression. Everything is idempotent:
a second run finds the rounds by title and adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from cityrights.core.demo import DemoContext
from cityrights.core.models import Membership, Role, User

from . import certificates, services
from .models import SurveyRound

# Synthetic staff per department (slug of core.demo.DEPARTMENTS): culture stays under five.
STAFF = {"mobility": 26, "social": 24, "environment": 18, "digital": 20, "culture": 3, "safety": 17}

# How strongly each topic is needed, on top of a base of 2 (1..4 after noise).
NEED = {
    "privacy-security": 1.5,
    "data-control": 1.3,
    "ethics": 0.8,
    "human-rights": 0.7,
    "bias": 0.6,
    "inclusion": 0.5,
    "participation": 0.2,
}

ROUNDS = [
    # (title, days before today it opened, days before today it closed, answers, need shift)
    (
        {
            "en": "Staff needs survey, first round",
            "fr": "Enquête sur les besoins du personnel, première vague",
            "nl": "Bevraging naar de noden van het personeel, eerste ronde",
        },
        420,
        390,
        62,
        0.3,
    ),
    (
        {
            "en": "Staff needs survey, second round",
            "fr": "Enquête sur les besoins du personnel, deuxième vague",
            "nl": "Bevraging naar de noden van het personeel, tweede ronde",
        },
        60,
        30,
        100,
        0.0,
    ),
]

OPEN_ROUND = {
    "en": "Quick check after the training year",
    "fr": "Point rapide après l'année de formation",
    "nl": "Korte peiling na het opleidingsjaar",
}


def _staff(context: DemoContext) -> dict[str, list[User]]:
    """The synthetic staff members by department, created once with unusable passwords."""
    people: dict[str, list[User]] = {}
    number = 0
    for slug, count in STAFF.items():
        department = context.departments[slug]
        for _index in range(count):
            number += 1
            email = f"staff-{number:03d}@demo-city.example"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User(email=email, name=f"Staff member {number:03d}")
                user.set_unusable_password()
                user.save()
            Membership.objects.get_or_create(
                user=user,
                organisation=context.city,
                defaults={"role": Role.VIEWER, "department": department},
            )
            people.setdefault(slug, []).append(user)
    return people


def _answers(survey: Any, rng: random.Random, shift: float) -> tuple[dict, dict]:
    def pick(keys: list[str], weights: list[float]) -> str:
        return rng.choices(keys, weights=weights)[0]

    need = {
        topic.key: max(1, min(4, round(2 + NEED.get(topic.key, 0.5) - shift + rng.gauss(0, 0.7))))
        for topic in survey.topics
    }
    trained = [k for k in ("data-protection", "human-rights") if rng.random() < 0.2]
    concerns = [
        key
        for key, chance in (
            ("cybercrime", 0.7),
            ("data-use", 0.55),
            ("surveillance", 0.45),
            ("children", 0.4),
            ("access", 0.35),
            ("automated-decisions", 0.3),
        )
        if rng.random() < chance
    ]
    formats = [
        key
        for key, chance in (("in-person", 0.75), ("video", 0.5), ("virtual", 0.4), ("text", 0.3))
        if rng.random() < chance
    ] or ["in-person"]
    answers = {
        "knowledge": pick(["none", "basic", "general", "good"], [3, 5, 3, 1]),
        "digital-projects": pick(["regularly", "sometimes", "never"], [4, 4, 2]),
        "prior-training": trained or ["none"],
        "concerns": concerns,
        "training-need": need,
        "formats": formats,
    }
    others = {}
    if rng.random() < 0.08:
        others["concerns"] = rng.choice(
            [
                "Cameras in parks without clear signs.",
                "Nobody tells us which data the new apps keep.",
                "Older residents cannot book appointments online.",
                "Suppliers decide too much about our data.",
            ]
        )
    return {k: v for k, v in answers.items() if v}, others


def _survey(context: DemoContext, staff: dict[str, list[User]]) -> None:
    admin = context.users["admin"]
    today = timezone.localdate()
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    for title, opened, closed, count, shift in ROUNDS:
        if SurveyRound.objects.filter(organisation=context.city, title_en=title["en"]).exists():
            continue
        survey_round = services.open_round(
            organisation=context.city,
            actor=admin,
            title=title,
            opens_on=today - timedelta(days=opened),
            closes_on=today + timedelta(days=1),
        )
        survey = survey_round.survey.survey
        # Everyone in Culture answers (three: under five), the rest are drawn from the others.
        respondents = list(staff["culture"])
        others = [p for slug, people in staff.items() if slug != "culture" for p in people]
        respondents += rng.sample(others, count - len(respondents))
        for person in respondents:
            answers, texts = _answers(survey, rng, shift)
            services.answer_round(
                survey_round=survey_round,
                person=person,
                answers=answers,
                others=texts,
                share_department=rng.random() > 0.03,
            )
        services.close_round(survey_round=survey_round, actor=admin)
        # The demo's rounds really ran in the past: move their last day there.
        SurveyRound.objects.filter(pk=survey_round.pk).update(
            closes_on=today - timedelta(days=closed)
        )
    if not SurveyRound.objects.filter(
        organisation=context.city, title_en=OPEN_ROUND["en"]
    ).exists():
        services.open_round(
            organisation=context.city,
            actor=admin,
            title=OPEN_ROUND,
            opens_on=today,
            closes_on=today + timedelta(days=21),
        )


# --------------------------------------------------------------------------------------
# Programmes: Tirana's introduction and three deep dives; Dublin's youth and residents
# --------------------------------------------------------------------------------------

T = dict[str, str]

STAFF_PROGRAMME: dict[str, T] = {
    "title": {
        "en": "Digital rights in the city's work",
        "fr": "Les droits numériques dans le travail de la ville",
        "nl": "Digitale rechten in het werk van de stad",
    },
    "description": {
        "en": "An introduction and three deep dives chosen from the staff needs survey, online, "
        "with time to connect each topic to the work of your own department.",
        "fr": "Une introduction et trois approfondissements choisis d'après l'enquête auprès du "
        "personnel, en ligne, avec du temps pour relier chaque thème au travail de votre service.",
        "nl": "Een inleiding en drie verdiepingen, gekozen op basis van de bevraging van het "
        "personeel, online, met tijd om elk onderwerp te verbinden met het werk van uw dienst.",
    },
    "certificate_text": {
        "en": "Knows what digital human rights ask of the city and how to apply them in a project.",
        "fr": "Sait ce que les droits humains numériques demandent à la ville et comment les "
        "appliquer dans un projet.",
        "nl": "Weet wat digitale mensenrechten van de stad vragen en hoe ze toe te passen in een "
        "project.",
    },
}

MODULES: list[dict[str, Any]] = [
    {
        "title": {
            "en": "Introduction to digital human rights",
            "fr": "Introduction aux droits humains numériques",
            "nl": "Inleiding tot digitale mensenrechten",
        },
        "description": {
            "en": "What digital human rights are and what a city can do to protect them.",
            "fr": "Ce que sont les droits humains numériques et ce qu'une ville peut faire "
            "pour les protéger.",
            "nl": "Wat digitale mensenrechten zijn en wat een stad kan doen om ze te beschermen.",
        },
        "learning_goals": {
            "en": "Name the six thematic areas of the Guide\nFind the rights at stake in a project",
            "fr": "Citer les six domaines thématiques du Guide\nRepérer les droits en jeu dans "
            "un projet",
            "nl": "De zes thematische domeinen van de Gids noemen\nDe rechten herkennen die in een "
            "project op het spel staan",
        },
        "topics": ["human-rights", "ethics"],
        "areas": ["autonomy", "transparency"],
    },
    {
        "title": {
            "en": "Data control, safety and protection",
            "fr": "Maîtrise, sûreté et protection des données",
            "nl": "Controle, veiligheid en bescherming van gegevens",
        },
        "description": {
            "en": "How the city protects personal data and lets people control it.",
            "fr": "Comment la ville protège les données personnelles et en laisse la maîtrise aux "
            "personnes.",
            "nl": "Hoe de stad persoonsgegevens beschermt en mensen er controle over geeft.",
        },
        "learning_goals": {
            "en": "Apply data minimisation in a form\nRecognise a data breach and report it",
            "fr": "Appliquer la minimisation des données dans un formulaire\nReconnaître une fuite "
            "de données et la signaler",
            "nl": "Dataminimalisatie toepassen in een formulier\nEen datalek herkennen en melden",
        },
        "topics": ["data-control", "privacy-security"],
        "areas": ["privacy", "autonomy"],
    },
    {
        "title": {
            "en": "Digital inclusion, equality and equity",
            "fr": "Inclusion numérique, égalité et équité",
            "nl": "Digitale inclusie, gelijkheid en billijkheid",
        },
        "description": {
            "en": "Services everyone can reach, and algorithms that treat groups fairly.",
            "fr": "Des services que chacun peut atteindre, et des algorithmes qui traitent les "
            "groupes équitablement.",
            "nl": "Diensten die iedereen kan bereiken, en algoritmen die groepen eerlijk "
            "behandelen.",
        },
        "learning_goals": {
            "en": "Check a service for accessibility\nSpot bias in a data set",
            "fr": "Vérifier l'accessibilité d'un service\nRepérer un biais dans un jeu de données",
            "nl": "Een dienst controleren op toegankelijkheid\n"
            "Vooroordelen in een dataset opmerken",
        },
        "topics": ["inclusion", "bias"],
        "areas": ["inclusion"],
    },
    {
        "title": {
            "en": "Transparency and accountability",
            "fr": "Transparence et redevabilité",
            "nl": "Transparantie en verantwoording",
        },
        "description": {
            "en": "Telling residents what the city's technology does, and answering for it.",
            "fr": "Dire aux habitants ce que font les technologies de la ville, et en répondre.",
            "nl": "Inwoners vertellen wat de technologie van de stad doet, en daarover "
            "verantwoording afleggen.",
        },
        "learning_goals": {
            "en": "Write a register entry residents understand",
            "fr": "Rédiger une fiche de registre que les habitants comprennent",
            "nl": "Een registerfiche schrijven die inwoners begrijpen",
        },
        "topics": ["ethics", "participation"],
        "areas": ["transparency"],
    },
]

# Modules attended per person (index into MODULES), in the spirit of Tirana's 47 officials:
# 13 attended three or four modules, 10 attended two, the others one.
PATTERN = (
    [(0, 1, 2, 3)] * 5
    + [(0, 1, 3)] * 5
    + [(0, 1, 2)] * 3
    + [(0, 1)] * 4
    + [(1, 3)] * 3
    + [(0, 2)] * 3
    + [(0,)] * 9
    + [(3,)] * 6
    + [(1,)] * 5
    + [(2,)] * 4
)

PUBLIC_PROGRAMMES: list[dict[str, Any]] = [
    {
        "audience": "youth",
        "title": {
            "en": "Your data, your city",
            "fr": "Tes données, ta ville",
            "nl": "Jouw data, jouw stad",
        },
        "description": {
            "en": "A walking debate for secondary-school students on cameras, apps and "
            "privacy in the city: stand where you agree, say why, change your mind.",
            "fr": "Un débat mouvant pour les élèves du secondaire sur les caméras, les applis "
            "et la vie privée en ville : place-toi selon ton avis, explique pourquoi, change "
            "d'avis.",
            "nl": "Een wandeldebat voor leerlingen uit het secundair over camera's, apps en "
            "privacy in de stad: ga staan waar je het mee eens bent, zeg waarom, verander van "
            "mening.",
        },
        "module": {
            "en": "Walking debate on privacy and technology",
            "fr": "Débat mouvant sur la vie privée et les technologies",
            "nl": "Wandeldebat over privacy en technologie",
        },
        "place": {
            "en": "Central library, Room 2",
            "fr": "Bibliothèque centrale, salle 2",
            "nl": "Centrale bibliotheek, zaal 2",
        },
        "topics": ["privacy-security", "participation"],
        "capacity": 25,
    },
    {
        "audience": "residents",
        "title": {
            "en": "Privacy and the public good",
            "fr": "Vie privée et bien commun",
            "nl": "Privacy en het algemeen belang",
        },
        "description": {
            "en": "A community workshop: when would you share data about yourself to make the "
            "neighbourhood better, with whom, and on which terms?",
            "fr": "Un atelier de quartier : quand partageriez-vous des données sur vous pour "
            "améliorer le quartier, avec qui, et à quelles conditions ?",
            "nl": "Een buurtworkshop: wanneer zou u gegevens over uzelf delen om de buurt te "
            "verbeteren, met wie, en onder welke voorwaarden?",
        },
        "module": {
            "en": "Community workshop: sharing data for the neighbourhood",
            "fr": "Atelier de quartier : partager des données pour le quartier",
            "nl": "Buurtworkshop: gegevens delen voor de buurt",
        },
        "place": {
            "en": "Docks community centre",
            "fr": "Maison de quartier des Docks",
            "nl": "Buurthuis De Dokken",
        },
        "topics": ["data-control", "participation"],
        "capacity": 3,
    },
]


def _staff_programme(context: DemoContext, staff: dict[str, list[User]]) -> None:
    from .models import Programme, Registration, Session

    if Programme.objects.filter(
        organisation=context.city, title_en=STAFF_PROGRAMME["title"]["en"]
    ).exists():
        return
    admin, reviewer = context.users["admin"], context.users["reviewer"]
    trainers = [context.users["editor"], reviewer, context.users["editor"], context.users["viewer"]]
    planned = SurveyRound.objects.filter(
        organisation=context.city, title_en=ROUNDS[1][0]["en"]
    ).first()
    programme = services.create_programme(
        organisation=context.city,
        actor=admin,
        title=STAFF_PROGRAMME["title"],
        description=STAFF_PROGRAMME["description"],
        certificate_text=STAFF_PROGRAMME["certificate_text"],
        planned_from=planned,
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    sessions: list[Session] = []
    for index, spec in enumerate(MODULES):
        module = services.save_module(
            programme=programme,
            actor=admin,
            texts={name: spec[name] for name in ("title", "description", "learning_goals")},
            topics=spec["topics"],
            areas=spec["areas"],
        )
        start = now - timedelta(days=80 - 14 * index, hours=now.hour - 10)
        sessions.append(
            services.save_session(
                module=module,
                actor=admin,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                session_format="online",
                capacity=40,
                language="en",
                link="https://meet.demo-city.example/digital-rights",
                trainer=trainers[index],
            )
        )
    services.publish_programme(programme=programme, actor=admin)
    people = [p for slug in ("digital", "social", "mobility", "environment") for p in staff[slug]]
    rng = random.Random(47)  # noqa: S311 - demo data
    for person, modules in zip(people, PATTERN, strict=False):
        # The sessions lie in the past, so the demo registers people directly.
        for index in modules:
            Registration.objects.create(
                session=sessions[index],
                person=person,
                status="registered",
                registered_by=admin,
                queued_at=sessions[index].starts_at - timedelta(days=10),
            )
    for session in sessions:
        module = session.module
        registered = list(session.registrations.all())
        for registration in registered:
            services.give_evaluation(
                module=module,
                person=registration.person,
                phase="before",
                rating=rng.choice([1, 2, 2, 3]),
            )
        services.record_attendance(
            session=session, actor=session.trainer or admin, present=[r.pk for r in registered]
        )
        for registration in registered[: max(5, len(registered) * 3 // 4)]:
            services.give_evaluation(
                module=module,
                person=registration.person,
                phase="after",
                rating=rng.choice([3, 3, 4, 4, 5]),
            )
    certificates.start_issuing(programme=programme, actor=reviewer)
    wrong = programme.certificates.filter(kind="attendance").order_by("pk").first()
    if wrong is not None:
        certificates.revoke(
            certificate=wrong,
            actor=reviewer,
            note="Attendance was recorded for a namesake from another department.",
        )
    services.close_programme(programme=programme, actor=admin)


def _public_programmes(context: DemoContext, staff: dict[str, list[User]]) -> None:
    from .models import Programme

    admin = context.users["admin"]
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=12)
    for spec in PUBLIC_PROGRAMMES:
        if Programme.objects.filter(
            organisation=context.city, title_en=spec["title"]["en"]
        ).exists():
            continue
        programme = services.create_programme(
            organisation=context.city,
            actor=admin,
            title=spec["title"],
            description=spec["description"],
            audience=spec["audience"],
        )
        services.set_rules(programme=programme, actor=admin, rules=[("attendance", 1, None)])
        module = services.save_module(
            programme=programme,
            actor=admin,
            texts={"title": spec["module"]},
            topics=spec["topics"],
            areas=["privacy", "participation"],
        )
        for week in range(2):
            begins = start + timedelta(days=7 * week)
            services.save_session(
                module=module,
                actor=admin,
                starts_at=begins,
                ends_at=begins + timedelta(hours=2),
                session_format="in_person",
                capacity=spec["capacity"],
                language="en",
                place=spec["place"],
                trainer=context.users["editor"],
            )
        services.publish_programme(programme=programme, actor=admin)
        start += timedelta(days=2)
    residents = Programme.objects.filter(
        organisation=context.city, title_en=PUBLIC_PROGRAMMES[1]["title"]["en"]
    ).first()
    if residents is None:
        return
    first = residents.modules.get().sessions.order_by("starts_at").first()
    if first is None or first.registrations.exists():
        return
    # A full session: three neighbours took the places, the demo resident waits.
    for person in staff["culture"]:
        services.register(session=first, person=person, actor=person)
    resident = context.users["resident"]
    services.register(session=first, person=resident, actor=resident)


def load(context: DemoContext) -> None:
    staff = _staff(context)
    _survey(context, staff)
    _staff_programme(context, staff)
    _public_programmes(context, staff)
