"""Acts: every act type renders from a demo dossier with every mention present; a missing datum
fails the check with the right message; verify/serve are audited and create the step's deadlines."""

from decimal import Decimal

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.models import AuditEntry, Deadline, DebtorAddress, Dossier, DossierDebtor, LedgerEntry
from clerc_tui.report.acts import export_act
from clerc_tui.rules.acts import act_types
from clerc_tui.services import acts
from clerc_tui.services.context import os_login
from tests.conftest import TODAY

FIELDS = {
    "tiers_saisi": "Banque Populaire, 4 rue Garibaldi, 69006 Lyon",
    "lease_date": "2024-01-01",
    "rent": "650.00",
    "rental_charges": "80.00",
    "fsl_address": "FSL du Rhône, 69003 Lyon",
    "findings": "Mobilier usagé sans valeur marchande.",
    "seizure_date": "2026-11-24",
    "inventory": [
        {"designation": "Téléviseur Samsung 55 pouces, noir, en état de marche", "value": "150.00"},
        {"designation": "Buffet bas en chêne, deux portes", "value": ""},
    ],
    "employer": "SARL Transports Rhodaniens, 12 quai Perrache, 69002 Lyon",
    "repartiteur": "Maître Paul Lenoir, commissaire de justice, 3 place Bellecour, 69002 Lyon",
    "commandement_date": "2026-09-25",
    "pv_saisie_date": "2026-11-20",
    "denonciation_date": "2026-10-20",
    "accord_terms": "Dix mensualités de 150,00 € le 5 de chaque mois, la première le 5 décembre 2026.",
}


def fields_for(actor, dossier_id: int, type_id: str) -> dict:
    """FIELDS; for the payment plan letter, the plan it confirms, made on the dossier (services/plans.py)."""
    if type_id != "lettre_echeancier":
        return FIELDS
    from clerc_tui.services import plans

    view = plans.current_plan(dossier_id, TODAY)
    if view is None:
        total = plans.propose(dossier_id, TODAY, count=3).proposal.total
        view = plans.create_plan(actor, dossier_id, "amiable", today=TODAY, expected_total=total, count=3)
    return {**FIELDS, "plan_id": str(view.plan.id)}


@pytest.fixture
def demo(demo_base):
    from clerc_tui.models.db import close_database
    from clerc_tui.services.context import identify
    from clerc_tui.services.users import add_user

    demo_base(dossiers=30, seed=3, today=TODAY)
    from clerc_tui.models import User

    if User.get_or_none(User.login == os_login()) is None:
        add_user(os_login(), "Claire Martin", "clerc")
    dossier = Dossier.select().where(Dossier.title_kind == "jugement").order_by(Dossier.id).first()
    actor = identify()
    with_net_pay(actor, dossier.id)
    yield actor, dossier.id
    close_database()


def with_net_pay(actor, dossier_id: int, net: str | None = "2000.00", *, known_on=TODAY, dependants: int | None = None):
    """The dossier's first debtor's solvency file gets an employer's answer with `net` a month
    (the PV de saisie des rémunérations computes its seizable fraction from it; None: no employer
    known any more); `dependants`:
    the persons in charge replaced by that many (None: kept as they are)."""
    from clerc_tui.services import solvency

    debtor_id = DossierDebtor.get(DossierDebtor.dossier == dossier_id, DossierDebtor.position == 0).debtor_id
    for fact in solvency.debtor_solvency(debtor_id).facts:  # the demo's employers end: this one is the answer
        if fact.kind == "employment":
            solvency.end_fact(actor, fact, known_on, today=TODAY)
    if net is None:
        return debtor_id
    solvency.record_fact(
        actor,
        debtor_id,
        "employment",
        label="SARL Transports Rhodaniens",
        detail="12 quai Perrache, 69002 Lyon",
        amount=Decimal(net),
        known_on=known_on,
        source="employeur",
        today=TODAY,
    )
    if dependants is not None:
        for fact in solvency.debtor_solvency(debtor_id).facts:
            if fact.kind == "dependant":
                solvency.end_fact(actor, fact, known_on, today=TODAY)
        for n in range(dependants):
            solvency.record_fact(
                actor,
                debtor_id,
                "dependant",
                label=f"Enfant {n + 1}",
                known_on=known_on,
                source="debiteur",
                today=TODAY,
            )
    return debtor_id


def _tick_all(actor, act):
    view = acts.act_view(act.id)
    for state in view.draft.states:
        if state.mention.manual:
            acts.tick(actor, act.id, state.mention.id)


