import hashlib
import sqlite3

import pytest

from clerc_tui.errors import SchemaError
from clerc_tui.models import Dossier
from clerc_tui.models.db import close_database, database, init_database, make_database, open_database
from clerc_tui.models.migrations import LATEST, stored_version
from tests.models.old_schema import old_database


def test_a_new_database_is_created_at_the_latest_schema(db_path):
    assert stored_version(database.obj) == LATEST
    tables = set(database.get_tables())
    assert {"dossier", "creditor", "debtor", "deadline", "audit_entry", "schema_version", "dossier_fts"} <= tables


def test_latest_is_the_version_of_the_last_step():
    from clerc_tui.models.migrations.steps import STEPS

    assert [step.VERSION for step in STEPS] == sorted({step.VERSION for step in STEPS})  # in order, none twice
    assert STEPS[-1].VERSION == LATEST


def test_opening_a_base_at_the_latest_schema_imports_no_step_and_every_model(db_path):
    """Start-up: the steps (~30 modules) are imported only when one is due; the models all are,
    with their back-references (`dossier.ledger_entries` needs models/ledger.py imported)."""
    import subprocess
    import sys

    code = (
        "import sys; from clerc_tui.models.db import open_database; "
        f"open_database({str(db_path)!r}); "
        "print(sorted(m for m in sys.modules if m.startswith('clerc_tui.models.migrations.'))); "
        "from clerc_tui.models import Dossier; print(hasattr(Dossier, 'ledger_entries'), hasattr(Dossier, 'acts'))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.split("\n")[:2] == ["[]", "True True"]


def test_sqlite_is_opened_for_several_processes(db_path):
    pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 5000


def test_an_old_database_is_upgraded_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.db"
    old_database(
        path, 1, reference="2019-000001", opened_on="2019-03-01", debtor_name="LEFÈVRE Hélène", balance_cents=123456
    )
    assert "dossier_fts" not in {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}

    open_database(str(path))
    try:
        assert stored_version(database.obj) == LATEST
        dossier = Dossier.get(Dossier.reference == "2019-000001")
        assert str(dossier.balance) == "1234.56"
        # The upgrade built the search index over the rows that were already there.
        found = database.execute_sql("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH 'lefevre*'").fetchall()
        assert found == [(dossier.id,)]
    finally:
        close_database()


def test_a_database_from_a_newer_clerc_is_refused_untouched(tmp_path):
    path = tmp_path / "new.db"
    init_database(str(path))
    database.execute_sql("INSERT INTO schema_version VALUES (?, 'futur', CURRENT_TIMESTAMP)", (LATEST + 1,))
    close_database()  # the WAL folded into the file: the file alone is the base
    before = path.read_bytes()
    with pytest.raises(SchemaError, match="plus récent"):
        open_database(str(path))
    close_database()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.db"]  # no WAL left holding a change
    after = path.read_bytes()
    # Untouched: the same schema and rows (the dump shows what differs), and the same bytes.
    assert _dump(after) == _dump(before)
    assert hashlib.sha256(after).hexdigest() == hashlib.sha256(before).hexdigest()


def _dump(image: bytes) -> list[str]:
    """Schema and rows of a base file's bytes as SQL statements (read in memory: no file touched)."""
    connection = sqlite3.connect(":memory:")
    try:
        # Bytes 18-19 of the header say WAL (2); a base in memory reads them as rollback-journal (1).
        connection.deserialize(image[:18] + b"\x01\x01" + image[20:])
        return list(connection.iterdump())
    finally:
        connection.close()


def test_money_is_stored_as_integer_cents(sample_dossier):
    raw = database.execute_sql("SELECT amount, typeof(amount) FROM claim_item").fetchone()
    assert raw == (123456, "integer")


def test_a_postgresql_url_is_accepted_through_peewee():
    from peewee import PostgresqlDatabase

    db = make_database("postgresql://clerc:secret@127.0.0.1:5433/etude")
    assert isinstance(db, PostgresqlDatabase)
    assert (db.database, db.connect_params["port"], db.connect_params["user"]) == ("etude", 5433, "clerc")


def test_an_unreadable_database_gets_a_french_message(tmp_path):
    from clerc_tui.errors import ClercError

    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    with pytest.raises(ClercError, match=r"Base introuvable : .* est un dossier"):
        open_database(str(folder))
    close_database()


def test_m0009_gives_every_old_dossier_the_civil_year(tmp_path):
    path = tmp_path / "v7.db"
    old_database(path, 7, reference="2024-000001", opened_on="2024-03-01", debtor_name="X", balance_cents=0)
    assert "contractual_day_basis" not in {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(dossier)")}
    open_database(str(path))
    try:
        assert Dossier.get(Dossier.reference == "2024-000001").contractual_day_basis == "civil"
    finally:
        close_database()


def test_m0011_marks_no_old_base_as_demo_and_refolds_its_search(tmp_path):
    """A base from before m0011: its rows were indexed with « œ » kept; after the upgrade
    « oeuvrard » finds them, and the base is not taken for a demo (--force refuses it)."""
    path = tmp_path / "v7.db"
    old_database(
        path, 7, reference="2024-000001", opened_on="2024-03-01", debtor_name="ŒUVRARD Anne", balance_cents=100
    )
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH 'oeuvrard*'").fetchall() == []
        c.execute(
            "INSERT INTO etude (name, commissaire_name, address, postcode, city, siren, phone, email, "
            "day_count, rounding) VALUES ('Étude réelle', '', '', '', '', '', '', '', 'end_minus_start', "
            "'per_line')"
        )
    open_database(str(path))
    try:
        found = database.execute_sql("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH 'oeuvrard*'").fetchall()
        assert found == [(1,)]
        assert database.execute_sql("SELECT demo FROM etude").fetchall() == [(0,)]
    finally:
        close_database()
