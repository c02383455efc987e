"""The dossier form as typed (strings) → a validated DossierInput, or every error at once.

Each error names its field and says in French what to fix; the screen shows it under
the field and keeps what was typed.
"""

from datetime import date
from decimal import Decimal

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules import identifiers
from clerc_tui.rules.french import format_amount, format_date, parse_amount, parse_date, parse_percent
from clerc_tui.rules.interest import CIVIL_YEAR, DAY_BASIS_LABELS
from clerc_tui.rules.statement import DEFAULT_REGIMES
from clerc_tui.rules.text import check_text
from clerc_tui.rules.vocabulary import CLAIM_INTEREST_REGIMES, INTEREST_KINDS, NATURES, PHASES, TITLE_KINDS, ZONES
from clerc_tui.services.creditors import creditor_id_by_name
from clerc_tui.services.dossier_input import CreditorInput, DebtorInput, DossierInput
from clerc_tui.services.dossiers import DossierView

CLAIM_FIELDS = ("principal", "depens", "article_700", "clause_penale")
# The claim items whose interest the form sets (`<kind>_interest`, `<kind>_interest_from`): the
# principal bears the dossier's terms, dépens none (docs/law/interest.md §6).
CLAIM_INTEREST_FIELDS = ("article_700", "clause_penale")


class FormErrors(ClercError):
    def __init__(self, errors: dict[str, str]):
        count = len(errors)
        super().__init__(f"{count} champ{'s' if count > 1 else ''} à corriger.")
        self.errors = errors


class _Collector:
    def __init__(self, values: dict[str, str]):
        self.values = values
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        """The field as typed, trimmed; a control or bidi character is an error of the field."""
        raw = (self.values.get(name) or "").strip()
        try:
            return check_text(raw, field="Ce champ", multiline=name == "notes")
        except InvalidInput as error:
            self.errors.setdefault(name, error.message)
            return ""

    def check(self, name: str, convert, *, required: str | None = None):
        """Convert a field if filled; record the error instead of raising."""
        raw = self.text(name)
        if not raw:
            if required:
                self.errors[name] = required
            return None
        try:
            return convert(raw)
        except InvalidInput as error:
            self.errors[name] = error.message
            return None

    def choice(self, name: str, allowed, default: str) -> str:
        value = self.text(name) or default
        if value not in allowed:
            self.errors[name] = f"Valeur « {value} » non prévue."
        return value


def _past_date(today: date, what: str):
    def convert(raw: str) -> date:
        value = parse_date(raw)
        if value > today:
            raise InvalidInput(f"{what} ne peut pas être postérieure à aujourd'hui ({format_date(today)}).")
        if value.year < 1900:
            raise InvalidInput(f"{what} : année {value.year} improbable, vérifiez la saisie.")
        return value

    return convert


def _rate(raw: str) -> Decimal:
    value = parse_percent(raw)
    if value <= 0 or value >= 100:
        raise InvalidInput("Le taux conventionnel est un pourcentage annuel entre 0 et 100 (exemple : 4,5).")
    return value


