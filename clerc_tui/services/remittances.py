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
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from peewee import fn

from clerc_tui.errors import InvalidInput
from clerc_tui.models import Creditor, Dossier, LedgerEntry, RemittanceRun
from clerc_tui.models.db import write_transaction
from clerc_tui.rules.french import format_amount, format_date
from clerc_tui.rules.ledger import CREDITOR, DISBURSEMENT, FEE, PAYMENT, REMITTANCE, REVERSAL
from clerc_tui.rules.money import ZERO, from_cents, to_cents
from clerc_tui.rules.sepa import NAME_LENGTH, Order, Party, Payee, make_order, party, payee_problem, sepa_text
from clerc_tui.rules.tariff import A444_32
from clerc_tui.rules.text import inert, spreadsheet_safe
from clerc_tui.services.audit import record
from clerc_tui.services.balances import creditor_position
from clerc_tui.services.billing import record_charge
from clerc_tui.services.context import Actor, require
from clerc_tui.services.etude import fee_base_text, the_etude
from clerc_tui.services.files import check_writable, os_cause, write_whole
from clerc_tui.services.ledger import Entry, create_entry, existing_dossier, valid_amount, valid_day
from clerc_tui.services.plain import tuples
from clerc_tui.services.recovery_fees import LABELS, DossierFees, FeeSettings, breakdown, dossier_fees, settle

FEE_LABEL = LABELS[A444_32]
Progress = Callable[[int, int], None]  # (dossiers done, dossiers in all)
SepaRenderer = Callable[[Order], bytes]  # report/sepa.pain001, handed in by the CLI and the screen


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
    iban: str = ""  # the creditor's: without a valid one, the run holds the dossier back
    bic: str = ""
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
        dossier.creditor.bic or "",
        dossier.version,
        fees,
    )


def _plan(
    on: date, creditor_id: int | None, settings: FeeSettings, dossier_ids=None, progress: Progress | None = None
) -> list[RunLine]:
    """Plan the dossiers that received payments (only those of `dossier_ids` when given);
    `progress(done, total)` is told after each dossier (a décompte each: long at étude scale)."""
    ids = {d for (d,) in tuples(LedgerEntry.select(LedgerEntry.dossier).where(LedgerEntry.kind == PAYMENT).distinct())}
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


def _plan_ids(on: date, ids: Collection[int], settings: FeeSettings) -> list[RunLine]:
    """The dossiers `ids` planned again, in run order (inside a step's write lock)."""
    if not ids:
        return []
    query = (
        Dossier.select(Dossier, Creditor)
        .join(Creditor)
        .where(Dossier.id.in_(list(ids)))
        .order_by(Dossier.creditor_name, Dossier.reference)
    )
    return [line for line in (plan_line(d, on, settings) for d in query) if line is not None]


def _replan_changed(step: list[RunLine], on: date, settings: FeeSettings, mark: int) -> list[RunLine]:
    """Inside a step's write lock: its lines as planned outside the lock, with the dossiers
    that changed since (a ledger entry after `mark`, or an edit of the dossier) planned again.
    The long part of a run (a décompte per dossier) thus never holds the lock that other
    clercs wait for, and what another clerc wrote meanwhile is never paid twice."""
    ids = [x.dossier_id for x in step]
    changed = {
        d
        for (d,) in tuples(
            LedgerEntry.select(LedgerEntry.dossier)
            .where(LedgerEntry.dossier.in_(ids), LedgerEntry.id > mark)
            .distinct()
        )
    }
    versions = dict(tuples(Dossier.select(Dossier.id, Dossier.version).where(Dossier.id.in_(ids))))
    changed |= {x.dossier_id for x in step if versions.get(x.dossier_id) != x.dossier_version}
    if not changed:
        return step
    lines = [x for x in step if x.dossier_id not in changed] + _plan_ids(on, changed, settings)
    return sorted(lines, key=lambda x: (x.creditor_name, x.reference))


def due_by_creditor(on: date, progress: Progress | None = None) -> list[tuple[str, int, Decimal, Decimal, Decimal]]:
    """(creditor, dossiers, fee to retain, fee given back, net to pay) per creditor."""
    return [(d.name, len(d.lines), d.fee, d.regularisation, d.net) for d in creditor_dues(on, progress)]


