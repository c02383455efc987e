"""m0019 on a copy of a schema-18 base: the solvency file is added empty and append-only, the
étude gets its staleness setting (6 months), and the card's employer and accounts, left where they
are, read through as undated « fiche débiteur » facts (docs/law/solvency.md)."""

import sqlite3
from datetime import date

import pytest

from clerc_tui.models.db import close_database, database, open_database
from clerc_tui.models.migrations import LATEST, stored_version
from clerc_tui.services import solvency
from tests.models.old_schema import old_database


def test_m0019_adds_the_solvency_file_and_reads_the_card_through(tmp_path):
    path = tmp_path / "v18.db"
    old_database(path, 18, reference="2026-000001", opened_on="2026-03-01", debtor_name="Roux", balance_cents=0)
    with sqlite3.connect(path) as c:
        c.execute(
            "INSERT INTO debtor (kind, civility, first_name, last_name, company_name, birth_place, siren, "
            "employer_name, employer_address, notes, display_name, search_name) VALUES ('physique', '', 'Paul', "
            "'Roux', '', '', '', 'Boulangerie Roux', '3 rue Haute', '', 'ROUX Paul', 'roux paul')"
        )
        c.execute("INSERT INTO debtor_bank_account (debtor_id, bank_name, iban) VALUES (1, 'BNP', 'FR76…')")
        c.execute("INSERT INTO user (login, name, role, active) VALUES ('clerct_a', 'A', 'clerc', 1)")
        c.execute("INSERT INTO dossier_debtor (dossier_id, debtor_id, position) VALUES (1, 1, 0)")
        c.execute(
            "INSERT INTO etude (name, commissaire_name, address, postcode, city, siren, phone, email, "
            "day_count, rounding) VALUES ('Étude', '', '', '', '', '', '', '', 'end_minus_start', 'per_line')"
        )
    assert "solvency_fact" not in {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    open_database(str(path))
    try:
        assert stored_version(database.obj) == LATEST  # 19 and every later step
        assert database.execute_sql("SELECT COUNT(*) FROM solvency_fact").fetchone() == (0,)
        assert solvency.stale_months() == 6
        [debtor] = solvency.dossier_solvency(1, date(2026, 11, 26)).debtors
        assert [(f.kind, f.label, f.known_on, f.source) for f in debtor.facts] == [
            ("employment", "Boulangerie Roux", None, "fiche_debiteur"),
            ("bank_account", "BNP", None, "fiche_debiteur"),
        ]
        database.execute_sql(
            "INSERT INTO solvency_fact (debtor_id, kind, label, detail, source, card_ref, recorded_by_id, "
            "recorded_at) VALUES (1, 'vehicle', 'Clio', '', 'siv', '', 1, '2026-11-26')"
        )
        with pytest.raises(Exception, match="append-only"):
            database.execute_sql("UPDATE solvency_fact SET label = 'x'")
        with pytest.raises(Exception, match="append-only"):
            database.execute_sql("DELETE FROM solvency_fact")
    finally:
        close_database()
