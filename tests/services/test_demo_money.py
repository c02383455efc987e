"""The demo étude carries provisional rate rows (marked) and some ledger entries, so that its
décomptes run to today."""

from datetime import date

import pytest

from clerc_tui.models import EtudeRate, LedgerEntry
from clerc_tui.models.db import close_database, open_database
from clerc_tui.services.demo import PROVISIONAL_LEGAL_SOURCE, build_demo
from clerc_tui.services.statement import dossier_statement
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(str(path), dossiers=400, seed=3, today=TODAY)
    open_database(str(path))
    yield path
    close_database()


def test_provisional_rates_are_visibly_marked(demo):
    rows = {(r.rate_table, r.category): r for r in EtudeRate.select()}
    assert set(rows) == {("legal", "particulier"), ("legal", "autres"), ("ecb", None)}
    legal = rows[("legal", "particulier")]
    assert (legal.valid_from, legal.valid_to) == (date(2026, 7, 1), date(2026, 12, 31))
    assert legal.source == PROVISIONAL_LEGAL_SOURCE and "provisoire" in rows[("ecb", None)].source
    assert rows[("ecb", None)].valid_from == date(2026, 2, 6)


def test_demo_statements_run_to_today_and_use_the_ledger(demo):
    kinds = [e.kind for e in LedgerEntry.select()]
    assert kinds.count("reversal") == 1 and kinds.count("payment") > 5 and kinds.count("fee") > 5
    reversal = LedgerEntry.get(LedgerEntry.kind == "reversal")
    assert reversal.reverses.mode == "cheque" and reversal.reason
    statement = dossier_statement(reversal.dossier_id, TODAY)
    assert len(statement.reversals) == 1 and statement.uses_etude_rates
    for dossier_id in {e.dossier_id for e in LedgerEntry.select()}:
        assert dossier_statement(dossier_id, TODAY).total_due > 0
