"""Benchmark: a creditor import of 100,000 rows (issue 16 item 1: ≥ 20,000 rows/s).

Run: .venv/bin/python bench/bench_dossier_import.py [--rows 100000] [--runs 3] [--demo bench/out/demo-100000.db]
     .venv/bin/python bench/bench_dossier_import.py --stages [--rows 20000] [--runs 3]

Writes a deterministic CSV (French Excel style: `;`, Windows-1252, « 1 234,56 », JJ/MM/AAAA; every
row with an address, a date, two thirds with a phone and an e-mail, one in five a company with a
SIREN, one in three with interest and costs) into bench/out/, then, for each run, imports it into a
fresh copy of a base holding one creditor (or of `--demo`, copied once into bench/out/, then
re-copied per run), and imports it a second time (every row « déjà présent »). Reports rows/s of
wall time and of CPU (`time.process_time`) for the dry run, the import and the re-import, medians of
`--runs`, the longest batch write, and the longest wait for the write lock of another clerc (a second
process that writes every 50 ms during the import). The import's CPU is given for the process that
writes (`time.process_time`) and for the child that reads, checks and assembles the rows
(services/import_worker.py; `getrusage` of the children, taken around the import alone); with two
children (a file of imports.TWO_CHILDREN_ROWS rows or more, or `--children 2`), each one's too, read
in /proc when the import stops them.

`--stages`: the CPU of each stage of a row (µs, `time.process_time`, medians of `--runs`), all in
one process, on SQLite: reading, checking, assembling with the digests, binding the rows into the
batch's draft (import_worker.draft_of) and pickling it (the child's work), unpickling and loading
the draft, each table's `INSERT … SELECT` and the batch's audit entry (the parent's), in one
transaction rolled back; and what two children add: the checked rows sent by column from the one
that reads to the one that assembles (import_worker.pack, unpack), by chunks of 4,096.
"""

import argparse
import io
import itertools
import pickle
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from functools import partial
from pathlib import Path

from clerc_tui.models.db import announced, database, write_transaction
from clerc_tui.rules import import_rows
from clerc_tui.rules.identifiers import luhn_check_digit
from clerc_tui.services import import_worker, imports
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


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) of a live process, from /proc (its clock ticks)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def other_clerc(path: str, stop, waits) -> None:
    """Another clerc writing while the import runs: a short write transaction every 50 ms
    (announced, then BEGIN IMMEDIATE, as every clerc's write: models/db.write_transaction), its
    wait for the write lock recorded."""
    import sqlite3

    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    worst = 0.0
    while not stop.is_set():
        start = time.perf_counter()
        with announced(path):
            connection.execute("BEGIN IMMEDIATE")
            worst = max(worst, time.perf_counter() - start)
            connection.execute("COMMIT")
        time.sleep(0.05)
    connection.close()
    waits.put(worst)


