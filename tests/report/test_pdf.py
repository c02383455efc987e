"""report/pdf.py: documents, letters and the décompte as PDF, read back with pypdf (text, pages,
positions, fonts), with the font shipped in the installed package."""

import fnmatch
import importlib.resources
import io
import re
import tomllib
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pypdf
import pytest

from clerc_tui.report.blocks import Bar, BarChart, Column, Heading, PageBreak, Paragraph, PdfDocument, TableBlock
from clerc_tui.report.pdf import ADDRESS_X, ADDRESS_Y, Letter, document_pdf, letters_pdf, renderable_blocks, safe
from clerc_tui.rules.french import format_amount, format_date

MM = 72 / 25.4  # points per millimetre
A4_HEIGHT = 297 * MM
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})
AMOUNT = re.compile(r"-?\d{1,3}(?: \d{3})*,\d{2} €")


def pages_text(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages]


def flat(data: bytes) -> str:
    """All the text, no-break spaces read as spaces (how a PDF reader copies them)."""
    return "\n".join(pages_text(data)).translate(SPACES)


def placed(data: bytes, page: int = 0) -> list[tuple[str, float, float]]:
    """(text, x mm from the left, baseline mm from the top) of each run of text on a page."""
    runs: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            runs.append((text.strip(), tm[4] / MM, (A4_HEIGHT - tm[5]) / MM))

    pypdf.PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return runs


