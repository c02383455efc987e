"""The demo's deadlines, walked and indexed in a second process while the first builds the rest.

The deadlines are half of the demo's work (at 100,000 dossiers: 1.1 million rows walked
through the rules, inserted and put in five indexes). They draw from their own generator
(`Draws(… + "/deadlines")`) and need from each dossier only a few facts, so a child process
(`python -m clerc_tui.demo.worker`) can walk them from those facts, sent a round of 1,000
dossiers at a time, into a file of its own beside the demo, and index it there, while the
parent generates and loads everything else. The parent then copies the table with its
indexes in one `INSERT INTO deadline SELECT * FROM …`: SQLite copies the records and the
index entries as they are (its "transfer optimisation": same table definition, same
indexes, no triggers, foreign keys off), without binding nor sorting them again.
The child also hashes the ledger's chain and makes and hashes its audit trail (`Chains`), from
the ledger rows the parent sends with each round, and loads both tables beside the
deadlines: ~1.5 s of CPU at 100,000 dossiers taken off the parent, the longer of the two.

Same rows as walking them in the parent (same generator, same facts in the same order):
a seed still gives the same étude. The child's file is a scratch file: no journal, no
`fsync` (a crash leaves only a file the next `clerc demo` removes, as it removes a killed
build's own temporary file); the parent removes it once copied, or on any failure.
"""

from __future__ import annotations

import contextlib
import gc
import json
import operator
import pickle
import queue
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from clerc_tui.demo.deadlines import COLUMNS, LITERALS, DayTexts, DeadlineWalker
from clerc_tui.demo.draws import Draws
from clerc_tui.errors import ClercError
from clerc_tui.models import chain

# The facts of a dossier that its deadlines depend on, in the order they are sent.
FACTS = ("phase", "nature", "title_kind", "title_date", "enforceable", "closed", "first_procedure", "zone", "assigned")
_FACTS_OF = operator.itemgetter(*FACTS)  # a dossier's facts in that order, in one call from C
# Rounds the child reads ahead of its work (a thread drains the pipe), so that the parent does
# not wait for the child to take a round: the dossiers come oldest first, and the oldest carry
# ~30 deadlines each, so the child falls behind in the first rounds and catches up on the young
# ones. A pipe holds 64 KiB, ~1 round; a round's facts are ~40 KB pickled, ~250 KB once read:
# at most ~8 MB waiting.
READ_AHEAD = 32
LOAD_CACHE_KIB = -8_000  # the child's page cache while loading (as the parent's: memory stays bounded)


# The ledger's rows as the generator makes them, then the columns that keep their defaults, then
# the hash chain (m0013); the audit entry a service would have written for each.
LEDGER_DEFAULTS = (
    ("bearer", "debtor"),
    ("breakdown", ""),
    ("document_number", None),
    ("support_reference", ""),
    ("run_id", None),
)
CHAIN_COLUMNS = ("prev_hash", "row_hash")
LEDGER_COLUMNS = chain.columns("ledger_entry") + CHAIN_COLUMNS
AUDIT_COLUMNS = chain.columns("audit_entry") + CHAIN_COLUMNS
# The tables the child loads besides the deadlines, copied in with them: the ledger and its audit
# trail (chained there) and the ledger's running totals (services/integrity.BACKFILL_SQL, run there).
LEDGER_TABLES = ("ledger_entry", "audit_entry", "dossier_account")
# json.dumps(after, ensure_ascii=False, sort_keys=True), the encoder made once rather than per row.
_AFTER = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


class Chains:
    """The hash chains of the ledger and of its audit trail (models/chain.py), computed here rather
    than by a query per row, round after round: `ledger(rows)` gives the ledger rows (generator's
    columns) chained, and the audit entry a service would have written for each, chained too.
    The same in the builder (PostgreSQL) and in the child (a demo file), hence the same rows."""

    def __init__(self) -> None:
        self.heads = {"ledger_entry": chain.GENESIS, "audit_entry": chain.GENESIS}
        self.audit_id = 0

    def ledger(self, rows: list[tuple]) -> tuple[list[tuple], list[tuple]]:
        defaults = tuple(value for _name, value in LEDGER_DEFAULTS)
        ledger = self._chained("ledger_entry", [row + defaults for row in rows])
        audit = []
        for row in ledger:
            after = dict(zip(LEDGER_COLUMNS, row, strict=True))
            after["amount"] = f"{row[5] // 100}.{row[5] % 100:02d}"
            after["created_at"] = after["created_at"].replace(" ", "T")
            self.audit_id += 1
            audit.append(
                (
                    self.audit_id,
                    row[13],
                    row[12],
                    f"ledger.{row[2]}",
                    "ledger_entry",
                    str(row[0]),
                    row[1],
                    "",
                    _AFTER(after),
                )
            )
        return ledger, self._chained("audit_entry", audit)

    def _chained(self, table: str, rows: list[tuple]) -> list[tuple]:
        # The generator's values are canonical already (ints, ISO text, None): hashed as they are.
        hashes, self.heads[table] = chain.hash_rows(table, rows, self.heads[table], canonical_values=True)
        return [row + pair for row, pair in zip(rows, hashes, strict=True)]