def parse_dossier_form(values: dict[str, str], today: date) -> DossierInput:
    f = _Collector(values)

    # Creditor: an existing one by name, or a new one.
    creditor_id = None
    new_creditor = None
    creditor_name = f.text("creditor")
    new_name = f.text("new_creditor_name")
    if creditor_name:
        creditor_id = creditor_id_by_name(creditor_name)
        if creditor_id is None:
            f.errors["creditor"] = (
                f"Aucun créancier « {creditor_name} » : complétez avec → parmi les suggestions, "
                "ou videz ce champ et remplissez « Nouveau créancier »."
            )
    elif new_name:
        kind = f.choice("new_creditor_kind", ("physique", "morale"), "morale")
        siret = f.check("new_creditor_siret", identifiers.validate_siret) or ""
        new_creditor = CreditorInput(
            kind=kind,
            is_individual=kind == "physique" and f.text("new_creditor_individual") == "1",
            activity="particulier" if kind == "physique" else "autre",
            name=new_name,
            siret=siret,
            siren=siret[:9],
            iban=f.check("new_creditor_iban", identifiers.validate_iban) or "",
        )
    else:
        f.errors["creditor"] = "Choisissez le créancier (mandant), ou remplissez « Nouveau créancier »."

    # Debtor
    debtor_kind = f.choice("debtor_kind", ("physique", "morale"), "physique")
    if debtor_kind == "physique" and not f.text("debtor_last_name") and "debtor_last_name" not in f.errors:
        f.errors["debtor_last_name"] = "Le nom du débiteur est obligatoire."
    if debtor_kind == "morale" and not f.text("debtor_company") and "debtor_company" not in f.errors:
        f.errors["debtor_company"] = "La raison sociale du débiteur est obligatoire."
    debtor = DebtorInput(
        kind=debtor_kind,
        civility=f.text("debtor_civility") if debtor_kind == "physique" else "",
        last_name=f.text("debtor_last_name"),
        first_name=f.text("debtor_first_name"),
        company_name=f.text("debtor_company"),
        birth_date=f.check("debtor_birth_date", _past_date(today, "La date de naissance")),
        siren=f.check("debtor_siren", identifiers.validate_siren) or "",
        street=f.text("debtor_street"),
        postcode=f.check("debtor_postcode", identifiers.validate_postcode) or "",
        city=f.text("debtor_city"),
        phone=f.check("debtor_phone", identifiers.validate_phone) or "",
        email=f.check("debtor_email", identifiers.validate_email) or "",
        iban=f.check("debtor_iban", identifiers.validate_iban) or "",
        employer_name=f.text("debtor_employer"),
    )

    # Title
    title_date = f.check("title_date", _past_date(today, "La date du titre"))
    signified = f.check("title_signified_on", _past_date(today, "La date de signification"))
    enforceable = f.check("title_enforceable_on", parse_date)
    if title_date and signified and signified < title_date:
        f.errors["title_signified_on"] = "La signification ne peut pas précéder la date du titre."
    if title_date and enforceable and enforceable < title_date:
        f.errors["title_enforceable_on"] = "Le titre ne peut pas être exécutoire avant d'avoir été rendu."

    # Claim
    claims = {}
    for name in CLAIM_FIELDS:
        amount = f.check(name, parse_amount, required="Le principal est obligatoire." if name == "principal" else None)
        if amount is not None:
            if name == "principal" and amount == 0:
                f.errors[name] = "Le principal doit être supérieur à zéro."
            claims[name] = amount
    claim_interest = {
        name: (
            f.choice(f"{name}_interest", CLAIM_INTEREST_REGIMES, DEFAULT_REGIMES[name]),
            f.check(f"{name}_interest_from", parse_date),
        )
        for name in CLAIM_INTEREST_FIELDS
    }
    interest_kind = f.choice("interest_kind", INTEREST_KINDS, "legal")
    rate = f.check(
        "contractual_rate",
        _rate,
        required="Indiquez le taux conventionnel." if interest_kind == "contractual" else None,
    )

    data = DossierInput(
        debtor=debtor,
        creditor_id=creditor_id,
        new_creditor=new_creditor,
        nature=f.choice("nature", NATURES, "autre"),
        phase=f.choice("phase", PHASES, "amiable"),
        assigned_to_id=int(f.text("assigned_to")) if f.text("assigned_to").isdigit() else None,
        title_kind=f.choice("title_kind", TITLE_KINDS, ""),
        title_court=f.text("title_court"),
        title_reference=f.text("title_reference"),
        title_date=title_date,
        title_signified_on=signified,
        title_enforceable_on=enforceable,
        claims=claims,
        claim_interest=claim_interest,
        interest_kind=interest_kind,
        contractual_rate=rate if interest_kind == "contractual" else None,
        contractual_day_basis=f.choice("contractual_day_basis", DAY_BASIS_LABELS, CIVIL_YEAR),
        interest_from=f.check("interest_from", parse_date),
        zone=f.choice("zone", ZONES, "metropole"),
        notes=f.text("notes"),
    )
    if f.errors:
        raise FormErrors(f.errors)
    return data


def _amount_text(value) -> str:
    return "" if value is None else format_amount(value, currency=False, grouping=False)


def form_values(view: DossierView) -> dict[str, str]:
    """The form of an existing dossier, as strings, for editing."""
    d = view.dossier
    debtor = view.debtors[0] if view.debtors else None
    values = {
        "creditor": view.creditor.display_name,
        "nature": d.nature,
        "phase": d.phase,
        "assigned_to": str(d.assigned_to_id or ""),
        "zone": d.zone,
        "title_kind": d.title_kind,
        "title_court": d.title_court,
        "title_reference": d.title_reference,
        "title_date": format_date(d.title_date),
        "title_signified_on": format_date(d.title_signified_on),
        "title_enforceable_on": format_date(d.title_enforceable_on),
        "interest_kind": d.interest_kind,
        "contractual_rate": _amount_text(d.contractual_rate) if d.contractual_rate is not None else "",
        "contractual_day_basis": d.contractual_day_basis or CIVIL_YEAR,
        "interest_from": format_date(d.interest_from),
        "notes": d.notes,
    }
    for name in CLAIM_FIELDS:
        values[name] = _amount_text(view.claim_amount(name))
    for name in CLAIM_INTEREST_FIELDS:
        item = next((c for c in view.claims if c.kind == name), None)
        values[f"{name}_interest"] = item.interest_regime if item is not None else DEFAULT_REGIMES[name]
        values[f"{name}_interest_from"] = format_date(item.interest_from) if item is not None else ""
    if debtor is not None:
        dd = debtor.debtor
        address = debtor.current_address
        values.update(
            {
                "debtor_kind": dd.kind,
                "debtor_civility": dd.civility,
                "debtor_last_name": dd.last_name,
                "debtor_first_name": dd.first_name,
                "debtor_company": dd.company_name,
                "debtor_birth_date": format_date(dd.birth_date),
                "debtor_siren": dd.siren,
                "debtor_street": address.street if address else "",
                "debtor_postcode": address.postcode if address else "",
                "debtor_city": address.city if address else "",
                "debtor_phone": debtor.first_contact("phone"),
                "debtor_email": debtor.first_contact("email"),
                "debtor_iban": debtor.bank_accounts[0].iban if debtor.bank_accounts else "",
                "debtor_employer": dd.employer_name,
            }
        )
    return values
