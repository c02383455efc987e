"""Creditor imports (issue 16 item 1): a CSV or XLSX file of debts becomes dossiers.

`open_table` reads the file (CSV: encoding and separator detected, rules/import_rows.decode and
sniff_delimiter; XLSX: openpyxl in read-only mode, streamed, first sheet). `resolve_mapping` says
which column is which field: the creditor's saved mapping, else a guess from the header names,
with the clerc's corrections. `analyse` is the dry run: every row checked, nothing written.
`run_import` writes: a child process (services/import_worker.py; two for a big file, one reading
and checking, one assembling) reads, checks and assembles the rows one batch ahead; this process
writes each batch in one short write transaction that creates its dossiers as
`services.dossiers.create_dossier` does (same rows, same values, timeline), set-based
(one statement per table: on SQLite an `INSERT … SELECT` from the batch's draft, the in-memory
database the child sent, import_worker.draft_of; on PostgreSQL an `executemany` of the tuples the
child sent), with one chained audit entry for the batch holding each dossier's
digest (m0027; `tampered_imports` checks them for `clerc check`). A row whose creditor reference is
already in the base (`dossier_source`, m0024) is « déjà présent »: re-importing a file creates
nothing, and an import that was killed is completed by running it again. docs/imports.md says the rules.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path

import peewee
from peewee import IntegrityError

from clerc_tui.errors import InvalidInput
from clerc_tui.models import Creditor, ImportMapping, chain
from clerc_tui.models.db import BulkTurns, database, is_postgresql, raw_sql, write_transaction
from clerc_tui.rules import import_rows
from clerc_tui.rules.french import format_integer
from clerc_tui.rules.import_rows import FIELD_BY_KEY, ImportRow, Refusal
from clerc_tui.rules.text import inert
from clerc_tui.services import import_worker, sequences
from clerc_tui.services.audit import record
from clerc_tui.services.context import Actor, require_write
from clerc_tui.services.files import os_cause

# New dossiers per write transaction, at first; then each batch is sized from the last one's
# duration so that the lock is held about BATCH_SECONDS of real time, however loaded the machine,
# between BATCH_MIN and BATCH_MAX dossiers. Between two batches, on SQLite, another clerc's write
# announced (models/db.BulkTurns: it waits for the lock, or writes) is let through first, waited
# for at most TURN_SECONDS: it waits about one batch (measured by bench_dossier_import.py); when
# nobody waits, the next batch follows at once. Writers that cannot announce themselves (lock
# files out of reach, another program) still find the lock free GAP_SECONDS (SQLite's busy
# handler tries again every 100 ms at most) every UNANNOUNCED_SECONDS. PostgreSQL queues the
# writers itself (the advisory lock of write_transaction): no gap.
BATCH = 200
BATCH_MIN, BATCH_MAX = 25, 20_000
BATCH_SECONDS = 0.3
TURN_SECONDS = 2.0
GAP_SECONDS = 0.11
UNANNOUNCED_SECONDS = 2.0
MAX_BYTES = 200 * 1024 * 1024  # a CSV is read whole (decoded once): refuse what cannot be an export
# From this many rows, on two cores or more, the rows are read and checked by one child and
# assembled by another (import_worker.Worker): one child is the slowest of the two processes of a
# big import (~50 µs a row against the parent's ~35), the two others are ~27 µs each and the three
# together keep both cores busy. Below, a second Python is not worth its start (~0.2 s of CPU).
TWO_CHILDREN_ROWS = 10_000


# --- reading the file -------------------------------------------------------------------


@dataclass
class Table:
    """A file's header and a way to walk its rows: (line number as a spreadsheet shows it,
    cells as text)."""

    path: Path
    kind: str  # CSV | XLSX
    encoding: str
    delimiter: str
    headers: list[str]
    total: int  # data rows (an estimate for XLSX: its declared dimension)
    _rows: Callable[[], Iterator[tuple[int, list[str]]]]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows()

    @property
    def description(self) -> str:
        if self.kind == "XLSX":
            return "XLSX (première feuille)"
        separator = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}[self.delimiter]
        return f"CSV, {self.encoding}, séparateur {separator}"


def open_table(path: Path) -> Table:
    """The file's table, or InvalidInput in French (missing, unreadable, empty, bad encoding)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except OSError as error:
        raise InvalidInput(f"Fichier « {path} » illisible : {os_cause(error, reading=True)}.") from None
    if start.startswith(b"PK\x03\x04") or path.suffix.lower() == ".xlsx":
        return _xlsx_table(path)
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInput(f"Fichier « {path.name} » trop gros pour un export de créancier (plus de 200 Mo).")
    text, encoding = import_rows.decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise InvalidInput(f"Fichier « {path.name} » vide, ou sans ligne d'en-tête sur la première ligne.")
    delimiter = import_rows.sniff_delimiter(first)
    headers = [h.strip() for h in next(csv.reader([first.rstrip("\r")], delimiter=delimiter))]
    total = max(0, text.count("\n") - (0 if text.endswith("\n") else -1) - 1)

    def rows() -> Iterator[tuple[int, list[str]]]:
        return import_rows.csv_rows(text, delimiter)

    return Table(path, "CSV", encoding, delimiter, _unique_headers(headers), total, rows)