@pytest.mark.parametrize("type_id", [a.id for a in act_types()])
def test_each_act_type_renders_with_every_mention(demo, type_id):
    actor, dossier_id = demo
    act = acts.draft_act(actor, dossier_id, type_id, today=TODAY, fields=fields_for(actor, dossier_id, type_id))
    _tick_all(actor, act)
    view = acts.act_view(act.id)
    assert [s.problems for s in view.draft.blocking] == []
    assert "[À COMPLÉTER" not in view.draft.body
    assert "26 novembre 2026" in view.draft.body


def test_missing_debtor_address_blocks_the_mention_and_says_where(demo):
    actor, dossier_id = demo
    link = DossierDebtor.select().where(DossierDebtor.dossier == dossier_id).order_by(DossierDebtor.position).first()
    DebtorAddress.update(is_current=False).where(DebtorAddress.debtor == link.debtor_id).execute()
    act = acts.draft_act(actor, dossier_id, "commandement_saisie_vente", today=TODAY)
    _tick_all(actor, act)
    view = acts.act_view(act.id)
    problems = [p for s in view.draft.blocking for p in s.problems]
    assert (
        "Adresse du débiteur manquante — mention CPC 648 4° ; CPCE R221-1 — à compléter : fiche dossier (e), débiteur"
    ) in problems
    assert "[À COMPLÉTER : Adresse du débiteur]" in view.draft.body
    with pytest.raises(InvalidInput, match=r"Vérification refusée.*Adresse du débiteur manquante"):
        acts.verify(actor, act.id, today=TODAY)


def test_late_denonciation_fails_the_8_day_check(demo):
    actor, dossier_id = demo
    act = acts.draft_act(
        actor,
        dossier_id,
        "denonciation_saisie_attribution",
        today=TODAY,
        fields={**FIELDS, "seizure_date": "2026-11-02"},
    )
    view = acts.act_view(act.id)
    problems = [p for s in view.draft.states if s.mention.id == "delai_8_jours" for p in s.problems]
    assert problems and "caduque" in problems[0]


def test_verify_then_serve_is_audited_and_creates_the_deadlines(demo):
    actor, dossier_id = demo
    act = acts.draft_act(actor, dossier_id, "commandement_saisie_vente", today=TODAY)
    with pytest.raises(InvalidInput, match="Vérification refusée"):
        acts.verify(actor, act.id, today=TODAY)  # manual mentions not ticked
    _tick_all(actor, act)
    with pytest.raises(InvalidInput, match="Seul un acte vérifié"):
        acts.serve(actor, act.id, TODAY, "personne", today=TODAY)
    acts.verify(actor, act.id, today=TODAY)
    with pytest.raises(InvalidInput, match="délais sont calculés"):
        acts.serve(actor, act.id, TODAY.replace(day=25), "personne", today=TODAY)
    served = acts.serve(actor, act.id, TODAY, "domicile", today=TODAY)
    assert (served.state, served.service_mode, served.served_by) == ("served", "domicile", actor.login)
    actions = [
        e.action
        for e in AuditEntry.select().where(
            AuditEntry.table_name.in_(["act", "act_mention"]),
            AuditEntry.row_id.in_([str(act.id)]) | (AuditEntry.table_name == "act_mention"),
        )
    ]
    assert {"act.draft", "act.tick", "act.verify", "act.serve"} <= set(actions)
    rules = {
        d.rule_id for d in Deadline.select().where(Deadline.dossier == dossier_id, Deadline.step_id == "commandement")
    }
    assert {"sv_attente_8_jours", "sv_commandement_validite_2_ans"} <= rules
    billed = LedgerEntry.select().where(LedgerEntry.dossier == dossier_id, LedgerEntry.breakdown.contains('"act_id"'))
    assert billed.count() == 1 or served.warnings


def test_editing_a_verified_act_sends_it_back_to_draft(demo):
    actor, dossier_id = demo
    act = acts.draft_act(actor, dossier_id, "commandement_saisie_vente", today=TODAY)
    _tick_all(actor, act)
    acts.verify(actor, act.id, today=TODAY)
    updated = acts.update_act(actor, act.id, {"act_date": "27/11/2026"}, today=TODAY)
    assert updated.state == "draft" and updated.verified_by is None


def test_export_writes_text_and_html(demo, tmp_path):
    actor, dossier_id = demo
    act = acts.draft_act(actor, dossier_id, "denonciation_saisie_attribution", today=TODAY, fields=FIELDS)
    export = export_act(acts.act_export(act.id), tmp_path / "exports")
    text, html = (p.read_text(encoding="utf-8") for p in export.files)
    assert "LES CONTESTATIONS DOIVENT ÊTRE SOULEVÉES" in text
    assert "<strong>Les contestations" in html
