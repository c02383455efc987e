"""`clerc report creditor` (issue 16, item 4): the CSV on stdout or in a file, the PDF with the
same figures, the French refusals (unknown creditor, a period upside down, PDF to a terminal)."""

import csv
import io

from clerc_tui.cli import main
from clerc_tui.models.db import close_database
from clerc_tui.report.creditor import COLUMNS
from clerc_tui.rules.french import format_amount
from clerc_tui.services import payments
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input, run_clerc


def test_report_creditor_csv_to_file_and_stdout(actor, db_path, tmp_path):
    dossier = create_dossier(actor, make_input(), TODAY)
    payments.record_payment(actor, dossier.id, on=TODAY, amount="75,10", mode="virement", today=TODAY)
    base = ("--db", str(db_path), "--today", "26/11/2026")
    args = ("report", "creditor", "sci les", "--from", "01/11/2026", "--to", "26/11/2026")
    done = run_clerc(None, *args, *base)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Dossier;Débiteur;Phase;") and lines[1].startswith(f"{dossier.reference};")
    assert ";75,10;" in lines[1] and lines[-1].startswith("Total;")
    out = tmp_path / "rapport.csv"
    done = run_clerc(None, *args, "--output", str(out), *base)
    assert done.returncode == 0 and "SCI Les Tilleuls" in done.stderr
    assert out.read_text(encoding="utf-8-sig") == done_text(lines)


def done_text(lines):
    return "\n".join(lines) + "\n"


def test_report_creditor_refusals_in_french(actor, db_path):
    create_dossier(actor, make_input(), TODAY)
    base = ("--db", str(db_path), "--today", "26/11/2026")
    unknown = run_clerc(None, "report", "creditor", "zzz", "--from", "01/11/2026", "--to", "26/11/2026", *base)
    assert unknown.returncode == 2 and "Aucun créancier dont le nom commence par « zzz »" in unknown.stderr
    upside = run_clerc(None, "report", "creditor", "sci", "--from", "26/11/2026", "--to", "01/11/2026", *base)
    assert upside.returncode == 2 and "précède" in upside.stderr


def test_report_creditor_pdf_has_the_csv_figures_under_the_letterhead(actor, db_path, tmp_path, capsys):
    from decimal import Decimal

    from clerc_tui.models import Etude
    from tests.report.test_pdf import flat, pages_text

    Etude.create(name="Étude Roux & Associés", address="8 rue Lenepveu", postcode="49100", city="Angers")
    dossier = create_dossier(actor, make_input(), TODAY)
    payments.record_payment(actor, dossier.id, on=TODAY, amount="1275,10", mode="virement", today=TODAY)
    close_database()
    base = ["--db", str(db_path), "--today", "26/11/2026"]
    args = ["report", "creditor", "sci les", "--from", "01/11/2026", "--to", "26/11/2026"]
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "rapport.pdf"
    assert main([*args, "--output", str(folder / "rapport.csv"), *base]) == 0
    assert main([*args, "--format", "pdf", "--output", str(target), *base]) == 0
    assert f"écrit : {target}" in capsys.readouterr().err
    close_database()
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and sorted(p.name for p in folder.iterdir()) == ["rapport.csv", "rapport.pdf"]
    text = flat(data)
    assert text.startswith("Étude Roux & Associés\n8 rue Lenepveu\n49100 Angers\n")
    assert "Rapport au créancier SCI Les Tilleuls" in text and "Période du 01/11/2026 au 26/11/2026" in text
    assert "Rapport au créancier SCI Les Tilleuls du 01/11/2026 au 26/11/2026" in pages_text(data)[-1]  # footer
    # The two charts, as bars with their values written out.
    assert "Encaissements par mois" in text and "nov. 26" in text and "Taux de recouvrement" in text
    # Every figure of the CSV's dossier row and totals row is in the PDF's table, as it writes them.
    rows = list(csv.reader(io.StringIO((folder / "rapport.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    header, line, totals = rows[0], rows[1], rows[-1]
    assert line[0] == dossier.reference and totals[0] == "Total"
    assert header == [title for title, _, _ in COLUMNS]

    def figures(row: list[str]) -> str:  # the row's amounts as the PDF's table writes them, in order
        return " ".join(
            format_amount(Decimal(cell.replace(",", ".")), currency=False).translate({0xA0: " ", 0x202F: " "})
            for cell, (_, _, kind) in zip(row, COLUMNS, strict=True)
            if kind == "amount"
        )

    [pdf_line] = [x for x in text.splitlines() if x.startswith(dossier.reference)]
    [pdf_totals] = [x for x in text.splitlines() if x.startswith("Total ")]
    assert "1 275,10" in figures(line)  # the table's amounts without « € » (said once above it)
    assert figures(line) in pdf_line and figures(totals) in pdf_totals


def test_report_creditor_pdf_goes_to_a_pipe_never_to_a_terminal(actor, db_path, capsysbinary, monkeypatch):
    import os
    import pty
    import sys

    create_dossier(actor, make_input(), TODAY)
    close_database()
    args = ["report", "creditor", "sci", "--from", "01/11/2026", "--to", "26/11/2026", "--format", "pdf"]
    args += ["--db", str(db_path), "--today", "26/11/2026"]
    assert main(args) == 0
    assert capsysbinary.readouterr().out.startswith(b"%PDF-")
    leader, follower = pty.openpty()
    try:
        with open(follower, "w", encoding="utf-8") as terminal:  # a real terminal: isatty() is true
            monkeypatch.setattr(sys, "stdout", terminal)
            assert main(args) == 2
            monkeypatch.undo()
            terminal.flush()
        os.set_blocking(leader, False)
        try:
            shown = os.read(leader, 65536)
        except OSError:  # nothing was written to the terminal (EAGAIN, or EIO once it is closed)
            shown = b""
        assert b"%PDF" not in shown
    finally:
        monkeypatch.undo()
        os.close(leader)
    assert "Le rapport en PDF n'est pas affiché dans le terminal" in capsysbinary.readouterr().err.decode()
    close_database()
