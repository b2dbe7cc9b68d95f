"""Demo content of the impact app: assessments in every state and one procurement.

Runs after the register's demo (app order), so assessments point at the demo register
entries when they exist; otherwise they are created without an entry. Idempotent: an
assessment or procurement that already exists under its title is left alone. Everything
goes through the services, so the demo also leaves a realistic audit trail.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cityrights.core.demo import DemoContext
from cityrights.core.translation import in_any_language
from cityrights.register.models import Entry

from . import content, services
from .models import ImpactAssessment, Procurement

# Answers shared by every demo assessment unless a project gives its own.
COMMON: dict[str, Any] = {
    "legal-mandate": "The municipal act gives the city this task; the council approved the "
    "project budget and its conditions.",
    "in-register": "yes",
    "less-intrusive": "no",
    "legal-basis": "public-task",
    "duration": "A two-year pilot. The council decides at the end whether it continues.",
    "stop-criteria": "Every six months the team reports figures on use, errors and complaints. "
    "If the benefits are not visible after a year, the system is switched off.",
    "data-sources": ["city-records"],
    "minimisation": "Only the fields needed for the purpose are read; names are never shown "
    "to the analysts and figures are published per district only.",
    "retention": "Raw records are deleted after 30 days; aggregated figures are kept for "
    "five years for evaluation.",
    "access-sharing": "Only the project team and the system administrator; no data is shared "
    "outside the city. A processing agreement covers the supplier.",
    "storage-security": "Hosted in the city's data centre in Belgium, encrypted at rest and in "
    "transit, with personal accounts and an access log.",
    "algorithm-kind": "rules",
    "algorithm-role": "informs",
    "human-oversight": "A trained staff member checks every output before anything happens to "
    "a person and can set it aside without justification.",
    "vulnerable": ["older-people", "digital-skills"],
    "consulted": "yes",
    "consultation": "Two workshops with residents' associations and the disability council; "
    "their remarks on signage and help desks changed the design.",
    "real-choice": "People can use the counter at the city office instead, with the same result.",
    "expectations": "Most people would expect the city to use the data for this service, but "
    "not to keep it longer than needed.",
    "informing": "A notice on the web page, signs on site and an entry in the public register, "
    "in the city's three languages.",
    "rights-requests": "Through the data-protection officer's web form; answered within one "
    "month by the department's privacy contact.",
    "profiling": "no",
    "reidentification": "Small counts are suppressed (fewer than ten people) so published "
    "figures cannot point at individuals.",
    "breach-effects": "Embarrassment and possible misuse of addresses; no financial data is "
    "involved.",
    "proxies": "The postcode could stand in for income or origin; it is only used for "
    "reporting, never for decisions.",
    "outcome-testing": "planned",
    "error-burden": "Mistakes are corrected by staff at no cost to the person; the team "
    "monitors complaints monthly.",
    "accessible-design": "yes",
    "chilling-effect": "Unlikely: the system does not observe gatherings or speech.",
    "gatherings": "no",
    "anonymity": "Yes for information; identification is only needed to receive a personal "
    "decision.",
    "other-channels": "equal",
    "barriers": "Some people lack a smartphone or the skills; the library offers help.",
    "exclusion": "No one loses access: the in-person route stays open with the same hours.",
    "help-available": "The city's help desk, the libraries' digital helpers and a phone line.",
    "explanation": "Decision letters say when the system played a part and which data was "
    "used, in plain language.",
    "contesting": "People can object to the department; a different staff member reviews the "
    "case within two weeks.",
    "publication": "register-and-summary",
    "audit-access": "yes",
    "logging": "Every output, the data it used and the staff decision are logged for two years.",
    "physical-harm": "No: a failure only delays the service.",
    "function-creep": "The processing agreement and access rights forbid other uses; the "
    "data-protection officer checks the access log twice a year.",
    "fallback": "The team works by hand as before; no one is refused a service meanwhile.",
    "security-review": "yes",
    "reassessment": "In two years, or earlier if the data, the supplier or the purpose changes.",
}

# Answers that depend on the project; used where a demo project does not give its own.
FALLBACK: dict[str, str] = {
    "problem": "Staff spend much time on a task that residents find slow; the department "
    "receives complaints about waiting times every month.",
    "intended-benefits": "Faster service and fewer errors, measured by handling times and "
    "the number of corrections before and after.",
    "responsible": "The department named above; a supplier under a processing agreement.",
    "alternatives": "Doing the work by hand with more staff, and a simpler tool without "
    "personal data; both were weighed in the business case.",
    "balance": "The data used is limited and the effects on people are small compared with "
    "the time saved for residents.",
    "data-items": "Contact details and the information people give in their request; no "
    "sensitive data is asked for.",
    "groups": "Residents who use the service and the staff who handle it.",
    "unequal-effects": "People with few digital skills could find it harder; the in-person "
    "route stays open for them.",
    "main-risks": "See the risk list: the main ones concern privacy and fair access.",
    "measures": "The mitigations in the risk list, each with an owner and a due date.",
    "remaining-risks": "Low to medium risks remain; they are acceptable with the monitoring "
    "described above.",
    "public-summary": "The city assessed the effects of this system on people's rights "
    "before using it. The summary of the decision is published here.",
}

#: The published summaries in French and Dutch beside the English of ``PROJECTS`` (Demo City
#: is Belgian and publishes in all three), keyed by the project's title.
#: The public titles of the published summaries in French and Dutch (English: the title).
TITLE_TRANSLATIONS: dict[str, dict[str, str]] = {
    "Benefits-fraud risk model": {
        "fr": "Modèle de risque de fraude aux allocations",
        "nl": "Risicomodel voor uitkeringsfraude",
    },
    "Parking-bay occupancy sensors": {
        "fr": "Capteurs d'occupation des places de stationnement",
        "nl": "Bezettingssensoren voor parkeerplaatsen",
    },
    "Number-plate cameras at the low-emission zone": {
        "fr": "Caméras de lecture de plaques dans la zone de basses émissions",
        "nl": "Nummerplaatcamera's in de lage-emissiezone",
    },
}

SUMMARY_TRANSLATIONS: dict[str, dict[str, str]] = {
    "Benefits-fraud risk model": {
        "fr": "La ville a testé un modèle qui choisit les dossiers d'allocations à contrôler. "
        "L'évaluation a montré qu'il signale certains groupes bien plus souvent que d'autres. "
        "Le projet est suspendu jusqu'à ce que le modèle soit modifié et testé à nouveau.",
        "nl": "De stad testte een model dat kiest welke uitkeringsdossiers worden gecontroleerd. "
        "De beoordeling toonde dat het sommige groepen veel vaker aanduidt dan andere. Het "
        "project ligt stil tot het model is aangepast en opnieuw getest.",
    },
    "Parking-bay occupancy sensors": {
        "fr": "Des capteurs dans la chaussée indiquent si une place de stationnement est libre. "
        "Ils ne prennent pas de photos et ne lisent pas les plaques d'immatriculation. "
        "L'évaluation a trouvé des risques très faibles et la ville a approuvé le système.",
        "nl": "Sensoren in het wegdek geven aan of een parkeerplaats vrij is. Ze maken geen "
        "foto's en lezen geen nummerplaten. De beoordeling vond zeer lage risico's en de stad "
        "keurde het systeem goed.",
    },
    "Number-plate cameras at the low-emission zone": {
        "fr": "La zone est nécessaire pour la qualité de l'air, et les plaques des véhicules "
        "en règle peuvent être effacées tout de suite ; un audit doit le prouver.",
        "nl": "De zone is nodig voor de luchtkwaliteit, en de nummerplaten van voertuigen die "
        "in orde zijn kunnen meteen worden gewist; een audit moet dat bewijzen.",
    },
}

PROJECTS: list[dict[str, Any]] = [
    {
        "title": "Benefits-fraud risk model",
        "entry": "Benefits-fraud risk model",
        "department": "social",
        "kind": "both",
        "state": "on_hold",
        "answers": {
            "project-summary": "A statistical model scores every benefit file for the chance of "
            "an incorrect payment. Files with a high score are sent to an inspector for a home "
            "visit or a document check.",
            "problem": "Investigators can check only a small share of the files each year and "
            "now pick them at random or on tips.",
            "intended-benefits": "Fewer wrong payments and fewer checks on people who did "
            "nothing wrong; measured by the share of checks that find an error.",
            "responsible": "Social Services, benefits team lead; the model was built by an "
            "external analytics firm under contract.",
            "project-stage": "pilot",
            "alternatives": "Random sampling and better forms were considered; the model was "
            "chosen to use inspectors' time better.",
            "less-intrusive": "yes",
            "balance": "The team believed the savings justified the checks; the review "
            "questioned this for the groups most often flagged.",
            "data-items": "Household composition, address history, income, benefit history, "
            "earlier investigations, nationality and language of correspondence.",
            "data-sources": ["city-records", "external"],
            "algorithm-kind": "statistical",
            "algorithm-role": "recommends",
            "model-data": "Trained on five years of past investigations, which were not a "
            "random sample: earlier checks focused on some neighbourhoods.",
            "groups": "Everyone receiving social benefits in the city, about 14,000 households.",
            "vulnerable": ["low-income", "migrants", "language", "disabilities"],
            "unequal-effects": "Single parents and people who write to the city in another "
            "language are flagged up to three times more often.",
            "profiling": "yes",
            "proxies": "Language of correspondence and address history stand in for origin.",
            "outcome-testing": "done",
            "error-burden": "People wrongly flagged face a home visit and may have payments "
            "paused while the check runs.",
            "main-risks": "Unequal treatment of migrants and single parents; payments paused "
            "for people who did nothing wrong; people cannot see why they were chosen.",
            "measures": "Remove language and nationality, test outcomes per group, never pause "
            "payments on a score alone, explain selection in the letter.",
            "remaining-risks": "Even without those fields, the address history may still carry "
            "bias; this has to be measured before any use.",
            "proposal": "on-hold",
            "public-summary": "The city tested a model that picks benefit files to check. The "
            "assessment found that it flags some groups far more often. It is on hold until "
            "the model is changed and tested again.",
        },
        "risks": [
            (
                "equality",
                "Migrants and single parents are flagged far more often than others.",
                4,
                4,
                3,
                3,
            ),
            ("access-inclusion", "Payments are paused for people wrongly flagged.", 3, 4, 2, 3),
            (
                "transparency-contest",
                "People do not know why they were chosen for a check.",
                4,
                3,
                2,
                2,
            ),
            (
                "privacy",
                "Home visits reveal more about private life than the check needs.",
                2,
                3,
                None,
                None,
            ),
        ],
        "mitigations": [
            (
                "Remove nationality and language of correspondence from the model.",
                "Social Services data team",
                30,
            ),
            (
                "Never pause a payment on a score alone; an inspector decides.",
                "Benefits team lead",
                14,
            ),
        ],
        "decision": "on_hold",
        "reasons": "The model treats groups unequally and the team cannot yet show that "
        "removing the obvious fields fixes this. It must not be used on residents until an "
        "outcome test per group shows no significant difference.",
        "conditions": [
            (
                "Retrain without nationality and language, then test outcomes per group and "
                "share the results with the reviewer.",
                "Social Services data team",
                -10,
            ),
            (
                "Rewrite the selection letter so people learn why they were chosen and how to "
                "object.",
                "Benefits team lead",
                45,
            ),
        ],
        "summary": True,
    },
    {
        "title": "Parking-bay occupancy sensors",
        "entry": "Parking-bay occupancy sensors",
        "department": "mobility",
        "kind": "dpia",
        "state": "approve",
        "answers": {
            "project-summary": "Magnetic sensors in the road surface detect whether a parking "
            "bay is free. Drivers see free bays in the city app and on street signs.",
            "problem": "Drivers circle to find a place, which adds traffic and pollution in "
            "the centre.",
            "intended-benefits": "Less searching traffic; measured by traffic counts before "
            "and after.",
            "responsible": "Mobility and Public Space; the sensors are leased from a supplier.",
            "project-stage": "in-use",
            "alternatives": "Cameras were rejected because they would capture people and "
            "number plates.",
            "balance": "The sensors record only 'occupied' or 'free', so the effect on people "
            "is very small.",
            "legal-basis": "no-personal-data",
            "data-items": "Bay identifier, occupied or free, timestamp. No images, no plates.",
            "data-sources": ["sensors"],
            "algorithm-kind": "none",
            "algorithm-role": "no-decisions",
            "groups": "Drivers looking for a place; residents of the streets concerned.",
            "vulnerable": ["none"],
            "main-risks": "Sensors fail and show wrong information; patterns of one bay could "
            "in theory reveal when a neighbour comes home.",
            "measures": "Only street totals are published; single-bay history is deleted "
            "after a day.",
            "remaining-risks": "Very small: no person can be identified from street totals.",
            "proposal": "proceed",
            "public-summary": "Sensors in the road tell whether a parking bay is free. They do "
            "not take pictures or read number plates. The assessment found very low risks and "
            "the city approved the system.",
        },
        "risks": [
            (
                "privacy",
                "The history of a single bay could show when a resident is at home.",
                2,
                2,
                1,
                1,
            ),
            ("safety-security", "A faulty sensor sends drivers to a taken bay.", 2, 1, None, None),
        ],
        "mitigations": [
            (
                "Delete single-bay history after 24 hours; publish street totals only.",
                "Mobility data officer",
                -20,
            ),
        ],
        "decision": "approve",
        "reasons": "No personal data is kept beyond one day and the remaining risks are low.",
        "conditions": [],
        "summary": True,
    },
    {
        "title": "Number-plate cameras at the low-emission zone",
        "entry": "Number-plate cameras",
        "department": "environment",
        "kind": "both",
        "state": "approve_with_conditions",
        "answers": {
            "project-summary": "Cameras read the number plates of vehicles entering the "
            "low-emission zone and check them against the vehicle register.",
            "proposal": "proceed-with-conditions",
        },
        "risks": [
            ("privacy", "Plates of compliant cars are kept longer than needed.", 3, 3, 1, 2),
            (
                "expression-assembly",
                "People going to a demonstration in the zone feel tracked.",
                2,
                3,
                2,
                2,
            ),
        ],
        "mitigations": [
            ("Delete plates of compliant vehicles within one minute.", "Environment team", 20),
        ],
        "decision": "approve_with_conditions",
        "reasons": "The zone is needed for air quality and plates of compliant vehicles can "
        "be deleted at once; that must be proven in an audit.",
        "conditions": [
            (
                "Show in an external audit that compliant plates are deleted within one minute.",
                "Environment team",
                60,
            ),
        ],
        "summary": True,
    },
    {
        "title": "Chat assistant on the city website",
        "entry": "Chat assistant",
        "department": "digital",
        "kind": "both",
        "state": "under_review",
        "answers": {
            "project-summary": "A chat assistant answers residents' questions on the website "
            "using the city's own pages, and hands over to a person when unsure.",
            "algorithm-kind": "generative",
            "proposal": "proceed-with-conditions",
        },
        "risks": [
            (
                "access-inclusion",
                "Wrong answers about deadlines make people miss a benefit.",
                2,
                3,
                1,
                3,
            ),
            ("privacy", "People type personal details into the chat.", 3, 2, 2, 2),
        ],
        "mitigations": [],
    },
    {
        "title": "Library lending platform",
        "entry": "Library lending platform",
        "department": "culture",
        "kind": "dpia",
        "state": "submitted",
        "answers": {
            "project-summary": "A new platform for lending books and e-books, with accounts for "
            "every library member.",
            "proposal": "proceed",
        },
        "risks": [
            ("privacy", "Reading history reveals beliefs and interests.", 2, 3, 1, 2),
        ],
        "mitigations": [],
    },
    {
        "title": "Ranking for social housing",
        "entry": "Ranking for social housing",
        "department": "social",
        "kind": "hria",
        "state": "draft",
        "answers": {
            "project-summary": "A points system ranks applications for social housing by "
            "need and waiting time.",
        },
        "risks": [
            ("equality", "Points for local ties disadvantage newcomers.", 3, 3, None, None),
        ],
        "mitigations": [],
    },
    {
        "title": "Face recognition for the Market Square crowd counters",
        "entry": "Crowd counters",
        "department": "safety",
        "kind": "both",
        "state": "reject",
        "answers": {
            "project-summary": "A proposed upgrade would let the crowd counters recognise "
            "faces from a watch list during events.",
            "proposal": "stop",
        },
        "risks": [
            ("expression-assembly", "People avoid gatherings on the square.", 4, 4, 3, 4),
            ("privacy", "Everyone crossing the square is scanned.", 4, 4, 4, 3),
            ("equality", "Recognition errors fall more on people with darker skin.", 3, 4, 3, 3),
        ],
        "mitigations": [],
        "decision": "reject",
        "reasons": "Scanning every visitor of the square is out of proportion to the aim, and "
        "no measure lowers the risk to freedom of assembly enough.",
        "conditions": [],
    },
]

PROCUREMENT: dict[str, Any] = {
    "tender": {
        "en": "Parking-bay sensor network 2025",
        "fr": "Réseau de capteurs de places de stationnement 2025",
        "nl": "Sensornetwerk voor parkeerplaatsen 2025",
    },
    "reference": "MOB-2025-014",
    "entry": "Parking-bay occupancy sensors",
    "department": "mobility",
    "not_included": {
        "source-code-escrow": {
            "en": "The sensors are standard hardware; the city only needs the data interface, "
            "which is open.",
            "fr": "Les capteurs sont du matériel courant ; la ville n'a besoin que de leur "
            "interface de données, qui est ouverte.",
            "nl": "De sensoren zijn gangbare apparatuur; de stad heeft alleen de "
            "gegevensinterface nodig, en die is open.",
        },
    },
    "included": {
        "en": "Written into the tender and the contract.",
        "fr": "Inscrit dans l'appel d'offres et dans le contrat.",
        "nl": "Opgenomen in de aanbesteding en in het contract.",
    },
    "left_for_later": {
        "en": "Left to the next tender, when the city's policy on this is adopted.",
        "fr": "Reporté au prochain appel d'offres, une fois la politique de la ville adoptée.",
        "nl": "Uitgesteld tot de volgende aanbesteding, zodra het beleid van de stad is "
        "aangenomen.",
    },
}


def _entry(context: DemoContext, name: str) -> Entry | None:
    return (
        Entry.objects.primary()
        .filter(in_any_language("name", name), organisation=context.city)
        .order_by("id")
        .first()
    )


def _answer(question: Any, project: dict[str, Any]) -> Any:
    given = project["answers"].get(question.key, COMMON.get(question.key))
    if given is None:
        given = FALLBACK.get(question.key)
    if given is not None:
        return given
    if question.type == "text":
        return ""
    if question.type == "yes-no":
        return "no"
    if question.multiple:
        return [question.options[0].key]
    return question.options[0].key


@transaction.atomic
def load(context: DemoContext) -> None:
    editor = context.users["editor"]
    reviewer = context.users["reviewer"]
    city = context.city
    for project in PROJECTS:
        if ImpactAssessment.objects.filter(organisation=city, title=project["title"]).exists():
            continue
        _build(context, project, editor, reviewer)
    tender = PROCUREMENT["tender"]["en"]
    if not Procurement.objects.filter(
        in_any_language("tender", tender, "exact"), organisation=city
    ):
        _procurement(context, editor)


def _procurement(context: DemoContext, editor: Any) -> None:
    checklist = services.latest_checklist()
    answers = {}
    for requirement in content.requirements_of(checklist.checklist):
        reasons = PROCUREMENT["not_included"].get(requirement.key)
        answers[requirement.key] = (
            {"included": False, "reasons": reasons}
            if reasons
            else {"included": True, "reasons": PROCUREMENT["included"]}
        )
    if not any(not a["included"] for a in answers.values()):
        last = content.requirements_of(checklist.checklist)[-1].key
        answers[last] = {"included": False, "reasons": PROCUREMENT["left_for_later"]}
    services.save_procurement(
        context.city,
        editor,
        details={
            "tender": PROCUREMENT["tender"],
            "reference": PROCUREMENT["reference"],
            "department": context.departments[PROCUREMENT["department"]],
            "entry": _entry(context, PROCUREMENT["entry"]),
            "public": True,
        },
        answers=answers,
    )


def _build(context: DemoContext, project: dict[str, Any], editor: Any, reviewer: Any) -> None:
    assessment = services.create_assessment(
        context.city,
        editor,
        title=project["title"],
        kind=project["kind"],
        department=context.departments.get(project["department"]),
        entry=_entry(context, project["entry"]),
    )
    template = assessment.template.template
    complete = project["state"] != "draft"
    for section in content.sections_for(template, assessment.kind):
        answers = {q.key: _answer(q, project) for q in section.questions}
        if not complete:
            answers = {k: v for k, v in answers.items() if k in project["answers"]}
        if answers:
            services.save_section(assessment, editor, section.key, answers)
    for right, description, lk, sv, rlk, rsv in project["risks"]:
        item = services.add_risk(
            assessment,
            editor,
            {
                "right": right,
                "description": description,
                "likelihood": lk,
                "severity": sv,
                "residual_likelihood": rlk,
                "residual_severity": rsv,
            },
        )
        if right == project["risks"][0][0]:
            for action, owner, days in project["mitigations"]:
                services.add_mitigation(
                    item,
                    editor,
                    action=action,
                    owner=owner,
                    due=timezone.localdate() + timedelta(days=days),
                )
    if project["state"] == "draft":
        services.add_comment(
            assessment, editor, "context", "Still waiting for the housing allocation rules."
        )
        return
    assessment = services.transition(assessment, editor, "submit")
    if project["state"] == "submitted":
        return
    assessment = services.transition(assessment, reviewer, "start_review")
    services.add_comment(
        assessment, reviewer, "data-algorithm", "Which data was the model tested on?"
    )
    if project["state"] == "under_review":
        return
    today = timezone.localdate()
    assessment = services.decide(
        assessment,
        reviewer,
        decision=project["decision"],
        reasons=project["reasons"],
        conditions=[
            {"text": text, "owner": owner, "due": today + timedelta(days=days)}
            for text, owner, days in project["conditions"]
        ],
        reassessment_due=today + timedelta(days=365),
    )
    if project.get("summary"):
        english = project["answers"].get("public-summary", project["reasons"])
        texts = {"en": english, **SUMMARY_TRANSLATIONS.get(project["title"], {})}
        titles = {"en": project["title"], **TITLE_TRANSLATIONS.get(project["title"], {})}
        summary = services.save_summary(assessment, editor, texts, title=titles)
        services.approve_summary(summary, reviewer, publish=True)
