"""The data of printable invoices (factures, avoirs) and receipts (reçus): what
`report/documents.py` prints. An invoice lists the act's breakdown (émolument ×
coefficient, DEP, déplacement, TVA, taxe forfaitaire) and every « à confirmer » mark of
the tariff rows it used; a receipt says how the payment was imputed.

A document is frozen when its number is issued (`freeze`, in the write transaction of its
entry, m0012): its data is stored and every reprint reads it back, marked « DUPLICATA »,
so that a later payment the same day, a new rate or a changed address never alters it. A
receipt whose payment was reversed reprints « ANNULÉ — chèque rejeté le … »; an invoice
cancelled by a credit note, « ANNULÉE par l'avoir … ». A document issued before m0012 has no
stored data: it is recomputed from the ledger and marked « reconstitué » (docs/law/documents.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.models import DocumentSnapshot, LedgerEntry
from clerc_tui.rules.french import format_amount, format_date, format_decimal, format_percent
from clerc_tui.rules.ledger import CREDITOR, PAYMENT, REVERSAL
from clerc_tui.rules.vocabulary import PAYMENT_MODES
from clerc_tui.services.etude import letterhead
from clerc_tui.services.statement import dossier_statement

if TYPE_CHECKING:
    from clerc_tui.services.ledger import Entry


@dataclass(frozen=True)
class Document:
    title: str
    rows: list[tuple[str, str]]
    # The étude's name and address (first three), then remarks (motif, tariff marks).
    notes: list[str] = field(default_factory=list)
    # Printed above the title of a reprint: « DUPLICATA », « ANNULÉ — chèque rejeté le … ».
    marks: list[str] = field(default_factory=list)


DUPLICATA = "DUPLICATA"
RECONSTITUTED = (
    "DUPLICATA reconstitué : document émis avant l'archivage des documents (version 12), "
    "recalculé à partir des écritures"
)


def freeze(entry: LedgerEntry) -> None:
    """Store the document an entry carries as it is issued (inside the entry's transaction)."""
    document = _document(entry)
    DocumentSnapshot.create(
        document_number=entry.document_number,
        entry=entry.id,
        issued_at=datetime.now(),
        data=json.dumps({"title": document.title, "rows": document.rows, "notes": document.notes}, ensure_ascii=False),
    )


def _frozen(entry: LedgerEntry) -> Document | None:
    snapshot = DocumentSnapshot.get_or_none(DocumentSnapshot.document_number == entry.document_number)
    if snapshot is None:
        return None
    data = json.loads(snapshot.data)
    return Document(data["title"], [tuple(row) for row in data["rows"]], list(data["notes"]))


def document_by_number(number: str) -> Document:
    """A reprint: the document as issued, marked « DUPLICATA » (and « ANNULÉ … » when its
    payment or invoice was cancelled since)."""
    entry = LedgerEntry.get_or_none(LedgerEntry.document_number == (number or "").strip().upper())
    if entry is None:
        raise InvalidInput(f"Aucune facture ni aucun reçu ne porte le numéro « {number} ».")
    document = _frozen(entry)
    marks = [DUPLICATA] if document is not None else [RECONSTITUTED]
    document = document or _document(entry)
    cancelled = _cancellation(entry)
    return Document(document.title, document.rows, document.notes, marks + ([cancelled] if cancelled else []))


def document_of(entry: Entry) -> Document:
    """The original of an entry just written (an invoice after `bill_act`, a receipt…)."""
    row = LedgerEntry.get_by_id(entry.id)
    return _frozen(row) or _document(row)


def _cancellation(entry: LedgerEntry) -> str:
    """« ANNULÉ — chèque rejeté le … » for a receipt whose payment was reversed, « ANNULÉE par
    l'avoir … » for an invoice cancelled by a credit note; "" otherwise."""
    if entry.kind == REVERSAL:
        return ""
    reversal = LedgerEntry.get_or_none(LedgerEntry.reverses == entry.id)
    if reversal is None:
        return ""
    on = format_date(reversal.entry_date)
    if entry.kind == PAYMENT:
        if entry.mode == "cheque":
            return f"ANNULÉ — chèque rejeté le {on}"
        return f"ANNULÉ — paiement annulé le {on} (motif : {reversal.reason})"
    if reversal.document_number:
        return f"ANNULÉE par l'avoir {reversal.document_number} du {on}"
    return f"ANNULÉE le {on} (motif : {reversal.reason})"


def _document(entry: LedgerEntry) -> Document:
    """The invoice, credit note or receipt an entry carries."""
    dossier = entry.dossier
    notes = list(letterhead())  # always three lines (some empty): the remarks never climb into the header
    rows: list[tuple[str, str]] = []
    if entry.kind == PAYMENT:
        title = f"Reçu n° {entry.document_number}"
        mode = PAYMENT_MODES.get(entry.mode, entry.mode) if entry.mode else "—"
        rows += [
            ("Dossier", dossier.reference),
            ("Débiteur", dossier.debtor_name),
            ("Créancier", dossier.creditor_name),
            ("Date du paiement", format_date(entry.entry_date)),
            ("Mode", mode),
            ("Payeur", entry.payer or "—"),
            ("Référence", entry.bank_reference or "—"),
            ("Montant reçu", format_amount(entry.amount)),
        ]
        rows += _imputation(entry)
        return Document(title, rows, notes)
    target = LedgerEntry.get_by_id(entry.reverses_id) if entry.kind == REVERSAL else entry
    title = (
        f"Facture d'avoir n° {entry.document_number} (annule la facture {target.document_number})"
        if entry.kind == REVERSAL
        else f"Facture n° {entry.document_number}"
    )
    billed_to = dossier.creditor_name if target.bearer == CREDITOR else f"{dossier.debtor_name} (débiteur)"
    rows += [
        ("Date", format_date(entry.entry_date)),
        ("Dossier", dossier.reference),
        ("Facturé à", billed_to),
        ("Objet", target.label),
    ]
    detail = json.loads(target.breakdown) if target.breakdown else {}
    sign = Decimal(-1) if entry.kind == REVERSAL else Decimal(1)

    def money(key):
        return format_amount(sign * Decimal(detail[key]))

    if "emolument" in detail:
        label = (
            f"Émolument {detail['article']} : {format_amount(Decimal(detail['base']))} × "
            f"{format_decimal(Decimal(detail['coefficient']))}"
        )
        rows.append((label, money("emolument")))
        if Decimal(detail["dep"]):
            rows.append(("Droit d'engagement des poursuites", money("dep")))
        if Decimal(detail["travel"]):
            rows.append(("Frais de déplacement", money("travel")))
        rows += [("Total HT", money("ht")), (f"TVA {format_percent(Decimal(detail['tva_rate']))}", money("tva"))]
        if Decimal(detail["flat_tax"]):
            rows.append(("Taxe forfaitaire (art. 302 bis Y CGI)", money("flat_tax")))
    rows.append(("Total TTC", format_amount(sign * target.amount)))
    if entry.kind == REVERSAL:
        notes.append(f"Motif : {entry.reason}")
    for mark in detail.get("marks", ()):
        notes.append(f"Tarif {mark}")
    return Document(title, rows, notes)


def _imputation(entry: LedgerEntry) -> list[tuple[str, str]]:
    try:
        statement = dossier_statement(entry.dossier_id, entry.entry_date)
    except ClercError:
        return [("Imputation", "décompte indisponible")]
    for line in statement.payments:
        if line.payment.ref == str(entry.id):
            a = line.allocation
            return [
                ("Imputé sur les frais", format_amount(a.frais)),
                ("Imputé sur les intérêts", format_amount(a.interets)),
                ("Imputé sur le principal", format_amount(a.principal)),
                ("Restant dû après paiement", format_amount(line.balance_after)),
            ]
    return []
