"""A curated slice of the W3C Data Privacy Vocabulary (DPV 2), with our own plain-language labels.

Why a curated list instead of loading the whole vocabulary: DPV holds hundreds of purposes and
personal-data categories, most of them irrelevant to a city. Editors and residents need a short,
understandable list; partners and exports need stable IRIs. Every IRI below exists in DPV 2.0
(namespaces ``https://w3id.org/dpv#``, ``https://w3id.org/dpv/pd#`` and the GDPR extension
``https://w3id.org/dpv/legal/eu/gdpr#``). The labels and explanations are written for this project
in plain language; they are not the DPV definitions.

The register and the consent apps share this module, so a purpose means the same thing in a
register entry, a processing agreement and a consent receipt.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
EU_GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"

#: Prefixes used for compact ids (CURIEs), also handy for Turtle and JSON-LD contexts.
PREFIXES: Mapping[str, str] = MappingProxyType({"dpv": DPV, "pd": PD, "eu-gdpr": EU_GDPR})

#: Languages every term carries a label in.
LANGUAGES: tuple[str, ...] = ("en", "fr", "nl")
DEFAULT_LANGUAGE = "en"

TermKind = Literal["purpose", "data_category", "legal_basis"]
KINDS: tuple[TermKind, ...] = ("purpose", "data_category", "legal_basis")

_KIND_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "purpose": "a purpose",
        "data_category": "a personal-data category",
        "legal_basis": "a legal basis",
    }
)


class UnknownTermError(LookupError):
    """Raised when a value is not one of our curated DPV terms (or not of the expected kind).

    ``suggestion`` holds the compact id of a close match when there is one, so forms and the
    bulk importer can say "did you mean ...?".
    """

    def __init__(self, value: str, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.value = value
        self.suggestion = suggestion
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Term:
    """One DPV concept as we present it: stable IRI, compact id, our labels and explanation.

    ``labels`` is excluded from equality and hashing (a mapping is not hashable); two terms are
    the same term when their IRIs are the same.
    """

    iri: str
    curie: str
    labels: Mapping[str, str] = field(compare=False, hash=False, repr=False)
    explanation: str = field(compare=False, hash=False, repr=False)
    kind: TermKind = "purpose"
    #: GDPR article 9 data (health, biometrics, beliefs ...): stricter rules apply.
    special_category: bool = False
    #: GDPR article 10 data (criminal convictions and offences).
    criminal_offence: bool = False

    @property
    def sensitive(self) -> bool:
        """True for data that needs extra protection: special categories and criminal data."""
        return self.special_category or self.criminal_offence

    @property
    def local_name(self) -> str:
        """The part of the IRI after the namespace, e.g. ``ServiceProvision``."""
        return self.curie.split(":", 1)[1]


def _term(
    curie: str,
    kind: TermKind,
    en: str,
    fr: str,
    nl: str,
    explanation: str,
    *,
    special: bool = False,
    criminal: bool = False,
) -> Term:
    prefix, local = curie.split(":", 1)
    return Term(
        iri=PREFIXES[prefix] + local,
        curie=curie,
        labels=MappingProxyType({"en": en, "fr": fr, "nl": nl}),
        explanation=explanation,
        kind=kind,
        special_category=special,
        criminal_offence=criminal,
    )


def _purpose(curie: str, en: str, fr: str, nl: str, explanation: str) -> Term:
    return _term(curie, "purpose", en, fr, nl, explanation)


def _category(
    curie: str,
    en: str,
    fr: str,
    nl: str,
    explanation: str,
    *,
    special: bool = False,
    criminal: bool = False,
) -> Term:
    return _term(
        curie, "data_category", en, fr, nl, explanation, special=special, criminal=criminal
    )


def _basis(curie: str, en: str, fr: str, nl: str, explanation: str) -> Term:
    return _term(curie, "legal_basis", en, fr, nl, explanation)


# fmt: off
PURPOSES: tuple[Term, ...] = (
    _purpose("dpv:ServiceProvision", "Providing a service", "Fournir un service",
             "Een dienst verlenen",
             "The data is needed to deliver a service the city offers."),
    _purpose("dpv:RequestedServiceProvision", "Delivering a service you asked for",
             "Fournir un service que vous avez demandé", "Een dienst leveren waar u om vroeg",
             "Used to carry out something a resident explicitly asked for, such as a permit or "
             "a bulky-waste pickup."),
    _purpose("dpv:ServiceRegistration", "Signing you up for a service",
             "Vous inscrire à un service", "U inschrijven voor een dienst",
             "Collected when you register, so the service knows who you are and what you need."),
    _purpose("dpv:ServiceOptimisation", "Improving how a service works",
             "Améliorer le fonctionnement d'un service", "De werking van een dienst verbeteren",
             "Used to make a service faster, cheaper or more reliable."),
    _purpose("dpv:ServicePersonalisation", "Tailoring a service to your situation",
             "Adapter un service à votre situation", "Een dienst op uw situatie afstemmen",
             "Used to adjust what a service shows or offers to your needs or preferences."),
    _purpose("dpv:ServiceUsageAnalytics", "Measuring how a service is used",
             "Mesurer l'utilisation d'un service", "Meten hoe een dienst wordt gebruikt",
             "Used to count and analyse how people use a service, normally as totals."),
    _purpose("dpv:TechnicalServiceProvision", "Keeping the technology running",
             "Faire fonctionner la technique", "De techniek draaiende houden",
             "Needed for the technical operation of a system, such as storing files or "
             "sending network traffic."),
    _purpose("dpv:IncreaseServiceRobustness", "Making a service more resilient",
             "Rendre un service plus robuste", "Een dienst robuuster maken",
             "Used to keep a service available during failures and busy periods."),
    _purpose("dpv:SearchFunctionalities", "Helping you find information",
             "Vous aider à trouver des informations", "U helpen informatie te vinden",
             "Used to power search features on city websites and apps."),
    _purpose("dpv:PaymentManagement", "Handling payments", "Gérer les paiements",
             "Betalingen afhandelen",
             "Used to charge, collect or refund fees, fines and charges."),
    _purpose("dpv:AccountManagement", "Managing your account", "Gérer votre compte",
             "Uw account beheren",
             "Used to create, keep up to date and close a user account."),
    _purpose("dpv:CommunicationManagement", "Contacting you", "Vous contacter",
             "Contact met u opnemen",
             "Used to send you messages, notices or reminders about a service."),
    _purpose("dpv:CustomerCare", "Helping with your questions and complaints",
             "Répondre à vos questions et réclamations", "Uw vragen en klachten behandelen",
             "Used to answer questions, solve problems and handle complaints."),
    _purpose("dpv:IdentityVerification", "Checking who you are", "Vérifier votre identité",
             "Controleren wie u bent",
             "Used to confirm that a person is who they say they are."),
    _purpose("dpv:IdentityAuthentication", "Logging you in securely",
             "Vous connecter en toute sécurité", "U veilig laten inloggen",
             "Used to let you sign in and prove that it is really you."),
    _purpose("dpv:EnforceSecurity", "Keeping systems and data secure",
             "Protéger les systèmes et les données", "Systemen en gegevens beveiligen",
             "Used to protect systems, buildings and data against attacks and misuse."),
    _purpose("dpv:EnforceAccessControl", "Controlling who gets access",
             "Contrôler qui a accès", "Bepalen wie toegang krijgt",
             "Used to decide who may enter a place or use a system."),
    _purpose("dpv:FraudPreventionAndDetection", "Preventing and detecting fraud",
             "Prévenir et détecter la fraude", "Fraude voorkomen en opsporen",
             "Used to find and stop dishonest use of money, benefits or services."),
    _purpose("dpv:MisusePreventionAndDetection", "Preventing misuse of a service",
             "Prévenir l'usage abusif d'un service", "Misbruik van een dienst voorkomen",
             "Used to notice and stop abuse of a service, such as spam or vandalism."),
    _purpose("dpv:LegalCompliance", "Meeting a legal duty", "Respecter une obligation légale",
             "Aan een wettelijke plicht voldoen",
             "Needed because a law requires the city to process this data."),
    _purpose("dpv:RecordManagement", "Keeping records", "Tenir des registres",
             "Dossiers bijhouden",
             "Used to keep records and logs, for example to account for decisions later."),
    _purpose("dpv:RightsFulfillment", "Handling requests about your rights",
             "Traiter vos demandes liées à vos droits",
             "Verzoeken over uw rechten afhandelen",
             "Used to answer requests to see, correct or delete your data."),
    _purpose("dpv:DisputeManagement", "Handling objections and disputes",
             "Traiter les recours et les litiges", "Bezwaren en geschillen behandelen",
             "Used when a decision is challenged or a disagreement has to be settled."),
    _purpose("dpv:OrganisationRiskManagement", "Managing the city's risks",
             "Gérer les risques de la ville", "De risico's van de stad beheersen",
             "Used to spot and reduce risks to the city's work."),
    _purpose("dpv:InternalResourceOptimisation", "Using city resources efficiently",
             "Utiliser efficacement les ressources de la ville",
             "Middelen van de stad efficiënt inzetten",
             "Used to plan staff, vehicles or budgets more efficiently."),
    _purpose("dpv:HumanResourceManagement", "Managing city staff",
             "Gérer le personnel de la ville", "Personeel van de stad beheren",
             "Used for staff matters such as rosters, pay and training."),
    _purpose("dpv:PublicBenefit", "Serving the common good", "Servir le bien commun",
             "Het algemeen belang dienen",
             "Used for activities that benefit the whole community."),
    _purpose("dpv:ImprovePublicServices", "Improving public services",
             "Améliorer les services publics", "Publieke diensten verbeteren",
             "Used to make public services such as safety, education or care work better."),
    _purpose("dpv:ImproveTransportMobility", "Improving traffic and mobility",
             "Améliorer la circulation et la mobilité", "Verkeer en mobiliteit verbeteren",
             "Used to improve traffic flow, public transport, cycling or parking."),
    _purpose("dpv:ImproveHealthcare", "Improving health care", "Améliorer les soins de santé",
             "De gezondheidszorg verbeteren",
             "Used to improve health services or the health of the population."),
    _purpose("dpv:CombatClimateChange", "Tackling climate change",
             "Lutter contre le changement climatique", "Klimaatverandering aanpakken",
             "Used to cut emissions or to prepare for heat, floods and other climate risks."),
    _purpose("dpv:ProtectionOfPublicSecurity", "Protecting public safety",
             "Protéger la sécurité publique", "De openbare veiligheid beschermen",
             "Used to keep streets, public spaces and events safe."),
    _purpose("dpv:ProvideOfficialStatistics", "Producing official statistics",
             "Produire des statistiques officielles", "Officiële statistieken maken",
             "Used to describe the city in figures, not to decide anything about one person."),
    _purpose("dpv:PublicPolicyMaking", "Preparing city policy",
             "Préparer les politiques de la ville", "Stadsbeleid voorbereiden",
             "Used as evidence when the city designs new rules or plans."),
    _purpose("dpv:DataAltruism", "Sharing data voluntarily for the common good",
             "Partager volontairement des données pour le bien commun",
             "Vrijwillig gegevens delen voor het algemeen belang",
             "Data that people choose to donate so it can serve a public cause."),
    _purpose("dpv:ResearchAndDevelopment", "Research and development",
             "Recherche et développement", "Onderzoek en ontwikkeling",
             "Used to develop new methods, products or services."),
    _purpose("dpv:ScientificResearch", "Scientific research", "Recherche scientifique",
             "Wetenschappelijk onderzoek",
             "Used in scientific studies, under strict safeguards."),
    _purpose("dpv:AcademicResearch", "Research by universities", "Recherche universitaire",
             "Onderzoek door universiteiten",
             "Used in research carried out by or with universities and colleges."),
    _purpose("dpv:NonCommercialResearch", "Non-commercial research",
             "Recherche non commerciale", "Niet-commercieel onderzoek",
             "Used in research that is not meant to make a profit."),
)

DATA_CATEGORIES: tuple[Term, ...] = (
    # Identity and contact
    _category("pd:Name", "Name", "Nom", "Naam",
              "Your first name, last name or nickname."),
    _category("pd:Identifier", "Identification number", "Numéro d'identification",
              "Identificatienummer",
              "A number or code that tells people apart, such as a customer number."),
    _category("pd:OfficialID", "Official identity document", "Pièce d'identité officielle",
              "Officieel identiteitsbewijs",
              "An official identity document or its number, such as an identity card."),
    _category("pd:Contact", "Contact details", "Coordonnées", "Contactgegevens",
              "Details used to reach you, such as an email address or phone number."),
    _category("pd:EmailAddress", "Email address", "Adresse e-mail", "E-mailadres",
              "The email address you use."),
    _category("pd:TelephoneNumber", "Phone number", "Numéro de téléphone", "Telefoonnummer",
              "Your landline or mobile phone number."),
    _category("pd:PhysicalAddress", "Home or postal address", "Adresse postale",
              "Woon- of postadres",
              "The street address where you live or receive post."),
    _category("pd:PostalCode", "Postcode", "Code postal", "Postcode",
              "The postcode of an address, which points to a small area."),
    _category("pd:Authenticating", "Login details", "Identifiants de connexion",
              "Inloggegevens",
              "Passwords, codes and similar secrets used to prove who you are."),
    # Personal characteristics and household
    _category("pd:Age", "Age", "Âge", "Leeftijd", "How old you are, or your age group."),
    _category("pd:BirthDate", "Date of birth", "Date de naissance", "Geboortedatum",
              "The day you were born."),
    _category("pd:Gender", "Gender", "Genre", "Geslacht", "Your gender."),
    _category("pd:Nationality", "Nationality", "Nationalité", "Nationaliteit",
              "The country or countries you are a national of."),
    _category("pd:Language", "Language", "Langue", "Taal",
              "The languages you speak or prefer."),
    _category("pd:Household", "Home life", "Vie domestique", "Huiselijk leven",
              "Information about personal or household activities."),
    _category("pd:FamilyStructure", "Family composition", "Composition de la famille",
              "Gezinssamenstelling",
              "Who belongs to your family, such as a partner or children."),
    _category("pd:PhysicalCharacteristic", "Physical appearance", "Apparence physique",
              "Uiterlijk",
              "What you look like, such as height or hair colour."),
    # Location and movement
    _category("pd:Location", "Location", "Localisation", "Locatie",
              "Where a person or their device is, or has been."),
    _category("pd:GPSCoordinate", "GPS position", "Position GPS", "GPS-positie",
              "A precise position measured by satellite, usually by a phone or vehicle."),
    _category("pd:TravelHistory", "Travel history", "Historique des déplacements",
              "Reisgeschiedenis",
              "Where you have been over time, such as trips and routes."),
    _category("pd:Residency", "Place of residence", "Lieu de résidence", "Woonplaats",
              "The municipality, region or country where you live."),
    # Images and biometrics
    _category("pd:Picture", "Photo or camera image", "Photo ou image de caméra",
              "Foto- of camerabeeld",
              "A photo or video image in which a person can be seen."),
    _category("pd:FacialPrint", "Facial features (face recognition)",
              "Traits du visage (reconnaissance faciale)",
              "Gezichtskenmerken (gezichtsherkenning)",
              "Measurements of a face that can recognise a person.", special=True),
    _category("pd:Fingerprint", "Fingerprint", "Empreinte digitale", "Vingerafdruk",
              "A fingerprint used to recognise a person.", special=True),
    _category("pd:Biometric", "Biometric data", "Données biométriques",
              "Biometrische gegevens",
              "Body measurements, such as a face or voice print, used to recognise a person.",
              special=True),
    # Vehicles
    _category("pd:VehicleLicense", "Vehicle registration and licence plate",
              "Immatriculation du véhicule", "Kenteken en voertuigregistratie",
              "The registration of a vehicle, such as the number on its licence plate."),
    _category("pd:Vehicle", "Vehicle details", "Données du véhicule", "Voertuiggegevens",
              "Information about a vehicle, such as its type or emissions class."),
    _category("pd:VehicleUsage", "Vehicle use", "Utilisation du véhicule", "Voertuiggebruik",
              "How and when a vehicle is driven or parked."),
    # Devices and online activity
    _category("pd:DeviceBased", "Device information", "Informations sur l'appareil",
              "Apparaatgegevens",
              "Information about your phone, computer or other device."),
    _category("pd:IPAddress", "IP address", "Adresse IP", "IP-adres",
              "The internet address of the device you use."),
    _category("pd:MACAddress", "Device network address (MAC)",
              "Adresse réseau de l'appareil (MAC)", "Netwerkadres van het apparaat (MAC)",
              "A hardware address that Wi-Fi or Bluetooth sensors can pick up from a phone."),
    _category("pd:UserAgent", "Browser or app details", "Navigateur ou application",
              "Browser- of appgegevens",
              "Which browser or app version your device uses."),
    # Behaviour and communication
    _category("pd:Behavioral", "Behaviour and activities", "Comportement et activités",
              "Gedrag en activiteiten",
              "What a person does, observed directly or derived from other data."),
    _category("pd:ServiceConsumptionBehavior", "How you use a service",
              "Votre utilisation d'un service", "Hoe u een dienst gebruikt",
              "When, how long and how often you use a service."),
    _category("pd:Communication", "Content of messages", "Contenu des messages",
              "Inhoud van berichten",
              "What you write or say in messages to or from the city."),
    _category("pd:VoiceCommunicationRecording", "Voice recordings",
              "Enregistrements vocaux", "Spraakopnames",
              "Recordings of phone calls or other spoken conversations."),
    _category("pd:IndividualProfile", "Personal profile", "Profil individuel",
              "Persoonlijk profiel",
              "A profile built from several pieces of information about one person."),
    # Health
    _category("pd:Health", "Health", "Santé", "Gezondheid",
              "Any information about your physical or mental health.", special=True),
    _category("pd:HealthRecord", "Medical records", "Dossier médical", "Medisch dossier",
              "Records kept by doctors, hospitals or care services.", special=True),
    _category("pd:PhysicalHealth", "Physical health (such as heart rate)",
              "Santé physique (par exemple le rythme cardiaque)",
              "Lichamelijke gezondheid (zoals hartslag)",
              "Measurements of the body's condition, such as heart rate or fitness.",
              special=True),
    _category("pd:MentalHealth", "Mental health", "Santé mentale", "Geestelijke gezondheid",
              "Information about a person's mental health.", special=True),
    _category("pd:Disability", "Disability", "Handicap", "Beperking",
              "Whether a person has a disability and what support they need.", special=True),
    # Money
    _category("pd:Financial", "Financial information", "Informations financières",
              "Financiële gegevens",
              "Any information about a person's money matters."),
    _category("pd:BankAccount", "Bank account", "Compte bancaire", "Bankrekening",
              "Bank account numbers and details."),
    _category("pd:Income", "Income (including benefits)", "Revenus (y compris allocations)",
              "Inkomen (inclusief uitkeringen)",
              "Wages, benefits, allowances and other income of a person or household."),
    _category("pd:FinancialStatus", "Financial situation (such as debts)",
              "Situation financière (par exemple les dettes)",
              "Financiële situatie (zoals schulden)",
              "How well off a person is, including debts and arrears."),
    _category("pd:Tax", "Tax records", "Données fiscales", "Belastinggegevens",
              "Taxes owed or paid, such as local property or waste taxes."),
    _category("pd:Transaction", "Payments and transactions", "Paiements et transactions",
              "Betalingen en transacties",
              "Payments made or received, such as a transfer or a parking payment."),
    _category("pd:Insurance", "Insurance", "Assurance", "Verzekering",
              "Insurance policies and claims."),
    _category("pd:Ownership", "Property and possessions", "Biens et possessions",
              "Bezittingen",
              "What a person owns, rents or borrows, such as a home or a car."),
    # Education, work and social life
    _category("pd:Education", "Education", "Formation", "Opleiding",
              "Schools attended and qualifications obtained."),
    _category("pd:Job", "Job", "Emploi", "Baan", "A person's job or profession."),
    _category("pd:EmploymentHistory", "Employment history", "Parcours professionnel",
              "Arbeidsverleden",
              "Current and past jobs and employers."),
    _category("pd:Criminal", "Criminal records and offences",
              "Antécédents judiciaires et infractions", "Strafrechtelijke gegevens",
              "Information about offences, charges or convictions.", criminal=True),
    _category("pd:EthnicOrigin", "Ethnic origin", "Origine ethnique", "Etnische afkomst",
              "The ethnic group a person belongs to.", special=True),
    _category("pd:Religion", "Religion", "Religion", "Religie",
              "A person's religion or beliefs.", special=True),
    _category("pd:PoliticalOpinion", "Political opinions", "Opinions politiques",
              "Politieke opvattingen",
              "What a person thinks about politics.", special=True),
    _category("pd:TradeUnionMembership", "Trade union membership", "Affiliation syndicale",
              "Lidmaatschap van een vakbond",
              "Whether a person belongs to a trade union.", special=True),
    _category("pd:Sexual", "Sex life or sexual orientation",
              "Vie sexuelle ou orientation sexuelle", "Seksleven of seksuele geaardheid",
              "Information about a person's sex life or sexual orientation.", special=True),
    _category("pd:Genetic", "Genetic data", "Données génétiques", "Genetische gegevens",
              "Information from a person's DNA.", special=True),
)

LEGAL_BASES: tuple[Term, ...] = (
    _basis("dpv:Consent", "Your consent", "Votre consentement", "Uw toestemming",
           "You agreed to this use of your data and can withdraw your agreement at any time."),
    _basis("dpv:Contract", "A contract with you", "Un contrat avec vous",
           "Een overeenkomst met u",
           "Needed to make or carry out an agreement you are part of."),
    _basis("dpv:LegalObligation", "A legal obligation", "Une obligation légale",
           "Een wettelijke verplichting",
           "A law obliges the city to use this data."),
    _basis("dpv:VitalInterest", "Protecting someone's life", "Protéger la vie d'une personne",
           "Iemands leven beschermen",
           "Needed to protect someone's life or safety in an emergency."),
    _basis("dpv:PublicInterest", "A task in the public interest",
           "Une mission d'intérêt public", "Een taak van algemeen belang",
           "Needed for a public task that the law gives to the city."),
    _basis("dpv:OfficialAuthorityOfController", "The city's official powers",
           "Les pouvoirs officiels de la ville", "De officiële bevoegdheden van de stad",
           "Needed to use powers the law grants the city, such as issuing permits or fines."),
    _basis("dpv:LegitimateInterest", "A legitimate interest", "Un intérêt légitime",
           "Een gerechtvaardigd belang",
           "Needed for an interest that outweighs the impact on you; rarely usable by a city "
           "for its public tasks."),
    _basis("eu-gdpr:A6-1-a", "Consent (GDPR art. 6(1)(a))",
           "Consentement (RGPD art. 6.1.a)", "Toestemming (AVG art. 6 lid 1 sub a)",
           "You gave your consent under the GDPR and can withdraw it at any time."),
    _basis("eu-gdpr:A6-1-b", "Contract (GDPR art. 6(1)(b))", "Contrat (RGPD art. 6.1.b)",
           "Overeenkomst (AVG art. 6 lid 1 sub b)",
           "Needed for a contract with you, or for steps you asked for before one."),
    _basis("eu-gdpr:A6-1-c", "Legal obligation (GDPR art. 6(1)(c))",
           "Obligation légale (RGPD art. 6.1.c)",
           "Wettelijke verplichting (AVG art. 6 lid 1 sub c)",
           "A law obliges the city to process the data."),
    _basis("eu-gdpr:A6-1-d", "Vital interests (GDPR art. 6(1)(d))",
           "Intérêts vitaux (RGPD art. 6.1.d)", "Vitaal belang (AVG art. 6 lid 1 sub d)",
           "Needed to protect the life of you or another person."),
    _basis("eu-gdpr:A6-1-e", "Public task (GDPR art. 6(1)(e))",
           "Mission d'intérêt public (RGPD art. 6.1.e)",
           "Taak van algemeen belang (AVG art. 6 lid 1 sub e)",
           "Needed for a task in the public interest or for the city's official powers."),
    _basis("eu-gdpr:A6-1-f", "Legitimate interest (GDPR art. 6(1)(f))",
           "Intérêt légitime (RGPD art. 6.1.f)", "Gerechtvaardigd belang (AVG art. 6 lid 1 sub f)",
           "Needed for a legitimate interest; public bodies may not rely on it for their "
           "public tasks."),
    _basis("eu-gdpr:A9-2-a", "Explicit consent for sensitive data (GDPR art. 9(2)(a))",
           "Consentement explicite pour des données sensibles (RGPD art. 9.2.a)",
           "Uitdrukkelijke toestemming voor gevoelige gegevens (AVG art. 9 lid 2 sub a)",
           "You explicitly agreed to the use of sensitive data such as health data."),
    _basis("eu-gdpr:A9-2-g", "Substantial public interest (GDPR art. 9(2)(g))",
           "Intérêt public important (RGPD art. 9.2.g)",
           "Zwaarwegend algemeen belang (AVG art. 9 lid 2 sub g)",
           "A law allows sensitive data to be used for an important public interest."),
    _basis("eu-gdpr:A9-2-h", "Health or social care (GDPR art. 9(2)(h))",
           "Soins de santé ou sociaux (RGPD art. 9.2.h)",
           "Gezondheids- of sociale zorg (AVG art. 9 lid 2 sub h)",
           "Sensitive data is needed to provide or manage health or social care."),
    _basis("eu-gdpr:A9-2-j", "Research or statistics (GDPR art. 9(2)(j))",
           "Recherche ou statistiques (RGPD art. 9.2.j)",
           "Onderzoek of statistiek (AVG art. 9 lid 2 sub j)",
           "A law allows sensitive data to be used for research, archives or statistics."),
)
# fmt: on

#: Legal bases under which a resident can grant and withdraw (the consent app toggles only these).
CONSENT_BASES: frozenset[str] = frozenset({DPV + "Consent", EU_GDPR + "A6-1-a", EU_GDPR + "A9-2-a"})

ALL_TERMS: tuple[Term, ...] = PURPOSES + DATA_CATEGORIES + LEGAL_BASES

_BY_KEY: dict[str, Term] = {}
for _t in ALL_TERMS:
    _BY_KEY[_t.iri] = _t
    _BY_KEY[_t.curie] = _t
_BY_FOLDED: dict[str, Term] = {key.casefold(): term for key, term in _BY_KEY.items()}
_BY_KIND: dict[str, tuple[Term, ...]] = {
    "purpose": PURPOSES,
    "data_category": DATA_CATEGORIES,
    "legal_basis": LEGAL_BASES,
}
_KIND_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "purpose": "purpose",
        "purposes": "purpose",
        "data_category": "data_category",
        "data_categories": "data_category",
        "legal_basis": "legal_basis",
        "legal_bases": "legal_basis",
    }
)


def normalise_kind(kind: str) -> TermKind:
    """Accept singular or plural kind names (``purposes`` or ``purpose``); reject others."""
    try:
        return _KIND_ALIASES[kind]  # type: ignore[return-value]
    except KeyError:
        raise ValueError(f"Unknown vocabulary kind {kind!r}; use one of {KINDS}.") from None


def terms(kind: str) -> tuple[Term, ...]:
    """All terms of one kind, in curated order."""
    return _BY_KIND[normalise_kind(kind)]


def _suggest(value: str, pool: Iterable[Term]) -> str | None:
    """Closest compact id, comparing with and without prefix so 'ServiceProvison' also matches."""
    candidates: dict[str, str] = {}
    for term in pool:
        candidates[term.curie.casefold()] = term.curie
        candidates[term.local_name.casefold()] = term.curie
        candidates[term.iri.casefold()] = term.curie
    matches = difflib.get_close_matches(value.casefold(), list(candidates), n=1, cutoff=0.6)
    return candidates[matches[0]] if matches else None


def get_term(iri_or_curie: str, kind: str | None = None) -> Term:
    """Look a term up by full IRI or compact id (case-insensitive as a fallback).

    With ``kind`` the term must also be of that kind, so a purpose typed into a legal-basis field
    is refused with a message that says what it is instead. Raises ``UnknownTermError``.
    """
    value = (iri_or_curie or "").strip()
    wanted = normalise_kind(kind) if kind else None
    term = _BY_KEY.get(value) or _BY_FOLDED.get(value.casefold())
    if term is None:
        pool = _BY_KIND[wanted] if wanted else ALL_TERMS
        suggestion = _suggest(value, pool) if value else None
        what = _KIND_NAMES[wanted] if wanted else "a known DPV term"
        message = f"{value!r} is not {what}."
        if not value:
            message = (
                "Empty value: expected a DPV IRI or compact id such as 'dpv:ServiceProvision'."
            )
        elif suggestion:
            message += f" Did you mean {suggestion!r}?"
        raise UnknownTermError(value, message, suggestion)
    if wanted and term.kind != wanted:
        raise UnknownTermError(
            value,
            f"{term.curie!r} is {_KIND_NAMES[term.kind]}, not {_KIND_NAMES[wanted]}.",
            None,
        )
    return term


def is_known(iri_or_curie: str, kind: str | None = None) -> bool:
    """True when ``get_term`` would succeed; for quick filters that must not raise."""
    try:
        get_term(iri_or_curie, kind)
    except UnknownTermError:
        return False
    return True


def _language(lang: str | None) -> str:
    """Reduce 'fr-BE' or 'nl_NL' to a language we have labels for; default to English."""
    base = (lang or DEFAULT_LANGUAGE).replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def label(term: Term | str, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """Our plain-language label for a term (or IRI/CURIE) in ``lang``, falling back to English."""
    resolved = get_term(term) if isinstance(term, str) else term
    return resolved.labels.get(_language(lang)) or resolved.labels[DEFAULT_LANGUAGE]


def labels_for(values: Iterable[str], lang: str | None = DEFAULT_LANGUAGE) -> list[str]:
    """Labels for several IRIs, in the given order; used by exports and templates."""
    return [label(value, lang) for value in values]


def choices(kind: str, lang: str | None = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """``(iri, label)`` pairs for a Django ChoiceField, sorted by label in that language."""
    pairs = [(term.iri, label(term, lang)) for term in terms(kind)]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def is_consent(legal_basis: str) -> bool:
    """True when a resident may grant and withdraw under this legal basis.

    Raises ``UnknownTermError`` for values that are not legal bases: a stored agreement with an
    unknown basis is a data error that must surface, not be treated as "not consent".
    """
    return get_term(legal_basis, "legal_basis").iri in CONSENT_BASES


def is_special_category(data_category: str) -> bool:
    """True for GDPR article 9 data; raises ``UnknownTermError`` for unknown categories."""
    return get_term(data_category, "data_category").special_category


def compact(iri: str) -> str:
    """The compact id for an IRI in one of our namespaces (even if not curated), else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
