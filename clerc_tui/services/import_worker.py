"""A creditor import's rows, read, checked and made into insert tuples in a second process.

The import (services/imports.run_import) writes; this child (`python -P -m
clerc_tui.services.import_worker`) does everything else, one batch ahead of it, on the machine's
other core: it reads the file, checks each row (rules/import_rows.RowChecker, the creditor's
references already in the base, the debts already there), and assembles the rows of the batch's
dossiers as `executemany` tuples, with their ids. A big file on two cores gets two children, the
first reading and checking, the second assembling (« the children », below). The ids (and the
dossiers' reference numbers) are the ones the parent predicts (`Bases`: the next id of each table when the batch's
transaction begins); the parent checks them under the write lock and, when another clerc wrote
in between, asks for the same batch again on the new bases (the child keeps its checked rows).
Nothing is prepared under the lock.

Each dossier's rows are summed up by a digest (SHA-256 of their values as the driver gives them
back), which the batch's one audit entry records with its version (`digests`), so that `clerc
check` (services/imports.tampered_imports) sees an imported dossier altered outside clerc.

Messages are pickled over the child's stdin and stdout (the project's pattern:
clerc_tui/demo/worker.py). On SQLite a batch's rows do not travel as tuples: the child binds them
into an in-memory SQLite database of its own (`draft_of`: the batch's tables, without index nor
constraint, only the columns the parent inserts) and sends its bytes (`serialize`); the parent
loads them into a `:memory:` schema attached to its connection and copies each table with one
`INSERT … SELECT` (services/imports._copy). Binding each value from Python, the dearest part of
an `executemany`, is then the child's work, on its own core; the parent's engine copies values
already in SQLite's format. PostgreSQL receives the tuples, as before. The child writes nothing
anywhere (the draft is memory, never a file): killed or failing, it leaves no trace; the parent
reports it in French and the batches already committed stay (a new run completes the import).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import os
import pickle
import queue
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from itertools import islice
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from operator import itemgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from clerc_tui.errors import ClercError
from clerc_tui.rules.import_rows import ImportRow, Refusal, RowChecker, csv_rows, decode, duplicate_key, sniff_delimiter
from clerc_tui.rules.vocabulary import CLAIM_KINDS

if TYPE_CHECKING:
    import subprocess

# The claim item each amount becomes: (kind, label, interest regime). The principal bears the
# dossier's interest; interest already due (« intérêts échus ») bears none (no interest on
# interest: art. 1343-2 C. civ.); the creditor's costs are dépens-like frais, without interest.
# The regimes are rules/statement.DEFAULT_REGIMES's, written out: the child does not import the
# interest rules for two words (~0.1 s of its start; tests/services/test_imports_child.py checks
# that they agree).
AMOUNT_CLAIMS = {
    "principal": ("principal", CLAIM_KINDS["principal"], "dossier"),
    "costs": ("depens", CLAIM_KINDS["depens"], "none"),
    "interest": ("autre", "Intérêts échus", "none"),
}
ALSACE_MOSELLE = ("57", "67", "68")

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
# The dossier's columns, those a dossier keeps from its creation first (what its digest covers),
# then those its life changes (phase, clerc, balance, names copied from its parties…).
DOSSIER = (
    "id",
    "reference",
    "creditor_id",
    "nature",
    "opened_on",
    "title_kind",
    "title_court",
    "title_reference",
    "title_date",
    "interest_kind",
    "contractual_day_basis",
    "interest_from",
    "majoration_points",
    "allocation_order",
    "zone",
    "created_at",
    "phase",
    "assigned_to_id",
    "notes",
    "debtor_name",
    "creditor_name",
    "balance",
    "version",
    "updated_at",
)
DOSSIER_KEPT = 16  # DOSSIER[:16]: the columns the digest covers
LINK = ("id", "dossier_id", "debtor_id", "position")
ADDRESS = ("id", "debtor_id", "street", "postcode", "city", "country", "is_current", "since")
CONTACT = ("id", "debtor_id", "kind", "value", "label")
CLAIM = ("id", "dossier_id", "kind", "label", "amount", "due_on", "interest_regime")
EVENT = ("id", "dossier_id", "occurred_on", "kind", "text", "user_id", "created_at")
SOURCE = ("id", "dossier_id", "creditor_id", "creditor_reference", "file_name", "line", "imported_at", "audit_id")
# Per table, the columns whose value is the same in every row of a batch (the creditor, the clerc,
# today, the batch's time, fixed values). On SQLite they are sent once (`Batch.constants`: the
# batch's first row) and written as literals of the batch's INSERT (services/imports._insert), not
# pickled, unpickled and bound once a row: ~40 % of a dossier's values.
CONSTANT: dict[str, tuple[int, ...]] = {
    "debtor": (6, 7, 9, 10, 11),
    "dossier": (2, 4, 9, 10, 12, 13, 15, 16, 17, 18, 20, 22, 23),
    "dossier_debtor": (3,),
    "debtor_address": (5, 6, 7),
    "debtor_contact": (4,),
    "claim_item": (),
    "timeline_event": (2, 3, 4, 5, 6),
    "dossier_source": (2, 4, 6, 7),
}
# Every table a batch writes to, in the order it writes them, with its columns.
TABLES: dict[str, tuple[str, ...]] = {
    "debtor": DEBTOR,
    "dossier": DOSSIER,
    "dossier_debtor": LINK,
    "debtor_address": ADDRESS,
    "debtor_contact": CONTACT,
    "claim_item": CLAIM,
    "timeline_event": EVENT,
    "dossier_source": SOURCE,
}
# The tables whose next id the parent predicts: those above, and the audit trail (one entry a batch).
ID_TABLES = (*TABLES, "audit_entry")
# Each table's other columns: a row as sent when its constants are (see CONSTANT).
VARYING = {
    table: itemgetter(*(i for i in range(len(columns)) if i not in CONSTANT[table]))
    for table, columns in TABLES.items()
}


def draft_columns(table: str, constant: bool) -> tuple[str, ...]:
    """The columns a batch's draft holds for `table` (`draft_of`): its VARYING ones when its
    constants were taken out of its rows, else all; the id first."""
    columns = TABLES[table]
    kept = CONSTANT[table] if constant else ()
    return tuple(column for i, column in enumerate(columns) if i not in kept)


DRAFT = "draft"  # the schema the parent attaches the drafts to (services/imports._Writer)


def drafts_possible() -> bool:
    """Whether this Python's sqlite3 can send a database as bytes and load it (SQLite ≥ 3.36
    built with serialization: Connection.serialize / deserialize); else the rows travel pickled."""
    return hasattr(sqlite3.Connection, "serialize") and hasattr(sqlite3.Connection, "deserialize")


def draft_of(tables: dict[str, list[tuple]], constants: dict[str, tuple]) -> bytes:
    """The batch's rows in a new in-memory SQLite database, as bytes (`Connection.serialize`):
    one table per table of the batch, named as it, with the columns its rows hold
    (`draft_columns`), no index, no constraint, no type (each value stays as bound: a text, an
    integer, NULL; the parent's columns give them their affinity as an `executemany` would). The
    id is the rowid (INTEGER PRIMARY KEY): a table is read back in id order. ~13 µs a dossier
    (the bindings), 400 bytes."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        connection.execute("BEGIN")
        for table, rows in tables.items():
            columns = draft_columns(table, table in constants)
            others = "".join(f', "{column}"' for column in columns[1:])
            connection.execute(f'CREATE TABLE "{table}" ("id" INTEGER PRIMARY KEY{others})')
            if rows:
                connection.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(columns))})', rows)
        connection.execute("COMMIT")
        return connection.serialize()
    finally:
        connection.close()


