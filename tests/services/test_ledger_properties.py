"""Ledger invariants as properties (the invoice sequence under concurrent processes: tests/test_postgresql.py,
on both backends)."""

import tempfile
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerc_tui.models import Dossier, DossierAccount, LedgerEntry
from clerc_tui.rules import ledger as ledger_rules
from clerc_tui.services import balances, billing, integrity, payments
from clerc_tui.services.context import os_login
from tests import postgres
from tests.conftest import TODAY, fresh_base, make_input

cents = st.integers(min_value=1, max_value=500_000).map(lambda c: D(c) / 100)
operation = st.tuples(st.sampled_from(["fee", "disbursement", "payment"]), cents, st.booleans())


def _state(dossier_id):
    account = DossierAccount.get_or_none(DossierAccount.dossier == dossier_id)
    totals = (
        {k: getattr(account, k) for k in ledger_rules.ACCOUNT_FIELDS}
        if account
        else dict.fromkeys(ledger_rules.ACCOUNT_FIELDS, 0)
    )
    return (
        totals,
        Dossier.get_by_id(dossier_id).balance,
        balances.simple_balance(dossier_id, TODAY),
        balances.creditor_position(dossier_id, TODAY),
    )


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=10))
def test_balances_equal_entries_and_reversal_restores(migrated_base, tmp_path, ops):
    """After any sequence of entries the stored totals equal the entries (clerc check finds
    nothing), and reversing an entry on its own date restores the previous state exactly.
    Each example starts from its own new base with one dossier: nothing carries over."""
    with _own_base(migrated_base, tmp_path) as (actor, did):
        for n, (kind, value, reverse) in enumerate(ops):
            on = TODAY - timedelta(days=len(ops) - n)
            before = _state(did)
            if kind == "payment":
                entry = payments.record_payment(actor, did, on=on, amount=value, today=TODAY)
            else:
                entry = billing.record_charge(actor, did, kind=kind, on=on, amount=value, label="x", today=TODAY)
            assert integrity.check_accounts()[1] == []
            if reverse:
                payments.reverse_entry(actor, entry.id, "erreur de saisie", on, today=TODAY)
                assert _state(did) == before
                assert integrity.check_accounts()[1] == []


_seeded: dict[Path, object] = {}  # a test's folder -> its base with a user and a dossier (a path, or a URL)


@contextmanager
def _own_base(template, folder):
    """A new base holding one dossier and no entry: a copy of one made once per test from the
    migrated template (user and dossier: a sixth of each example's CPU on SQLite, more on
    PostgreSQL, where each of them is a round trip to the server), on either backend."""
    from clerc_tui.models.db import close_database
    from clerc_tui.services.context import identify
    from clerc_tui.services.dossiers import create_dossier
    from clerc_tui.services.users import add_user

    if folder not in _seeded:  # dropped with the test's other bases on PostgreSQL (tests/postgres.py)
        seeded = fresh_base(template, folder / "seeded.db")
        add_user(os_login(), "Claire Martin", "commissaire")
        create_dossier(identify(), make_input(), TODAY)
        close_database()  # a template copied while a connection is open to it is refused
        _seeded[folder] = seeded
    path = fresh_base(_seeded[folder], Path(tempfile.mkdtemp(dir=folder)) / "clerc.db")
    try:
        actor = identify()
        (dossier_id,) = [d.id for d in Dossier.select()]
        assert LedgerEntry.select().count() == 0
        yield actor, dossier_id
    finally:
        close_database()
        postgres.remove(path)
