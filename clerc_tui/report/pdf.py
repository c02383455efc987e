"""PDF output: documents made of blocks, batches of letters for window envelopes, the décompte.

Everything here renders data handed in (report/ imports rules only): a `PdfDocument` of blocks
(`document_pdf`; the blocks live in report/blocks.py, which the screens share without importing
fpdf), a batch of `Letter`s (`letters_pdf`), or a Rich renderable already built for the text and
HTML formats (`renderable_blocks`: the décompte's rows are laid out once, in
report/statement.py, and the PDF shows the same cells).

The font is DejaVu Sans 2.37, shipped in clerc_tui/data/fonts/ with its licence (docs/pdf.md):
French accents, « », €, the no-break spaces U+00A0 (which `format_amount` prints) and U+202F
render on any machine clerc is installed on; fpdf2 embeds only the glyphs used (subsetting).
fpdf2 costs ~0.5 s to import: it is imported inside the functions that write a PDF.

User text is inert (docs/trust.md): control and bidi characters become a visible placeholder
(`rules.text.inert`), a character the font lacks becomes « � », and nothing is read as markup
(fpdf2's markdown stays off, text is written as glyph ids, never as PDF syntax).
"""

from __future__ import annotations

import copy
import functools
import importlib.resources
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from clerc_tui.report.blocks import (
    Align,
    Bar,
    BarChart,
    Block,
    Column,
    Heading,
    Paragraph,
    PdfDocument,
    TableBlock,
)
from clerc_tui.rules.text import inert

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    from clerc_tui.rules import amicable

FONT_FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
REPLACEMENT = "\ufffd"

# A4 portrait; sizes in millimetres, font sizes in points.
MARGIN = 18.0
BODY_SIZE = 10.0
TABLE_SIZE = 8.5
TABLE_SIZES = (TABLE_SIZE, 7.5, 6.5, 6.0)  # a wide table is set smaller rather than broken letter by letter
SMALL_SIZE = 7.5
GREY = (110, 110, 110)
BAR_FILL = (70, 110, 160)
CELL_PADDING = 1.0


# --- letters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """One letter of a batch, as data: the recipient block goes in the envelope's window."""

    recipient_lines: tuple[str, ...]
    sender_lines: tuple[str, ...]
    place_date: str  # « Lyon, le 26/11/2026 »
    reference: str
    subject: str
    paragraphs: tuple[str, ...]
    signature: tuple[str, ...] = field(default_factory=tuple)


# Window envelope (docs/pdf.md): DL 110 × 220 mm, window 100 × 45 mm. On the A4 sheet folded in
# three, the address block starts 100 mm from the left edge and 50 mm from the top (AFNOR
# NF Z 11-001: ~5 cm from the top, ~11 cm from the right edge), left-aligned, 6 lines of 38
# characters at most (NF Z 10-011, La Poste).
ADDRESS_X = 100.0
ADDRESS_Y = 50.0
ADDRESS_WIDTH = 95.0
FOLD_MARKS = (99.0, 198.0)  # a tick in the left margin where the sheet is folded in three


# --- text made safe -----------------------------------------------------------------------


@functools.cache
def _font_paths() -> dict[str, str]:
    """The shipped TTF files, found from the installed package (not the source tree)."""
    fonts = importlib.resources.files("clerc_tui.data").joinpath("fonts")
    paths = {}
    for style, name in FONT_FILES.items():
        resource = fonts.joinpath(name)
        # Installed as files (wheel, editable): a real path. A zipped install would need as_file().
        paths[style] = str(resource)
    return paths


@functools.cache
def _coverage() -> frozenset[int]:
    """The code points both shipped faces draw (the cmaps fpdf2 read, `_parsed_faces`)."""
    drawn: set[int] | None = None
    for face in _parsed_faces().values():
        cmap = set(face.cmap)
        drawn = cmap if drawn is None else drawn & cmap
    return frozenset(drawn or ())


