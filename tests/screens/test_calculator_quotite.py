"""The calculator's « Quotité saisissable » tab: F6 reaches it, the seizable-salary.md example, the RSA cap, the
répartition among creditors (names inert), a French message for a date without barème."""

from decimal import Decimal as D

from clerc_tui.report.statement import render_text
from clerc_tui.screens.calculator import CalculatorScreen


def _text(app, selector: str) -> str:
    content = app.screen.query_one(selector).content
    return content if isinstance(content, str) else render_text(content, width=160)


async def test_quotite_tab(actor, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CalculatorScreen)
        await pilot.press("f6", "f6")  # intérêts → droits proportionnels → quotité saisissable
        assert app.focused is screen.field("q_net").control
        assert "Saisissez le salaire net" in _text(app, "#quotite-status")
        screen.field("q_net").control.value = "2 000"
        screen.field("q_dependants").control.value = "1"
        screen.field("q_on").control.value = "15/01/2026"
        await pilot.pause()
        q = screen.quotite_result
        assert (q.seizable, q.left, q.floor, q.capped) == (D("382.29"), D("1617.71"), D("646.52"), False)
        body = _text(app, "#quotite-body")
        assert "1\u00a0934,1667 → 2\u00a0295,8333" in body and "382,29\u00a0€" in body and "646,52\u00a0€" in body

        screen.field("q_creditors").control.value = "Banque [b]=1 000; Bailleur=300; [red]Opérateur=5000"
        await pilot.pause()
        shares = [(s.name, s.amount) for s in screen.repartition_result.shares]
        assert shares == [("Banque [b]", D("13.72")), ("Bailleur", D("300.00")), ("[red]Opérateur", D("68.57"))]
        body = _text(app, "#quotite-body")
        assert "Banque [b]" in body and "[red]Opérateur" in body  # shown as typed, never markup

        screen.field("q_net").control.value = "680"
        screen.field("q_dependants").control.value = "0"
        await pilot.pause()
        assert screen.quotite_result.seizable == D("33.48") and screen.quotite_result.capped
        assert "Plafond appliqué" in _text(app, "#quotite-body")

        screen.field("q_dependants").control.value = "deux"
        await pilot.pause()
        assert screen.quotite_result is None
        assert "entier" in _text(app, "#field-q_dependants .field-error")

        screen.field("q_dependants").control.value = "0"
        screen.field("q_on").control.value = "15/01/2027"
        await pilot.pause()
        assert screen.quotite_result is None
        assert "inconnu pour 2027" in _text(app, "#quotite-body")
        assert screen.result is None and screen.fee_result is None  # the other tabs untouched

        await pilot.press("f6")
        assert app.focused is screen.field("principal").control  # F6 cycles back to the first tab
        await pilot.press("escape")
