"""Bank statements: import a CAMT.053 or CFONB 120 file, match its credits to dossiers, and record
the matches the clerc confirms as payments (docs/bank.md).

- **Import** (`import_statement`): the file is read and checked in full first (rules/bank_formats);
  then one write transaction stores the statement (its SHA-256: the same file twice is « déjà
  importé », nothing written) and its credit lines, each with its `line_key` (unique: a movement
  already stored from an earlier, overlapping statement is not stored again and is counted
  « déjà connue »). A killed import leaves nothing: it is one transaction.
- **Matching** (`match_lines`) is set-based: one query for the dossiers whose references the labels
  name, one for the open dossiers' debtor names and balances, one for the debtors' known IBANs;
  then the pure rules of rules/matching.py, in memory.
- **Recording** (`record_lines`): the lines the clerc confirmed (or the sure ones) become payments
  through the batch payment service (services/payments.record_batch: imputed, receipt numbers,
  audit), in short transactions of `STEP` lines; each line is read again inside its transaction
  (still open, same version), so two clercs, or a second run, never record it twice. Each decision
  is audited (who recorded which line to which dossier, with the match's reason); a line set aside
  keeps its reason (`set_aside`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from clerc_tui.errors import ConflictError, InvalidInput
from clerc_tui.models import BankLine, BankStatement, User
from clerc_tui.models.db import database, raw_sql, read_date, sql_date, write_transaction
from clerc_tui.rules import bank_formats, matching
from clerc_tui.rules.french import format_amount, format_date, format_integer
from clerc_tui.rules.identifiers import make_french_iban
from clerc_tui.rules.matching import Candidate, DossierFacts, Match
from clerc_tui.rules.money import from_cents, to_cents
from clerc_tui.rules.text import inert
from clerc_tui.services import audit
from clerc_tui.services.context import Actor, require
from clerc_tui.services.ledger import MAX_TEXT
from clerc_tui.services.payments import PendingPayment, record_batch

OPEN, RECORDED, SET_ASIDE = "open", "recorded", "set_aside"
LINE_STATUS_LABELS = {OPEN: "à traiter", RECORDED: "enregistrée", SET_ASIDE: "mise de côté"}
STEP = 25  # lines recorded per write transaction (a reversement run's steps are as short)
CHUNK = 500  # values per IN (…) of a query
MAX_FILE_BYTES = 200 * 1024 * 1024
# The demonstration étude's client account (compte de tiers), a made-up French IBAN.
DEMO_ACCOUNT = make_french_iban("30004", "00099", "00012345678")


@dataclass(frozen=True)
class ImportSummary:
    file_name: str
    format_label: str
    statements: int
    credits: int  # credit lines in the file
    debits: int  # debit lines (the étude's own outgoings: not matched)
    stored: int  # credit lines stored now
    already_known: int  # credit lines stored by an earlier statement (overlap)
    already_recorded: int  # of those, already recorded as payments
    sure: int
    doubtful: int
    unmatched: int
    warnings: tuple[str, ...]
    statement_id: int | None  # None: dry run, or the file was already imported
    already_imported: str  # « le 26/11/2026 par Claire Martin » when the same file was imported before
    recorded: int = 0  # lines recorded now (--record-sure)


@dataclass(frozen=True)
class ReviewLine:
    """An open line of a statement with its candidates, as the review screen shows it."""

    id: int
    version: int
    place: str
    booked_on: date
    amount: Decimal
    label: str
    debtor_name: str
    debtor_iban: str
    bank_reference: str
    match_status: str  # rules/matching SURE / DOUBTFUL / UNMATCHED
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Decision:
    """A line the clerc confirmed for a dossier (`version`: the line's as shown)."""

    line_id: int
    version: int
    dossier_id: int
    reason: str  # the match's reason, or « choisi par le clerc »


@dataclass(frozen=True)
class RecordSummary:
    recorded: int
    skipped: tuple[str, ...]  # lines not recorded, each with why (already recorded by another clerc…)
    total: Decimal


# --- reading a file ---------------------------------------------------------------------------


def read_file(path: str | Path) -> bytes:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidInput(
                f"Le fichier {path.name} dépasse {MAX_FILE_BYTES // 1024 // 1024} Mo : ce n'est pas un relevé."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"Fichier introuvable : {path}.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} est un dossier, pas un relevé bancaire.") from None
    except PermissionError:
        raise InvalidInput(f"Le fichier {path} n'est pas lisible par votre compte.") from None


def _already_imported(digest: str) -> str:
    row = database.execute_sql(
        raw_sql(
            'SELECT s."imported_at", u."name" FROM "bank_statement" s JOIN "user" u ON u."id" = s."imported_by_id" '
            'WHERE s."file_digest" = ?'
        ),
        [digest],
    ).fetchone()
    if row is None:
        return ""
    at = row[0] if isinstance(row[0], datetime) else datetime.fromisoformat(str(row[0]))
    return f"le {format_date(at.date())} à {at:%H:%M} par {row[1]}"


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _known_keys(keys: Sequence[str]) -> dict[str, str]:
    """line_key → status of the lines already stored among `keys`."""
    known: dict[str, str] = {}
    for part in _chunks(list(keys)):
        marks = ", ".join("?" * len(part))
        for key, status in database.execute_sql(
            raw_sql(f'SELECT "line_key", "status" FROM "bank_line" WHERE "line_key" IN ({marks})'), list(part)
        ):
            known[key] = status
    return known


def _clean(text: str, limit: int = MAX_TEXT) -> str:
    """Bank text kept as the bank wrote it, but inert (a control character becomes visible) and
    no longer than a field of clerc."""
    return inert(text, multiline=False)[:limit]


# --- import ------------------------------------------------------------------------------------


def import_statement(
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    record_sure: bool = False,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Read, store (unless `dry_run`) and match a statement file; with `record_sure`, record the
    sure lines too. Nothing is written for a file already imported."""
    require(actor, "payment.record")
    today = today or date.today()
    path = Path(path)
    data = read_file(path)
    parsed = bank_formats.parse_bank_file(data)
    received = parsed.credits
    debits = len(parsed.lines) - len(received)
    seen_before = _already_imported(parsed.digest)
    known = _known_keys([line.key for line in received])
    fresh = [line for line in received if line.key not in known]
    # Two identical keys inside the file itself cannot happen (line_key counts them); the same
    # movement in two statements of one file can (a file of several days): kept once.
    unique: dict[str, bank_formats.BankLine] = {}
    for line in fresh:
        unique.setdefault(line.key, line)
    already_recorded = sum(1 for line in received if known.get(line.key) == RECORDED)
    statement_id = None
    if not dry_run and not seen_before:
        statement_id = _store(actor, path.name, parsed, list(unique.values()), len(received) - len(fresh))
    if seen_before:
        unique = {}
    matches = match_lines([_credit_of(line) for line in unique.values()])
    counts = {s: sum(1 for m in matches if m.status == s) for s in (matching.SURE, matching.DOUBTFUL)}
    recorded = 0
    if record_sure and statement_id is not None:
        decisions = [
            Decision(line.id, line.version, line.candidates[0].dossier_id, line.candidates[0].reason)
            for line in review_lines(statement_id=statement_id)
            if line.match_status == matching.SURE
        ]
        recorded = record_lines(actor, decisions, today=today, progress=progress).recorded if decisions else 0
    first = parsed.statements[0] if parsed.statements else None
    return ImportSummary(
        file_name=path.name,
        format_label=f"{bank_formats.FORMAT_LABELS[parsed.format]} ({parsed.version})",
        statements=len(parsed.statements),
        credits=len(received),
        debits=debits,
        stored=len(unique) if statement_id is not None else 0,
        already_known=len(received) - len(fresh),
        already_recorded=already_recorded,
        sure=counts[matching.SURE],
        doubtful=counts[matching.DOUBTFUL],
        unmatched=len(matches) - counts[matching.SURE] - counts[matching.DOUBTFUL],
        warnings=parsed.warnings + ((f"Compte {first.account}.",) if first and not first.lines else ()),
        statement_id=statement_id,
        already_imported=seen_before,
        recorded=recorded,
    )


def _store(actor: Actor, file_name: str, parsed: bank_formats.BankFile, lines: list, already: int) -> int:
    now = datetime.now()
    first, last = parsed.statements[0], parsed.statements[-1]
    with write_transaction():
        if _already_imported(parsed.digest):  # another clerc, between the read and the lock
            raise InvalidInput("Ce relevé vient d'être importé par un autre clerc : rien n'a été ajouté.")
        statement = BankStatement.create(
            file_digest=parsed.digest,
            file_name=_clean(file_name, 255),
            format=parsed.format,
            version=parsed.version,
            account=_clean(first.account, 255),
            identifier=_clean(
                first.identifier if len(parsed.statements) == 1 else f"{len(parsed.statements)} relevés", 255
            ),
            first_day=first.first_day,
            last_day=last.last_day,
            opening=first.opening,
            closing=last.closing,
            credits=len(lines),
            already_known=already,
            warnings="\n".join(parsed.warnings),
            imported_by=actor.user_id,
            imported_at=now,
        )
        # Keys stored meanwhile by another import (read again under the lock).
        taken = _known_keys([line.key for line in lines])
        rows = [
            (
                statement.id,
                position,
                _clean(line.where, 255),
                line.key,
                sql_date(line.booked_on),
                sql_date(line.value_on) if line.value_on else None,
                to_cents(line.amount),
                _clean(line.label, 2000),
                _clean(line.debtor_name, 255),
                _clean(line.debtor_iban, 64),
                _clean(line.bank_reference, 255),
                _clean(line.end_to_end, 255),
                OPEN,
                "",
                1,
            )
            for position, line in enumerate(lines, start=1)
            if line.key not in taken
        ]
        sql = raw_sql(
            'INSERT INTO "bank_line" ("statement_id", "position", "place", "line_key", "booked_on", "value_on", '
            '"amount", "label", "debtor_name", "debtor_iban", "bank_reference", "end_to_end", "status", "reason", '
            '"version") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
        )
        cursor = database.cursor()
        cursor.executemany(sql, rows)
        audit.record(
            actor,
            "bank.import",
            "bank_statement",
            statement.id,
            after={"file": file_name, "digest": parsed.digest, "lines": len(rows), "already_known": already},
            at=now,
        )
        return statement.id


def _credit_of(line: bank_formats.BankLine) -> matching.Credit:
    return matching.Credit(line.label, line.amount, line.debtor_name, line.debtor_iban)


# --- matching, set-based -------------------------------------------------------------------------


def _facts(rows) -> list[DossierFacts]:
    return [
        DossierFacts(id_, reference, debtor_name or "", from_cents(balance or 0), closed_on)
        for id_, reference, debtor_name, balance, closed_on in rows
    ]


def match_lines(received: Sequence[matching.Credit]) -> list[Match]:
    """Each credit's candidates, in three queries whatever the number of lines."""
    if not received:
        return []
    references = sorted({ref for credit in received for ref in matching.references_in(credit.label)})
    by_reference: dict[str, DossierFacts] = {}
    for part in _chunks(references):
        marks = ", ".join("?" * len(part))
        rows = database.execute_sql(
            raw_sql(
                'SELECT "id", "reference", "debtor_name", "balance", "closed_on" FROM "dossier" '
                f'WHERE "reference" IN ({marks})'
            ),
            list(part),
        ).fetchall()
        for facts in _facts((r[0], r[1], r[2], r[3], read_date(r[4])) for r in rows):
            by_reference[facts.reference] = facts
    rows = database.execute_sql(
        raw_sql('SELECT "id", "reference", "debtor_name", "balance" FROM "dossier" WHERE "closed_on" IS NULL')
    ).fetchall()
    names = matching.NameIndex.build(rows)
    ibans = sorted({c.debtor_iban.replace(" ", "").upper() for c in received if c.debtor_iban})
    by_iban: dict[str, list[DossierFacts]] = {}
    for part in _chunks(ibans):
        marks = ", ".join("?" * len(part))
        found = database.execute_sql(
            raw_sql(
                'SELECT DISTINCT REPLACE(UPPER(a."iban"), \' \', \'\'), d."id", d."reference", d."debtor_name", '
                'd."balance", NULL FROM "debtor_bank_account" a '
                'JOIN "dossier_debtor" l ON l."debtor_id" = a."debtor_id" '
                'JOIN "dossier" d ON d."id" = l."dossier_id" '
                f"WHERE d.\"closed_on\" IS NULL AND REPLACE(UPPER(a.\"iban\"), ' ', '') IN ({marks})"
            ),
            list(part),
        ).fetchall()
        for iban, *rest in found:
            by_iban.setdefault(iban, []).extend(_facts([tuple(rest)]))
    frozen = {iban: tuple(facts) for iban, facts in by_iban.items()}
    return [matching.match_credit(credit, by_reference, names, frozen) for credit in received]


# --- review and decisions ---------------------------------------------------------------------------


def review_lines(*, statement_id: int | None = None) -> list[ReviewLine]:
    """The open lines (of one statement, or of all), with their candidates: doubtful first, then
    unmatched, then sure; by date within each."""
    where = 'WHERE "status" = ?' + (' AND "statement_id" = ?' if statement_id is not None else "")
    params: list = [OPEN] + ([statement_id] if statement_id is not None else [])
    rows = database.execute_sql(
        raw_sql(
            'SELECT "id", "version", "place", "booked_on", "amount", "label", "debtor_name", "debtor_iban", '
            f'"bank_reference" FROM "bank_line" {where} ORDER BY "booked_on", "id"'
        ),
        params,
    ).fetchall()
    lines = [
        (id_, version, place, read_date(booked_on), from_cents(amount), label, name, iban, ref)
        for id_, version, place, booked_on, amount, label, name, iban, ref in rows
    ]
    matches = match_lines(
        [matching.Credit(label, amount, name, iban) for _, _, _, _, amount, label, name, iban, _ in lines]
    )
    order = {matching.DOUBTFUL: 0, matching.UNMATCHED: 1, matching.SURE: 2}
    result = [ReviewLine(*line, match.status, match.candidates) for line, match in zip(lines, matches, strict=True)]
    return sorted(result, key=lambda r: (order[r.match_status], r.booked_on, r.id))


def _open_line(line_id: int, version: int) -> BankLine:
    line = BankLine.by_id(line_id)
    if line is None:
        raise InvalidInput("Cette ligne de relevé n'existe pas.")
    if line.status != OPEN:
        who = User.by_id(line.decided_by_id)
        by = f" par {who.name}" if who else ""
        at = f" le {format_date(line.decided_at.date())}" if line.decided_at else ""
        raise ConflictError(f"{line.place} : déjà {LINE_STATUS_LABELS[line.status]}{by}{at}.")
    if line.version != version:
        raise ConflictError(f"{line.place} : modifiée par un autre clerc depuis son affichage ; rechargez.")
    return line


def record_lines(
    actor: Actor,
    decisions: Sequence[Decision],
    *,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> RecordSummary:
    """Each confirmed line becomes a payment of its dossier (a virement on its booking date, the
    payer's name and the bank's reference kept), `STEP` lines per transaction. A line another clerc
    recorded or set aside meanwhile is skipped and named; a refused payment stops its step (all or
    nothing for that step) and is reported by its line."""
    require(actor, "payment.record")
    from clerc_tui.models import Dossier

    done = 0
    skipped: list[str] = []
    total = Decimal(0)
    for start in range(0, len(decisions), STEP):
        step = decisions[start : start + STEP]
        with write_transaction():
            kept: list[tuple[Decision, BankLine]] = []
            for decision in step:
                try:
                    line = _open_line(decision.line_id, decision.version)
                except (ConflictError, InvalidInput) as exc:
                    skipped.append(exc.message)
                    continue
                if line.booked_on > today:  # a payment is never dated after today (services/ledger.valid_day)
                    skipped.append(
                        f"{line.place} : comptabilisée le {format_date(line.booked_on)}, après aujourd'hui "
                        f"({format_date(today)}) ; à enregistrer ce jour-là."
                    )
                    continue
                kept.append((decision, line))
            if kept:
                dossiers = {
                    d.id: d
                    for d in Dossier.select(Dossier.id, Dossier.reference, Dossier.debtor_name).where(
                        Dossier.id.in_([decision.dossier_id for decision, _ in kept])
                    )
                }
                pending = []
                for decision, line in kept:
                    dossier = dossiers.get(decision.dossier_id)
                    if dossier is None:
                        raise InvalidInput(f"{line.place} : le dossier choisi n'existe pas (ou plus).")
                    pending.append(
                        PendingPayment(
                            dossier.id,
                            dossier.reference,
                            dossier.debtor_name,
                            line.booked_on,
                            line.amount,
                            "virement",
                            _clean(line.bank_reference or line.end_to_end),
                            _clean(line.debtor_name),
                        )
                    )
                entries = record_batch(actor, pending, today=today, allow_duplicates=True)
                now = datetime.now()
                for (decision, line), entry in zip(kept, entries, strict=True):
                    updated = (
                        BankLine.update(
                            status=RECORDED,
                            dossier=decision.dossier_id,
                            entry=entry.id,
                            decided_by=actor.user_id,
                            decided_at=now,
                            version=BankLine.version + 1,
                        )
                        .where(
                            (BankLine.id == line.id) & (BankLine.version == line.version) & (BankLine.status == OPEN)
                        )
                        .execute()
                    )
                    if updated != 1:  # read under the lock just above: cannot happen
                        raise ConflictError(
                            f"{line.place} : modifiée pendant l'enregistrement ; rien de ce lot n'est gardé."
                        )
                    audit.record(
                        actor,
                        "bank.confirm",
                        "bank_line",
                        line.id,
                        after={
                            "dossier": dossiers[decision.dossier_id].reference,
                            "amount": str(line.amount),
                            "entry": entry.id,
                            "reason": decision.reason,
                            "line": line.place,
                        },
                        dossier_id=decision.dossier_id,
                        at=now,
                    )
                    total += line.amount
                done += len(kept)
        if progress is not None:
            progress(min(start + STEP, len(decisions)), len(decisions))
    return RecordSummary(done, tuple(skipped), total)


def set_aside(actor: Actor, line_id: int, version: int, reason: str) -> None:
    """The line is not a payment of a dossier (a creditor's own transfer, an error of the bank…):
    kept out of the review, with its reason; audited."""
    require(actor, "payment.record")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Indiquez pourquoi la ligne est mise de côté.", field="reason")
    from clerc_tui.services.ledger import valid_text

    reason = valid_text(reason, "Motif", "reason")
    with write_transaction():
        line = _open_line(line_id, version)
        now = datetime.now()
        BankLine.update(
            status=SET_ASIDE, reason=reason, decided_by=actor.user_id, decided_at=now, version=BankLine.version + 1
        ).where(BankLine.id == line.id).execute()
        audit.record(
            actor,
            "bank.set_aside",
            "bank_line",
            line.id,
            after={"line": line.place, "amount": str(line.amount), "reason": reason},
            at=now,
        )


def summary_text(summary: ImportSummary) -> list[str]:
    """The import's result in French, line by line (the command and the screen)."""
    if summary.already_imported:
        return [
            f"{summary.file_name} : relevé déjà importé {summary.already_imported} ; rien n'a changé "
            f"({format_integer(summary.credits)} crédits, {format_integer(summary.already_recorded)} déjà enregistrés)."
        ]
    text = [
        f"{summary.file_name} : {summary.format_label}, {format_integer(summary.statements)} relevé(s), "
        f"{format_integer(summary.credits)} crédit(s), {format_integer(summary.debits)} débit(s) ignoré(s).",
    ]
    if summary.already_known:
        text.append(
            f"{format_integer(summary.already_known)} crédit(s) déjà connu(s) par un relevé précédent "
            f"(dont {format_integer(summary.already_recorded)} déjà enregistré(s)) : pas repris."
        )
    text.append(
        f"Rapprochement : {format_integer(summary.sure)} sûr(s), {format_integer(summary.doubtful)} douteux, "
        f"{format_integer(summary.unmatched)} non rapproché(s)."
    )
    if summary.recorded:
        text.append(f"{format_integer(summary.recorded)} versement(s) sûr(s) enregistré(s).")
    if summary.statement_id is None:
        text.append("Essai (--dry-run) : rien n'a été enregistré.")
    text.extend(summary.warnings)
    return text


# --- a day's payments for the demonstration -------------------------------------------------------


def demo_day_credits(on: date, *, count: int = 40, seed: int = 1) -> list[bank_formats.CamtCredit]:
    """`count` credits a day could bring to the étude's account, drawn from open dossiers of the
    base (seeded: the same base, date and seed give the same file): about 70 % name their dossier's
    reference in the label, 15 % only the debtor's name, 10 % a misspelt or partial name, 5 %
    nothing clerc can use. Amounts: the whole balance or an instalment. For `clerc bank camt053`
    and bench/bench_bank.py (nothing is written)."""
    rows = database.execute_sql(
        raw_sql(
            'SELECT "id", "reference", "debtor_name", "balance" FROM "dossier" '
            'WHERE "closed_on" IS NULL AND "balance" > 0 ORDER BY "id"'
        )
    ).fetchall()
    if not rows:
        raise InvalidInput("La base n'a aucun dossier ouvert avec un solde dû : pas de versements à inventer.")
    draw = random.Random(f"{seed}-{on.isoformat()}")
    picked = (
        draw.sample(rows, min(count, len(rows))) if count <= len(rows) else [draw.choice(rows) for _ in range(count)]
    )
    ibans = _known_ibans([row[0] for row in picked])
    received = []
    for n, (dossier_id, reference, name, balance) in enumerate(picked, start=1):
        due = from_cents(balance)
        amount = due if draw.random() < 0.15 else min(due, Decimal(draw.choice((50, 80, 100, 150, 200, 300))))
        kind = draw.random()
        iban = ""
        if kind < 0.70:
            label = draw.choice(
                (f"DOSSIER {reference}", f"REF {reference.replace('-', ' ')}", f"Règlement {reference}")
            )
            payer = name
        elif kind < 0.85:
            label, payer = "VIREMENT", name
        elif kind < 0.95:  # a partial name, from the debtor's own account when the étude knows it
            label, payer, iban = "PAIEMENT", name.split(" ")[0], ibans.get(dossier_id, "")
        else:
            label, payer = "REMBOURSEMENT", "SCI INCONNUE DU DOSSIER"
        received.append(
            bank_formats.CamtCredit(
                amount=amount,
                booked_on=on,
                bank_reference=f"{on:%Y%m%d}{seed:04d}{n:06d}",
                end_to_end=f"E2E-{on:%Y%m%d}-{n:06d}",
                label=label,
                debtor_name=payer,
                debtor_iban=iban,
            )
        )
    return received


def _known_ibans(dossier_ids: list[int]) -> dict[int, str]:
    """The first IBAN the étude knows of a debtor of each dossier."""
    found: dict[int, str] = {}
    for part in _chunks(dossier_ids):
        marks = ", ".join("?" * len(part))
        for dossier_id, iban in database.execute_sql(
            raw_sql(
                'SELECT l."dossier_id", a."iban" FROM "dossier_debtor" l '
                'JOIN "debtor_bank_account" a ON a."debtor_id" = l."debtor_id" '
                f'WHERE l."dossier_id" IN ({marks}) AND a."iban" <> \'\' ORDER BY a."id"'
            ),
            list(part),
        ):
            found.setdefault(dossier_id, iban.replace(" ", ""))
    return found


def demo_statement_text(on: date, received: Sequence[bank_formats.CamtCredit]) -> str:
    total = sum((c.amount for c in received), Decimal(0))
    return f"{format_integer(len(received))} virement(s) reçu(s) le {format_date(on)}, {format_amount(total)}."
