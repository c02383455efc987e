"""Hash chains that make the ledger and the audit trail tamper-evident (docs/trust.md).

Every row of a chained table carries `prev_hash` (the `row_hash` of the row before it, by
id; empty for the first row) and `row_hash` = SHA-256 of the previous hash and of a
canonical serialisation of the row: its columns in a fixed order, dates and times in ISO
8601, amounts in integer cents, foreign keys as ids. Editing, deleting, inserting or
reordering rows breaks the chain at that row, and `clerc check` names the row
(services/integrity.py). Triggers cannot stop someone who has write access to the file;
the chain makes the forgery visible.

A row is appended with `append(Model, **fields)`, inside the service's write transaction:
the previous row's hash is read under the write lock (BEGIN IMMEDIATE on SQLite, an advisory
lock of the chain on PostgreSQL), so two clercs writing at once cannot fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from peewee import Database, Model

M = TypeVar("M", bound="Model")


class _Chained(Protocol):
    """What every model of a CHAINED table has."""

    prev_hash: str
    row_hash: str


GENESIS = ""  # prev_hash of a table's first row

# Column, kind. The order is part of the hash: never reorder, only append new columns
# (with a new migration that rehashes, since old rows were hashed without them).
CHAINED: dict[str, tuple[tuple[str, str], ...]] = {
    "ledger_entry": (
        ("id", "int"),
        ("dossier_id", "int"),
        ("kind", "text"),
        ("entry_date", "date"),
        ("value_date", "date"),
        ("amount", "int"),
        ("label", "text"),
        ("mode", "text"),
        ("payer", "text"),
        ("bank_reference", "text"),
        ("reverses_id", "int"),
        ("reason", "text"),
        ("created_by", "text"),
        ("created_at", "datetime"),
        ("bearer", "text"),
        ("breakdown", "text"),
        ("document_number", "text"),
        ("support_reference", "text"),
        ("run_id", "int"),
    ),
    "audit_entry": (
        ("id", "int"),
        ("at", "datetime"),
        ("user_login", "text"),
        ("action", "text"),
        ("table_name", "text"),
        ("row_id", "text"),
        ("dossier_id", "int"),
        ("before", "text"),
        ("after", "text"),
    ),
}


def columns(table: str) -> tuple[str, ...]:
    return tuple(name for name, _kind in CHAINED[table])


def canonical(kind: str, value: object) -> str | int | None:
    """One stored value in its canonical form (what the hash covers)."""
    if value is None:
        return None
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return str(value)  # not an integer any more: hash it as text, so that it differs
        return value
    if kind == "date":
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return str(value)
    if kind == "datetime":
        if isinstance(value, datetime):
            return value.isoformat(sep=" ")
        try:
            return datetime.fromisoformat(str(value)).isoformat(sep=" ")
        except ValueError:
            return str(value)
    return str(value)


# json.dumps(payload, ensure_ascii=False, separators=(",", ":")), without building an encoder
# per row (json.dumps does when given options) nor looking for cycles in a list of plain values:
# the same text, ~3 µs less a row for bulk loaders.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


def row_hash(table: str, values: Iterable[object], prev_hash: str) -> str:
    """SHA-256 (hex) of `prev_hash` and of the row's `values`, given in `columns(table)` order."""
    spec = CHAINED[table]
    payload = [table] + [canonical(kind, value) for (_name, kind), value in zip(spec, values, strict=True)]
    text = _ENCODE(payload)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def hash_rows(
    table: str, rows: Iterable[Sequence[object]], prev_hash: str = GENESIS, *, canonical_values: bool = False
) -> tuple[list[tuple[str, str]], str]:
    """(prev_hash, row_hash) of each row of `rows` (value tuples in `columns(table)` order,
    ids ascending) chained after `prev_hash`; and the last hash. For bulk loaders.

    `canonical_values`: the loader vouches that every value is already what `canonical` gives
    (int, text, None; dates and times as ISO text with a space): the same hashes without the
    call per value (the demo's ~80,000 chained rows: ~1 s less; tests/services/test_demo.py
    checks its chains with `clerc check`'s own walk)."""
    out: list[tuple[str, str]] = []
    if canonical_values:
        width, encode, sha256 = len(CHAINED[table]), _ENCODE, hashlib.sha256
        for values in rows:
            if len(values) != width:
                raise ValueError(f"{table}: {len(values)} values for {width} columns")
            digest = sha256(f"{prev_hash}\n{encode([table, *values])}".encode()).hexdigest()
            out.append((prev_hash, digest))
            prev_hash = digest
        return out, prev_hash
    for values in rows:
        digest = row_hash(table, values, prev_hash)
        out.append((prev_hash, digest))
        prev_hash = digest
    return out, prev_hash


