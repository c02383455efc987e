"""Benchmark: the statistics screen's queries and the creditor report (issue 16, items 4-5).

Run: .venv/bin/python bench/bench_statistics.py [--db bench/out/demo-100000.db] [--runs 5]
Works on the base given, which must be a private copy (e.g. of /work/main/bench/out/demo-100000.db,
brought up to date by `clerc migrate --db COPY`): it only reads. Reports for each query the median
wall and CPU time (process_time) over `--runs` runs, and the process's peak RSS at the end:
- collections per month (24 months), recovery rate per creditor, open deadlines per clerc per week;
- the creditor report of the creditor with the most dossiers, for the last whole month;
- that report as CSV and as PDF (report/creditor.py, report/pdf.py: fpdf2 imported before the runs,
  the first PDF of a process pays ~0.5 s more for it).
"""

import argparse
import resource
import statistics as stats
import time
from datetime import date
from pathlib import Path

from clerc_tui.models.db import database
from clerc_tui.services import creditor_report, statistics
from clerc_tui.services.database import open_database

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 12, 6)


def measure(run, runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return stats.median(walls) * 1000, stats.median(cpus) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench/out/demo-100000.db"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    open_database(args.db)
    (dossiers,) = database.execute_sql('SELECT COUNT(*) FROM "dossier"').fetchone()
    creditor_id, name, count = database.execute_sql(
        'SELECT "creditor_id", MAX("creditor_name"), COUNT(*) FROM "dossier" GROUP BY "creditor_id" '
        "ORDER BY 3 DESC LIMIT 1"
    ).fetchone()
    start, end = creditor_report.default_period(TODAY)
    print(f"base : {dossiers} dossiers ; {args.runs} runs, médianes")
    cases = (
        ("encaissements par mois (24 mois)", lambda: statistics.collections_by_month(TODAY)),
        ("taux de recouvrement par créancier", lambda: statistics.recovery_by_creditor()),
        ("échéances ouvertes par clerc et semaine", lambda: statistics.deadline_load(TODAY)),
        ("écran statistiques (les trois)", lambda: statistics.statistics(TODAY)),
        (
            f"rapport créancier « {name} » ({count} dossiers, {start:%d/%m/%Y}–{end:%d/%m/%Y})",
            lambda: creditor_report.creditor_report(creditor_id, start, end, TODAY),
        ),
    )
    for label, run in cases:
        wall, cpu = measure(run, args.runs)
        print(f"{label:<70} {wall:7.0f} ms réel  {cpu:7.0f} ms CPU")
    from clerc_tui.report.creditor import creditor_document, report_csv
    from clerc_tui.report.pdf import document_pdf
    from clerc_tui.services.etude import letterhead

    report = creditor_report.creditor_report(creditor_id, start, end, TODAY)
    head = letterhead(contact=True)
    first = time.process_time()
    data = document_pdf(creditor_document(report, head))  # fpdf2's import, the font's coverage: once
    print(
        f"{'premier PDF du processus (import de fpdf2 compris)':<70} {(time.process_time() - first) * 1000:7.0f} ms CPU"
    )
    for label, run in (
        (f"rapport créancier en CSV ({len(report.lines)} lignes)", lambda: report_csv(report)),
        (
            f"rapport créancier en PDF ({len(report.lines)} lignes, {len(data) // 1024} Ko)",
            lambda: document_pdf(creditor_document(report, head)),
        ),
    ):
        wall, cpu = measure(run, args.runs)
        print(f"{label:<70} {wall:7.0f} ms réel  {cpu:7.0f} ms CPU")
    print(f"RSS maximal du processus : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo")


if __name__ == "__main__":
    main()
