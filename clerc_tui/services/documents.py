"""The data of printable invoices (factures, avoirs) and receipts (reçus): what
`report/documents.py` prints. An invoice lists the act's breakdown (émolument ×
coefficient, DEP, déplacement, TVA, taxe forfaitaire) and every « à confirmer » mark of
the tariff rows it used; a receipt says how the payment was imputed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.models import Etude, LedgerEntry
from clerc_tui.models.ledger import CREDITOR, PAYMENT, PAYMENT_MODES, REVERSAL
from clerc_tui.rules.dates import format_date
from clerc_tui.rules.money import format_amount
from clerc_tui.services.statement import dossier_statement


@dataclass(frozen=True)
class Document:
    title: str
    rows: list[tuple[str, str]]
    # The étude's name and address (first three), then remarks (motif, tariff marks).
    notes: list[str] = field(default_factory=list)


def document_by_number(number: str) -> Document:
    entry = LedgerEntry.get_or_none(LedgerEntry.document_number == (number or "").strip().upper())
    if entry is None:
        raise InvalidInput(f"Aucune facture ni aucun reçu ne porte le numéro « {number} ».")
    return _document(entry)


def document_of(entry: LedgerEntry) -> Document:
    """The document of an entry just written (an invoice after `bill_act`, a receipt…)."""
    return _document(entry)


def _document(entry: LedgerEntry) -> Document:
    """The invoice, credit note or receipt an entry carries."""
    etude = Etude.select().first()
    dossier = entry.dossier
    header = [etude.name if etude else "Étude", (etude.address or "").replace("\n", ", ") if etude else "",
              f"{etude.postcode} {etude.city}".strip() if etude else ""]
    notes = [h for h in header if h]
    rows: list[tuple[str, str]] = []
    if entry.kind == PAYMENT:
        title = f"Reçu n° {entry.document_number}"
        mode = PAYMENT_MODES.get(entry.mode, entry.mode) if entry.mode else "—"
        rows += [("Dossier", dossier.reference), ("Débiteur", dossier.debtor_name), ("Créancier", dossier.creditor_name),
                 ("Date du paiement", format_date(entry.entry_date)), ("Mode", mode),
                 ("Payeur", entry.payer or "—"), ("Référence", entry.bank_reference or "—"),
                 ("Montant reçu", format_amount(entry.amount))]
        rows += _imputation(entry)
        return Document(title, rows, notes)
    target = LedgerEntry.get_by_id(entry.reverses_id) if entry.kind == REVERSAL else entry
    title = (f"Facture d'avoir n° {entry.document_number} (annule la facture {target.document_number})"
             if entry.kind == REVERSAL else f"Facture n° {entry.document_number}")
    billed_to = dossier.creditor_name if target.bearer == CREDITOR else f"{dossier.debtor_name} (débiteur)"
    rows += [("Date", format_date(entry.entry_date)), ("Dossier", dossier.reference), ("Facturé à", billed_to),
             ("Objet", target.label)]
    detail = json.loads(target.breakdown) if target.breakdown else {}
    sign = Decimal(-1) if entry.kind == REVERSAL else Decimal(1)

    def money(key):
        return format_amount(sign * Decimal(detail[key]))

    if "emolument" in detail:
        label = (f"Émolument {detail['article']} : {detail['base'].replace('.', ',')} € × "
                 f"{detail['coefficient'].replace('.', ',')}")
        rows.append((label, money("emolument")))
        if Decimal(detail["dep"]):
            rows.append(("Droit d'engagement des poursuites", money("dep")))
        if Decimal(detail["travel"]):
            rows.append(("Frais de déplacement", money("travel")))
        rows += [("Total HT", money("ht")), (f"TVA {detail['tva_rate'].replace('.', ',')} %", money("tva"))]
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
            return [("Imputé sur les frais", format_amount(a.frais)), ("Imputé sur les intérêts", format_amount(a.interets)),
                    ("Imputé sur le principal", format_amount(a.principal)),
                    ("Restant dû après paiement", format_amount(line.balance_after))]
    return []
