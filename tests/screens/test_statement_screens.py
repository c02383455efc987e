"""The décompte tab, the interest detail and the calculator, driven by keys."""

from datetime import date
from decimal import Decimal as D

from textual.widgets import Input

from clerc_tui.screens.calculator import CalculatorScreen
from clerc_tui.screens.dossier_list import DossierListScreen
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.statement_view import InterestDetailScreen
from clerc_tui.services.billing import record_charge
from clerc_tui.services.payments import record_payment
from tests.conftest import TODAY
from tests.screens.conftest import fill
from tests.services.test_ledger_statement import example_dossier


def _text(app, selector: str) -> str:
    """What a Static shows, as plain text (Rich groups and tables included)."""
    from clerc_tui.report.statement import render_text

    content = app.screen.query_one(selector).content
    return content if isinstance(content, str) else render_text(content, width=160)


async def test_s_shows_the_statement_and_the_arrete_date_can_change(actor, make_app):
    dossier = example_dossier(actor)
    record_charge(
        actor, dossier.id, kind="fee", on=date(2025, 3, 24), amount=D("150"), label="Signification", today=TODAY
    )
    record_payment(actor, dossier.id, on=date(2025, 6, 30), amount=D("1000"), mode="cheque", today=TODAY)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("s")
        pane = app.screen.query_one("#statement-pane")
        assert pane.at == TODAY
        # 2026 S2 is not in the shipped tables: the French message names the semester.
        assert "2e semestre 2026" in _text(app, "#statement-body")
        await pilot.press("a")
        field = app.screen.query_one("#statement-at", Input)
        assert app.focused is field
        await pilot.press(*"31/02/2025", "enter")  # the date is selected on focus: typing replaces it
        assert "n'existe pas dans le calendrier" in _text(app, "#statement-error")
        assert field.value == "31/02/2025" and field.has_class("-invalid") and pane.at == TODAY
        await fill(pilot, field, "15/09/2025")
        await pilot.press("enter")
        assert _text(app, "#statement-error") == ""
        assert pane.at == date(2025, 9, 15) and pane.statement.total_due == D("2286.04")
        assert "2\u00a0286,04\u00a0€" in _text(app, "#statement-body")
        await pilot.press("I")
        assert isinstance(app.screen, InterestDetailScreen)
        detail = _text(app, "#interest-body")
        assert "12,21\u00a0%" in detail and "Art. L313-2" in detail and "25/05/2025" in detail
        await pilot.press("escape")
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("x")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any("Décompte exporté dans" in m and "exports" in m for m in messages)


async def test_c_opens_the_calculator_invalid_then_example_3(actor, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, DossierListScreen)
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CalculatorScreen)
        assert app.focused is screen.field("principal").control
        # Refused as it is typed: the third decimal, then a letter O for a zero in a date.
        await fill(pilot, screen.field("principal").control, "3000,12")
        assert not screen.field("principal").has_class("-invalid")
        await pilot.press("3")
        assert "deux décimales" in _text(app, "#field-principal .field-error")
        assert screen.field("principal").has_class("-invalid")
        assert screen.field("principal").value == "3000,123"
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        assert not screen.field("principal").has_class("-invalid")
        assert screen.field("principal").value == "3000"
        await fill(pilot, screen.field("start").control, "10/03/2025")
        await fill(pilot, screen.field("end").control, "15/09/2")
        await pilot.press("O", "2", "5")
        assert "jj/mm/aaaa" in _text(app, "#field-end .field-error")
        assert screen.result is None
        await fill(pilot, screen.field("end").control, "15/09/2025")
        await fill(pilot, screen.field("majoration_from").control, "25/05/2025")
        assert screen.result is not None
        assert screen.result.total == D("154.94")
        assert [line.amount for line in screen.result.lines] == [D("45.04"), D("37.13"), D("72.77")]
        assert "154,94\u00a0€" in _text(app, "#calc-body")
        await pilot.press("escape", "o")  # typed figures: « Abandonner la saisie ? », o
        assert isinstance(app.screen, DossierListScreen)


