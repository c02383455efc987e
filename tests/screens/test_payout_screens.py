"""The w screen's run is all or nothing like the CLI's (issue 10, item 2)."""

from clerc_tui.models import LedgerEntry, RemittanceRun
from clerc_tui.paths import exports_dir
from clerc_tui.screens.remittances import RemittancesScreen, RunConfirm
from clerc_tui.services import payments
from clerc_tui.services.dossier_input import CreditorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input
from tests.screens.conftest import settle


def _text(app, selector) -> str:
    return str(app.screen.query_one(selector).render())


def _paid(actor, name: str, iban: str):
    creditor = CreditorInput(kind="morale", is_individual=False, activity="bailleur", name=name, iban=iban)
    dossier = create_dossier(actor, make_input(new_creditor=creditor), TODAY)
    payments.record_payment(actor, dossier.id, on=TODAY, amount="100", mode="virement", today=TODAY)
    return dossier


async def test_w_run_that_cannot_write_its_file_records_nothing_then_holds_back_iban_less(actor, make_app):
    paid = _paid(actor, "SCI Les Tilleuls", "FR7630004000310001234567865")
    held = _paid(actor, "Bailleur Sans Compte", "")
    blocker = exports_dir() / "reversement-00001.csv"
    blocker.mkdir(parents=True)  # the run's file name is taken by a folder: the file cannot be written
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, RemittancesScreen)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, RunConfirm)
        summary = _text(app, "#run-summary")
        assert "Bailleur Sans Compte : SANS IBAN — retenu" in summary
        assert "1 créancier(s), 1 dossier(s)" in _text(app, "#run-title")
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, RemittancesScreen)
        status = _text(app, "#remit-status")
        assert str(blocker) in status and "est un dossier" in status and "Rien n'a été enregistré" in status
        assert RemittanceRun.select().count() == 0
        assert not LedgerEntry.select().where(LedgerEntry.kind.in_(("remittance", "fee"))).exists()
        blocker.rmdir()
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)  # the run is written on a worker
        status = _text(app, "#remit-status")
        assert "Reversement n° 1" in status and str(blocker) in status
        assert "créancier sans IBAN : Bailleur Sans Compte" in status
        text = blocker.read_text(encoding="utf-8")
        assert paid.reference in text and held.reference not in text
        assert text == RemittanceRun.get_by_id(1).transfers
        assert not LedgerEntry.select().where(LedgerEntry.dossier == held.id, LedgerEntry.kind == "remittance").exists()


async def test_batch_summary_flags_identical_lines_then_removes_or_confirms(actor, sample_dossier, make_app):
    from textual.widgets import Static

    from clerc_tui.screens.payment_entry import BatchSummary, PaymentEntryScreen

    ref = sample_dossier.reference
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("enter", "v")
        screen = app.screen
        assert isinstance(screen, PaymentEntryScreen)
        for amount in ("50", "70", "50"):  # the first cheque typed again as line 3
            screen.query_one("#pay-dossier").value = ref
            screen.query_one("#pay-amount").value = amount
            screen.query_one("#pay-reference").value = "CHQ 42"
            await pilot.press("enter")
            await pilot.pause()
        assert len(screen.pending) == 3
        assert "lignes 1 et 3 identiques" in str(screen.query_one("#batch-error", Static).render())
        await pilot.press("f5")
        assert isinstance(app.screen, BatchSummary)
        summary = str(app.screen.query_one("#summary-text", Static).render())
        assert "Doublon possible : lignes 1 et 3 identiques" in summary and "← DOUBLON" in summary
        await pilot.press("r")  # take the copy out: the summary comes back without it
        await pilot.pause()
        assert isinstance(app.screen, BatchSummary) and len(screen.pending) == 2
        assert "Doublon" not in str(app.screen.query_one("#summary-text", Static).render())
        assert LedgerEntry.select().count() == 0
        await pilot.press("escape")
        # Typed twice on purpose (two cheques of 50 € with the same reference): o confirms.
        screen.query_one("#pay-dossier").value = ref
        screen.query_one("#pay-amount").value = "50"
        screen.query_one("#pay-reference").value = "CHQ 42"
        await pilot.press("enter", "f5")
        assert "← DOUBLON" in str(app.screen.query_one("#summary-text", Static).render())
        await pilot.press("o")
        await settle(app, pilot)  # recorded on a worker
        assert app.screen is screen and screen.pending == []
        assert LedgerEntry.select().where(LedgerEntry.kind == "payment").count() == 3


async def test_w_run_writes_the_sepa_file_beside_the_csv_and_names_why_a_creditor_is_held(actor, make_app):
    from clerc_tui.models import Creditor
    from clerc_tui.report.sepa import schema_problem
    from clerc_tui.services.etude import set_bank_account, set_setting

    paid = _paid(actor, "SCI Les Tilleuls", "FR7630004000310001234567865")
    swiss = _paid(actor, "Banque Suisse SA", "FR7630004000310001234567865")
    Creditor.update(iban="CH9300762011623852957").where(Creditor.id == swiss.creditor_id).execute()
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:  # without the étude's account or name: the CSV alone
        await pilot.press("w")
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        status = _text(app, "#remit-status")
        assert "Fichier SEPA non écrit : le compte de l'étude n'est pas renseigné" in status, status
        assert not (exports_dir() / "reversement-00001.xml").exists() and RemittanceRun.get_by_id(1).sepa is None
    payments.record_payment(actor, paid.id, on=TODAY, amount="50", mode="virement", today=TODAY)
    set_bank_account(actor, "FR3140031000010000123456C01", "CDCGFRPPXXX")
    set_setting(actor, "name", "Étude de Maître Lefèvre")
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("w")
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, RunConfirm)
        assert "Banque Suisse SA : VIREMENT IMPOSSIBLE (BIC manquant" in _text(app, "#run-summary")
        await pilot.press("o")
        await settle(app, pilot)  # the run is written on a worker
        status = _text(app, "#remit-status")
        sepa = exports_dir() / "reversement-00002.xml"
        assert f"Virements SEPA (pour la banque) : {sepa}" in status, status
        assert "virement SEPA impossible (BIC manquant" in status
        data = sepa.read_bytes()
        assert schema_problem(data) is None and paid.reference.encode() in data
        assert swiss.reference.encode() not in data
        assert data.decode("utf-8") == RemittanceRun.get_by_id(2).sepa
