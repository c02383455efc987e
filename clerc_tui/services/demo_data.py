"""French names, streets, towns, courts and companies for the demo étude.

Plain data, no logic: `demo.py` draws from these lists with a seeded generator. Names
keep their accents (Lefèvre, Müller, Hélène) so that accent-insensitive search shows.
"""

FEMALE_FIRST_NAMES = (
    "Marie", "Jeanne", "Hélène", "Françoise", "Monique", "Catherine", "Nathalie", "Isabelle", "Sylvie",
    "Valérie", "Sandrine", "Céline", "Stéphanie", "Émilie", "Aurélie", "Julie", "Camille", "Léa", "Chloé",
    "Manon", "Inès", "Sarah", "Laura", "Pauline", "Mélanie", "Élodie", "Anaïs", "Gaëlle", "Noémie",
    "Clémence", "Agnès", "Brigitte", "Martine", "Christine", "Véronique", "Béatrice", "Geneviève", "Josiane",
    "Danièle", "Thérèse", "Odile", "Solène", "Maëlle", "Zoé", "Océane", "Héloïse", "Fatima", "Yasmine",
    "Nadia", "Leïla", "Amandine", "Justine", "Margaux", "Lucie", "Capucine", "Joëlle", "Ghislaine",
    "Rosalie", "Adèle", "Eugénie",
)
MALE_FIRST_NAMES = (
    "Jean", "Pierre", "Michel", "André", "Philippe", "Gérard", "Bernard", "Jacques", "Daniel", "Alain",
    "François", "Éric", "Stéphane", "Frédéric", "Sébastien", "Jérôme", "Thierry", "Pascal", "Nicolas",
    "Julien", "Thomas", "Mathieu", "Maxime", "Benoît", "Cédric", "Grégory", "Hervé", "Raphaël", "Noël",
    "Loïc", "Gaël", "Joël", "Anthony", "Kévin", "Yannick", "Rémi", "Aurélien", "Théo", "Lucas", "Hugo",
    "Léo", "Enzo", "Mathéo", "Clément", "Bastien", "Quentin", "Karim", "Mehdi", "Mohamed", "Youssef",
    "Antoine", "Étienne", "Benjamin", "Ludovic", "Régis", "Cyril", "Fabrice", "Jérémy", "Hoàng", "Serge",
)
LAST_NAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
    "Simon", "Michel", "Lefèvre", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier",
    "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Müller", "Mercier", "Boyer",
    "Blanc", "Guérin", "Faure", "André", "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin",
    "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand",
    "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard",
    "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez", "Gérard",
    "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard", "Roger", "Fabre",
    "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît",
    "Rey", "Leclerc", "Payet", "Rolland", "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy",
    "Guillot", "Hubert", "Berger", "Carpentier", "Sánchez", "Dupuis", "Moulin", "Louis", "Deschamps", "Huet",
    "Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Paris", "Poirier",
    "Marty", "Aubry", "Guyot", "Carré", "Charles", "Renault", "Charpentier", "Ménard", "Maillard", "Baron",
    "Bertin", "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall", "Collet", "Léger", "Bouvier", "Julien",
    "Prévost", "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain", "Breton", "Besson", "Langlois",
    "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun", "Marchal", "Weber",
    "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier", "Michaud", "Rodríguez", "Guichard", "Gillet", "Étienne",
    "Grondin", "Poulain", "Tessier", "Chevallier", "Collin", "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître",
    "Bénard", "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy", "Cordier", "Pichon",
    "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte", "Nguyễn", "Bégin", "Œuvrard",
    "Benali", "Haddad", "Mansouri", "Ferreira", "Pereira", "Dos Santos", "Kowalski", "Yılmaz", "Traoré", "Diallo",
)

STREET_KINDS = ("rue", "rue", "rue", "avenue", "boulevard", "place", "impasse", "allée", "chemin", "quai", "cours",
                "route")