def safe(text: object, *, multiline: bool = False) -> str:
    """`text` as the PDF may print it: control and bidi characters made visible (`inert`),
    tabs as spaces, line breaks kept only when `multiline`, and what the font cannot draw as « � »."""
    value = inert("" if text is None else str(text).replace("\r\n", "\n").replace("\t", " "))
    if not multiline:
        value = value.replace("\n", " ")
    drawn = _coverage()
    if all(ord(ch) in drawn or ch == "\n" for ch in value):
        return value
    return "".join(ch if ord(ch) in drawn or ch == "\n" else REPLACEMENT for ch in value)


# --- the PDF writer ----------------------------------------------------------------------


@functools.cache
def _parsed_faces() -> dict[str, TTFFont]:
    """Each shipped face as fpdf2's `add_font` reads it (cmap, widths, glyph ids, descriptor: ~25 ms
    of CPU a face), and the font tables fontTools reads again when a document is written, once
    per process. Never written out: each document gets a copy (`_add_faces`)."""
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    reader = FPDF()
    faces = {}
    for style, path in _font_paths().items():
        reader.add_font(FONT_FAMILY, style, path)
        face = reader.fonts[FONT_FAMILY.lower() + style]
        assert isinstance(face, TTFFont)
        for tag in _READ_ONCE:  # read now, and the character maps each read too: documents copy them
            face.ttfont[tag]
        face.ttfont["cmap"].ensureDecompiled()
        faces[style] = face
    return faces


# Tables fpdf2 leaves out of the embedded subset (its `drop_tables`; the kern table goes with
# them: fontTools drops it when GPOS is there), which fontTools still reads before dropping them
# (their lookups: ~5 ms a face): taken out of the document's font before it is written.
_NOT_EMBEDDED = ("GSUB", "GPOS", "GDEF", "kern")
# Tables fontTools reads whole to subset a document's font (the glyph names, the widths, the
# character maps: ~12 ms a face), which its subsetter replaces rather than changes: each
# attribute it subsets (`metrics`, `extraNames`, a character map's `cmap`, the list of maps) is
# given a new value, never changed in place. A document's font gets a shallow copy of each, and of
# each character map, read once per process.
_READ_ONCE = ("post", "hmtx", "cmap")


def _add_faces(pdf: FPDF) -> None:
    """The two faces added to `pdf` as `add_font` adds them, without parsing them again.

    What `add_font` reads from the file is the same for every document and is shared (the cmap,
    the glyph ids, the names and metrics); what a document changes is its own: the subset of the
    glyphs it uses (`SubsetMap`), the glyphs it missed, its biggest size, the widths (a
    defaultdict, which grows on a look-up), the font descriptor (given its object number and font
    file when written) and the fontTools `TTFont`, which fpdf2 subsets in place when the document
    is written, opened from the file as `add_font` opens it, with copies of the tables read once
    (`_READ_ONCE`) and without those fpdf2 does not embed. The bytes written are those of
    `add_font` (tests/report/test_pdf.py compares them, documents made in any order)."""
    from fontTools.ttLib import TTFont
    from fpdf.fonts import SubsetMap

    for face in _parsed_faces().values():
        font = copy.copy(face)
        font.i = len(pdf.fonts) + 1
        font.ttfont = TTFont(face.ttffile, recalcTimestamp=False, fontNumber=face.collection_font_number, lazy=True)
        for tag in _NOT_EMBEDDED:
            if tag in font.ttfont:
                del font.ttfont[tag]
        read = face.ttfont
        font.ttfont.setGlyphOrder(list(read.getGlyphOrder()))
        for tag in _READ_ONCE:
            font.ttfont.tables[tag] = copy.copy(read[tag])
        font.ttfont.tables["cmap"].tables = [copy.copy(table) for table in read["cmap"].tables]
        font.cw = copy.copy(face.cw)
        font.desc = copy.copy(face.desc)  # written out with the document's own object number and font file
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font._hbfont = None
        font.subset = SubsetMap(font)
        pdf.fonts[face.fontkey] = font


