"""Dossier accounts: acts billed at the tariff, receipts, reversements, refunds, check."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.models import DossierAccount, LedgerEntry
from clerc_tui.services import balances, billing, integrity, payments, remittances
from tests.conftest import TODAY


def test_bill_act_breakdown_invoice_and_dep_once(actor, sample_dossier):
    first = billing.bill_act(
        actor, sample_dossier.id, "commandement_saisie_vente", date(2026, 11, 20), today=TODAY, claim=D(3000)
    )
    detail = json.loads(first.breakdown)
    assert first.amount == D("136.91") and detail["dep"] == "63.85" and detail["tva"] == "22.82"
    assert any("à confirmer" in m for m in detail["marks"])
    assert first.document_number == "F2026-000001"
    second = billing.bill_act(
        actor, sample_dossier.id, "commandement_saisie_vente", date(2026, 11, 21), today=TODAY, claim=D(3000)
    )
    assert json.loads(second.breakdown)["dep"] == "0.00" and second.document_number == "F2026-000002"
    avoir = payments.reverse_entry(actor, first.id, "erreur de saisie", TODAY, today=TODAY)
    assert avoir.document_number == "F2026-000003"
    third = billing.bill_act(actor, sample_dossier.id, "commandement_saisie_vente", TODAY, today=TODAY, claim=D(3000))
    assert json.loads(third.breakdown)["dep"] == "63.85"  # the first DEP was cancelled


def test_payment_receipt_remittance_and_refusals(actor, sample_dossier):
    billing.record_charge(
        actor,
        sample_dossier.id,
        kind="disbursement",
        on=TODAY,
        amount="12,50",
        label="Affranchissement",
        support_reference="LR 1A234",
        today=TODAY,
    )
    pay = payments.record_payment(actor, sample_dossier.id, on=TODAY, amount="500", mode="virement", today=TODAY)
    assert pay.document_number == "R2026-000001"
    position = balances.creditor_position(sample_dossier.id, TODAY)
    assert position.etude_share == D("12.50") and position.due == D("487.50")
    with pytest.raises(InvalidInput, match="seulement 487,50"):
        remittances.record_remittance(actor, sample_dossier.id, on=TODAY, amount="487.51", today=TODAY)
    remittances.record_remittance(actor, sample_dossier.id, on=TODAY, amount="487.50", today=TODAY)
    assert balances.creditor_position(sample_dossier.id, TODAY).due == 0
    with pytest.raises(InvalidInput, match="reversé"):
        payments.reverse_entry(actor, pay.id, "chèque rejeté", TODAY, today=TODAY)
    with pytest.raises(InvalidInput, match="trop-perçu"):
        payments.record_refund(actor, sample_dossier.id, on=TODAY, amount="1", today=TODAY)


@pytest.mark.parametrize("amount,message", [("0", "supérieur à zéro"), ("-5", "négatif"), ("1,234", "deux décimales")])
def test_bad_amounts_write_nothing(actor, sample_dossier, amount, message):
    with pytest.raises(InvalidInput, match=message):
        payments.record_payment(actor, sample_dossier.id, on=TODAY, amount=amount, today=TODAY)
    with pytest.raises(InvalidInput, match="futur"):
        payments.record_payment(actor, sample_dossier.id, on=date(2026, 11, 27), amount="5", today=TODAY)
    with pytest.raises(InvalidInput, match="n'existe pas"):
        payments.record_payment(actor, 99999, on=TODAY, amount="5", today=TODAY)
    assert LedgerEntry.select().count() == 0


def test_check_finds_a_tampered_total(actor, sample_dossier):
    payments.record_payment(actor, sample_dossier.id, on=TODAY, amount="100", today=TODAY)
    checked, problems = integrity.check_accounts()
    assert checked == 1 and problems == []
    DossierAccount.update(paid=DossierAccount.paid + 1).execute()
    _, problems = integrity.check_accounts()
    assert [(p.what, p.stored, p.computed) for p in problems] == [("paiements reçus", D("100.01"), D("100.00"))]