async def test_the_calculator_is_in_the_command_palette(actor, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Calculatrice d'intérêts" in titles
        await pilot.press("slash", "c")  # typed into the filter, not the calculator
        assert isinstance(app.screen, DossierListScreen)


async def test_contractual_civil_year_and_the_2224_warning_on_the_screens(actor, make_app):
    from clerc_tui.services.dossiers import create_dossier
    from tests.conftest import make_input

    # 10 000 € at 5 %, civil year, judgment and interest from 01/01/2019. At 01/01/2025 the décompte claims
    # interest from 01/01/2019 to 01/01/2020 older than five years: 10 000 × 5 × 365 / 36 500 = 500.00.
    # Lines: 2019–2023 (365-day years split only at the leap year 2020): 2019 | 2020 | 2021–2023 | 2024.
    create_dossier(
        actor,
        make_input(
            title_kind="jugement",
            title_date=date(2019, 1, 1),
            interest_kind="contractual",
            contractual_rate=D("5"),
            interest_from=date(2019, 1, 1),
            claims={"principal": D("10000")},
        ),
        TODAY,
    )
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        await pilot.press("s")
        pane = app.screen.query_one("#statement-pane")
        await pilot.press("a")
        field = app.screen.query_one("#statement-at", Input)
        field.value = "01/01/2025"
        await pilot.press("enter")
        s = pane.statement
        assert s.at == date(2025, 1, 1)
        assert [(line.start, line.days, line.divisor, line.amount) for line in s.interest_lines] == [
            (date(2019, 1, 1), 365, 36500, D("500.00")),
            (date(2020, 1, 1), 366, 36600, D("500.00")),
            (date(2021, 1, 1), 1095, 36500, D("1500.00")),
            (date(2024, 1, 1), 366, 36600, D("500.00")),
        ]
        body = _text(app, "#statement-body")
        assert "Prescription quinquennale (art. 2224 C. civ.)" in body and "500,00" in body
        assert "année civile" in body
        await pilot.press("I")
        detail = _text(app, "#interest-body")
        assert "Diviseur" in detail and "36\u00a0600" in detail and "art. 2224" in detail


async def test_the_calculator_uses_the_civil_year_for_contractual_interest(actor, make_app):
    from textual.widgets import Select

    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("c")
        screen = app.screen
        screen.field("principal").control.value = "10000"
        screen.field("start").control.value = "01/01/2024"
        screen.field("end").control.value = "01/01/2025"
        screen.field("rate").control.value = "5"
        screen.query_one("#field-kind Select", Select).value = "contractual"
        await pilot.pause()
        assert screen.result is not None and screen.result.total == D("500.00")
        assert "36\u00a0600" in _text(app, "#calc-body")
        screen.query_one("#field-day_basis Select", Select).value = "365"
        await pilot.pause()
        assert screen.result.total == D("501.37")


async def test_calculator_recovery_fee_tab(actor, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        screen = app.screen
        await pilot.press("f6")
        assert app.focused is screen.field("fee_claim").control
        await fill(pilot, screen.field("fee_claim").control, "1234,56")
        await pilot.press("7")  # typed: the message stays in place, the typing is kept
        assert "deux décimales" in _text(app, "#field-fee_claim .field-error")
        assert screen.field("fee_claim").value == "1234,567"
        screen.field("fee_claim").control.value = "1 234,56"
        screen.field("fee_collected").control.value = "100"
        screen.field("fee_on").control.value = "01/03/2025"
        await pilot.pause()
        debtor, creditor = screen.fee_result
        # 100 × 11,73 % = 11,73 HT → 14,08 TTC; 100 × 9,77 % = 9,77 HT → 11,72 TTC.
        assert (creditor.ht, creditor.ttc) == (D("11.73"), D("14.08")) and debtor.ttc == D("11.72")
        body = _text(app, "#fee-body")
        assert "14,08\u00a0€ TTC" in body and "11,72\u00a0€ TTC" in body
        screen.field("fee_claim").control.value = "150"  # ≤ 188 €: flat 21,50 HT
        await pilot.pause()
        assert screen.fee_result[1].ht == D("21.50")
        assert screen.result is None  # the interest tab untouched
        await pilot.press("escape")
