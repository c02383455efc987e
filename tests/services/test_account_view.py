"""The accounts tab's lines (services/balances.account_view)."""

from decimal import Decimal as D

from clerc_tui.services import balances, payments
from tests.conftest import TODAY


def test_a_payment_typed_without_a_label_says_its_mode_and_payer(actor, sample_dossier):
    """The payment entry screen records no label: the line says what it was, not nothing."""
    payments.record_payment(actor, sample_dossier.id, on=TODAY, amount=D("12.50"), mode="virement", today=TODAY)
    payments.record_payment(
        actor, sample_dossier.id, on=TODAY, amount=D("5"), mode="cheque", payer="Mme Dupont", today=TODAY
    )
    payments.record_payment(actor, sample_dossier.id, on=TODAY, amount=D("1"), label="Acompte", today=TODAY)
    labels = [line.label for line in balances.account_view(sample_dossier.id, TODAY).lines]
    assert labels == ["Virement", "Chèque — Mme Dupont", "Acompte"]