def _unique_headers(headers: list[str]) -> list[str]:
    """The headers as shown and saved: a control character made visible (`rules.text.inert`),
    an empty one named, a repeated one numbered."""
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        name = inert(header, multiline=False) or "(sans nom)"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _xlsx_table(path: Path) -> Table:
    import zipfile

    from openpyxl import load_workbook

    def opened():
        try:
            return load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise InvalidInput(f"Classeur « {path.name} » illisible (XLSX attendu) : {error}.") from None

    book = opened()
    try:
        sheet = book.worksheets[0]
        head = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
        total = max(0, (sheet.max_row or 1) - 1)
    finally:
        book.close()
    if not head or not any(cell is not None for cell in head):
        raise InvalidInput(f"Classeur « {path.name} » : la première ligne de la première feuille est vide.")
    headers = [_cell_text(cell).strip() for cell in head]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)

    def rows() -> Iterator[tuple[int, list[str]]]:
        """The rows, streamed; the workbook opened for this walk and closed after it."""
        walk = opened()
        try:
            cells_of = walk.worksheets[0].iter_rows(min_row=2, values_only=True)
            for number, values in enumerate(cells_of, start=2):
                cells = [_cell_text(v) for v in values[:width]]
                if any(cell.strip() for cell in cells):
                    yield number, cells
        finally:
            walk.close()

    return Table(path, "XLSX", "", "", _unique_headers(headers), total, rows)


# --- the mapping ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]  # field → header
    origin: str  # « enregistrée » | « devinée » (+ « corrigée »)
    saved: dict[str, str] | None  # what the base holds for the creditor

    def lines(self) -> list[tuple[str, str]]:
        """(field label, header or « — ») in the order of rules/import_rows.FIELDS."""
        return [(f.label + (" *" if f.required else ""), self.columns.get(f.key, "—")) for f in import_rows.FIELDS]


def creditor_named(name: str) -> tuple[int, str]:
    """(id, name) of the creditor named (accents and case aside), or InvalidInput."""
    from clerc_tui.services.creditors import creditor_id_by_name

    creditor_id = creditor_id_by_name(name)
    if creditor_id is None:
        raise InvalidInput(f"Aucun créancier « {name.strip()} » : créez-le d'abord (fiche dossier) ou vérifiez le nom.")
    return creditor_id, Creditor.get_by_id(creditor_id).display_name


def saved_mapping(creditor_id: int) -> dict[str, str] | None:
    row = ImportMapping.get_or_none(ImportMapping.creditor == creditor_id)
    return json.loads(row.mapping) if row is not None else None


def parse_mapping_text(text: str) -> dict[str, str]:
    """« reference=Réf;principal=Capital » → {field: header}; a field given empty is dropped
    (« interest= »: the file's interest column is not read)."""
    out: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sep, header = part.partition("=")
        key = key.strip()
        if not sep or key not in FIELD_BY_KEY:
            raise InvalidInput(
                f"--mapping : « {part.strip()} » (champ=Colonne attendu ; champs : {', '.join(FIELD_BY_KEY)})."
            )
        out[key] = header.strip()
    return out


def resolve_mapping(creditor_id: int, headers: list[str], corrections: dict[str, str] | None = None) -> Mapping:
    """The creditor's saved mapping when it fits the file, else the guess from the headers;
    then the clerc's corrections (a field corrected to "" is dropped)."""
    saved = saved_mapping(creditor_id)
    if saved is not None and not import_rows.mapping_problems(saved, headers):
        columns, origin = dict(saved), "enregistrée"
    else:
        columns, origin = import_rows.guess_mapping(headers), "devinée d'après les en-têtes"
    if corrections:
        for key, header in corrections.items():
            if header:
                columns[key] = header
            else:
                columns.pop(key, None)
        origin += ", corrigée"
    return Mapping(columns, origin, saved)


