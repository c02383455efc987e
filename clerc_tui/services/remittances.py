"""Reversements to the creditors: what is due, a run that records them, a statement.

What is due on a dossier is `ledger.CreditorPosition.due`: the payments received (net of
reversals and refunds) beyond the étude's own frais, minus the charges the creditor bears
and what was already paid back. A run first recomputes both proportional fees on the
cumulated base (services/recovery_fees.py, docs/law/recovery-fees.md): it bills the
A444-31 increment to the debtor (enforceable title only), retains the A444-32 increment
from the creditor — or gives back what earlier runs retained in excess, by new ledger
lines — then pays the rest. The A444-32 fee is not retained on a créance alimentaire
(R444-53 3°) nor on a contrainte (title of a public-law body); titles about a work
contract are not known to clerc yet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from peewee import fn

from clerc_tui.errors import InvalidInput
from clerc_tui.models import Creditor, Dossier, LedgerEntry, RemittanceRun
from clerc_tui.models.db import write_transaction
from clerc_tui.rules.dates import format_date
from clerc_tui.rules.ledger import CREDITOR, DISBURSEMENT, FEE, PAYMENT, REMITTANCE, REVERSAL
from clerc_tui.rules.money import ZERO, format_amount, to_cents
from clerc_tui.rules.tariff import A444_32
from clerc_tui.rules.text import inert, spreadsheet_safe
from clerc_tui.services.audit import record
from clerc_tui.services.balances import creditor_position
from clerc_tui.services.billing import record_charge
from clerc_tui.services.context import Actor, require
from clerc_tui.services.etude import fee_base_text
from clerc_tui.services.files import os_cause, write_whole
from clerc_tui.services.ledger import Entry, create_entry, existing_dossier, valid_amount, valid_day
from clerc_tui.services.recovery_fees import LABELS, DossierFees, FeeSettings, breakdown, dossier_fees, settle

FEE_LABEL = LABELS[A444_32]
Progress = Callable[[int, int], None]  # (dossiers done, dossiers in all)


def record_remittance(
    actor: Actor,
    dossier_id: int,
    *,
    on: date,
    amount: Any,
    label: str = "",
    run_id: int | None = None,
    today: date | None = None,
) -> Entry:
    """A reversement of `amount` to the creditor; refused beyond what is due to him."""
    require(actor, "remittance.run")
    today = today or date.today()
    amount = valid_amount(amount)
    on = valid_day(on, today, "Date du reversement", "entry_date")
    with write_transaction():
        dossier = existing_dossier(dossier_id)
        due = creditor_position(dossier_id, today).due
        if amount > due:
            raise InvalidInput(
                f"Reversement de {format_amount(amount)} refusé : seulement {format_amount(due)} "
                "encaissé(s) pour le créancier et non encore reversé(s).",
                field="amount",
            )
        return create_entry(
            actor,
            dossier,
            today,
            f"Reversement de {format_amount(amount)} au créancier",
            kind=REMITTANCE,
            entry_date=on,
            amount=amount,
            label=label or f"Reversement à {dossier.creditor_name or 'créancier'}",
            run_id=run_id,
            payer=dossier.creditor_name,
        )


@dataclass(frozen=True)
class RunLine:
    dossier_id: int
    reference: str
    creditor_id: int
    creditor_name: str
    collected: Decimal  # cumulated, for the creditor (after the étude's frais)
    fee: Decimal  # A444-32 TTC retained now
    fee_marks: tuple[str, ...]
    net: Decimal  # paid back now
    base: Decimal = ZERO  # cumulated base of the proportional fees (principal, dépens excluded)
    regularisation: Decimal = ZERO  # A444-32 retained in excess before, given back now
    debtor_fee: Decimal = ZERO  # A444-31 TTC billed to the debtor now (< 0: excess cancelled)
    iban: str = ""  # the creditor's: without one, the run holds the dossier back
    dossier_version: int = 0  # as planned: an edit since then makes the run plan the dossier again
    fees: DossierFees | None = field(default=None, compare=False, repr=False)  # what the run settles


def plan_line(dossier: Dossier, on: date, settings: FeeSettings | None = None) -> RunLine | None:
    """What a run on `on` does on the dossier: the fees recomputed on the cumulated base
    (docs/law/recovery-fees.md), the A444-32 retained or given back, the net paid."""
    position = creditor_position(dossier.id, on)
    if position.paid - position.refunded <= 0:
        return None
    fees = dossier_fees(dossier, on, settings)
    debtor_fee = fees.debtor_delta
    # The A444-31 billed now is the étude's frais: it is kept out of the sums held first.
    position = replace(position, charged=position.charged + debtor_fee)
    delta = fees.creditor_delta
    regularisation = max(-delta, ZERO)
    available = max(position.collected - (position.creditor_charged - regularisation) - position.remitted, ZERO)
    fee = min(max(delta, ZERO), available)
    net = available - fee
    if fee == 0 and net == 0 and debtor_fee == 0 and regularisation == 0:
        return None
    marks = tuple(dict.fromkeys(fees.creditor.marks + fees.base.marks))
    return RunLine(
        dossier.id,
        dossier.reference,
        dossier.creditor_id,
        dossier.creditor_name,
        position.collected,
        fee,
        marks,
        net,
        fees.base.base,
        regularisation,
        debtor_fee,
        dossier.creditor.iban or "",
        dossier.version,
        fees,
    )


def _plan(
    on: date, creditor_id: int | None, settings: FeeSettings, dossier_ids=None, progress: Progress | None = None
) -> list[RunLine]:
    """Plan the dossiers that received payments (only those of `dossier_ids` when given);
    `progress(done, total)` is told after each dossier (a décompte each: long at étude scale)."""
    ids = {d for (d,) in LedgerEntry.select(LedgerEntry.dossier).where(LedgerEntry.kind == PAYMENT).distinct().tuples()}
    if dossier_ids is not None:
        ids &= set(dossier_ids)
    if not ids:
        return []
    query = (
        Dossier.select(Dossier, Creditor)
        .join(Creditor)
        .where(Dossier.id.in_(ids))
        .order_by(Dossier.creditor_name, Dossier.reference)
    )
    if creditor_id is not None:
        query = query.where(Dossier.creditor == creditor_id)
    dossiers = list(query)
    lines = []
    for done, dossier in enumerate(dossiers, 1):
        line = plan_line(dossier, on, settings)
        if line is not None:
            lines.append(line)
        if progress is not None:
            progress(done, len(dossiers))
    return lines


def plan_run(on: date, creditor_id: int | None = None, progress: Progress | None = None) -> list[RunLine]:
    """What a run on `on` would retain and pay, dossier by dossier (nothing written)."""
    return _plan(on, creditor_id, FeeSettings.load(), progress=progress)


def _ledger_mark() -> int:
    return LedgerEntry.select(fn.MAX(LedgerEntry.id)).scalar() or 0


def _replan_changed(
    planned: list[RunLine], on: date, creditor_id: int | None, settings: FeeSettings, mark: int
) -> list[RunLine]:
    """Inside the write lock: the plan read outside it, with the dossiers that changed since
    (a ledger entry after `mark`, or an edit of the dossier) planned again. The long part of
    a run (a décompte per dossier) thus never holds the lock that other clercs wait for."""
    if FeeSettings.load().stamp != settings.stamp:  # a rate or a setting entered meanwhile: plan it all again
        return _plan(on, creditor_id, FeeSettings.load())
    changed = {d for (d,) in LedgerEntry.select(LedgerEntry.dossier).where(LedgerEntry.id > mark).distinct().tuples()}
    ids = [x.dossier_id for x in planned]
    versions = dict(Dossier.select(Dossier.id, Dossier.version).where(Dossier.id.in_(ids)).tuples()) if ids else {}
    changed |= {x.dossier_id for x in planned if versions.get(x.dossier_id) != x.dossier_version}
    if not changed:
        return planned
    lines = [x for x in planned if x.dossier_id not in changed] + _plan(on, creditor_id, settings, changed)
    return sorted(lines, key=lambda x: (x.creditor_name, x.reference))


def due_by_creditor(on: date, progress: Progress | None = None) -> list[tuple[str, int, Decimal, Decimal, Decimal]]:
    """(creditor, dossiers, fee to retain, fee given back, net to pay) per creditor."""
    return [(d.name, len(d.lines), d.fee, d.regularisation, d.net) for d in creditor_dues(on, progress)]


@dataclass(frozen=True)
class RunResult:
    run: RemittanceRun
    lines: list[RunLine]  # recorded and in the transfer file
    held: list[RunLine]  # held back: the creditor has no IBAN (nothing recorded for them)
    transfers: str  # the transfer file (CSV), as stored with the run
    path: Path | None = None  # where it was written, when asked


def held_back(lines: list[RunLine]) -> tuple[list[RunLine], list[RunLine]]:
    """(payable, held): a creditor without an IBAN cannot be paid by transfer, so a run
    leaves their dossiers untouched (no retention, no reversement) until the IBAN is known."""
    payable = [x for x in lines if x.iban.strip()]
    return payable, [x for x in lines if not x.iban.strip()]


def held_back_text(held: list[RunLine]) -> str:
    names = ", ".join(dict.fromkeys(x.creditor_name for x in held))
    return (
        f"{len(held)} dossier(s) retenu(s), créancier sans IBAN : {names} — rien n'a été enregistré pour eux ; "
        "renseignez l'IBAN (clerc reversements iban CREANCIER IBAN) puis relancez un reversement."
    )


def execute_run(
    actor: Actor,
    on: date,
    *,
    today: date | None = None,
    creditor_id: int | None = None,
    csv_path: Path | str | None = None,
    csv_folder: Path | str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Record a reversement run and write its transfer file, all or nothing.

    In one write transaction: per dossier the A444-32 fee (creditor-borne, invoiced) and the
    reversement entry, all tied to the run, and the transfer file stored on the run. When a
    path is given (`csv_path`, or `csv_folder`/reversement-<n°>.csv), the file is written
    whole (temporary file, fsync, rename) before the commit: if it cannot be written the
    transaction is rolled back; if the commit fails after the rename, the file is removed.
    Creditors without an IBAN are held back (`RunResult.held`), never written as an empty
    line (docs/trust.md)."""
    require(actor, "remittance.run")
    today = today or date.today()
    if on > today:
        raise InvalidInput(f"Date du reversement dans le futur ({format_date(on)}).", field="on")
    if csv_folder is not None:
        folder = Path(csv_folder).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InvalidInput(
                f"Dossier des virements {folder} impossible à créer : {os_cause(error)}. Rien n'a été enregistré."
            ) from None
    written: Path | None = None
    previous: bytes | None = None  # a file the run replaces: put back if the commit fails
    settings = FeeSettings.load()
    mark = _ledger_mark()
    planned = _plan(on, creditor_id, settings, progress=progress)  # outside the write lock (see _replan_changed)
    try:
        with write_transaction():
            planned = _replan_changed(planned, on, creditor_id, settings, mark)
            lines, held = held_back(planned)
            if not lines:
                why = f" {held_back_text(held)}" if held else ""
                raise InvalidInput(f"Rien à reverser : aucun encaissement disponible pour les créanciers.{why}")
            now = datetime.now()
            run = RemittanceRun.create(
                run_on=on,
                total=to_cents(sum((x.net for x in lines), ZERO)),
                entries=len(lines),
                created_by=actor.login,
                created_at=now,
            )
            for line in lines:
                fees = line.fees
                if fees.debtor is not None and fees.debtor_delta != 0:
                    settle(actor, line.dossier_id, fees.debtor, fees.base, on, today)
                if fees.creditor_delta < 0:  # retained in excess by earlier runs: given back
                    settle(actor, line.dossier_id, fees.creditor, fees.base, on, today)
                elif line.fee > 0:
                    record_charge(
                        actor,
                        line.dossier_id,
                        kind=FEE,
                        on=on,
                        amount=line.fee,
                        label=FEE_LABEL,
                        today=today,
                        bearer=CREDITOR,
                        invoice=True,
                        breakdown=breakdown(fees.creditor, fees.base, line.fee),
                    )
                if line.net > 0:
                    record_remittance(actor, line.dossier_id, on=on, amount=line.net, run_id=run.id, today=today)
            transfers, _ = _transfers_from_ledger(run.id)
            RemittanceRun.update(transfers=transfers).where(RemittanceRun.id == run.id).execute()
            run = RemittanceRun.get_by_id(run.id)
            record(
                actor,
                "remittance.run",
                "remittance_run",
                run.id,
                after={
                    "run_on": on.isoformat(),
                    "total": run.total,
                    "entries": run.entries,
                    "held_back": [x.reference for x in held],
                },
                at=now,
            )
            target = (
                Path(csv_path)
                if csv_path is not None
                else (folder / run_file_name(run.id) if csv_folder is not None else None)
            )
            if target is not None:
                try:
                    previous = target.read_bytes() if target.is_file() else None
                except OSError:
                    previous = None
                try:
                    written = write_whole(target, transfers, what="Fichier des virements")
                except InvalidInput as error:
                    raise InvalidInput(f"{error.message} Rien n'a été enregistré.") from None
    except BaseException:
        if written is not None:  # the commit failed after the rename: no file for a run that is not
            if previous is not None:
                write_whole(written, previous, what="Fichier des virements")
            else:
                written.unlink(missing_ok=True)
        raise
    return RunResult(run, lines, held, transfers, written)


