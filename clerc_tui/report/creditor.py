"""The creditor report as a document that every output renders the same way: a title, then
blocks — headings, paragraphs, tables (columns, rows of text, a totals row) and horizontal
bar series (label, value, the value written out). The CSV (`report_csv`), the screen
(screens/statistics.py) and the PDF (report/pdf.py's `document_pdf`, joined at merge) all
draw `creditor_document(report)`; none of them computes a figure.

The report itself comes from services/creditor_report.py (handed in: report/ reads no base).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from typing import Any

from clerc_tui.rules.french import format_amount, format_date, format_integer, month_label
from clerc_tui.rules.text import inert, spreadsheet_safe

NO_COLLECTION = "Aucun encaissement sur la période"
NO_PLACED = "Aucune créance confiée"
PDF_MISSING = (
    "Le format PDF n'est pas encore disponible dans cette version de clerc : "
    "utilisez --format csv (le même tableau, pour un tableur)."
)
BOM = "\ufeff"  # Excel reads a UTF-8 CSV as such only with it (accents otherwise garbled)


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Column:
    title: str
    right: bool = False  # figures are right-aligned


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    totals: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal  # the bar's length is value / the series' largest
    text: str  # the value written out: colour or length never carry the meaning alone


@dataclass(frozen=True)
class BarSeries:
    title: str
    bars: tuple[Bar, ...]
    empty: str  # said instead of the bars when none has a value

    @property
    def has_data(self) -> bool:
        return any(b.value for b in self.bars)


Block = Heading | Paragraph | Table | BarSeries


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]


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


def _cell(line: Any, attribute: str, kind: str, money: Any) -> str:
    value = getattr(line, attribute)
    if kind == "amount":
        return money(value)
    if kind == "date":
        return format_date(value)
    return str(value)


def collections_series(report: Any) -> BarSeries:
    """Collections per month (24 bars, « janv. 25 »), for the report's creditor."""
    return BarSeries(
        "Encaissements par mois (versements reçus, contre-passations déduites)",
        tuple(Bar(month_label(m.month), m.collected, amount(m.collected)) for m in report.months),
        NO_COLLECTION,
    )


def recovery_series(report: Any) -> BarSeries:
    """Recovery rate by year of opening: collected for the creditor / claims placed."""
    return BarSeries(
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


def creditor_document(report: Any) -> Document:
    """The report as blocks (services/creditor_report.CreditorReport handed in)."""
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
    table = Table(
        tuple(Column(title, kind == "amount") for title, _, kind in COLUMNS),
        tuple(tuple(_cell(x, a, k, amount) for _, a, k in COLUMNS) for x in report.lines),
        tuple(
            "Total" if i == 0 else (amount(getattr(t, a)) if k == "amount" else "")
            for i, (_, a, k) in enumerate(COLUMNS)
        ),
    )
    blocks: list[Block] = [
        Paragraph(f"Période du {format_date(report.start)} au {format_date(report.end)}"),
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
        table,
    ]
    return Document(f"Rapport au créancier {report.creditor}", tuple(blocks))


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


def document_text(doc: Document, width: int = 100) -> str:
    """The document as plain text (bars in block characters): what the CLI prints when no
    file format is asked, and a reader of the PDF's content in tests."""
    lines = [doc.title, "=" * min(len(doc.title), width), ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            lines += ["", block.text, "-" * min(len(block.text), width)]
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, BarSeries):
            lines.append(block.title)
            lines += bar_lines(block, width) if block.has_data else [block.empty]
        else:
            lines.append(" | ".join(c.title for c in block.columns))
            lines += [" | ".join(row) for row in block.rows]
            if block.totals:
                lines.append(" | ".join(block.totals))
    return "\n".join(lines) + "\n"


EIGHTHS = " ▏▎▍▌▋▊▉"


def bar_text(value: Decimal, largest: Decimal, width: int) -> str:
    """A bar of `width` cells at most for `value` (eighths of a cell), empty for zero."""
    if largest <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, int(value * width * 8 / largest))
    full, rest = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


def bar_lines(series: BarSeries, width: int) -> list[str]:
    """One line per bar: label, the bar, the value written out."""
    label_width = max((len(b.label) for b in series.bars), default=0)
    text_width = max((len(b.text) for b in series.bars), default=0)
    room = max(width - label_width - text_width - 2, 4)
    largest = max((b.value for b in series.bars), default=Decimal(0))
    return [
        f"{b.label:<{label_width}} {bar_text(b.value, largest, room):<{room}} {b.text:>{text_width}}"
        for b in series.bars
    ]


def pdf_renderer():
    """report/pdf.py's `document_pdf(doc) -> bytes` when this clerc has it, else None (the
    PDF output is written by another part of clerc: until it is there, PDF is refused)."""
    try:
        return import_module("clerc_tui.report.pdf").document_pdf
    except (ImportError, AttributeError):
        return None
