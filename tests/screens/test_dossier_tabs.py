"""The dossier's tabs are drawn when they are shown: from the dossier as last read, and again when
shown after it changed (a refresh while another tab is shown only marks them)."""

from datetime import date
from decimal import Decimal as D

import clerc_tui.screens.dossier_accounts as dossier_accounts
from clerc_tui.screens.dossier_accounts import AccountsPane
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.services.payments import record_payment
from tests.conftest import TODAY
from tests.services.test_ledger_statement import example_dossier


def _text(screen: DossierScreen, body: str) -> str:
    return "".join(segment.text for segment in screen.app.console.render(screen.query_one(body).content))


async def test_a_hidden_tab_is_drawn_when_shown_and_again_when_shown_after_a_change(actor, make_app, monkeypatch):
    dossier = example_dossier(actor)
    read = []
    real = dossier_accounts.balances.account_view

    def counting(dossier_id, today):
        read.append(dossier_id)
        return real(dossier_id, today)

    monkeypatch.setattr(dossier_accounts.balances, "account_view", counting)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, DossierScreen)
        assert read == []  # the accounts are not shown: not read
        assert "Créancier" in _text(screen, "#synthese-body")  # the tab shown is drawn
        assert not _text(screen, "#historique-body").strip()  # the others when shown
        await pilot.press("4", "5")
        assert read == [dossier.id]
        history = _text(screen, "#historique-body")
        await pilot.press("1", "4", "1")
        assert read == [dossier.id]  # shown again, the data unchanged: not read again

        # A payment recorded elsewhere (a colleague's commit) while the synthèse is shown.
        record_payment(actor, dossier.id, on=date(2026, 10, 1), amount=D("123.45"), mode="virement", today=TODAY)
        screen.refresh_data()
        await pilot.pause()
        assert read == [dossier.id]  # hidden: read when shown
        await pilot.press("4")
        assert _text(screen, "#historique-body") != history  # the payment's line, drawn as the tab is shown
        await pilot.press("5")
        assert read == [dossier.id, dossier.id]
        assert screen.query_one(AccountsPane).view.lines[-1].credit == D("123.45")
        assert "123,45" in "".join(
            screen.query_one("#accounts-table").render_line(y).text
            for y in range(screen.query_one("#accounts-table").size.height)
        )