def one_run(
    csv_path: Path, base: Path, demo: str, rows: int, children: int = 0
) -> tuple[dict[str, tuple[float, float]], float, float]:
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
    waiting: list[float] = []
    drafts: list[tuple[int, int]] = []  # (bytes, dossiers) of each batch's draft (SQLite)
    receive = import_worker.Worker.receive

    def watched_receive(self):
        start = time.perf_counter()
        batch = receive(self)
        waiting.append(time.perf_counter() - start)
        if batch.draft:
            drafts.append((len(batch.draft), batch.created))
        return batch

    import_worker.Worker.receive = watched_receive
    # Each child's CPU, read in /proc when the import closes it (its work is done by then).
    close = import_worker.Worker.close
    per_child: dict[str, float] = {}

    def watched_close(self, **kwargs):
        for name in ("reader", "process"):
            process = getattr(self, name, None)
            if process is not None and process.returncode is None:  # not reaped yet: /proc has it
                per_child[name] = _cpu_of(process.pid)
        close(self, **kwargs)

    import_worker.Worker.close = watched_close
    run = imports.run_import if not children else partial(imports.run_import, children=children)
    import multiprocessing

    stop, waits = multiprocessing.Event(), multiprocessing.Queue()
    clerc = multiprocessing.Process(target=other_clerc, args=(str(base), stop, waits))
    clerc.start()
    try:
        before = children_cpu()
        report, wall, cpu = timed(lambda: run(actor, imports.open_table(csv_path), creditor_id, mapping, TODAY))
        child = children_cpu() - before
    finally:
        imports._Writer.write = original
        import_worker.Worker.receive = receive
        import_worker.Worker.close = close
        stop.set()
        worst_wait = waits.get(timeout=60)
        clerc.join()
    assert report.created == rows, report.summary
    figures["import"] = (rows / wall, rows / cpu)
    figures["import (fils)"] = (rows / wall, rows / child)
    figures["import (total)"] = (rows / wall, rows / (cpu + child))
    if "reader" in per_child:  # two children: each one's CPU (/proc, tick of 10 ms)
        figures["import (fils qui lit)"] = (rows / wall, rows / per_child["reader"])
        figures["import (fils qui assemble)"] = (rows / wall, rows / per_child["process"])
    print(
        f"  temps réel du parent ({wall:.1f} s) : écriture des lots {sum(batches):.1f} s, attente et réception "
        f"des lots du fils {sum(waiting):.1f} s (dont le premier {waiting[0]:.2f} s), le reste (intervalles "
        "laissés libres, mise en route) "
        f"{wall - sum(batches) - sum(waiting):.1f} s"
    )
    if drafts:
        size, count = max(drafts)
        print(
            f"  brouillons SQLite envoyés par le fils : le plus gros {size / 1024:,.0f} Kio ({count:,} dossiers), "
            f"{sum(s for s, _ in drafts) / sum(c for _, c in drafts):,.0f} octets le dossier"
        )
    report, wall, cpu = timed(
        lambda: imports.run_import(actor, imports.open_table(csv_path), creditor_id, mapping, TODAY)
    )
    assert report.created == 0 and report.present == rows, report.summary
    figures["réimport"] = (rows / wall, rows / cpu)
    database.close()
    return figures, max(batches), worst_wait


def _prepared(csv_path: Path, base: Path):
    """A fresh migrated base opened, its creditor, and what the import's child would be given:
    the clerc, the file's checked columns (the creditor's mapping) and the import's context."""
    close_database()
    fresh_base(base, None)
    open_database(str(base))
    creditor_id = ensure_creditor()
    actor = identify()
    table = imports.open_table(csv_path)
    mapping = imports.resolve_mapping(creditor_id, table.headers)
    index = {h: i for i, h in enumerate(table.headers)}
    columns = [(key, index[header]) for key, header in mapping.columns.items() if header in index]
    context = import_worker.Context(creditor_id, CREDITOR, actor.user_id, actor.name, csv_path.name, TODAY, True)
    return actor, columns, context


def stages(csv_path: Path, base: Path, rows: int, runs: int) -> None:
    """CPU per row of each stage, medians of `runs` (see the module's docstring)."""
    actor, columns, context = _prepared(csv_path, base)
    figures: dict[str, list[float]] = {}

    def stage(name, call):
        start = time.process_time()
        result = call()
        figures.setdefault(name, []).append((time.process_time() - start) * 1e6 / rows)
        return result

    class RolledBack(Exception):
        pass

    for _ in range(runs):
        cells = stage("fils : lecture du CSV", lambda: list(imports.open_table(csv_path).rows()))
        checker = import_rows.RowChecker(columns, TODAY)
        checked = stage(
            "fils : contrôle des lignes",
            lambda: [r for s in range(0, len(cells), 4_000) for r in checker.check_rows(cells[s : s + 4_000])],  # noqa: B023
        )
        chunks = range(0, len(checked), import_worker.CHUNK_STREAM)
        sent_rows = stage(
            "deux-fils : envoi des lignes contrôlées (pack, pickle)",
            lambda: [pickle.dumps(import_worker.pack(checked[s : s + import_worker.CHUNK_STREAM])) for s in chunks],  # noqa: B023
        )
        stage(
            "deux-fils : réception (unpickle, unpack)",
            lambda: [import_worker.unpack(pickle.loads(b)) for b in sent_rows],  # noqa: B023
        )
        writer = imports._Writer(actor, context)
        bases = writer.bases()
        tables, digests, constants = stage(
            "fils : assemblage et empreintes",
            lambda: import_worker.assemble(checked, bases, context, datetime.now()),  # noqa: B023
        )
        batch = import_worker.Batch(1, bases, tables, digests, (2, rows + 1), rows, 0, [], True, "", constants)

        def draft(batch=batch, tables=tables, constants=constants):
            batch.counts = {name: len(values) for name, values in tables.items()}
            batch.draft, batch.rows = import_worker.draft_of(tables, constants), {}

        stage("fils : brouillon SQLite (liaisons, serialize)", draft)
        sent = io.BytesIO()
        stage("fils : envoi (pickle)", lambda: import_worker.send(batch, sent))  # noqa: B023
        blob = sent.getvalue()

        def receive(blob=blob, writer=writer):
            received = pickle.loads(blob)
            writer._load(received.draft)
            return received

        batch = stage("parent : réception (pickle, brouillon chargé)", receive)
        try:
            with write_transaction():
                for name, count in batch.sizes().items():
                    constant = batch.constants.get(name)
                    if name == "dossier":
                        stage(
                            "parent : SQL dossier (+ index de recherche)",
                            lambda: writer._insert_dossiers(batch),  # noqa: B023
                        )
                    elif count:
                        stage(
                            f"parent : SQL {name}",
                            lambda: imports._copy(name, import_worker.TABLES[name], constant),  # noqa: B023
                        )
                stage("parent : entrée d'audit du lot", lambda: writer._audit(batch))  # noqa: B023
                raise RolledBack
        except RolledBack:
            pass
        writer.close()
    total = {"fils": 0.0, "parent": 0.0, "deux-fils": 0.0}
    for name, values in figures.items():
        median = statistics.median(values)
        total[name.split(" ")[0]] += median
        print(f"{name:<55} {median:6.1f} µs  ({', '.join(f'{v:.1f}' for v in values)})")
    print(
        f"total : fils {total['fils']:.1f} µs, parent {total['parent']:.1f} µs la ligne ({rows:,} lignes) ; "
        f"deux fils : {total['deux-fils']:.1f} µs de plus à eux deux"
    )
    database.close()


