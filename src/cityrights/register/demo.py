"""Demo content of the register: about thirty systems of Demo City, around a made-up centre.

Everything goes through ``services`` (the editor writes and submits, the reviewer publishes),
so the demo has a real audit trail and real version history. Idempotent: an entry that exists
by name is left alone. The register opened last year: :func:`_last_year` dates the first
publication of the systems in use before then into last year and adds the questions residents
asked that year, so last year's annual report has figures.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from cityrights.core.translation import in_any_language, missing_fingerprint

from . import services
from .demo_texts import PLACES, TEXTS
from .models import ENTRY_TEXTS, Entry, Question, QuestionStatus, State
from .records import ALGORITHM_TEXTS

CENTRE = (50.8810, 4.3120)  # Demo City's town hall (a made-up place)


def _near(dlat: float, dlon: float) -> tuple[float, float]:
    return round(CENTRE[0] + dlat, 6), round(CENTRE[1] + dlon, 6)


# Each entry: department key, fields, terms, locations, final state, optional later revision.
ENTRIES: list[dict[str, Any]] = [
    {
        "department": "mobility",
        "kind": "sensor",
        "name": "Traffic-counting cameras at busy junctions",
        "summary": "Cameras at six junctions count cars, bikes and pedestrians so that traffic "
        "lights can be timed better. The camera turns the picture into numbers on the spot; no "
        "images are stored or sent to the city.",
        "details": "Each camera runs counting software inside the device. Only counts per "
        "five minutes and per direction leave the camera. Maintenance staff can view a live "
        "image for at most ten minutes when a camera is being adjusted; this is logged.",
        "purposes": ["dpv:ImproveTransportMobility", "dpv:ServiceOptimisation"],
        "categories": ["pd:Picture"],
        "bases": ["eu-gdpr:A6-1-e"],
        "data_subjects": "People and vehicles passing the junction",
        "retention": "Images: not stored. Counts: 5 years.",
        "recipients": "Traffic-light contractor (counts only)",
        "provider": "Junction Analytics BV",
        "status": "in_use",
        "start_date": "2022-03-01",
        "automation_level": "fully_automated",
        "human_oversight": "Traffic engineers review the light timings every month.",
        "risk_level": "low",
        "areas": ["privacy", "transparency"],
        "locations": [
            ((0.0021, -0.0030), "Junction Market Street / Station Avenue"),
            ((-0.0040, 0.0012), "Junction Canal Road / Bridge Street"),
            ((0.0055, 0.0061), "Roundabout at the north ring road"),
            ((-0.0018, -0.0072), "Junction Schoolstraat / Church Lane"),
            ((0.0032, 0.0095), "Junction Harbour Road / Dock Street"),
            ((-0.0066, 0.0044), "Junction South Gate / Ring Road"),
        ],
        "revision": {
            "summary_change": "Two junctions added on the ring road.",
            "retention": "Images: not stored. Counts: 5 years, then only yearly totals.",
        },
    },
    {
        "department": "mobility",
        "kind": "sensor",
        "name": "Number-plate cameras at the low-emission zone",
        "summary": "Cameras at the entrances of the low-emission zone read number plates to "
        "check whether a vehicle may enter. Plates of allowed vehicles are deleted at once; "
        "only possible offences are kept for a person to check.",
        "details": "The plate is compared with the national vehicle register to find the "
        "vehicle's emission standard. A staff member checks every possible offence before a "
        "fine is sent. Photos of allowed vehicles are erased within seconds.",
        "purposes": ["dpv:CombatClimateChange", "dpv:LegalCompliance"],
        "categories": ["pd:VehicleLicense", "pd:Picture", "pd:Location"],
        "bases": ["eu-gdpr:A6-1-e", "eu-gdpr:A6-1-c"],
        "data_subjects": "Drivers and owners of vehicles entering the zone",
        "retention": "Allowed vehicles: deleted at once. Possible offences: 1 year.",
        "recipients": "National vehicle register (look-up only); the fines office",
        "provider": "ClearAir Enforcement NV",
        "status": "in_use",
        "start_date": "2021-01-01",
        "automation_level": "partly_automated",
        "human_oversight": "Every fine is checked and approved by a staff member.",
        "risk_level": "medium",
        "areas": ["privacy", "transparency", "autonomy"],
        "locations": [
            ((0.0062, -0.0018), "Zone entrance, North Gate"),
            ((-0.0058, -0.0010), "Zone entrance, South Gate"),
            ((0.0004, 0.0081), "Zone entrance, Harbour Road"),
            ((-0.0006, -0.0089), "Zone entrance, West Boulevard"),
        ],
        "revision": {
            "summary_change": "Clarified that every fine is checked by a person.",
            "human_oversight": "Every fine is checked and approved by a staff member; "
            "residents can object online or at the town hall.",
        },
    },
    {
        "department": "environment",
        "kind": "sensor",
        "name": "Air-quality sensors",
        "summary": "Small boxes on lamp posts measure fine dust and nitrogen dioxide every "
        "minute. The results are published as open data and show where the air is cleaner.",
        "purposes": [
            "dpv:CombatClimateChange",
            "dpv:PublicBenefit",
            "dpv:ProvideOfficialStatistics",
        ],
        "retention": "Measurements are kept without limit as open data.",
        "recipients": "Everyone (open data)",
        "provider": "Demo City environment lab",
        "status": "in_use",
        "start_date": "2020-06-15",
        "risk_level": "low",
        "areas": ["public_goods", "transparency"],
        "dataset_urls": ["https://data.demo-city.example/air-quality"],
        "locations": [
            ((0.0010, 0.0005), "Town hall square"),
            ((0.0035, -0.0045), "Primary school De Linde, front gate"),
            ((-0.0025, 0.0060), "Harbour Road bus stop"),
            ((0.0070, 0.0020), "North Park, playground"),
            ((-0.0050, -0.0040), "South Gate roundabout"),
            ((0.0015, 0.0110), "Dock Street, near the ferry"),
            ((-0.0080, 0.0015), "Ring Road overpass"),
            ((0.0045, 0.0070), "Hospital entrance"),
        ],
    },
    {
        "department": "environment",
        "kind": "sensor",
        "name": "Noise sensors in the nightlife district",
        "summary": "Sensors measure how loud it is in the streets around Castle Square at "
        "night. They record sound levels in decibels only: no conversations and no audio.",
        "purposes": ["dpv:PublicBenefit", "dpv:PublicPolicyMaking"],
        "retention": "Sound levels: 2 years.",
        "provider": "Stille Stad cooperative",
        "status": "pilot",
        "start_date": "2024-05-01",
        "end_date": "2026-04-30",
        "risk_level": "low",
        "areas": ["participation", "public_goods"],
        "locations": [
            ((-0.0012, 0.0022), "Castle Square, east corner"),
            ((-0.0017, 0.0031), "Tavern Lane"),
            ((-0.0009, 0.0040), "Quay Street, near the bridge"),
        ],
    },
    {
        "department": "safety",
        "kind": "sensor",
        "name": "Crowd counters on Market Square",
        "summary": "Heat sensors above Market Square estimate how many people are on the "
        "square during events, so stewards can open extra exits in time. They cannot see "
        "faces or recognise anyone.",
        "purposes": ["dpv:ProtectionOfPublicSecurity"],
        "retention": "Counts: 30 days.",
        "provider": "SafeFlow Systems",
        "status": "in_use",
        "start_date": "2023-07-01",
        "risk_level": "low",
        "areas": ["privacy"],
        "locations": [
            ((0.0018, -0.0008), "Market Square, north side"),
            ((0.0012, -0.0012), "Market Square, fountain"),
            ((0.0016, -0.0002), "Market Square, entrance from Station Avenue"),
        ],
    },
    {
        "department": "mobility",
        "kind": "algorithm",
        "name": "Smart parking guidance",
        "summary": "An algorithm predicts how many parking places will be free in each car "
        "park and street in the next half hour, and shows it on signs and in the city app. It "
        "does not decide anything about individual people.",
        "details": "The prediction uses occupancy sensors, parking payments (without the "
        "plate) and the time of day. The model is retrained every month; its accuracy is "
        "published on the open-data portal.",
        "purposes": ["dpv:ImproveTransportMobility", "dpv:ServiceOptimisation"],
        "categories": ["pd:Transaction"],
        "bases": ["eu-gdpr:A6-1-e"],
        "data_subjects": "People who pay for parking (payment time and zone only)",
        "retention": "Payment records used for training: 13 months.",
        "provider": "Demo City Digital and Information Office",
        "status": "in_use",
        "start_date": "2023-02-01",
        "automation_level": "fully_automated",
        "human_oversight": "Mobility staff check the predictions weekly and can switch the "
        "signs to a fixed message.",
        "domain": "traffic",
        "algorithm_type": "self_learning",
        "use_type": "predictive",
        "decision_making_process": "Parking guidance on the city's signs and in the city app, "
        "under the council's parking plan 2022-2027. No decision about a person is taken.",
        "proportionality": "Guiding drivers to a free place cuts the traffic that circles the "
        "centre looking for one. Payments are used without the number plate, so nobody can be "
        "identified; if the model fails, the signs show a fixed message.",
        "training_data": "Occupancy of the car parks and street bays and parking payments "
        "(time and zone only) of the past 13 months, to learn how occupancy changes by hour, "
        "day and event.",
        "data_connections": "Reads the parking-bay sensors and the parking payment system. "
        "No link with any register of people or vehicles.",
        "monitoring": "Predictions should be within 10% of the real occupancy. The error is "
        "measured every day, reviewed weekly by mobility staff and published each month on "
        "the open-data portal.",
        "objection_procedure": "The signs decide nothing about anyone. Questions and "
        "complaints go to the mobility department through this register or the city's "
        "complaints service.",
        "risk_level": "low",
        "areas": ["public_goods", "transparency"],
        "source_code_url": "https://code.demo-city.example/parking-guidance",
    },
    {
        "department": "mobility",
        "kind": "sensor",
        "name": "Parking-bay occupancy sensors",
        "summary": "Sensors in the road surface notice whether a parking bay is taken. They "
        "feed the parking guidance signs and cannot identify vehicles.",
        "purposes": ["dpv:ImproveTransportMobility"],
        "retention": "Occupancy: 2 years.",
        "provider": "ParkSense",
        "status": "in_use",
        "start_date": "2022-11-01",
        "risk_level": "low",
        "areas": ["public_goods"],
        "locations": [
            ((0.0028, 0.0018), "Library car park, bays 1-40"),
            ((-0.0031, -0.0026), "Church Lane, disabled bays"),
            ((0.0049, -0.0052), "Station car park, level 0"),
            ((-0.0044, 0.0078), "Harbour car park"),
        ],
    },
    {
        "department": "social",
        "kind": "algorithm",
        "name": "Benefits-fraud risk model (on hold)",
        "summary": "A model was developed to pick benefit files for extra checks. After the "
        "impact assessment found a serious risk of unfair treatment, the city put it on hold. "
        "It is not used: no file is selected by it.",
        "details": "The model would have scored files on income changes, household "
        "composition and address history. The impact assessment found that it would select "
        "single parents and people who move often far more than others. The city council "
        "decided not to use it unless these risks are removed and a new assessment approves it.",
        "purposes": ["dpv:FraudPreventionAndDetection"],
        "categories": ["pd:Income", "pd:Household", "pd:FinancialStatus", "pd:Residency"],
        "bases": ["eu-gdpr:A6-1-c"],
        "data_subjects": "People who receive social benefits",
        "retention": "Not in use: no data is processed.",
        "provider": "RiskWise Analytics",
        "status": "planned",
        "automation_level": "assisted",
        "human_oversight": "Had it been used, a caseworker would have decided on every check.",
        "domain": "benefits",
        "algorithm_type": "self_learning",
        "use_type": "predictive",
        "decision_making_process": "Would have chosen benefit files for a home visit in the "
        "checks social services carry out under the social assistance act. On hold: not used.",
        "proportionality": "As it stands it is not proportionate: it would select single "
        "parents and people who move often far more than others. The city will not use it "
        "unless a new impact assessment shows these risks are gone.",
        "training_data": "Benefit files of 2018-2022 with the outcome of past checks, to learn "
        "which files had an incorrect payment. Nationality and language of correspondence were "
        "in the data and have to be removed.",
        "data_connections": "Would have read the benefits administration and, for the "
        "household and address history, the population register.",
        "monitoring": "Before any use: an outcome test per group of residents showing no "
        "significant difference, checked by an independent reviewer. It is not in use, so "
        "nothing is monitored today.",
        "objection_procedure": "Not in use. Had it been used, a person could have objected to "
        "a check with social services and then appealed to the labour court.",
        "risk_level": "high",
        "areas": ["inclusion", "autonomy", "transparency"],
    },
    {
        "department": "digital",
        "kind": "service",
        "name": "Report a problem in public space (311)",
        "summary": "Report a broken street light, a pothole or litter online, by phone or in "
        "the app. The report goes to the team that fixes it and you can follow its progress.",
        "purposes": ["dpv:RequestedServiceProvision", "dpv:ImprovePublicServices"],
        "categories": ["pd:Contact", "pd:Location", "pd:Picture"],
        "bases": ["eu-gdpr:A6-1-e"],
        "data_subjects": "People who send a report",
        "retention": "Contact details: 1 year after the report is closed.",
        "recipients": "City maintenance teams and contractors (location and photo only)",
        "provider": "Demo City Digital and Information Office",
        "status": "in_use",
        "start_date": "2019-09-01",
        "risk_level": "low",
        "areas": ["participation", "inclusion"],
        "revision": {
            "summary_change": "You can now report anonymously.",
            "summary": "Report a broken street light, a pothole or litter online, by phone or "
            "in the app, with or without your name. The report goes to the team that fixes it "
            "and you can follow its progress.",
        },
    },
    {
        "department": "digital",
        "kind": "service",
        "name": "Chat assistant on the city website",
        "summary": "A chat assistant answers common questions about city services, day and "
        "night. It hands over to a person when it cannot help. It does not make decisions "
        "about you.",
        "purposes": ["dpv:CustomerCare", "dpv:ServiceOptimisation"],
        "categories": ["pd:Communication"],
        "bases": ["eu-gdpr:A6-1-e"],
        "data_subjects": "Website visitors who use the chat",
        "retention": "Conversations: 30 days.",
        "provider": "Helpdesk AI Ltd",
        "status": "pilot",
        "start_date": "2025-01-15",
        "automation_level": "partly_automated",
        "human_oversight": "A person takes over on request; staff read a sample of answers "
        "every week.",
        "risk_level": "medium",
        "areas": ["inclusion", "transparency"],
    },
    {
        "department": "culture",
        "kind": "platform",
        "name": "Library lending platform",
        "summary": "The platform behind the public libraries: your library card, loans, "
        "reservations and e-books.",
        "purposes": ["dpv:ServiceProvision", "dpv:AccountManagement"],
        "categories": ["pd:Name", "pd:Contact", "pd:ServiceConsumptionBehavior"],
        "bases": ["eu-gdpr:A6-1-e"],
        "data_subjects": "Library members",
        "retention": "Loan history: deleted 3 months after return unless you ask to keep it.",
        "provider": "OpenShelf Foundation",
        "status": "in_use",
        "start_date": "2018-01-01",
        "risk_level": "low",
        "areas": ["inclusion", "public_goods"],
        "source_code_url": "https://code.demo-city.example/openshelf",
    },
    {
        "department": "environment",
        "kind": "dataset",
        "name": "Open data: street trees",
        "summary": "Every tree the city looks after, with its species, planting year and "
        "location. Free to reuse.",
        "purposes": ["dpv:PublicBenefit"],
        "retention": "Kept and updated continuously.",
        "status": "in_use",
        "start_date": "2019-04-22",
        "risk_level": "low",
        "areas": ["public_goods"],
        "dataset_urls": ["https://data.demo-city.example/street-trees"],
    },
    {
        "department": "mobility",
        "kind": "dataset",
        "name": "Open data: bicycle counts",
        "summary": "Hourly counts of bicycles at the city's counting points since 2020. Free to "
        "reuse.",
        "purposes": ["dpv:PublicBenefit", "dpv:ImproveTransportMobility"],
        "status": "in_use",
        "start_date": "2020-01-01",
        "risk_level": "low",
        "areas": ["public_goods"],
        "dataset_urls": [
            "https://data.demo-city.example/bike-counts",
            "https://data.demo-city.example/bike-counts/api",
        ],
    },
    {
        "department": "digital",
        "kind": "dataset",
        "name": "Open data: city budget and spending",
        "summary": "The yearly budget and actual spending per department and programme, as "
        "open data. Free to reuse.",
        "purposes": ["dpv:PublicBenefit"],
        "status": "in_use",
        "start_date": "2017-01-01",
        "risk_level": "low",
        "areas": ["transparency", "public_goods"],
        "dataset_urls": ["https://data.demo-city.example/budget"],
    },
    {
        "department": "environment",
        "kind": "sensor",
        "name": "Fill-level sensors in waste containers",
        "summary": "Sensors in underground containers tell the collection service when they "
        "are nearly full, so lorries only drive where needed.",
        "purposes": ["dpv:InternalResourceOptimisation", "dpv:CombatClimateChange"],
        "retention": "Fill levels: 2 years.",
        "provider": "BinLevel",
        "status": "in_use",
        "start_date": "2021-05-01",
        "risk_level": "low",
        "areas": ["public_goods"],
        "locations": [
            ((0.0024, 0.0034), "Container island, Library Street"),
            ((-0.0035, 0.0028), "Container island, Canal Road"),
            ((0.0058, -0.0035), "Container island, North Park"),
            ((-0.0061, -0.0055), "Container island, South Gate flats"),
            ((0.0008, 0.0102), "Container island, Dock Street"),
        ],
    },
    {
        "department": "mobility",
        "kind": "sensor",
        "name": "Street-light dimming with motion sensors",
        "summary": "Street lights on quiet streets dim at night and brighten when someone "
        "walks or cycles past. Motion sensors only notice movement; they do not record who.",
        "purposes": ["dpv:CombatClimateChange", "dpv:ProtectionOfPublicSecurity"],
        "provider": "Lumen Networks",
        "status": "in_use",
        "start_date": "2022-10-01",
        "automation_level": "fully_automated",
        "human_oversight": "Residents can ask for a street to stay fully lit.",
        "risk_level": "low",
        "areas": ["public_goods", "privacy"],
        "locations": [
            ((-0.0072, 0.0066), "Willow Lane"),
            ((0.0067, 0.0083), "Orchard Path along the canal"),
            ((-0.0047, -0.0079), "Cemetery Road"),
        ],
    },
    {
        "department": "mobility",
        "kind": "sensor",
        "name": "Bicycle counting loops",
        "summary": "Loops in the cycle path count passing bicycles. They feed the open bicycle "
        "counts and cannot tell bicycles or riders apart.",
        "purposes": ["dpv:ImproveTransportMobility", "dpv:ProvideOfficialStatistics"],
        "status": "in_use",
        "start_date": "2020-01-01",
        "risk_level": "low",
        "areas": ["public_goods"],
        "dataset_urls": ["https://data.demo-city.example/bike-counts"],
        "locations": [
            ((0.0039, -0.0061), "Cycle bridge over the canal"),
            ((-0.0022, 0.0090), "Harbour cycle route"),
            ((0.0081, 0.0004), "North ring cycle path"),
        ],
    },
    {
        "department": "social",
        "kind": "algorithm",
        "name": "Ranking for social housing",
        "summary": "When a social home becomes free, a points system ranks applicants by "
        "waiting time, household size and urgency. A housing officer checks the ranking and "
        "makes the offer.",
        "purposes": ["dpv:ServiceProvision", "dpv:LegalCompliance"],
        "categories": ["pd:Household", "pd:Income", "pd:Health"],
        "bases": ["eu-gdpr:A6-1-c", "eu-gdpr:A9-2-g"],
        "data_subjects": "People on the social housing waiting list",
        "retention": "Until 2 years after the application ends.",
        "recipients": "Housing associations (the offer only)",
        "provider": "Demo City Social Services",
        "status": "in_use",
        "start_date": "2016-01-01",
        "automation_level": "assisted",
        "human_oversight": "A housing officer checks every ranking; applicants can see their "
        "points and object.",
        "domain": "housing",
        "algorithm_type": "rule_based",
        "use_type": "prescriptive",
        "decision_making_process": "Allocation of social homes under the regional social "
        "housing rules and the city's allocation by-law: the ranking sets the order in which "
        "applicants receive an offer.",
        "proportionality": "The same published rules apply to every applicant, which is fairer "
        "and easier to check than choosing case by case. A housing officer checks every "
        "ranking before an offer is made.",
        "training_data": "None: it does not learn from data. Its points rules are written in "
        "the allocation by-law.",
        "data_connections": "Reads the waiting list of the housing service and checks the "
        "household composition in the population register.",
        "monitoring": "Each year the housing service checks that offers followed the ranking "
        "and compares waiting times by type of household; the results go to the city council.",
        "objection_procedure": "Applicants see their points in their city account and can "
        "object within 30 days at the housing service; after that they can appeal to the "
        "regional housing inspectorate.",
        "risk_level": "medium",
        "areas": ["inclusion", "autonomy", "transparency"],
        "source_code_url": "https://code.demo-city.example/housing-points",
    },
    {
        "department": "mobility",
        "kind": "service",
        "name": "Residents' parking permits online",
        "summary": "Apply for, renew or change your residents' parking permit online. The "
        "service checks your address and vehicle with the official registers.",
        "purposes": ["dpv:RequestedServiceProvision", "dpv:PaymentManagement"],
        "categories": ["pd:Name", "pd:PhysicalAddress", "pd:VehicleLicense"],
        "bases": ["eu-gdpr:A6-1-e"],
        "data_subjects": "Residents who apply for a permit",
        "retention": "2 years after the permit ends.",
        "status": "in_use",
        "start_date": "2020-03-01",
        "risk_level": "low",
        "areas": ["inclusion"],
    },
    {
        "department": "digital",
        "kind": "platform",
        "name": "City account and log-in",
        "summary": "One account to use the city's online services. You log in with the "
        "national eID or a password and a code on your phone.",
        "purposes": ["dpv:IdentityAuthentication", "dpv:AccountManagement"],
        "categories": ["pd:Name", "pd:EmailAddress", "pd:OfficialID"],
        "bases": ["eu-gdpr:A6-1-e"],
        "data_subjects": "People with a city account",
        "retention": "Until you close the account; log-in records 6 months.",
        "status": "in_use",
        "start_date": "2019-01-01",
        "risk_level": "medium",
        "areas": ["privacy", "autonomy"],
    },
    {
        "department": "digital",
        "kind": "service",
        "name": "Free public Wi-Fi in the centre",
        "summary": "Free wireless internet on the main squares. To prevent abuse the network "
        "keeps a scrambled device number for one day; it does not look at what you browse.",
        "purposes": ["dpv:ServiceProvision", "dpv:MisusePreventionAndDetection"],
        "categories": ["pd:MACAddress"],
        "bases": ["eu-gdpr:A6-1-e"],
        "data_subjects": "People who connect",
        "retention": "24 hours.",
        "provider": "CityNet",
        "status": "in_use",
        "start_date": "2018-06-01",
        "risk_level": "medium",
        "areas": ["inclusion", "privacy"],
        "locations": [
            ((0.0010, 0.0008), "Town hall square"),
            ((0.0015, -0.0006), "Market Square"),
            ((-0.0013, 0.0027), "Castle Square"),
        ],
    },
    {
        "department": "environment",
        "kind": "sensor",
        "name": "Water-level sensors in the canals",
        "summary": "Sensors measure the water level in the canals every five minutes and warn "
        "the city when flooding threatens.",
        "purposes": ["dpv:CombatClimateChange", "dpv:ProtectionOfPublicSecurity"],
        "status": "in_use",
        "start_date": "2021-11-01",
        "automation_level": "assisted",
        "risk_level": "low",
        "areas": ["public_goods"],
        "dataset_urls": ["https://data.demo-city.example/water-levels"],
        "locations": [
            ((-0.0029, 0.0035), "Canal Road lock"),
            ((0.0003, 0.0120), "Harbour basin"),
            ((-0.0083, 0.0049), "South canal weir"),
        ],
    },
    {
        "department": "culture",
        "kind": "algorithm",
        "name": "School place allocation",
        "summary": "When more children apply for a school than it has places, a matching "
        "algorithm assigns places using families' preferences, siblings and distance, with a "
        "lottery for ties. The rules and the code are public.",
        "purposes": ["dpv:ServiceProvision", "dpv:LegalCompliance"],
        "categories": ["pd:Name", "pd:BirthDate", "pd:PhysicalAddress", "pd:FamilyStructure"],
        "bases": ["eu-gdpr:A6-1-c"],
        "data_subjects": "Children applying for a school place and their parents",
        "retention": "3 years.",
        "status": "in_use",
        "start_date": "2019-02-01",
        "automation_level": "fully_automated",
        "human_oversight": "Families can ask for a review; an independent committee decides.",
        "domain": "education",
        "algorithm_type": "rule_based",
        "use_type": "prescriptive",
        "decision_making_process": "Registration for primary and secondary schools under the "
        "regional education decree: when a school has more applicants than places, the "
        "algorithm assigns the places.",
        "proportionality": "A published matching with a lottery treats every family alike and "
        "ended the queues outside schools. Only the data the priority rules need is used.",
        "training_data": "None: it does not learn from data. The priority rules (siblings, "
        "distance, preferences) come from the education decree and are public, like the code.",
        "data_connections": "Reads the applications in the school registration system and "
        "checks addresses in the population register.",
        "monitoring": "After each round the education office checks that every place followed "
        "the rules and publishes, per district, how many children got their first choice.",
        "objection_procedure": "Families can ask for a review within 14 days; an independent "
        "committee decides. Complaints can then go to the regional commission for pupils' "
        "rights.",
        "risk_level": "medium",
        "areas": ["inclusion", "transparency"],
        "source_code_url": "https://code.demo-city.example/school-matching",
    },
    {
        "department": "culture",
        "kind": "service",
        "name": "Sports facility booking",
        "summary": "Book a sports hall, a pitch or a swimming lane online and pay at once.",
        "purposes": ["dpv:RequestedServiceProvision", "dpv:PaymentManagement"],
        "categories": ["pd:Name", "pd:Contact", "pd:Transaction"],
        "bases": ["eu-gdpr:A6-1-b"],
        "data_subjects": "People and clubs who book",
        "retention": "7 years for payments (accounting law), 1 year otherwise.",
        "status": "in_use",
        "start_date": "2021-09-01",
        "risk_level": "low",
        "areas": ["inclusion"],
    },
    {
        "department": "environment",
        "kind": "dataset",
        "name": "Open data: energy use of city buildings",
        "summary": "Monthly electricity, gas and heat use of every city building, to follow "
        "the city's climate plan. Free to reuse.",
        "purposes": ["dpv:CombatClimateChange", "dpv:PublicBenefit"],
        "status": "in_use",
        "start_date": "2022-01-01",
        "risk_level": "low",
        "areas": ["public_goods", "transparency"],
        "dataset_urls": ["https://data.demo-city.example/building-energy"],
    },
    {
        "department": "safety",
        "kind": "sensor",
        "name": "Camera in the station tunnel",
        "summary": "A security camera filmed the pedestrian tunnel under the station. It was "
        "removed when the tunnel was rebuilt with better lighting.",
        "purposes": ["dpv:ProtectionOfPublicSecurity"],
        "categories": ["pd:Picture"],
        "bases": ["eu-gdpr:A6-1-e"],
        "data_subjects": "People walking through the tunnel",
        "retention": "Images were kept 7 days.",
        "status": "in_use",
        "start_date": "2015-01-01",
        "risk_level": "medium",
        "areas": ["privacy"],
        "locations": [((0.0047, -0.0049), "Pedestrian tunnel under the station")],
        "final": "retired",
        "retire_reason": "The camera was removed in 2025 after the tunnel was rebuilt.",
    },
    {
        "department": "safety",
        "kind": "sensor",
        "name": "Body-worn cameras for city wardens",
        "summary": "City wardens would wear a small camera that they switch on only when a "
        "situation becomes threatening, and say so out loud.",
        "purposes": ["dpv:ProtectionOfPublicSecurity", "dpv:EnforceSecurity"],
        "categories": ["pd:Picture", "pd:VoiceCommunicationRecording"],
        "bases": ["eu-gdpr:A6-1-e"],
        "data_subjects": "People the wardens talk to when a camera is on",
        "retention": "28 days unless needed as evidence.",
        "status": "pilot",
        "risk_level": "high",
        "areas": ["privacy", "autonomy"],
        "locations": [((0.0013, 0.0001), "Warden post, town hall")],
        "final": "in_review",
    },
    {
        "department": "mobility",
        "kind": "algorithm",
        "name": "Predicting road repairs from street images",
        "summary": "A car drives all streets once a month and photographs the road surface. "
        "Software spots cracks and potholes so repairs can be planned. Faces and plates are "
        "blurred before anyone sees the pictures.",
        "purposes": ["dpv:InternalResourceOptimisation"],
        "categories": ["pd:Picture"],
        "bases": ["eu-gdpr:A6-1-e"],
        "status": "planned",
        "automation_level": "assisted",
        "domain": "traffic",
        "algorithm_type": "self_learning",
        "use_type": "diagnostic",
        "decision_making_process": "Planning of road maintenance by the mobility department.",
        "training_data": "Street images of three districts, marked by road inspectors with the "
        "cracks and potholes they found.",
        "data_connections": "None.",
        "risk_level": "medium",
        "areas": ["privacy"],
        "final": "draft",
    },
    {
        "department": "safety",
        "kind": "service",
        "name": "Emergency text alerts",
        "summary": "Get a text message when there is an emergency in your neighbourhood, such "
        "as a fire with smoke or a flood warning.",
        "purposes": ["dpv:ProtectionOfPublicSecurity", "dpv:CommunicationManagement"],
        "categories": ["pd:TelephoneNumber", "pd:PostalCode"],
        "bases": ["eu-gdpr:A6-1-a"],
        "status": "planned",
        "risk_level": "low",
        "areas": ["inclusion"],
        "final": "draft",
    },
]

PLAIN = (
    "details",
    "data_subjects",
    "retention",
    "recipients",
    "provider",
    "status",
    "automation_level",
    "human_oversight",
    "risk_level",
    "source_code_url",
    "domain",
    "algorithm_type",
    "use_type",
    *ALGORITHM_TEXTS,
)


def _data(spec: dict[str, Any], departments: dict[str, Any]) -> dict[str, Any]:
    from datetime import date

    data: dict[str, Any] = {
        "kind": spec["kind"],
        "name": spec["name"],
        "summary": spec["summary"],
        "department": departments[spec["department"]],
        "dataset_urls": spec.get("dataset_urls", []),
        "start_date": date.fromisoformat(spec["start_date"]) if spec.get("start_date") else None,
        "end_date": date.fromisoformat(spec["end_date"]) if spec.get("end_date") else None,
    }
    for field in PLAIN:
        if field in spec:
            data[field] = spec[field]
    for field in ENTRY_TEXTS:
        if field in data:
            data[field] = _languages(spec["name"], field, data[field])
    return data


def _languages(name: str, field: str, english: str) -> dict[str, str]:
    """The English text with its French and Dutch versions (``demo_texts``)."""
    texts = {"en": english}
    for code, by_field in TEXTS.get(name, {}).items():
        if by_field.get(field):
            texts[code] = by_field[field]
    return texts


def _place(english: str) -> dict[str, str]:
    return {"en": english, **PLACES.get(english, {})}


def _publish(entry: Entry, reviewer: Any, summary: str) -> Entry:
    """The demo reviewer reads the list of missing translations (if any) and publishes."""
    seen = missing_fingerprint(services.missing_translations(entry))
    return services.publish(entry, actor=reviewer, change_summary=summary, missing_seen=seen)


def _terms(spec: dict[str, Any]) -> dict[str, list[str]]:
    return {
        "purpose": spec.get("purposes", []),
        "data_category": spec.get("categories", []),
        "legal_basis": spec.get("bases", []),
        "area": spec.get("areas", []),
    }


def load(context: Any) -> None:
    city = context.city
    editor = context.users["editor"]
    reviewer = context.users["reviewer"]
    if not city.additional_languages:
        city.additional_languages = "fr,nl"  # Demo City is Belgian: French and Dutch too
        city.save(update_fields=["additional_languages"])
    for spec in ENTRIES:
        found = Entry.objects.primary().filter(in_any_language("name", spec["name"], "exact"))
        if found.filter(organisation=city).exists():
            continue
        entry = services.create_entry(
            organisation=city,
            actor=editor,
            data=_data(spec, context.departments),
            terms=_terms(spec),
        )
        for (dlat, dlon), description in spec.get("locations", []):
            lat, lon = _near(dlat, dlon)
            services.save_location(
                entry, actor=editor, latitude=lat, longitude=lon, description=_place(description)
            )
        final = spec.get("final", "published")
        if final == "draft":
            continue
        entry = services.submit(entry, actor=editor)
        if final == "in_review":
            continue
        # No note: the history says "First publication." in each reader's language.
        entry = _publish(entry, reviewer, "")
        if final == "retired":
            services.retire(entry, actor=reviewer, reason=spec["retire_reason"])
            continue
        revision_spec = spec.get("revision")
        if revision_spec:
            revision = services.start_revision(entry, actor=editor)
            changes = {
                k: _languages(spec["name"], f"revision_{k}", v) if k in ENTRY_TEXTS else v
                for k, v in revision_spec.items()
                if k != "summary_change"
            }
            services.update_entry(revision, actor=editor, data=changes)
            if spec["name"].startswith("Traffic-counting"):
                for (dlat, dlon), description in [
                    ((0.0090, -0.0040), "Junction North Ring / Mill Road"),
                    ((-0.0091, -0.0030), "Junction South Ring / Meadow Street"),
                ]:
                    lat, lon = _near(dlat, dlon)
                    services.save_location(
                        revision,
                        actor=editor,
                        latitude=lat,
                        longitude=lon,
                        description=_place(description),
                    )
            services.submit(revision, actor=editor)
            _publish(revision, reviewer, revision_spec["summary_change"])
    # One working copy waiting for review, to show the review queue with a change.
    pending = (
        Entry.objects.primary()
        .filter(in_any_language("name", "Chat assistant on the city website", "exact"))
        .filter(organisation=city, state=State.PUBLISHED)
        .first()
    )
    if pending is not None and not pending.revisions.exists():
        revision = services.start_revision(pending, actor=editor)
        services.update_entry(
            revision,
            actor=editor,
            data={
                "status": "in_use",
                "retention": {
                    "en": "Conversations: 14 days.",
                    "fr": "Conversations : 14 jours.",
                    "nl": "Gesprekken: 14 dagen.",
                },
            },
        )
        services.submit(revision, actor=editor)
    _last_year(city, timezone.localdate().year - 1)


#: Marks the residents' questions the demo adds to last year (found again on a second run).
QUESTION_MARK = "(demo, last year)"

#: ``(days after 1 February of last year, days to answer or None when closed, question)``.
QUESTIONS = [
    (10, 6, "Which cameras keep images, and for how long?"),
    (45, 12, "Can I see what the parking app stores about my car?"),
    (90, 3, "Who checks the results of the school-allocation algorithm?"),
    (150, 21, "Is the noise sensor on my street recording conversations?"),
    (200, None, "Please remove my street from the traffic counts."),
    (260, 9, "Does the library's loan data go to any company?"),
    (300, 15, "How can I object to the benefits-fraud model?"),
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _last_year(city: Any, year: int) -> None:
    """The register opened in ``year``: entries in use before then were first published
    during that year, and residents asked questions the city answered (the annual report of
    that year has figures to show). Done once: the questions mark it.
    """
    if Question.objects.filter(organisation=city, message__endswith=QUESTION_MARK).exists():
        return
    opened = date(year, 3, 1)
    older = list(
        Entry.objects.filter(
            organisation=city,
            revision_of__isnull=True,
            published_at__isnull=False,
            start_date__lt=date(year, 1, 1),
        ).order_by("start_date", "pk")
    )
    for index, entry in enumerate(older):
        Entry.objects.filter(pk=entry.pk).update(
            published_at=_at(opened + timedelta(days=(index * 9) % 270))
        )
    listed = [entry for entry in older if entry.state in (State.PUBLISHED, State.RETIRED)]
    if not listed:
        return
    first = date(year, 2, 1)
    for index, (offset, days, message) in enumerate(QUESTIONS):
        asked = _at(first + timedelta(days=offset), 9 + index % 6)
        question = Question.objects.create(
            organisation=city,
            entry=listed[index % len(listed)],
            message=f"{message} {QUESTION_MARK}",
            status=QuestionStatus.CLOSED if days is None else QuestionStatus.ANSWERED,
        )
        Question.objects.filter(pk=question.pk).update(
            created_at=asked,
            handled_at=asked + timedelta(days=days if days is not None else 2),
        )
