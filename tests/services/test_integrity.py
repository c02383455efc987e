"""`clerc check` on the running totals: a total edited outside clerc is named."""

from decimal import Decimal as D

from clerc_tui.models import DossierAccount
from clerc_tui.services import integrity, payments
from tests.conftest import TODAY


def test_check_finds_a_tampered_total(actor, sample_dossier):
    payments.record_payment(actor, sample_dossier.id, on=TODAY, amount="100", today=TODAY)
    checked, problems = integrity.check_accounts()
    assert checked == 1 and problems == []
    DossierAccount.update(paid=DossierAccount.paid + 1).execute()
    _, problems = integrity.check_accounts()
    assert [(p.what, p.stored, p.computed) for p in problems] == [("paiements reçus", D("100.01"), D("100.00"))]