def run_file_name(run_id: int) -> str:
    return f"reversement-{run_id:05d}.csv"


def _transfers_from_ledger(run_id: int) -> tuple[str, list[str]]:
    """(CSV, references left out): one line per reversement of the run, from the ledger.
    A reversement whose creditor has no IBAN is left out (a run made before m0012 could
    record one): it is named, never written as a line without an account."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["date", "creancier", "iban", "bic", "montant", "dossier", "libelle"])
    query = (
        LedgerEntry.select(LedgerEntry, Dossier, Creditor)
        .join(Dossier)
        .join(Creditor)
        .where(LedgerEntry.run_id == run_id, LedgerEntry.kind == REMITTANCE)
        .order_by(LedgerEntry.id)
    )
    missing = []
    for e in query:
        creditor = e.dossier.creditor
        if not (creditor.iban or "").strip():
            missing.append(e.dossier.reference)
            continue
        writer.writerow(
            [
                spreadsheet_safe(inert(cell, multiline=False))
                for cell in (
                    e.entry_date.isoformat(),
                    creditor.display_name,
                    creditor.iban.strip(),
                    creditor.bic.strip(),
                    f"{e.amount:.2f}".replace(".", ","),
                    e.dossier.reference,
                    f"Reversement dossier {e.dossier.reference}",
                )
            ]
        )
    return out.getvalue(), missing


def transfer_file(run_id: int) -> tuple[str, list[str]]:
    """The transfer file of a past run and the references it leaves out. A run made since
    m0012 gives back exactly the file written with it; an older run is rebuilt from its
    ledger lines (with the creditors' IBAN as they are now)."""
    run = RemittanceRun.get_or_none(RemittanceRun.id == run_id)
    if run is None:
        raise InvalidInput(f"Reversement n° {run_id} inconnu.")
    if run.transfers is not None:
        return run.transfers, []
    return _transfers_from_ledger(run_id)


def run_csv(run_id: int) -> str:
    """The transfers of a run: one line per reversement, for the bank or a SEPA tool."""
    return transfer_file(run_id)[0]


def creditor_statement(creditor_id: int, start: date, end: date) -> str:
    """Relevé of a creditor over a period: sums collected, fees retained, reversements."""
    creditor = Creditor.get_or_none(Creditor.id == creditor_id)
    if creditor is None:
        raise InvalidInput("Créancier inconnu.")
    if end < start:
        raise InvalidInput("La fin de la période précède son début.")
    query = (
        LedgerEntry.select(LedgerEntry, Dossier)
        .join(Dossier)
        .where(Dossier.creditor == creditor_id, LedgerEntry.entry_date.between(start, end))
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)
    )
    lines = [
        f"Relevé du créancier {creditor.display_name}",
        f"Période du {format_date(start)} au {format_date(end)}",
        "",
    ]
    lines.append(fee_base_text())
    lines.append("")
    totals = {"payment": ZERO, "retenu": ZERO, "remittance": ZERO}
    for e in query:
        if e.kind == PAYMENT:
            what, key = "Encaissement", "payment"
        elif e.kind == FEE and e.bearer == CREDITOR:
            what, key = "Retenue (frais à votre charge)", "retenu"
        elif e.kind == REMITTANCE:
            what, key = "Reversement", "remittance"
        elif e.kind == REVERSAL and e.reverses.kind == FEE and e.reverses.bearer == CREDITOR:
            what, key = "Régularisation (retenue rendue)", "rendu"
        elif e.kind == REVERSAL and e.reverses.kind in (FEE, DISBURSEMENT):
            continue  # the debtor's frais: not the creditor's account
        elif e.kind == REVERSAL:
            what, key = f"Annulation ({e.reason})", None
        else:
            continue
        if key == "rendu":
            totals["retenu"] -= e.amount
        elif key:
            totals[key] += e.amount
        lines.append(f"{format_date(e.entry_date)}  {e.dossier.reference:<14} {what:<34} {format_amount(e.amount):>14}")
    lines += [
        "",
        f"Encaissé : {format_amount(totals['payment'])}",
        f"Retenu (frais à votre charge, régularisations déduites) : {format_amount(totals['retenu'])}",
        f"Reversé : {format_amount(totals['remittance'])}",
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class CreditorDue:
    creditor_id: int
    name: str
    lines: tuple[RunLine, ...]

    @property
    def fee(self) -> Decimal:
        return sum((x.fee for x in self.lines), ZERO)

    @property
    def net(self) -> Decimal:
        return sum((x.net for x in self.lines), ZERO)

    @property
    def regularisation(self) -> Decimal:
        return sum((x.regularisation for x in self.lines), ZERO)

    @property
    def collected(self) -> Decimal:
        return sum((x.collected for x in self.lines), ZERO)


def creditor_dues(on: date, progress: Progress | None = None) -> list[CreditorDue]:
    """What a run on `on` would retain and pay, grouped by creditor (nothing written)."""
    grouped: dict[int, list[RunLine]] = {}
    for line in plan_run(on, progress=progress):
        grouped.setdefault(line.creditor_id, []).append(line)
    return [CreditorDue(cid, lines[0].creditor_name, tuple(lines)) for cid, lines in grouped.items()]


def write_run_csv(run_id: int, path: Path | str) -> Path:
    """Write again the transfer file of a past run to `path` (whole or not at all)."""
    text, _ = transfer_file(run_id)
    return write_whole(path, text, what="Fichier des virements")
