"""The étude's fixed vocabularies: code value → French label, in display order.

THE place for a label shown to a user: a screen, a décompte, a document and the CLI name one
thing with the label found here (capitalised; `lower_first` gives it in the middle of a sentence).
"""

ROLES = ("commissaire", "principal_clerc", "clerc", "comptable", "lecture")
# Their French names (refusal messages) are data: data/permissions.toml [roles].
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
    "article_700": "Article 700 CPC",
    "clause_penale": "Clause pénale",
    "autre": "Autre somme",
}
# The interest a claim item bears (claim_item.interest_regime, docs/law/interest.md §6).
CLAIM_INTEREST_REGIMES = {
    "dossier": "Intérêts du dossier",
    "legal": "Intérêt légal",
    "none": "Sans intérêts",
}
INTEREST_KINDS = {
    "legal": "Intérêt légal",
    "contractual": "Intérêt conventionnel",
    "commercial": "Pénalités de retard L441-10",
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
# The kinds of ledger entry (models/ledger.py): the dossier's account lines, the FEC, the décompte.
LEDGER_KINDS = {
    "fee": "Émolument",
    "disbursement": "Débours",
    "payment": "Paiement",
    "reversal": "Annulation",
    "remittance": "Reversement",
    "refund": "Remboursement",
}
# Who bears a charge.
BEARERS = {"debtor": "Débiteur", "creditor": "Créancier"}
# The procedures of `data/procedures.toml`, by the ids of the glossary.
PROCEDURES = {
    "injonction_de_payer": "Injonction de payer",
    "signification_jugement": "Signification d'un jugement",
    "saisie_attribution": "Saisie-attribution",
    "saisie_vente": "Saisie-vente",
    "saisie_remunerations": "Saisie des rémunérations",
    "expulsion": "Expulsion (bail d'habitation)",
    "petites_creances": "Procédure simplifiée de recouvrement des petites créances",
    "echeancier": "Échéancier (défaut du débiteur)",  # alerts of services/plans.py, no steps
}


def lower_first(label: str) -> str:
    """`Intérêt légal` → `intérêt légal`, for a label in the middle of a sentence."""
    return label[:1].lower() + label[1:]
