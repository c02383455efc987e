"""Per-party deadlines (CPC 643), the L412-5 suspension, the CCAPEX warning, and m0010."""

from datetime import date

from clerc_tui.models import AuditEntry, Creditor, Deadline, Debtor, DebtorAddress, DossierDebtor
from clerc_tui.services import deadlines as S
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input

D = date


def _dossier(actor):
    return create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)


def _co_debtor(dossier_id, name, country, postcode, position):
    debtor = Debtor.create(kind="physique", last_name=name, display_name=name, search_name=name.casefold())
    DebtorAddress.create(debtor=debtor, street="1 rue X", postcode=postcode, city="Ville", country=country)
    DossierDebtor.create(dossier=dossier_id, debtor=debtor, position=position)
    return debtor.id


def _first_debtor(dossier_id):
    return DossierDebtor.get(DossierDebtor.dossier == dossier_id, DossierDebtor.position == 0).debtor_id


def test_each_served_debtor_gets_the_extension_of_his_own_address(actor):
    dossier = _dossier(actor)  # first debtor: Lyon, France
    belgian = _co_debtor(dossier.id, "Dupont", "Belgique", "1000", 1)
    taaf = _co_debtor(dossier.id, "Kerguelen", "France", "98413", 2)
    monaco = _co_debtor(dossier.id, "Grimaldi", "France", "98000", 3)
    created = S.record_step(
        actor, dossier.id, "signification_jugement", "signification", D(2026, 3, 7), today=TODAY
    ).created
    appeal = {d.debtor_id: (d.due_date, d.label) for d in created if d.rule_id == "jug_appel_1_mois"}
    lyon = _first_debtor(dossier.id)
    # Served Sat 07/03/2026. Lyon: + 1 month = Tue 07/04/2026. TAAF: + 1 + 1 = Thu 07/05/2026.
    # Belgium and Monaco (abroad): + 1 + 2 = Sun 07/06/2026 → Mon 08/06/2026.
    assert {k: v[0] for k, v in appeal.items()} == {
        lyon: D(2026, 4, 7),
        taaf: D(2026, 5, 7),
        belgian: D(2026, 6, 8),
        monaco: D(2026, 6, 8),
    }
    assert appeal[belgian][1].endswith(" — Dupont")
    # The first debtor's address no longer decides for everyone: a preview uses the farthest.
    assert S.dossier_distance(dossier.id) == "abroad"


def test_debtors_with_the_same_date_share_one_deadline_and_fr_is_metropolitan(actor):
    dossier = _dossier(actor)
    _co_debtor(dossier.id, "Martin", "FR", "75011", 1)
    created = S.record_step(
        actor, dossier.id, "signification_jugement", "signification", D(2026, 3, 7), today=TODAY
    ).created
    appeal = [d for d in created if d.rule_id == "jug_appel_1_mois"]
    assert [(d.debtor_id, d.due_date) for d in appeal] == [(None, D(2026, 4, 7))]


def test_a_step_served_on_one_debtor_closes_only_his_deadlines(actor):
    dossier = _dossier(actor)
    belgian = _co_debtor(dossier.id, "Dupont", "Belgique", "1000", 1)
    lyon = _first_debtor(dossier.id)
    S.record_step(actor, dossier.id, "signification_jugement", "signification", D(2026, 3, 7), today=TODAY)
    result = S.record_step(
        actor,
        dossier.id,
        "signification_jugement",
        "certificat_non_appel",
        D(2026, 4, 8),
        today=TODAY,
        debtor_ids=[lyon],
    )
    assert [d.debtor_id for d in result.closed] == [lyon]
    still_open = Deadline.select().where(Deadline.dossier == dossier.id, Deadline.done == False)  # noqa: E712
    assert [(d.rule_id, d.debtor_id) for d in still_open] == [("jug_appel_1_mois", belgian)]


def test_the_two_months_before_expulsion_are_suspended_until_the_prefet_is_seized(actor):
    dossier = _dossier(actor)
    result = S.record_step(actor, dossier.id, "expulsion", "commandement_quitter_lieux", D(2026, 1, 20), today=TODAY)
    wait = next(d for d in result.created if d.rule_id == "exp_cql_2_mois")
    assert "L412-5" in wait.suspended_reason
    assert any("Préfet non saisi" in w for w in result.warnings)
    row = next(r for r in S.agenda(D(2026, 1, 21), S.ALL_HORIZON) if r.rule_id == "exp_cql_2_mois")
    assert "suspendu" in row.suspended_reason
    # Préfet seized Mon 02/02/2026: 2 months → Thu 02/04/2026, expulsion from Fri 03/04/2026
    # (from the commandement of 20/01 it would have been 20/03, in the trêve → Wed 01/04/2026).
    resumed = S.record_step(actor, dossier.id, "expulsion", "saisine_prefet_cql", D(2026, 2, 2), today=TODAY)
    assert [d.id for d in resumed.resumed] == [wait.id]
    wait = Deadline.get_by_id(wait.id)
    assert (wait.due_date, wait.suspended_reason) == (D(2026, 4, 3), "")
    assert "Délai suspendu jusqu'au 02/02/2026" in wait.note
    assert AuditEntry.select().where(AuditEntry.action == "deadline.resume").count() == 1