# --- a run, in short steps (m0015, docs/trust.md) ---------------------------------------

RUNNING, COMPLETE = "running", "complete"
STEP_DOSSIERS = 25  # at most this many dossiers (of one creditor) per write transaction
STEP_SECONDS = 0.1  # and a step stops writing once it has held the lock this long


def step_pause(held: float) -> float:
    """How long the lock is left free after a step that held it `held` seconds. SQLite's busy
    handler makes a waiting writer try again after 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50,
    then every 100 ms: a writer that started waiting during the step tries again within
    25 ms of its end if the step lasted ≤ 0.1 s, 50 ms if ≤ 0.2 s, 100 ms beyond. A pause of
    that length lets it in — otherwise the run, taking the lock again at once, could starve
    it step after step."""
    return 0.03 if held <= 0.1 else 0.055 if held <= 0.2 else 0.105


@dataclass(frozen=True)
class RunResult:
    run_id: int
    run_on: date
    total: Decimal  # paid back by the whole run (a resumed run: its earlier steps included)
    entries: int  # dossiers of the whole run
    lines: list[RunLine]  # recorded by this call (and in the transfer file)
    held: list[RunLine]  # held back: the creditor has no IBAN (nothing recorded for them)
    transfers: str  # the transfer file (CSV), as stored with the run
    path: Path | None = None  # where it was written, when asked
    resumed: bool = False  # the run had been interrupted: this call finished it
    sepa: bytes | None = None  # the pain.001.001.09 document, as stored with the run
    sepa_path: Path | None = None  # where it was written, when asked
    sepa_note: str | None = None  # why there is no SEPA document (the étude's account unknown)


@dataclass(frozen=True)
class PendingRun:
    """A run started and not finished (killed midway, or its file could not be written)."""

    run_id: int
    run_on: date
    creditor_id: int | None
    created_by: str
    created_at: datetime
    entries: int  # dossiers already recorded


def pending_run() -> PendingRun | None:
    """The oldest run still « en cours »: the next run resumes it before anything else."""
    run = RemittanceRun.select().where(RemittanceRun.state == RUNNING).order_by(RemittanceRun.id).first()
    if run is None:
        return None
    return PendingRun(run.id, run.run_on, run.creditor_id, run.created_by, run.created_at, run.entries)


def pending_text(pending: PendingRun) -> str:
    """What the CLI and the screen say about an unfinished run, in French."""
    return (
        f"Le reversement n° {pending.run_id} du {format_date(pending.run_on)} (commencé par {pending.created_by} "
        f"le {format_date(pending.created_at.date())} à {pending.created_at:%H:%M}) est resté en cours : "
        f"{pending.entries} dossier(s) enregistré(s), fichier des virements non écrit. Le prochain reversement "
        "le reprend : il termine les dossiers restants (aucun n'est payé deux fois) puis écrit le fichier."
    )


def resumed_text(result: RunResult) -> str:
    return (
        f"Reversement n° {result.run_id}, interrompu, repris et terminé. Pour reverser ce qui reste dû "
        "depuis, relancez un reversement."
    )


def hold_reason(line: RunLine) -> str | None:
    """Why the creditor of `line` cannot be paid by transfer (no IBAN, an invalid one, a BIC
    missing where SEPA needs one…: rules/sepa.payee_problem), in French; None when they can."""
    return payee_problem(line.creditor_name, line.iban, line.bic)


def held_back(lines: list[RunLine]) -> tuple[list[RunLine], list[RunLine]]:
    """(payable, held): a creditor who cannot be paid by a SEPA credit transfer (`hold_reason`)
    has their dossiers left untouched by a run (no retention, no reversement) until their
    account is put right. The same rule for the CSV and the SEPA file."""
    reasons: dict[tuple[str, str, str], str | None] = {}  # one check per creditor, not per dossier
    payable: list[RunLine] = []
    held: list[RunLine] = []
    for line in lines:
        key = (line.creditor_name, line.iban, line.bic)
        if key not in reasons:
            reasons[key] = hold_reason(line)
        (held if reasons[key] else payable).append(line)
    return payable, held


