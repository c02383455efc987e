"""Acts billed at the tariff: breakdown, invoice numbers, the DEP once per claim."""

import json
from datetime import date
from decimal import Decimal as D

from clerc_tui.services import billing, payments
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