def check_mapping(mapping: Mapping, headers: list[str]) -> None:
    problems = import_rows.mapping_problems(mapping.columns, headers)
    if problems:
        raise InvalidInput("Correspondance des colonnes incomplète : " + " ".join(problems))


def save_mapping(actor: Actor, creditor_id: int, columns: dict[str, str]) -> bool:
    """Store the creditor's mapping (audited, before and after); False when unchanged."""
    require_write(actor)
    with write_transaction():
        row = ImportMapping.get_or_none(ImportMapping.creditor == creditor_id)
        text = json.dumps(columns, ensure_ascii=False, sort_keys=True)
        before = json.loads(row.mapping) if row is not None else None
        if before == columns:
            return False
        now = datetime.now()
        if row is None:
            row = ImportMapping.create(creditor=creditor_id, mapping=text, updated_by=actor.login, updated_at=now)
            record(actor, "import_mapping.create", "import_mapping", row.id, after={"mapping": columns})
        else:
            ImportMapping.update(mapping=text, updated_by=actor.login, updated_at=now).where(
                ImportMapping.id == row.id
            ).execute()
            record(
                actor,
                "import_mapping.update",
                "import_mapping",
                row.id,
                before={"mapping": before},
                after={"mapping": columns},
            )
    return True


# --- checking the rows ------------------------------------------------------------------


@dataclass
class Report:
    """What a dry run found, or what an import did."""

    file: str
    description: str
    rows: int = 0
    created: int = 0
    present: int = 0
    valid: int = 0  # rows that would be created (dry run)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def summary(self) -> str:
        created = f"{format_integer(self.created)} créé{'s' if self.created > 1 else ''}"
        present = f"{format_integer(self.present)} déjà présent{'s' if self.present > 1 else ''}"
        refused = f"{format_integer(len(self.refused))} refusé{'s' if len(self.refused) > 1 else ''}"
        return f"{created}, {present}, {refused} ({format_integer(self.rows)} lignes lues)"


class _Checker:
    """Rows of one file against each other (rules/import_rows.RowChecker) and against the
    creditor's dossiers."""

    def __init__(self, creditor_id: int, mapping: dict[str, str], headers: list[str], today: date):
        self.creditor_id = creditor_id
        index = {h: i for i, h in enumerate(headers)}
        self.rows = import_rows.RowChecker(
            [(key, index[header]) for key, header in mapping.items() if header in index], today
        )
        self.existing_keys, self.existing_names = _existing_debts(creditor_id)

    def existing(self, row: ImportRow) -> str | None:
        """Why the row duplicates a dossier already in the base under another reference."""
        name, cents, on = import_rows.duplicate_key(row)
        hit = self.existing_keys.get((name, cents, on)) if on else self.existing_names.get((name, cents))
        if hit is None:
            return None
        return f"Doublon du dossier {hit} : même débiteur, même principal" + (" et même date." if on else ".")


def _existing_debts(creditor_id: int) -> tuple[dict[tuple, str], dict[tuple, str]]:
    """The creditor's dossiers by (debtor's folded name, principal in cents, its date) and by
    (name, principal): what a new reference must not repeat."""
    rows = database.execute_sql(
        raw_sql(
            'SELECT d."search_name", c."amount", c."due_on", ds."reference" FROM "dossier" ds '
            'JOIN "dossier_debtor" dd ON dd."dossier_id" = ds."id" AND dd."position" = 0 '
            'JOIN "debtor" d ON d."id" = dd."debtor_id" '
            'JOIN "claim_item" c ON c."dossier_id" = ds."id" AND c."kind" = \'principal\' '
            'WHERE ds."creditor_id" = ?'
        ),
        (creditor_id,),
    ).fetchall()
    by_key: dict[tuple, str] = {}
    by_name: dict[tuple, str] = {}
    for name, cents, on, reference in rows:
        day = on if isinstance(on, date) or on is None else date.fromisoformat(on)
        by_key.setdefault((name, cents, day), reference)
        by_name.setdefault((name, cents), reference)
    return by_key, by_name