def held_back_text(held: list[RunLine]) -> str:
    """« 3 dossier(s) retenu(s), créancier sans IBAN : A, B ; virement SEPA impossible (IBAN
    invalide …) : C — rien n'a été enregistré pour eux ; … »"""
    by_reason: dict[str, dict[str, None]] = {}
    for line in held:
        reason = hold_reason(line) or ""
        by_reason.setdefault(reason, {})[line.creditor_name] = None
    parts = [
        f"créancier sans IBAN : {', '.join(names)}"
        if reason == "sans IBAN"
        else f"virement SEPA impossible ({reason}) : {', '.join(names)}"
        for reason, names in by_reason.items()
    ]
    return (
        f"{len(held)} dossier(s) retenu(s), {' ; '.join(parts)} — rien n'a été enregistré pour eux ; "
        "renseignez le compte (clerc reversements iban CREANCIER IBAN [--bic BIC]) puis relancez un reversement."
    )


def _write_line(actor: Actor, line: RunLine, run_id: int, on: date, today: date) -> None:
    """One dossier of a run: the A444-31 billed (or cancelled), the A444-32 retained (or
    given back), the reversement tied to the run."""
    fees = line.fees
    assert fees is not None  # a planned line always carries what it settles
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
        record_remittance(actor, line.dossier_id, on=on, amount=line.net, run_id=run_id, today=today)


def _write_steps(
    actor: Actor,
    run_id: int,
    lines: list[RunLine],
    on: date,
    today: date,
    settings: FeeSettings,
    mark: int,
    progress: Progress | None,
) -> list[RunLine]:
    """Write the planned lines in short write transactions: a step is at most STEP_DOSSIERS
    dossiers of one creditor and stops once it has held the lock STEP_SECONDS, then the lock
    is left free a moment (`step_pause`), so another clerc waits well under a second. Each
    step plans again, under its lock, its dossiers that changed since planning, and adds
    what it paid to the run's totals. Returns the lines written."""
    pending = list(lines)
    written: list[RunLine] = []
    total = len(pending)
    while pending:
        creditor = pending[0].creditor_id
        size = 1
        while size < min(STEP_DOSSIERS, len(pending)) and pending[size].creditor_id == creditor:
            size += 1
        step, rest = pending[:size], pending[size:]
        with write_transaction():
            began = time.monotonic()  # the lock is ours from here (BEGIN IMMEDIATE)
            if FeeSettings.current_stamp() != settings.stamp:  # a rate or a setting entered meanwhile
                settings = FeeSettings.load()
                step = _plan_ids(on, [x.dossier_id for x in step], settings)
            else:
                step = _replan_changed(step, on, settings, mark)
            step = held_back(step)[0]  # planned again: a dossier moved to a creditor without IBAN
            done: list[RunLine] = []
            for line in step:
                _write_line(actor, line, run_id, on, today)
                done.append(line)
                if time.monotonic() - began >= STEP_SECONDS:
                    break
            if done:
                RemittanceRun.update(
                    total=RemittanceRun.total + to_cents(sum((x.net for x in done), ZERO)),
                    entries=RemittanceRun.entries + len(done),
                ).where(RemittanceRun.id == run_id).execute()
        written += done
        pending = step[len(done) :] + rest  # left by the time limit: the next step takes them
        if progress is not None:
            progress(total - len(pending), total)
        held = time.monotonic() - began
        if pending:
            time.sleep(step_pause(held))  # the lock free: another clerc's write goes in
    return written


def _next_run_id() -> int:
    return (RemittanceRun.select(fn.MAX(RemittanceRun.id)).scalar() or 0) + 1


