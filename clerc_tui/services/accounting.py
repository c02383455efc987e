"""Ledger entries over a period in the layout of the Fichier des Écritures Comptables (FEC).

The étude's certified accounting software stays the book of record: this export feeds it.
Columns and formats follow art. A47 A-1 LPF (18 columns, `|` separator, dates AAAAMMJJ,
amounts with a decimal comma). Each ledger entry gives a balanced pair (or triple) of lines.
The chart of accounts below is a simple default to be validated by the étude's accountant:
512 banque (fonds de tiers), 467 compte du dossier (auxiliary = dossier reference),
706 émoluments, 44571 TVA collectée, 708 débours refacturés.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from clerc_tui.errors import InvalidInput
from clerc_tui.models import Dossier, LedgerEntry
from clerc_tui.rules.french import format_amount
from clerc_tui.rules.ledger import DISBURSEMENT, FEE, PAYMENT, REFUND, REMITTANCE, REVERSAL
from clerc_tui.rules.money import ZERO
from clerc_tui.rules.text import inert
from clerc_tui.rules.vocabulary import LEDGER_KINDS

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
ACCOUNTS = {
    "512": "Banque - fonds de tiers",
    "467": "Comptes des dossiers",
    "706": "Emoluments",
    "44571": "TVA collectee",
    "708": "Debours refactures",
}
JOURNALS = {
    FEE: ("VE", "Ventes"),
    DISBURSEMENT: ("VE", "Ventes"),
    PAYMENT: ("BQ", "Banque"),
    REMITTANCE: ("BQ", "Banque"),
    REFUND: ("BQ", "Banque"),
}


def _amount(value: Decimal) -> str:
    return format_amount(value, currency=False, grouping=False)


def _clean(text: str) -> str:
    # One field of one line: no separator, no line break, no control character (old data).
    text = (text or "").replace("|", "/").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return inert(text, multiline=False)


def _legs(kind: str, amount: Decimal, breakdown: str) -> list[tuple[str, Decimal, Decimal]]:
    """(account, debit, credit) of one entry, before any reversal."""
    if kind == FEE:
        tva = ZERO
        if breakdown:
            detail = json.loads(breakdown)
            tva = Decimal(detail.get("tva", "0"))
            if "tva" not in detail and "ttc" in detail:  # A444-32 retained: TVA included, not split
                tva = ZERO
        return [("467", amount, ZERO), ("706", ZERO, amount - tva)] + ([("44571", ZERO, tva)] if tva else [])
    if kind == DISBURSEMENT:
        return [("467", amount, ZERO), ("708", ZERO, amount)]
    if kind == PAYMENT:
        return [("512", amount, ZERO), ("467", ZERO, amount)]
    return [("467", amount, ZERO), ("512", ZERO, amount)]  # remittance, refund


def fec_lines(
    start: date, end: date, *, sep: str = "|", progress: Callable[[int, int], None] | None = None
) -> list[str]:
    """The FEC lines of the entries dated within [start, end]; `progress(done, total)` is told
    every 1 000 entries (a year of a large étude: some seconds)."""
    if end < start:
        raise InvalidInput("La fin de la période précède son début.")
    query = (
        LedgerEntry.select(LedgerEntry, Dossier)
        .join(Dossier)
        .where(LedgerEntry.entry_date.between(start, end))
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)
    )
    lines = [sep.join(COLUMNS)]
    total = query.count() if progress is not None else 0
    for done, e in enumerate(query, 1):
        if progress is not None and done % 1000 == 0:
            progress(done, total)
        kind, breakdown, sign = e.kind, e.breakdown, 1
        if kind == REVERSAL:
            target = LedgerEntry.get_by_id(e.reverses_id)
            kind, breakdown, sign = target.kind, target.breakdown, -1
        journal, journal_label = JOURNALS[kind]
        day = e.entry_date.strftime("%Y%m%d")
        piece = e.document_number or f"E{e.id}"
        for account, debit, credit in _legs(kind, e.amount, breakdown):
            if sign < 0:
                debit, credit = credit, debit
            aux, aux_label = (e.dossier.reference, _clean(e.dossier.debtor_name)) if account == "467" else ("", "")
            lines.append(
                sep.join(
                    (
                        journal,
                        journal_label,
                        str(e.id),
                        day,
                        account,
                        ACCOUNTS[account],
                        aux,
                        aux_label,
                        _clean(piece),
                        day,
                        _clean(e.label or e.reason or LEDGER_KINDS[kind]),
                        _amount(debit),
                        _amount(credit),
                        "",
                        "",
                        e.created_at.strftime("%Y%m%d"),
                        "",
                        "",
                    )
                )
            )
    if progress is not None:
        progress(total, total)
    return lines