STREET_NAMES = (
    "de la République", "Victor-Hugo", "Jean-Jaurès", "Gambetta", "de la Paix", "Pasteur", "du Général-de-Gaulle",
    "de la Gare", "des Écoles", "de l'Église", "du Moulin", "des Lilas", "des Tilleuls", "Émile-Zola",
    "Voltaire", "Jules-Ferry", "du 8-Mai-1945", "de Verdun", "Carnot", "Anatole-France", "Louis-Pasteur",
    "des Acacias", "du Château", "de la Liberté", "Paul-Bert", "des Peupliers", "Jean-Moulin", "de Strasbourg",
    "Aristide-Briand", "Saint-Martin", "de Bretagne", "du Maréchal-Foch", "Georges-Clemenceau", "des Rosiers",
    "de la Mairie", "Mozart", "Hector-Berlioz", "des Marronniers", "du Stade", "de Lattre-de-Tassigny",
    "Édouard-Herriot", "Lamartine", "de la Croix-Rousse", "des Vignes", "Pierre-Curie", "Marie-Curie",
    "Gabriel-Péri", "de l'Hôtel-de-Ville", "Sainte-Anne", "du Faubourg-Saint-Antoine", "de la Fontaine",
    "des Cerisiers", "du Port", "Frédéric-Mistral", "Bellevue", "des Prés", "de Provence", "Saint-Exupéry",
)
RESIDENCES = ("Résidence Les Tilleuls", "Résidence du Parc", "Les Jardins de l'Hippodrome", "Résidence Le Belvédère",
              "Cité des Fleurs", "Résidence Beauséjour", "Le Clos Saint-Jean", "Résidence Les Érables")

# Étude hubs: the city of the étude, its tribunal judiciaire and the towns of its area.
# Each town: (name, postcode, tribunal judiciaire city).
HUBS = {
    "Lyon": (
        ("Lyon", "69002", "Lyon"), ("Lyon", "69003", "Lyon"), ("Lyon", "69007", "Lyon"), ("Lyon", "69008", "Lyon"),
        ("Villeurbanne", "69100", "Lyon"), ("Vénissieux", "69200", "Lyon"), ("Vaulx-en-Velin", "69120", "Lyon"),
        ("Bron", "69500", "Lyon"), ("Caluire-et-Cuire", "69300", "Lyon"), ("Saint-Priest", "69800", "Lyon"),
        ("Villefranche-sur-Saône", "69400", "Villefranche-sur-Saône"), ("Givors", "69700", "Lyon"),
        ("Écully", "69130", "Lyon"), ("Oullins-Pierre-Bénite", "69600", "Lyon"), ("Meyzieu", "69330", "Lyon"),
        ("Bourg-en-Bresse", "01000", "Bourg-en-Bresse"), ("Vienne", "38200", "Vienne"),
    ),
    "Strasbourg": (
        ("Strasbourg", "67000", "Strasbourg"), ("Strasbourg", "67100", "Strasbourg"),
        ("Schiltigheim", "67300", "Strasbourg"), ("Illkirch-Graffenstaden", "67400", "Strasbourg"),
        ("Haguenau", "67500", "Strasbourg"), ("Sélestat", "67600", "Colmar"), ("Colmar", "68000", "Colmar"),
        ("Mulhouse", "68100", "Mulhouse"), ("Obernai", "67210", "Strasbourg"), ("Bischheim", "67800", "Strasbourg"),
        ("Metz", "57000", "Metz"), ("Thionville", "57100", "Thionville"), ("Sarreguemines", "57200", "Sarreguemines"),
    ),
    "Bordeaux": (
        ("Bordeaux", "33000", "Bordeaux"), ("Bordeaux", "33800", "Bordeaux"), ("Mérignac", "33700", "Bordeaux"),
        ("Pessac", "33600", "Bordeaux"), ("Talence", "33400", "Bordeaux"), ("Bègles", "33130", "Bordeaux"),
        ("Villenave-d'Ornon", "33140", "Bordeaux"), ("Libourne", "33500", "Libourne"), ("Lormont", "33310", "Bordeaux"),
        ("Arcachon", "33120", "Bordeaux"), ("Cenon", "33150", "Bordeaux"), ("Le Bouscat", "33110", "Bordeaux"),
    ),
    "Lille": (
        ("Lille", "59000", "Lille"), ("Lille", "59800", "Lille"), ("Roubaix", "59100", "Lille"),
        ("Tourcoing", "59200", "Lille"), ("Villeneuve-d'Ascq", "59650", "Lille"), ("Wattrelos", "59150", "Lille"),
        ("Marcq-en-Barœul", "59700", "Lille"), ("Lambersart", "59130", "Lille"), ("Douai", "59500", "Douai"),
        ("Valenciennes", "59300", "Valenciennes"), ("Armentières", "59280", "Lille"), ("Lens", "62300", "Béthune"),
    ),
    "Marseille": (
        ("Marseille", "13001", "Marseille"), ("Marseille", "13003", "Marseille"), ("Marseille", "13008", "Marseille"),
        ("Marseille", "13013", "Marseille"), ("Marseille", "13015", "Marseille"), ("Aubagne", "13400", "Marseille"),
        ("La Ciotat", "13600", "Marseille"), ("Aix-en-Provence", "13100", "Aix-en-Provence"),
        ("Martigues", "13500", "Aix-en-Provence"), ("Vitrolles", "13127", "Aix-en-Provence"),
        ("Salon-de-Provence", "13300", "Aix-en-Provence"), ("Allauch", "13190", "Marseille"),
    ),
}
ELSEWHERE = (
    ("Paris", "75011", "Paris"), ("Paris", "75018", "Paris"), ("Paris", "75015", "Paris"),
    ("Montreuil", "93100", "Bobigny"), ("Saint-Denis", "93200", "Bobigny"), ("Créteil", "94000", "Créteil"),
    ("Nanterre", "92000", "Nanterre"), ("Versailles", "78000", "Versailles"), ("Toulouse", "31000", "Toulouse"),
    ("Nantes", "44000", "Nantes"), ("Rennes", "35000", "Rennes"), ("Montpellier", "34000", "Montpellier"),
    ("Nice", "06000", "Nice"), ("Grenoble", "38000", "Grenoble"), ("Saint-Étienne", "42000", "Saint-Étienne"),
    ("Clermont-Ferrand", "63000", "Clermont-Ferrand"), ("Dijon", "21000", "Dijon"), ("Besançon", "25000", "Besançon"),
    ("Orléans", "45000", "Orléans"), ("Tours", "37000", "Tours"), ("Angers", "49000", "Angers"),
    ("Le Mans", "72000", "Le Mans"), ("Caen", "14000", "Caen"), ("Rouen", "76000", "Rouen"),
    ("Reims", "51100", "Reims"), ("Amiens", "80000", "Amiens"), ("Limoges", "87000", "Limoges"),
    ("Poitiers", "86000", "Poitiers"), ("Brest", "29200", "Brest"), ("Perpignan", "66000", "Perpignan"),
    ("Ajaccio", "20000", "Ajaccio"), ("Bastia", "20200", "Bastia"), ("Pau", "64000", "Pau"),
    ("Nîmes", "30000", "Nîmes"), ("Avignon", "84000", "Avignon"), ("Toulon", "83000", "Toulon"),
    ("Annecy", "74000", "Annecy"), ("Chambéry", "73000", "Chambéry"), ("Troyes", "10000", "Troyes"),
    ("Saint-Denis", "97400", "Saint-Denis"), ("Fort-de-France", "97200", "Fort-de-France"),
    ("Pointe-à-Pitre", "97110", "Pointe-à-Pitre"), ("Cayenne", "97300", "Cayenne"),
)