def _present_refs(creditor_id: int, references: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(
            r
            for (r,) in database.execute_sql(
                raw_sql(
                    'SELECT "creditor_reference" FROM "dossier_source" WHERE "creditor_id" = ? '
                    f'AND "creditor_reference" IN ({marks})'
                ),
                (creditor_id, *chunk),
            )
        )
    return found


Progress = Callable[[int, int], None]


def analyse(table: Table, creditor_id: int, mapping: Mapping, today: date, progress: Progress | None = None) -> Report:
    """The dry run: every row checked as the import would, nothing written."""
    check_mapping(mapping, table.headers)
    checker = _Checker(creditor_id, mapping.columns, table.headers, today)
    report = Report(table.path.name, table.description)
    pending: list[ImportRow] = []

    def settle() -> None:
        present = _present_refs(creditor_id, [r.reference for r in pending])
        for row in pending:
            if row.reference in present:
                report.present += 1
            else:
                reason = checker.existing(row)
                if reason:
                    report.refused.append(Refusal(row.line, row.reference, reason))
                else:
                    report.valid += 1
        pending.clear()

    walk = table.rows()
    while chunk := list(islice(walk, import_worker.CHUNK_MIN)):  # checked column by column, as the import's child does
        for row in checker.rows.check_rows(chunk):
            report.rows += 1
            if isinstance(row, Refusal):
                report.refused.append(row)
            else:
                pending.append(row)
                if len(pending) >= BATCH:
                    settle()
                    if progress is not None:
                        progress(report.rows, max(table.total, report.rows))
    settle()
    if progress is not None:
        progress(report.rows, report.rows)
    report.refused.sort(key=lambda r: r.line)
    return report


# --- writing ----------------------------------------------------------------------------


def run_import(
    actor: Actor,
    table: Table,
    creditor_id: int,
    mapping: Mapping,
    today: date,
    *,
    batch: int | None = None,
    progress: Progress | None = None,
    children: int | None = None,
) -> Report:
    """Import the file: the mapping saved for the creditor (audited when new or changed), then
    the valid rows by batches, each batch all or nothing, with one audit entry. Refused rows are
    left out and listed. The rows are read, checked and assembled by a child process one batch
    ahead (services/import_worker.py), or by two (`children`; by default `children_for`); this
    process only writes. `batch`: a fixed number of new dossiers per batch (tests); by default
    sized as BATCH_SECONDS says."""
    require_write(actor)
    check_mapping(mapping, table.headers)
    save_mapping(actor, creditor_id, mapping.columns)
    creditor = Creditor.get_by_id(creditor_id)
    index = {h: i for i, h in enumerate(table.headers)}
    context = import_worker.Context(
        creditor_id,
        creditor.display_name,
        actor.user_id,
        actor.name,
        table.path.name,
        today,
        not is_postgresql(),
    )
    config = {
        "path": str(table.path.resolve()),
        "columns": [(key, index[header]) for key, header in mapping.columns.items() if header in index],
        "context": context,
        "present": _all_refs(creditor_id),
        "existing": _existing_debts(creditor_id),
        "draft": context.sqlite and import_worker.drafts_possible(),  # SQLite: the rows sent as a database
    }
    writer = _Writer(actor, context)
    report = Report(table.path.name, table.description)
    worker = import_worker.Worker(config, children or children_for(table))
    try:
        _pipeline(worker, writer, report, table, batch, progress)
    except BaseException:  # a failed batch, an interruption: the child may be busy sending, stop it now
        worker.close(kill=True)
        raise
    finally:
        writer.turns.close()
        writer.close()
    worker.close()
    if progress is not None:
        progress(report.rows, report.rows)
    report.refused.sort(key=lambda r: r.line)
    return report


def children_for(table: Table) -> int:
    """How many children prepare the batches of this file: two from TWO_CHILDREN_ROWS rows when
    this process may run on two cores or more, else one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 2 if table.total >= TWO_CHILDREN_ROWS and cores >= 2 else 1


def _pipeline(
    worker: import_worker.Worker,
    writer: _Writer,
    report: Report,
    table: Table,
    fixed: int | None,
    progress: Progress | None,
) -> None:
    """Ask the child for batch n + 1 (on the ids batch n leaves next), then write batch n;
    between two write transactions at least GAP_SECONDS without the lock, for another clerc."""
    size = fixed or BATCH
    number = 1
    worker.ask(number, size, writer.bases())
    committed_at: float | None = None
    left_free = time.monotonic()  # when the lock was last left free on purpose
    while True:
        prepared = worker.receive()
        asked_next = not prepared.end
        if asked_next:
            size = writer.next_size(size, fixed)
            worker.ask(number + 1, size, prepared.next_bases())
        if prepared.created and committed_at is not None and writer.sqlite:
            if writer.turns.let_others_pass(TURN_SECONDS):
                left_free = time.monotonic()
            elif not writer.turns.announced or time.monotonic() - left_free > UNANNOUNCED_SECONDS:
                # Writers that cannot announce themselves (no lock files): the lock left free for them.
                time.sleep(max(0.0, GAP_SECONDS - (time.monotonic() - committed_at)))
                left_free = time.monotonic()
        if prepared.created and not writer.write(prepared):
            # Another clerc wrote between the batches: the same rows again, on the new ids.
            if asked_next:
                worker.receive()
            worker.ask(number, size, writer.bases())
            committed_at = time.monotonic()
            continue
        if prepared.created:
            committed_at = time.monotonic()
        report.rows += prepared.read
        report.present += prepared.present
        report.created += prepared.created
        report.refused += prepared.refused
        if progress is not None:
            progress(report.rows, max(table.total, report.rows))
        if prepared.end:
            return
        number += 1


def _all_refs(creditor_id: int) -> set[str]:
    """The creditor's references already in the base: rows « déjà présent » (the unique index
    of m0024 stops a concurrent import of the same rows: its batch fails whole)."""
    rows = database.execute_sql(
        raw_sql('SELECT "creditor_reference" FROM "dossier_source" WHERE "creditor_id" = ?'), (creditor_id,)
    )
    return {r for (r,) in rows}


FTS_TRIGGER = "dossier_fts_insert"
_FTS_BODY = re.compile(
    r"BEGIN\s*INSERT INTO (\w+)\s*\(([^)]*)\)\s*VALUES\s*\((.*)\);\s*END\s*$", re.DOTALL | re.IGNORECASE
)


def _fts_insert() -> tuple[str, str] | None:
    """(the trigger's CREATE statement, the same insert for the dossiers of an id range), or None
    when the base has no such trigger or one whose body is not the expected single INSERT (then
    the trigger is left to fire)."""
    row = database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (FTS_TRIGGER,)
    ).fetchone()
    match = _FTS_BODY.search(row[0]) if row else None
    if match is None or "new." not in match.group(3):
        return None
    table, columns, values = match.groups()
    expressions = re.sub(r"\bnew\.", "", values)
    bulk = f'INSERT INTO {table}({columns}) SELECT {expressions} FROM main."dossier" WHERE "id" BETWEEN ? AND ?'
    return row[0], bulk


class _Writer:
    """Writes the batches the child prepared: checks their ids under the write lock, inserts
    their rows, and their one audit entry."""

    def __init__(self, actor: Actor, context: import_worker.Context):
        self.actor = actor
        self.context = context
        self.sqlite = context.sqlite
        self.last_seconds: float | None = None  # the last batch written: its duration, its dossiers
        self.last_rows = 0
        self.fts: tuple[str, str] | None = None  # _fts_insert(), once read
        self.fts_read = False
        self.turns = BulkTurns()
        self.attached: object = None  # the connection the draft schema is attached to (_load)

    def _load(self, draft: bytes) -> None:
        """The batch's draft as the attached schema import_worker.DRAFT, before its transaction
        (SQLite attaches a database, and replaces one, only outside a transaction): the bytes are
        copied into a new in-memory database, the previous batch's is freed. Attached once an import,
        to the connection of the thread that writes (`close` detaches it)."""
        connection = database.connection()
        if self.attached is not connection:
            database.execute_sql(f"ATTACH DATABASE ':memory:' AS \"{import_worker.DRAFT}\"")
            self.attached = connection
        with peewee.__exception_wrapper__:  # type: ignore[attr-defined]  # the driver's errors as peewee's
            connection.deserialize(draft, name=import_worker.DRAFT)

    def close(self) -> None:
        """Detach the draft schema (and free its last batch), if attached; an import that failed
        inside a transaction has rolled it back by now."""
        if self.attached is not None and self.attached is database.connection():
            with contextlib.suppress(peewee.DatabaseError):
                database.execute_sql(f'DETACH DATABASE "{import_worker.DRAFT}"')
        self.attached = None

    def next_size(self, size: int, fixed: int | None) -> int:
        """The next batch's size: as many dossiers as the last batch written did in BATCH_SECONDS
        (its time per dossier, however loaded the machine), growing by half at most (a loaded
        machine is bursty, and the batch asked now is written after the one being written)."""
        took, rows = self.last_seconds, self.last_rows
        if fixed or took is None or not rows:
            return fixed or size
        fits = int(BATCH_SECONDS * rows / took) if took > 0 else BATCH_MAX
        return max(BATCH_MIN, min(fits, size + size // 2, BATCH_MAX))

    def bases(self) -> dict[str, int]:
        """The next id of each table a batch writes (SQLite: after its largest, what SQLite itself
        would give; PostgreSQL: the next value of its sequence), and the next dossier number."""
        out = {}
        for name in import_worker.ID_TABLES:
            if self.sqlite:
                (last,) = database.execute_sql(f'SELECT MAX("id") FROM "{name}"').fetchone()
                out[name] = (last or 0) + 1
            else:
                (sequence,) = database.execute_sql(f"SELECT pg_get_serial_sequence('\"{name}\"', 'id')").fetchone()
                last, called = database.execute_sql(f"SELECT last_value, is_called FROM {sequence}").fetchone()
                out[name] = last + 1 if called else last
        row = database.execute_sql(
            raw_sql('SELECT "last" FROM "sequence" WHERE "name" = ? AND "year" = ?'),
            ("dossier", self.context.today.year),
        ).fetchone()
        out["number"] = (row[0] if row else 0) + 1
        return out

    def write(self, batch: import_worker.Batch) -> bool:
        """Write the batch in one transaction; False (nothing written) when its ids are no longer
        the next ones (another clerc wrote since they were predicted)."""
        started = time.monotonic()
        if batch.draft:
            self._load(batch.draft)
        try:
            with self.turns.batch(), write_transaction():
                if is_postgresql():  # the audit chain's lock first, as every appender takes it (models/chain.py)
                    database.execute_sql("SELECT pg_advisory_xact_lock('\"audit_entry\"'::regclass::oid::bigint)")
                if self.bases() != batch.bases or not self._claim(batch):
                    return False
                first = sequences.allocate_range("dossier", self.context.today.year, batch.created)
                if first != batch.bases["number"]:  # cannot differ: read under the same lock
                    raise InvalidInput("Numérotation des dossiers modifiée pendant l'import : relancez-le.")
                for name, count in batch.sizes().items():
                    if not count:
                        continue
                    if name == "dossier":
                        self._insert_dossiers(batch)
                    elif batch.draft:
                        _copy(name, import_worker.TABLES[name], batch.constants.get(name))
                    else:
                        _insert(name, import_worker.TABLES[name], batch.rows[name], batch.constants.get(name))
                self._audit(batch)
        except IntegrityError:
            raise InvalidInput(
                "Un autre import du même créancier a écrit les mêmes lignes en même temps : ce lot n'a pas été "
                "écrit. Relancez l'import : les lignes déjà là seront « déjà présentes »."
            ) from None
        self.last_seconds, self.last_rows = time.monotonic() - started, batch.created
        return True

    def _claim(self, batch: import_worker.Batch) -> bool:
        """PostgreSQL: take the batch's ids from each table's sequence (the application's role may
        draw from a sequence, not set it), True when they are the ones the batch was prepared with
        (a writer outside the lock drew some meanwhile: the batch is prepared again). SQLite: the
        ids after the largest are free as long as the lock is held."""
        if self.sqlite:
            return True
        counts = batch.sizes() | {"audit_entry": 1}
        for name, count in counts.items():
            if not count:
                continue
            drawn = database.execute_sql(
                f"SELECT nextval(pg_get_serial_sequence('\"{name}\"', 'id')) FROM generate_series(1, %s)", (count,)
            ).fetchall()
            first = batch.bases[name]
            if [value for (value,) in drawn] != list(range(first, first + count)):
                return False
        return True

    def _insert_dossiers(self, batch: import_worker.Batch) -> None:
        """The batch's dossiers, and their rows of the search index (m0002). On SQLite the index's insert
        trigger fires per row at ~50 µs (measured: 66 against 13 µs a dossier without it); the
        batch drops it inside its transaction, indexes its dossiers with one INSERT … SELECT of
        the trigger's own expressions (~4 µs a row) and re-creates it verbatim before COMMIT, as
        `clerc demo` does: a killed batch rolls the three back together."""
        if not self.fts_read:  # read once an import: the trigger's SQL does not change under it
            self.fts, self.fts_read = (_fts_insert() if self.sqlite else None), True
        fts = self.fts
        constant = batch.constants.get("dossier")

        def insert() -> None:
            if batch.draft:
                _copy("dossier", import_worker.DOSSIER, constant)
            else:
                _insert("dossier", import_worker.DOSSIER, batch.rows["dossier"], constant)

        if fts is None:
            insert()
            return
        create, bulk = fts
        database.execute_sql(f'DROP TRIGGER "{FTS_TRIGGER}"')
        insert()
        first = batch.bases["dossier"]
        database.execute_sql(bulk, (first, first + batch.sizes()["dossier"] - 1))
        database.execute_sql(create)

    def _audit(self, batch: import_worker.Batch) -> None:
        """The batch's one entry in the chained audit trail (models/chain.py): who, the file and
        its SHA-256, the lines read, and each created dossier's id with the digest of its rows."""
        ids = [dossier_id for dossier_id, _digest in batch.digests]
        after = json.dumps(
            {
                "file": self.context.file_name,
                "sha256": batch.sha256,
                "lines": list(batch.lines),
                "uid": os.getuid(),
                "creditor_id": self.context.creditor_id,
                "dossiers": [list(pair) for pair in batch.digests],
            }
            # The digests' version (import_worker.digests); none for v1, as every entry before v2.
            | ({"digest": batch.digest_version} if batch.digest_version != 1 else {}),
            ensure_ascii=False,
            sort_keys=True,
        )
        head = chain.chain_head(database.obj, "audit_entry")
        now = datetime.now()
        values = (
            batch.bases["audit_entry"],
            now,
            self.actor.login,
            BATCH_ACTION,
            "dossier_source",
            f"{ids[0]}-{ids[-1]}",
            None,
            "",
            after,
        )
        prev = head[1] if head else chain.GENESIS
        digest = chain.row_hash("audit_entry", values, prev)
        stored = (values[0], str(now) if self.sqlite else now, *values[2:], prev, digest)
        _insert("audit_entry", (*AUDIT, "prev_hash", "row_hash"), [stored])


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple], constant: tuple | None = None) -> None:
    """`rows` inserted into `table`; with `constant` (a whole row: Batch.constants), the rows hold
    only their varying columns (import_worker.CONSTANT), the others written once as literals."""
    if rows:
        names = ", ".join(f'"{c}"' for c in columns)
        kept = import_worker.CONSTANT.get(table, ()) if constant is not None else ()
        marks = ", ".join(_literal(constant[i]) if i in kept else database.param for i in range(len(columns)))  # type: ignore[index]
        with peewee.__exception_wrapper__:  # type: ignore[attr-defined]  # the driver's errors as peewee's
            database.cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


