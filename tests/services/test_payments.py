"""Payments received, their receipts, reversements and refunds, and what they refuse."""

from datetime import date
from decimal import Decimal as D

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.models import LedgerEntry
from clerc_tui.services import balances, billing, payments, remittances
from tests.conftest import TODAY


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
