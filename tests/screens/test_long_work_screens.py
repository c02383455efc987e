"""Long database work runs on a worker with its progress shown, the screen answering keys
meanwhile (issue 11, item 4): the reversement run and its resumption, a payment batch."""

import threading

import pytest
from textual.widgets import Static

from clerc_tui.models import LedgerEntry, RemittanceRun
from clerc_tui.paths import exports_dir
from clerc_tui.screens.payment_entry import BatchSummary, PaymentEntryScreen
from clerc_tui.screens.remittances import RemittancesScreen, ResumeConfirm, RunConfirm
from clerc_tui.services import payments, remittances
from clerc_tui.services.dossier_input import CreditorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input
from tests.screens.conftest import settle, wait_until

IBAN = "FR7630004000310001234567865"


def _text(app, selector) -> str:
    return str(app.screen.query_one(selector, Static).render()).replace("\u202f", " ")


def _paid(actor, name: str):
    creditor = CreditorInput(kind="morale", is_individual=False, activity="bailleur", name=name, iban=IBAN)
    dossier = create_dossier(actor, make_input(new_creditor=creditor), TODAY)
    payments.record_payment(actor, dossier.id, on=TODAY, amount="100", mode="virement", today=TODAY)
    return dossier


async def test_run_writes_on_a_worker_shows_its_progress_and_keys_still_answer(actor, make_app, monkeypatch):
    dossiers = [_paid(actor, f"SCI Créancier {n}") for n in range(3)]
    release, written = threading.Event(), []
    real = remittances._write_line

    def held_at_the_second(*args):  # three creditors: three steps; the first one is committed
        written.append(args[1].dossier_id)
        if len(written) == 2:
            release.wait(timeout=10)  # without a worker the app would freeze here
        real(*args)

    monkeypatch.setattr(remittances, "_write_line", held_at_the_second)
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("w")
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, RunConfirm)
        await pilot.press("o")
        # The first step is written, the worker waits in the second, its progress drawn.
        await wait_until(pilot, lambda: len(written) == 2 and "1 / 3" in _text(app, "#remit-status"))
        assert isinstance(app.screen, RemittancesScreen)
        assert "Reversement : écriture, créancier par créancier : 1 / 3 dossiers" in _text(app, "#remit-status")
        await pilot.press("f3")  # a key, handled while the worker runs: nothing started twice
        assert "Calcul en cours" in _text(app, "#remit-status")
        release.set()
        await settle(app, pilot)
        status = _text(app, "#remit-status")
        assert "Reversement n° 1 du 26/11/2026 : 3 dossier(s), 257,76 € reversé(s)" in status.replace("\xa0", " ")
        assert (exports_dir() / "reversement-00001.csv").is_file()
    kinds = [e.dossier_id for e in LedgerEntry.select().where(LedgerEntry.kind == "remittance")]
    assert sorted(kinds) == sorted(d.id for d in dossiers)


async def test_a_run_left_en_cours_is_said_and_resumed_from_the_screen(actor, make_app, monkeypatch):
    dossiers = [_paid(actor, f"SCI Créancier {n}") for n in range(3)]
    real, calls = remittances._write_line, []

    def dies_at_the_second(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("tué (simulé)")
        real(*args)

    monkeypatch.setattr(remittances, "_write_line", dies_at_the_second)
    with pytest.raises(RuntimeError, match="simulé"):
        remittances.execute_run(actor, TODAY, today=TODAY, csv_folder=exports_dir())
    monkeypatch.setattr(remittances, "_write_line", real)
    assert RemittanceRun.get_by_id(1).state == "running"
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("w")
        await settle(app, pilot)
        status = _text(app, "#remit-status")
        assert "Le reversement n° 1 du 26/11/2026" in status and "est resté en cours" in status
        assert "F2 / Ctrl+S ou F3 : le reprendre" in status  # every key that resumes it (ClercApp.key_for)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, ResumeConfirm)
        assert "1 dossier(s) enregistré(s)" in _text(app, "#resume-text")
        await pilot.press("o")
        await settle(app, pilot)
        status = _text(app, "#remit-status")
        assert "Reversement n° 1, interrompu, repris et terminé" in status and "3 dossier(s)" in status
        assert "est resté en cours" not in _text(app, "#remit-status")
    assert RemittanceRun.get_by_id(1).state == "complete"
    paid = [e.dossier_id for e in LedgerEntry.select().where(LedgerEntry.kind == "remittance")]
    assert sorted(paid) == sorted(d.id for d in dossiers)  # each exactly once
    assert (exports_dir() / "reversement-00001.csv").read_text(encoding="utf-8") == remittances.run_csv(1)


async def test_payment_batch_records_on_a_worker_with_its_progress(actor, sample_dossier, make_app, monkeypatch):
    release, seen = threading.Event(), []
    real = payments.record_payment

    def held_at_the_second(*args, **kwargs):
        seen.append(1)
        if len(seen) == 2:  # the first line is written and counted
            release.wait(timeout=10)
        return real(*args, **kwargs)

    monkeypatch.setattr(payments, "record_payment", held_at_the_second)
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, PaymentEntryScreen)
        for amount, reference in (("100", "VIR 1"), ("50", "VIR 2")):
            screen.query_one("#pay-dossier").value = sample_dossier.reference
            screen.query_one("#pay-amount").value = amount
            screen.query_one("#pay-reference").value = reference
            await pilot.press("enter")
        assert len(screen.pending) == 2
        await pilot.press("f5")
        assert isinstance(app.screen, BatchSummary)
        await pilot.press("o")
        await wait_until(pilot, lambda: len(seen) == 2 and "1 / 2" in _text(app, "#batch-error"))
        assert "Enregistrement du lot : 1 / 2 paiements" in _text(app, "#batch-error")
        await pilot.press("f5")  # handled meanwhile: told to wait, nothing recorded twice
        assert app.screen is screen and len(screen.pending) == 2
        release.set()
        await settle(app, pilot)
        assert screen.pending == [] and _text(app, "#batch-error") == ""
    assert LedgerEntry.select().where(LedgerEntry.kind == "payment").count() == 2
