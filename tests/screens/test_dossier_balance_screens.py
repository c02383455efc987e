"""What the dossier says it is owed is the décompte's total due today (docs/trust.md, « Le solde
affiché dit ce qu'il est »): a 12,50 € payment once made the header jump from 2 115,21 € to
2 725,37 €, because it showed the balance stored at the dossier's last write (interest up to
then, or none in a large demo) until the payment computed it again."""

import re
from datetime import date
from decimal import Decimal as D

from textual.widgets import Static

from clerc_tui.models import Dossier
from clerc_tui.rules.french import format_amount
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.services.balances import simple_balance
from clerc_tui.services.payments import record_payment
from clerc_tui.services.statement import dossier_statement
from tests.conftest import TODAY
from tests.services.test_ledger_statement import add_2026_s2, example_dossier


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _shown(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_the_header_says_what_is_due_today_before_and_after_a_payment(actor, make_app):
    # Last written on 05/01/2026: the balance stored for the list has ten months of interest less.
    dossier = example_dossier(actor, on=date(2026, 1, 5))
    stored = Dossier.get_by_id(dossier.id).balance
    today = TODAY.strftime("%d/%m/%Y")
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, DossierScreen)
        # No legal rate for 2026 S2 yet: no décompte today, and the header says so.
        simple = simple_balance(dossier.id, TODAY)
        assert f"solde hors intérêts au {today} : {format_amount(simple)}" in _text(app, "#dossier-title")

        add_2026_s2(actor)
        screen.refresh_data()
        due = dossier_statement(dossier.id, TODAY).total_due
        assert due - stored > D("100")  # the stored figure is far behind: the test can tell them apart
        assert f"solde dû au {today} : {format_amount(due)}" in _text(app, "#dossier-title")
        await pilot.pause()
        assert re.search(f"Solde +{format_amount(due)} \\(dû au {today}\\)", _shown(app))  # the synthèse tab
        assert format_amount(stored) not in _text(app, "#dossier-title")
        await pilot.press("5")
        assert f"Solde dû au {today} {format_amount(due)}" in _text(app, "#accounts-totals")

        record_payment(actor, dossier.id, on=TODAY, amount=D("12.50"), today=TODAY)
        screen.refresh_data()
        after = dossier_statement(dossier.id, TODAY).total_due
        assert after == due - D("12.50")  # the header moves by the payment, nothing else
        assert f"solde dû au {today} : {format_amount(after)}" in _text(app, "#dossier-title")
        assert f"Solde dû au {today} {format_amount(after)}" in _text(app, "#accounts-totals")
