"""Reversement runs, creditor statements, the FEC export, printed documents, clerc check."""

from datetime import date
from decimal import Decimal as D

import pytest

from clerc_tui.cli import main
from clerc_tui.errors import InvalidInput
from clerc_tui.models import LedgerEntry
from clerc_tui.report.documents import document_html, document_text
from clerc_tui.rules.ledger import CREDITOR, REMITTANCE
from clerc_tui.services import accounting, balances, billing, payments, remittances
from clerc_tui.services.documents import document_of
from tests.conftest import TODAY


def _pay(actor, dossier_id, amount, on=TODAY):
    return payments.record_payment(
        actor,
        dossier_id,
        on=on,
        amount=amount,
        mode="virement",
        payer="Mme Lefèvre",
        bank_reference="VIR 42",
        today=TODAY,
    )


def test_run_retains_a444_32_and_pays_the_rest(actor, sample_dossier):
    billing.bill_act(actor, sample_dossier.id, "signification_jugement", date(2026, 11, 2), today=TODAY)
    _pay(actor, sample_dossier.id, "1000")
    [line] = remittances.plan_run(TODAY)
    # The signification, billed to the debtor: (émolument 25,79 × coefficient 1 for a claim of
    # 1 234,56 € + déplacement 9,40) × 1,20 TVA = 35,19 × 1,20 = 42,228 → 42,23 €.
    assert balances.creditor_position(sample_dossier.id, TODAY).charged == D("42.23")
    # Collected for the creditor: the payment less the étude's own frais, 1 000 − 42,23.
    assert line.collected == D("957.77")
    run_id = remittances.execute_run(actor, TODAY, today=TODAY).run_id
    entries = list(LedgerEntry.select().where(LedgerEntry.dossier == sample_dossier.id).order_by(LedgerEntry.id))
    fee = next(e for e in entries if e.bearer == CREDITOR)
    remit = next(e for e in entries if e.kind == REMITTANCE)
    assert fee.document_number.startswith("F2026-") and remit.run_id == run_id
    assert fee.amount + remit.amount == line.collected
    assert balances.creditor_position(sample_dossier.id, TODAY).due == 0
    with pytest.raises(InvalidInput, match="Rien à reverser"):
        remittances.execute_run(actor, TODAY, today=TODAY)
    csv_text = remittances.run_csv(run_id)
    assert sample_dossier.reference in csv_text and csv_text.startswith("date;creancier")
    releve = remittances.creditor_statement(sample_dossier.creditor_id, date(2026, 11, 1), TODAY)
    assert "Reversement" in releve and "Retenu" in releve
    # The fee borne by the creditor is not in the debtor's décompte.
    # principal 1 234,56 + signification 42,23 − payment 1 000 = 276,79.
    assert balances.simple_balance(sample_dossier.id, TODAY) == D("276.79")


def test_fec_lines_balance_and_reversal_mirrors(actor, sample_dossier):
    billing.bill_act(actor, sample_dossier.id, "commandement_saisie_vente", TODAY, today=TODAY, claim=D(3000))
    pay = _pay(actor, sample_dossier.id, "200")
    payments.reverse_entry(actor, pay.id, "chèque rejeté", TODAY, today=TODAY)
    told: list[tuple[int, int]] = []
    lines = accounting.fec_lines(date(2026, 11, 1), TODAY, progress=lambda done, total: told.append((done, total)))
    assert told == [(3, 3)]  # the act, the payment, its reversal: the CLI's bar ends full
    assert lines == accounting.fec_lines(date(2026, 11, 1), TODAY)  # the same lines with or without progress
    assert lines[0].startswith("JournalCode|JournalLib|EcritureNum")
    rows = [line.split("|") for line in lines[1:]]
    assert all(len(r) == 18 for r in rows)
    debit = sum(D(r[11].replace(",", ".")) for r in rows)
    credit = sum(D(r[12].replace(",", ".")) for r in rows)
    assert debit == credit
    assert any(r[4] == "44571" and r[12] == "22,82" for r in rows)


def test_documents_in_french_with_marks(actor, sample_dossier):
    fee = billing.bill_act(actor, sample_dossier.id, "commandement_saisie_vente", TODAY, today=TODAY, claim=D(3000))
    text = document_text(document_of(fee))
    assert "Facture n° F2026-000001" in text and "136,91" in text and "à confirmer" in text
    pay = _pay(actor, sample_dossier.id, "50")
    assert "Reçu n° R2026-000001" in document_text(document_of(pay))
    assert "<h1>Reçu n° R2026-000001</h1>" in document_html(document_of(pay))


