"""Open, read and edit a dossier: one transaction each, permission and audit inside.

Edits are guarded by the dossier's `version` (optimistic locking): an edit based on a
version another clerc has since changed is refused and nothing is written.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from clerc_tui.errors import ConflictError, InvalidInput
from clerc_tui.models import (
    ClaimItem,
    Creditor,
    Deadline,
    Debtor,
    DebtorAddress,
    DebtorAsset,
    DebtorBankAccount,
    DebtorContact,
    DebtorDependant,
    Dossier,
    DossierDebtor,
    TimelineEvent,
)
from clerc_tui.models.db import write_transaction
from clerc_tui.rules.money import ZERO
from clerc_tui.rules.names import debtors_label, fold, person_name
from clerc_tui.rules.statement import DEFAULT_REGIMES, REGIMES
from clerc_tui.rules.vocabulary import CLAIM_KINDS
from clerc_tui.services import sequences
from clerc_tui.services.audit import last_change, record, snapshot, timeline_event
from clerc_tui.services.context import Actor, UserInfo, require_write
from clerc_tui.services.deadlines import DeadlineInfo, deadline_info
from clerc_tui.services.dossier_input import CreditorInput, DebtorInput, DossierInput
from clerc_tui.services.imports import source_of
from clerc_tui.services.plain import Prepared, plain


@dataclass(frozen=True)
class DossierInfo:
    """A dossier's own values (its creditor and clerc by id; the names kept for the list)."""

    id: int
    reference: str
    creditor_id: int
    nature: str
    phase: str
    assigned_to_id: int | None
    opened_on: date
    closed_on: date | None
    title_kind: str
    title_court: str
    title_reference: str
    title_date: date | None
    title_signified_on: date | None
    title_enforceable_on: date | None
    interest_kind: str
    contractual_rate: Decimal | None
    contractual_day_basis: str
    interest_from: date | None
    majoration_points: int
    capitalisation_from: date | None
    allocation_order: str
    zone: str
    notes: str
    debtor_name: str
    creditor_name: str
    balance: Decimal
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CreditorInfo:
    id: int
    kind: str
    is_individual: bool
    activity: str
    civility: str
    first_name: str
    last_name: str
    company_name: str
    siren: str
    siret: str
    street: str
    postcode: str
    city: str
    country: str
    email: str
    phone: str
    iban: str
    bic: str
    display_name: str


@dataclass(frozen=True)
class DebtorInfo:
    id: int
    kind: str
    civility: str
    first_name: str
    last_name: str
    company_name: str
    birth_date: date | None
    birth_place: str
    siren: str
    employer_name: str
    employer_address: str
    notes: str
    display_name: str


@dataclass(frozen=True)
class AddressInfo:
    id: int
    street: str
    postcode: str
    city: str
    country: str
    is_current: bool
    since: date | None


@dataclass(frozen=True)
class ContactInfo:
    id: int
    kind: str  # phone | email
    value: str
    label: str


@dataclass(frozen=True)
class BankAccountInfo:
    id: int
    bank_name: str
    iban: str


@dataclass(frozen=True)
class AssetInfo:
    id: int
    kind: str
    description: str
    estimated_value: Decimal | None


@dataclass(frozen=True)
class DependantInfo:
    id: int
    relation: str
    name: str
    birth_date: date | None


@dataclass(frozen=True)
class ClaimInfo:
    id: int
    kind: str
    label: str
    amount: Decimal
    due_on: date | None
    interest_regime: str  # dossier | legal | none (rules/vocabulary.py CLAIM_INTEREST_REGIMES)
    interest_from: date | None


@dataclass(frozen=True)
class EventInfo:
    id: int
    occurred_on: date
    kind: str
    text: str
    user_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class DebtorDetail:
    debtor: DebtorInfo
    addresses: list[AddressInfo]
    contacts: list[ContactInfo]
    bank_accounts: list[BankAccountInfo]
    assets: list[AssetInfo]
    dependants: list[DependantInfo]

    @property
    def current_address(self) -> AddressInfo | None:
        return next((a for a in self.addresses if a.is_current), None)

    def first_contact(self, kind: str) -> str:
        return next((c.value for c in self.contacts if c.kind == kind), "")


