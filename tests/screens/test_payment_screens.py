"""Payment entry: a batch of three with a typo in the middle, the summary, a rejected cheque."""

from decimal import Decimal as D

from textual.widgets import Input, Static

from clerc_tui.models import LedgerEntry
from clerc_tui.screens.form import LeaveConfirm
from clerc_tui.screens.payment_entry import BatchSummary, PaymentEntryScreen, RejectDialog
from clerc_tui.services import integrity
from tests.screens.conftest import fill, settle


def _text(app, selector) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_batch_with_an_error_in_the_middle(actor, sample_dossier, make_app):
    ref = sample_dossier.reference
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, PaymentEntryScreen)
        assert app.focused is screen.query_one("#pay-dossier", Input)
        dossier, amount = screen.query_one("#pay-dossier", Input), screen.query_one("#pay-amount", Input)
        # Line 1
        await fill(pilot, dossier, ref)
        await fill(pilot, amount, "100,00")
        await pilot.press("enter")
        assert len(screen.pending) == 1
        assert app.focused is screen.query_one("#pay-dossier", Input)
        # Line 2: a typo in the amount is refused in place; the batch and the typing stay.
        await fill(pilot, dossier, "Lefèvre")
        await fill(pilot, amount, "12,345")
        await pilot.press("enter")
        assert len(screen.pending) == 1
        assert "deux décimales" in _text(app, "#field-amount .field-error")
        assert screen.query_one("#pay-amount", Input).value == "12,345"
        assert screen.query_one("#pay-dossier", Input).value == "Lefèvre"
        await pilot.press("backspace", "enter")
        assert len(screen.pending) == 2 and screen.pending[1].amount == D("12.34")
        # Line 3, with the preview of its imputation before anything is written.
        await fill(pilot, dossier, ref)
        await fill(pilot, amount, "50")
        assert "Imputation" in _text(app, "#payment-preview")
        await pilot.press("enter")
        assert "3 paiement(s), total 162,34" in _text(app, "#payment-total").replace("\u00a0", " ")
        assert LedgerEntry.select().count() == 0  # nothing written yet
        await pilot.press("f5")
        assert isinstance(app.screen, BatchSummary)
        await pilot.press("o")
        await settle(app, pilot)  # recorded on a worker
        assert app.screen is screen and screen.pending == []
        entries = list(LedgerEntry.select().order_by(LedgerEntry.id))
        assert [e.amount for e in entries] == [D("100.00"), D("12.34"), D("50.00")]
        assert [e.document_number for e in entries] == ["R2026-000001", "R2026-000002", "R2026-000003"]
        # A rejected cheque reverses the last payment and its imputation.
        await fill(pilot, dossier, ref)
        await pilot.press("f6")
        assert isinstance(app.screen, RejectDialog)
        await pilot.press("enter")
        assert isinstance(app.screen, PaymentEntryScreen)
        reversal = LedgerEntry.get(LedgerEntry.kind == "reversal")
        assert reversal.reverses_id == entries[-1].id
        assert integrity.check_accounts()[1] == []
        await pilot.press("escape")
        assert not isinstance(app.screen, PaymentEntryScreen)


async def test_unknown_dossier_and_leaving_with_a_pending_batch(actor, sample_dossier, make_app):
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("v")
        screen = app.screen
        dossier = screen.query_one("#pay-dossier", Input)
        await fill(pilot, dossier, "zzzz")
        await fill(pilot, screen.query_one("#pay-amount", Input), "10")
        await pilot.press("enter")
        assert "Aucun dossier" in _text(app, "#field-dossier .field-error")
        assert app.focused is dossier  # the refused field takes the focus back
        await fill(pilot, dossier, sample_dossier.reference)
        await pilot.press("enter")
        assert len(screen.pending) == 1
        await pilot.press("escape")  # the batch is not recorded: « Abandonner la saisie ? »
        assert isinstance(app.screen, LeaveConfirm) and "non enregistré" in _text(app, "#leave-question")
        await pilot.press("n")  # back to the typing, the batch kept
        assert app.screen is screen and len(screen.pending) == 1
        await pilot.press("escape", "o")
        assert app.screen is not screen
        assert LedgerEntry.select().count() == 0