def execute_run(
    actor: Actor,
    on: date,
    *,
    today: date | None = None,
    creditor_id: int | None = None,
    csv_path: Path | str | None = None,
    csv_folder: Path | str | None = None,
    sepa_path: Path | str | None = None,
    render_sepa: SepaRenderer | None = None,
    progress: Progress | None = None,
    writing: Progress | None = None,
) -> RunResult:
    """Record a reversement run in short steps, then write its transfer files.

    1. The target files are checked first (their folder takes a new file; for the SEPA file,
       the étude's own account is known): a bad path records nothing. 2. The run is planned
       outside the write lock (a décompte per dossier, `progress`). 3. A run record « en
       cours » (`state = running`) is created, then each creditor is written in short write
       transactions (`_write_steps`, `writing`): per dossier the A444-31/A444-32 fees and the
       reversement entry, tied to the run. 4. The transfer files are built from the ledger —
       the CSV, and the pain.001.001.09 document when `render_sepa` is given and the étude's
       account is known (validated against its schema by `render_sepa`) — and written whole
       (temporary file, fsync, rename); 5. the run stores them and becomes complete in a last
       short transaction. `csv_folder` (the screen) writes `reversement-<n°>.csv` there, and
       `.xml` beside it when there is a SEPA document.

    A run killed midway, or whose files could not be written, stays « en cours »: the next
    call resumes it first — with its own date and creditor — planning again what is still
    due (the ledger says what was paid: nobody is paid twice), then writes the files
    (`RunResult.resumed`). Creditors who cannot be paid by transfer are held back
    (`RunResult.held`, `hold_reason`), never written as a line (docs/trust.md, docs/sepa.md)."""
    require(actor, "remittance.run")
    today = today or date.today()
    if on > today:
        raise InvalidInput(f"Date du reversement dans le futur ({format_date(on)}).", field="on")
    folder: Path | None = None
    if csv_folder is not None:
        folder = Path(csv_folder).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InvalidInput(
                f"Dossier des virements {folder} impossible à créer : {os_cause(error)}. Rien n'a été enregistré."
            ) from None
    pending = pending_run()
    if pending is not None:  # resume it, as it was started (date, creditor)
        on, creditor_id = pending.run_on, pending.creditor_id
    run_id = pending.run_id if pending is not None else _next_run_id()
    still = f" Le reversement n° {pending.run_id} reste en cours." if pending is not None else ""
    if sepa_path is not None and render_sepa is None:
        raise ValueError("sepa_path without render_sepa")
    debtor, no_sepa = _etude_party(required=sepa_path is not None, still=still) if render_sepa else (None, None)

    def targets_of(run_id: int) -> tuple[Path | None, Path | None]:
        csv_target = Path(csv_path).expanduser() if csv_path is not None else None
        sepa_target = Path(sepa_path).expanduser() if sepa_path is not None else None
        if folder is not None:
            csv_target = csv_target or folder / run_file_name(run_id)
            if debtor is not None:
                sepa_target = sepa_target or folder / run_file_name(run_id, sepa=True)
        return csv_target, sepa_target

    for target, what in zip(targets_of(run_id), (CSV_WHAT, SEPA_WHAT), strict=True):
        if target is not None:
            try:
                check_writable(target, what=what)
            except InvalidInput as error:
                raise InvalidInput(f"{error.message} Rien n'a été enregistré.{still}") from None
    settings = FeeSettings.load()
    mark = _ledger_mark()
    lines, held = held_back(_plan(on, creditor_id, settings, progress=progress))  # outside the lock
    if pending is None:
        if not lines:
            why = f" {held_back_text(held)}" if held else ""
            raise InvalidInput(f"Rien à reverser : aucun encaissement disponible pour les créanciers.{why}")
        with write_transaction():
            run_id = RemittanceRun.create(
                run_on=on,
                total=0,
                entries=0,
                created_by=actor.login,
                created_at=datetime.now(),
                state=RUNNING,
                creditor_id=creditor_id,
            ).id
    lines = _write_steps(actor, run_id, lines, on, today, settings, mark, writing)
    transfers, _ = _transfers_from_ledger(run_id)
    sepa: bytes | None = None
    if debtor is not None and render_sepa is not None:
        order, _ = _order_from_ledger(run_id, datetime.now().replace(microsecond=0), max(on, today), debtor)
        if not order.transfers:  # only fees retained or given back: nothing to transfer (the schema wants one)
            no_sepa = "aucun virement dans ce reversement (retenues seules)"
        else:
            try:
                sepa = render_sepa(order)
            except InvalidInput as error:
                raise InvalidInput(f"{error.message}{_kept_running(run_id)}") from None
    # Another clerc may have taken the number probed: the files are named after the run's own.
    outputs = zip(targets_of(run_id), (transfers, sepa), (CSV_WHAT, SEPA_WHAT), strict=True)
    written: dict[str, tuple[Path, bytes | None]] = {}  # what → (file written, the file it replaced)
    try:
        for target, data, what in outputs:
            if target is None or data is None:
                continue
            previous = _previous(target)
            try:
                written[what] = (write_whole(target, data, what=what), previous)
            except InvalidInput as error:
                raise InvalidInput(f"{error.message}{_kept_running(run_id)}") from None
        with write_transaction():
            RemittanceRun.update(
                state=COMPLETE, transfers=transfers, sepa=sepa.decode("utf-8") if sepa is not None else None
            ).where(RemittanceRun.id == run_id).execute()
            run = RemittanceRun.get_by_id(run_id)
            record(
                actor,
                "remittance.run",
                "remittance_run",
                run_id,
                after={
                    "run_on": run.run_on.isoformat(),
                    "total": run.total,
                    "entries": run.entries,
                    "held_back": [x.reference for x in held],
                    **({"sepa": order.message_id} if sepa is not None else {}),
                    **({"resumed": True} if pending is not None else {}),
                },
            )
    except BaseException:
        for what, (path, previous) in written.items():  # the run is not complete: no file for it
            if previous is not None:
                write_whole(path, previous, what=what)
            else:
                path.unlink(missing_ok=True)
        raise
    return RunResult(
        run_id,
        run.run_on,
        from_cents(run.total),
        run.entries,
        lines,
        held,
        transfers,
        written[CSV_WHAT][0] if CSV_WHAT in written else None,
        pending is not None,
        sepa,
        written[SEPA_WHAT][0] if SEPA_WHAT in written else None,
        f"Fichier SEPA non écrit : {no_sepa}." if no_sepa else None,
    )


