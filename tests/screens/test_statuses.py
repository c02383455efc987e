"""A status line says what happened last: after a long work that failed, never its « Calcul… »
or its progress (« Courriel : 3/10 ») as if still running (the bank screen's own test is in
test_bank_screens.py)."""

from datetime import datetime

from textual.widgets import Static

from clerc_tui.app import ClercApp
from clerc_tui.errors import ClercError
from clerc_tui.services import amicable, remittances
from clerc_tui.widgets.row_table import RowTable
from tests.screens.conftest import settle
from tests.screens.test_amicable_screens import OPENED, _dossier


def _refused(*_args, **_kwargs):
    raise ClercError("Base momentanément indisponible.")


async def test_reversements_that_could_not_be_computed_say_so(actor, make_app, monkeypatch):
    monkeypatch.setattr(remittances, "creditor_dues", _refused)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        await settle(app, pilot)
        total = str(app.screen.query_one("#remit-total", Static).render())
        assert total == "Sommes dues non calculées (voir le message).", total
        assert "Base momentanément indisponible." in str(app.screen.query_one("#remit-status", Static).render())


async def test_a_campaign_that_failed_leaves_the_queue_status_not_its_progress(actor, monkeypatch):
    for n in range(2):
        amicable.enrol(actor, _dossier(actor, n), OPENED)

    def half_then_refused(actor, items, today, *, progress=None, **kwargs):
        progress(1, len(items))
        raise ClercError("Imprimante des lettres absente.")

    monkeypatch.setattr(amicable, "run_campaign", half_then_refused)
    app = ClercApp(actor, now=datetime(2026, 11, 2, 11, 0), start="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one(RowTable).row_count == 2
        await pilot.press("C")
        await settle(app, pilot)
        status = str(app.screen.query_one("#amicable-status", Static).render())
        assert status.startswith("Relances du 02/11/2026") and "messages" not in status, status
        assert any("Campagne interrompue : Imprimante" in str(n.message) for n in app._notifications)
