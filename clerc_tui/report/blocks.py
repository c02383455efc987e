"""Documents as data: a title, then blocks — headings, paragraphs, tables, horizontal bar charts,
page breaks — that every output draws the same way: report/pdf.py's `document_pdf` lays a
`PdfDocument` out on paper, widgets/charts.py draws a `BarChart` in the terminal. The creditor
report (report/creditor.py), the décompte (report/statement.py via `renderable_blocks`) and the
statistics screen build them; no renderer computes a figure.

No fpdf here (it costs ~0.5 s to import): a screen or a CSV that uses these blocks never pays for
the PDF writer. Text is stored as given: each renderer makes it inert its own way.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Align = Literal["L", "R", "C"]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: section, 2: sub-section (a table's or a chart's title)


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    muted: bool = False  # grey: conventions, notes
    align: Align = "L"


@dataclass(frozen=True)
class Column:
    header: str
    align: Align = "L"  # figures and amounts "R"
    wrap: bool = True  # False: dates, figures, amounts, never broken across lines


@dataclass(frozen=True)
class TableBlock:
    """Rows of cells under headers repeated at the top of each page the table runs onto.
    A row in `bold_rows` (indexes) is printed bold (a totals row), one in `struck_rows` struck
    through and grey (a reversed payment)."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    show_header: bool = True
    bold_rows: frozenset[int] = frozenset()
    struck_rows: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal  # the bar's length is value / the chart's largest (0 or less: no bar)
    text: str  # the value as printed (« 1 234,56 € », « 42 % »): colour or length never carry it alone


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per line, scaled on the largest value; `empty` is said instead of
    the bars when none has a value (« Aucun encaissement sur la période »)."""

    title: str
    bars: tuple[Bar, ...]
    empty: str = ""

    @property
    def has_data(self) -> bool:
        return any(b.value for b in self.bars)


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | TableBlock | BarChart | PageBreak


@dataclass(frozen=True)
class PdfDocument:
    """A titled document; on paper, the étude's letterhead on the first page (its first line on
    the others) and `footer` with « page n/N » at the foot of every page."""

    title: str
    blocks: tuple[Block, ...]
    letterhead: tuple[str, ...] = ()
    footer: str = ""  # e.g. « Décompte 2026-000124 au 26/11/2026 »
    landscape: bool = False  # A4 turned: room for a wide table (the creditor report's 17 columns)