CSV_WHAT, SEPA_WHAT = "Fichier des virements", "Fichier SEPA des virements"


def _kept_running(run_id: int) -> str:
    return (
        f" Les dossiers du reversement n° {run_id} sont enregistrés mais le reversement reste en cours : "
        "relancez le reversement pour écrire ses fichiers (aucun dossier ne sera payé deux fois)."
    )


def _previous(target: Path) -> bytes | None:
    try:
        return target.read_bytes() if target.is_file() else None
    except OSError:
        return None


def _etude_party(*, required: bool, still: str = "") -> tuple[Party | None, str | None]:
    """(the étude as the debtor of the SEPA file: its name and account, None) — or (None, why
    not, in French) when its account or name is not set and the file was not asked for by
    name; refused (nothing recorded) when it was."""
    etude = the_etude()
    if etude is None or not etude.bank_iban:
        problem: str | None = "le compte de l'étude n'est pas renseigné (clerc etude set --iban IBAN --bic BIC)"
    elif not sepa_text(etude.name, NAME_LENGTH):
        problem = "le nom de l'étude n'est pas renseigné (clerc etude set --nom NOM)"
    else:
        problem = payee_problem(etude.name, etude.bank_iban, etude.bank_bic)
        problem = f"compte de l'étude : {problem}" if problem else None
    if problem is None and etude is not None:
        return party(etude.name, etude.bank_iban, etude.bank_bic), None
    if required:
        raise InvalidInput(f"Fichier SEPA des virements impossible : {problem}. Rien n'a été enregistré.{still}")
    return None, problem


def run_file_name(run_id: int, *, sepa: bool = False) -> str:
    return f"reversement-{run_id:05d}.{'xml' if sepa else 'csv'}"


def _run_remittances(run_id: int):
    """The reversements of a run with their dossier and creditor, in ledger order."""
    return (
        LedgerEntry.select(LedgerEntry, Dossier, Creditor)
        .join(Dossier)
        .join(Creditor)
        .where(LedgerEntry.run_id == run_id, LedgerEntry.kind == REMITTANCE)
        .order_by(LedgerEntry.id)
    )


def _payable(creditor: Creditor, seen: dict[int, bool]) -> bool:
    if creditor.id not in seen:
        seen[creditor.id] = payee_problem(creditor.display_name, creditor.iban or "", creditor.bic or "") is None
    return seen[creditor.id]


