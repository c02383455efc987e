"""Printable invoices (factures, avoirs) and receipts (reçus), in French, text or HTML.

An invoice shows the act's breakdown (émolument × coefficient, DEP, déplacement, TVA,
taxe forfaitaire) and every « à confirmer » mark of the tariff rows it used.
"""

from __future__ import annotations

import html
import json
from decimal import Decimal

from clerc_tui.errors import InvalidInput
from clerc_tui.models import Etude, LedgerEntry
from clerc_tui.models.ledger import CREDITOR, LEDGER_KINDS, PAYMENT, PAYMENT_MODES, REVERSAL
from clerc_tui.rules.dates import format_date
from clerc_tui.rules.money import format_amount


def entry_by_number(number: str) -> LedgerEntry:
    entry = LedgerEntry.get_or_none(LedgerEntry.document_number == (number or "").strip().upper())
    if entry is None:
        raise InvalidInput(f"Aucune facture ni aucun reçu ne porte le numéro « {number} ».")
    return entry


def document_lines(entry: LedgerEntry) -> tuple[str, list[tuple[str, str]], list[str]]:
    """(title, [(label, amount)], notes) of the document an entry carries."""
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
        return title, rows, notes
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
    return title, rows, notes


def _imputation(entry: LedgerEntry) -> list[tuple[str, str]]:
    from clerc_tui.errors import ClercError
    from clerc_tui.services.statement import dossier_statement

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


def document_text(entry: LedgerEntry) -> str:
    title, rows, notes = document_lines(entry)
    width = max((len(label) for label, _ in rows), default=10) + 2
    out = [*notes[:3], "", title, "=" * len(title), ""]
    out += [f"{label:<{width}}{value}" for label, value in rows]
    if notes[3:]:
        out += [""] + [f"* {n}" for n in notes[3:]]
    return "\n".join(out) + "\n"


def document_html(entry: LedgerEntry) -> str:
    title, rows, notes = document_lines(entry)
    e = html.escape
    body = "".join(f"<tr><th>{e(label)}</th><td>{e(value)}</td></tr>" for label, value in rows)
    header = "<br>".join(e(n) for n in notes[:3])
    extra = "".join(f"<li>{e(n)}</li>" for n in notes[3:])
    return (f"<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{e(title)}</title>"
            "<style>body{font-family:sans-serif;max-width:42em;margin:2em auto}th{text-align:left;padding-right:2em}"
            "td{text-align:right}</style></head>"
            f"<body><p>{header}</p><h1>{e(title)}</h1><table>{body}</table>"
            + (f"<ul>{extra}</ul>" if extra else "") + "</body></html>\n")


def kind_label(entry: LedgerEntry) -> str:
    return LEDGER_KINDS.get(entry.kind, entry.kind)