def test_cli_check_export_document(actor, sample_dossier, db_path, capsys, tmp_path):
    fee = billing.bill_act(actor, sample_dossier.id, "commandement_saisie_vente", TODAY, today=TODAY, claim=D(3000))
    _pay(actor, sample_dossier.id, "300")
    base = ["--db", str(db_path), "--today", "26/11/2026"]
    assert main([*base, "check"]) == 0
    assert "tous équilibrés" in capsys.readouterr().out
    assert main([*base, "bill", sample_dossier.reference, "--act", "signification_jugement"]) == 0
    printed = capsys.readouterr().out
    assert "Facture n° F2026-000002" in printed and "(tarif à confirmer)" in printed
    assert main([*base, "bill", sample_dossier.reference, "--act", "saisie_attribution"]) == 2
    assert "Légifrance" in capsys.readouterr().err
    assert main([*base, "document", fee.document_number]) == 0
    assert "Facture" in capsys.readouterr().out
    out = tmp_path / "fec.txt"
    assert main([*base, "export", "fec", "--from", "01/11/2026", "--to", "30/11/2026", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count("\n") == 1 + 3 + 3 + 2
    assert main([*base, "reversements", "du"]) == 0
    assert "SCI Les Tilleuls" in capsys.readouterr().out
    assert main([*base, "reversements", "run", "--csv", str(tmp_path / "r.csv")]) == 0
    assert main([*base, "reversements", "releve", "sci les", "--from", "01/11/2026", "--to", "30/11/2026"]) == 0
    assert "Relevé du créancier SCI Les Tilleuls" in capsys.readouterr().out
    from clerc_tui.models import DossierAccount

    DossierAccount.update(charged=DossierAccount.charged + 100).execute()
    assert main([*base, "check"]) == 1
    assert "ÉCARTS" in capsys.readouterr().out


def test_a_run_plans_outside_the_lock_and_plans_again_what_changed_meanwhile(actor, sample_dossier, monkeypatch):
    """The décomptes of a run are computed before its write lock; a payment recorded by another
    clerc between the plan and the lock is not lost: that dossier is planned again inside it."""
    _pay(actor, sample_dossier.id, "100")
    planned_outside = []
    original = remittances._replan_changed

    def meanwhile(planned, *args):
        planned_outside.extend(planned)
        _pay(actor, sample_dossier.id, "50")  # another clerc, after the plan, before the lock
        return original(planned, *args)

    monkeypatch.setattr(remittances, "_replan_changed", meanwhile)
    result = remittances.execute_run(actor, TODAY, today=TODAY)
    [seen] = planned_outside
    [line] = result.lines
    # Claim above 188 €: A444-32 = 11,73 % of what went to the principal. Planned on 100 €, run on 150 €.
    assert seen.collected == D(100) and line.collected == D(150)
    assert line.fee + line.net == D(150) and balances.creditor_position(sample_dossier.id, TODAY).due == 0


def test_replan_keeps_the_plan_when_nothing_changed_and_replans_an_edited_dossier(actor, sample_dossier):
    from clerc_tui.models import Dossier
    from clerc_tui.services.recovery_fees import FeeSettings

    _pay(actor, sample_dossier.id, "100")
    settings = FeeSettings.load()
    mark = remittances._ledger_mark()
    planned = remittances._plan(TODAY, None, settings)
    assert remittances._replan_changed(planned, TODAY, settings, mark) is planned
    Dossier.update(version=Dossier.version + 1).where(Dossier.id == sample_dossier.id).execute()
    again = remittances._replan_changed(planned, TODAY, settings, mark)
    assert again is not planned and [x.dossier_version for x in again] == [planned[0].dossier_version + 1]


def test_planning_tells_its_progress_dossier_by_dossier(actor, sample_dossier, db_path, capsys):
    _pay(actor, sample_dossier.id, "100")
    ticks = []
    remittances.plan_run(TODAY, progress=lambda done, total: ticks.append((done, total)))
    assert ticks == [(1, 1)]
    main(["--db", str(db_path), "--today", "26/11/2026", "reversements", "du"])  # not a terminal: no bar
    captured = capsys.readouterr()
    assert "\x1b" not in captured.err and "à reverser" in captured.out
