"""What the dossier form hands to the services once every field has been validated."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


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
    interest_kind: str = "legal"
    contractual_rate: Decimal | None = None
    contractual_day_basis: str = "civil"
    interest_from: date | None = None
    zone: str = "metropole"
    notes: str = ""