def _new_pdf(cls: type[FPDF] | None = None, *, landscape: bool = False) -> FPDF:
    from fpdf import FPDF

    pdf = (cls or FPDF)(orientation="landscape" if landscape else "portrait", unit="mm", format="A4")
    _add_faces(pdf)
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_creator("clerc")
    pdf.set_lang("fr-FR")  # readers and screen readers read the text as French
    return pdf


def _bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def _document_class() -> type[FPDF]:
    from fpdf import FPDF

    class DocumentPDF(FPDF):
        letterhead: tuple[str, ...] = ()
        footer_text = ""

        def header(self) -> None:
            if not self.letterhead:
                return
            if self.page_no() == 1:
                self.set_font(FONT_FAMILY, "B", BODY_SIZE)
                self.cell(0, 5, self.letterhead[0], new_x="LMARGIN", new_y="NEXT")
                self.set_font(FONT_FAMILY, "", SMALL_SIZE)
                for line in self.letterhead[1:]:
                    self.cell(0, 3.6, line, new_x="LMARGIN", new_y="NEXT")
                self.ln(4)
            else:
                self.set_font(FONT_FAMILY, "", SMALL_SIZE)
                self.set_text_color(*GREY)
                self.cell(0, 4, self.letterhead[0], new_x="LMARGIN", new_y="NEXT")
                self.set_text_color(0)
                self.ln(2)
            self.set_font(FONT_FAMILY, "", BODY_SIZE)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT_FAMILY, "", SMALL_SIZE)
            self.set_text_color(*GREY)
            self.cell(0, 4, self.footer_text, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 4, f"page {self.page_no()}/{{nb}}", align="R")
            self.set_text_color(0)

    return DocumentPDF