def _copy(table: str, columns: tuple[str, ...], constant: tuple | None = None) -> None:
    """The batch's rows of `table`, copied from its draft (import_worker.draft_of, loaded by
    _Writer._load) by one `INSERT … SELECT`, in id order: the draft's columns, and with `constant`
    the others as literals, as `_insert` writes them. The values reach the table as an
    `executemany` binds them (a text, an integer, NULL; the table's affinity applied on insert)."""
    names = ", ".join(f'"{c}"' for c in columns)
    kept = import_worker.CONSTANT.get(table, ()) if constant is not None else ()
    values = ", ".join(_literal(constant[i]) if i in kept else f'"{c}"' for i, c in enumerate(columns))  # type: ignore[index]
    database.execute_sql(
        f'INSERT INTO main."{table}" ({names}) SELECT {values} FROM "{import_worker.DRAFT}"."{table}" ORDER BY "id"'
    )


def _literal(value: object) -> str:
    """A constant of a batch as an SQL literal (SQLite): NULL, an integer, or a text quoted as SQL
    quotes it (each ' doubled), whatever it holds; import_worker.literal_safe says which values."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"not a literal: {type(value).__name__}")


AUDIT = chain.columns("audit_entry")
BATCH_ACTION = "dossier.import_batch"


# --- verifying ------------------------------------------------------------------------


def source_of(dossier_id: int) -> str:
    """« Importé de FICHIER, ligne N » and the audit entry that recorded it, or "" (a typed dossier)."""
    row = database.execute_sql(
        raw_sql('SELECT "file_name", "line", "audit_id" FROM "dossier_source" WHERE "dossier_id" = ?'), (dossier_id,)
    ).fetchone()
    if row is None:
        return ""
    file_name, line, audit_id = row
    said = f"Importé de {inert(file_name, multiline=False)}, ligne {format_integer(line)}"
    return said + (f" (audit n° {audit_id})" if audit_id is not None else "")


def tampered_imports() -> list[tuple[int, int, str]]:
    """(dossier id, audit entry id, what differs, in French) of each dossier a batch imported whose
    rows are no longer those its audit entry recorded (services/import_worker.digests, by the version
    the entry records), though no audit entry since names the dossier or one of its rows: changed
    outside clerc. Read only."""
    db = database
    recorded: dict[int, tuple[int, str, int]] = {}  # dossier id → (audit entry, digest, its version)
    for audit_id, after in db.execute_sql(
        raw_sql('SELECT "id", "after" FROM "audit_entry" WHERE "action" = ? ORDER BY "id"'), (BATCH_ACTION,)
    ):
        try:
            entry = json.loads(after)
            pairs, version = entry["dossiers"], entry.get("digest", 1)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # the chain (services/integrity) reports an entry edited
        for dossier_id, digest in pairs:
            recorded[dossier_id] = (audit_id, digest, version)
    if not recorded:
        return []
    first = min(audit_id for audit_id, _digest, _version in recorded.values())
    by_dossier: dict[int, int] = {}
    by_row: dict[tuple[str, str], int] = {}
    for audit_id, dossier_id, table_name, row_id in db.execute_sql(
        raw_sql(
            'SELECT "id", "dossier_id", "table_name", "row_id" FROM "audit_entry" WHERE "id" > ? AND "action" <> ?'
        ),
        (first, BATCH_ACTION),
    ):
        if dossier_id is not None:
            by_dossier[dossier_id] = audit_id
        by_row[(table_name, row_id)] = audit_id

    def rows_of(table: str, key: int | None = None) -> dict[int, list[tuple]]:
        names = ", ".join(f'"{c}"' for c in import_worker.TABLES[table])
        out: dict[int, list[tuple]] = {}
        for row in db.execute_sql(f'SELECT {names} FROM "{table}" ORDER BY "id"'):
            out.setdefault(row[0] if key is None else row[key], []).append(tuple(row))
        return out

    dossiers, links = rows_of("dossier"), rows_of("dossier_debtor", 1)
    debtors, addresses, contacts = rows_of("debtor"), rows_of("debtor_address", 1), rows_of("debtor_contact", 1)
    claims, events, sources = rows_of("claim_item", 1), rows_of("timeline_event", 1), rows_of("dossier_source", 1)
    out = []
    digests = import_worker.digests()
    for dossier_id, (audit_id, digest, version) in recorded.items():
        link = next((r for r in links.get(dossier_id, ()) if r[3] == 0), None)
        debtor_id = link[2] if link else None
        own: dict[str, list[int | None]] = {
            "dossier": [dossier_id],
            "debtor": [debtor_id],
            "debtor_address": [r[0] for r in addresses.get(debtor_id or 0, ())],
            "debtor_contact": [r[0] for r in contacts.get(debtor_id or 0, ())],
            "claim_item": [r[0] for r in claims.get(dossier_id, ())],
        }
        since = [by_dossier.get(dossier_id, 0)] + [by_row.get((t, str(i)), 0) for t, ids in own.items() for i in ids]
        if max(since) > audit_id:
            continue  # changed by clerc since, audited: the digest says how it was imported
        dossier = dossiers.get(dossier_id)
        if dossier is None or link is None or debtor_id not in debtors:
            out.append((dossier_id, audit_id, "supprimé (ou sa fiche débiteur) hors de clerc"))
            continue
        compute = digests.get(version) if type(version) is int else None
        if compute is None:  # written by a later clerc, or a v2 this Python cannot write again: said so
            why = (
                f"son empreinte (version {version}) ne peut être recalculée avec ce Python, dont pickle "
                "n'écrit plus les mêmes octets : vérifier avec le Python qui a fait l'import"
                if version in import_worker.KNOWN_DIGEST_VERSIONS
                else f"son empreinte est de version {version}, que ce clerc ne connaît pas"
            )
            out.append((dossier_id, audit_id, f"non vérifiable : {why}"))
            continue
        now = compute(
            dossier[0],
            debtors[debtor_id][0],
            link,
            addresses.get(debtor_id, ()),
            contacts.get(debtor_id, ()),
            claims.get(dossier_id, ()),
            events.get(dossier_id, [()])[0],
            sources.get(dossier_id, [()])[0],
        )
        if now != digest:
            out.append((dossier_id, audit_id, "modifié hors de clerc : ses lignes ne sont plus celles qu'il a notées"))
    return out