def literal_safe(value: object) -> bool:
    """Whether a constant can be written as a literal of an INSERT (services/imports._literal)."""
    return value is None or type(value) is int or (type(value) is str and "\x00" not in value)


_KEPT = itemgetter(*range(DOSSIER_KEPT))
CHUNK_MIN = 256  # rows checked together at least (column by column: rules/import_rows.RowChecker.check_rows)


# --- the digest of a dossier's rows, by version ------------------------------------------
# A batch's audit entry records the version its digests were made with (« digest » in its `after`;
# absent: 1) and `clerc check` recomputes each digest by its own version: an entry already written
# keeps its format for ever. New batches use DIGEST_VERSION. docs/imports.md « Ce que chaque ligne
# devient » describes both.

# v1: SHA-256 of the compact JSON of the rows (the C encoder; dates and times, which PostgreSQL
# gives back as such, in their ISO form). ~11 µs a dossier, 9 of them the JSON.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"), default=str).encode
# The same C encoder that `_ENCODE` builds at each call, built once (~1 µs a dossier): the same text.
_C_JSON = c_make_encoder(None, str, encode_basestring, None, ":", ",", False, False, True) if c_make_encoder else None


def _JSON(value: Any) -> str:
    return "".join(_C_JSON(value, 0)) if _C_JSON is not None else _ENCODE(value)


def digest_v1(
    dossier: tuple, debtor: tuple, link: tuple, addresses, contacts, claims, event: tuple, source: tuple
) -> str:
    """SHA-256 of an imported dossier's rows as written (its dossier row's kept columns): the
    values as the database driver gives them back (ISO text and 0/1 on SQLite; dates, times and
    booleans on PostgreSQL), so that `clerc check` computes it again from the base."""
    text = _JSON((_KEPT(dossier), debtor, link, addresses, contacts, claims, event, source))
    return hashlib.sha256(text.encode()).hexdigest()


