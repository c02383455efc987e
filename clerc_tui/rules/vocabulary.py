"""The étude's fixed vocabularies: code value → French label, in display order."""

ROLES = ("commissaire", "principal_clerc", "clerc", "comptable", "lecture")
ROLE_LABELS = {
    "commissaire": "Commissaire de justice",
    "principal_clerc": "Principal clerc",
    "clerc": "Clerc",
    "comptable": "Comptable",
    "lecture": "Lecture seule",
}
PERSON_KINDS = {"physique": "Personne physique", "morale": "Personne morale"}
CREDITOR_ACTIVITIES = {
    "bailleur": "Bailleur",
    "banque": "Banque / organisme de crédit",
    "organisme_social": "Organisme social",
    "particulier": "Particulier",
    "commercant": "Commerçant / entreprise",
    "autre": "Autre",
}
CIVILITIES = ("Madame", "Monsieur")
NATURES = {
    "loyers": "Loyers",
    "pension_alimentaire": "Pension alimentaire",
    "charges_sociales": "Charges sociales",
    "credit": "Crédit",
    "commercial": "Commercial",
    "autre": "Autre",
}
PHASES = {"amiable": "Amiable", "judiciaire": "Judiciaire", "execution": "Exécution", "clos": "Clos"}
TITLE_KINDS = {
    "": "Aucun",
    "jugement": "Jugement",
    "arret": "Arrêt",
    "ordonnance_ip": "Ordonnance d'injonction de payer",
    "acte_notarie": "Acte notarié",
    "contrainte": "Contrainte",
    "titre_pc": "Titre petites créances",
    "autre": "Autre titre",
}
CLAIM_KINDS = {
    "principal": "Principal",
    "depens": "Dépens",
    "article_700": "Article 700",
    "clause_penale": "Clause pénale",
    "autre": "Autre",
}
INTEREST_KINDS = {
    "legal": "Intérêt légal",
    "contractual": "Taux conventionnel",
    "commercial": "Pénalités L441-10",
    "none": "Sans intérêts",
}
ZONES = {"metropole": "Métropole", "alsace-moselle": "Alsace-Moselle"}
PAYMENT_MODES = {
    "virement": "Virement",
    "cheque": "Chèque",
    "carte": "Carte bancaire",
    "especes": "Espèces",
    "prelevement": "Prélèvement",
    "paiement_direct": "Paiement direct au créancier",
    "": "—",
}
# The procedures of `data/procedures.toml`, by the ids of the glossary.
PROCEDURES = {
    "injonction_de_payer": "Injonction de payer",
    "signification_jugement": "Signification d'un jugement",
    "saisie_attribution": "Saisie-attribution",
    "saisie_vente": "Saisie-vente",
    "saisie_remunerations": "Saisie des rémunérations",
    "expulsion": "Expulsion (bail d'habitation)",
    "petites_creances": "Procédure simplifiée de recouvrement des petites créances",
}
