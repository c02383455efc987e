"""Benchmark: PDF output (report/pdf.py) — a batch of 500 letters and the 10-year décompte.

Run: .venv/bin/python bench/bench_pdf.py [--runs 5] [--letters 500]

CPU time (`time.process_time`, this process only: the machine is shared), median of `--runs`
runs after one warm-up (which also loads fpdf2 and reads the font), and the size of the file:
- letters: `letters_pdf` on 500 one-page reminder letters (5 paragraphs, accents, amounts);
- décompte: `statement_pdf` on the 10-year dossier of bench_statement.py (120 payments, 40
  charges, 2 rejected cheques, capitalisation: 9 pages), the same décompte the text format prints;
- the first PDF of a process: importing fpdf2 and reading the two font files, once.
"""

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_statement import dossier

from clerc_tui.rules.french import format_amount, format_date

LETTERHEAD = ("Étude Lefèvre & Associés", "12 rue de la Paix", "75002 Paris", "Tél. 01 23 45 67 89 · SIREN 123456789")


def letters(count: int):
    from datetime import date

    from clerc_tui.report.pdf import Letter

    on = date(2026, 11, 26)
    for n in range(count):
        owed = format_amount(Decimal(1000 + 37 * n) / 10)
        yield Letter(
            recipient_lines=(
                f"Madame Hélène MÜLLER-{n}",
                "Résidence Les Érables",
                f"{n % 90 + 1} RUE DE L'ÉGLISE",
                "67000 STRASBOURG",
            ),
            sender_lines=("Étude Lefèvre & Associés", "Commissaire de justice", "12 rue de la Paix", "75002 Paris"),
            place_date=f"Paris, le {format_date(on)}",
            reference=f"2026-{n:06d}",
            subject=f"Relance amiable — créance de {owed}",
            paragraphs=(
                "Madame,",
                f"Sauf erreur de notre part, la somme de {owed} reste due à la société « Crédit Exemple » au titre "
                "du contrat n° 4589-12 ; nos précédents courriers sont restés sans réponse.",
                "Nous vous invitons à régler cette somme sous huit jours, ou à nous contacter pour convenir d'un "
                "échéancier adapté à votre situation.",
                "Ce courrier n'est pas un acte d'exécution : il vous invite à un règlement amiable.",
                "Veuillez agréer, Madame, l'expression de nos salutations distinguées.",
            ),
            signature=("Maître Lefèvre", "Commissaire de justice"),
        )


def measure(label: str, make, runs: int) -> None:
    make()  # warm-up
    times, size = [], 0
    for _ in range(runs):
        began = time.process_time()
        data = make()
        times.append(time.process_time() - began)
        size = len(data)
    print(
        f"{label}: median {statistics.median(times):.2f} s CPU (min {min(times):.2f}, max {max(times):.2f}, "
        f"{runs} runs), {size / 1024:.0f} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--letters", type=int, default=500)
    args = parser.parse_args()

    began = time.process_time()
    from clerc_tui.report.blocks import Paragraph, PdfDocument
    from clerc_tui.report.pdf import document_pdf, letters_pdf

    document_pdf(PdfDocument("Essai", (Paragraph("é €"),)))
    print(f"first PDF of a process (import fpdf2, read the font): {time.process_time() - began:.2f} s CPU")

    batch = list(letters(args.letters))
    measure(f"{args.letters} letters", lambda: letters_pdf(batch), args.runs)

    from clerc_tui.report.statement import statement_pdf
    from clerc_tui.rules.rates import Rates
    from clerc_tui.rules.statement import compute_statement

    statement = compute_statement(dossier(), Rates.shipped())
    import io

    import pypdf  # a test dependency: counts the pages

    pages = len(pypdf.PdfReader(io.BytesIO(statement_pdf(statement, LETTERHEAD))).pages)
    measure(f"10-year décompte ({pages} pages)", lambda: statement_pdf(statement, LETTERHEAD), args.runs)


if __name__ == "__main__":
    main()
