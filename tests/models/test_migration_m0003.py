"""Migration 3 (étude rates, ledger) upgrades a version-2 database and keeps its rows."""

import sqlite3
from datetime import date
from decimal import Decimal

from clerc_tui.models import Dossier, LedgerEntry
from clerc_tui.models.db import close_database, database, open_database
from clerc_tui.models.migrations import LATEST, stored_version
from tests.models.old_schema import old_database


def test_a_version_2_database_gets_the_ledger_and_the_etude_rates(tmp_path):
    path = tmp_path / "v2.db"
    old_database(
        path, 2, reference="2024-000001", opened_on="2024-03-01", debtor_name="DUPONT Marc", balance_cents=50000
    )
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "ledger_entry" not in tables and "etude_rate" not in tables

    open_database(str(path))
    try:
        assert stored_version(database.obj) >= 3 and stored_version(database.obj) == LATEST
        assert {"ledger_entry", "etude_rate"} <= set(database.get_tables())
        dossier = Dossier.get(Dossier.reference == "2024-000001")
        assert dossier.balance == Decimal("500.00")
        entry = LedgerEntry.create(
            dossier=dossier,
            kind="payment",
            entry_date=date(2024, 4, 1),
            amount=Decimal("12.34"),
            label="",
            mode="virement",
            payer="",
            bank_reference="",
            reason="",
            created_by="x",
            created_at="2024-04-01 10:00:00",
        )
        raw = database.execute_sql("SELECT amount, typeof(amount) FROM ledger_entry").fetchone()
        assert raw == (1234, "integer")
        triggers = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"ledger_entry_no_update", "ledger_entry_no_delete"} <= triggers
        assert LedgerEntry.get_by_id(entry.id).reverses is None
    finally:
        close_database()