def floor(csv_path: Path, base: Path, rows: int, runs: int) -> None:
    """The engine alone (issue 16, step 1): the batch's prepared tuples inserted by plain
    `sqlite3` `executemany` (the import's statements: constants as literals), table by table,
    batches of FLOOR_BATCH rows each committed (WAL, synchronous=NORMAL, foreign keys on:
    clerc's pragmas), on a fresh migrated base; no Python check, no id check, no audit entry.
    CPU µs a row (`time.process_time`), medians of `runs`; then the same without some indexes,
    to say what each costs."""
    import sqlite3

    actor, columns, context = _prepared(csv_path, base)
    checker = import_rows.RowChecker(columns, TODAY)
    checked = [checker.check(line, c) for line, c in imports.open_table(csv_path).rows()]
    bases = imports._Writer(actor, context).bases()
    database.close()
    template = OUT / "floor-template.db"
    shutil.copyfile(base, template)
    batches = []
    literals = []  # each batch's constants, written as literals of its INSERTs (import_worker.CONSTANT)
    for start in range(0, rows, FLOOR_BATCH):
        offset = {name: value + start for name, value in bases.items()}
        tables, _digests, constants = import_worker.assemble(
            checked[start : start + FLOOR_BATCH], offset, context, datetime.now()
        )
        batches.append(tables)
        literals.append(constants)
    # Claims, contacts and addresses are not one a row: their ids follow each batch's own count.
    for previous, tables in itertools.pairwise(batches):
        for name, values in tables.items():
            if values and previous[name]:
                shift = previous[name][-1][0] + 1 - values[0][0]
                tables[name] = [(row[0] + shift, *row[1:]) for row in values]
    fts = None
    variants = {
        "tel quel": [],
        "sans index de recherche (FTS)": ["fts"],
        "dossier sans ses 8 index non uniques": [
            "dossier_creditor_id",
            "dossier_assigned_to_id",
            "dossier_debtor_name_id",
            "dossier_creditor_name_id",
            "dossier_phase_reference",
            "dossier_nature_id",
            "dossier_phase_id",
            "dossier_balance_id",
        ],
    }
    for variant, dropped in variants.items():
        figures: dict[str, list[float]] = {}
        for _ in range(runs):
            shutil.copyfile(template, base)
            for suffix in ("-wal", "-shm"):
                Path(str(base) + suffix).unlink(missing_ok=True)
            connection = sqlite3.connect(str(base), isolation_level=None)
            for pragma, value in (
                ("journal_mode", "wal"),
                ("synchronous", "normal"),
                ("foreign_keys", 1),
                ("cache_size", -64000),
                ("temp_store", "memory"),
            ):
                connection.execute(f"PRAGMA {pragma} = {value}")
            for name in dropped:
                if name != "fts":
                    connection.execute(f'DROP INDEX "{name}"')
            (create,) = connection.execute(
                "SELECT sql FROM sqlite_master WHERE name = ?", (imports.FTS_TRIGGER,)
            ).fetchone()
            fts = imports._FTS_BODY.search(create)
            expressions = fts.group(3).replace("new.", "")  # type: ignore[union-attr]
            bulk = (
                f"INSERT INTO {fts.group(1)}({fts.group(2)}) SELECT {expressions} "  # type: ignore[union-attr]
                'FROM "dossier" WHERE "id" BETWEEN ? AND ?'
            )
            totals: dict[str, float] = {}
            for tables, constants in zip(batches, literals, strict=True):
                start = time.process_time()
                connection.execute("BEGIN IMMEDIATE")
                connection.execute(f'DROP TRIGGER "{imports.FTS_TRIGGER}"')
                totals["BEGIN"] = totals.get("BEGIN", 0.0) + time.process_time() - start
                for name, values in tables.items():
                    start = time.process_time()
                    names = ", ".join(f'"{c}"' for c in import_worker.TABLES[name])
                    kept = import_worker.CONSTANT[name] if name in constants else ()
                    marks = ", ".join(
                        imports._literal(constants[name][i]) if i in kept else "?"
                        for i in range(len(import_worker.TABLES[name]))
                    )
                    connection.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', values)
                    totals[name] = totals.get(name, 0.0) + time.process_time() - start
                    if name == "dossier" and "fts" not in dropped:
                        start = time.process_time()
                        connection.execute(bulk, (values[0][0], values[-1][0]))
                        totals["index de recherche"] = (
                            totals.get("index de recherche", 0.0) + time.process_time() - start
                        )
                start = time.process_time()
                connection.execute(create)
                connection.execute("COMMIT")
                totals["COMMIT"] = totals.get("COMMIT", 0.0) + time.process_time() - start
            connection.close()
            for name, seconds in totals.items():
                figures.setdefault(name, []).append(seconds * 1e6 / rows)
        medians = {name: statistics.median(values) for name, values in figures.items()}
        print(
            f"{variant} : {sum(medians.values()):.1f} µs la ligne — "
            + ", ".join(f"{name} {value:.1f}" for name, value in medians.items())
        )
    template.unlink()