def fonts(data: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


LETTERHEAD = ("Étude Lefèvre & Associés", "12 rue de la Paix", "75002 Paris", "Tél. 01 23 45 67 89")


def report(rows: int = 120) -> PdfDocument:
    return PdfDocument(
        "Rapport créancier — Société Générale « test »",
        (
            Heading("Synthèse"),
            Paragraph(f"Recouvré : {format_amount(D('1234.56'))} au {format_date(date(2026, 11, 26))}."),
            TableBlock(
                (Column("Dossier", wrap=False), Column("Débiteur"), Column("Montant", "R", wrap=False)),
                tuple(
                    (
                        f"2026-{n:06d}",
                        f"DUPONT Élodie n° {n}, un nom assez long pour aller à la ligne",
                        format_amount(D(n)),
                    )
                    for n in range(rows)
                ),
                title="Dossiers",
            ),
            BarChart(
                "Encaissé par mois",
                tuple(Bar(f"{m:02d}/2026", D(m * 100), format_amount(D(m * 100))) for m in (1, 2, 3)),
            ),
        ),
        LETTERHEAD,
        footer="Rapport créancier",
    )


def test_a_document_renders_french_text_amounts_dates_and_numbers_its_pages():
    data = document_pdf(report())
    texts = [t.translate(SPACES) for t in pages_text(data)]
    assert len(texts) == 3
    assert "Rapport créancier — Société Générale « test »" in texts[0]
    assert "Étude Lefèvre & Associés" in texts[0] and "75002 Paris" in texts[0]
    assert "Recouvré : 1 234,56 € au 26/11/2026." in texts[0]
    assert "DUPONT Élodie n° 0," in texts[0]
    for n, text in enumerate(texts, start=1):
        assert f"page {n}/3" in text
        assert "Montant" in text and "Débiteur" in text  # the header row, repeated on each page
    assert "2026-000119" in texts[2] and "119,00 €" in texts[2]
    assert "03/2026" in texts[2] and "300,00 €" in texts[2]
    # The étude's full letterhead on the first page only, its name alone on the others.
    assert "12 rue de la Paix" not in texts[1] and "Étude Lefèvre & Associés" in texts[1]


def test_the_font_is_embedded_and_subset():
    data = document_pdf(report(rows=5))
    assert all(re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(Book|Bold)", n) for n in fonts(data)), fonts(data)
    assert b"/FontFile2" in data and b"/Lang (fr-FR)" in data
    # Subset: a one-page document is a small fraction of the 757 kB font file.
    assert len(data) < 60_000, len(data)


def test_the_font_comes_from_the_installed_package():
    from clerc_tui.report import pdf

    fonts_dir = importlib.resources.files("clerc_tui.data").joinpath("fonts")
    for style, name in pdf.FONT_FILES.items():
        resource = fonts_dir.joinpath(name)
        assert resource.is_file() and str(resource) == pdf._font_paths()[style]
    assert fonts_dir.joinpath("LICENSE-DejaVu.txt").is_file()
    # What a fresh `pip install` copies: the package data patterns take the fonts and the licence.
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["clerc_tui"]
    for shipped in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert any(fnmatch.fnmatch(f"data/fonts/{shipped}", p) for p in patterns), shipped
    # Every character French amounts and texts need is drawn by both faces.
    drawn = pdf._coverage()
    assert all(ord(ch) in drawn for ch in "éèêëàâîïôöûùüçœæÉÈÊÀÇŒ«»€\u00a0\u202f’—…°")


def test_each_document_writes_the_faces_as_add_font_would_though_they_are_parsed_once(caplog):
    """`_new_pdf` gives each document a copy of the faces parsed once per process: the bytes are
    those of fpdf2's own `add_font`, for documents made side by side and written in any order (a
    subset, a widths table, a descriptor, a fontTools font or one of its tables shared between
    them would carry one document's glyphs or object numbers into the other's)."""
    from datetime import UTC, datetime

    from fpdf import FPDF

    from clerc_tui.report import pdf

    assert all(face.color_font is None and not face.is_cff for face in pdf._parsed_faces().values())
    texts = ("Décompte « 1 234,56 € » — Œuvre", "ЛЕФЕВР αβγ ∑ ﬁ 汉 \ufffd", "x")

    def made(text: str, parsed_once: bool) -> FPDF:
        document = FPDF()
        document.set_creation_date(datetime(2026, 11, 26, tzinfo=UTC))
        if parsed_once:
            pdf._add_faces(document)
        else:
            for style, path in pdf._font_paths().items():
                document.add_font(pdf.FONT_FAMILY, style, path)
        document.add_page()
        document.set_font(pdf.FONT_FAMILY, "", 10)
        document.cell(text=text)
        document.set_font(pdf.FONT_FAMILY, "B", 14)
        document.cell(text=text[::-1])
        return document

    side_by_side = [made(text, parsed_once=True) for text in texts]
    with caplog.at_level("WARNING", logger="fpdf"):
        written = [bytes(document.output()) for document in reversed(side_by_side)][::-1]
    missing = [r.getMessage() for r in caplog.records]
    assert written == [bytes(made(text, parsed_once=False).output()) for text in texts]
    assert written[2] == bytes(made(texts[2], parsed_once=True).output())
    # Only the document that lacks a glyph says so, once per face (each document has its own list of
    # missing glyphs), and the faces parsed once were never written out (no font name given yet).
    assert len(missing) == 2 and all("汉" in message for message in missing), missing
    assert all(face.desc.font_name is None for face in pdf._parsed_faces().values())


def test_no_break_spaces_keep_an_amount_on_one_line():
    sentence = "La somme de 1\u00a0234,56\u00a0€ et celle de 12\u202f345,67\u202f€ restent dues. "
    data = document_pdf(PdfDocument("Montants", (Paragraph(sentence * 12),)))
    lines = flat(data).splitlines()
    assert sum(line.count("1 234,56 €") for line in lines) == 12
    assert sum(line.count("12 345,67 €") for line in lines) == 12
    assert "\u202f" in "".join(pages_text(data))  # the narrow one is kept as such


def test_hostile_text_is_inert():
    hostile = "Durand \x1b[31m**gras** <b>x</b> [red] (Tj) \\ ) \u202eevil\u0000 {nb} 汉"
    data = document_pdf(
        PdfDocument(
            hostile,
            (
                Paragraph(hostile),
                TableBlock((Column("Nom"),), ((hostile,),)),
                BarChart("", (Bar(hostile, D(1), hostile),)),
            ),
            letterhead=(hostile,),
        )
    )
    text = flat(data)
    assert "**gras** <b>x</b> [red] (Tj) \\ )" in text  # printed as typed: no markup, no PDF syntax
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert "\ufffd[31m" in text  # ESC made visible, not obeyed
    assert text.count("\ufffd") >= 4 * 3  # ESC, bidi override, NUL and the CJK glyph the font lacks
    assert "Durand" in text and "page 1/1" in text
    letter = Letter((hostile,), (hostile,), hostile, hostile, hostile, (hostile,), (hostile,))
    assert "**gras** <b>x</b>" in flat(letters_pdf([letter]))


def test_safe_keeps_line_breaks_only_where_asked():
    assert safe("a\tb\nc") == "a b c"
    assert safe("a\nb", multiline=True) == safe("a\r\nb", multiline=True) == "a\nb"
    assert safe("\x1b") == "\ufffd" and safe("é € «\u00a0»") == "é € «\u00a0»"


def letter(n: int, paragraphs: int = 3) -> Letter:
    return Letter(
        recipient_lines=(f"Madame Hélène MÜLLER {n}", "Bâtiment B", "3 RUE DE L'ÉGLISE", "67000 STRASBOURG"),
        sender_lines=("Étude Lefèvre", "Commissaire de justice", "12 rue de la Paix", "75002 Paris"),
        place_date="Paris, le 26/11/2026",
        reference=f"2026-{n:06d}",
        subject=f"Relance amiable — créance de {format_amount(D('1234.56'))}",
        paragraphs=("Madame,", *("Sauf erreur de notre part, la somme reste due. " * 8 for _ in range(paragraphs))),
        signature=("Maître Lefèvre", "Commissaire de justice"),
    )


def test_letters_one_per_page_with_the_address_in_the_window():
    data = letters_pdf([letter(n) for n in range(3)])
    texts = [t.translate(SPACES) for t in pages_text(data)]
    assert len(texts) == 3
    for n, text in enumerate(texts):
        assert f"Madame Hélène MÜLLER {n}" in text and f"Réf. : 2026-{n:06d}" in text
        assert "Objet : Relance amiable — créance de 1 234,56 €" in text
        assert "Paris, le 26/11/2026" in text and "Maître Lefèvre" in text
        assert "page" not in text  # no « page 2/3 » of the batch on a debtor's letter
    runs = placed(data, 0)
    address = [(x, y) for text, x, y in runs if text in letter(0).recipient_lines]
    assert len(address) == 4
    for x, y in address:
        assert ADDRESS_X <= x <= ADDRESS_X + 2  # left-aligned at 100 mm (cell margin: 1 mm)
        assert ADDRESS_Y < y < ADDRESS_Y + 30  # from 50 mm down, inside the 45 mm high window
    sender = [(x, y) for text, x, y in runs if text == "Étude Lefèvre"]
    assert sender and sender[0][0] < 30 and sender[0][1] < 25


def test_duplex_starts_each_letter_on_an_odd_page_and_a_long_letter_goes_on():
    long = letter(1, paragraphs=14)
    data = letters_pdf([letter(0), long, letter(2)], duplex=True)
    texts = [t.translate(SPACES) for t in pages_text(data)]
    # 1: letter 0; 2: blank back; 3-4: the long letter; 5: letter 2.
    assert len(texts) == 5
    assert "MÜLLER 0" in texts[0] and texts[1].strip() == ""
    assert "MÜLLER 1" in texts[2] and "Réf. 2026-000001 — page 2" in texts[3] and "Maître Lefèvre" in texts[3]
    assert "MÜLLER 2" in texts[4]
    assert len(pages_text(letters_pdf([letter(0), long, letter(2)]))) == 4


def test_an_empty_batch_is_one_blank_page():
    assert len(pages_text(letters_pdf([]))) == 1


def test_page_break_and_a_table_without_header():
    doc = PdfDocument(
        "Totaux",
        (
            TableBlock((Column(""), Column("", "R", wrap=False)), (("Total dû", "12,00 €"),), show_header=False),
            PageBreak(),
            Paragraph("Suite", muted=True),
        ),
    )
    texts = pages_text(document_pdf(doc))
    assert len(texts) == 2 and "Total dû 12,00" in texts[0].translate(SPACES) and "Suite" in texts[1]


def test_renderable_blocks_keep_the_cells_of_rich_tables():
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Paiements")
    table.add_column("Date")
    table.add_column("Montant", justify="right", no_wrap=True)
    table.add_row("01/02/2026", format_amount(D("10")))
    table.add_row("02/02/2026", format_amount(D("20")), style="strike dim")
    blocks = renderable_blocks(Group(Text("Titre", style="bold"), table, Text("note", style="dim")))
    assert blocks[0] == Paragraph("Titre", bold=True)
    assert isinstance(blocks[1], TableBlock) and blocks[1].title == "Paiements"
    assert blocks[1].rows == (("01/02/2026", "10,00\u00a0€"), ("02/02/2026", "20,00\u00a0€"))
    assert blocks[1].columns[1] == Column("Montant", "R", wrap=False) and blocks[1].struck_rows == {1}
    assert blocks[2] == Paragraph("note", muted=True)
    with pytest.raises(TypeError):
        renderable_blocks(object())


def test_the_decompte_pdf_has_the_text_formats_figures():
    from clerc_tui.report.statement import statement_pdf, statement_text
    from clerc_tui.rules.statement import Payment, Reversal, compute_statement
    from tests.rules.test_statement import _ex4

    payments = (Payment(date(2025, 6, 30), D("1000"), ref="v1"), Payment(date(2025, 7, 10), D("1234.56"), ref="v2"))
    statement = compute_statement(_ex4(payments=payments, reversals=(Reversal(date(2025, 7, 20), "v2", "rejet"),)))
    text = statement_text(statement).translate(SPACES)
    data = statement_pdf(statement, LETTERHEAD)
    pdf_text = flat(data)
    title = "Décompte arrêté au 15/09/2025"
    assert pdf_text.count(title) == 1 + len(pages_text(data))  # the title, then the foot of each page
    pdf_text, text = pdf_text.replace(title, ""), text.replace(title, "")
    assert sorted(AMOUNT.findall(pdf_text)) == sorted(AMOUNT.findall(text))
    assert "1 234,56 €" in pdf_text and "2 286,04 €" in pdf_text
    dates = re.compile(r"\d\d/\d\d/\d{4}")
    assert sorted(dates.findall(pdf_text)) == sorted(dates.findall(text))
    assert "Étude Lefèvre & Associés" in pdf_text and "rejeté le 20/07/2025" in pdf_text


def test_a_long_address_line_is_set_smaller_to_stay_in_the_window():
    long_line = "RÉSIDENCE DES GRANDS CHÊNES BÂTIMENT C ESCALIER 4"  # 49 characters, La Poste allows 38
    data = letters_pdf([Letter(("Monsieur DUPONT", long_line, "75012 PARIS"), ("Étude",), "", "", "", ("Texte",))])
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes[text.strip()] = font_size * tm[0]

    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    assert sizes["Monsieur DUPONT"] == 10 and 7 <= sizes[long_line] < 10  # one line, smaller


def test_rows_styled_bold_on_screen_are_bold_on_paper():
    from rich.table import Table

    table = Table()
    table.add_column("Du")
    table.add_row("01/07/2026", style="bold yellow")  # a period at a rate the étude entered
    table.add_row("01/01/2027")
    (block,) = renderable_blocks(table)
    assert isinstance(block, TableBlock) and block.bold_rows == {0}


def test_a_chart_without_data_says_so_and_a_landscape_page_is_wider():
    empty = BarChart("Encaissements par mois", (Bar("nov. 26", D(0), "0,00 €"),), "Aucun encaissement sur la période")
    data = document_pdf(PdfDocument("Rapport", (empty,), landscape=True))
    text = flat(data)
    assert "Aucun encaissement sur la période" in text and "nov. 26" not in text
    box = pypdf.PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(box.width), round(box.height)) == (842, 595)  # A4 turned


def creditor_report_of(count: int):
    """A creditor report of `count` dossiers (the service's own dataclasses, figures varied: long
    debtors and steps that wrap, amounts up to millions, dates, a balance « hors intérêts »)."""
    from clerc_tui.services.creditor_report import CreditorReport, Money, MonthCollection, ReportLine, YearRecovery

    steps = ("", "Délai d'opposition ouvert par la première mesure d'exécution", "Dénonciation au débiteur")
    lines = tuple(
        ReportLine(
            dossier_id=n,
            reference=f"2026-{n:06d}",
            debtor=f"SASU Menuiserie Fernandez · LÉGER Thérèse n° {n}" if n % 3 else f"DUPONT Élodie {n}",
            phase=("Amiable", "Exécution", "Clos")[n % 3],
            paid_period=D(n % 7) * D("12.35"),
            paid_total=D(n) * D("101.01"),
            collected_total=D(n) * D("90.5"),
            act_fees=D(n % 5) * D("33.3"),
            balance=D(n) * D("1234567.89") / 100,
            with_interest=n % 11 != 0,
            next_due=date(2026, 12, 1 + n % 28) if n % 4 else None,
            next_step=steps[n % 3],
        )
        for n in range(1, count + 1)
    )
    totals = Money(**{f: sum((getattr(x, f) for x in lines), D(0)) for f in ("paid_period", "paid_total", "balance")})
    months = tuple(MonthCollection(date(2026, m, 1), D(m * 10)) for m in range(1, 12))
    return CreditorReport(
        1, "SARL Grondin", date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 6), lines, totals, months,
        (YearRecovery(2026, count, D(1000), D(10)),),
    )  # fmt: skip


