"""The debtor's solvency file and the next measure on a dossier: permission, transaction and
audit inside; frozen dataclasses out (rules/solvency.Fact, rules/measures.Recommendation).

Facts are appended, never changed (m0019): a correction or an end is a new fact that supersedes
the old one. The debtor card's employer, bank accounts, assets and dependants (typed in the
dossier form) are read through as undated facts of source « fiche débiteur »; a fact recorded
here that corrects one of them names it in `card_ref` and hides it from the current file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from peewee import IntegrityError

from clerc_tui.errors import ConflictError, InvalidInput
from clerc_tui.models import (
    Deadline,
    Debtor,
    Dossier,
    DossierDebtor,
    Etude,
    SolvencyFact,
    User,
)
from clerc_tui.models.db import write_transaction
from clerc_tui.rules import measures as measure_rules
from clerc_tui.rules.french import format_date
from clerc_tui.rules.money import ZERO, check_amount
from clerc_tui.rules.solvency import (
    DEFAULT_STALE_MONTHS,
    KINDS,
    TYPED_SOURCES,
    Fact,
    check_stale_months,
    current_facts,
)
from clerc_tui.services.audit import record, snapshot
from clerc_tui.services.billing import dep_already_charged
from clerc_tui.services.context import Actor, require, require_write
from clerc_tui.services.dossiers import DEBTOR_ASSETS, DEBTOR_BANK_ACCOUNTS, DEBTOR_DEPENDANTS
from clerc_tui.services.etude import set_setting
from clerc_tui.services.plain import Prepared

ASSET_KINDS = {"vehicule": "vehicle", "immeuble": "real_estate"}  # debtor_asset.kind → fact kind (else movable)


@dataclass(frozen=True)
class DebtorSolvency:
    """One debtor's file: the facts still true (newest first), the whole history (every fact
    ever recorded, superseded ones included, oldest first) and who the debtor is."""

    debtor_id: int
    name: str
    is_person: bool
    facts: tuple[Fact, ...]
    history: tuple[Fact, ...]


@dataclass(frozen=True)
class DossierSolvency:
    dossier_id: int
    today: date
    stale_months: int
    debtors: tuple[DebtorSolvency, ...]


def stale_months() -> int:
    """The étude's setting: a fact older than this many months is shown « ancienne » (default 6)."""
    rows = _STALE_MONTHS.rows()
    return int(rows[0][0]) if rows else DEFAULT_STALE_MONTHS


_STALE_MONTHS = Prepared(lambda: Etude.select(Etude.solvency_stale_months).order_by(Etude.id).limit(1).tuples(), 0)


def set_stale_months(actor: Actor, months: int) -> int:
    require(actor, "etude.settings")  # before the value is judged, as every setting
    months = check_stale_months(int(months))
    set_setting(actor, "solvency_stale_months", months)
    return months


def _card_facts(debtor: Debtor) -> list[Fact]:
    """The debtor card's facts, undated, source « fiche débiteur » (never copied)."""
    found = []
    if debtor.employer_name:
        found.append(
            Fact(
                None,
                debtor.id,
                "employment",
                debtor.employer_name,
                debtor.employer_address,
                None,
                None,
                "fiche_debiteur",
                card_ref=f"debtor:{debtor.id}:employer",
            )
        )
    for a in DEBTOR_BANK_ACCOUNTS.rows(debtor.id):
        found.append(
            Fact(
                None,
                debtor.id,
                "bank_account",
                a.bank_name,
                a.iban,
                None,
                None,
                "fiche_debiteur",
                card_ref=f"debtor_bank_account:{a.id}",
            )
        )
    for g in DEBTOR_ASSETS.rows(debtor.id):
        found.append(
            Fact(
                None,
                debtor.id,
                ASSET_KINDS.get(g.kind, "movable"),
                g.description,
                "",
                g.estimated_value,
                None,
                "fiche_debiteur",
                card_ref=f"debtor_asset:{g.id}",
            )
        )
    for p in DEBTOR_DEPENDANTS.rows(debtor.id):
        found.append(
            Fact(
                None,
                debtor.id,
                "dependant",
                p.relation,
                p.name,
                None,
                None,
                "fiche_debiteur",
                card_ref=f"debtor_dependant:{p.id}",
            )
        )
    return found


