import json
from datetime import date
from decimal import Decimal

import pytest

from clerc_tui.errors import AccessDenied, ConflictError
from clerc_tui.models import AuditEntry, ClaimItem, Dossier, User
from clerc_tui.services.context import Actor, identify
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier, get_dossier, update_dossier
from tests.conftest import TODAY, make_input


def test_create_writes_the_dossier_its_parties_and_an_audit_entry(actor, sample_dossier):
    view = get_dossier(sample_dossier.id)
    assert view.dossier.reference == "2026-000001"
    assert view.dossier.debtor_name == "LEFÈVRE Hélène"
    assert view.dossier.creditor_name == "SCI Les Tilleuls"
    assert view.dossier.balance == Decimal("1234.56")
    assert view.debtors[0].current_address.city == "Lyon"
    assert view.debtors[0].first_contact("phone") == "06 12 34 56 78"
    entry = AuditEntry.get(AuditEntry.action == "dossier.create")
    assert entry.user_login == actor.login
    assert json.loads(entry.after)["reference"] == "2026-000001"
    assert {e.action for e in AuditEntry.select()} >= {"creditor.create", "debtor.create", "claim_item.create"}


def test_references_follow_one_sequence_per_year(actor):
    first = create_dossier(actor, make_input(), TODAY)
    second = create_dossier(actor, make_input(), TODAY)
    next_year = create_dossier(actor, make_input(), date(2027, 1, 4))
    assert [first.reference, second.reference, next_year.reference] == ["2026-000001", "2026-000002", "2027-000001"]


def test_an_update_records_before_and_after_and_bumps_the_version(actor, sample_dossier):
    data = make_input(
        phase="judiciaire",
        claims={"principal": Decimal("1500.00")},
        creditor_id=sample_dossier.creditor_id,
        new_creditor=None,
    )
    updated = update_dossier(actor, sample_dossier.id, 1, data, TODAY)
    assert updated.version == 2
    assert updated.phase == "judiciaire"
    assert updated.balance == Decimal("1500.00")
    entry = AuditEntry.get(AuditEntry.action == "dossier.update")
    assert json.loads(entry.before)["phase"] == "amiable"
    assert json.loads(entry.after)["phase"] == "judiciaire"
    claim = AuditEntry.get(AuditEntry.action == "claim_item.update")
    assert (json.loads(claim.before)["amount"], json.loads(claim.after)["amount"]) == ("1234.56", "1500.00")


def test_an_edit_that_lost_the_race_is_refused_and_overwrites_nothing(actor, sample_dossier):
    other = User.create(login="bdupont", name="Bruno Dupont", role="clerc")
    bruno = Actor(other.id, other.login, other.name, other.role)
    base = dict(creditor_id=sample_dossier.creditor_id, new_creditor=None)
    update_dossier(bruno, sample_dossier.id, 1, make_input(phase="execution", **base), TODAY)

    with pytest.raises(ConflictError) as refused:
        update_dossier(actor, sample_dossier.id, 1, make_input(phase="clos", notes="mine", **base), TODAY)
    assert "Bruno Dupont" in refused.value.message
    assert "n'ont pas été enregistrées" in refused.value.message
    dossier = Dossier.get_by_id(sample_dossier.id)
    assert (dossier.phase, dossier.notes, dossier.version) == ("execution", "", 2)
    assert AuditEntry.select().where(AuditEntry.action == "dossier.update").count() == 1


def test_a_new_address_becomes_current_and_the_old_one_is_kept(actor, sample_dossier):
    moved = DebtorInput(
        kind="physique",
        civility="Madame",
        last_name="Lefèvre",
        first_name="Hélène",
        street="3 place Bellecour",
        postcode="69002",
        city="Lyon",
    )
    update_dossier(
        actor,
        sample_dossier.id,
        1,
        make_input(debtor=moved, creditor_id=sample_dossier.creditor_id, new_creditor=None),
        TODAY,
    )
    addresses = get_dossier(sample_dossier.id).debtors[0].addresses
    assert [(a.street, a.is_current) for a in addresses] == [
        ("3 place Bellecour", True),
        ("12 rue de la République", False),
    ]


def test_read_only_users_cannot_write(db_path):
    User.create(login="stagiaire", name="Sam Stagiaire", role="lecture")
    reader = identify("stagiaire")
    with pytest.raises(AccessDenied, match="lecture seule"):
        create_dossier(reader, make_input(), TODAY)
    assert Dossier.select().count() == 0


def test_an_unknown_login_gets_no_access_and_a_french_message(db_path):
    with pytest.raises(AccessDenied) as refused:
        identify("inconnu")
    assert "clerc user add inconnu" in refused.value.message


def test_a_failed_transaction_leaves_nothing_behind(actor, monkeypatch):
    import clerc_tui.services.dossiers as service

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "_refresh_denormalised", broken)
    with pytest.raises(RuntimeError):
        create_dossier(actor, make_input(), TODAY)
    assert Dossier.select().count() == 0
    assert ClaimItem.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.action != "user.add").count() == 0
