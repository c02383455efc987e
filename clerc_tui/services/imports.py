"""Creditor imports (issue 16 item 1): a CSV or XLSX file of debts becomes dossiers.

`open_table` reads the file (CSV: encoding and separator detected, rules/import_rows.decode and
sniff_delimiter; XLSX: openpyxl in read-only mode, streamed, first sheet). `resolve_mapping` says
which column is which field: the creditor's saved mapping, else a guess from the header names,
with the clerc's corrections. `analyse` is the dry run: every row checked, nothing written.
`run_import` writes: batches of `BATCH` rows, each one short write transaction that creates its
dossiers as `services.dossiers.create_dossier` does (same rows, same values; audit, timeline),
set-based (a few `executemany` per batch). A row whose creditor reference is already in the base
(`dossier_source`, m0024) is « déjà présent »: re-importing a file creates nothing, and an import
that was killed is completed by running it again. docs/imports.md says the rules.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from clerc_tui.errors import InvalidInput
from clerc_tui.models import Creditor, ImportMapping, chain
from clerc_tui.models.db import database, is_postgresql, raw_sql, sql_date, write_transaction
from clerc_tui.rules import import_rows
from clerc_tui.rules.french import format_integer
from clerc_tui.rules.import_rows import FIELD_BY_KEY, ImportRow, Refusal
from clerc_tui.rules.money import from_cents
from clerc_tui.rules.statement import DEFAULT_REGIMES
from clerc_tui.rules.text import inert
from clerc_tui.rules.vocabulary import CLAIM_KINDS
from clerc_tui.services import sequences
from clerc_tui.services.audit import record
from clerc_tui.services.context import Actor, require_write
from clerc_tui.services.files import os_cause

# Rows per write transaction, at first: ~0.03 s of CPU under the write lock on this machine. Then
# each batch is sized from the last one's duration so that the lock is held about BATCH_SECONDS
# of real time, however loaded the machine (another clerc waits at most that; measured by
# bench_dossier_import.py), between BATCH_MIN and BATCH_MAX rows (the dozen statements of a
# batch then cost little per row).
BATCH = 200
BATCH_MIN, BATCH_MAX = 25, 2_000
BATCH_SECONDS = 0.25
MAX_BYTES = 200 * 1024 * 1024  # a CSV is read whole (decoded once): refuse what cannot be an export
# The claim item each amount becomes: (kind, label, interest regime). The principal bears the
# dossier's interest; interest already due (« intérêts échus ») bears none (no interest on
# interest: art. 1343-2 C. civ.); the creditor's costs are dépens-like frais, without interest.
AMOUNT_CLAIMS = {
    "principal": ("principal", CLAIM_KINDS["principal"], DEFAULT_REGIMES["principal"]),
    "costs": ("depens", CLAIM_KINDS["depens"], DEFAULT_REGIMES["depens"]),
    "interest": ("autre", "Intérêts échus", "none"),
}
ALSACE_MOSELLE = ("57", "67", "68")


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

    for line, cells in table.rows():
        row = checker.rows.check(line, cells)
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
) -> Report:
    """Import the file: the mapping saved for the creditor (audited when new or changed), then
    the valid rows by batches, each batch all or nothing. Refused rows are left out and listed.
    `batch`: a fixed number of rows per batch (tests); by default sized as BATCH_SECONDS says."""
    require_write(actor)
    check_mapping(mapping, table.headers)
    save_mapping(actor, creditor_id, mapping.columns)
    creditor = Creditor.get_by_id(creditor_id)
    checker = _Checker(creditor_id, mapping.columns, table.headers, today)
    writer = _Writer(actor, creditor_id, creditor.display_name, table.path.name, today)
    report = Report(table.path.name, table.description)
    pending: list[ImportRow] = []

    size = [batch or BATCH]

    def flush() -> None:
        started = time.monotonic()
        with write_transaction():
            present = _present_refs(creditor_id, [r.reference for r in pending])
            new = []
            for row in pending:
                if row.reference in present:
                    report.present += 1
                    continue
                reason = checker.existing(row)
                if reason:
                    report.refused.append(Refusal(row.line, row.reference, reason))
                else:
                    new.append(row)
            if new:
                writer.write(new)
        report.created += len(new)
        pending.clear()
        if batch is None:
            took = time.monotonic() - started
            if took > BATCH_SECONDS * 1.5:  # at once to the size the target allows, never below the floor
                size[0] = max(BATCH_MIN, min(size[0] // 2, int(size[0] * BATCH_SECONDS / took)))
            elif took < BATCH_SECONDS / 2:  # growing by halves of doubling: a loaded machine is bursty
                size[0] = min(BATCH_MAX, size[0] * 2)

    for line, cells in table.rows():
        row = checker.rows.check(line, cells)
        report.rows += 1
        if isinstance(row, Refusal):
            report.refused.append(row)
            continue
        pending.append(row)
        if len(pending) >= size[0]:
            flush()
            if progress is not None:
                progress(report.rows, max(table.total, report.rows))
    if pending:
        flush()
    if progress is not None:
        progress(report.rows, report.rows)
    report.refused.sort(key=lambda r: r.line)
    return report


def _reserve_ids(table: str, count: int) -> list[int]:
    """`count` ids for new rows of `table`, inside the write transaction (its lock keeps them
    ours): after the last one on SQLite, from the table's sequence on PostgreSQL."""
    if is_postgresql():
        rows = database.execute_sql(
            f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, %s)", (count,)
        ).fetchall()
        return [r[0] for r in rows]
    (last,) = database.execute_sql(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"').fetchone()
    return list(range(last + 1, last + 1 + count))


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if rows:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join([database.param] * len(columns))
        database.cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


DEBTOR = (
    "id",
    "kind",
    "civility",
    "first_name",
    "last_name",
    "company_name",
    "birth_date",
    "birth_place",
    "siren",
    "employer_name",
    "employer_address",
    "notes",
    "display_name",
    "search_name",
)
DOSSIER = (
    "id",
    "reference",
    "creditor_id",
    "nature",
    "phase",
    "assigned_to_id",
    "opened_on",
    "closed_on",
    "title_kind",
    "title_court",
    "title_reference",
    "title_date",
    "title_signified_on",
    "title_enforceable_on",
    "interest_kind",
    "contractual_rate",
    "contractual_day_basis",
    "interest_from",
    "majoration_points",
    "capitalisation_from",
    "allocation_order",
    "zone",
    "notes",
    "debtor_name",
    "creditor_name",
    "balance",
    "version",
    "created_at",
    "updated_at",
)
LINK = ("id", "dossier_id", "debtor_id", "position")
ADDRESS = ("id", "debtor_id", "street", "postcode", "city", "country", "is_current", "since")
CONTACT = ("id", "debtor_id", "kind", "value", "label")
CLAIM = ("id", "dossier_id", "kind", "label", "amount", "due_on", "interest_regime", "interest_from")
EVENT = ("id", "dossier_id", "occurred_on", "kind", "text", "user_id", "created_at")
SOURCE = ("id", "dossier_id", "creditor_id", "creditor_reference", "file_name", "line", "imported_at")
AUDIT = chain.columns("audit_entry")


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
    bulk = f'INSERT INTO {table}({columns}) SELECT {expressions} FROM "dossier" WHERE "id" BETWEEN ? AND ?'
    return row[0], bulk


def _filled(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None and value != ""}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


class _Writer:
    """The rows `create_dossier` writes for a dossier, for a whole batch at once."""

    def __init__(self, actor: Actor, creditor_id: int, creditor_name: str, file_name: str, today: date):
        self.actor = actor
        self.creditor_id = creditor_id
        self.creditor_name = creditor_name
        self.file_name = file_name
        self.today = today
        self.sqlite = not is_postgresql()

    def _ts(self, moment: datetime):
        return str(moment) if self.sqlite else moment

    def write(self, rows: list[ImportRow]) -> None:
        n = len(rows)
        today, actor = self.today, self.actor
        now = datetime.now()
        ts = self._ts(now)
        day = sql_date(today)
        first_number = sequences.allocate_range("dossier", today.year, n)
        debtor_ids, dossier_ids = _reserve_ids("debtor", n), _reserve_ids("dossier", n)
        link_ids, source_ids, event_ids = (
            _reserve_ids("dossier_debtor", n),
            _reserve_ids("dossier_source", n),
            _reserve_ids("timeline_event", n),
        )
        with_address = sum(1 for r in rows if r.street or r.postcode or r.city)
        contacts = sum((1 if r.phone else 0) + (1 if r.email else 0) for r in rows)
        claims = sum(1 + (1 if r.costs else 0) + (1 if r.interest else 0) for r in rows)
        address_ids = iter(_reserve_ids("debtor_address", with_address) if with_address else [])
        contact_ids = iter(_reserve_ids("debtor_contact", contacts) if contacts else [])
        claim_ids = iter(_reserve_ids("claim_item", claims) if claims else [])
        debtors, dossiers, links, addresses, contact_rows, claim_rows, events, sources, audits = (
            [],
            [],
            [],
            [],
            [],
            [],
            [],
            [],
            [],
        )
        opened_text = f"Dossier ouvert par {actor.name}"
        dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode  # plain dicts: −4 µs a row
        country_since = {"country": "France", "is_current": True, "since": today.isoformat()}
        constant = {
            "creditor_id": self.creditor_id,
            "creditor_name": self.creditor_name,
            "phase": "amiable",
            "assigned_to_id": actor.user_id,
            "opened_on": today.isoformat(),
            "interest_kind": "legal",
            "contractual_day_basis": "civil",
            "majoration_points": 5,
            "allocation_order": "frais,interets,principal",
            "version": 1,
            "created_at": now.isoformat(),
            "updated_at": now.isoformat(),
        }
        constant_json = dumps(constant)[1:-1]
        for i, row in enumerate(rows):
            debtor_id, dossier_id = debtor_ids[i], dossier_ids[i]
            reference = f"{today.year}-{first_number + i:06d}"
            display = row.display_name
            debtor = (
                debtor_id,
                row.debtor_kind,
                row.civility,
                row.first_name,
                row.last_name,
                row.company_name,
                None,
                "",
                row.siren,
                "",
                "",
                "",
                display,
                row.search_name,
            )
            debtors.append(debtor)
            links.append((link_ids[i], dossier_id, debtor_id, 0))
            snap_address: dict[str, object] | None = None
            if row.street or row.postcode or row.city:
                address = (next(address_ids), debtor_id, row.street, row.postcode, row.city, "France", True, day)
                addresses.append(address)
                snap_address = {"id": address[0], "debtor_id": debtor_id}
                if row.street:
                    snap_address["street"] = row.street
                if row.postcode:
                    snap_address["postcode"] = row.postcode
                if row.city:
                    snap_address["city"] = row.city
                snap_address |= country_since
            snap_contacts = []
            for kind, value in (("phone", row.phone), ("email", row.email)):
                if value:
                    contact = (next(contact_ids), debtor_id, kind, value, "")
                    contact_rows.append(contact)
                    snap_contacts.append(
                        {"id": contact[0], "debtor_id": debtor_id, "kind": kind, "value": value, "label": ""}
                    )
            claim_on = row.due_on or today
            snap_claims = []
            total = 0
            for name in ("principal", "costs", "interest"):
                cents = getattr(row, name)
                if not cents:
                    continue
                kind, label, regime = AMOUNT_CLAIMS[name]
                claim_id = next(claim_ids)
                claim_rows.append((claim_id, dossier_id, kind, label, cents, sql_date(claim_on), regime, None))
                snap_claims.append(
                    {
                        "id": claim_id,
                        "kind": kind,
                        "label": label,
                        "amount": str(from_cents(cents)),
                        "due_on": claim_on.isoformat(),
                        "interest_regime": regime,
                        "interest_from": None,
                    }
                )
                total += cents
            zone = "alsace-moselle" if row.postcode[:2] in ALSACE_MOSELLE else "metropole"
            dossier = (
                dossier_id,
                reference,
                self.creditor_id,
                row.nature,
                "amiable",
                actor.user_id,
                day,
                None,
                row.title_kind,
                row.title_court,
                row.title_reference,
                sql_date(row.title_date) if row.title_date else None,
                None,
                None,
                "legal",
                None,
                "civil",
                sql_date(row.due_on) if row.due_on else None,
                5,
                None,
                "frais,interets,principal",
                zone,
                "",
                display,
                self.creditor_name,
                total,
                1,
                ts,
                ts,
            )
            dossiers.append(dossier)
            events.append((event_ids[i], dossier_id, day, "ouverture", opened_text, actor.user_id, ts))
            sources.append((source_ids[i], dossier_id, self.creditor_id, row.reference, self.file_name, row.line, ts))
            # Every value the rows were created with (the dossier's constants of the batch once,
            # then its own); empty ones (None, "") left out: less text to encode and hash, nothing
            # lost (a value absent here is empty in the row).
            snap_dossier = {
                "id": dossier_id,
                "reference": reference,
                "nature": row.nature,
                "zone": zone,
                "debtor_name": display,
                "balance": str(from_cents(total)),
            }
            if row.title_kind:
                snap_dossier["title_kind"] = row.title_kind
            if row.title_court:
                snap_dossier["title_court"] = row.title_court
            if row.title_reference:
                snap_dossier["title_reference"] = row.title_reference
            if row.title_date:
                snap_dossier["title_date"] = row.title_date.isoformat()
            if row.due_on:
                snap_dossier["interest_from"] = row.due_on.isoformat()
            after = {
                "debtor": _filled(dict(zip(DEBTOR, debtor, strict=True))),
                "address": snap_address,
                "contacts": snap_contacts,
                "claims": snap_claims,
                "source": {"file": self.file_name, "line": row.line, "creditor_reference": row.reference},
            }
            audits.append(
                [
                    now,
                    actor.login,
                    "dossier.import",
                    "dossier",
                    str(dossier_id),
                    dossier_id,
                    "",
                    # {"dossier": {**constant, **snap_dossier}, **after} as json would write it, the
                    # batch's constants encoded once (−4 µs a row)
                    f'{{"dossier": {{{constant_json}, {dumps(snap_dossier)[1:]}, {dumps(after)[1:]}',
                ]
            )
        _insert("debtor", DEBTOR, debtors)
        self._insert_dossiers(dossiers)
        _insert("dossier_debtor", LINK, links)
        _insert("debtor_address", ADDRESS, addresses)
        _insert("debtor_contact", CONTACT, contact_rows)
        _insert("claim_item", CLAIM, claim_rows)
        _insert("timeline_event", EVENT, events)
        _insert("dossier_source", SOURCE, sources)
        self._audit(audits)

    def _insert_dossiers(self, dossiers: list[tuple]) -> None:
        """The dossiers, and their rows of the search index (m0002). On SQLite the index's insert
        trigger fires per row at ~50 µs (measured: 66 against 13 µs a dossier without it); the
        batch drops it inside its transaction, indexes its dossiers with one INSERT … SELECT of
        the trigger's own expressions (~4 µs a row) and re-creates it verbatim before COMMIT, as
        `clerc demo` does: a killed batch rolls the three back together."""
        fts = _fts_insert() if self.sqlite else None
        if fts is None:
            _insert("dossier", DOSSIER, dossiers)
            return
        create, bulk = fts
        database.execute_sql(f'DROP TRIGGER "{FTS_TRIGGER}"')
        _insert("dossier", DOSSIER, dossiers)
        database.execute_sql(bulk, (dossiers[0][0], dossiers[-1][0]))
        database.execute_sql(create)

    def _audit(self, audits: list[list]) -> None:
        """One chained audit entry per dossier (models/chain.py), hashed here for the batch."""
        if self.sqlite:
            head = chain.chain_head(database.obj, "audit_entry")
            ids = list(range((head[0] if head else 0) + 1, (head[0] if head else 0) + 1 + len(audits)))
        else:
            database.execute_sql("SELECT pg_advisory_xact_lock('\"audit_entry\"'::regclass::oid::bigint)")
            head = chain.chain_head(database.obj, "audit_entry")
            ids = _reserve_ids("audit_entry", len(audits))
        rows = [(ids[i], *values) for i, values in enumerate(audits)]
        hashes, _last = chain.hash_rows("audit_entry", rows, head[1] if head else chain.GENESIS)
        stored = [(r[0], self._ts(r[1]), *r[2:], *h) for r, h in zip(rows, hashes, strict=True)]
        _insert("audit_entry", (*AUDIT, "prev_hash", "row_hash"), stored)