def _transfers_from_ledger(run_id: int) -> tuple[str, list[str]]:
    """(CSV, references left out): one line per reversement of the run, from the ledger.
    A reversement whose creditor cannot be paid by transfer (no IBAN: a run made before m0012
    could record one) is left out: it is named, never written as a line without an account."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["date", "creancier", "iban", "bic", "montant", "dossier", "libelle"])
    missing: list[str] = []
    seen: dict[int, bool] = {}
    for e in _run_remittances(run_id):
        creditor = e.dossier.creditor
        if not _payable(creditor, seen):
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
                    format_amount(e.amount, currency=False, grouping=False),
                    e.dossier.reference,
                    f"Reversement dossier {e.dossier.reference}",
                )
            ]
        )
    return out.getvalue(), missing


def _order_from_ledger(run_id: int, created_at: datetime, execution: date, debtor) -> tuple[Order, list[str]]:
    """(the SEPA order of the run, references left out): one transfer per creditor — the sum of
    the run's reversements on their dossiers, the dossiers named in the remittance text —
    creditors in the order of their first reversement (the run's, by creditor name)."""
    grouped: dict[int, list] = {}
    missing: list[str] = []
    seen: dict[int, bool] = {}
    for e in _run_remittances(run_id):
        creditor = e.dossier.creditor
        if not _payable(creditor, seen):
            missing.append(e.dossier.reference)
            continue
        grouped.setdefault(creditor.id, []).append(e)
    payees = [
        Payee(
            creditor_id,
            entries[0].dossier.creditor.display_name,
            entries[0].dossier.creditor.iban,
            entries[0].dossier.creditor.bic or "",
            sum((e.amount for e in entries), ZERO),
            tuple(dict.fromkeys(e.dossier.reference for e in entries)),
        )
        for creditor_id, entries in grouped.items()
    ]
    return make_order(run_id, created_at, execution, debtor, payees), missing


def transfer_file(run_id: int) -> tuple[str, list[str]]:
    """The transfer file of a past run and the references it leaves out. A run made since
    m0012 gives back exactly the file written with it; an older run is rebuilt from its
    ledger lines (with the creditors' IBAN as they are now)."""
    run = RemittanceRun.by_id(run_id)
    if run is None:
        raise InvalidInput(f"Reversement n° {run_id} inconnu.")
    if run.state == RUNNING:
        raise InvalidInput(
            f"Reversement n° {run_id} en cours : son fichier n'est pas encore écrit. S'il a été interrompu, "
            "relancez un reversement (clerc reversements run) : il le termine et écrit le fichier."
        )
    if run.transfers is not None:
        return run.transfers, []
    return _transfers_from_ledger(run_id)


def sepa_file(run_id: int) -> bytes:
    """The pain.001.001.09 document of a past run, byte for byte as written with it (its
    creation time and identifiers included: a bank refuses a message id it has seen)."""
    run = RemittanceRun.by_id(run_id)
    if run is None:
        raise InvalidInput(f"Reversement n° {run_id} inconnu.")
    if run.state == RUNNING:
        transfer_file(run_id)  # says why, as for the CSV
    if run.sepa is None:
        raise InvalidInput(
            f"Reversement n° {run_id} sans fichier SEPA : il a été enregistré avant la version 26 de la base ou "
            "quand le compte de l'étude n'était pas renseigné. Son fichier CSV reste disponible "
            f"(clerc reversements fichier {run_id} --csv FICHIER)."
        )
    return str(run.sepa).encode("utf-8")


def write_run_sepa(run_id: int, path: Path | str) -> Path:
    """Write again the SEPA file of a past run to `path` (whole or not at all)."""
    return write_whole(path, sepa_file(run_id), what=SEPA_WHAT)


def run_csv(run_id: int) -> str:
    """The transfers of a run: one line per reversement, for the bank or a SEPA tool."""
    return transfer_file(run_id)[0]


def creditor_statement(creditor_id: int, start: date, end: date) -> str:
    """Relevé of a creditor over a period: sums collected, fees retained, reversements."""
    creditor = Creditor.by_id(creditor_id)
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
        cancelled = e.reverses if e.kind == REVERSAL else None  # the entry a reversal cancels
        if e.kind == PAYMENT:
            what, key = "Encaissement", "payment"
        elif e.kind == FEE and e.bearer == CREDITOR:
            what, key = "Retenue (frais à votre charge)", "retenu"
        elif e.kind == REMITTANCE:
            what, key = "Reversement", "remittance"
        elif cancelled is not None and cancelled.kind == FEE and cancelled.bearer == CREDITOR:
            what, key = "Régularisation (retenue rendue)", "rendu"
        elif cancelled is not None and cancelled.kind in (FEE, DISBURSEMENT):
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
