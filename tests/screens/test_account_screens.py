"""Issue 5's acceptance, pressed as a clerc would: bill a commandement from the dossier, record
three payments in one batch, see them in the Comptes tab and the balance change, reverse one,
pay the creditor back from the reversements screen, and `clerc check` finds every dossier
balanced. Plus the bill dialog's refusals."""

from decimal import Decimal as D

from textual.widgets import Input, Static

from clerc_tui.models import Dossier, LedgerEntry
from clerc_tui.paths import exports_dir
from clerc_tui.screens.dossier_accounts import AccountsPane, BillActDialog
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.form import LeaveConfirm
from clerc_tui.screens.payment_entry import BatchSummary, PaymentEntryScreen, RejectDialog
from clerc_tui.screens.remittances import CreditorRemittanceScreen, RemittancesScreen, RunConfirm
from clerc_tui.services import integrity, payments
from clerc_tui.widgets.row_table import RowTable
from tests.conftest import TODAY
from tests.screens.conftest import fill, settle, wait_until


def _text(app, selector) -> str:
    return str(app.screen.query_one(selector, Static).render()).replace("\u00a0", " ").replace("\u202f", " ")


def _rows(table: RowTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_bill_pay_reverse_and_remit_from_the_app(actor, sample_dossier, make_app):
    ref = sample_dossier.reference
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("enter")
        dossier_screen = app.screen
        assert isinstance(dossier_screen, DossierScreen)
        # b: bill the commandement at the tariff, the breakdown shown before anything is written.
        await pilot.press("b")
        assert isinstance(app.screen, BillActDialog)
        await pilot.pause()
        preview = _text(app, "#bill-preview")
        assert "Commandement de payer aux fins de saisie-vente" in preview and "Total TTC" in preview
        assert "DEP" in preview
        assert LedgerEntry.select().count() == 0
        await pilot.press("enter")
        assert app.screen is dossier_screen
        fee = LedgerEntry.get(LedgerEntry.kind == "fee")
        assert fee.document_number == "F2026-000001"
        # The Comptes tab shows the invoice.
        await pilot.press("5")
        table = dossier_screen.query_one("#accounts-table", RowTable)
        assert [r[3] for r in _rows(table)] == ["F2026-000001"]
        balance_billed = Dossier.get_by_id(sample_dossier.id).balance
        # v: three payments in one batch, the summary, then recorded.
        await pilot.press("v")
        payment_screen = app.screen
        assert isinstance(payment_screen, PaymentEntryScreen)
        dossier_field = payment_screen.query_one("#pay-dossier", Input)
        amount_field = payment_screen.query_one("#pay-amount", Input)
        assert app.focused is amount_field  # opened from the dossier: its reference is filled in
        await fill(pilot, amount_field, "100")
        await pilot.press("enter")
        for amount in ("200", "50"):
            await fill(pilot, dossier_field, ref)
            await fill(pilot, amount_field, amount)
            await pilot.press("enter")
        assert len(payment_screen.pending) == 3
        await pilot.press("f5")
        assert isinstance(app.screen, BatchSummary)
        await pilot.press("o")
        await settle(app, pilot)  # recorded on a worker
        assert LedgerEntry.select().where(LedgerEntry.kind == "payment").count() == 3
        # F6: the last cheque is rejected.
        await fill(pilot, dossier_field, ref)
        await pilot.press("f6")
        assert isinstance(app.screen, RejectDialog)
        await pilot.press("enter")
        assert app.screen is payment_screen
        await pilot.press("escape")  # the dossier typed for F6 is typing: asked first
        assert isinstance(app.screen, LeaveConfirm)
        await pilot.press("o")
        assert app.screen is dossier_screen
        await pilot.pause()
        rows = _rows(table)
        assert [r[1] for r in rows] == ["Émolument", "Paiement", "Paiement", "Paiement", "Annulation"]
        assert "annulée le 26/11/2026" in rows[3][6] and "annule" in rows[4][6]
        totals = _text(app, "#accounts-totals")
        assert "Versé 300,00" in totals
        balance_paid = Dossier.get_by_id(sample_dossier.id).balance
        assert balance_paid == balance_billed - D("300.00")
        from clerc_tui.rules.french import format_amount

        solde = format_amount(balance_paid).replace("\u00a0", " ").replace("\u202f", " ")
        # No legal rate for 2026 S2 in this base: no décompte at TODAY, and both say so.
        assert f"Solde hors intérêts au {TODAY:%d/%m/%Y} {solde}" in totals
        assert f"solde hors intérêts au {TODAY:%d/%m/%Y} : {solde}" in _text(app, "#dossier-title")
        # w: the reversements; Entrée opens the creditor, F2 pays him back after a confirmation.
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, RemittancesScreen)
        creditors = _rows(app.screen.query_one(RowTable))
        assert len(creditors) == 1 and creditors[0][0] == "SCI Les Tilleuls"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CreditorRemittanceScreen)
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, RunConfirm)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, CreditorRemittanceScreen)
        remittance = LedgerEntry.get(LedgerEntry.kind == "remittance")
        assert remittance.amount > 0
        csv_files = list(exports_dir().glob("reversement-*.csv"))
        assert len(csv_files) == 1 and ref in csv_files[0].read_text(encoding="utf-8")
        assert str(csv_files[0]) in _text(app, "#remit-status")
        # Nothing left: a second run is refused in French.
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, CreditorRemittanceScreen)
        assert "Rien à reverser" in _text(app, "#remit-status")
        await pilot.press("escape", "escape")
        assert app.screen is dossier_screen
        await pilot.pause()
        assert "Reversé " in _text(app, "#accounts-totals")
        assert [r[1] for r in _rows(table)][-1] == "Reversement"
    checked, problems = integrity.check_accounts()
    assert checked == 1 and problems == []


