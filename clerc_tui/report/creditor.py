"""The creditor report as blocks (report/blocks.py): the period, the summary, the two charts
(collections per month, recovery rate by year of opening), the dossiers' table with its totals
row. The PDF (report/pdf.py's `document_pdf`) prints `creditor_document(report)`; the screen
(screens/statistics.py) draws the same two charts; the CSV (`report_csv`) has the same columns
and figures. None of them computes a figure.

The report itself comes from services/creditor_report.py (handed in: report/ reads no base).
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from clerc_tui.report.blocks import Bar, BarChart, Block, Column, Heading, Paragraph, PdfDocument, TableBlock
from clerc_tui.rules.french import format_amount, format_date, format_integer, month_label
from clerc_tui.rules.text import inert, spreadsheet_safe

NO_COLLECTION = "Aucun encaissement sur la période"
NO_PLACED = "Aucune créance confiée"
BOM = "\ufeff"  # Excel reads a UTF-8 CSV as such only with it (accents otherwise garbled)


def amount(value: Decimal) -> str:
    return format_amount(value)


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{str(value).replace('.', ',')}\u00a0%"


# (title, attribute, kind): the report's columns, in order; kind "amount", "date" or "text".
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Dossier", "reference", "text"),
    ("Débiteur", "debtor", "text"),
    ("Phase", "phase", "text"),
    ("Versé période", "paid_period", "amount"),
    ("Versé cumul", "paid_total", "amount"),
    ("Encaissé période", "collected_period", "amount"),
    ("Encaissé cumul", "collected_total", "amount"),
    ("Frais d'actes", "act_fees", "amount"),
    ("Débours", "disbursements", "amount"),
    ("A444-31", "a444_31", "amount"),
    ("Retenu créancier", "creditor_charged", "amount"),
    ("Reversé période", "remitted_period", "amount"),
    ("Reversé cumul", "remitted_total", "amount"),
    ("À reverser", "due", "amount"),
    ("Solde dû", "balance", "amount"),
    ("Prochaine échéance", "next_due", "date"),
    ("À faire", "next_step", "text"),
)


WRAPPED = frozenset({"debtor", "next_step"})  # the only columns whose text may run on two lines


def _cell(line: Any, attribute: str, kind: str, money: Any) -> str:
    value = getattr(line, attribute)
    if kind == "amount":
        return money(value)
    if kind == "date":
        return format_date(value)
    return str(value)


def collections_series(report: Any) -> BarChart:
    """Collections per month (24 bars, « janv. 25 »), for the report's creditor."""
    return BarChart(
        "Encaissements par mois (versements reçus, contre-passations déduites)",
        tuple(Bar(month_label(m.month), m.collected, amount(m.collected)) for m in report.months),
        NO_COLLECTION,
    )


def recovery_series(report: Any) -> BarChart:
    """Recovery rate by year of opening: collected for the creditor / claims placed."""
    return BarChart(
        "Taux de recouvrement par année d'ouverture (encaissé pour le créancier / créances confiées)",
        tuple(
            Bar(
                str(y.year),
                y.rate or Decimal(0),
                f"{percent(y.rate)} ({format_integer(y.dossiers)} dossier{'s' if y.dossiers > 1 else ''})",
            )
            for y in report.years
        ),
        NO_PLACED,
    )


def creditor_document(report: Any, letterhead: tuple[str, ...] = ()) -> PdfDocument:
    """The report as a document (services/creditor_report.CreditorReport handed in), under the
    étude's `letterhead` (services/etude.letterhead); A4 landscape: the table has 17 columns."""
    t = report.totals
    summary = (
        f"{format_integer(len(report.lines))} dossier(s). Sur la période : versé par les débiteurs "
        f"{amount(t.paid_period)}, encaissé pour le créancier {amount(t.collected_period)}, reversé "
        f"{amount(t.remitted_period)}. À la fin de la période : encaissé {amount(t.collected_total)}, reversé "
        f"{amount(t.remitted_total)}, à reverser {amount(t.due)}, reste dû par les débiteurs {amount(t.balance)}."
    )
    hors = sum(1 for x in report.lines if not x.with_interest)
    notes = (
        f"{format_integer(hors)} solde(s) hors intérêts (décompte impossible : taux manquant, pas de date de départ)."
        if hors
        else ""
    )
    # On paper the amounts go without « € » (said once above the table) and the headers one word a
    # line: 17 columns fit across A4 landscape without breaking a figure or a reference.
    figure = functools.partial(format_amount, currency=False)
    rows = tuple(tuple(_cell(x, a, k, figure) for _, a, k in COLUMNS) for x in report.lines)
    totals = tuple(
        "Total" if i == 0 else (figure(getattr(t, a)) if k == "amount" else "") for i, (_, a, k) in enumerate(COLUMNS)
    )
    table = TableBlock(
        tuple(
            Column(title.replace(" ", "\n"), "R" if kind == "amount" else "L", wrap=attribute in WRAPPED)
            for title, attribute, kind in COLUMNS
        ),
        (*rows, totals),
        bold_rows=frozenset({len(rows)}),
    )
    blocks: list[Block] = [
        Paragraph(f"Période du {format_date(report.start)} au {format_date(report.end)}", bold=True),
        Paragraph(summary),
    ]
    if notes:
        blocks.append(Paragraph(notes))
    blocks += [
        Heading("Encaissements"),
        collections_series(report),
        Heading("Recouvrement"),
        recovery_series(report),
        Heading("Dossiers"),
        Paragraph("Montants en euros ; solde dû à la fin de la période, intérêts compris.", muted=True),
        table,
    ]
    period = f"du {format_date(report.start)} au {format_date(report.end)}"
    title = f"Rapport au créancier {report.creditor}"
    return PdfDocument(title, tuple(blocks), letterhead, footer=f"{title} {period}", landscape=True)


def report_csv(report: Any) -> str:
    """The dossiers' table as CSV for a spreadsheet: `;` separated, French decimals without
    grouping (« 1234,50 »), dates JJ/MM/AAAA, UTF-8 with a BOM (Excel), a totals row; every
    cell inert and formula-safe (a name « =HYPERLINK(…) » stays text)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")

    def plain(value: Decimal) -> str:
        return format_amount(value, currency=False, grouping=False)

    def safe(cells: Sequence[str]) -> list[str]:
        return [spreadsheet_safe(inert(c, multiline=False)) for c in cells]

    writer.writerow(safe([title for title, _, _ in COLUMNS]))
    for x in report.lines:
        writer.writerow(safe([_cell(x, a, k, plain) for _, a, k in COLUMNS]))
    t = report.totals
    writer.writerow(safe(["Total"] + [plain(getattr(t, a)) if k == "amount" else "" for _, a, k in COLUMNS[1:]]))
    return BOM + out.getvalue()
