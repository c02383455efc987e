"""Selects whose SQL is written once per dialect, then run with new parameters (`Prepared`):
the services' hot reads (through services/plain.py) and a row by its primary key
(`BaseModel.by_id`, models/base.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peewee import BaseQuery

from clerc_tui.models.db import database

# A parameter value no query of clerc uses: where it lands in the built SQL's parameters (as
# itself, or as its digits for a text column), the value of the call goes (`Prepared`).
_SLOT = -918_273_645


_Dialect = tuple[Any, ...]
_dialect_of: tuple[object, _Dialect] | None = None


def dialect(db: Any) -> _Dialect:
    """What peewee writes a query's SQL from, for the database `db`: its class (the features
    and the conflict clauses), placeholder, quotes, field types and operators
    (`Database.get_context_options`). Two bases with the same dialect get the same SQL text."""
    global _dialect_of
    if _dialect_of is None or _dialect_of[0] is not db:
        key = (
            type(db),
            db.param,
            db.quote,
            tuple(sorted(db._field_types.items())),
            tuple(sorted(db._operations.items())),
        )
        _dialect_of = (db, key)
    return _dialect_of[1]


class Prepared:
    """A select whose SQL is written once per dialect (SQLite, PostgreSQL), then run with new
    parameters on whichever base is open. Peewee writes the SQL string again on every
    execution: for the few small queries a screen runs on every refresh (the décompte's five),
    that was a fifth of their time. `build(*slots)` builds the query with one placeholder per
    parameter; the rows come through peewee's own cursor wrapper (the same model objects or
    converted tuples as `query` itself would give)."""

    def __init__(self, build: Callable[..., BaseQuery], arity: int = 1) -> None:
        self._build, self._arity = build, arity
        self._for: tuple[object, BaseQuery, str, list[Any], list[int]] | None = None
        self._by_dialect: dict[_Dialect, tuple[object, BaseQuery, str, list[Any], list[int]]] = {}

    def rows(self, *params: Any) -> list[Any]:
        """The rows as `query` gives them (model objects, or tuples of converted values)."""
        query, cursor = self._execute(params)
        return list(query._get_cursor_wrapper(cursor))  # type: ignore[attr-defined]

    def raw(self, *params: Any) -> list[tuple[Any, ...]]:
        """The rows as the driver gives them, not converted (a date column is ISO text on
        SQLite: `read_date`; money is integer cents: `from_cents`), for the one hot query
        whose conversion by peewee cost more than the query."""
        return list(self._execute(params)[1].fetchall())

    def run(self, *params: Any) -> int:
        """For an UPDATE: how many rows it changed."""
        return int(self._execute(params)[1].rowcount)

    def _execute(self, params: tuple[Any, ...]) -> tuple[BaseQuery, Any]:
        db = database.obj
        if self._for is None or self._for[0] is not db:
            key = dialect(db)
            written = self._by_dialect.get(key)
            if written is None:
                slots = [_SLOT - n for n in range(self._arity)]
                query = self._build(*slots)
                sql, built = query.sql()
                # A text column's parameter comes out as the slot's digits (peewee's db_value).
                slot_of = {slot: n for n, slot in enumerate(slots)} | {str(slot): n for n, slot in enumerate(slots)}
                where = [slot_of.get(value, -1) if type(value) in (int, str) else -1 for value in built]
                if sorted(n for n in where if n >= 0) != list(range(self._arity)):
                    raise ValueError("Prepared: each parameter must appear exactly once in the query")
                written = self._by_dialect[key] = (key, query, sql, list(built), where)
            self._for = (db, *written[1:])
        _db, query, sql, built, where = self._for
        values = [params[n] if n >= 0 else value for value, n in zip(built, where, strict=True)]
        return query, database.execute_sql(sql, values)


# INSERT statements of new rows, by dialect, table and fields given (`insert_new`).
_NEW_ROWS: dict[tuple[_Dialect, str, tuple[str, ...]], str] = {}


def insert_new(instance: Any) -> int:
    """What `instance.save(force_insert=True)` sends for a new row whose id the base makes
    (every field the instance holds but its id, each value converted by its field), with its
    SQL written once per dialect, table and fields instead of by peewee on every row; the new
    id, also set on the instance."""
    from clerc_tui.models.db import is_postgresql

    db = database.obj
    meta = instance._meta
    data = instance.__data__
    fields = [f for f in meta.sorted_fields if f.name in data and f is not meta.primary_key]
    key = (dialect(db), meta.table_name, tuple(f.name for f in fields))
    sql = _NEW_ROWS.get(key)
    if sql is None:
        names = ", ".join(f'"{f.column_name}"' for f in fields)
        sql = f'INSERT INTO "{meta.table_name}" ({names}) VALUES ({", ".join([db.param] * len(fields))})'
        if is_postgresql(db):
            sql += ' RETURNING "id"'
        _NEW_ROWS[key] = sql
    cursor = database.execute_sql(sql, [f.db_value(data[f.name]) for f in fields])
    new_id = int(cursor.fetchone()[0] if is_postgresql(db) else cursor.lastrowid)
    instance.id = new_id
    instance._dirty.clear()  # saved, as save() leaves it
    return new_id