def chain_head(db: Database, table: str) -> tuple[int, str] | None:
    """(id, row_hash) of the table's last row, or None when it is empty."""
    row = db.execute_sql(f'SELECT "id", "row_hash" FROM "{table}" ORDER BY "id" DESC LIMIT 1').fetchone()
    return (int(row[0]), row[1]) if row else None


def append(model: type[M], **fields: Any) -> M:
    """Insert one row of a chained table with its id, `prev_hash` and `row_hash`; return it.

    Runs inside `write_transaction()` (joined when one is open): on SQLite the lock is taken
    at BEGIN, so the last row read here is still the last one when this row commits."""
    from clerc_tui.models.db import is_postgresql, write_transaction

    db = model._meta.database
    if db.transaction_depth() == 0:
        with write_transaction():
            return _append(db, model, fields, is_postgresql())
    return _append(db, model, fields, is_postgresql())


def _append(db: Database, model: type[M], fields: dict[str, Any], postgresql: bool) -> M:
    table = model._meta.table_name
    if postgresql:
        # A lock of the chain held to the end of the transaction. Not LOCK TABLE: its modes that
        # exclude each other need UPDATE or DELETE on the table, which the application role
        # does not have on the ledger and the audit trail (m0018); every append comes here.
        db.execute_sql(f"SELECT pg_advisory_xact_lock('\"{table}\"'::regclass::oid::bigint)")
        new_id = db.execute_sql(f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id'))").fetchone()[0]
        head = chain_head(db, table)
    else:
        head = chain_head(db, table)
        new_id = (head[0] if head else 0) + 1
    instance = model(id=new_id, **fields)
    by_column = {f.column_name: f for f in model._meta.sorted_fields}
    values = [by_column[name].db_value(instance.__data__.get(by_column[name].name)) for name in columns(table)]
    chained = cast(_Chained, instance)
    chained.prev_hash = head[1] if head else GENESIS
    chained.row_hash = row_hash(table, values, chained.prev_hash)
    _insert(db, model, instance)
    return instance


# INSERT statements of the chained rows, by placeholder, table and fields given.
_INSERTS: dict[tuple[str, str, tuple[str, ...]], str] = {}


def _insert(db: Database, model: type[Model], instance: Model) -> None:
    """What `instance.save(force_insert=True)` sends: every field the row holds (its id
    included), each value converted by its field; the SQL written once per table and set of
    fields instead of by peewee on every row (every audit entry and ledger entry comes here)."""
    data = instance.__data__
    fields = [f for f in model._meta.sorted_fields if f.name in data]
    key = (db.param, model._meta.table_name, tuple(f.name for f in fields))
    sql = _INSERTS.get(key)
    if sql is None:
        names = ", ".join(f'"{f.column_name}"' for f in fields)
        sql = _INSERTS[key] = (
            f'INSERT INTO "{model._meta.table_name}" ({names}) VALUES ({", ".join([db.param] * len(fields))})'
        )
    db.execute_sql(sql, [f.db_value(data[f.name]) for f in fields])
    instance._dirty.clear()  # type: ignore[attr-defined]  # saved, as save() leaves it
