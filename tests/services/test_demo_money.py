"""The demo étude carries provisional rate rows (marked) and some ledger entries, so that its
décomptes run to today."""

import pytest

from clerc_tui.demo import PROVISIONAL_MARK, provisional_rates
from clerc_tui.models import EtudeRate, LedgerEntry
from clerc_tui.services.rates import current_rates
from clerc_tui.services.statement import dossier_statement
from tests.conftest import TODAY

# The module's demo base is built once per worker that runs these tests: keep them on one.
pytestmark = pytest.mark.xdist_group("demo_money")


@pytest.fixture
def demo(demo_base):
    # A private copy of a demo built once per test process (conftest.demo_base): a module
    # fixture was rebuilt whenever xdist ran another module's test in between.
    return demo_base(dossiers=400, seed=3, today=TODAY)


def test_provisional_rates_are_visibly_marked(demo):
    # Whatever the shipped tables hold, the demo's rows are exactly the stand-ins that carry
    # them to the end of TODAY's half-year, each marked (docs/law/rates.md).
    stored = sorted(
        (r.rate_table, r.category or "", r.valid_from.isoformat(), r.valid_to.isoformat(), str(r.value), r.source)
        for r in EtudeRate.select()
    )
    assert stored == sorted((t, c or "", f, to, v, src) for t, c, f, to, v, src in provisional_rates(TODAY))
    assert all(PROVISIONAL_MARK in r.source and r.entered_by for r in EtudeRate.select())
    rates = current_rates()
    for category in ("particulier", "autres"):
        assert rates.legal_rate(TODAY, category)
    assert rates.ecb_rate(TODAY)


def test_demo_statements_run_to_today_and_use_the_ledger(demo):
    kinds = [e.kind for e in LedgerEntry.select()]
    assert kinds.count("reversal") == 1 and kinds.count("payment") > 5 and kinds.count("fee") > 5
    reversal = LedgerEntry.get(LedgerEntry.kind == "reversal")
    assert reversal.reverses.mode == "cheque" and reversal.reason
    statement = dossier_statement(reversal.dossier_id, TODAY)
    assert len(statement.reversals) == 1
    if any(table == "legal" for table, *_rest in provisional_rates(TODAY)):
        assert statement.uses_etude_rates  # the décompte says it runs on stand-in rates
    for dossier_id in {e.dossier_id for e in LedgerEntry.select()}:
        assert dossier_statement(dossier_id, TODAY).total_due > 0


def test_demo_reversements_use_the_claim_threshold_and_the_cumulated_base(demo):
    from decimal import Decimal

    from clerc_tui.models import Dossier
    from clerc_tui.rules.tariff import A444_32, shipped_tariff
    from clerc_tui.services import remittances
    from clerc_tui.services.recovery_fees import fee_base

    lines = remittances.plan_run(TODAY)
    assert lines
    tariff = shipped_tariff()
    partial = 0
    for line in lines:
        base = fee_base(line.dossier_id, TODAY)
        dossier = Dossier.get_by_id(line.dossier_id)
        due = tariff.recovery_fee(A444_32, base.base, TODAY, claim=base.claim).ttc
        if dossier.nature == "pension_alimentaire" or dossier.title_kind == "contrainte":
            due = Decimal(0)
        # Nothing was retained before in the demo: the fee is what is due, within the funds held.
        assert line.fee == min(due, line.fee + line.net) and line.regularisation == 0
        if base.claim > 188 and 0 < base.base < 188 and due:
            partial += 1
            assert line.fee < Decimal("25.80")  # the old flat 21,50 HT on partial recoveries
    assert partial > 0
