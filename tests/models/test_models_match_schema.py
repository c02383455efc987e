"""The Peewee models and the schema the migrations build say the same thing.

The schema is made only by `models.migrations` (never `create_tables`), the models are written
by hand beside it: nothing else keeps them in step. A column the migrations forgot, a NOT NULL
the model does not know of, a foreign key pointing elsewhere, a unique index on one side only,
each fails here, named. Checked on SQLite (PRAGMA table_info / foreign_key_list / index_list)."""

import importlib
import pkgutil
import sqlite3
from decimal import Decimal

import pytest
from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
)

import clerc_tui.models
from clerc_tui.models.base import BaseModel
from clerc_tui.models.db import database

# Tables that have no model, and why.
WITHOUT_MODEL = {
    "schema_version": "the migrations' own bookkeeping (models/migrations/__init__.py)",
    "dossier_fts": "the FTS5 search index over the dossiers, read by raw SQL (services/dossier_list.py)",
}


def all_models() -> list[type[Model]]:
    """Every model of clerc_tui.models, found by walking its modules (no hand-kept list)."""
    for module in pkgutil.iter_modules(clerc_tui.models.__path__):
        if module.name != "migrations":
            importlib.import_module(f"clerc_tui.models.{module.name}")
    found, todo = [], list(BaseModel.__subclasses__())
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model.__module__.startswith("clerc_tui.models."):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.table_name)


def affinity(declared: str) -> str:
    """SQLite's type affinity of a declared column type (sqlite.org/datatype3.html §3.1)."""
    declared = declared.upper()
    if "INT" in declared:
        return "INTEGER"
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in declared or not declared:
        return "BLOB"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def _sql_literal(text: str | None):
    """A column's DEFAULT as PRAGMA table_info gives it, as a Python value (None: no default)."""
    if text is None:
        return None
    if text.upper() in ("TRUE", "FALSE"):
        return int(text.upper() == "TRUE")
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    try:
        return int(text)
    except ValueError:
        return text  # an expression such as CURRENT_TIMESTAMP


def _model_default(field):
    """The model's default as the database would store it; None when it has none or a callable."""
    if field.default is None or callable(field.default):
        return None
    value = field.db_value(field.default)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def model_shape(model: type[Model], db: SqliteDatabase) -> dict:
    types = db._field_types  # peewee: FIELD merged with the SQLite overrides
    columns = {}
    for field in model._meta.sorted_fields:
        declared = types.get(field.field_type, field.field_type)
        columns[field.column_name] = (affinity(declared), not field.null or field.primary_key)
    primary_key = model._meta.primary_key
    foreign_keys = {
        (f.column_name, f.rel_model._meta.table_name, f.rel_field.column_name)
        for f in model._meta.sorted_fields
        if isinstance(f, ForeignKeyField)
    }
    unique = {(f.column_name,) for f in model._meta.sorted_fields if f.unique and not f.primary_key}
    for index in model._meta.indexes:
        fields, is_unique = index
        if is_unique:
            unique.add(tuple(model._meta.fields[name].column_name for name in fields))
    defaults = {f.column_name: _model_default(f) for f in model._meta.sorted_fields}
    return {
        "columns": columns,
        "primary_key": (primary_key.column_name,),
        "foreign_keys": foreign_keys,
        "unique": unique,
        "defaults": defaults,
    }


def table_shape(connection: sqlite3.Connection, table: str) -> dict:
    info = connection.execute(f'PRAGMA table_info("{table}")').fetchall()
    # cid, name, type, notnull, dflt_value, pk
    columns = {name: (affinity(declared), bool(notnull) or pk > 0) for _, name, declared, notnull, _, pk in info}
    primary_key = tuple(row[1] for row in sorted(info, key=lambda row: row[5]) if row[5])
    foreign_keys = {
        (row[3], row[2], row[4]) for row in connection.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
    }
    unique = set()
    for _, name, is_unique, origin, partial in connection.execute(f'PRAGMA index_list("{table}")').fetchall():
        if is_unique and origin != "pk" and not partial:
            cols = connection.execute(f'PRAGMA index_info("{name}")').fetchall()
            unique.add(tuple(row[2] for row in sorted(cols)))
    defaults = {name: _sql_literal(default) for _, name, _, _, default, _ in info}
    return {
        "columns": columns,
        "primary_key": primary_key,
        "foreign_keys": foreign_keys,
        "unique": unique,
        "defaults": defaults,
    }