# v2: SHA-256 of the same values in pickle's protocol 4 without memo (`Pickler.fast`), one pass of C
# (~5 µs a dossier). Protocol 4 writes each value with its type and, for a text, its length before
# its UTF-8 bytes (SHORT_BINUNICODE / BINUNICODE), an integer by its value (BININT1, BININT2,
# BININT, LONG1), None, True and False by their own opcodes, a date or a time (PostgreSQL) as its
# class and its state bytes, a tuple by its length or between marks: `pickle.loads` gives back the
# very values, types included, so two different sets of rows cannot share an encoding (tested).
# Without the memo the bytes depend on the values only, not on which of them are the same object
# (in the child, one text object serves several rows; from the base, each is its own). The
# pickle is hashed, never loaded. Groups of rows (addresses, contacts, claims) are tuples whatever
# the caller holds (a list from the base). `test_the_v2_digest_of_known_rows_is_pinned` pins the
# bytes: a Python whose pickle wrote them otherwise fails it before any import is checked by it.
DIGEST_PROTOCOL = 4


class DigestV2:
    """The v2 digest, with its own pickler and buffer (reused from one dossier to the next: ~1 µs
    less each); one per thread."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.pickler = pickle.Pickler(self.buffer, protocol=DIGEST_PROTOCOL)
        self.pickler.fast = True  # no memo: the bytes of the values, whatever object holds them

    def encode(
        self, dossier: tuple, debtor: tuple, link: tuple, addresses, contacts, claims, event: tuple, source: tuple
    ) -> bytes:
        """The bytes the digest hashes."""
        buffer = self.buffer
        buffer.seek(0)
        buffer.truncate()
        self.pickler.dump(
            (_KEPT(dossier), debtor, link, tuple(addresses), tuple(contacts), tuple(claims), event, source)
        )
        return buffer.getvalue()

    def __call__(
        self, dossier: tuple, debtor: tuple, link: tuple, addresses, contacts, claims, event: tuple, source: tuple
    ) -> str:
        return hashlib.sha256(
            self.encode(dossier, debtor, link, addresses, contacts, claims, event, source)
        ).hexdigest()


# The same pickler on a sample of every kind of value the rows hold (texts short and long, with
# accents and quotes; integers of each width, negative; None, True, False; a date, a date and time),
# and the SHA-256 CPython 3.11 gives it. A Python whose pickle writes these otherwise cannot check
# v2 entries (they would all look modified), nor write new ones: `clerc check` says so, imports
# fall back to v1 (JSON, which such a change cannot reach). On a server whose Python is upgraded
# without the test suite, this is what still stops a false alarm.
_V2_SAMPLE = (
    (
        7,
        "2026-000007",
        None,
        True,
        False,
        0,
        255,
        65535,
        -1,
        2**31,
        2**40,
        "",
        "é",
        'LEFÈVRE « Hélène » ; A-1;"x"\\' * 12,
    ),
    [(date(2026, 12, 7), datetime(2026, 12, 7, 5, 1, 2, 30405), "2026-12-07 05:01:02.030405")],
    (),
)
_V2_SAMPLE_DIGEST = "b6d0867ea6d59923ac728b2187267765dffbb9137c314dc3952bee4202325ff1"


def v2_reproducible() -> bool:
    """Whether this Python's pickle writes the v2 bytes as the entries were written."""
    digest = DigestV2()
    digest.pickler.dump(_V2_SAMPLE)
    return hashlib.sha256(digest.buffer.getvalue()).hexdigest() == _V2_SAMPLE_DIGEST


Digest = Callable[[tuple, tuple, tuple, Any, Any, Any, tuple, tuple], str]
KNOWN_DIGEST_VERSIONS = (1, 2)  # those this clerc knows, whether or not this Python can compute them


def digests() -> dict[int, Digest]:
    """Each digest version this Python can compute (`clerc check`: a fresh v2 pickler for its own
    use); v2 only where `v2_reproducible`."""
    found: dict[int, Digest] = {1: digest_v1}
    if v2_reproducible():
        found[2] = DigestV2()
    return found


DIGEST_VERSION = max(digests())  # the version new batches record: 2, or 1 on a Python that changed pickle


_DIGEST = digests()[DIGEST_VERSION]  # the child's (assemble)


# Context is a named tuple and Batch a plain class, not dataclasses (nor are rules/import_rows'
# Field and Refusal): this child then never imports `dataclasses` and, through it, `inspect`, ast,
# dis and tokenize, ~40 million instructions of the ~145 million it imports, paid by each child of
# each import (tests/services/test_imports_children.py checks that it does not).
class Context(NamedTuple):
    """What every dossier of the import shares."""

    creditor_id: int
    creditor_name: str
    user_id: int | None
    actor_name: str
    file_name: str
    today: date
    sqlite: bool  # dates as ISO text and booleans as 0/1 (SQLite), else as Python values