FLOOR_BATCH = 4_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--demo", default="", help="import into a copy of this base (migrated once)")
    parser.add_argument("--stages", action="store_true", help="CPU of each stage of a row, in one process")
    parser.add_argument("--floor", action="store_true", help="CPU of the inserts alone, plain sqlite3")
    parser.add_argument("--children", type=int, default=0, help="1 or 2 children (default: the import's choice)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = OUT / f"creditor-{args.rows}.csv"
    if not csv_path.exists():
        write_csv(csv_path, args.rows)
    base = OUT / "import-bench.db"
    if args.stages:
        stages(csv_path, base, args.rows, args.runs)
        return
    if args.floor:
        floor(csv_path, base, args.rows, args.runs)
        return
    figures: dict[str, list[tuple[float, float]]] = {
        "essai": [],
        "import": [],
        "import (fils)": [],
        "import (total)": [],
        "réimport": [],
    }
    longest: list[float] = []
    waited: list[float] = []
    for _ in range(args.runs):
        run, batch, wait = one_run(csv_path, base, args.demo, args.rows, args.children)
        for name, value in run.items():
            figures.setdefault(name, []).append(value)
        longest.append(batch)
        waited.append(wait)
    for name, values in figures.items():
        walls = [w for w, _ in values]
        cpus = [c for _, c in values]
        print(
            f"{name}: {args.rows:,} lignes, médiane {statistics.median(walls):,.0f} lignes/s (réel), "
            f"{statistics.median(cpus):,.0f} lignes/s (CPU, {1e6 / statistics.median(cpus):.0f} µs la ligne) ; "
            f"CPU min–max {min(cpus):,.0f}–{max(cpus):,.0f}"
        )
    print(
        f"écriture d'un lot la plus longue : {max(longest) * 1000:.0f} ms "
        f"(médiane des runs {statistics.median(longest) * 1000:.0f} ms) ; attente la plus longue d'un autre "
        f"clerc qui écrit toutes les 50 ms : {max(waited) * 1000:.0f} ms (médiane des runs "
        f"{statistics.median(waited) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