class Phases(dict):
    """CPU and wall seconds per phase of a process's work (bench/bench_demo.py prints them):
    `lap(name)` charges what was spent since the previous lap to `name`."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu, self.wall = time.process_time(), time.perf_counter()

    def lap(self, name: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        spent = self.get(name, (0.0, 0.0))
        self[name] = (spent[0] + cpu - self.cpu, spent[1] + wall - self.wall)
        self.cpu, self.wall = cpu, wall


def insert_sql(table: str, columns: tuple[str, ...], literals=(), param: str = "?") -> str:
    """INSERT of `columns` as parameters and of `literals` ((column, SQL literal) pairs) as given."""
    names = ", ".join(f'"{c}"' for c in (*columns, *(name for name, _value in literals)))
    values = ", ".join([param] * len(columns) + [value for _name, value in literals])
    return f'INSERT INTO "{table}" ({names}) VALUES ({values})'


class DeadlineWorker:
    """The parent's side: starts the child, sends it each round's dossiers, collects the result.

    `schema`: the CREATE statements of the deadline table, of LEDGER_TABLES and of their indexes, as the parent's
    base has them (the copy needs the very same definitions)."""

    def __init__(self, path: Path, seed: str, today: int, schema: list[str], backfill: str):
        self.path = path
        self.pending: list[tuple] = []
        self.extra: dict[str, list[tuple]] = {}  # rows of other tables, loaded there (LEDGER_TABLES)
        # The child's traceback, never on the user's screen (closed by finish or abort).
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            # -P: the current directory is not put first on the child's path, so a `clerc_tui`
            # folder where the clerc stands (an old copy, or a planted one) is never what runs.
            [sys.executable, "-P", "-m", "clerc_tui.demo.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
        )
        self._send({"path": str(path), "seed": seed, "today": today, "schema": schema, "backfill": backfill})

    def dossier(self, dossier_id: int, **facts: Any) -> None:
        self.pending.append((dossier_id, *_FACTS_OF(facts)))

    def rows(self, table: str, rows: list[tuple]) -> None:
        """Rows of `table` (the ledger's, as generated) for the child to chain and load."""
        assert self.process.stdin is not None and not self.process.stdin.closed, "rows sent after end()"
        self.extra.setdefault(table, []).extend(rows)

    def flush(self) -> None:
        if self.pending or self.extra:
            self._send((self.pending, self.extra))
            self.pending, self.extra = [], {}

    def end(self) -> None:
        """Tell the child that every dossier was sent (its last round, then None): it indexes its
        deadlines while the parent does its own tail (search index, indexes, ANALYZE), not after."""
        assert self.process.stdin is not None
        if not self.process.stdin.closed:
            self.flush()
            self._send(None)
            self.process.stdin.close()

    def finish(self) -> tuple[dict[str, int], list[tuple], list[tuple], dict]:
        """Wait for the child to have walked, loaded, indexed and analysed every deadline; return
        the count of rows of each table it loaded, the `deadline_text` rows they use (the parent
        inserts those), the `sqlite_stat1` rows of those tables and the child's Phases."""
        self.end()
        assert self.process.stdout is not None
        try:
            result = pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError):
            result = None
        if self.process.wait() != 0 or result is None:
            raise self._failure()
        self.errors.close()
        return result

    def abort(self) -> None:
        """Stop the child (if still running) and remove its file."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a pipe the child closed first
                    stream.close()
        self.errors.close()
        remove(self.path)

    def _send(self, message: Any) -> None:
        assert self.process.stdin is not None
        try:
            pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.process.wait()
            raise self._failure() from None

    def _failure(self) -> ClercError:
        self.errors.seek(0)
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        cause = lines[-1] if lines else f"code de sortie {self.process.returncode}"
        return ClercError(f"Le calcul des échéances de la démonstration a échoué ({cause}). Rien n'a été créé.")


def remove(path: Path) -> None:
    for suffix in ("", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def serve(inbox: IO[bytes], outbox: IO[bytes]) -> None:
    """The child's side: walk each dossier sent, load its deadlines, index them, reply."""
    # No cyclic garbage collection in the child (as the import's, services/import_worker.py): its
    # rows and caches hold no cycles, and it ends with the demo.
    gc.disable()
    config = pickle.load(inbox)
    path = Path(config["path"])
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        try:
            result = _load(config, connection, inbox)
        finally:
            connection.close()
        pickle.dump(result, outbox, protocol=pickle.HIGHEST_PROTOCOL)
        outbox.flush()
    except BaseException:  # the parent stopped or failed: the scratch file goes with it
        remove(path)
        raise