# Commissaires de justice of the demo étude (one is drawn).
COMMISSAIRES = (
    ("Madame", "Claire", "Dubois-Mercier"), ("Monsieur", "Jean-Baptiste", "Lefèvre"),
    ("Madame", "Sophie", "Garnier-Roux"), ("Monsieur", "Olivier", "Delattre"), ("Madame", "Agnès", "Müller"),
)
STAFF = (  # (login, name, role)
    ("pcharrier", "Patrick Charrier", "principal_clerc"),
    ("amoreau", "Audrey Moreau", "clerc"),
    ("kbenali", "Karim Benali", "clerc"),
    ("lfournier", "Léa Fournier", "clerc"),
    ("nguerin", "Nadine Guérin", "comptable"),
)

# Banks: (name, bank code, branch codes, BIC).
BANKS = (
    ("BNP Paribas", "30004", ("00819", "01328", "02345"), "BNPAFRPPXXX"),
    ("Société Générale", "30003", ("01234", "02080", "04380"), "SOGEFRPPXXX"),
    ("Crédit Agricole Centre-Est", "17806", ("00010", "00570", "00100"), "AGRIFRPP878"),
    ("LCL – Le Crédit Lyonnais", "30002", ("00415", "02844", "06862"), "CRLYFRPPXXX"),
    ("La Banque Postale", "20041", ("01005", "01007", "00001"), "PSSTFRPPLYO"),
    ("Crédit Mutuel", "10278", ("07300", "08000", "03050"), "CMCIFR2AXXX"),
    ("Caisse d'Épargne Rhône Alpes", "13825", ("00200", "00080", "00150"), "CEPAFRPP382"),
    ("Banque Populaire Auvergne Rhône Alpes", "16807", ("00100", "00300", "00070"), "CCBPFRPPGRE"),
    ("BRED Banque Populaire", "10107", ("00118", "00211", "00534"), "BREDFRPPXXX"),
    ("CIC", "30066", ("10021", "10947", "10811"), "CMCIFRPPXXX"),
    ("Boursorama", "40618", ("80001", "80002"), "BOUSFRPPXXX"),
    ("Crédit du Nord", "30076", ("02020", "02877"), "NORDFRPPXXX"),
)
# Credit organisms that are creditors (banks above also are).
CREDIT_ORGANISMS = ("Cofidis", "Cetelem (BNP Paribas Personal Finance)", "Franfinance", "Sofinco (CA Consumer Finance)",
                    "Oney Bank", "Carrefour Banque", "Younited", "Floa Bank", "Cofinoga", "Crédit Logement")
