"""Benchmark: a creditor import of 100,000 rows (issue 16 item 1: ≥ 20,000 rows/s).

Run: .venv/bin/python bench/bench_dossier_import.py [--rows 100000] [--runs 3] [--demo bench/out/demo-100000.db]

Writes a deterministic CSV (French Excel style: `;`, Windows-1252, « 1 234,56 », JJ/MM/AAAA; every
row with an address, a date, two thirds with a phone and an e-mail, one in five a company with a
SIREN, one in three with interest and costs) into bench/out/, then, for each run, imports it into a
fresh copy of a base holding one creditor (or of `--demo`, copied once into bench/out/, then
re-copied per run), and imports it a second time (every row « déjà présent »). Reports rows/s of
wall time and of CPU (`time.process_time`) for the dry run, the import and the re-import, medians of
`--runs`, the longest batch write, and the longest wait for the write lock of another clerc (a second
process that writes every 50 ms during the import).
"""

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from clerc_tui.models.db import database
from clerc_tui.rules.identifiers import luhn_check_digit
from clerc_tui.services import imports
from clerc_tui.services.context import identify
from clerc_tui.services.database import close_database, open_database
from clerc_tui.services.dossier_input import CreditorInput, DebtorInput, DossierInput
from clerc_tui.services.dossiers import create_dossier

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TODAY = date(2026, 12, 6)
CREDITOR = "Bailleur Social de Bench"
LAST = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Lefèvre",
    "Müller",
    "Gérard",
    "Rousseau",
    "Faure",
    "Chevalier",
    "Girard",
    "André",
    "Mercier",
    "Blanc",
)
FIRST = ("Jean", "Marie", "Élodie", "François", "Zoé", "Gaël", "Hélène", "Luc", "Inès", "Noël")
CITIES = (
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("13005", "Marseille"),
    ("57000", "Metz"),
    ("97400", "Saint-Denis"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("20000", "Ajaccio"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
)


def amount(cents: int) -> str:
    euros, rest = divmod(cents, 100)
    grouped = f"{euros:,}".replace(",", " ")
    return f"{grouped},{rest:02d}"


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(16)
    header = (
        "Réf. dossier;Civilité;Nom;Prénom;Raison sociale;SIREN;Adresse;Code postal;Ville;Courriel;Téléphone;"
        "Capital;Intérêts;Frais;Date d'échéance;Titre;Juridiction;Date du titre;N° RG;Nature"
    )
    lines = [header]
    for i in range(rows):
        postcode, city = CITIES[i % len(CITIES)]
        company = i % 5 == 0
        last, first = rng.choice(LAST), rng.choice(FIRST)
        siren = ""
        if company:
            eight = f"{rng.randrange(10**7, 10**8)}"
            siren = eight + luhn_check_digit(eight)
        contact = i % 3 != 0
        extra = i % 3 == 0
        titled = i % 4 == 0
        lines.append(
            ";".join(
                (
                    f"BS-{i:07d}",
                    "" if company else rng.choice(("M.", "Mme")),
                    "" if company else last,
                    "" if company else first,
                    f"SARL {last} et Fils {i}" if company else "",
                    siren,
                    f"{rng.randint(1, 200)} rue {rng.choice(LAST)}",
                    postcode,
                    city,
                    f"client.{i}@exemple.fr" if contact else "",
                    f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                    if contact
                    else "",
                    amount(rng.randint(5_000, 2_000_000)),
                    amount(rng.randint(100, 50_000)) if extra else "",
                    amount(rng.randint(1_000, 20_000)) if extra else "",
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.choice((2024, 2025, 2026))}",
                    "Jugement" if titled else "",
                    "TJ de Paris" if titled else "",
                    "15/01/2024" if titled else "",
                    f"24/{i:05d}" if titled else "",
                    "Loyers",
                )
            )
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def fresh_base(path: Path, demo: Path | None) -> None:
    for suffix in ("", "-wal", "-shm", ".sessions"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    if demo is not None:
        migrated = OUT / (demo.stem + "-import-template.db")
        if not migrated.exists():
            shutil.copyfile(demo, migrated)
            subprocess.run([sys.executable, "-m", "clerc_tui", "migrate", "--db", str(migrated)], check=True)
        shutil.copyfile(migrated, path)
        return
    subprocess.run([sys.executable, "-m", "clerc_tui", "init", str(path)], check=True, capture_output=True)


def ensure_creditor() -> int:
    try:
        return imports.creditor_named(CREDITOR)[0]
    except Exception:
        debtor = DebtorInput(kind="physique", last_name="Amorce")
        data = DossierInput(
            debtor=debtor,
            new_creditor=CreditorInput(kind="morale", is_individual=False, activity="bailleur", name=CREDITOR),
            claims={"principal": __import__("decimal").Decimal("1")},
        )
        create_dossier(identify(), data, TODAY)
        return imports.creditor_named(CREDITOR)[0]


def timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def other_clerc(path: str, stop, waits) -> None:
    """Another clerc writing while the import runs: a short write transaction every 50 ms
    (BEGIN IMMEDIATE, as every clerc's write), its wait for the write lock recorded."""
    import sqlite3

    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    worst = 0.0
    while not stop.is_set():
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        worst = max(worst, time.perf_counter() - start)
        connection.execute("COMMIT")
        time.sleep(0.05)
    connection.close()
    waits.put(worst)


def one_run(csv_path: Path, base: Path, demo: str, rows: int) -> tuple[dict[str, tuple[float, float]], float, float]:
    """(rows/s wall and CPU per stage, the longest batch write, the longest wait of another
    clerc for the write lock, in seconds) of one run."""
    close_database()
    fresh_base(base, Path(demo) if demo else None)
    open_database(str(base))
    creditor_id = ensure_creditor()
    actor = identify()
    table = imports.open_table(csv_path)
    mapping = imports.resolve_mapping(creditor_id, table.headers)
    figures = {}
    report, wall, cpu = timed(lambda: imports.analyse(table, creditor_id, mapping, TODAY))
    assert report.valid == rows, report.summary
    figures["essai"] = (rows / wall, rows / cpu)
    batches: list[float] = []
    original = imports._Writer.write

    def watched(self, new_rows):
        start = time.perf_counter()
        written = original(self, new_rows)
        batches.append(time.perf_counter() - start)
        return written

    imports._Writer.write = watched
    import multiprocessing

    stop, waits = multiprocessing.Event(), multiprocessing.Queue()
    clerc = multiprocessing.Process(target=other_clerc, args=(str(base), stop, waits))
    clerc.start()
    try:
        report, wall, cpu = timed(
            lambda: imports.run_import(actor, imports.open_table(csv_path), creditor_id, mapping, TODAY)
        )
    finally:
        imports._Writer.write = original
        stop.set()
        worst_wait = waits.get(timeout=60)
        clerc.join()
    assert report.created == rows, report.summary
    figures["import"] = (rows / wall, rows / cpu)
    report, wall, cpu = timed(
        lambda: imports.run_import(actor, imports.open_table(csv_path), creditor_id, mapping, TODAY)
    )
    assert report.created == 0 and report.present == rows, report.summary
    figures["réimport"] = (rows / wall, rows / cpu)
    database.close()
    return figures, max(batches), worst_wait


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--demo", default="", help="import into a copy of this base (migrated once)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = OUT / f"creditor-{args.rows}.csv"
    if not csv_path.exists():
        write_csv(csv_path, args.rows)
    base = OUT / "import-bench.db"
    figures: dict[str, list[tuple[float, float]]] = {"essai": [], "import": [], "réimport": []}
    longest: list[float] = []
    waited: list[float] = []
    for _ in range(args.runs):
        run, batch, wait = one_run(csv_path, base, args.demo, args.rows)
        for name, value in run.items():
            figures[name].append(value)
        longest.append(batch)
        waited.append(wait)
    for name, values in figures.items():
        walls = [w for w, _ in values]
        cpus = [c for _, c in values]
        print(
            f"{name}: {args.rows:,} lignes, médiane {statistics.median(walls):,.0f} lignes/s (réel), "
            f"{statistics.median(cpus):,.0f} lignes/s (CPU) ; CPU min–max {min(cpus):,.0f}–{max(cpus):,.0f}"
        )
    print(
        f"écriture d'un lot la plus longue : {max(longest) * 1000:.0f} ms "
        f"(médiane des runs {statistics.median(longest) * 1000:.0f} ms) ; attente la plus longue d'un autre "
        f"clerc qui écrit toutes les 50 ms : {max(waited) * 1000:.0f} ms (médiane des runs "
        f"{statistics.median(waited) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
