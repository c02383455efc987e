"""The bank statement screen (screens/bank.py), from a CAMT.053 file imported on screen to the
payments recorded: a sure line comes confirmed, a doubtful one is confirmed with `o`, another
dossier is searched with `/`, an unknown credit is set aside with `x`, F5 records; balances and
receipts checked. Leaving with confirmations not recorded asks first."""

from decimal import Decimal as D

from textual.widgets import Input

from clerc_tui.models import BankLine, LedgerEntry
from clerc_tui.rules.bank_formats import CamtCredit, write_camt053
from clerc_tui.screens.bank import BankReviewScreen
from clerc_tui.screens.form import LeaveConfirm
from clerc_tui.screens.help import HelpScreen
from clerc_tui.services import bank
from clerc_tui.services.balances import account_view
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input
from tests.screens.conftest import fill, settle


def _payments(dossier_id):
    return list(LedgerEntry.select().where((LedgerEntry.dossier == dossier_id) & (LedgerEntry.kind == "payment")))


async def test_from_an_imported_camt053_to_recorded_payments(actor, make_app, tmp_path):
    lefevre = create_dossier(actor, make_input(), TODAY)
    martin = create_dossier(
        actor, make_input(debtor=DebtorInput(kind="physique", last_name="Martin", first_name="Paul")), TODAY
    )
    other = create_dossier(
        actor, make_input(debtor=DebtorInput(kind="physique", last_name="Zola", first_name="Émile")), TODAY
    )
    statement = tmp_path / "releve.xml"
    statement.write_bytes(
        write_camt053(
            bank.DEMO_ACCOUNT,
            "R-26",
            [
                CamtCredit(D("150.00"), TODAY, "B1", "E1", f"DOSSIER {lefevre.reference}", "Hélène Lefèvre"),
                CamtCredit(D("80.00"), TODAY, "B2", "E2", "VIREMENT", "PAUL MARTIN"),
                CamtCredit(D("40.00"), TODAY, "B3", "E3", "LOYER", "M. DUPUIS"),
                CamtCredit(D("12.00"), TODAY, "B4", "E4", "REMBOURSEMENT", "SCI INCONNUE"),
            ],
        )
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("B")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, BankReviewScreen) and screen.lines == []
        # The screen's letters are typing in the file field, never orders.
        field = screen.query_one("#bank-file", Input)
        field.focus()
        await pilot.press("o", "c", "x", "u", "1", "slash", "B")
        assert field.value == "ocxu1/B" and app.screen is screen
        screen.query_one("#bank-lines").focus()
        await pilot.press("f1")  # the keys of the screen, in French, with their ids
        assert isinstance(app.screen, HelpScreen)
        shown = {(label, binding_id) for _, label, binding_id in app.screen.entries}
        assert {("Enregistrer les confirmées", "bank.record"), ("Confirmer", "bank.confirm")} <= shown, shown
        await pilot.press("escape")
        assert app.screen is screen
        await fill(pilot, screen.query_one("#bank-file", Input), str(statement))
        await pilot.press("enter")
        await settle(app, pilot)
        await settle(app, pilot)  # the import, then the review's reload
        status = str(screen.query_one("#bank-status").render())
        assert "Rapprochement : 1 sûr(s), 1 douteux, 2 non rapproché(s)." in status
        # Doubtful first, then the unmatched, then the sure one (already confirmed).
        assert [line.bank_reference for line in screen.lines] == ["B2", "B3", "B4", "B1"]
        assert set(screen.chosen) == {screen.lines[3].id}
        candidates = str(screen.query_one("#bank-candidates").render())
        assert (
            f"{martin.reference} — MARTIN Paul · 70 % · nom du débiteur (montant inférieur au solde dû)" in candidates
        )
        await pilot.press("o")  # B2 → Martin; the cursor goes on to B3
        assert screen.chosen[screen.lines[0].id].dossier_id == martin.id
        await pilot.press("slash")
        dialog = app.screen
        await fill(pilot, dialog.query_one("#bank-search", Input), other.reference)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.chosen[screen.lines[1].id].dossier_id == other.id  # B3 → Zola, chosen by the clerc
        await pilot.press("x")  # B4: set aside
        await fill(pilot, app.screen.query_one("#bank-aside-reason", Input), "Virement d'un tiers sans dossier")
        await pilot.press("enter")
        await settle(app, pilot)
        assert [line.bank_reference for line in screen.lines] == ["B2", "B3", "B1"]
        assert BankLine.get(BankLine.bank_reference == "B4").reason == "Virement d'un tiers sans dossier"
        # Leaving now would lose three confirmations: asked first, and kept.
        await pilot.press("escape")
        assert isinstance(app.screen, LeaveConfirm)
        await pilot.press("n")
        assert app.screen is screen and len(screen.chosen) == 3
        await pilot.press("f5")
        await settle(app, pilot)
        await settle(app, pilot)
        assert screen.lines == [] and screen.chosen == {}
        assert "3 versement(s) enregistré(s)" in str(screen.query_one("#bank-status").render())

    for dossier, amount in ((lefevre, "150.00"), (martin, "80.00"), (other, "40.00")):
        (payment,) = _payments(dossier.id)
        assert payment.amount == D(amount) and payment.document_number.startswith("R")  # a receipt each
        assert account_view(dossier.id, TODAY).paid == D(amount)
    # The same statement again: nothing new.
    again = bank.import_statement(actor, statement, record_sure=True, today=TODAY)
    assert again.already_imported and len(_payments(lefevre.id)) == 1


async def test_after_a_failed_import_the_status_says_so_not_import_en_cours(actor, make_app, tmp_path):
    broken = tmp_path / "tronque.xml"
    broken.write_bytes(
        write_camt053(bank.DEMO_ACCOUNT, "R-27", [CamtCredit(D("10.00"), TODAY, "B1", "E1", "X", "Y")])[:200]
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("B")
        await settle(app, pilot)
        screen = app.screen
        await fill(pilot, screen.query_one("#bank-file", Input), str(broken))
        await pilot.press("enter")
        await settle(app, pilot)
        status = str(screen.query_one("#bank-status").render())
        assert not status.endswith("…"), status  # not « Import de … » still
        assert status.startswith(f"Import de {broken} refusé : Relevé XML illisible"), status
        assert BankLine.select().count() == 0
        await fill(pilot, screen.query_one("#bank-file", Input), str(tmp_path / "absent.xml"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert "absent.xml refusé : Fichier introuvable" in str(screen.query_one("#bank-status").render())


async def test_with_nothing_to_review_the_screen_opens_on_the_file_field(actor, make_app, tmp_path):
    """Before, the empty table had the focus: a clerc typing the statement's path saw nothing
    happen (`/` even asked for a dossier), and the key to reach the field (F4) was not on the
    cut key bar."""
    create_dossier(actor, make_input(), TODAY)
    statement = tmp_path / "releve.xml"
    statement.write_bytes(
        write_camt053(bank.DEMO_ACCOUNT, "R-28", [CamtCredit(D("10.00"), TODAY, "B1", "E1", "VIREMENT", "X")])
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("B")
        await settle(app, pilot)
        screen = app.screen
        field = screen.query_one("#bank-file", Input)
        assert screen.focused is field
        assert "(F4 y revient)" in str(screen.query_one("#bank-status").render())
        await pilot.press("slash", "t")  # a path starts with `/`: typed, not a search
        assert field.value == "/t" and app.screen is screen
        await fill(pilot, field, str(statement))
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(screen.lines) == 1 and screen.focused is screen.query_one("#bank-lines")
