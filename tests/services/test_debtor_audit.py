"""A debtor's IBAN, phones, e-mails and addresses are audited, before and after, like the rest
of the dossier (issue 10, item 10): whoever changes where the money goes is on record."""

import json

from clerc_tui.models import AuditEntry
from clerc_tui.rules.identifiers import make_french_iban
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier, update_dossier
from clerc_tui.services.integrity import check_integrity
from tests.conftest import TODAY, make_input

OLD_IBAN = make_french_iban("30006", "00001", "12345678901")
NEW_IBAN = make_french_iban("20041", "01005", "0500013M026")


def _debtor(**changes) -> DebtorInput:
    values = dict(
        kind="physique",
        civility="Madame",
        last_name="Lefèvre",
        first_name="Hélène",
        street="12 rue de la République",
        postcode="69002",
        city="Lyon",
        phone="06 12 34 56 78",
        email="helene@example.fr",
        iban=OLD_IBAN,
    )
    values.update(changes)
    return DebtorInput(**values)


def _audits(action: str) -> list[tuple[dict, dict]]:
    return [
        (json.loads(e.before) if e.before else {}, json.loads(e.after))
        for e in AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id)
    ]


def test_details_created_with_the_dossier_are_audited(actor):
    dossier = create_dossier(actor, make_input(debtor=_debtor()), TODAY)
    [(_, account)] = _audits("debtor_bank_account.create")
    assert account["iban"] == OLD_IBAN
    assert sorted(after["value"] for _, after in _audits("debtor_contact.create")) == [
        "06 12 34 56 78",
        "helene@example.fr",
    ]
    [(_, address)] = _audits("debtor_address.create")
    assert (address["street"], address["city"]) == ("12 rue de la République", "Lyon")
    assert {e.dossier_id for e in AuditEntry.select().where(AuditEntry.action.startswith("debtor_"))} == {dossier.id}


def test_iban_phone_email_and_address_changes_record_before_and_after(actor):
    dossier = create_dossier(actor, make_input(debtor=_debtor()), TODAY)
    data = make_input(
        debtor=_debtor(
            iban=NEW_IBAN,
            phone="07 98 76 54 32",
            email="h.lefevre@example.fr",
            street="3 quai Saint-Vincent",
            postcode="69001",
        ),
        creditor_id=dossier.creditor_id,
        new_creditor=None,
    )
    update_dossier(actor, dossier.id, 1, data, TODAY)
    [(before, after)] = _audits("debtor_bank_account.update")
    assert (before, after) == ({"iban": OLD_IBAN}, {"iban": NEW_IBAN})
    changes = sorted((b["value"], a["value"]) for b, a in _audits("debtor_contact.update"))
    assert changes == [("06 12 34 56 78", "07 98 76 54 32"), ("helene@example.fr", "h.lefevre@example.fr")]
    [(archived_before, archived_after)] = _audits("debtor_address.archive")
    assert (archived_before, archived_after) == ({"is_current": True}, {"is_current": False})
    new_address = _audits("debtor_address.create")[-1][1]
    assert (new_address["street"], new_address["postcode"]) == ("3 quai Saint-Vincent", "69001")
    assert all(e.user_login == actor.login for e in AuditEntry.select())
    assert check_integrity() == []  # and the audit chain holds
    # Saving the form again unchanged audits no detail.
    count = AuditEntry.select().where(AuditEntry.action.startswith("debtor_")).count()
    update_dossier(actor, dossier.id, 2, data, TODAY)
    assert AuditEntry.select().where(AuditEntry.action.startswith("debtor_")).count() == count
