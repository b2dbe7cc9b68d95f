# ruff: noqa: E501 - demo texts in three languages are kept one sentence per line
"""Demo content of the participation app, in the three languages of the demo city.

* The city's digital-rights principles, version 1 (adopted in 2024), with actions that
  link to the other apps' demo records through ``core.registry`` (so this module imports
  no other app); one principle is left without an action, to show the dashboard flag.
* A closed consultation on the revised declaration (started from the principles): open
  questions, two draft versions and the final text, about forty comments (from residents
  and organisations, some replies, some hidden by the moderator with a reason), supports,
  a published "you said, we did", and version 2 of the principles made from it, approved
  in three steps and adopted.
* An open consultation (draft discussion, anonymous participation allowed).
* Population shares, a few dozen voluntary profiles, and nine data initiatives covering
  the seven citizen roles.

Everything goes through the services (so the demo leaves a realistic audit trail) and is
skipped when the consultation or initiative already exists.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation

from cityrights.core.demo import DEMO_PASSWORD, DemoContext
from cityrights.core.models import User
from cityrights.core.registry import registry

from . import contributions, principles, services
from .contributions import Participant
from .models import (
    CitizenRole,
    Comment,
    Consultation,
    DataInitiative,
    Dimension,
    Outcome,
    Phase,
    PrinciplesVersion,
    QuestionKind,
)

L = dict[str, str]

AREAS: list[tuple[L, list[tuple[str, L, L]]]] = [
    (
        {
            "en": "Digital inclusion and equality",
            "fr": "Inclusion numérique et égalité",
            "nl": "Digitale inclusie en gelijkheid",
        },
        [
            (
                "access-for-all",
                {
                    "en": "Access for everyone",
                    "fr": "Accès pour toutes et tous",
                    "nl": "Toegang voor iedereen",
                },
                {
                    "en": "Every resident can use the city's services, online or at a counter, whatever their skills, income or disability.",
                    "fr": "Chaque habitant peut utiliser les services de la ville, en ligne ou au guichet, quels que soient ses compétences, ses revenus ou son handicap.",
                    "nl": "Elke bewoner kan de diensten van de stad gebruiken, online of aan het loket, ongeacht vaardigheden, inkomen of beperking.",
                },
            ),
            (
                "digital-skills",
                {
                    "en": "Digital skills",
                    "fr": "Compétences numériques",
                    "nl": "Digitale vaardigheden",
                },
                {
                    "en": "The city offers free help and courses so that residents can use digital tools with confidence.",
                    "fr": "La ville propose une aide et des cours gratuits pour que les habitants utilisent les outils numériques en confiance.",
                    "nl": "De stad biedt gratis hulp en cursussen zodat bewoners digitale hulpmiddelen met vertrouwen gebruiken.",
                },
            ),
        ],
    ),
    (
        {
            "en": "Transparency and accountability",
            "fr": "Transparence et responsabilité",
            "nl": "Transparantie en verantwoording",
        },
        [
            (
                "public-register",
                {
                    "en": "A public register of technologies",
                    "fr": "Un registre public des technologies",
                    "nl": "Een openbaar register van technologieën",
                },
                {
                    "en": "The city publishes which algorithms, sensors and data systems it uses, why, and who answers for them.",
                    "fr": "La ville publie quels algorithmes, capteurs et systèmes de données elle utilise, pourquoi, et qui en répond.",
                    "nl": "De stad publiceert welke algoritmen, sensoren en datasystemen ze gebruikt, waarom, en wie ervoor verantwoordelijk is.",
                },
            ),
            (
                "human-decision",
                {"en": "A person decides", "fr": "Une personne décide", "nl": "Een mens beslist"},
                {
                    "en": "No decision that affects a resident's rights is taken by a system alone; a person can always be asked to review it.",
                    "fr": "Aucune décision qui touche aux droits d'un habitant n'est prise par un système seul ; on peut toujours demander qu'une personne la réexamine.",
                    "nl": "Geen beslissing die de rechten van een bewoner raakt, wordt door een systeem alleen genomen; men kan altijd vragen dat een mens ze herbekijkt.",
                },
            ),
        ],
    ),
    (
        {
            "en": "Participation in the digital public space",
            "fr": "Participation dans l'espace public numérique",
            "nl": "Deelname aan de digitale publieke ruimte",
        },
        [
            (
                "co-decide",
                {
                    "en": "Residents have a say",
                    "fr": "Les habitants ont leur mot à dire",
                    "nl": "Bewoners hebben inspraak",
                },
                {
                    "en": "Residents are consulted before the city adopts a policy on data or technology, and are told what became of their views.",
                    "fr": "Les habitants sont consultés avant que la ville n'adopte une politique sur les données ou la technologie, et apprennent ce qu'il est advenu de leur avis.",
                    "nl": "Bewoners worden geraadpleegd voordat de stad een beleid over data of technologie aanneemt, en horen wat er met hun mening gebeurde.",
                },
            ),
            (
                "open-data",
                {"en": "Open data", "fr": "Données ouvertes", "nl": "Open data"},
                {
                    "en": "Data the city holds that is not personal is published openly, so that anyone can reuse it.",
                    "fr": "Les données non personnelles que détient la ville sont publiées ouvertement, pour que chacun puisse les réutiliser.",
                    "nl": "Niet-persoonlijke gegevens die de stad bezit, worden open gepubliceerd zodat iedereen ze kan hergebruiken.",
                },
            ),
        ],
    ),
    (
        {
            "en": "Privacy, data protection and security",
            "fr": "Vie privée, protection des données et sécurité",
            "nl": "Privacy, gegevensbescherming en veiligheid",
        },
        [
            (
                "consent",
                {
                    "en": "Residents decide about their data",
                    "fr": "Les habitants décident de leurs données",
                    "nl": "Bewoners beslissen over hun gegevens",
                },
                {
                    "en": "Where the city shares personal data on the basis of consent, residents can see, give and withdraw it at any time.",
                    "fr": "Lorsque la ville partage des données personnelles sur la base du consentement, les habitants peuvent le voir, le donner et le retirer à tout moment.",
                    "nl": "Waar de stad persoonsgegevens deelt op basis van toestemming, kunnen bewoners die op elk moment zien, geven en intrekken.",
                },
            ),
            (
                "impact-first",
                {
                    "en": "Assess before deploying",
                    "fr": "Évaluer avant de déployer",
                    "nl": "Beoordelen vóór de invoering",
                },
                {
                    "en": "Before using a technology that may affect people's rights, the city assesses its impact and can put the project on hold.",
                    "fr": "Avant d'utiliser une technologie qui peut toucher aux droits des personnes, la ville en évalue l'impact et peut suspendre le projet.",
                    "nl": "Voordat de stad een technologie gebruikt die de rechten van mensen kan raken, beoordeelt ze de impact en kan ze het project stilleggen.",
                },
            ),
        ],
    ),
    (
        {"en": "Sustainability", "fr": "Durabilité", "nl": "Duurzaamheid"},
        [
            (
                "sober-technology",
                {
                    "en": "Sober technology",
                    "fr": "Une technologie sobre",
                    "nl": "Sobere technologie",
                },
                {
                    "en": "The city chooses durable, repairable equipment and counts the energy its digital services use.",
                    "fr": "La ville choisit des équipements durables et réparables et mesure l'énergie que consomment ses services numériques.",
                    "nl": "De stad kiest duurzame, herstelbare apparatuur en meet de energie die haar digitale diensten verbruiken.",
                },
            ),
        ],
    ),
]

# What changed in version 2 of the draft, by principle key: (language → new text).
REVISIONS: dict[str, L] = {
    "access-for-all": {
        "en": "Every resident can use the city's services, online or at a counter, whatever their skills, income, age or disability; a counter stays open for every online service.",
        "fr": "Chaque habitant peut utiliser les services de la ville, en ligne ou au guichet, quels que soient ses compétences, ses revenus, son âge ou son handicap ; un guichet reste ouvert pour chaque service en ligne.",
        "nl": "Elke bewoner kan de diensten van de stad gebruiken, online of aan het loket, ongeacht vaardigheden, inkomen, leeftijd of beperking; voor elke onlinedienst blijft een loket open.",
    },
    "human-decision": {
        "en": "No decision that affects a resident's rights is taken by a system alone; a person can always be asked to review it, and the resident is told which system was used.",
        "fr": "Aucune décision qui touche aux droits d'un habitant n'est prise par un système seul ; on peut toujours demander qu'une personne la réexamine, et l'habitant est informé du système utilisé.",
        "nl": "Geen beslissing die de rechten van een bewoner raakt, wordt door een systeem alleen genomen; men kan altijd vragen dat een mens ze herbekijkt, en de bewoner hoort welk systeem werd gebruikt.",
    },
}
FINAL_REVISIONS: dict[str, L] = {
    "digital-skills": {
        "en": "The city offers free help and courses, in libraries and community centres, so that residents of every age can use digital tools with confidence.",
        "fr": "La ville propose une aide et des cours gratuits, dans les bibliothèques et les maisons de quartier, pour que les habitants de tout âge utilisent les outils numériques en confiance.",
        "nl": "De stad biedt gratis hulp en cursussen, in bibliotheken en buurthuizen, zodat bewoners van elke leeftijd digitale hulpmiddelen met vertrouwen gebruiken.",
    },
}

COMMENTS = [
    ("fr", "Pensez aux personnes âgées qui n'ont pas de smartphone : le guichet doit rester."),
    ("nl", "Graag ook een loket in elke wijk, niet alleen in het centrum."),
    ("en", "Will the counter really stay open for **every** service? Please say so in the text."),
    ("fr", "Le texte devrait citer l'accessibilité pour les personnes malvoyantes."),
    ("nl", "Cursussen in de bibliotheek werken goed, zeker voor ouderen."),
    ("en", "Courses should also be offered in the evening for people who work."),
    ("fr", "Qui tient le registre à jour ? Il faut un responsable par service."),
    ("en", "The register should show the *name* of the supplier of each system."),
    ("nl", "Een persoon moet niet alleen kunnen herbekijken, de bewoner moet het ook weten."),
    ("fr", "Il faudrait dire à l'habitant quel système a été utilisé pour sa décision."),
    ("en", "Please publish consultation results even when the city disagrees."),
    ("nl", "Open data: ook in formaten die niet-experts kunnen openen."),
    ("fr", "Le consentement doit pouvoir être retiré aussi simplement qu'il est donné."),
    ("en", "Impact assessments should be public, at least in summary."),
    ("nl", "Sobere technologie: ook tweedehands apparatuur overwegen."),
    ("fr", "Ajouter un principe sur le droit de ne pas être connecté ?"),
    ("en", "Consultations need more than a website: go to markets and community centres."),
    ("fr", "La formation des agents de la ville est aussi importante que celle des habitants."),
    ("nl", "Wie controleert of de stad deze principes naleeft?"),
    ("en", "The text is clear; thank you for writing it in plain words."),
    ("nl", "Kan de stad uitleggen hoe lang camerabeelden bewaard worden?"),
    ("fr", "Le registre devrait aussi exister sur papier à la maison communale."),
    ("en", "Please add a principle on accessibility of every new website."),
    ("fr", "Les associations de quartier veulent être associées dès le début."),
    ("nl", "Goed dat er een loket blijft. Ook op zaterdag?"),
    ("en", "Sober technology should include reusing old laptops for schools."),
    ("fr", "Qui peut saisir le médiateur si un principe n'est pas respecté ?"),
    ("en", "Explain in the text what *consent* means in plain words."),
    ("nl", "De cursussen moeten ook in andere talen, bijvoorbeeld Arabisch."),
    ("fr", "Merci pour la version en trois langues, c'est rare."),
]
REPLIES = [
    ("en", "Agreed, and a phone line too."),
    ("fr", "Tout à fait d'accord."),
    ("nl", "Eens, zeker voor mensen met een beperking."),
    ("en", "The register already lists suppliers for some systems; all would be better."),
]
ORGANISATIONS = ["Ligue des droits humains", "Digitale Buurt vzw", "Senior Citizens' Forum"]
HIDDEN = [
    ("en", "Anyone who disagrees with me is an idiot.", "Insults other participants."),
    (
        "fr",
        "Appelez-moi au 0470 00 00 00, rue des Exemples 1.",
        "Contains a phone number and a home address.",
    ),
    ("en", "Buy cheap watches at example dot com!!!", "Advertising, not about the draft."),
]


def _residents(count: int) -> list[User]:
    people = []
    for n in range(1, count + 1):
        email = f"participant{n:02d}@demo-city.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                name=f"Participant {n:02d}",
                language=["en", "fr", "nl"][n % 3],
            )
        people.append(user)
    return people


def _adopted_principles(context: DemoContext) -> PrinciplesVersion:
    city, admin, reviewer = context.city, context.users["admin"], context.users["reviewer"]
    existing = PrinciplesVersion.objects.filter(organisation=city, number=1).first()
    if existing is not None:
        return existing
    version = principles.new_version(organisation=city, actor=admin)
    principles.update_version(
        version=version,
        actor=admin,
        values={
            "title_en": "Digital rights declaration of Demo City",
            "title_fr": "Déclaration des droits numériques de Demo City",
            "title_nl": "Verklaring digitale rechten van Demo City",
            "preamble_en": "The commitments the city makes so that technology serves its residents and respects their rights.",
            "preamble_fr": "Les engagements de la ville pour que la technologie serve ses habitants et respecte leurs droits.",
            "preamble_nl": "De engagementen van de stad opdat technologie haar bewoners dient en hun rechten respecteert.",
        },
    )
    skip = {"sober-technology", "digital-skills", "open-data"}  # added by the consultation
    for title, items in AREAS:
        kept = [item for item in items if item[0] not in skip]
        if not kept:
            continue
        section = principles.save_section(
            version=version, actor=admin, values={f"title_{k}": v for k, v in title.items()}
        )
        for key, heading, text in kept:
            principles.save_principle(
                section=section,
                actor=admin,
                values={
                    "key": key,
                    **{f"title_{k}": v for k, v in heading.items()},
                    **{f"text_{k}": v for k, v in text.items()},
                },
            )
    principles.add_step(
        version=version,
        actor=admin,
        decided_on=date(2024, 3, 4),
        body={
            "en": "Board of Mayor and Aldermen",
            "fr": "Collège des bourgmestre et échevins",
            "nl": "College van burgemeester en schepenen",
        },
    )
    principles.add_step(
        version=version,
        actor=admin,
        decided_on=date(2024, 4, 22),
        body={"en": "City council", "fr": "Conseil communal", "nl": "Gemeenteraad"},
    )
    principles.add_signatory(
        version=version,
        actor=admin,
        name="Amira Haddad",
        office={
            "en": "Digital-rights officer",
            "fr": "Responsable des droits numériques",
            "nl": "Verantwoordelijke digitale rechten",
        },
    )
    principles.adopt(
        version=version,
        actor=reviewer,
        adopted_on=date(2024, 4, 22),
        adopted_by={"en": "City council", "fr": "Conseil communal", "nl": "Gemeenteraad"},
    )
    return version


def _link_actions(context: DemoContext) -> None:
    """Link a record of each other app (when its demo made one) to the principles."""
    city, admin = context.city, context.users["admin"]
    if city.principle_actions.exists():
        return
    wanted = [
        (
            "public-register",
            "register.entry",
            {
                "en": "Every system is described in the transparency register.",
                "fr": "Chaque système est décrit dans le registre de transparence.",
                "nl": "Elk systeem staat beschreven in het transparantieregister.",
            },
        ),
        (
            "impact-first",
            "impact.assessment",
            {
                "en": "High-risk projects go through an impact assessment.",
                "fr": "Les projets à haut risque passent par une analyse d'impact.",
                "nl": "Projecten met hoog risico doorlopen een effectbeoordeling.",
            },
        ),
        (
            "consent",
            "consent.agreement",
            {
                "en": "Data sharing on consent is managed in the consent portal.",
                "fr": "Le partage de données sur consentement est géré dans le portail de consentement.",
                "nl": "Gegevensdeling op basis van toestemming loopt via het toestemmingsportaal.",
            },
        ),
        (
            "human-decision",
            "assessment.roadmap_action",
            {
                "en": "A roadmap action trains staff to review automated outcomes.",
                "fr": "Une action de la feuille de route forme le personnel au réexamen des résultats automatisés.",
                "nl": "Een actie van de routekaart leert personeel geautomatiseerde uitkomsten te herbekijken.",
            },
        ),
        (
            "access-for-all",
            "",
            {
                "en": "A counter stays open in each district office for every online service.",
                "fr": "Un guichet reste ouvert dans chaque antenne de quartier pour chaque service en ligne.",
                "nl": "In elk wijkkantoor blijft een loket open voor elke onlinedienst.",
            },
        ),
        (
            "digital-skills",
            "",
            {
                "en": "Free digital help desks in the four public libraries.",
                "fr": "Des permanences numériques gratuites dans les quatre bibliothèques publiques.",
                "nl": "Gratis digitale hulppunten in de vier openbare bibliotheken.",
            },
        ),
        (
            "co-decide",
            "participation.consultation",
            {
                "en": "The declaration itself was revised through a public consultation.",
                "fr": "La déclaration elle-même a été révisée par une consultation publique.",
                "nl": "De verklaring zelf werd herzien via een publieke raadpleging.",
            },
        ),
    ]
    for key, kind_name, text in wanted:
        record_id = ""
        if kind_name:
            kind = registry.linkable_kind(kind_name)
            choices = kind.choices(city) if kind else []
            if not choices:
                kind_name = ""
            else:
                record_id = choices[0][0]
        principles.add_action(
            organisation=city,
            actor=admin,
            principle_key=key,
            description=text,
            kind=kind_name,
            record_id=record_id,
        )


def _draft_values(key: str, part: L, heading: L, body: L, position: int) -> dict[str, Any]:
    return {
        "key": key,
        "position": position,
        **{f"part_{k}": v for k, v in part.items()},
        **{f"heading_{k}": v for k, v in heading.items()},
        **{f"body_{k}": v for k, v in body.items()},
    }


def _closed_consultation(context: DemoContext, residents: list[User]) -> Consultation:
    city, admin, reviewer = context.city, context.users["admin"], context.users["reviewer"]
    rng = random.Random(13)  # noqa: S311 - reproducible demo data, not security
    consultation = principles.start_review(
        organisation=city,
        actor=admin,
        values={
            "slug": "digital-rights-declaration",
            "title_en": "Revising our digital rights declaration",
            "title_fr": "Réviser notre déclaration des droits numériques",
            "title_nl": "Onze verklaring digitale rechten herzien",
            "summary_en": "The city revises the declaration it adopted in 2024: new principles on skills, open data and sober technology, clearer words on counters and on decisions by systems.",
            "summary_fr": "La ville révise la déclaration adoptée en 2024 : de nouveaux principes sur les compétences, les données ouvertes et la sobriété technologique, des mots plus clairs sur les guichets et les décisions prises par des systèmes.",
            "summary_nl": "De stad herziet de verklaring die ze in 2024 aannam: nieuwe principes over vaardigheden, open data en sobere technologie, duidelijkere woorden over loketten en beslissingen door systemen.",
            "questions_opens": date(2025, 9, 1),
            "discussion_opens": date(2025, 9, 22),
            "closes": date(2025, 11, 3),
            "final_due": date(2025, 12, 15),
        },
    )
    v1 = consultation.versions.get(number=1)
    position = v1.sections.count()
    for part, items in AREAS:
        for key, heading, body in items:
            if not v1.sections.filter(key=key).exists():
                position += 1
                services.save_section(
                    version=v1,
                    actor=admin,
                    values=_draft_values(key, part, heading, body, position),
                )
    services.publish_version(
        version=v1,
        actor=admin,
        note={
            "en": "The declaration of 2024 with three new principles.",
            "fr": "La déclaration de 2024 avec trois nouveaux principes.",
            "nl": "De verklaring van 2024 met drie nieuwe principes.",
        },
    )
    # Open questions.
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.QUESTIONS)
    q1 = services.save_question(
        consultation=consultation,
        actor=admin,
        values={
            "kind": QuestionKind.SINGLE,
            "text_en": "Which principle matters most to you?",
            "text_fr": "Quel principe compte le plus pour vous ?",
            "text_nl": "Welk principe vindt u het belangrijkst?",
        },
        choices=[
            {
                "en": "Access for everyone",
                "fr": "Accès pour toutes et tous",
                "nl": "Toegang voor iedereen",
            },
            {"en": "A person decides", "fr": "Une personne décide", "nl": "Een mens beslist"},
            {
                "en": "Residents decide about their data",
                "fr": "Les habitants décident de leurs données",
                "nl": "Bewoners beslissen over hun gegevens",
            },
        ],
    )
    q2 = services.save_question(
        consultation=consultation,
        actor=admin,
        values={
            "kind": QuestionKind.MULTIPLE,
            "text_en": "Where should the city hear from you?",
            "text_fr": "Où la ville devrait-elle vous entendre ?",
            "text_nl": "Waar moet de stad naar u luisteren?",
        },
        choices=[
            {"en": "Online", "fr": "En ligne", "nl": "Online"},
            {"en": "In the library", "fr": "À la bibliothèque", "nl": "In de bibliotheek"},
            {"en": "At the market", "fr": "Au marché", "nl": "Op de markt"},
        ],
    )
    q3 = services.save_question(
        consultation=consultation,
        actor=admin,
        values={
            "kind": QuestionKind.OPEN,
            "text_en": "What is missing from the declaration?",
            "text_fr": "Que manque-t-il à la déclaration ?",
            "text_nl": "Wat ontbreekt er in de verklaring?",
        },
        choices=[],
    )
    c1, c2 = list(q1.choices.all()), list(q2.choices.all())
    missing = ["A right to stay offline.", "Rules for cameras.", "", "Help for small associations."]
    for n, person in enumerate(residents[:16]):
        contributions.submit_answers(
            consultation=consultation,
            participant=Participant(user=person, rate_limited=False, client=f"demo-{n}"),
            answers={
                q1.pk: str(c1[rng.randrange(3)].pk),
                q2.pk: [str(c.pk) for c in rng.sample(c2, rng.randint(1, 3))],
                q3.pk: missing[n % 4],
            },
        )
    # Discussion of version 1.
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.DISCUSSION)
    comments = _discuss(consultation, v1, residents, rng, COMMENTS[:15])
    v2 = services.new_version(consultation=consultation, actor=admin)
    for key, body in REVISIONS.items():
        section = v2.sections.get(key=key)
        services.save_section(
            version=v2,
            actor=admin,
            section=section,
            values={f"body_{k}": v for k, v in body.items()},
        )
    services.publish_version(
        version=v2,
        actor=admin,
        note={
            "en": "Counters and decisions by systems rewritten after the first comments.",
            "fr": "Guichets et décisions par des systèmes réécrits après les premiers commentaires.",
            "nl": "Loketten en beslissingen door systemen herschreven na de eerste reacties.",
        },
    )
    comments += _discuss(consultation, v2, residents, rng, COMMENTS[15:])
    _moderate(consultation, v2, residents, reviewer)
    # Close, final text, response.
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.CLOSED)
    final = services.new_version(consultation=consultation, actor=admin)
    for key, body in FINAL_REVISIONS.items():
        services.save_section(
            version=final,
            actor=admin,
            section=final.sections.get(key=key),
            values={f"body_{k}": v for k, v in body.items()},
        )
    services.publish_version(
        version=final,
        actor=admin,
        final=True,
        note={"en": "The final text.", "fr": "Le texte final.", "nl": "De definitieve tekst."},
    )
    _respond(consultation, comments, admin)
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.FINAL)
    return consultation


def _discuss(
    consultation: Consultation,
    version: Any,
    residents: list[User],
    rng: random.Random,
    texts: list[tuple[str, str]],
) -> list[Comment]:
    sections = list(version.sections.all())
    made = []
    for n, (_language, text) in enumerate(texts):
        author = residents[(n * 3 + version.number) % len(residents)]
        section = sections[n % len(sections)]
        organisation = ORGANISATIONS[n % 3] if n % 4 == 1 else ""
        comment, _ = contributions.submit_comment(
            consultation=consultation,
            section=section,
            participant=Participant(user=author, rate_limited=False, client=f"demo-c{n}"),
            body=text,
            organisation_name=organisation,
        )
        made.append(comment)
        for supporter in rng.sample(residents, rng.randint(0, 6)):
            if supporter != author:
                contributions.support(comment=comment, user=supporter)
    for n, (_language, text) in enumerate(REPLIES):
        parent = made[n * 2]
        reply, _ = contributions.submit_comment(
            consultation=consultation,
            section=parent.section,
            parent=parent,
            participant=Participant(
                user=residents[(n + 7) % len(residents)], rate_limited=False, client=f"demo-r{n}"
            ),
            body=text,
        )
        made.append(reply)
    return made


def _moderate(
    consultation: Consultation, version: Any, residents: list[User], reviewer: User
) -> None:
    section = version.sections.order_by("position").first()
    for n, (_language, text, reason) in enumerate(HIDDEN):
        comment, _ = contributions.submit_comment(
            consultation=consultation,
            section=section,
            participant=Participant(user=residents[n], rate_limited=False, client=f"demo-h{n}"),
            body=text,
        )
        contributions.report(
            comment=comment,
            participant=Participant(user=residents[n + 5], rate_limited=False, client=f"demo-p{n}"),
            reason="Not respectful of the rules.",
        )
        services.hide_comment(comment=comment, actor=reviewer, reason=reason)


def _respond(consultation: Consultation, comments: list[Comment], admin: User) -> None:
    outcomes = [Outcome.TAKEN_UP, Outcome.PARTLY, Outcome.NOT_TAKEN]
    reasons = {
        Outcome.PARTLY: {
            "en": "Part of it is in the final text; the rest goes into the roadmap.",
            "fr": "Une partie figure dans le texte final ; le reste entre dans la feuille de route.",
            "nl": "Een deel staat in de definitieve tekst; de rest gaat naar de routekaart.",
        },
        Outcome.NOT_TAKEN: {
            "en": "This belongs in another policy; we passed it on to the service concerned.",
            "fr": "Cela relève d'une autre politique ; nous l'avons transmis au service concerné.",
            "nl": "Dit hoort in een ander beleid; we gaven het door aan de betrokken dienst.",
        },
    }
    top = [c for c in comments if c.parent_id is None]
    for n, comment in enumerate(top):
        outcome = outcomes[n % 3]
        services.set_outcome(
            comment=comment, actor=admin, outcome=outcome, reason=reasons.get(outcome, {})
        )
    by_key: dict[str, list[int]] = {}
    for comment in top:
        by_key.setdefault(comment.section.key, []).append(comment.pk)
    changes = [
        (
            "access-for-all",
            {
                "en": "A counter stays open for every online service, and age is named.",
                "fr": "Un guichet reste ouvert pour chaque service en ligne, et l'âge est mentionné.",
                "nl": "Voor elke onlinedienst blijft een loket open, en leeftijd wordt vermeld.",
            },
        ),
        (
            "human-decision",
            {
                "en": "Residents are told which system was used in a decision about them.",
                "fr": "Les habitants sont informés du système utilisé dans une décision qui les concerne.",
                "nl": "Bewoners horen welk systeem werd gebruikt bij een beslissing over hen.",
            },
        ),
        (
            "digital-skills",
            {
                "en": "Courses in libraries and community centres, for every age.",
                "fr": "Des cours dans les bibliothèques et les maisons de quartier, pour tous les âges.",
                "nl": "Cursussen in bibliotheken en buurthuizen, voor elke leeftijd.",
            },
        ),
    ]
    for key, summary in changes:
        services.add_change(
            consultation=consultation,
            actor=admin,
            section_key=key,
            summary=summary,
            comment_ids=by_key.get(key, [])[:3],
        )
    services.save_response_intro(
        consultation=consultation,
        actor=admin,
        intro={
            "en": "Thank you to the 60 residents and organisations who took part. Below, every change of the final text and what became of each comment.",
            "fr": "Merci aux 60 habitants et organisations qui ont participé. Vous trouverez ci-dessous chaque changement du texte final et la suite donnée à chaque commentaire.",
            "nl": "Dank aan de 60 bewoners en organisaties die deelnamen. Hieronder elke wijziging van de definitieve tekst en wat er met elke reactie gebeurde.",
        },
    )
    services.publish_response(consultation=consultation, actor=admin, notify=False)


def _second_version(context: DemoContext, consultation: Consultation) -> None:
    city, admin, reviewer = context.city, context.users["admin"], context.users["reviewer"]
    version = principles.from_consultation(consultation=consultation, actor=admin)
    for when, body in [
        (
            date(2025, 12, 18),
            {
                "en": "Board of Mayor and Aldermen",
                "fr": "Collège des bourgmestre et échevins",
                "nl": "College van burgemeester en schepenen",
            },
        ),
        (
            date(2026, 1, 12),
            {
                "en": "Inter-cabinet meeting",
                "fr": "Réunion intercabinets",
                "nl": "Interkabinettenvergadering",
            },
        ),
        (date(2026, 1, 26), {"en": "City council", "fr": "Conseil communal", "nl": "Gemeenteraad"}),
    ]:
        principles.add_step(version=version, actor=admin, decided_on=when, body=body)
    principles.add_signatory(
        version=version,
        actor=admin,
        name="Amira Haddad",
        office={
            "en": "Digital-rights officer",
            "fr": "Responsable des droits numériques",
            "nl": "Verantwoordelijke digitale rechten",
        },
    )
    principles.adopt(
        version=version,
        actor=reviewer,
        adopted_on=date(2026, 1, 26),
        adopted_by={"en": "City council", "fr": "Conseil communal", "nl": "Gemeenteraad"},
    )
    del city


def _open_consultation(context: DemoContext, residents: list[User]) -> None:
    city, admin = context.city, context.users["admin"]
    if Consultation.objects.filter(organisation=city, slug="sensors-in-public-space").exists():
        return
    consultation = services.create_consultation(
        organisation=city,
        actor=admin,
        values={
            "slug": "sensors-in-public-space",
            "allow_anonymous": True,
            "title_en": "Guidelines for sensors in public space",
            "title_fr": "Lignes directrices pour les capteurs dans l'espace public",
            "title_nl": "Richtlijnen voor sensoren in de publieke ruimte",
            "summary_en": "Where may the city place cameras and sensors, what may they measure, and how do residents learn about them?",
            "summary_fr": "Où la ville peut-elle placer des caméras et des capteurs, que peuvent-ils mesurer, et comment les habitants en sont-ils informés ?",
            "summary_nl": "Waar mag de stad camera's en sensoren plaatsen, wat mogen ze meten, en hoe komen bewoners dat te weten?",
            "discussion_opens": date(2026, 11, 16),
            "closes": date(2027, 1, 31),
        },
    )
    version = consultation.versions.get(number=1)
    sections = [
        (
            "purpose",
            {
                "en": "A purpose for every sensor",
                "fr": "Une finalité pour chaque capteur",
                "nl": "Een doel voor elke sensor",
            },
            {
                "en": "A sensor is placed only for a purpose written down in advance and published in the register.",
                "fr": "Un capteur n'est placé que pour une finalité écrite à l'avance et publiée dans le registre.",
                "nl": "Een sensor wordt alleen geplaatst voor een vooraf vastgelegd doel dat in het register staat.",
            },
        ),
        (
            "signs",
            {
                "en": "Signs on the street",
                "fr": "Des panneaux dans la rue",
                "nl": "Borden op straat",
            },
            {
                "en": "Every sensor carries a sign with a QR code that leads to its description.",
                "fr": "Chaque capteur porte un panneau avec un code QR qui mène à sa description.",
                "nl": "Elke sensor draagt een bord met een QR-code die naar de beschrijving leidt.",
            },
        ),
        (
            "faces",
            {
                "en": "No face recognition",
                "fr": "Pas de reconnaissance faciale",
                "nl": "Geen gezichtsherkenning",
            },
            {
                "en": "Cameras in public space never identify people by their face.",
                "fr": "Les caméras dans l'espace public n'identifient jamais les personnes par leur visage.",
                "nl": "Camera's in de publieke ruimte identificeren mensen nooit aan hun gezicht.",
            },
        ),
    ]
    for n, (key, heading, body) in enumerate(sections, start=1):
        services.save_section(
            version=version, actor=admin, values=_draft_values(key, {}, heading, body, n)
        )
    services.publish_version(version=version, actor=admin)
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.DISCUSSION)
    first = version.sections.get(key="signs")
    for n, (language, text) in enumerate(
        [
            ("en", "The QR code should also work without a smartphone: print a short text."),
            ("fr", "Des panneaux aussi en braille, s'il vous plaît."),
        ]
    ):
        # A comment is in the language of the page it was written on.
        with translation.override(language):
            contributions.submit_comment(
                consultation=consultation,
                section=first,
                participant=Participant(user=residents[n], rate_limited=False, client=f"demo-o{n}"),
                body=text,
            )


def _population_and_profiles(
    context: DemoContext, consultation: Consultation, residents: list[User]
) -> None:
    city, admin = context.city, context.users["admin"]
    shares = [
        (Dimension.AGE_BAND, "under-18", "19"),
        (Dimension.AGE_BAND, "18-29", "17"),
        (Dimension.AGE_BAND, "30-44", "23"),
        (Dimension.AGE_BAND, "45-64", "24"),
        (Dimension.AGE_BAND, "65-79", "12"),
        (Dimension.AGE_BAND, "80+", "5"),
        (Dimension.DISTRICT, "Centre", "28"),
        (Dimension.DISTRICT, "North", "35"),
        (Dimension.DISTRICT, "Riverside", "37"),
        (Dimension.LANGUAGE, "fr", "72"),
        (Dimension.LANGUAGE, "nl", "21"),
        (Dimension.LANGUAGE, "en", "30"),
        (Dimension.DISABILITY, "yes", "14"),
        (Dimension.FIRST_TIME, "yes", "60"),
    ]
    for dimension, value, share in shares:
        services.save_population_share(
            organisation=city,
            actor=admin,
            dimension=dimension,
            value=value,
            share=Decimal(share),
            source="Demo statistics office, 2025",
        )
    rng = random.Random(7)  # noqa: S311 - reproducible demo data, not security
    ages = ["18-29", "30-44", "30-44", "45-64", "45-64", "45-64", "65-79", "65-79", ""]
    districts = ["Centre", "Centre", "North", "Riverside", "Riverside", ""]
    for person in residents:
        participant = Participant(user=person, rate_limited=False)
        if contributions.has_profile(consultation, participant):
            continue
        contributions.record_profile(
            consultation=consultation,
            participant=participant,
            age_band=rng.choice(ages),
            district=rng.choice(districts),
            languages=rng.sample(["fr", "nl", "en", "other"], rng.randint(1, 2)),
            disability=rng.choice(["no", "no", "no", "yes", ""]),
            first_time=rng.choice(["yes", "no", "no"]),
            districts=["Centre", "North", "Riverside"],
        )


INITIATIVES: list[tuple[str, L, L, list[str], str, date, date | None, str]] = [
    (
        "air-quality-sensing",
        {
            "en": "Citizen air-quality sensing",
            "fr": "Mesure citoyenne de la qualité de l'air",
            "nl": "Burgermeting van de luchtkwaliteit",
        },
        {
            "en": "Two hundred households measure fine particles from their balconies; the data is open.",
            "fr": "Deux cents ménages mesurent les particules fines depuis leur balcon ; les données sont ouvertes.",
            "nl": "Tweehonderd gezinnen meten fijn stof vanaf hun balkon; de gegevens zijn open.",
        },
        [CitizenRole.DATA_COLLECTOR, CitizenRole.INFORMATION_RECIPIENT],
        "Demo University, Clean Air Collective",
        date(2025, 3, 1),
        None,
        "register.entry",
    ),
    (
        "open-data-hackathon",
        {
            "en": "Open-data hackathon on mobility",
            "fr": "Hackathon de données ouvertes sur la mobilité",
            "nl": "Open-datahackathon over mobiliteit",
        },
        {
            "en": "A weekend where residents built tools on the city's open mobility data.",
            "fr": "Un week-end où des habitants ont créé des outils à partir des données ouvertes de mobilité de la ville.",
            "nl": "Een weekend waarin bewoners tools bouwden met de open mobiliteitsdata van de stad.",
        },
        [CitizenRole.DATA_REUSER],
        "Open Knowledge Demo",
        date(2025, 10, 11),
        date(2025, 10, 12),
        "",
    ),
    (
        "data-literacy-course",
        {
            "en": "Data-literacy course in the libraries",
            "fr": "Cours de culture des données dans les bibliothèques",
            "nl": "Cursus datageletterdheid in de bibliotheken",
        },
        {
            "en": "Six evening sessions on how data is collected, used and protected.",
            "fr": "Six soirées sur la façon dont les données sont collectées, utilisées et protégées.",
            "nl": "Zes avondsessies over hoe gegevens worden verzameld, gebruikt en beschermd.",
        },
        [CitizenRole.LITERACY_PARTICIPANT],
        "Public libraries",
        date(2025, 1, 15),
        date(2025, 6, 30),
        "",
    ),
    (
        "consent-mobility-study",
        {
            "en": "Consent-based mobility study",
            "fr": "Étude de mobilité fondée sur le consentement",
            "nl": "Mobiliteitsstudie op basis van toestemming",
        },
        {
            "en": "Volunteers share their trips with the university, and can withdraw at any time in the consent portal.",
            "fr": "Des volontaires partagent leurs trajets avec l'université et peuvent se retirer à tout moment dans le portail de consentement.",
            "nl": "Vrijwilligers delen hun verplaatsingen met de universiteit en kunnen zich op elk moment terugtrekken in het toestemmingsportaal.",
        },
        [CitizenRole.DATA_CONTROLLER, CitizenRole.DATA_COLLECTOR],
        "Demo University",
        date(2025, 5, 1),
        date(2026, 4, 30),
        "consent.agreement",
    ),
    (
        "declaration-consultation",
        {
            "en": "Consultation on the digital rights declaration",
            "fr": "Consultation sur la déclaration des droits numériques",
            "nl": "Raadpleging over de verklaring digitale rechten",
        },
        {
            "en": "Residents and organisations commented on the revised declaration.",
            "fr": "Habitants et organisations ont commenté la déclaration révisée.",
            "nl": "Bewoners en organisaties reageerden op de herziene verklaring.",
        },
        [CitizenRole.CONSULTATION_PARTICIPANT],
        "",
        date(2025, 9, 1),
        date(2025, 12, 15),
        "participation.consultation",
    ),
    (
        "phone-data-planning",
        {
            "en": "Planning with anonymised phone data",
            "fr": "Planifier avec des données téléphoniques anonymisées",
            "nl": "Plannen met geanonimiseerde telefoongegevens",
        },
        {
            "en": "Counts of people per district from a telecom operator, to plan bus lines; no individual data reaches the city.",
            "fr": "Des comptages de personnes par quartier fournis par un opérateur télécom, pour planifier les lignes de bus ; aucune donnée individuelle ne parvient à la ville.",
            "nl": "Tellingen van mensen per wijk van een telecomoperator, om buslijnen te plannen; geen individuele gegevens bereiken de stad.",
        },
        [CitizenRole.FOOTPRINT_PRODUCER],
        "Demo Telecom",
        date(2024, 11, 1),
        None,
        "",
    ),
    (
        "city-dashboard",
        {
            "en": "Open city dashboard",
            "fr": "Tableau de bord ouvert de la ville",
            "nl": "Open stadsdashboard",
        },
        {
            "en": "Waiting times, air quality and budget figures, updated daily for everyone.",
            "fr": "Temps d'attente, qualité de l'air et chiffres du budget, mis à jour chaque jour pour tous.",
            "nl": "Wachttijden, luchtkwaliteit en budgetcijfers, dagelijks bijgewerkt voor iedereen.",
        },
        [CitizenRole.INFORMATION_RECIPIENT],
        "",
        date(2024, 2, 1),
        None,
        "",
    ),
    (
        "school-open-data",
        {
            "en": "Open data in schools",
            "fr": "Les données ouvertes à l'école",
            "nl": "Open data op school",
        },
        {
            "en": "Pupils analyse the city's open data on trees and traffic in class.",
            "fr": "Des élèves analysent en classe les données ouvertes de la ville sur les arbres et la circulation.",
            "nl": "Leerlingen analyseren in de klas de open data van de stad over bomen en verkeer.",
        },
        [CitizenRole.LITERACY_PARTICIPANT, CitizenRole.DATA_REUSER],
        "Three secondary schools",
        date(2025, 9, 1),
        date(2026, 6, 30),
        "",
    ),
    (
        "bike-safety-sharing",
        {
            "en": "Bike safety data sharing",
            "fr": "Partage de données pour la sécurité à vélo",
            "nl": "Gegevens delen voor fietsveiligheid",
        },
        {
            "en": "Cyclists share near-miss reports from a bike light; they choose what is shared.",
            "fr": "Des cyclistes partagent les quasi-accidents enregistrés par un feu de vélo ; ils choisissent ce qui est partagé.",
            "nl": "Fietsers delen bijna-ongevallen geregistreerd door een fietslicht; ze kiezen wat gedeeld wordt.",
        },
        [CitizenRole.DATA_COLLECTOR, CitizenRole.DATA_CONTROLLER],
        "Cyclists' Union",
        date(2026, 3, 1),
        None,
        "",
    ),
]


def _initiatives(context: DemoContext, consultation: Consultation) -> None:
    city, admin = context.city, context.users["admin"]
    for slug, title, summary, roles, partners, starts, ends, link_kind in INITIATIVES:
        if DataInitiative.objects.filter(organisation=city, slug=slug).exists():
            continue
        initiative = principles.save_initiative(
            organisation=city,
            actor=admin,
            roles=roles,
            values={
                "slug": slug,
                **{f"title_{k}": v for k, v in title.items()},
                **{f"summary_{k}": v for k, v in summary.items()},
                "partners": partners,
                "starts_on": starts,
                "ends_on": ends,
                "is_public": True,
            },
        )
        kind = registry.linkable_kind(link_kind) if link_kind else None
        choices = kind.choices(city) if kind else []
        if link_kind == "participation.consultation":
            choices = [(str(consultation.pk), str(consultation))]
        if kind and choices:
            principles.add_initiative_link(
                initiative=initiative, actor=admin, kind=kind.name, record_id=choices[0][0]
            )


def load(context: DemoContext) -> None:
    city = context.city
    if not city.additional_languages:
        city.additional_languages = "fr,nl"  # a Belgian city: French and Dutch beside English
        city.save(update_fields=["additional_languages"])
    residents = _residents(24)
    _adopted_principles(context)
    consultation = Consultation.objects.filter(
        organisation=city, slug="digital-rights-declaration"
    ).first()
    if consultation is None:
        consultation = _closed_consultation(context, residents)
        _second_version(context, consultation)
        _population_and_profiles(context, consultation, residents)
    _link_actions(context)
    _open_consultation(context, residents)
    _initiatives(context, consultation)