async def test_bill_dialog_refuses_bad_input_in_place(actor, sample_dossier, make_app):
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("enter", "b")
        dialog = app.screen
        assert isinstance(dialog, BillActDialog)
        date_input = dialog.query_one("#bill-date", Input)
        # A date that does not exist: refused under the field, the typing kept.
        await fill(pilot, date_input, "31/02/2026")
        await pilot.press("enter")
        assert app.screen is dialog
        assert "calendrier" in _text(app, "#field-date .field-error")
        assert date_input.value == "31/02/2026"
        # A date in the future.
        await fill(pilot, date_input, "01/12/2026")
        await pilot.press("enter")
        assert "futur" in _text(app, "#field-date .field-error")
        # A bad émolument.
        date_input.value = "26/11/2026"
        await fill(pilot, dialog.query_one("#bill-base", Input), "12,345")
        await pilot.press("enter")
        assert app.screen is dialog
        assert "deux décimales" in _text(app, "#field-base .field-error")
        assert dialog.query_one("#bill-base", Input).value == "12,345"
        assert LedgerEntry.select().count() == 0
        # Fixed, it bills with the émolument typed by the clerc.
        await pilot.press("backspace", "enter")
        assert isinstance(app.screen, DossierScreen)
        entry = LedgerEntry.get(LedgerEntry.kind == "fee")
        assert "à confirmer" in entry.label
        await pilot.press("5")
        await pilot.pause()
        rows = _rows(app.screen.query_one(AccountsPane).query_one(RowTable))
        assert "à confirmer" in rows[0][6]


async def test_an_act_without_a_tariff_figure_asks_for_the_emolument(actor, sample_dossier, make_app):
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("enter", "b")
        dialog = app.screen
        # Before 2020-03 there is no tariff row: the refusal names the émolument field.
        date_input = dialog.query_one("#bill-date", Input)
        await fill(pilot, date_input, "15/01/2019")
        await pilot.press("enter")
        assert app.screen is dialog
        assert "tarif" in _text(app, "#field-base .field-error")
        assert date_input.value == "15/01/2019"
        assert LedgerEntry.select().count() == 0


async def test_reversements_with_nothing_due_refuse_in_french(actor, sample_dossier, make_app):
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, RemittancesScreen)
        assert "Rien à reverser aujourd'hui" in _text(app, "#remit-total")
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, RemittancesScreen)
        assert "Rien à reverser" in _text(app, "#remit-status")
        await pilot.press("f3")
        await settle(app, pilot)
        assert "Rien à reverser" in _text(app, "#remit-status")
        assert LedgerEntry.select().count() == 0
        await pilot.press("escape")
        assert not isinstance(app.screen, RemittancesScreen)


async def test_the_reversements_screen_computes_on_a_worker_and_stays_responsive(
    actor, make_app, sample_dossier, monkeypatch
):
    """At 100 000 dossiers what is due takes tens of seconds (a décompte per dossier with payments):
    the screen says it is computing, keys still answer, and the table fills when the worker is done."""
    import threading

    from clerc_tui.services import remittances

    payments.record_payment(actor, sample_dossier.id, on=TODAY, amount=D("100"), mode="virement", today=TODAY)
    release = threading.Event()
    real = remittances.creditor_dues

    def slow(on, progress=None):
        progress(1, 2)  # the progress is drawn while the work goes on
        release.wait(timeout=10)  # without a worker this would freeze the app until the timeout
        return real(on, progress=progress)

    monkeypatch.setattr(remittances, "creditor_dues", slow)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, RemittancesScreen)
        assert "Calcul des sommes dues" in _text(app, "#remit-total") and not _rows(screen.query_one(RowTable))
        await wait_until(pilot, lambda: "1 / 2" in _text(app, "#remit-total"))
        assert "Calcul des sommes dues : 1 / 2 dossiers" in _text(app, "#remit-total")
        await pilot.press("f3")  # a run asked while computing is told to wait, nothing is started twice
        assert "Calcul en cours" in _text(app, "#remit-status")
        release.set()
        await settle(app, pilot)
        await settle(app, pilot)
        rows = _rows(screen.query_one(RowTable))
        assert [r[0] for r in rows] == ["SCI Les Tilleuls"]