def _fact(row: SolvencyFact, login: str) -> Fact:
    return Fact(
        id=row.id,
        debtor_id=row.debtor_id,
        kind=row.kind,
        label=row.label,
        detail=row.detail,
        amount=row.amount,
        known_on=row.known_on,
        source=row.source,
        ended_on=row.ended_on,
        card_ref=row.card_ref,
        supersedes_id=row.supersedes_id,
        recorded_by=login,
    )


# The reads of a solvency file (its tab, each act that prints the seizable fraction): SQL written once.
_RECORDED = Prepared(
    lambda debtor_id: (
        SolvencyFact.select(SolvencyFact, User.login)
        .join(User, on=(SolvencyFact.recorded_by == User.id))
        .where(SolvencyFact.debtor == debtor_id)
        .order_by(SolvencyFact.id)
        .objects()
    )
)
_DEBTOR_IDS = Prepared(
    lambda dossier_id: (
        DossierDebtor.select(DossierDebtor.debtor)
        .where(DossierDebtor.dossier == dossier_id)
        .order_by(DossierDebtor.position, DossierDebtor.id)
        .tuples()
    )
)


def debtor_solvency(debtor_id: int) -> DebtorSolvency:
    debtor = Debtor.by_id(debtor_id)
    if debtor is None:
        raise InvalidInput("Ce débiteur n'existe pas (ou plus).")
    recorded = [_fact(r, getattr(r, "login", "")) for r in _RECORDED.rows(debtor_id)]
    superseded = {f.supersedes_id for f in recorded if f.supersedes_id is not None}
    corrected = {f.card_ref for f in recorded if f.card_ref}
    card = [f for f in _card_facts(debtor) if f.card_ref not in corrected]
    live = [f for f in recorded if f.id not in superseded]
    return DebtorSolvency(
        debtor_id=debtor.id,
        name=debtor.display_name,
        is_person=debtor.kind == "physique",
        facts=tuple(current_facts(card + live)),
        history=tuple(card + recorded),
    )


def dossier_solvency(dossier_id: int, today: date) -> DossierSolvency:
    return DossierSolvency(
        dossier_id=dossier_id,
        today=today,
        stale_months=stale_months(),
        debtors=tuple(debtor_solvency(debtor_id) for (debtor_id,) in _DEBTOR_IDS.rows(dossier_id)),
    )


def _text(value: str, what: str, field: str, *, required: bool = False, limit: int = 255) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"{what} : à renseigner.", field=field)
    if len(value) > limit:
        raise InvalidInput(f"{what} : {limit} caractères au plus.", field=field)
    return value


def _check(kind: str, source: str, amount: Decimal | None, known_on: date | None, today: date) -> None:
    if kind not in KINDS:
        raise InvalidInput(f"Nature de renseignement inconnue : « {kind} ».", field="kind")
    if source not in TYPED_SOURCES:
        raise InvalidInput(f"Source inconnue : « {source} ».", field="source")
    if amount is not None:
        check_amount(amount)
        if amount < ZERO:
            raise InvalidInput("Le montant ne peut pas être négatif.", field="amount")
    if known_on is not None and known_on > today:
        raise InvalidInput(f"La date du renseignement ({format_date(known_on)}) est dans le futur.", field="known_on")


