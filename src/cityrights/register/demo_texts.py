"""French and Dutch versions of Demo City's published register texts, written for the demo.

Keyed by the entry's English name (``demo.ENTRIES``); ``revision_<field>`` is the text of
the entry's later revision. ``PLACES`` translates the places' descriptions; street and place
names stay as they are on the street signs. Drafts and entries in review stay English only,
so the staff pages show the "missing translation" state on real work in progress.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "Traffic-counting cameras at busy junctions": {
        "fr": {
            "name": "Caméras de comptage aux carrefours chargés",
            "summary": "Des caméras installées à six carrefours comptent les voitures, les vélos "
            "et les piétons pour mieux régler les feux. La caméra transforme l’image en chiffres "
            "sur place : aucune image n’est conservée ni envoyée à la ville.",
            "details": "Chaque caméra fait tourner le logiciel de comptage dans l’appareil "
            "lui-même. Seuls des totaux par tranche de cinq minutes et par direction en sortent. "
            "Lors d’un réglage, le personnel de maintenance peut voir l’image en direct dix "
            "minutes au plus ; chaque consultation est enregistrée.",
            "data_subjects": "Personnes et véhicules qui passent le carrefour",
            "retention": "Images : non conservées. Comptages : 5 ans.",
            "recipients": "Entreprise chargée des feux (comptages seulement)",
            "human_oversight": "Les ingénieurs trafic revoient chaque mois le réglage des feux.",
            "revision_retention": "Images : non conservées. Comptages : 5 ans, puis seulement "
            "les totaux annuels.",
        },
        "nl": {
            "name": "Telcamera’s op drukke kruispunten",
            "summary": "Camera’s op zes kruispunten tellen auto’s, fietsen en voetgangers, zodat "
            "de verkeerslichten beter afgesteld kunnen worden. De camera zet het beeld ter "
            "plaatse om in getallen: er worden geen beelden bewaard of naar de stad gestuurd.",
            "details": "Elke camera telt met software in het toestel zelf. Alleen tellingen per "
            "vijf minuten en per rijrichting verlaten de camera. Bij het afstellen mag het "
            "onderhoudspersoneel hoogstens tien minuten live meekijken; dat wordt gelogd.",
            "data_subjects": "Mensen en voertuigen die het kruispunt passeren",
            "retention": "Beelden: niet bewaard. Tellingen: 5 jaar.",
            "recipients": "Aannemer van de verkeerslichten (alleen tellingen)",
            "human_oversight": "Verkeersingenieurs bekijken elke maand de afstelling van de "
            "lichten.",
            "revision_retention": "Beelden: niet bewaard. Tellingen: 5 jaar, daarna alleen de "
            "jaartotalen.",
        },
    },
    "Number-plate cameras at the low-emission zone": {
        "fr": {
            "name": "Caméras de lecture de plaques à l’entrée de la zone de basses émissions",
            "summary": "Aux entrées de la zone de basses émissions, des caméras lisent les plaques "
            "pour vérifier si un véhicule peut y circuler. Les plaques des véhicules autorisés "
            "sont effacées aussitôt ; seules les infractions possibles sont gardées pour qu’une "
            "personne les vérifie.",
            "details": "La plaque est comparée au registre national des véhicules pour connaître "
            "la norme d’émission. Un agent vérifie chaque infraction possible avant l’envoi "
            "d’une amende. Les photos des véhicules autorisés disparaissent en quelques secondes.",
            "data_subjects": "Conducteurs et propriétaires des véhicules qui entrent dans la zone",
            "retention": "Véhicules autorisés : effacés aussitôt. Infractions possibles : 1 an.",
            "recipients": "Registre national des véhicules (consultation seulement) ; "
            "le service des amendes",
            "human_oversight": "Chaque amende est vérifiée et approuvée par un agent.",
            "revision_human_oversight": "Chaque amende est vérifiée et approuvée par un agent ; "
            "les habitants peuvent la contester en ligne ou à l’hôtel de ville.",
        },
        "nl": {
            "name": "Nummerplaatcamera’s aan de lage-emissiezone",
            "summary": "Aan de ingangen van de lage-emissiezone lezen camera’s nummerplaten om "
            "na te gaan of een voertuig de zone in mag. Platen van toegelaten voertuigen worden "
            "meteen gewist; alleen mogelijke overtredingen blijven bewaard, zodat een medewerker "
            "ze kan nakijken.",
            "details": "De nummerplaat wordt vergeleken met het nationale voertuigregister om de "
            "emissienorm te kennen. Een medewerker controleert elke mogelijke overtreding voor er "
            "een boete vertrekt. Foto’s van toegelaten voertuigen verdwijnen binnen enkele "
            "seconden.",
            "data_subjects": "Bestuurders en eigenaars van voertuigen die de zone inrijden",
            "retention": "Toegelaten voertuigen: meteen gewist. Mogelijke overtredingen: 1 jaar.",
            "recipients": "Nationaal voertuigregister (alleen opzoeking); de boetedienst",
            "human_oversight": "Elke boete wordt door een medewerker nagekeken en goedgekeurd.",
            "revision_human_oversight": "Elke boete wordt door een medewerker nagekeken en "
            "goedgekeurd; inwoners kunnen bezwaar maken online of in het stadhuis.",
        },
    },
    "Air-quality sensors": {
        "fr": {
            "name": "Capteurs de qualité de l’air",
            "summary": "De petits boîtiers fixés aux lampadaires mesurent chaque minute les "
            "particules fines et le dioxyde d’azote. Les résultats sont publiés en données "
            "ouvertes et montrent où l’air est plus propre.",
            "retention": "Les mesures sont gardées sans limite, en données ouvertes.",
            "recipients": "Tout le monde (données ouvertes)",
        },
        "nl": {
            "name": "Luchtkwaliteitssensoren",
            "summary": "Kleine kastjes aan lantaarnpalen meten elke minuut fijnstof en "
            "stikstofdioxide. De resultaten verschijnen als open data en tonen waar de lucht "
            "schoner is.",
            "retention": "De metingen blijven onbeperkt bewaard als open data.",
            "recipients": "Iedereen (open data)",
        },
    },
    "Noise sensors in the nightlife district": {
        "fr": {
            "name": "Capteurs de bruit dans le quartier des sorties",
            "summary": "La nuit, des capteurs mesurent le niveau sonore dans les rues autour de "
            "Castle Square. Ils n’enregistrent que des décibels : ni conversations, ni son.",
            "retention": "Niveaux sonores : 2 ans.",
        },
        "nl": {
            "name": "Geluidssensoren in de uitgaansbuurt",
            "summary": "Sensoren meten ’s nachts hoe luid het is in de straten rond Castle "
            "Square. Ze registreren alleen decibels: geen gesprekken en geen geluidsopnames.",
            "retention": "Geluidsniveaus: 2 jaar.",
        },
    },
    "Crowd counters on Market Square": {
        "fr": {
            "name": "Compteurs de foule sur Market Square",
            "summary": "Pendant les événements, des capteurs de chaleur placés au-dessus de "
            "Market Square estiment le nombre de personnes présentes, pour que les stewards "
            "ouvrent à temps des sorties supplémentaires. Ils ne voient pas les visages et ne "
            "reconnaissent personne.",
            "retention": "Comptages : 30 jours.",
        },
        "nl": {
            "name": "Drukteteller op Market Square",
            "summary": "Tijdens evenementen schatten warmtesensoren boven Market Square hoeveel "
            "mensen er op het plein zijn, zodat stewards op tijd extra uitgangen openen. Ze zien "
            "geen gezichten en herkennen niemand.",
            "retention": "Tellingen: 30 dagen.",
        },
    },
    "Smart parking guidance": {
        "fr": {
            "name": "Guidage intelligent vers les places de stationnement",
            "summary": "Un algorithme prévoit combien de places seront libres dans chaque parking "
            "et chaque rue dans la demi-heure, et l’affiche sur des panneaux et dans l’appli de "
            "la ville. Il ne décide rien à propos de qui que ce soit.",
            "details": "La prévision s’appuie sur des capteurs d’occupation, les paiements de "
            "stationnement (sans la plaque) et l’heure de la journée. Le modèle est réentraîné "
            "chaque mois ; sa précision est publiée sur le portail de données ouvertes.",
            "data_subjects": "Personnes qui paient leur stationnement (heure et zone du "
            "paiement seulement)",
            "retention": "Paiements servant à l’entraînement : 13 mois.",
            "human_oversight": "Le service mobilité contrôle les prévisions chaque semaine et "
            "peut afficher un message fixe sur les panneaux.",
            "decision_making_process": "Guidage vers les places libres sur les panneaux de la "
            "ville et dans son appli, dans le cadre du plan de stationnement 2022-2027 du "
            "conseil. Aucune décision n’est prise à propos d’une personne.",
            "proportionality": "Guider les conducteurs vers une place libre réduit la "
            "circulation de ceux qui tournent dans le centre à la recherche d’une place. Les "
            "paiements sont utilisés sans la plaque : personne ne peut être identifié. Si le "
            "modèle tombe en panne, les panneaux affichent un message fixe.",
            "training_data": "L’occupation des parkings et des places en rue et les paiements de "
            "stationnement (heure et zone seulement) des 13 derniers mois, pour apprendre comment "
            "l’occupation varie selon l’heure, le jour et les événements.",
            "data_connections": "Lit les capteurs des places de stationnement et le système de "
            "paiement du stationnement. Aucun lien avec un registre de personnes ou de véhicules.",
            "monitoring": "Les prévisions doivent s’écarter de moins de 10 % de l’occupation "
            "réelle. L’écart est mesuré chaque jour, examiné chaque semaine par le service "
            "mobilité et publié chaque mois sur le portail de données ouvertes.",
            "objection_procedure": "Les panneaux ne décident rien à propos de qui que ce soit. "
            "Les questions et les plaintes vont au service mobilité, par ce registre ou par le "
            "service des plaintes de la ville.",
        },
        "nl": {
            "name": "Slimme parkeerverwijzing",
            "summary": "Een algoritme voorspelt hoeveel parkeerplaatsen er het komende halfuur "
            "vrij zullen zijn in elke parking en straat, en toont dat op borden en in de app "
            "van de stad. Het beslist niets over individuele mensen.",
            "details": "De voorspelling gebruikt bezettingssensoren, parkeerbetalingen (zonder "
            "nummerplaat) en het uur van de dag. Het model wordt elke maand opnieuw getraind; "
            "de nauwkeurigheid staat op het open-dataportaal.",
            "data_subjects": "Mensen die voor parkeren betalen (alleen tijdstip en zone van de "
            "betaling)",
            "retention": "Betalingen gebruikt voor de training: 13 maanden.",
            "human_oversight": "De dienst mobiliteit controleert de voorspellingen wekelijks en "
            "kan de borden op een vaste boodschap zetten.",
            "decision_making_process": "Verwijzing naar vrije plaatsen op de borden van de stad "
            "en in de app, binnen het parkeerplan 2022-2027 van de gemeenteraad. Er wordt niets "
            "over een persoon beslist.",
            "proportionality": "Bestuurders naar een vrije plaats leiden vermindert het verkeer "
            "dat in het centrum rondjes rijdt op zoek naar een plaats. Betalingen worden zonder "
            "nummerplaat gebruikt, dus niemand is herkenbaar. Valt het model uit, dan tonen de "
            "borden een vaste boodschap.",
            "training_data": "De bezetting van de parkings en parkeervakken en de "
            "parkeerbetalingen (alleen tijdstip en zone) van de voorbije 13 maanden, om te leren "
            "hoe de bezetting verandert per uur, dag en evenement.",
            "data_connections": "Leest de sensoren in de parkeervakken en het "
            "parkeerbetaalsysteem. Geen koppeling met een register van personen of voertuigen.",
            "monitoring": "De voorspellingen mogen hoogstens 10% afwijken van de echte "
            "bezetting. De afwijking wordt elke dag gemeten, wekelijks door de dienst "
            "mobiliteit bekeken en elke maand op het open-dataportaal gepubliceerd.",
            "objection_procedure": "De borden beslissen niets over wie dan ook. Vragen en "
            "klachten gaan naar de dienst mobiliteit, via dit register of via de klachtendienst "
            "van de stad.",
        },
    },
    "Parking-bay occupancy sensors": {
        "fr": {
            "name": "Capteurs d’occupation des places de stationnement",
            "summary": "Des capteurs intégrés au revêtement détectent si une place est prise. "
            "Ils alimentent les panneaux de guidage et ne peuvent pas identifier les véhicules.",
            "retention": "Occupation : 2 ans.",
        },
        "nl": {
            "name": "Bezettingssensoren in parkeervakken",
            "summary": "Sensoren in het wegdek merken of een parkeervak bezet is. Ze voeden de "
            "parkeerverwijsborden en kunnen geen voertuigen herkennen.",
            "retention": "Bezetting: 2 jaar.",
        },
    },
    "Benefits-fraud risk model (on hold)": {
        "fr": {
            "name": "Modèle de risque de fraude aux allocations (suspendu)",
            "summary": "Un modèle a été conçu pour choisir des dossiers d’allocations à "
            "contrôler davantage. L’analyse d’impact ayant relevé un risque sérieux de "
            "traitement injuste, la ville l’a suspendu. Il n’est pas utilisé : aucun dossier "
            "n’est choisi par lui.",
            "details": "Le modèle aurait noté les dossiers selon les changements de revenus, la "
            "composition du ménage et l’historique des adresses. L’analyse d’impact a montré "
            "qu’il aurait visé bien plus souvent les parents seuls et les personnes qui "
            "déménagent souvent. Le conseil communal a décidé de ne pas l’utiliser tant que ces "
            "risques ne sont pas écartés et qu’une nouvelle analyse ne l’approuve pas.",
            "data_subjects": "Personnes qui reçoivent des allocations sociales",
            "retention": "Pas utilisé : aucune donnée n’est traitée.",
            "human_oversight": "S’il avait été utilisé, un travailleur social aurait décidé de "
            "chaque contrôle.",
            "decision_making_process": "Aurait choisi des dossiers d’allocations pour une "
            "visite à domicile lors des contrôles que les services sociaux mènent en vertu de la "
            "loi sur l’aide sociale. Suspendu : pas utilisé.",
            "proportionality": "Tel quel, il n’est pas proportionné : il viserait bien plus "
            "souvent les parents seuls et les personnes qui déménagent souvent. La ville ne "
            "l’utilisera pas tant qu’une nouvelle analyse d’impact ne montre pas que ces risques "
            "ont disparu.",
            "training_data": "Les dossiers d’allocations de 2018 à 2022 avec le résultat des "
            "contrôles passés, pour apprendre quels dossiers avaient un paiement incorrect. La "
            "nationalité et la langue de correspondance figuraient dans les données et doivent "
            "en être retirées.",
            "data_connections": "Aurait lu l’administration des allocations et, pour "
            "l’historique du ménage et des adresses, le registre de la population.",
            "monitoring": "Avant tout usage : un test des résultats par groupe d’habitants qui "
            "ne montre aucune différence significative, vérifié par un évaluateur indépendant. "
            "Il n’est pas utilisé : rien n’est surveillé aujourd’hui.",
            "objection_procedure": "Pas utilisé. S’il l’avait été, une personne aurait pu "
            "contester un contrôle auprès des services sociaux, puis faire appel devant le "
            "tribunal du travail.",
        },
        "nl": {
            "name": "Risicomodel voor uitkeringsfraude (opgeschort)",
            "summary": "Er werd een model ontwikkeld om uitkeringsdossiers te kiezen voor extra "
            "controle. Toen de impactanalyse een ernstig risico op onrechtvaardige behandeling "
            "vond, schortte de stad het op. Het wordt niet gebruikt: het kiest geen enkel "
            "dossier.",
            "details": "Het model zou dossiers gescoord hebben op inkomenswijzigingen, "
            "gezinssamenstelling en adresgeschiedenis. Uit de impactanalyse bleek dat het "
            "alleenstaande ouders en mensen die vaak verhuizen veel vaker zou kiezen dan "
            "anderen. De gemeenteraad besliste het niet te gebruiken zolang die risico’s niet "
            "weggenomen zijn en een nieuwe analyse het niet goedkeurt.",
            "data_subjects": "Mensen met een sociale uitkering",
            "retention": "Niet in gebruik: er worden geen gegevens verwerkt.",
            "human_oversight": "Was het gebruikt, dan had een maatschappelijk werker over elke "
            "controle beslist.",
            "decision_making_process": "Zou uitkeringsdossiers gekozen hebben voor een "
            "huisbezoek bij de controles die de sociale dienst uitvoert volgens de wet op de "
            "maatschappelijke dienstverlening. Opgeschort: niet in gebruik.",
            "proportionality": "Zoals het nu is, is het niet evenredig: het zou alleenstaande "
            "ouders en mensen die vaak verhuizen veel vaker kiezen dan anderen. De stad gebruikt "
            "het niet zolang een nieuwe impactanalyse niet aantoont dat die risico’s weg zijn.",
            "training_data": "Uitkeringsdossiers van 2018 tot 2022 met de uitkomst van vroegere "
            "controles, om te leren welke dossiers een onjuiste betaling hadden. Nationaliteit en "
            "correspondentietaal zaten in de gegevens en moeten eruit.",
            "data_connections": "Zou de uitkeringsadministratie gelezen hebben en, voor de "
            "gezins- en adresgeschiedenis, het bevolkingsregister.",
            "monitoring": "Vóór elk gebruik: een test van de uitkomsten per groep inwoners die "
            "geen significant verschil toont, nagekeken door een onafhankelijke beoordelaar. "
            "Het is niet in gebruik, dus vandaag wordt niets opgevolgd.",
            "objection_procedure": "Niet in gebruik. Was het gebruikt, dan had iemand tegen een "
            "controle bezwaar kunnen maken bij de sociale dienst en daarna in beroep gaan bij de "
            "arbeidsrechtbank.",
        },
    },
    "Report a problem in public space (311)": {
        "fr": {
            "name": "Signaler un problème dans l’espace public (311)",
            "summary": "Signalez un lampadaire en panne, un nid-de-poule ou des déchets en "
            "ligne, par téléphone ou dans l’appli. Le signalement part vers l’équipe qui répare "
            "et vous pouvez suivre où il en est.",
            "data_subjects": "Personnes qui envoient un signalement",
            "retention": "Coordonnées : 1 an après la clôture du signalement.",
            "recipients": "Équipes d’entretien de la ville et sous-traitants (lieu et photo "
            "seulement)",
            "revision_summary": "Signalez un lampadaire en panne, un nid-de-poule ou des déchets "
            "en ligne, par téléphone ou dans l’appli, avec ou sans votre nom. Le signalement "
            "part vers l’équipe qui répare et vous pouvez suivre où il en est.",
        },
        "nl": {
            "name": "Een probleem in de openbare ruimte melden (311)",
            "summary": "Meld een kapotte straatlamp, een put in de weg of zwerfvuil online, "
            "telefonisch of in de app. De melding gaat naar de ploeg die het herstelt en u kunt "
            "volgen hoe ver het staat.",
            "data_subjects": "Mensen die een melding doen",
            "retention": "Contactgegevens: 1 jaar nadat de melding afgesloten is.",
            "recipients": "Onderhoudsploegen van de stad en aannemers (alleen plaats en foto)",
            "revision_summary": "Meld een kapotte straatlamp, een put in de weg of zwerfvuil "
            "online, telefonisch of in de app, met of zonder uw naam. De melding gaat naar de "
            "ploeg die het herstelt en u kunt volgen hoe ver het staat.",
        },
    },
    "Chat assistant on the city website": {
        "fr": {
            "name": "Assistant de discussion sur le site de la ville",
            "summary": "Un assistant de discussion répond jour et nuit aux questions courantes "
            "sur les services de la ville. Quand il ne peut pas aider, il passe la main à une "
            "personne. Il ne prend aucune décision à votre sujet.",
            "data_subjects": "Visiteurs du site qui utilisent la discussion",
            "retention": "Conversations : 30 jours.",
            "human_oversight": "Une personne prend le relais sur demande ; chaque semaine, des "
            "agents relisent un échantillon de réponses.",
        },
        "nl": {
            "name": "Chatassistent op de website van de stad",
            "summary": "Een chatassistent beantwoordt dag en nacht veelgestelde vragen over de "
            "diensten van de stad. Kan hij niet helpen, dan neemt een medewerker over. Hij "
            "neemt geen beslissingen over u.",
            "data_subjects": "Bezoekers van de website die de chat gebruiken",
            "retention": "Gesprekken: 30 dagen.",
            "human_oversight": "Op vraag neemt een medewerker over; elke week lezen medewerkers "
            "een steekproef van antwoorden na.",
        },
    },
    "Library lending platform": {
        "fr": {
            "name": "Plateforme de prêt des bibliothèques",
            "summary": "La plateforme derrière les bibliothèques publiques : votre carte, vos "
            "prêts, vos réservations et les livres numériques.",
            "data_subjects": "Membres des bibliothèques",
            "retention": "Historique des prêts : effacé 3 mois après le retour, sauf si vous "
            "demandez à le garder.",
        },
        "nl": {
            "name": "Uitleenplatform van de bibliotheken",
            "summary": "Het platform achter de openbare bibliotheken: uw lenerskaart, "
            "uitleningen, reservaties en e-boeken.",
            "data_subjects": "Leden van de bibliotheek",
            "retention": "Uitleengeschiedenis: gewist 3 maanden na het terugbrengen, tenzij u "
            "vraagt ze te bewaren.",
        },
    },
    "Open data: street trees": {
        "fr": {
            "name": "Données ouvertes : arbres de rue",
            "summary": "Chaque arbre dont la ville s’occupe, avec son espèce, son année de "
            "plantation et son emplacement. Libre de réutilisation.",
            "retention": "Gardé et mis à jour en continu.",
        },
        "nl": {
            "name": "Open data: straatbomen",
            "summary": "Elke boom die de stad onderhoudt, met soort, plantjaar en plaats. Vrij "
            "te hergebruiken.",
            "retention": "Doorlopend bewaard en bijgewerkt.",
        },
    },
    "Open data: bicycle counts": {
        "fr": {
            "name": "Données ouvertes : comptages de vélos",
            "summary": "Comptages horaires des vélos aux points de comptage de la ville depuis "
            "2020. Libre de réutilisation.",
        },
        "nl": {
            "name": "Open data: fietstellingen",
            "summary": "Tellingen per uur van fietsers aan de telpunten van de stad sinds 2020. "
            "Vrij te hergebruiken.",
        },
    },
    "Open data: city budget and spending": {
        "fr": {
            "name": "Données ouvertes : budget et dépenses de la ville",
            "summary": "Le budget annuel et les dépenses réelles par service et par programme, "
            "en données ouvertes. Libre de réutilisation.",
        },
        "nl": {
            "name": "Open data: begroting en uitgaven van de stad",
            "summary": "De jaarlijkse begroting en de werkelijke uitgaven per dienst en per "
            "programma, als open data. Vrij te hergebruiken.",
        },
    },
    "Fill-level sensors in waste containers": {
        "fr": {
            "name": "Capteurs de remplissage dans les conteneurs à déchets",
            "summary": "Des capteurs placés dans les conteneurs enterrés préviennent le service "
            "de collecte quand ils sont presque pleins : les camions ne roulent que là où c’est "
            "utile.",
            "retention": "Niveaux de remplissage : 2 ans.",
        },
        "nl": {
            "name": "Vulgraadsensoren in afvalcontainers",
            "summary": "Sensoren in ondergrondse containers laten de ophaaldienst weten wanneer "
            "ze bijna vol zijn, zodat vrachtwagens alleen rijden waar het nodig is.",
            "retention": "Vulgraad: 2 jaar.",
        },
    },
    "Street-light dimming with motion sensors": {
        "fr": {
            "name": "Éclairage public modulé par détecteurs de mouvement",
            "summary": "La nuit, les lampadaires des rues calmes baissent leur intensité et "
            "s’allument davantage quand quelqu’un passe à pied ou à vélo. Les détecteurs ne "
            "perçoivent que le mouvement ; ils n’enregistrent pas qui passe.",
            "human_oversight": "Les habitants peuvent demander qu’une rue reste entièrement "
            "éclairée.",
        },
        "nl": {
            "name": "Straatverlichting die dimt met bewegingssensoren",
            "summary": "In rustige straten dimmen de lantaarns ’s nachts en worden ze feller "
            "als er iemand voorbij wandelt of fietst. De sensoren merken alleen beweging op; ze "
            "registreren niet wie er passeert.",
            "human_oversight": "Inwoners kunnen vragen dat een straat volledig verlicht blijft.",
        },
    },
    "Bicycle counting loops": {
        "fr": {
            "name": "Boucles de comptage des vélos",
            "summary": "Des boucles dans la piste cyclable comptent les vélos qui passent. "
            "Elles alimentent les comptages ouverts et ne distinguent ni les vélos ni les "
            "cyclistes.",
        },
        "nl": {
            "name": "Fietstellussen",
            "summary": "Lussen in het fietspad tellen de fietsen die voorbijrijden. Ze voeden "
            "de open fietstellingen en kunnen fietsen of fietsers niet van elkaar "
            "onderscheiden.",
        },
    },
    "Ranking for social housing": {
        "fr": {
            "name": "Classement pour les logements sociaux",
            "summary": "Quand un logement social se libère, un système de points classe les "
            "candidats selon la durée d’attente, la taille du ménage et l’urgence. Un agent du "
            "logement vérifie le classement et fait l’offre.",
            "data_subjects": "Personnes inscrites sur la liste d’attente des logements sociaux",
            "retention": "Jusqu’à 2 ans après la fin de la candidature.",
            "recipients": "Sociétés de logement (l’offre seulement)",
            "human_oversight": "Un agent du logement vérifie chaque classement ; les candidats "
            "peuvent voir leurs points et les contester.",
            "decision_making_process": "Attribution des logements sociaux selon les règles "
            "régionales du logement social et le règlement d’attribution de la ville : le "
            "classement fixe l’ordre dans lequel les candidats reçoivent une offre.",
            "proportionality": "Les mêmes règles publiées valent pour chaque candidat, ce qui est "
            "plus juste et plus facile à vérifier qu’un choix au cas par cas. Un agent du "
            "logement vérifie chaque classement avant toute offre.",
            "training_data": "Aucune : il n’apprend pas à partir de données. Ses règles de "
            "points sont écrites dans le règlement d’attribution.",
            "data_connections": "Lit la liste d’attente du service du logement et vérifie la "
            "composition du ménage dans le registre de la population.",
            "monitoring": "Chaque année, le service du logement vérifie que les offres ont suivi "
            "le classement et compare les durées d’attente par type de ménage ; les résultats "
            "sont transmis au conseil communal.",
            "objection_procedure": "Les candidats voient leurs points dans leur compte de la "
            "ville et peuvent les contester dans les 30 jours auprès du service du logement ; "
            "ils peuvent ensuite faire appel auprès de l’inspection régionale du logement.",
        },
        "nl": {
            "name": "Rangschikking voor sociale woningen",
            "summary": "Komt een sociale woning vrij, dan rangschikt een puntensysteem de "
            "kandidaten volgens wachttijd, gezinsgrootte en dringendheid. Een "
            "woonconsulent controleert de rangschikking en doet het aanbod.",
            "data_subjects": "Mensen op de wachtlijst voor een sociale woning",
            "retention": "Tot 2 jaar na het einde van de aanvraag.",
            "recipients": "Huisvestingsmaatschappijen (alleen het aanbod)",
            "human_oversight": "Een woonconsulent controleert elke rangschikking; kandidaten "
            "kunnen hun punten inzien en bezwaar maken.",
            "decision_making_process": "Toewijzing van sociale woningen volgens de regionale "
            "regels voor sociale huisvesting en het toewijzingsreglement van de stad: de "
            "rangschikking bepaalt in welke volgorde kandidaten een aanbod krijgen.",
            "proportionality": "Voor elke kandidaat gelden dezelfde gepubliceerde regels. Dat is "
            "eerlijker en beter te controleren dan geval per geval kiezen. Een woonconsulent "
            "controleert elke rangschikking voor er een aanbod komt.",
            "training_data": "Geen: het leert niet uit gegevens. De puntenregels staan in het "
            "toewijzingsreglement.",
            "data_connections": "Leest de wachtlijst van de huisvestingsdienst en controleert de "
            "gezinssamenstelling in het bevolkingsregister.",
            "monitoring": "Elk jaar controleert de huisvestingsdienst of de aanbiedingen de "
            "rangschikking volgden en vergelijkt de wachttijden per soort gezin; de resultaten "
            "gaan naar de gemeenteraad.",
            "objection_procedure": "Kandidaten zien hun punten in hun stadsaccount en kunnen "
            "binnen 30 dagen bezwaar maken bij de huisvestingsdienst; daarna kunnen ze in beroep "
            "gaan bij de regionale woninginspectie.",
        },
    },
    "Residents' parking permits online": {
        "fr": {
            "name": "Cartes de stationnement riverains en ligne",
            "summary": "Demandez, renouvelez ou modifiez en ligne votre carte de stationnement "
            "de riverain. Le service vérifie votre adresse et votre véhicule auprès des "
            "registres officiels.",
            "data_subjects": "Habitants qui demandent une carte",
            "retention": "2 ans après la fin de la carte.",
        },
        "nl": {
            "name": "Bewonersparkeerkaart online",
            "summary": "Vraag uw bewonersparkeerkaart online aan, verleng of wijzig ze. De "
            "dienst controleert uw adres en voertuig in de officiële registers.",
            "data_subjects": "Inwoners die een kaart aanvragen",
            "retention": "2 jaar nadat de kaart afloopt.",
        },
    },
    "City account and log-in": {
        "fr": {
            "name": "Compte et connexion de la ville",
            "summary": "Un seul compte pour les services en ligne de la ville. Vous vous "
            "connectez avec l’eID ou avec un mot de passe et un code reçu sur votre téléphone.",
            "data_subjects": "Personnes qui ont un compte de la ville",
            "retention": "Jusqu’à la fermeture du compte ; traces de connexion : 6 mois.",
        },
        "nl": {
            "name": "Stadsaccount en aanmelden",
            "summary": "Eén account voor de onlinediensten van de stad. U meldt zich aan met de "
            "eID of met een wachtwoord en een code op uw telefoon.",
            "data_subjects": "Mensen met een stadsaccount",
            "retention": "Tot u het account sluit; aanmeldgegevens 6 maanden.",
        },
    },
    "Free public Wi-Fi in the centre": {
        "fr": {
            "name": "Wi-Fi public gratuit au centre-ville",
            "summary": "Internet sans fil gratuit sur les grandes places. Pour éviter les abus, "
            "le réseau garde un numéro d’appareil brouillé pendant un jour ; il ne regarde pas "
            "ce que vous consultez.",
            "data_subjects": "Personnes qui se connectent",
            "retention": "24 heures.",
        },
        "nl": {
            "name": "Gratis openbare wifi in het centrum",
            "summary": "Gratis draadloos internet op de grote pleinen. Om misbruik te vermijden "
            "bewaart het netwerk een versleuteld toestelnummer gedurende één dag; het kijkt niet "
            "naar wat u bezoekt.",
            "data_subjects": "Mensen die verbinding maken",
            "retention": "24 uur.",
        },
    },
    "Water-level sensors in the canals": {
        "fr": {
            "name": "Capteurs du niveau d’eau dans les canaux",
            "summary": "Des capteurs mesurent le niveau d’eau des canaux toutes les cinq "
            "minutes et alertent la ville quand une inondation menace.",
        },
        "nl": {
            "name": "Waterpeilsensoren in de kanalen",
            "summary": "Sensoren meten om de vijf minuten het waterpeil in de kanalen en "
            "waarschuwen de stad als er overstromingsgevaar is.",
        },
    },
    "School place allocation": {
        "fr": {
            "name": "Attribution des places à l’école",
            "summary": "Quand une école reçoit plus de demandes qu’elle n’a de places, un "
            "algorithme d’appariement attribue les places selon les préférences des familles, "
            "la fratrie et la distance, avec un tirage au sort en cas d’égalité. Les règles et "
            "le code sont publics.",
            "data_subjects": "Enfants qui demandent une place à l’école et leurs parents",
            "retention": "3 ans.",
            "human_oversight": "Les familles peuvent demander un réexamen ; une commission "
            "indépendante décide.",
            "decision_making_process": "Inscription dans les écoles primaires et secondaires "
            "selon le décret régional sur l’enseignement : quand une école a plus de candidats "
            "que de places, l’algorithme attribue les places.",
            "proportionality": "Un appariement publié avec tirage au sort traite chaque famille "
            "de la même façon et a mis fin aux files devant les écoles. Seules les données dont "
            "les règles de priorité ont besoin sont utilisées.",
            "training_data": "Aucune : il n’apprend pas à partir de données. Les règles de "
            "priorité (fratrie, distance, préférences) viennent du décret sur l’enseignement et "
            "sont publiques, comme le code.",
            "data_connections": "Lit les demandes dans le système d’inscription scolaire et "
            "vérifie les adresses dans le registre de la population.",
            "monitoring": "Après chaque tour, le service de l’enseignement vérifie que chaque "
            "place a suivi les règles et publie, par quartier, combien d’enfants ont obtenu "
            "leur premier choix.",
            "objection_procedure": "Les familles peuvent demander un réexamen dans les 14 "
            "jours ; une commission indépendante décide. Une plainte peut ensuite aller à la "
            "commission régionale des droits des élèves.",
        },
        "nl": {
            "name": "Toewijzing van schoolplaatsen",
            "summary": "Melden zich meer kinderen aan dan een school plaatsen heeft, dan wijst "
            "een koppelingsalgoritme de plaatsen toe op basis van de voorkeur van de gezinnen, "
            "broers en zussen en afstand, met loting bij gelijke stand. De regels en de code "
            "zijn openbaar.",
            "data_subjects": "Kinderen die zich voor een school aanmelden en hun ouders",
            "retention": "3 jaar.",
            "human_oversight": "Gezinnen kunnen een herziening vragen; een onafhankelijke "
            "commissie beslist.",
            "decision_making_process": "Aanmelding in basis- en secundaire scholen volgens het "
            "regionale onderwijsdecreet: heeft een school meer kandidaten dan plaatsen, dan wijst "
            "het algoritme de plaatsen toe.",
            "proportionality": "Een gepubliceerde koppeling met loting behandelt elk gezin op "
            "dezelfde manier en maakte een einde aan de rijen voor de schoolpoort. Alleen de "
            "gegevens die de voorrangsregels nodig hebben, worden gebruikt.",
            "training_data": "Geen: het leert niet uit gegevens. De voorrangsregels (broers en "
            "zussen, afstand, voorkeur) komen uit het onderwijsdecreet en zijn openbaar, net als "
            "de code.",
            "data_connections": "Leest de aanmeldingen in het aanmeldsysteem voor scholen en "
            "controleert adressen in het bevolkingsregister.",
            "monitoring": "Na elke ronde controleert de dienst onderwijs of elke plaats de regels "
            "volgde en publiceert per wijk hoeveel kinderen hun eerste keuze kregen.",
            "objection_procedure": "Gezinnen kunnen binnen 14 dagen een herziening vragen; een "
            "onafhankelijke commissie beslist. Een klacht kan daarna naar de regionale commissie "
            "voor leerlingenrechten.",
        },
    },
    "Sports facility booking": {
        "fr": {
            "name": "Réservation des installations sportives",
            "summary": "Réservez en ligne une salle de sport, un terrain ou une ligne d’eau et "
            "payez tout de suite.",
            "data_subjects": "Personnes et clubs qui réservent",
            "retention": "7 ans pour les paiements (loi comptable), 1 an pour le reste.",
        },
        "nl": {
            "name": "Sportaccommodatie reserveren",
            "summary": "Reserveer online een sporthal, een veld of een zwembaan en betaal meteen.",
            "data_subjects": "Mensen en clubs die reserveren",
            "retention": "7 jaar voor betalingen (boekhoudwet), anders 1 jaar.",
        },
    },
    "Open data: energy use of city buildings": {
        "fr": {
            "name": "Données ouvertes : consommation d’énergie des bâtiments de la ville",
            "summary": "Consommation mensuelle d’électricité, de gaz et de chaleur de chaque "
            "bâtiment de la ville, pour suivre le plan climat. Libre de réutilisation.",
        },
        "nl": {
            "name": "Open data: energieverbruik van stadsgebouwen",
            "summary": "Maandelijks verbruik van elektriciteit, gas en warmte van elk "
            "stadsgebouw, om het klimaatplan te volgen. Vrij te hergebruiken.",
        },
    },
    "Camera in the station tunnel": {
        "fr": {
            "name": "Caméra dans le tunnel de la gare",
            "summary": "Une caméra de sécurité filmait le tunnel piéton sous la gare. Elle a "
            "été retirée quand le tunnel a été rénové avec un meilleur éclairage.",
            "data_subjects": "Personnes qui traversaient le tunnel",
            "retention": "Les images étaient gardées 7 jours.",
        },
        "nl": {
            "name": "Camera in de stationstunnel",
            "summary": "Een bewakingscamera filmde de voetgangerstunnel onder het station. Ze "
            "werd weggehaald toen de tunnel vernieuwd werd met betere verlichting.",
            "data_subjects": "Mensen die door de tunnel wandelden",
            "retention": "De beelden werden 7 dagen bewaard.",
        },
    },
}


def _place(fr: str, nl: str) -> dict[str, str]:
    return {"fr": fr, "nl": nl}


PLACES: dict[str, dict[str, str]] = {
    "Junction Market Street / Station Avenue": _place(
        "Carrefour Market Street / Station Avenue", "Kruispunt Market Street / Station Avenue"
    ),
    "Junction Canal Road / Bridge Street": _place(
        "Carrefour Canal Road / Bridge Street", "Kruispunt Canal Road / Bridge Street"
    ),
    "Roundabout at the north ring road": _place(
        "Rond-point du ring nord", "Rotonde aan de noordelijke ring"
    ),
    "Junction Schoolstraat / Church Lane": _place(
        "Carrefour Schoolstraat / Church Lane", "Kruispunt Schoolstraat / Church Lane"
    ),
    "Junction Harbour Road / Dock Street": _place(
        "Carrefour Harbour Road / Dock Street", "Kruispunt Harbour Road / Dock Street"
    ),
    "Junction South Gate / Ring Road": _place(
        "Carrefour South Gate / Ring Road", "Kruispunt South Gate / Ring Road"
    ),
    "Junction North Ring / Mill Road": _place(
        "Carrefour North Ring / Mill Road", "Kruispunt North Ring / Mill Road"
    ),
    "Junction South Ring / Meadow Street": _place(
        "Carrefour South Ring / Meadow Street", "Kruispunt South Ring / Meadow Street"
    ),
    "Zone entrance, North Gate": _place(
        "Entrée de la zone, North Gate", "Ingang van de zone, North Gate"
    ),
    "Zone entrance, South Gate": _place(
        "Entrée de la zone, South Gate", "Ingang van de zone, South Gate"
    ),
    "Zone entrance, Harbour Road": _place(
        "Entrée de la zone, Harbour Road", "Ingang van de zone, Harbour Road"
    ),
    "Zone entrance, West Boulevard": _place(
        "Entrée de la zone, West Boulevard", "Ingang van de zone, West Boulevard"
    ),
    "Town hall square": _place("Place de l’hôtel de ville", "Stadhuisplein"),
    "Primary school De Linde, front gate": _place(
        "École primaire De Linde, grille d’entrée", "Basisschool De Linde, voorpoort"
    ),
    "Harbour Road bus stop": _place("Arrêt de bus Harbour Road", "Bushalte Harbour Road"),
    "North Park, playground": _place("North Park, aire de jeux", "North Park, speeltuin"),
    "South Gate roundabout": _place("Rond-point de South Gate", "Rotonde South Gate"),
    "Dock Street, near the ferry": _place("Dock Street, près du bac", "Dock Street, bij het veer"),
    "Ring Road overpass": _place("Pont du Ring Road", "Brug over de Ring Road"),
    "Hospital entrance": _place("Entrée de l’hôpital", "Ingang van het ziekenhuis"),
    "Castle Square, east corner": _place(
        "Castle Square, coin est", "Castle Square, oostelijke hoek"
    ),
    "Tavern Lane": _place("Tavern Lane", "Tavern Lane"),
    "Quay Street, near the bridge": _place("Quay Street, près du pont", "Quay Street, bij de brug"),
    "Market Square, north side": _place("Market Square, côté nord", "Market Square, noordkant"),
    "Market Square, fountain": _place("Market Square, fontaine", "Market Square, fontein"),
    "Market Square, entrance from Station Avenue": _place(
        "Market Square, accès depuis Station Avenue", "Market Square, ingang vanaf Station Avenue"
    ),
    "Library car park, bays 1-40": _place(
        "Parking de la bibliothèque, places 1 à 40", "Parking van de bibliotheek, vakken 1-40"
    ),
    "Church Lane, disabled bays": _place(
        "Church Lane, places pour personnes handicapées",
        "Church Lane, plaatsen voor mensen met een handicap",
    ),
    "Station car park, level 0": _place(
        "Parking de la gare, niveau 0", "Stationsparking, niveau 0"
    ),
    "Harbour car park": _place("Parking du port", "Havenparking"),
    "Container island, Library Street": _place(
        "Îlot de conteneurs, Library Street", "Containereiland, Library Street"
    ),
    "Container island, Canal Road": _place(
        "Îlot de conteneurs, Canal Road", "Containereiland, Canal Road"
    ),
    "Container island, North Park": _place(
        "Îlot de conteneurs, North Park", "Containereiland, North Park"
    ),
    "Container island, South Gate flats": _place(
        "Îlot de conteneurs, immeubles de South Gate", "Containereiland, flats South Gate"
    ),
    "Container island, Dock Street": _place(
        "Îlot de conteneurs, Dock Street", "Containereiland, Dock Street"
    ),
    "Willow Lane": _place("Willow Lane", "Willow Lane"),
    "Orchard Path along the canal": _place(
        "Orchard Path le long du canal", "Orchard Path langs het kanaal"
    ),
    "Cemetery Road": _place("Cemetery Road", "Cemetery Road"),
    "Cycle bridge over the canal": _place(
        "Passerelle cyclable sur le canal", "Fietsbrug over het kanaal"
    ),
    "Harbour cycle route": _place("Itinéraire cyclable du port", "Fietsroute langs de haven"),
    "North ring cycle path": _place("Piste cyclable du ring nord", "Fietspad langs de noordring"),
    "Market Square": _place("Market Square", "Market Square"),
    "Castle Square": _place("Castle Square", "Castle Square"),
    "Canal Road lock": _place("Écluse de Canal Road", "Sluis aan Canal Road"),
    "Harbour basin": _place("Bassin du port", "Havendok"),
    "South canal weir": _place("Barrage du canal sud", "Stuw in het zuidelijke kanaal"),
    "Pedestrian tunnel under the station": _place(
        "Tunnel piéton sous la gare", "Voetgangerstunnel onder het station"
    ),
}