def differences(model: type[Model], connection: sqlite3.Connection, db: SqliteDatabase) -> list[str]:
    """What the model and its migrated table disagree on, in words (empty when they agree)."""
    table = model._meta.table_name
    want, have = model_shape(model, db), table_shape(connection, table)
    if not have["columns"]:
        return [f"{table}: no such table in the migrated base"]
    problems = []
    for column in sorted(set(want["columns"]) | set(have["columns"])):
        if column not in have["columns"]:
            problems.append(f"{table}.{column}: in the model, not in the base")
        elif column not in want["columns"]:
            problems.append(f"{table}.{column}: in the base, not in the model")
        else:
            (m_aff, m_notnull), (b_aff, b_notnull) = want["columns"][column], have["columns"][column]
            if m_aff != b_aff:
                problems.append(f"{table}.{column}: affinity {m_aff} in the model, {b_aff} in the base")
            if m_notnull != b_notnull:
                problems.append(
                    f"{table}.{column}: {'NOT NULL' if m_notnull else 'nullable'} in the model, "
                    f"{'NOT NULL' if b_notnull else 'nullable'} in the base"
                )
            # A default on both sides must be the same value (a default on one side only is fine:
            # the model's applies on insert through Peewee, the base's to rows already there).
            m_default, b_default = want["defaults"][column], have["defaults"][column]
            if m_default is not None and b_default is not None and str(m_default) != str(b_default):
                problems.append(f"{table}.{column}: default {m_default!r} in the model, {b_default!r} in the base")
    for key in ("primary_key", "foreign_keys", "unique"):
        if want[key] != have[key]:
            model_side, base_side = sorted(want[key]), sorted(have[key])
            problems.append(f"{table}: {key.replace('_', ' ')} {model_side} in the model, {base_side} in the base")
    return problems


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A base brought through every migration, read with a plain sqlite3 connection."""
    from clerc_tui.models.db import close_database, init_database

    path = tmp_path_factory.mktemp("schema") / "clerc.db"
    init_database(str(path))
    db = database.obj
    close_database()
    connection = sqlite3.connect(path)
    yield connection, db
    connection.close()


@pytest.mark.parametrize("model", all_models(), ids=lambda m: m._meta.table_name)
def test_each_model_matches_its_migrated_table(migrated, model):
    connection, db = migrated
    assert differences(model, connection, db) == []


def test_every_table_of_the_base_has_a_model_or_a_reason(migrated):
    connection, _db = migrated
    rows = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    # The shadow tables SQLite keeps for a virtual table are named after it (dossier_fts_data…).
    shadows = {name for name, _ in rows for v in virtual if name.startswith(f"{v}_")}
    tables = {name for name, _ in rows if not name.startswith("sqlite_")} - shadows
    modelled = {m._meta.table_name for m in all_models()}
    assert tables - modelled == set(WITHOUT_MODEL)
    assert not modelled - tables


# --- the check itself fails on a mismatch ------------------------------------------------------


def _twin(model_name: str, table: str, /, **fields) -> type[Model]:
    """A model built on the fly for `table`, bound to no database."""
    meta = type("Meta", (), {"table_name": table, "database": None})
    return type(model_name, (Model,), {"__module__": __name__, "Meta": meta, **fields})


def test_the_check_names_each_kind_of_mismatch(migrated):
    connection, db = migrated
    from clerc_tui.models import Sequence

    # sequence: id, name VARCHAR NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL, unique (name, year).
    assert differences(Sequence, connection, db) == []
    wrong = _twin(
        "WrongSequence",
        "sequence",
        id=AutoField(),
        name=CharField(null=True),  # nullable here, NOT NULL in the base
        year=CharField(),  # TEXT here, INTEGER in the base
        last=IntegerField(),
        extra=BooleanField(default=False),  # no such column
        # and no unique (name, year) index declared
    )
    assert differences(wrong, connection, db) == [
        "sequence.extra: in the model, not in the base",
        "sequence.name: nullable in the model, NOT NULL in the base",
        "sequence.year: affinity TEXT in the model, INTEGER in the base",
        "sequence: unique [] in the model, [('name', 'year')] in the base",
    ]


def test_the_check_sees_a_foreign_key_elsewhere_and_a_forgotten_column(migrated):
    connection, db = migrated
    from clerc_tui.models import Creditor, Dossier

    # dossier_debtor: id, dossier_id → dossier, debtor_id → debtor, position INTEGER NOT NULL.
    wrong = _twin(
        "WrongLink",
        "dossier_debtor",
        id=AutoField(),
        dossier=ForeignKeyField(Dossier),
        debtor=ForeignKeyField(Creditor),  # the base points at debtor
        position=IntegerField(),
        # and no unique (dossier, debtor) index declared
    )
    assert differences(wrong, connection, db) == [
        "dossier_debtor: foreign keys [('debtor_id', 'creditor', 'id'), ('dossier_id', 'dossier', 'id')] in the "
        "model, [('debtor_id', 'debtor', 'id'), ('dossier_id', 'dossier', 'id')] in the base",
        "dossier_debtor: unique [] in the model, [('dossier_id', 'debtor_id')] in the base",
    ]
    slim = _twin("Slim", "dossier_debtor", id=AutoField(), dossier=ForeignKeyField(Dossier), position=IntegerField())
    assert differences(slim, connection, db)[0] == "dossier_debtor.debtor_id: in the base, not in the model"


def test_the_check_sees_another_default_and_a_unique_column_missing(migrated):
    connection, db = migrated
    from clerc_tui.models import Dossier

    # dossier_account: dossier_id UNIQUE, the five totals BIGINT NOT NULL DEFAULT 0 (m0006).
    wrong = _twin(
        "WrongAccount",
        "dossier_account",
        id=AutoField(),
        dossier=ForeignKeyField(Dossier),  # not unique here
        charged=BigIntegerField(default=1),  # 0 in the base
        paid=BigIntegerField(default=0),
        creditor_charged=BigIntegerField(default=0),
        remitted=BigIntegerField(default=0),
        refunded=BigIntegerField(default=0),
        balance_on=DateField(null=True),
        updated_at=DateTimeField(),
    )
    assert differences(wrong, connection, db) == [
        "dossier_account.charged: default 1 in the model, 0 in the base",
        "dossier_account: unique [] in the model, [('dossier_id',)] in the base",
    ]