@dataclass(frozen=True)
class DossierView:
    dossier: DossierInfo
    creditor: CreditorInfo
    clerc: UserInfo | None
    debtors: list[DebtorDetail]
    claims: list[ClaimInfo]
    deadlines: list[DeadlineInfo]
    events: list[EventInfo]
    source: str = ""  # « Importé de FICHIER, ligne N (audit n° X) » for an imported dossier (services/imports)

    @property
    def claims_total(self) -> Decimal:
        return sum((c.amount for c in self.claims), ZERO)

    def claim_amount(self, kind: str) -> Decimal | None:
        amounts = [c.amount for c in self.claims if c.kind == kind]
        return sum(amounts, ZERO) if amounts else None


# The reads of a dossier opened (`get_dossier`: on every refresh of its screen), their SQL
# written once, each in the order it had.
def _of_debtor(model, *order) -> Prepared:
    return Prepared(lambda debtor_id: model.select().where(model.debtor == debtor_id).order_by(*order))


_ADDRESSES = _of_debtor(DebtorAddress, DebtorAddress.is_current.desc(), DebtorAddress.id)
_CONTACTS = _of_debtor(DebtorContact, DebtorContact.id)
DEBTOR_BANK_ACCOUNTS = _of_debtor(DebtorBankAccount, DebtorBankAccount.id)
DEBTOR_ASSETS = _of_debtor(DebtorAsset, DebtorAsset.id)
DEBTOR_DEPENDANTS = _of_debtor(DebtorDependant, DebtorDependant.id)
_DEBTORS = Prepared(
    lambda dossier_id: (
        DossierDebtor.select(DossierDebtor, Debtor)
        .join(Debtor)
        .where(DossierDebtor.dossier == dossier_id)
        .order_by(DossierDebtor.position)
    )
)
_DEADLINES = Prepared(
    lambda dossier_id: (
        Deadline.select().where(Deadline.dossier == dossier_id).order_by(Deadline.done, Deadline.due_date, Deadline.id)
    )
)
_EVENTS = Prepared(
    lambda dossier_id: (
        TimelineEvent.select()
        .where(TimelineEvent.dossier == dossier_id)
        .order_by(TimelineEvent.occurred_on.desc(), TimelineEvent.id.desc())
    )
)


def _debtor_detail(debtor: Debtor) -> DebtorDetail:
    return DebtorDetail(
        debtor=plain(DebtorInfo, debtor),
        addresses=[plain(AddressInfo, a) for a in _ADDRESSES.rows(debtor.id)],
        contacts=[plain(ContactInfo, c) for c in _CONTACTS.rows(debtor.id)],
        bank_accounts=[plain(BankAccountInfo, b) for b in DEBTOR_BANK_ACCOUNTS.rows(debtor.id)],
        assets=[plain(AssetInfo, a) for a in DEBTOR_ASSETS.rows(debtor.id)],
        dependants=[plain(DependantInfo, d) for d in DEBTOR_DEPENDANTS.rows(debtor.id)],
    )


def get_dossier(dossier_id: int) -> DossierView:
    dossier = Dossier.by_id(dossier_id)
    if dossier is None:
        raise InvalidInput("Ce dossier n'existe pas (ou plus).")
    clerc = dossier.assigned_to
    return DossierView(
        dossier=plain(DossierInfo, dossier),
        creditor=plain(CreditorInfo, dossier.creditor),
        clerc=plain(UserInfo, clerc) if clerc is not None else None,
        debtors=[_debtor_detail(link.debtor) for link in _DEBTORS.rows(dossier.id)],
        claims=[plain(ClaimInfo, c) for c in _CLAIM_ITEMS.rows(dossier.id)],
        deadlines=[deadline_info(d, dossier.reference) for d in _DEADLINES.rows(dossier.id)],
        events=[plain(EventInfo, e) for e in _EVENTS.rows(dossier.id)],
        source=source_of(dossier.id),
    )


