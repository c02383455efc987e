"""An old-version database with one creditor and one dossier, written in that version's SQL
(the models describe the latest schema, so they cannot write an old one)."""

from clerc_tui.models.db import make_database
from clerc_tui.models.migrations import upgrade


def old_database(path, version: int, *, reference: str, opened_on: str, debtor_name: str, balance_cents: int):
    db = make_database(str(path))
    db.connect()
    assert upgrade(db, target=version) == version
    db.execute_sql(
        "INSERT INTO creditor (kind, is_individual, activity, civility, first_name, last_name, company_name, "
        "siren, siret, street, postcode, city, country, email, phone, iban, bic, display_name, search_name) "
        "VALUES ('morale', 0, 'banque', '', '', '', 'Banque X', '', '', '', '', '', 'France', '', '', '', '', "
        "'Banque X', 'banque x')"
    )
    db.execute_sql(
        "INSERT INTO dossier (reference, creditor_id, nature, phase, opened_on, title_kind, title_court, "
        "title_reference, interest_kind, majoration_points, allocation_order, zone, notes, debtor_name, "
        "creditor_name, balance, version, created_at, updated_at) VALUES (?, 1, 'credit', 'amiable', ?, "
        "'', '', '', 'legal', 5, 'frais,interets,principal', 'metropole', '', ?, 'Banque X', ?, 1, ?, ?)",
        (reference, opened_on, debtor_name, balance_cents, opened_on, opened_on),
    )
    db.close()