def document_pdf(doc: PdfDocument) -> bytes:
    """The document as PDF bytes (A4, portrait or landscape)."""
    pdf: Any = _new_pdf(_document_class(), landscape=doc.landscape)
    pdf.letterhead = tuple(safe(line) for line in doc.letterhead)
    pdf.footer_text = safe(doc.footer)
    pdf.set_title(safe(doc.title))
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 14)
    pdf.multi_cell(0, 7, safe(doc.title), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for block in doc.blocks:
        _block(pdf, block)
    return _bytes(pdf)


def _block(pdf: FPDF, block: Block) -> None:
    if isinstance(block, Heading):
        _heading(pdf, block.text, block.level)
    elif isinstance(block, Paragraph):
        pdf.set_font(FONT_FAMILY, "B" if block.bold else "", BODY_SIZE)
        if block.muted:
            pdf.set_text_color(*GREY)
        pdf.multi_cell(0, 4.6, safe(block.text, multiline=True), align=block.align, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.ln(1.2)
    elif isinstance(block, TableBlock):
        _table(pdf, block)
    elif isinstance(block, BarChart):
        _bar_chart(pdf, block)
    else:
        pdf.add_page()


def _heading(pdf: FPDF, text: str, level: int) -> None:
    size = 12.0 if level <= 1 else 10.5
    # Keep a heading with what follows: no heading alone at the foot of a page.
    if pdf.get_y() + 20 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(1.5)
    pdf.set_font(FONT_FAMILY, "B", size)
    pdf.multi_cell(0, size * 0.5, safe(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)


class _Measure:
    """String widths at TABLE_SIZE (a width is proportional to the size), each distinct text
    measured once by the font: a table of thousands of rows repeats « 0,00 », the phases, the
    words of the steps."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self.known: dict[tuple[str, str], float] = {}

    def __call__(self, text: str, style: str = "") -> float:
        key = (style, text)
        width = self.known.get(key)
        if width is None:
            # Measured at TABLE_SIZE, then the font put back as it was: a text first met while a
            # row is drawn (a right-aligned line of a wrapped header) leaves that row's size alone.
            pdf = self.pdf
            before = (pdf.font_family, pdf.font_style + ("S" if pdf.strikethrough else ""), pdf.font_size_pt)
            pdf.set_font(FONT_FAMILY, style, TABLE_SIZE)
            width = self.known[key] = pdf.get_string_width(text)
            if before[0]:
                pdf.set_font(*before)
        return width


def _column_widths(measure: _Measure, pdf: FPDF, block: TableBlock, available: float) -> tuple[float, list[float]]:
    """The font size and the column widths of a table. Each column as wide as its widest cell
    when they all fit; else the columns that may wrap (texts) share what the others (dates,
    figures) leave, each at least its longest word (22 mm at most for that minimum), the rest in
    proportion to their width; when even that does not fit, a smaller size is tried."""
    padding = 2 * CELL_PADDING + 0.4  # the text drawn CELL_PADDING from each edge (_table)
    widest_at, word_at = [], []  # per column, at TABLE_SIZE
    for index, column in enumerate(block.columns):
        parts = column.header.split("\n")
        widest = max((measure(part, "B") for part in parts), default=0.0)
        word = max((measure(w, "B") for part in parts for w in part.split()), default=0.0)
        for number, row in enumerate(block.rows):
            # A bold row (a total) is wider than the same digits in regular: measured as printed.
            style = "B" if number in block.bold_rows else ""
            widest = max(widest, measure(row[index], style))
            if column.wrap:
                word = max([word, *(measure(w, style) for w in row[index].split())])
        widest_at.append(widest)
        word_at.append(word)
    for size in TABLE_SIZES:
        scale = size / TABLE_SIZE
        natural = [w * scale + padding for w in widest_at]
        least = [
            n if not column.wrap else min(n, max(word * scale + padding, 22.0))
            for n, word, column in zip(natural, word_at, block.columns, strict=True)
        ]
        if sum(natural) <= available:
            return size, natural
        if sum(least) <= available or size == TABLE_SIZES[-1]:
            break
    spare = available - sum(least)
    if spare < 0:  # nothing fits even at the smallest size: everything shrinks alike
        return size, [w * available / sum(least) for w in least]
    stretch = [n - m for n, m in zip(natural, least, strict=True)]
    total = sum(stretch) or 1.0
    return size, [m + spare * s / total for m, s in zip(least, stretch, strict=True)]


def _wrap(measure: _Measure, text: str, style: str, room: float) -> list[str]:
    """`text` in lines no wider than `room` (at TABLE_SIZE): broken between words, a word longer
    than the line broken between letters (as fpdf2's multi_cell does)."""
    if measure(text, style) <= room:
        return [text]
    space = measure(" ", style)
    lines: list[str] = []
    line, used = "", 0.0
    for word in text.split():
        width = measure(word, style)
        if line and used + space + width <= room:
            line, used = f"{line} {word}", used + space + width
            continue
        if line:
            lines.append(line)
        while width > room and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and measure(word[:cut], style) > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
            width = measure(word, style)
        line, used = word, width
    lines.append(line)
    return lines


def _table(pdf: FPDF, block: TableBlock) -> None:
    """The table drawn cell by cell at widths computed once (fpdf2's own tables lay every cell
    out twice and cost ~6 ms a row: 20 s for a creditor of 3,000 dossiers). Headers repeated
    at the top of each page the table runs onto, a row never split across two pages, a line
    under the headers; wrapped columns on as many lines as they need."""
    if block.title:
        _heading(pdf, block.title, 2)
    columns = tuple(Column(safe(c.header, multiline=True), c.align, c.wrap) for c in block.columns)
    rows = tuple(tuple(safe(cell) for cell in row) for row in block.rows)
    clean = TableBlock(columns, rows, block.title, block.show_header, block.bold_rows, block.struck_rows)
    measure = _Measure(pdf)
    available = pdf.w - pdf.l_margin - pdf.r_margin
    size, widths = _column_widths(measure, pdf, clean, available)
    scale = size / TABLE_SIZE
    inset = CELL_PADDING  # from the cell's edge to its text
    rooms = [(w - 2 * inset) / scale for w in widths]  # the text's room, at TABLE_SIZE
    line_height = size * 0.45
    baseline = 0.5 * line_height + 0.3 * size / pdf.k  # fpdf2's cell: text centred on its line
    left = pdf.l_margin
    lefts = [left + sum(widths[:i]) for i in range(len(widths))]

    def lines_of(cells: tuple[str, ...], style: str, header: bool = False) -> list[list[str]]:
        out = []
        for text, column, room in zip(cells, columns, rooms, strict=True):
            parts = text.split("\n") if header else [text]
            if column.wrap or header:
                out.append([line for part in parts for line in _wrap(measure, part, style, room)])
            else:
                out.append(parts)
        return out

    def draw(cells: list[list[str]], style: str, struck: bool = False) -> None:
        top = pdf.get_y() + 0.6
        pdf.set_font(FONT_FAMILY, style + ("S" if struck else ""), size)
        if struck:
            pdf.set_text_color(*GREY)
        for lines, column, x, width in zip(cells, columns, lefts, widths, strict=True):
            for number, text in enumerate(lines):
                if not text:
                    continue
                if column.align == "L":
                    at = x + inset
                else:
                    used = measure(text, style) * scale
                    at = x + width - inset - used if column.align == "R" else x + (width - used) / 2
                pdf.text(at, top + number * line_height + baseline, text)
        if struck:
            pdf.set_text_color(0)
        height = max((len(lines) for lines in cells), default=1) * line_height + 1.2
        pdf.set_y(pdf.get_y() + height)

    heading = lines_of(tuple(c.header for c in columns), "B", header=True) if clean.show_header else []
    heading_height = max((len(lines) for lines in heading), default=1) * line_height + 1.2

    def draw_heading() -> None:
        draw(heading, "B")
        pdf.line(left, pdf.get_y(), left + sum(widths), pdf.get_y())

    bottom = pdf.h - pdf.b_margin
    if clean.show_header:
        if pdf.get_y() + heading_height + line_height + 1.2 > bottom:
            pdf.add_page()
        draw_heading()
    for index, row in enumerate(rows):
        style = "B" if index in clean.bold_rows and index not in clean.struck_rows else ""
        cells = lines_of(row, style)
        height = max(len(lines) for lines in cells) * line_height + 1.2 if cells else line_height
        if pdf.get_y() + height > bottom:
            pdf.add_page()
            if clean.show_header:
                draw_heading()
        draw(cells, style, struck=index in clean.struck_rows)
    pdf.set_x(pdf.l_margin)
    pdf.ln(2)
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)


def _bar_chart(pdf: FPDF, chart: BarChart) -> None:
    if chart.title:
        _heading(pdf, chart.title, 2)
    if not chart.has_data:
        if chart.empty:
            _block(pdf, Paragraph(chart.empty, muted=True))
        return
    bars = [Bar(safe(b.label), b.value, safe(b.text)) for b in chart.bars]
    pdf.set_font(FONT_FAMILY, "", TABLE_SIZE)
    available = pdf.w - pdf.l_margin - pdf.r_margin
    label_width = min(max(pdf.get_string_width(b.label) for b in bars) + 2, available * 0.35)
    text_width = max(pdf.get_string_width(b.text) for b in bars) + 2
    bar_room = available - label_width - text_width - 1
    top = max((b.value for b in bars), default=Decimal(0))
    height = 4.2
    for bar in bars:
        if pdf.get_y() + height > pdf.h - pdf.b_margin:
            pdf.add_page()
        y = pdf.get_y()
        x = pdf.l_margin
        pdf.set_xy(x, y)
        pdf.cell(label_width, height, bar.label, align="L")
        length = float(bar.value / top) * bar_room if top > 0 and bar.value > 0 else 0.0
        if length > 0:
            pdf.set_fill_color(*BAR_FILL)
            pdf.rect(x + label_width, y + 0.7, length, height - 1.4, style="F")
        pdf.set_xy(x + label_width + length + 1, y)
        pdf.cell(text_width, height, bar.text, align="L")
        pdf.set_xy(x, y + height + 0.6)
    pdf.set_fill_color(255)  # fpdf2's tables fill their cells with the current colour: back to white
    pdf.ln(2)
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)


# --- letters ------------------------------------------------------------------------------


def _letter_class() -> type[FPDF]:
    from fpdf import FPDF

    class LetterPDF(FPDF):
        continuation = ""  # « Réf. X — suite » on the pages after a letter's first
        letter_start = 1

        def header(self) -> None:
            if self.page_no() > self.letter_start and self.continuation:
                self.set_font(FONT_FAMILY, "", SMALL_SIZE)
                self.set_text_color(*GREY)
                page = self.page_no() - self.letter_start + 1
                self.cell(0, 4, f"{self.continuation} — page {page}", new_x="LMARGIN", new_y="NEXT")
                self.set_text_color(0)
                self.ln(3)
                self.set_font(FONT_FAMILY, "", BODY_SIZE)

        def footer(self) -> None:
            return

    return LetterPDF


def letters_pdf(letters: Iterable[Letter], *, duplex: bool = False) -> bytes:
    """One PDF to print: each letter starts on a new page (with `duplex`, on a right-hand,
    odd page: a blank back is left after a letter with an odd number of pages)."""
    pdf: Any = _new_pdf(_letter_class())
    pdf.set_margins(20, MARGIN, 20)
    for letter in letters:
        if duplex and pdf.page_no() % 2 == 1:
            pdf.continuation = ""
            pdf.add_page()  # the blank back of the previous letter's last sheet
        pdf.continuation = ""
        pdf.add_page()
        pdf.letter_start = pdf.page_no()
        _letter(pdf, letter)
    if pdf.page_no() == 0:
        pdf.add_page()
    return _bytes(pdf)


def amicable_letters_pdf(letters: Iterable[amicable.Letter]) -> bytes:
    """The amicable desk's batch of letters (services/amicable.write_letters calls it, handed in by
    cli/campaign.py and the queue screen): the template's lines as paragraphs, the blank lines
    between them left to the letter's own spacing."""
    return letters_pdf(
        Letter(
            recipient_lines=letter.recipient_lines,
            sender_lines=letter.sender_lines,
            place_date=letter.place_date,
            reference=letter.reference,
            subject=letter.subject,
            paragraphs=tuple(line for line in letter.paragraphs if line.strip()),
            signature=letter.signature,
        )
        for letter in letters
    )


def _fitted_line(pdf: Any, width: float, height: float, text: str, style: str, size: float) -> None:
    """One line that never runs past `width`: set smaller (down to 7 points) when too long for
    it, and wrapped only past that (an address line longer than La Poste's 38 characters)."""
    fitted = size
    pdf.set_font(FONT_FAMILY, style, size)
    while fitted > 7 and pdf.get_string_width(text) > width - 2 * pdf.c_margin:
        fitted -= 0.5
        pdf.set_font(FONT_FAMILY, style, fitted)
    if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        pdf.cell(width, height, text, new_x="LEFT", new_y="NEXT")
        return
    x = pdf.get_x()
    pdf.multi_cell(width, height, text, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_x(x)


def _letter(pdf: Any, letter: Letter) -> None:
    for y in FOLD_MARKS:
        pdf.set_draw_color(*GREY)
        pdf.line(4, y, 8, y)
    pdf.set_draw_color(0)
    # The sender, top left.
    pdf.set_xy(pdf.l_margin, 15)
    for index, line in enumerate(letter.sender_lines):
        style, size = ("B", BODY_SIZE) if index == 0 else ("", 8.5)
        _fitted_line(pdf, ADDRESS_X - pdf.l_margin - 5, 4.2, safe(line), style, size)
    # The recipient, in the envelope's window.
    pdf.set_xy(ADDRESS_X, ADDRESS_Y)
    for line in letter.recipient_lines:
        _fitted_line(pdf, ADDRESS_WIDTH, 4.6, safe(line), "", BODY_SIZE)
    # Place and date, under the window; reference and subject on the left.
    pdf.set_xy(ADDRESS_X, max(pdf.get_y(), ADDRESS_Y + 6 * 4.6) + 8)
    _fitted_line(pdf, ADDRESS_WIDTH, 5, safe(letter.place_date), "", BODY_SIZE)
    pdf.set_x(pdf.l_margin)
    pdf.ln(6)
    pdf.continuation = safe(f"Réf. {letter.reference}" if letter.reference else "Suite")
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if letter.reference:
        pdf.set_font(FONT_FAMILY, "", 9)
        pdf.multi_cell(width, 4.4, safe(f"Réf. : {letter.reference}"), align="L", new_x="LMARGIN", new_y="NEXT")
    if letter.subject:
        pdf.set_font(FONT_FAMILY, "B", BODY_SIZE)
        pdf.multi_cell(width, 4.8, safe(f"Objet : {letter.subject}"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
    for paragraph in letter.paragraphs:
        pdf.multi_cell(width, 4.8, safe(paragraph, multiline=True), align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.6)
    if letter.signature:
        pdf.ln(6)
        if pdf.get_y() + 5 * len(letter.signature) > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.set_x(ADDRESS_X + 10)
        for line in letter.signature:
            _fitted_line(pdf, ADDRESS_WIDTH - 10, 5, safe(line), "", BODY_SIZE)


# --- Rich renderables (the décompte's text format) as blocks ---------------------------------


def renderable_blocks(renderable: Any, width: int = 160) -> tuple[Block, ...]:
    """The blocks of a Rich renderable built for the text and HTML formats (Group, Text, Table,
    and renderables built for a width, drawn at `width` columns): the same cells, laid out for
    paper. Bold text becomes a bold paragraph, dim or italic text a grey one; a struck row stays
    struck."""
    return tuple(_walk(renderable, width))


def _walk(renderable: Any, width: int) -> Iterator[Block]:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    if isinstance(renderable, Group):
        for part in renderable.renderables:
            yield from _walk(part, width)
    elif isinstance(renderable, Text):
        if renderable.plain.strip():
            words = str(renderable.style or "").split()
            yield Paragraph(renderable.plain, bold="bold" in words, muted="dim" in words or "italic" in words)
    elif isinstance(renderable, Table):
        yield _table_block(renderable)
    elif isinstance(renderable, str):
        if renderable.strip():
            yield Paragraph(renderable)
    elif hasattr(renderable, "build"):  # report.statement._ByWidth: a renderable for a width
        yield from _walk(renderable.build(width), width)
    else:
        raise TypeError(f"renderable_blocks: {type(renderable).__name__} has no PDF form")


def _cell_text(cell: Any) -> str:
    return cell.plain if hasattr(cell, "plain") else str(cell)


def _is_bold(cell: Any) -> bool:
    return "bold" in str(getattr(cell, "style", "") or "").split()


def _table_block(table: Any) -> TableBlock:
    aligns: dict[str, Align] = {"left": "L", "right": "R", "center": "C", "full": "L", "default": "L"}
    columns = tuple(
        Column(_cell_text(c.header), aligns.get(str(c.justify), "L"), wrap=not c.no_wrap and c.justify != "right")
        for c in table.columns
    )
    cells = [list(c.cells) for c in table.columns]
    count = len(cells[0]) if cells else 0
    rows = tuple(tuple(_cell_text(column[i]) for column in cells) for i in range(count))
    struck = frozenset(i for i, row in enumerate(table.rows) if row.style and "strike" in str(row.style).split())
    # Bold: a row styled bold (a period at a rate the étude entered, in bold yellow on screen) or
    # whose every cell is bold (« Total dû »).
    bold = frozenset(
        i
        for i in range(count)
        if (i < len(table.rows) and "bold" in str(table.rows[i].style or "").split())
        or all(_is_bold(column[i]) for column in cells)
    )
    title = _cell_text(table.title) if table.title else ""
    return TableBlock(columns, rows, title, bool(table.show_header), bold, struck)