def find_by_reference(reference: str) -> int | None:
    """The id of the dossier of that reference (spaces around it ignored), None if none."""
    row = Dossier.select(Dossier.id).where(Dossier.reference == reference.strip()).first()
    return row.id if row else None


def dossier_reference(dossier_id: int) -> str | None:
    """The reference of a dossier (`2026-000124`), None if it does not exist (any more)."""
    row = Dossier.select(Dossier.reference).where(Dossier.id == dossier_id).first()
    return row.reference if row else None


def next_reference(year: int) -> str:
    """`2026-000124`: one continuous sequence per year. Call inside a write transaction."""
    return f"{year}-{sequences.allocate('dossier', year):06d}"


# --- writing ----------------------------------------------------------------------------


def _creditor_fields(data: CreditorInput) -> dict:
    display = person_name(kind=data.kind, first_name=data.first_name, last_name=data.name, company_name=data.name)
    return dict(
        kind=data.kind,
        is_individual=data.is_individual,
        activity=data.activity,
        civility=data.civility,
        first_name=data.first_name if data.kind == "physique" else "",
        last_name=data.name if data.kind == "physique" else "",
        company_name=data.name if data.kind == "morale" else "",
        siren=data.siren,
        siret=data.siret,
        iban=data.iban,
        street=data.street,
        postcode=data.postcode,
        city=data.city,
        email=data.email,
        phone=data.phone,
        display_name=display,
        search_name=fold(display),
    )


def _debtor_fields(data: DebtorInput) -> dict:
    display = person_name(
        kind=data.kind, first_name=data.first_name, last_name=data.last_name, company_name=data.company_name
    )
    return dict(
        kind=data.kind,
        civility=data.civility,
        last_name=data.last_name,
        first_name=data.first_name,
        company_name=data.company_name,
        birth_date=data.birth_date,
        siren=data.siren,
        employer_name=data.employer_name,
        display_name=display,
        search_name=fold(display),
    )