class Batch:
    """One batch, prepared: the rows to insert, table by table, and what the audit records."""

    def __init__(
        self,
        number: int,
        bases: dict[str, int],  # next id of each of ID_TABLES, and « number »: the next reference number
        rows: dict[str, list[tuple]],
        digests: list[tuple[int, str]],  # (dossier id, digest)
        lines: tuple[int, int],  # first and last line of the file the batch read
        read: int,  # rows read from the file
        present: int,  # rows whose reference is already in the base
        refused: list[Refusal] | None = None,
        end: bool = False,  # the file's last batch
        sha256: str = "",  # of the whole file
        # table → its first row, whole, when its rows hold only their VARYING columns (CONSTANT: SQLite).
        constants: dict[str, tuple] | None = None,
        digest_version: int = DIGEST_VERSION,  # of `digests` (the audit entry records it)
    ) -> None:
        self.number = number
        self.bases = bases
        self.rows = rows
        self.digests = digests
        self.lines = lines
        self.read = read
        self.present = present
        self.refused: list[Refusal] = [] if refused is None else refused
        self.end = end
        self.sha256 = sha256
        self.constants: dict[str, tuple] = {} if constants is None else constants
        self.digest_version = digest_version
        # SQLite: the rows in a serialized in-memory database (`draft_of`) instead of `rows` (then
        # empty), and how many each table holds.
        self.draft = b""
        self.counts: dict[str, int] = {}

    @property
    def created(self) -> int:
        return len(self.digests)

    def sizes(self) -> dict[str, int]:
        """How many rows the batch writes in each of TABLES."""
        if self.draft:
            return {table: self.counts.get(table, 0) for table in TABLES}
        return {table: len(self.rows.get(table, ())) for table in TABLES}

    def next_bases(self) -> dict[str, int]:
        after = {table: self.bases[table] + count for table, count in self.sizes().items()}
        return (
            after
            | {"audit_entry": self.bases["audit_entry"] + (1 if self.digests else 0)}
            | {"number": self.bases["number"] + self.created}
        )


