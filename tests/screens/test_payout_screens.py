"""The w screen's run is all or nothing like the CLI's (issue 10, item 2)."""

from clerc_tui.models import LedgerEntry, RemittanceRun
from clerc_tui.paths import exports_dir
from clerc_tui.screens.remittances import RemittancesScreen, RunConfirm
from clerc_tui.services import ledger
from clerc_tui.services.dossier_input import CreditorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input


def _text(app, selector) -> str:
    return str(app.screen.query_one(selector).render())


def _paid(actor, name: str, iban: str):
    creditor = CreditorInput(kind="morale", is_individual=False, activity="bailleur", name=name, iban=iban)
    dossier = create_dossier(actor, make_input(new_creditor=creditor), TODAY)
    ledger.record_payment(actor, dossier.id, on=TODAY, amount="100", mode="virement", today=TODAY)
    return dossier


async def test_w_run_that_cannot_write_its_file_records_nothing_then_holds_back_iban_less(actor, make_app):
    paid = _paid(actor, "SCI Les Tilleuls", "FR7630004000310001234567865")
    held = _paid(actor, "Bailleur Sans Compte", "")
    blocker = exports_dir() / "reversement-00001.csv"
    blocker.mkdir(parents=True)  # the run's file name is taken by a folder: the file cannot be written
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("w")
        assert isinstance(app.screen, RemittancesScreen)
        await pilot.press("f3")
        assert isinstance(app.screen, RunConfirm)
        summary = _text(app, "#run-summary")
        assert "Bailleur Sans Compte : SANS IBAN — retenu" in summary and "1 créancier(s), 1 dossier(s)" in summary
        await pilot.press("o")
        assert isinstance(app.screen, RemittancesScreen)
        status = _text(app, "#remit-status")
        assert str(blocker) in status and "est un dossier" in status and "Rien n'a été enregistré" in status
        assert RemittanceRun.select().count() == 0
        assert not LedgerEntry.select().where(LedgerEntry.kind.in_(("remittance", "fee"))).exists()
        blocker.rmdir()
        await pilot.press("f3", "o")
        status = _text(app, "#remit-status")
        assert "Reversement n° 1" in status and str(blocker) in status
        assert "créancier sans IBAN : Bailleur Sans Compte" in status
        text = blocker.read_text(encoding="utf-8")
        assert paid.reference in text and held.reference not in text
        assert text == RemittanceRun.get_by_id(1).transfers
        assert not LedgerEntry.select().where(LedgerEntry.dossier == held.id,
                                              LedgerEntry.kind == "remittance").exists()