def record_fact(
    actor: Actor,
    debtor_id: int,
    kind: str,
    *,
    label: str = "",
    detail: str = "",
    amount: Decimal | None = None,
    known_on: date | None,
    source: str,
    today: date,
    ended_on: date | None = None,
    supersedes_id: int | None = None,
    card_ref: str = "",
    dossier_id: int | None = None,
) -> Fact:
    """Record a fact (or, with `supersedes_id` / `card_ref`, the correction of one). Refused
    when the fact corrected was already corrected by someone else (ConflictError)."""
    require_write(actor)
    _check(kind, source, amount, known_on, today)
    label = _text(label, "Libellé", "label", required=kind != "carence")
    detail = _text(detail, "Précisions", "detail", limit=2000)
    if ended_on is not None and ended_on > today:
        raise InvalidInput(f"La date de fin ({format_date(ended_on)}) est dans le futur.", field="ended_on")
    with write_transaction():
        if Debtor.by_id(debtor_id) is None:
            raise InvalidInput("Ce débiteur n'existe pas (ou plus).")
        if supersedes_id is not None:
            old = SolvencyFact.by_id(supersedes_id)
            if old is None or old.debtor_id != debtor_id:
                raise InvalidInput("Ce renseignement n'existe pas (ou plus).")
            card_ref = old.card_ref
        if card_ref and supersedes_id is None and SolvencyFact.get_or_none(SolvencyFact.card_ref == card_ref):
            raise ConflictError("Ce renseignement de la fiche a déjà été corrigé par un autre clerc : rechargez.")
        try:
            row = SolvencyFact.create(
                debtor=debtor_id,
                kind=kind,
                label=label,
                detail=detail,
                amount=amount,
                known_on=known_on,
                source=source,
                ended_on=ended_on,
                supersedes=supersedes_id,
                card_ref=card_ref,
                recorded_by=actor.user_id,
                recorded_at=datetime.now(),
            )
        except IntegrityError:
            raise ConflictError(
                "Ce renseignement a déjà été corrigé par un autre clerc : rechargez pour voir la correction."
            ) from None
        action = "solvency_fact.correct" if (supersedes_id or card_ref) else "solvency_fact.create"
        record(actor, action, "solvency_fact", row.id, after=snapshot(row), dossier_id=dossier_id)
    return _fact(row, actor.login)


def end_fact(actor: Actor, fact: Fact, ended_on: date, *, today: date, dossier_id: int | None = None) -> Fact:
    """« A quitté l'employeur le … », « compte clos le … »: the same fact, ended, superseding it."""
    if fact.ended_on is not None:
        raise InvalidInput("Ce renseignement est déjà terminé.")
    source = fact.source if fact.source in TYPED_SOURCES else "autre"
    return record_fact(
        actor,
        fact.debtor_id,
        fact.kind,
        label=fact.label,
        detail=fact.detail,
        amount=fact.amount,
        known_on=fact.known_on if fact.id is not None else None,
        source=source,
        today=today,
        ended_on=ended_on,
        supersedes_id=fact.id,
        card_ref="" if fact.id is not None else fact.card_ref,
        dossier_id=dossier_id,
    )


@dataclass(frozen=True)
class MeasurePlan:
    """The recommendation for a dossier: the ranked measures and what they were computed from."""

    dossier_id: int
    on: date
    due: Decimal
    has_title: bool
    debtor_name: str
    measures: tuple[measure_rules.Recommendation, ...]


def _amount_due(dossier_id: int, on: date, balance: Decimal) -> Decimal:
    """The décompte's total due; the stored balance when the décompte cannot be made."""
    from clerc_tui.errors import ClercError
    from clerc_tui.services.statement import dossier_statement

    try:
        return dossier_statement(dossier_id, on).total_due
    except ClercError:
        return balance


def recommend(dossier_id: int, today: date) -> MeasurePlan:
    """The next measures on the dossier, ranked and explained (rules/measures.py)."""
    dossier = Dossier.by_id(dossier_id)
    if dossier is None:
        raise InvalidInput("Ce dossier n'existe pas (ou plus).")
    file = dossier_solvency(dossier_id, today)
    main = file.debtors[0] if file.debtors else None
    running: set[str] = set()
    run: set[str] = set()
    rows = Deadline.select(Deadline.procedure_id, Deadline.done).where(Deadline.dossier == dossier_id).tuples()
    for procedure_id, done in rows.iterator():
        if procedure_id:
            (run if done else running).add(procedure_id)
    due = _amount_due(dossier_id, today, dossier.balance)
    has_title = bool(dossier.title_kind)
    situation = measure_rules.Situation(
        on=today,
        has_title=has_title,
        due=due,
        debtor_is_person=main.is_person if main else True,
        facts=main.facts if main else (),
        stale_months=file.stale_months,
        running=frozenset(running),
        run_before=frozenset(run - running),
        dep_charged=dep_already_charged(dossier_id),
        phase="clos" if dossier.closed_on is not None else dossier.phase,
    )
    return MeasurePlan(
        dossier_id=dossier_id,
        on=today,
        due=due,
        has_title=has_title,
        debtor_name=main.name if main else "",
        measures=tuple(measure_rules.recommend(situation)),
    )