def _load(
    config: dict, connection: sqlite3.Connection, inbox: IO[bytes]
) -> tuple[dict[str, int], list[tuple], list[tuple], dict]:
    phases = Phases()
    # A scratch file, copied into the demo then deleted: a journal or an fsync would protect
    # nothing (a failed build removes it; a crash leaves it to the next `clerc demo`).
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute(f"PRAGMA cache_size = {LOAD_CACHE_KIB}")
    connection.execute("PRAGMA temp_store = FILE")
    tables = [sql for sql in config["schema"] if not sql.lstrip().upper().startswith("CREATE INDEX")]
    indexes = [sql for sql in config["schema"] if sql not in tables]
    # Every index is built once at the end, by sorting: kept row by row during the load, the three
    # partial ones and the one that leads with the dossier cost the child's loop ~3 s more at
    # 100,000 dossiers (bench/bench_demo.py) for ~1.5 s less in its tail, and since m0029 (three
    # indexes fewer) the tail is the shorter part: the child's loop is what may keep the builder
    # waiting. The copy rebuilds them all in the demo, so its file is the same either way.
    for sql in tables:
        connection.execute(sql)
    connection.execute("BEGIN")
    counters: dict[str, int] = {}
    rows: dict[str, list] = {"deadline": [], "deadline_text": []}

    def next_id(table: str) -> int:
        counters[table] = value = counters.get(table, 0) + 1
        return value

    def add(table: str, row) -> None:
        rows[table].append(row)

    walker = DeadlineWalker(
        Draws(config["seed"]), config["today"], DayTexts(date.isoformat).__getitem__, next_id, add, rows["deadline"]
    )
    insert = insert_sql("deadline", COLUMNS, LITERALS)
    chains, chained = Chains(), {"ledger_entry": 0, "audit_entry": 0}
    phases.lap("start")
    for batch, extra in _messages(inbox):
        phases.lap("receive (waits for the builder)")
        for dossier_id, *facts in batch:
            walker.dossier(dossier_id, *facts)  # FACTS order, DeadlineWalker.dossier's
        phases.lap("walk")
        connection.executemany(insert, rows["deadline"])
        rows["deadline"].clear()
        phases.lap("insert deadlines")
        if extra:
            ledger, audit = chains.ledger(extra["ledger_entry"])
            phases.lap("hash chain")
            for table, columns, chained_rows in (
                ("ledger_entry", LEDGER_COLUMNS, ledger),
                ("audit_entry", AUDIT_COLUMNS, audit),
            ):
                connection.executemany(insert_sql(table, columns), chained_rows)
                chained[table] += len(chained_rows)
            phases.lap("insert ledger")
    phases.lap("receive (waits for the builder)")
    for sql in indexes:
        connection.execute(sql)
    phases.lap("indexes")
    # The ledger's running totals (what `backfill_accounts` does in the parent without a child).
    connection.execute(config["backfill"])
    # The planner's statistics of these tables, computed here too (the parent copies them).
    for table in ("deadline", *LEDGER_TABLES):
        connection.execute(f'ANALYZE "{table}"')
    stats = connection.execute("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall()
    connection.execute("COMMIT")
    phases.lap("analyze, commit")
    return {"deadline": walker.deadline_id, **chained}, rows["deadline_text"], stats, dict(phases)


def _messages(inbox: IO[bytes]) -> Iterator[Any]:
    """The parent's messages up to its final None, read by a thread up to READ_AHEAD rounds ahead;
    what stopped the reading (the parent gone: EOFError) is raised here."""
    waiting: queue.Queue = queue.Queue(maxsize=READ_AHEAD)

    def read() -> None:
        try:
            while True:
                message = pickle.load(inbox)
                waiting.put((None, message))
                if message is None:
                    return
        except BaseException as error:  # handed to the main thread, raised there
            waiting.put((error, None))

    threading.Thread(target=read, name="demo-worker-inbox", daemon=True).start()
    while True:
        error, message = waiting.get()
        if error is not None:
            raise error
        if message is None:
            return
        yield message


def main() -> int:
    try:
        serve(sys.stdin.buffer, sys.stdout.buffer)
    except (EOFError, BrokenPipeError):  # the parent stopped (failed, interrupted): nothing to keep
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