class _Iso(dict):
    """A date's ISO text, as SQLite stores it, made once per date; None stays None."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, day: date) -> str:
        text = self[day] = day.isoformat()
        return text


class _Same(dict):
    """A date as PostgreSQL stores it: itself."""

    def __missing__(self, day: date | None) -> date | None:
        return day


def assemble(
    rows: list[ImportRow], bases: dict[str, int], context: Context, now: datetime
) -> tuple[dict[str, list[tuple]], list[tuple[int, str]], dict[str, tuple]]:
    """The insert tuples of the dossiers of `rows` (as services/dossiers.create_dossier writes a
    dossier: same rows, same values), numbered from `bases`, each dossier's digest, and (SQLite)
    the constants taken out of the rows (see CONSTANT and Batch.constants)."""
    today, sqlite = context.today, context.sqlite
    day: Any = today.isoformat() if sqlite else today
    ts: Any = str(now) if sqlite else now
    current: Any = 1 if sqlite else True
    year = today.year
    creditor_id, user_id, file_name = context.creditor_id, context.user_id, context.file_name
    creditor_name = context.creditor_name
    audit_id = bases["audit_entry"]
    opened_text = f"Dossier ouvert par {context.actor_name}"
    debtor_id, dossier_id = bases["debtor"], bases["dossier"]
    link_id, address_id, contact_id = bases["dossier_debtor"], bases["debtor_address"], bases["debtor_contact"]
    claim_id, event_id, source_id, number = (
        bases["claim_item"],
        bases["timeline_event"],
        bases["dossier_source"],
        bases["number"],
    )
    debtors: list[tuple] = []
    dossiers: list[tuple] = []
    links: list[tuple] = []
    addresses: list[tuple] = []
    contact_rows: list[tuple] = []
    claim_rows: list[tuple] = []
    events: list[tuple] = []
    sources: list[tuple] = []
    digests: list[tuple[int, str]] = []
    digest = _DIGEST
    principal_claim, costs_claim, interest_claim = (
        AMOUNT_CLAIMS["principal"],
        AMOUNT_CLAIMS["costs"],
        AMOUNT_CLAIMS["interest"],
    )

    iso = _Iso() if sqlite else _Same()  # each date as stored: its ISO text once per date (SQLite), or itself
    for row in rows:
        (
            line,
            reference,
            debtor_kind,
            civility,
            last_name,
            first_name,
            company_name,
            siren,
            street,
            postcode,
            city,
            email,
            phone,
            principal,
            interest,
            costs,
            due_on,
            title_kind,
            title_court,
            title_date,
            title_reference,
            nature,
            display,
            search_name,
        ) = row  # one unpacking rather than an attribute lookup a field
        debtor = (
            debtor_id,
            debtor_kind,
            civility,
            first_name,
            last_name,
            company_name,
            None,
            "",
            siren,
            "",
            "",
            "",
            display,
            search_name,
        )
        debtors.append(debtor)
        link = (link_id, dossier_id, debtor_id, 0)
        links.append(link)
        link_id += 1
        own_addresses: tuple = ()
        if street or postcode or city:
            own_addresses = ((address_id, debtor_id, street, postcode, city, "France", current, day),)
            addresses.append(own_addresses[0])
            address_id += 1
        own_contacts: tuple = ()
        if phone:
            own_contacts = ((contact_id, debtor_id, "phone", phone, ""),)
            contact_id += 1
        if email:
            own_contacts += ((contact_id, debtor_id, "email", email, ""),)
            contact_id += 1
        contact_rows += own_contacts
        claim_on = iso[due_on or today]
        kind, label, regime = principal_claim
        own_claims: tuple = ((claim_id, dossier_id, kind, label, principal, claim_on, regime),)
        claim_id += 1
        total = principal
        if costs:
            kind, label, regime = costs_claim
            own_claims += ((claim_id, dossier_id, kind, label, costs, claim_on, regime),)
            claim_id += 1
            total += costs
        if interest:
            kind, label, regime = interest_claim
            own_claims += ((claim_id, dossier_id, kind, label, interest, claim_on, regime),)
            claim_id += 1
            total += interest
        claim_rows += own_claims
        zone = "alsace-moselle" if postcode[:2] in ALSACE_MOSELLE else "metropole"
        dossier = (
            dossier_id,
            f"{year}-{number:06d}",
            creditor_id,
            nature,
            day,
            title_kind,
            title_court,
            title_reference,
            iso[title_date],
            "legal",
            "civil",
            iso[due_on],
            5,
            "frais,interets,principal",
            zone,
            ts,
            "amiable",
            user_id,
            "",
            display,
            creditor_name,
            total,
            1,
            ts,
        )
        dossiers.append(dossier)
        event = (event_id, dossier_id, day, "ouverture", opened_text, user_id, ts)
        events.append(event)
        event_id += 1
        source = (source_id, dossier_id, creditor_id, reference, file_name, line, ts, audit_id)
        sources.append(source)
        source_id += 1
        digests.append(
            (dossier_id, digest(dossier, debtor, link, own_addresses, own_contacts, own_claims, event, source))
        )
        debtor_id += 1
        dossier_id += 1
        number += 1
    tables = {
        "debtor": debtors,
        "dossier": dossiers,
        "dossier_debtor": links,
        "debtor_address": addresses,
        "debtor_contact": contact_rows,
        "claim_item": claim_rows,
        "timeline_event": events,
        "dossier_source": sources,
    }
    constants: dict[str, tuple] = {}
    if sqlite:
        for table, values in tables.items():
            kept = CONSTANT[table]
            if kept and values and all(literal_safe(values[0][i]) for i in kept):
                constants[table] = values[0]
                tables[table] = list(map(VARYING[table], values))
    return tables, digests, constants


# --- the children -----------------------------------------------------------------------
# One child (`serve`, role « both »: a small file, or one core) reads and checks the rows
# (_Checked) and assembles them by batches (_Rows). Two children (services/imports.children: a
# big file, two cores) split that work where it is cheapest to cut: the first (`stream`, role
# « read ») reads and checks the whole file in its order, each row against the rows before it
# as one child checks them (the duplicates inside the file, the references already present, the
# debts already there), and streams the settled rows through a pipe of their own to the second
# (role « assemble »), which cuts them into the batches the parent asks for and assembles them
# (_Stream feeding _Rows). The rows, their verdicts, the batches and their ids are those of one
# child: only the process that does the work changes. The parent talks to the last child only.

CHUNK_STREAM = 4_096  # rows the reading child checks and sends together, at most (the first ones fewer)
STREAM_AHEAD = 8  # chunks the reading child keeps ready when the assembling one does not take them yet
# The reading child yields the CPU to the two others (nice +5: a quarter of a core against one at
# the default priority): three processes share two cores, and the parent, which holds the write
# lock another clerc may wait for, and the assembling child, one batch ahead of it only, are the
# ones that must not wait; the reading one is chunks ahead and takes the time they leave (once its
# first chunk is checked: the first batch waits for that one).
READER_NICE = 5


def file_rows(path: Path) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """The file's SHA-256, and its data rows as services/imports.open_table gives them (the file
    read once). A CSV is read by the same functions without importing services/imports (its
    models and peewee, ~0.1 s of the child's start); an XLSX through it (openpyxl)."""
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() == ".xlsx":
        from clerc_tui.services.imports import open_table

        return sha256, open_table(path).rows()
    text, _encoding = decode(data)
    return sha256, csv_rows(text, sniff_delimiter(text.split("\n", 1)[0]))


class ReaderStopped(Exception):
    """The reading child's pipe ended before the file's end (it died or failed: it says why)."""


class _Checked:
    """The file's rows in its order, checked by chunks (RowChecker.check_rows: each row against
    the rows before it too) and settled against the base: an ImportRow to create, a Refusal, or
    the line number of a row whose reference is already present (« déjà présent »)."""

    def __init__(self, config: dict):
        self.sha256, self.walk = file_rows(Path(config["path"]))
        self.checker = RowChecker(config["columns"], config["context"].today)
        self.present: set[str] = config["present"]
        self.existing_keys, self.existing_names = config["existing"]

    def next(self, size: int) -> list[ImportRow | Refusal | int]:
        """The next `size` rows of the file, settled; none when the file is read."""
        present, existing = self.present, self._existing
        out: list[ImportRow | Refusal | int] = []
        for row in self.checker.check_rows(list(islice(self.walk, size))):
            if isinstance(row, Refusal):
                out.append(row)
            elif row.reference in present:
                out.append(row.line)
            else:
                reason = existing(row)
                out.append(Refusal(row.line, row.reference, reason) if reason else row)
        return out

    def _existing(self, row: ImportRow) -> str | None:
        name, cents, on = duplicate_key(row)
        hit = self.existing_keys.get((name, cents, on)) if on else self.existing_names.get((name, cents))
        if hit is None:
            return None
        return f"Doublon du dossier {hit} : même débiteur, même principal" + (" et même date." if on else ".")


class _Stream:
    """The settled rows as the reading child sends them (`stream`), chunk after chunk: the same
    rows, in the same order, as its _Checked gave them."""

    def __init__(self, handle: IO[bytes]):
        self.handle = handle
        self.sha256: str = self._load()

    def next(self, size: int) -> list[ImportRow | Refusal | int]:  # the reading child chose its chunks' sizes
        return unpack(self._load())

    def _load(self) -> Any:
        try:
            return pickle.load(self.handle)
        except (EOFError, pickle.UnpicklingError):  # ended, or cut in the middle of a chunk
            raise ReaderStopped("le processus qui lit le fichier s'est arrêté") from None


SEPARATOR = "\x1f"  # between the texts of a column (`pack`): never in a checked text, and counted anyway


def pack(chunk: list[ImportRow | Refusal | int]) -> Any:
    """A chunk of settled rows as the reading child sends it: its ImportRows by column, each
    column of texts joined into one text (SEPARATOR between them: one pickled text, split again
    by `unpack`, instead of a pickled text per cell), the other columns (numbers, dates, None) as
    they are; the refusals and the present rows' lines with their place in the chunk. A column
    that is not all texts (join refuses it), or whose texts hold the separator (a checked text
    never does: rules/text.check_text refuses control characters), is sent as its values. Every
    text of a row is a plain `str` (cells of csv or openpyxl through `str`, and what is made of
    them), as `split` gives back. Both sides: ~21,000 instructions a row instead of ~27,000 for
    the rows pickled one by one (callgrind, 20,000 rows of the bench)."""
    new = [row for row in chunk if type(row) is ImportRow]
    others = [(at, row) for at, row in enumerate(chunk) if type(row) is not ImportRow]
    columns: list[Any] = []
    for column in zip(*new, strict=True):
        try:
            joined = SEPARATOR.join(column)
        except TypeError:  # numbers, dates, None
            columns.append(column)
            continue
        columns.append(joined if joined.count(SEPARATOR) == len(column) - 1 else column)
    return (len(new), columns, others)


def unpack(packed: Any) -> list[ImportRow | Refusal | int]:
    """The chunk `pack` made: the same rows, values and types, in the same order."""
    count, columns, others = packed
    cells = [column.split(SEPARATOR) if type(column) is str else column for column in columns]
    new: list[ImportRow | Refusal | int] = list(map(ImportRow._make, zip(*cells, strict=True))) if count else []
    if not others:
        return new
    out: list[ImportRow | Refusal | int] = []
    rows = iter(new)
    for at, row in others:
        out.extend(islice(rows, at - len(out)))
        out.append(row)
    out.extend(rows)
    return out


def stream(config: dict, outbox: IO[bytes]) -> None:
    """The reading child's work: the file's rows checked and settled (_Checked), sent chunk after
    chunk (an empty one at the end), each packed by columns (`pack`) and pickled. A thread writes
    them, so that the checks go on while the assembling child is busy (at most STREAM_AHEAD
    chunks ahead)."""
    rows = _Checked(config)
    ready: queue.Queue[bytes | None] = queue.Queue(maxsize=STREAM_AHEAD)
    broken = threading.Event()

    def write() -> None:
        while (data := ready.get()) is not None:
            if not broken.is_set():
                try:
                    outbox.write(data)
                    outbox.flush()
                except (BrokenPipeError, OSError):  # the assembling child stopped: nothing more to send
                    broken.set()

    writer = threading.Thread(target=write, name="import-rows", daemon=True)
    writer.start()
    ready.put(pickle.dumps(rows.sha256, protocol=pickle.HIGHEST_PROTOCOL))
    size, largest = CHUNK_MIN, config.get("chunk", CHUNK_STREAM)  # tests: a smaller largest chunk
    yielded = False
    while not broken.is_set():
        chunk = rows.next(size)
        if not yielded:  # the first batch waits for the first chunk: read at the usual priority, then yield
            with contextlib.suppress(OSError):
                os.nice(READER_NICE)
            yielded = True
        ready.put(pickle.dumps(pack(chunk), protocol=pickle.HIGHEST_PROTOCOL))
        if not chunk:
            break
        size = min(2 * size, largest)
    ready.put(None)
    writer.join()
    if broken.is_set():
        raise BrokenPipeError


class _Rows:
    """The checked rows cut into batches, kept until the parent no longer needs them again."""

    def __init__(self, source: _Checked | _Stream):
        self.source = source
        self.kept: dict[int, tuple[list[ImportRow], list[Refusal], int, int, tuple[int, int], bool]] = {}
        self.pending: list[ImportRow | Refusal | int] = []  # settled, not yet in a batch (from self.at)
        self.at = 0
        self.done = False

    def take(self, number: int, size: int) -> tuple[list[ImportRow], list[Refusal], int, int, tuple[int, int], bool]:
        """Batch `number`: up to `size` new rows (kept: asked again, the same rows). The file's
        rows come checked by chunks, column by column (RowChecker.check_rows); a chunk's rows
        beyond the batch wait for the next one, in the file's order."""
        if number in self.kept:
            return self.kept[number]
        new: list[ImportRow] = []
        refused: list[Refusal] = []
        read = present = 0
        first = last = 0
        pending = self.pending
        while len(new) < size and read < 4 * size + 1_000:  # rows mostly « déjà présent »: the progress still moves
            if self.at < len(pending):
                row = pending[self.at]
                self.at += 1
            else:
                chunk = self.source.next(max(CHUNK_MIN, size - len(new)))
                if not chunk:
                    self.done = True
                    break
                self.pending, self.at = chunk, 0
                pending = self.pending
                continue
            read += 1
            if type(row) is int:  # its reference already in the base
                present += 1
                line = row
            else:
                line = row.line  # type: ignore[union-attr]
                if isinstance(row, Refusal):
                    refused.append(row)
                else:
                    new.append(row)  # type: ignore[arg-type]
            first = first or line
            last = line
        if not self.done and self.at >= len(pending):  # the file may end right here: say so with this batch
            self.pending, self.at = self.source.next(CHUNK_MIN), 0
            self.done = not self.pending
        taken = (new, refused, read, present, (first, last), self.done)
        self.kept = {n: kept for n, kept in self.kept.items() if n >= number - 1} | {number: taken}
        return taken


def send(batch: Batch, outbox: IO[bytes]) -> None:
    """The batch pickled in « fast » mode, without the memo of every object written (a batch holds
    no cycle, nor an object that must stay one object): 3 µs a row instead of 9 (measured at 20,000
    rows), the bytes ~15 % more through the pipe."""
    pickler = pickle.Pickler(outbox, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(batch)


def serve(inbox: IO[bytes], outbox: IO[bytes]) -> None:
    # No cyclic garbage collection in the children: what they build (rows, tuples, dictionaries of
    # the values seen) holds no cycles worth finding, and walking them cost ~10 % of the CPU
    # (measured: 55 against 61 µs a row); they end with the import.
    gc.disable()
    config = pickle.load(inbox)
    role = config.get("role", "both")
    if role == "read":
        stream(config, outbox)
        return
    context: Context = config["context"]
    source = _Stream(open(config["rows"], "rb", closefd=True)) if role == "assemble" else _Checked(config)  # noqa: SIM115
    rows = _Rows(source)
    drafts = bool(config.get("draft")) and context.sqlite  # the parent can load them: see draft_of
    while (request := pickle.load(inbox)) is not None:
        number, size, bases = request
        new, refused, read, present, lines, end = rows.take(number, size)
        tables, digests, constants = assemble(new, bases, context, datetime.now())
        batch = Batch(number, bases, tables, digests, lines, read, present, refused, end, source.sha256, constants)
        if drafts and digests:
            batch.counts = {table: len(values) for table, values in tables.items()}
            batch.draft, batch.rows = draft_of(tables, constants), {}
        send(batch, outbox)
        outbox.flush()


def main() -> int:
    try:
        serve(sys.stdin.buffer, sys.stdout.buffer)
    except (EOFError, BrokenPipeError):  # the parent (or the next child) stopped: nothing to keep, nothing written
        return 1
    except ClercError as error:  # said in French as the last line: the parent shows it (Worker._failure)
        print(error.message, file=sys.stderr)
        return 2
    return 0


# --- the parent's side ------------------------------------------------------------------


# subprocess, tempfile and signal are the parent's: imported here, not at the child's start (each
# import's child pays its imports: ~10 ms of CPU for those two and what they import).


def _start(stdout: int, errors: IO[bytes], keep: tuple[int, ...] = ()) -> subprocess.Popen:
    import subprocess

    return subprocess.Popen(
        # -P: a `clerc_tui` folder where the clerc stands (an old copy, a planted one) never runs.
        [sys.executable, "-P", "-m", "clerc_tui.services.import_worker"],
        stdin=subprocess.PIPE,
        stdout=stdout,
        stderr=errors,
        pass_fds=keep,
    )


class Worker:
    """Starts the child (or the two children: `children`), asks it for batches, receives them; a
    child that dies or fails is a ClercError in French (the batches already written stay; running
    the import again completes it). With two, `process` is the assembling child, the one the
    parent talks to, and `reader` the reading one, which sends its rows to the other only."""

    def __init__(self, config: dict, children: int = 1):
        import subprocess
        import tempfile

        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 — the child's traceback, never on screen
        self.reader: subprocess.Popen | None = None
        self.reader_errors: IO[bytes] | None = None
        if children < 2:
            self.process = _start(subprocess.PIPE, self.errors)
            self._send(config)
            return
        self.reader_errors = tempfile.TemporaryFile()  # noqa: SIM115
        rows_out, rows_in = os.pipe()  # the reading child's rows, to the assembling one
        try:
            self.reader = _start(rows_in, self.reader_errors)
            self.process = _start(subprocess.PIPE, self.errors, (rows_out,))
        except BaseException:
            if self.reader is not None:
                self.reader.kill()
                self.reader.wait()
            raise
        finally:
            os.close(rows_out)
            os.close(rows_in)
        reading = {
            key: config[key] for key in ("path", "columns", "context", "present", "existing", "chunk") if key in config
        }
        try:
            pickle.dump(reading | {"role": "read"}, self.reader.stdin, protocol=pickle.HIGHEST_PROTOCOL)  # type: ignore[arg-type]
            self.reader.stdin.close()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            pass  # it died at once: the assembling child finds its pipe closed, _failure says why
        self._send({"role": "assemble", "rows": rows_out, "context": config["context"], "draft": config.get("draft")})

    def ask(self, number: int, size: int, bases: dict[str, int]) -> None:
        self._send((number, size, bases))

    def receive(self) -> Batch:
        assert self.process.stdout is not None
        try:
            batch = pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError, OSError):
            batch = None
        if not isinstance(batch, Batch):
            self.process.wait()
            raise self._failure()
        return batch

    def close(self, *, kill: bool = False) -> None:
        """Stop the children (told to, or killed: at once with `kill`, else if they do not stop)
        and forget them."""
        import subprocess

        if kill:
            for process in (self.reader, self.process):
                if process is not None and process.poll() is None:
                    process.kill()
        if self.process.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                pickle.dump(None, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)  # type: ignore[arg-type]
                self.process.stdin.close()  # type: ignore[union-attr]
        for process in (self.process, self.reader):
            if process is None:
                continue
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        self.errors.close()
        if self.reader_errors is not None:
            self.reader_errors.close()

    def _send(self, message: Any) -> None:
        assert self.process.stdin is not None
        try:
            pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.process.wait()
            raise self._failure() from None

    def _failure(self) -> ClercError:
        import subprocess

        process = self.process
        lines = _last_lines(self.errors)
        if self.reader is not None and self.reader_errors is not None and ReaderStopped.__name__ in "".join(lines[-1:]):
            # The assembling child lost the reading one: the reading one says why (it is gone, or about to be).
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.reader.wait(timeout=5)
            process = self.reader
            lines = _last_lines(self.reader_errors)
        code = process.returncode
        if code == 2 and lines:
            # A ClercError the child said (main): the file itself is wrong at a line, so running the
            # import again as it is would stop at the same line; its text says what to fix.
            return ClercError(
                f"L'import s'est arrêté en cours de route. {lines[-1]} Les lots déjà écrits sont complets, "
                "rien d'autre n'a été écrit ; relancé, l'import ne recrée pas les dossiers déjà importés."
            )
        cause = lines[-1] if lines else _ended(code)
        return ClercError(
            f"La lecture du fichier a échoué en cours d'import ({cause}). Les lots déjà écrits sont complets, "
            "rien d'autre n'a été écrit : relancez l'import pour le terminer."
        )


def _ended(code: int | None) -> str:
    """How a child that said nothing ended, for the clerc: « arrêté » alone told him nothing of
    what stopped it (a kill -9, the system short of memory: SIGKILL)."""
    if code is not None and code < 0:
        import signal

        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"processus de l'import arrêté par le signal {name}"
    return f"processus de l'import terminé avec le code {code}"


def _last_lines(errors: IO[bytes]) -> list[str]:
    errors.seek(0)
    return errors.read().decode("utf-8", "replace").strip().splitlines()


if __name__ == "__main__":
    # Run as the module itself, not as __main__: the batches it pickles are import_worker.Batch.
    from clerc_tui.services import import_worker

    sys.exit(import_worker.main())
