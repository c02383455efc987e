"""The solvency file (services/solvency.py) on a real SQLite file: facts appended, corrected and
ended without losing what was recorded, the card read through, permission and audit, and the
recommendation built from the base (issue 14 items 1–2)."""

import json
from datetime import date
from decimal import Decimal

import pytest
from peewee import IntegrityError

from clerc_tui.errors import AccessDenied, ConflictError, InvalidInput
from clerc_tui.models import AuditEntry, SolvencyFact
from clerc_tui.services import solvency
from clerc_tui.services.context import identify
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier
from clerc_tui.services.users import add_user
from tests.conftest import TODAY, make_input


def _debtor_id(dossier) -> int:
    return solvency.dossier_solvency(dossier.id, TODAY).debtors[0].debtor_id


def test_a_fact_is_recorded_dated_sourced_and_audited(actor, sample_dossier):
    debtor_id = _debtor_id(sample_dossier)
    fact = solvency.record_fact(
        actor,
        debtor_id,
        "employment",
        label="SARL Dupont",
        amount=Decimal("1800.00"),
        known_on=date(2026, 10, 2),
        source="employeur",
        today=TODAY,
        dossier_id=sample_dossier.id,
    )
    [shown] = solvency.dossier_solvency(sample_dossier.id, TODAY).debtors[0].facts
    assert shown == fact and shown.known_on == date(2026, 10, 2) and shown.source == "employeur"
    [entry] = AuditEntry.select().where(AuditEntry.action == "solvency_fact.create")
    assert json.loads(entry.after)["label"] == "SARL Dupont" and entry.dossier_id == sample_dossier.id


def test_a_correction_supersedes_and_history_keeps_both(actor, sample_dossier):
    debtor_id = _debtor_id(sample_dossier)
    old = solvency.record_fact(
        actor, debtor_id, "bank_account", label="BNP", known_on=date(2026, 1, 5), source="ficoba", today=TODAY
    )
    new = solvency.record_fact(
        actor,
        debtor_id,
        "bank_account",
        label="BNP Paribas",
        known_on=date(2026, 11, 2),
        source="ficoba",
        today=TODAY,
        supersedes_id=old.id,
    )
    file = solvency.debtor_solvency(debtor_id)
    assert [f.label for f in file.facts] == ["BNP Paribas"]
    assert [f.label for f in file.history] == ["BNP", "BNP Paribas"]
    with pytest.raises(ConflictError):  # a second correction of the same fact: someone was first
        solvency.record_fact(
            actor,
            debtor_id,
            "bank_account",
            label="LCL",
            known_on=TODAY,
            source="ficoba",
            today=TODAY,
            supersedes_id=old.id,
        )
    ended = solvency.end_fact(actor, new, date(2026, 11, 20), today=TODAY)
    assert ended.ended_on == date(2026, 11, 20)
    assert solvency.debtor_solvency(debtor_id).facts == ()
    assert len(solvency.debtor_solvency(debtor_id).history) == 3


def test_recorded_facts_are_never_changed(actor, sample_dossier):
    fact = solvency.record_fact(
        actor, _debtor_id(sample_dossier), "vehicle", label="Clio AB-123-CD", known_on=TODAY, source="siv", today=TODAY
    )
    with pytest.raises(IntegrityError):
        SolvencyFact.update(label="effacé").where(SolvencyFact.id == fact.id).execute()
    with pytest.raises(IntegrityError):
        SolvencyFact.delete().where(SolvencyFact.id == fact.id).execute()


def test_the_card_is_read_through_undated_and_a_correction_replaces_it(actor):
    debtor = DebtorInput(kind="physique", last_name="Martin", first_name="Paul", employer_name="Boulangerie Roux")
    dossier = create_dossier(actor, make_input(debtor=debtor), TODAY)
    [card] = solvency.dossier_solvency(dossier.id, TODAY).debtors[0].facts
    assert (card.id, card.source, card.known_on, card.label) == (None, "fiche_debiteur", None, "Boulangerie Roux")
    solvency.record_fact(
        actor,
        card.debtor_id,
        "employment",
        label="Boulangerie Roux",
        amount=Decimal("1500.00"),
        known_on=TODAY,
        source="employeur",
        today=TODAY,
        card_ref=card.card_ref,
    )
    [fact] = solvency.dossier_solvency(dossier.id, TODAY).debtors[0].facts
    assert fact.amount == Decimal("1500.00") and fact.id is not None


def test_refusals_say_why_in_french(actor, sample_dossier):
    debtor_id = _debtor_id(sample_dossier)
    with pytest.raises(InvalidInput, match="futur") as error:
        solvency.record_fact(
            actor, debtor_id, "income", label="RSA", known_on=date(2027, 1, 1), source="autre", today=TODAY
        )
    assert error.value.field == "known_on"
    with pytest.raises(InvalidInput, match="Source inconnue"):
        solvency.record_fact(
            actor, debtor_id, "income", label="RSA", known_on=TODAY, source="fiche_debiteur", today=TODAY
        )
    add_user("clerct_lecteur", "Lecteur", "lecture", actor=actor)
    reader = identify("clerct_lecteur")
    with pytest.raises(AccessDenied):
        solvency.record_fact(reader, debtor_id, "income", label="RSA", known_on=TODAY, source="autre", today=TODAY)
    with pytest.raises(AccessDenied):
        solvency.set_stale_months(reader, 3)
    assert SolvencyFact.select().count() == 0


def test_the_stale_setting_is_the_etudes_and_audited(actor):
    assert solvency.stale_months() == 6
    solvency.set_stale_months(actor, 3)
    assert solvency.stale_months() == 3
    assert AuditEntry.select().where(AuditEntry.action == "etude.solvency_stale_months").count() == 1
    with pytest.raises(InvalidInput):
        solvency.set_stale_months(actor, 0)


def test_recommendation_from_the_base_puts_the_wage_seizure_first(actor):
    dossier = create_dossier(
        actor,
        make_input(title_kind="jugement", title_date=date(2026, 3, 2), claims={"principal": Decimal("3000.00")}),
        TODAY,
    )
    debtor_id = _debtor_id(dossier)
    solvency.record_fact(
        actor,
        debtor_id,
        "employment",
        label="SARL Dupont",
        amount=Decimal("2000.00"),
        known_on=TODAY,
        source="employeur",
        today=TODAY,
    )
    solvency.record_fact(actor, debtor_id, "dependant", label="enfant", known_on=TODAY, source="debiteur", today=TODAY)
    plan = solvency.recommend(dossier.id, TODAY)
    first = plan.measures[0]
    assert first.measure.id == "saisie_remunerations" and first.possible
    assert first.expected == Decimal("382.29")  # 2026, net 2 000 €, 1 dependant (docs/law/seizable-salary.md)
    assert first.months is not None and first.months >= 8


def test_clerc_etude_set_the_staleness_all_or_nothing(actor, db_path, capsys):
    from clerc_tui.cli import main

    base = ["--db", str(db_path), "--today", "26/11/2026"]
    assert main([*base, "etude", "set", "--solvabilite-ancienne-apres", "3"]) == 0
    assert "« anciens » après 3 mois" in capsys.readouterr().out
    assert main([*base, "etude", "set", "--solvabilite-ancienne-apres", "trois"]) == 2
    assert "nombre de mois" in capsys.readouterr().err
    # A refused value leaves the other untouched: nothing half-done.
    assert main([*base, "etude", "set", "--solvabilite-ancienne-apres", "9", "--interets-dans-assiette", "?"]) == 2
    assert main([*base, "etude", "show"]) == 0
    assert "après 3 mois" in capsys.readouterr().out