def test_an_expulsion_recorded_while_the_wait_is_suspended_warns(actor):
    dossier = _dossier(actor)
    S.record_step(actor, dossier.id, "expulsion", "commandement_quitter_lieux", D(2026, 1, 20), today=TODAY)
    result = S.record_step(actor, dossier.id, "expulsion", "pv_expulsion", D(2026, 4, 2), today=TODAY)
    assert any("suspendu" in w and "Expulsion irrégulière" in w for w in result.warnings)


def test_an_assignation_by_a_company_landlord_without_ccapex_warns(actor):
    dossier = _dossier(actor)  # creditor « SCI Les Tilleuls », personne morale
    result = S.record_step(
        actor, dossier.id, "expulsion", "assignation", D(2026, 1, 6), {"hearing_on": D(2026, 3, 17)}, today=TODAY
    )
    assert any("CCAPEX" in w and "irrecevable" in w for w in result.warnings)


def test_no_ccapex_warning_once_seized_or_for_a_natural_person(actor):
    dossier = _dossier(actor)
    S.record_step(actor, dossier.id, "expulsion", "saisine_ccapex", D(2025, 11, 5), today=TODAY)
    result = S.record_step(
        actor, dossier.id, "expulsion", "assignation", D(2026, 1, 6), {"hearing_on": D(2026, 3, 17)}, today=TODAY
    )
    assert not any("CCAPEX" in w for w in result.warnings)
    other = _dossier(actor)
    Creditor.update(kind="physique").where(Creditor.id == other.creditor_id).execute()
    result = S.record_step(
        actor, other.id, "expulsion", "assignation", D(2026, 1, 6), {"hearing_on": D(2026, 3, 17)}, today=TODAY
    )
    assert not any("CCAPEX" in w for w in result.warnings)


def test_a_ccapex_saisine_for_a_company_landlord_waits_two_months(actor):
    dossier = _dossier(actor)
    created = S.record_step(actor, dossier.id, "expulsion", "saisine_ccapex", D(2025, 11, 5), today=TODAY).created
    # Wed 05/11/2025 + 2 months = Mon 05/01/2026: assignation from Tue 06/01/2026.
    assert [(d.rule_id, d.due_date) for d in created] == [("exp_ccapex_2_mois", D(2026, 1, 6))]
    early = S.record_step(
        actor, dossier.id, "expulsion", "assignation", D(2026, 1, 5), {"hearing_on": D(2026, 3, 17)}, today=TODAY
    )
    assert any("antérieur au premier jour possible" in w and "irrecevable" in w for w in early.warnings)


def test_m0010_marks_open_expulsion_waits_without_prefet_saisine_as_suspended(tmp_path):
    from clerc_tui.models.migrations import upgrade
    from tests.models.old_schema import old_database

    path = tmp_path / "old.db"
    old_database(path, 7, reference="2026-0001", opened_on="2026-01-02", debtor_name="X", balance_cents=0)
    import sqlite3

    conn = sqlite3.connect(path)
    insert = (
        "INSERT INTO deadline (dossier_id, procedure_id, step_id, rule_id, kind, due_date, label, basis, "
        "sanction, note, done, done_reason, created_at) VALUES (1, 'expulsion', 's', ?, 'earliest_day', "
        "'2026-04-01', 'l', '', '', '', ?, '', '2026-01-20')"
    )
    conn.execute(insert, ("exp_saisine_prefet_cql", 0))
    conn.execute(insert, ("exp_cql_2_mois", 0))
    conn.commit()
    conn.close()
    from clerc_tui.models.db import make_database

    db = make_database(str(path))
    db.connect()
    upgrade(db)
    rows = db.execute_sql("SELECT rule_id, suspended_reason, debtor_id FROM deadline ORDER BY id").fetchall()
    db.close()
    assert rows[0] == ("exp_saisine_prefet_cql", "", None)
    assert rows[1][0] == "exp_cql_2_mois" and "L412-5" in rows[1][1]
