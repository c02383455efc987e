"""What the dossier form hands to the services once every field has been validated.

Every text field is checked when the object is built (`check_text`): whether typed in the
form or imported, no name, address, reference or note keeps a control or bidi character.
"""

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from clerc_tui.rules.text import check_text

LABELS = {
    "kind": "Type",
    "activity": "Activité",
    "name": "Nom du créancier",
    "first_name": "Prénom",
    "civility": "Civilité",
    "siren": "SIREN",
    "siret": "SIRET",
    "iban": "IBAN",
    "street": "Adresse",
    "postcode": "Code postal",
    "city": "Ville",
    "email": "Courriel",
    "phone": "Téléphone",
    "last_name": "Nom du débiteur",
    "company_name": "Raison sociale",
    "employer_name": "Employeur",
    "nature": "Nature",
    "phase": "Phase",
    "title_kind": "Titre",
    "title_court": "Juridiction",
    "title_reference": "Référence du titre",
    "interest_kind": "Intérêts",
    "contractual_day_basis": "Base",
    "zone": "Zone",
    "notes": "Notes",
}
MULTILINE = frozenset({"notes"})


def _check_texts(data) -> None:
    for item in fields(data):
        value = getattr(data, item.name)
        if isinstance(value, str):
            check_text(value, field=LABELS.get(item.name, item.name), multiline=item.name in MULTILINE)


@dataclass(frozen=True)
class CreditorInput:
    kind: str  # physique | morale
    is_individual: bool
    activity: str
    name: str  # raison sociale, or the last name of a person
    first_name: str = ""
    civility: str = ""
    siren: str = ""
    siret: str = ""
    iban: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    email: str = ""
    phone: str = ""

    def __post_init__(self):
        _check_texts(self)


@dataclass(frozen=True)
class DebtorInput:
    kind: str
    civility: str = ""
    last_name: str = ""
    first_name: str = ""
    company_name: str = ""
    birth_date: date | None = None
    siren: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    iban: str = ""
    employer_name: str = ""

    def __post_init__(self):
        _check_texts(self)


@dataclass(frozen=True)
class DossierInput:
    debtor: DebtorInput
    creditor_id: int | None = None
    new_creditor: CreditorInput | None = None
    nature: str = "autre"
    phase: str = "amiable"
    assigned_to_id: int | None = None
    title_kind: str = ""
    title_court: str = ""
    title_reference: str = ""
    title_date: date | None = None
    title_signified_on: date | None = None
    title_enforceable_on: date | None = None
    claims: dict[str, Decimal] = field(default_factory=dict)
    # Per claim kind: its interest regime (rules/statement.py REGIMES) and its own start (None:
    # the dossier's for `dossier`, the title's date for `legal`). A kind left out: the default
    # of its kind for a new item (DEFAULT_REGIMES), unchanged for an existing one.
    claim_interest: dict[str, tuple[str, date | None]] = field(default_factory=dict)
    interest_kind: str = "legal"
    contractual_rate: Decimal | None = None
    contractual_day_basis: str = "civil"
    interest_from: date | None = None
    zone: str = "metropole"
    notes: str = ""

    def __post_init__(self):
        _check_texts(self)