def test_the_creditor_report_pdf_has_every_csv_row_and_measures_each_text_once(monkeypatch):
    """The big creditor's PDF (issue 16: 2,920 dossiers took 16–22 s of CPU in fpdf2's tables):
    its table is drawn cell by cell, each distinct text measured once by the font; what is printed
    is the CSV's rows, cell after cell, in order (amounts grouped on paper, not in the CSV)."""
    import csv

    from fpdf.fonts import TTFFont

    from clerc_tui.report.creditor import creditor_document, report_csv

    data = creditor_report_of(300)
    measured: list[str] = []
    width = TTFFont.get_text_width

    def counted(self, text, *args):  # every width fpdf2 asks of the font, whoever asks
        measured.append(text)
        return width(self, text, *args)

    monkeypatch.setattr(TTFFont, "get_text_width", counted)
    pdf = document_pdf(creditor_document(data))
    monkeypatch.undo()
    # fpdf2's tables measured each cell again as they laid it out, word by word, several times.
    assert len(measured) < 2 * len(set(measured)), "a text measured over and over"
    text = "".join("".join(pages_text(pdf)).split())
    rows = list(csv.reader(io.StringIO(report_csv(data).lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 302  # header, 300 dossiers, totals
    position = text.index("Dossiers")
    for row in rows[1:]:
        # The CSV's « 12345,67 » is « 12 345,67 » on paper: compared without any space.
        printed = "".join("".join(cell.split()) for cell in row)
        found = text.find(printed, position)
        assert found >= 0, f"ligne absente ou dans le désordre : {row}"
        position = found + len(printed)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) > 5


def test_a_table_too_wide_keeps_one_size_across_its_rows_wrapped_headers_and_struck_rows():
    """Twelve columns on a portrait page: set at the smallest size, headers wrapped word by word;
    every cell, header, bold or struck row printed at that one size."""
    columns = tuple(Column(f"Montant versé période {n}", "R", wrap=False) for n in range(12))
    rows = tuple(tuple(format_amount(D(n * 1000 + c)) for c in range(12)) for n in range(6))
    doc = PdfDocument("Large", (TableBlock(columns, rows, bold_rows=frozenset({5}), struck_rows=frozenset({2, 5})),))
    sizes: list[float] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and "Large" not in text and not text.startswith("page "):  # title, footer
            sizes.append(round(font_size * tm[0], 2))

    data = document_pdf(doc)
    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    assert len(sizes) > 12 * 7 and len(set(sizes)) == 1, sorted(set(sizes))
    text = flat(data)
    assert "Montant" in text and "5 011,00 €" in text