def _save_debtor_details(
    actor: Actor, debtor: Debtor, data: DebtorInput, dossier_id: int, today: date, *, new: bool = False
) -> None:
    """Current address, first phone, first e-mail and first bank account of the form; each
    row created or changed is audited with its values before and after. `new`: the debtor was
    created in this transaction, he has none of them yet (not read: four queries fewer)."""

    def created(table: str, row) -> None:
        record(actor, f"{table}.create", table, row.id, after=snapshot(row), dossier_id=dossier_id)

    def changed(table: str, row, **values) -> None:
        before = snapshot(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        record(actor, f"{table}.update", table, row.id, before=before, after=snapshot(row), dossier_id=dossier_id)

    current = None if new else debtor.addresses.where(DebtorAddress.is_current == True).first()  # noqa: E712
    if (data.street or data.postcode or data.city) and (
        current is None or (current.street, current.postcode, current.city) != (data.street, data.postcode, data.city)
    ):
        if current is not None:
            # A new address becomes current; the old one is kept (known addresses matter).
            before = snapshot(current)
            current.is_current = False
            current.save()
            record(
                actor,
                "debtor_address.archive",
                "debtor_address",
                current.id,
                before=before,
                after=snapshot(current),
                dossier_id=dossier_id,
            )
        created(
            "debtor_address",
            DebtorAddress.create(
                debtor=debtor,
                street=data.street,
                postcode=data.postcode,
                city=data.city,
                is_current=True,
                since=today,
            ),
        )
    for kind, value in (("phone", data.phone), ("email", data.email)):
        existing = None if new else debtor.contacts.where(DebtorContact.kind == kind).first()
        if value and existing is None:
            created("debtor_contact", DebtorContact.create(debtor=debtor, kind=kind, value=value))
        elif existing is not None and existing.value != value and value:
            changed("debtor_contact", existing, value=value)
    account = None if new else debtor.bank_accounts.first()
    if data.iban and account is None:
        created("debtor_bank_account", DebtorBankAccount.create(debtor=debtor, iban=data.iban))
    elif account is not None and data.iban and account.iban != data.iban:
        changed("debtor_bank_account", account, iban=data.iban)


def _save_claims(
    actor: Actor,
    dossier: Dossier,
    claims: dict[str, Decimal],
    on: date | None,
    interest: dict[str, tuple[str, date | None]],
) -> None:
    """Create or update the dossier's first item of each kind; `interest`: its regime and start
    per kind (a kind left out keeps its own, a new item the default of its kind)."""
    for kind, (regime, _start) in interest.items():
        if regime not in REGIMES or (kind == "depens" and regime != "none"):
            raise InvalidInput(f"Intérêts de « {CLAIM_KINDS.get(kind, kind)} » : régime « {regime} » non prévu.")
    first_of_kind: dict[str, ClaimItem] = {}
    for item in _CLAIM_ITEMS.rows(dossier.id):  # by id: the first of each kind is its item
        first_of_kind.setdefault(item.kind, item)
    for kind in CLAIM_KINDS:
        amount = claims.get(kind)
        existing = first_of_kind.get(kind)
        if existing is None:
            if amount:
                regime, start = interest.get(kind, (DEFAULT_REGIMES[kind], None))
                item = ClaimItem.create(
                    dossier=dossier,
                    kind=kind,
                    label=CLAIM_KINDS[kind],
                    amount=amount,
                    due_on=on,
                    interest_regime=regime,
                    interest_from=start,
                )
                record(actor, "claim_item.create", "claim_item", item.id, after=snapshot(item), dossier_id=dossier.id)
            continue
        regime, start = interest.get(kind, (existing.interest_regime, existing.interest_from))
        if (amount or ZERO) != existing.amount or (regime, start) != (existing.interest_regime, existing.interest_from):
            before = snapshot(existing)
            existing.amount = amount or ZERO
            existing.interest_regime, existing.interest_from = regime, start
            existing.save()
            record(
                actor,
                "claim_item.update",
                "claim_item",
                existing.id,
                before=before,
                after=snapshot(existing),
                dossier_id=dossier.id,
            )


# The queries of every dossier opened or changed, their SQL written once (services/plain.py).
_CLAIM_ITEMS = Prepared(
    lambda dossier_id: ClaimItem.select().where(ClaimItem.dossier == dossier_id).order_by(ClaimItem.id)
)
_DEBTOR_NAMES = Prepared(
    lambda dossier_id: (
        Debtor.select(Debtor.display_name)
        .join(DossierDebtor)
        .where(DossierDebtor.dossier == dossier_id)
        .order_by(DossierDebtor.position)
        .tuples()
    )
)
_CREDITOR_NAME = Prepared(
    lambda dossier_id: Creditor.select(Creditor.display_name).join(Dossier).where(Dossier.id == dossier_id).tuples()
)


def _refresh_denormalised(dossier_id: int, today: date) -> None:
    from clerc_tui.services.balances import balance_at

    names = [name for (name,) in _DEBTOR_NAMES.rows(dossier_id)]
    total, _ = balance_at(dossier_id, today)
    ((creditor_name,),) = _CREDITOR_NAME.rows(dossier_id)
    Dossier.update(debtor_name=debtors_label(names), creditor_name=creditor_name, balance=total).where(
        Dossier.id == dossier_id
    ).execute()
    from clerc_tui.models import DossierAccount

    DossierAccount.update(balance_on=today).where(DossierAccount.dossier == dossier_id).execute()


def _dossier_fields(data: DossierInput) -> dict:
    return dict(
        nature=data.nature,
        phase=data.phase,
        assigned_to=data.assigned_to_id,
        title_kind=data.title_kind,
        title_court=data.title_court,
        title_reference=data.title_reference,
        title_date=data.title_date,
        title_signified_on=data.title_signified_on,
        title_enforceable_on=data.title_enforceable_on,
        interest_kind=data.interest_kind,
        contractual_rate=data.contractual_rate,
        contractual_day_basis=data.contractual_day_basis,
        interest_from=data.interest_from,
        zone=data.zone,
        notes=data.notes,
    )


def _resolve_creditor(actor: Actor, data: DossierInput) -> Creditor:
    if data.new_creditor is not None:
        created = Creditor.create(**_creditor_fields(data.new_creditor))
        record(actor, "creditor.create", "creditor", created.id, after=snapshot(created))
        return created
    creditor = Creditor.by_id(data.creditor_id)
    if creditor is None:
        raise InvalidInput("Créancier introuvable : choisissez-en un dans la liste ou créez-le.", field="creditor")
    return creditor


def create_dossier(actor: Actor, data: DossierInput, today: date) -> DossierInfo:
    require_write(actor)
    now = datetime.now()
    with write_transaction():
        creditor = _resolve_creditor(actor, data)
        debtor = Debtor.create(**_debtor_fields(data.debtor))
        record(actor, "debtor.create", "debtor", debtor.id, after=snapshot(debtor))
        dossier = Dossier.create(
            reference=next_reference(today.year),
            creditor=creditor,
            opened_on=today,
            created_at=now,
            updated_at=now,
            version=1,
            **_dossier_fields(data),
        )
        DossierDebtor.create(dossier=dossier, debtor=debtor, position=0)
        _save_debtor_details(actor, debtor, data.debtor, dossier.id, today, new=True)
        _save_claims(actor, dossier, data.claims, data.interest_from or today, data.claim_interest)
        _refresh_denormalised(dossier.id, today)
        dossier = Dossier.get_by_id(dossier.id)
        record(actor, "dossier.create", "dossier", dossier.id, after=snapshot(dossier), dossier_id=dossier.id)
        timeline_event(
            actor,
            dossier.id,
            today,
            "ouverture",
            f"Dossier ouvert par {actor.name}",
            now=now,
        )
    return plain(DossierInfo, dossier)


def _conflict_message(dossier: Dossier) -> str:
    who = last_change("dossier", dossier.id, ("dossier.update",))
    return (
        f"Le dossier {dossier.reference} a été modifié{who} depuis que vous l'avez ouvert. "
        "Vos modifications n'ont pas été enregistrées : rechargez le dossier (Échap puis Entrée) "
        "et refaites-les."
    )


def update_dossier(
    actor: Actor, dossier_id: int, expected_version: int, data: DossierInput, today: date
) -> DossierInfo:
    require_write(actor)
    now = datetime.now()
    with write_transaction():
        current = Dossier.by_id(dossier_id)
        if current is None:
            raise InvalidInput("Ce dossier n'existe pas (ou plus).")
        before = snapshot(current)
        creditor = _resolve_creditor(actor, data)
        changed = (
            Dossier.update(creditor=creditor, updated_at=now, version=Dossier.version + 1, **_dossier_fields(data))
            .where(Dossier.id == dossier_id, Dossier.version == expected_version)
            .execute()
        )
        if changed != 1:
            raise ConflictError(_conflict_message(current))
        link = DossierDebtor.get(DossierDebtor.dossier == dossier_id, DossierDebtor.position == 0)
        debtor = link.debtor
        debtor_before = snapshot(debtor)
        Debtor.update(**_debtor_fields(data.debtor)).where(Debtor.id == debtor.id).execute()
        debtor = Debtor.get_by_id(debtor.id)
        if snapshot(debtor) != debtor_before:
            record(
                actor,
                "debtor.update",
                "debtor",
                debtor.id,
                before=debtor_before,
                after=snapshot(debtor),
                dossier_id=dossier_id,
            )
        _save_debtor_details(actor, debtor, data.debtor, dossier_id, today)
        dossier = Dossier.get_by_id(dossier_id)
        _save_claims(actor, dossier, data.claims, data.interest_from or dossier.opened_on, data.claim_interest)
        _refresh_denormalised(dossier_id, today)
        dossier = Dossier.get_by_id(dossier_id)
        record(
            actor,
            "dossier.update",
            "dossier",
            dossier_id,
            before=before,
            after=snapshot(dossier),
            dossier_id=dossier_id,
        )
        timeline_event(
            actor,
            dossier.id,
            today,
            "modification",
            f"Dossier modifié par {actor.name}",
            now=now,
        )
    return plain(DossierInfo, dossier)