SOCIAL_BODIES = ("URSSAF Rhône-Alpes", "URSSAF Île-de-France", "URSSAF Alsace", "URSSAF Provence-Alpes-Côte d'Azur",
                 "URSSAF Aquitaine", "URSSAF Nord-Pas-de-Calais", "CAF du Rhône", "CAF du Bas-Rhin", "CPAM de la Gironde",
                 "MSA Ain-Rhône", "CIPAV", "France Travail", "Caisse d'allocations familiales du Nord",
                 "CARSAT Sud-Est")
HLM_OFFICES = ("Grand Lyon Habitat", "Lyon Métropole Habitat", "Habitat et Humanisme", "Ophéa (Eurométropole de Strasbourg)",
               "Habitation Moderne", "Aquitanis", "Gironde Habitat", "Lille Métropole Habitat", "Vilogia",
               "Partenord Habitat", "Habitat Marseille Provence", "13 Habitat", "Paris Habitat", "Immobilière 3F",
               "CDC Habitat", "Est Métropole Habitat", "Alliade Habitat", "SEMCODA", "Dynacité")
SCI_WORDS = ("des Tilleuls", "du Parc", "Bellecour", "Les Terrasses", "Saint-Jean", "Horizon", "Les Pins",
             "du Vieux Port", "Gambetta", "La Fontaine", "Montplaisir", "Les Cèdres", "Kléber", "Chartrons",
             "Vauban", "Le Clos", "Beauregard", "Mistral")
REGIES = ("Régie Foncia Lyon", "Nexity Lamy", "Citya Immobilier", "Oralia", "Sergic", "Régie Pedrini", "Square Habitat",
          "Laforêt Gestion", "Orpi Gestion")
COMPANY_FORMS = ("SARL", "SAS", "SASU", "EURL", "SA", "SNC")
TRADES = ("Boulangerie", "Garage", "Plomberie", "Électricité", "Transports", "Menuiserie", "Restaurant",
          "Boucherie", "Pharmacie", "Imprimerie", "Informatique", "Bâtiment", "Nettoyage", "Fleurs", "Coiffure",
          "Pressing", "Optique", "Traiteur", "Auto-école", "Peinture", "Maçonnerie", "Carrelage", "Taxi",
          "Conseil", "Décoration", "Librairie", "Cave", "Fromagerie", "Brasserie", "Sécurité")
SUPPLIERS = ("Métro France", "Rexel", "Point.P", "Würth France", "Orange Business", "EDF Entreprises", "Engie",
             "Leroy Merlin Pro", "Manutan", "Bruneau", "Lyreco", "Vinci Construction", "Brake France",
             "Transgourmet", "Sonepar", "Kiloutou", "Loxam", "Dalkia", "Veolia Eau", "Suez", "Cédéo")
EMPLOYERS = ("Carrefour", "La Poste", "SNCF Voyageurs", "Hôpitaux civils de Lyon", "Auchan", "Decathlon",
             "Ville de Lyon", "Adecco", "Manpower", "Leclerc", "Intermarché", "Sodexo", "Onet Propreté",
             "Keolis", "Transdev", "Amazon France Logistique", "Renault", "Michelin", "Airbus", "Crédit Agricole",
             "Randstad", "McDonald's France", "Lidl", "Bouygues Construction", "Clinique du Parc", "Fnac Darty",
             "Ikea France", "Elior", "Korian", "ADMR")
EMAIL_DOMAINS = ("orange.fr", "gmail.com", "free.fr", "sfr.fr", "laposte.net", "hotmail.fr", "yahoo.fr",
                 "wanadoo.fr", "outlook.fr", "icloud.com", "bbox.fr")
VEHICLES = ("Peugeot 208", "Renault Clio", "Citroën C3", "Dacia Sandero", "Peugeot 3008", "Renault Mégane",
            "Volkswagen Golf", "Toyota Yaris", "Citroën Berlingo", "Renault Kangoo", "Fiat 500", "Ford Fiesta")
