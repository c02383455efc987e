"""`clerc balances` set-based (issue 12 item 5): not one cent may differ from the décompte of
each dossier computed alone (`balance_at`), whatever its ledger holds; short transactions;
a few queries per batch, not per dossier."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest

from clerc_tui.models import ClaimItem, Dossier, DossierAccount, LedgerEntry
from clerc_tui.models.db import database
from clerc_tui.rules.ledger import CREDITOR, FEE, PAYMENT, REFUND, REVERSAL
from clerc_tui.services import balances
from clerc_tui.services.balances import balance_at, refresh_balances
from clerc_tui.services.billing import record_charge
from clerc_tui.services.context import identify
from clerc_tui.services.payments import overpayment, record_payment, record_refund, reverse_entry
from tests.conftest import TODAY

pytestmark = pytest.mark.xdist_group("balances_batch")


@pytest.fixture
def demo(demo_base):
    demo_base(dossiers=300, seed=1, today=TODAY)
    actor = identify()
    ids = [d.id for d in Dossier.select(Dossier.id).where(Dossier.phase != "clos").order_by(Dossier.id)]
    early = TODAY - timedelta(days=200)
    # A reversed payment, a reversed fee, a creditor-borne fee, an overpayment partly refunded.
    paid = record_payment(actor, ids[0], on=early, amount="150.00", today=TODAY)
    reverse_entry(actor, paid.id, "chèque rejeté", early + timedelta(days=20), today=TODAY)
    fee = record_charge(actor, ids[1], kind=FEE, on=early, amount="48.26", label="Frais", today=TODAY)
    reverse_entry(actor, fee.id, "frais saisis par erreur", early + timedelta(days=5), today=TODAY)
    record_charge(actor, ids[2], kind=FEE, on=early, amount="30.00", label="A444-32", bearer=CREDITOR, today=TODAY)
    record_payment(actor, ids[3], on=early, amount="999999.00", today=TODAY)
    record_refund(
        actor,
        ids[3],
        on=early + timedelta(days=3),
        amount=(overpayment(ids[3], early) / 2).quantize(Decimal("0.01")),
        today=TODAY,
    )
    # No claim at all, and a legal interest without a start: both fall back to the simple balance.
    ClaimItem.delete().where(ClaimItem.dossier == ids[4]).execute()
    Dossier.update(interest_kind="legal", interest_from=None, title_date=None).where(Dossier.id == ids[5]).execute()
    record_payment(actor, ids[5], on=early, amount="10.00", today=TODAY)
    return ids


@pytest.mark.parametrize("days_before", [0, 190])
def test_every_balance_equals_the_dossier_by_dossier_decompte(demo, days_before):
    at = TODAY - timedelta(days=days_before)  # 190 days back: some entries are after `at`
    expected = {dossier_id: balance_at(dossier_id, at) for dossier_id in demo}
    closed = {d.id: d.balance for d in Dossier.select().where(Dossier.phase == "clos")}
    Dossier.update(balance=Decimal("-1.00")).execute()  # stale everywhere: all must be rewritten

    assert refresh_balances(at, batch=64) == len(demo)

    stored = {d.id: d.balance for d in Dossier.select().where(Dossier.phase != "clos")}
    assert stored == {dossier_id: balance for dossier_id, (balance, _) in expected.items()}
    assert {d.id: d.balance for d in Dossier.select().where(Dossier.phase == "clos")} == dict.fromkeys(
        closed, Decimal("-1.00")
    )
    # Both ways of computing were exercised, and the ledger had what the rules care about.
    assert {with_interest for _, with_interest in expected.values()} == {True, False}
    kinds = {e.kind for e in LedgerEntry.select()}
    assert {PAYMENT, FEE, REVERSAL, REFUND} <= kinds
    assert expected[demo[3]][0] == 0  # the overpaid dossier owes nothing
    accounts = {a.dossier_id: a.balance_on for a in DossierAccount.select()}
    assert all(accounts[dossier_id] == at for dossier_id in demo)


def test_short_transactions_and_a_few_queries_per_batch(demo, monkeypatch):
    transactions, selects, ticks = [], [], []
    original = balances.write_transaction

    @contextmanager
    def counted():
        with original() as txn:
            transactions.append(1)
            yield txn

    monkeypatch.setattr(balances, "write_transaction", counted)
    database.connection().set_trace_callback(
        lambda sql: selects.append(sql) if sql.lstrip().upper().startswith("SELECT") else None
    )
    try:
        refresh_balances(TODAY, batch=50, progress=lambda done, total: ticks.append((done, total)))
    finally:
        database.connection().set_trace_callback(None)
    batches = len(demo) // 50 + 1  # the last one finds fewer than 50 (or none)
    assert len(transactions) == batches
    assert ticks[-1] == (len(demo), len(demo)) and len(ticks) == len([t for t in range(0, len(demo), 50)])
    # Rates and convention once, then the ids, dossiers, claims and entries of each batch: not
    # five queries per dossier as before.
    assert len(selects) <= 4 * batches + 8


def test_a_decompte_that_fails_on_a_bug_still_lets_the_dossier_show_a_figure(sample_dossier, monkeypatch, caplog):
    """The dossier's header asks `due_on`: a décompte failing on a bug (not a French refusal) must
    not keep the dossier from opening; the figure is the one without interest, said so, logged."""
    from clerc_tui.services import statement

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(statement, "dossier_statement", broken)
    due = balances.due_on(sample_dossier.id, TODAY)
    assert (due.amount, due.with_interest) == (balances.simple_balance(sample_dossier.id, TODAY), False)
    assert "hors intérêts" in due.wording
    assert "décompte du dossier" in caplog.text
