"""The 2025 wage seizure to its end and the acts issue 14 added (items 4-5): each new act drafted for
a natural person and for a company, checked, served → its step and deadlines; a missing datum
blocks with where to fill it; an act dated outside its délai says the sanction; the PV d'accord
suspends the procedure and its default resumes it; a payment from the employer is imputed like any
other; the six-week répartition exists only when the étude is répartiteur."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.models import Deadline, Debtor, Dossier, DossierDebtor, LedgerEntry, TimelineEvent
from clerc_tui.rules import procedures as procedure_rules
from clerc_tui.rules.acts import InventoryItem, act_type, format_items, parse_items
from clerc_tui.services import acts, etude, payments
from clerc_tui.services.deadlines import record_step
from clerc_tui.services.statement import dossier_statement
from tests.conftest import TODAY
from tests.services.test_acts import FIELDS, _tick_all, with_net_pay

NEW_ACTS = (
    "pv_saisie_vente",
    "pv_saisie_remunerations",
    "denonciation_saisie_remunerations",
    "pv_accord_saisie_remunerations",
    "certificat_non_contestation",
    "acte_intervention",
)

MADE = {
    "pv_saisie_vente": {"sv_vente_amiable_1_mois"},
    "pv_saisie_remunerations": {"sr_registre_pv", "sr_denonciation_8_jours", "sr_declaration_employeur_15_jours"},
    "denonciation_saisie_remunerations": set(),
    "pv_accord_saisie_remunerations": {"sr_accord_suspension"},
    "certificat_non_contestation": set(),
    "acte_intervention": {"sr_intervention_denonciation_8_jours", "sr_intervention_registre"},
}
A444_22_1 = {
    "pv_saisie_remunerations",
    "denonciation_saisie_remunerations",
    "pv_accord_saisie_remunerations",
    "acte_intervention",
}


@pytest.fixture
def demo(demo_base):
    """Two dossiers of a demo base: a debtor who is a natural person and one who is a company."""
    from clerc_tui.models import User
    from clerc_tui.services.context import identify, os_login
    from clerc_tui.services.users import add_user

    demo_base(dossiers=30, seed=3, today=TODAY)
    if User.get_or_none(User.login == os_login()) is None:
        add_user(os_login(), "Claire Martin", "commissaire")

    def first(kind: str) -> int:
        return (
            Dossier.select(Dossier.id)
            .join(DossierDebtor)
            .join(Debtor)
            .where(Debtor.kind == kind, Dossier.title_kind == "jugement", DossierDebtor.position == 0)
            .order_by(Dossier.id)
            .first()
            .id
        )

    actor, dossiers = identify(), {"physique": first("physique"), "morale": first("morale")}
    for dossier_id in dossiers.values():  # the PV de saisie des rémunérations needs the net pay
        with_net_pay(actor, dossier_id)
    return actor, dossiers


def _open_rules(dossier_id: int, step_id: str | None = None) -> set[str]:
    query = Deadline.select().where(Deadline.dossier == dossier_id, Deadline.done == False)  # noqa: E712
    if step_id is not None:
        query = query.where(Deadline.step_id == step_id)
    return {d.rule_id for d in query}


@pytest.mark.parametrize("kind", ["physique", "morale"])
@pytest.mark.parametrize("type_id", NEW_ACTS)
def test_each_new_act_drafts_checks_and_serves_for_a_person_and_a_company(demo, kind, type_id):
    actor, dossiers = demo
    dossier_id = dossiers[kind]
    act = acts.draft_act(actor, dossier_id, type_id, today=TODAY, fields=FIELDS)
    _tick_all(actor, act)
    view = acts.act_view(act.id)
    assert [s.problems for s in view.draft.blocking] == []
    assert "[À COMPLÉTER" not in view.draft.body
    if kind == "morale":  # a company is named with its representative, never « Madame » or « né le »
        assert "représentant légal" in view.draft.body
    acts.verify(actor, act.id, today=TODAY)
    spec = act_type(type_id)
    served = acts.serve(actor, act.id, TODAY, spec.service_modes[0], today=TODAY)
    assert served.state == "served"
    # Served → its step is recorded on the dossier (timeline), with the deadlines the step makes.
    step = procedure_rules.procedure(spec.procedure_id).step(spec.step_id)
    assert (
        TimelineEvent.select()
        .where(TimelineEvent.dossier == dossier_id, TimelineEvent.text.startswith(step.act))
        .exists()
    )
    made = {
        d.rule_id
        for d in Deadline.select().where(
            Deadline.dossier == dossier_id, Deadline.procedure_id == spec.procedure_id, Deadline.step_id == spec.step_id
        )
    }
    assert MADE[type_id] <= made <= {d.id for d in step.deadlines}
    if type_id in A444_22_1:
        # A444-22-1: no base amount found, none invented: served, not billed, and said so.
        assert served.warnings and "non facturé" in served.warnings[0]


def test_served_steps_make_the_deadlines_of_the_wage_seizure(demo):
    actor, dossiers = demo
    dossier_id = dossiers["physique"]
    act = acts.draft_act(actor, dossier_id, "pv_saisie_remunerations", today=TODAY, fields=FIELDS)
    _tick_all(actor, act)
    acts.verify(actor, act.id, today=TODAY)
    acts.serve(actor, act.id, TODAY, "personne", today=TODAY)
    # Thu 26/11/2026: registre the next jour ouvrable (Fri 27/11), dénonciation in 8 days (Fri
    # 04/12), the employer's declaration in 15 days (Fri 11/12).
    due = {
        d.rule_id: d.due_date
        for d in Deadline.select().where(Deadline.dossier == dossier_id, Deadline.step_id == "pv_saisie")
    }
    assert due["sr_registre_pv"].isoformat() == "2026-11-27"
    assert due["sr_denonciation_8_jours"].isoformat() == "2026-12-04"
    assert due["sr_declaration_employeur_15_jours"].isoformat() == "2026-12-11"
    body = acts.act_view(act.id).draft.body
    assert "11 décembre 2026" in body  # the employer's 15 days, printed with their date


def test_a_missing_inventory_blocks_the_pv_de_saisie_vente_and_says_where(demo):
    actor, dossiers = demo
    fields = {k: v for k, v in FIELDS.items() if k != "inventory"}
    act = acts.draft_act(actor, dossiers["morale"], "pv_saisie_vente", today=TODAY, fields=fields)
    _tick_all(actor, act)
    view = acts.act_view(act.id)
    problems = [p for s in view.draft.blocking for p in s.problems]
    assert problems == [
        "Inventaire des biens saisis (désignation détaillée, valeur estimée) manquante — mention CPCE R221-16 2° "
        "— à compléter : compléments de l'acte (e), un bien par ligne : « désignation ; valeur »"
    ]
    with pytest.raises(InvalidInput, match="Vérification refusée"):
        acts.verify(actor, act.id, today=TODAY)
    # Typed in the complements, one good per line, the value optional; printed numbered in the act.
    acts.update_act(
        actor,
        act.id,
        {"inventory": "Réfrigérateur Bosch, blanc ; 1 200,50\n\n  Table de ferme en chêne massif  "},
        today=TODAY,
    )
    view = acts.act_view(act.id)
    assert not view.draft.blocking
    assert "1. Réfrigérateur Bosch, blanc — valeur estimée : 1\u00a0200,50\u00a0€" in view.draft.body
    assert "2. Table de ferme en chêne massif — sans estimation" in view.draft.body
    with pytest.raises(InvalidInput, match="ligne 1 : valeur estimée illisible"):
        acts.update_act(actor, act.id, {"inventory": "Vélo ; rouge"}, today=TODAY)


def test_inventory_parse_and_print_round_trip():
    items = parse_items("Téléviseur ; 150\nLampe")
    assert items == (InventoryItem("Téléviseur", Decimal("150")), InventoryItem("Lampe"))
    assert format_items(items).splitlines()[1] == "2. Lampe — sans estimation"


def test_acts_out_of_their_delai_say_the_sanction(demo):
    actor, dossiers = demo
    dossier_id = dossiers["physique"]
    # Commandement of 20/08/2026: three months end Fri 20/11/2026; a PV de saisie on 26/11 is late.
    late = acts.draft_act(
        actor, dossier_id, "pv_saisie_remunerations", today=TODAY, fields={**FIELDS, "commandement_date": "2026-08-20"}
    )
    problems = [p for s in acts.act_view(late.id).draft.states if s.mention.id == "trois_mois" for p in s.problems]
    assert problems and problems[0].endswith("Caducité du commandement.")
    assert "20/11/2026" in problems[0]
    # Intervention: not before a month after its own commandement (L212-2).
    early = acts.draft_act(
        actor, dossier_id, "acte_intervention", today=TODAY, fields={**FIELDS, "commandement_date": "2026-11-10"}
    )
    problems = [p for s in acts.act_view(early.id).draft.states if s.mention.id == "un_mois" for p in s.problems]
    assert problems and "avant le premier jour possible" in problems[0]
    # Certificate of non-contestation: the month after the dénonciation of 02/11 runs to 02/12.
    cert = acts.draft_act(
        actor,
        dossier_id,
        "certificat_non_contestation",
        today=TODAY,
        fields={**FIELDS, "denonciation_date": "2026-11-02"},
    )
    problems = [p for s in acts.act_view(cert.id).draft.states if s.mention.id == "delai_expire" for p in s.problems]
    assert problems and "02/12/2026 inclus" in problems[0]


def test_an_act_without_its_earlier_act_says_where_to_find_the_date(demo):
    actor, dossiers = demo
    fields = {k: v for k, v in FIELDS.items() if k != "pv_saisie_date"}
    act = acts.draft_act(actor, dossiers["physique"], "denonciation_saisie_remunerations", today=TODAY, fields=fields)
    problems = [p for s in acts.act_view(act.id).draft.blocking for p in s.problems]
    assert any(
        p.startswith("Date du procès-verbal de saisie des rémunérations manquante")
        and "signifier d'abord le procès-verbal de saisie" in p
        for p in problems
    )


def test_the_pv_d_accord_suspends_the_procedure_and_its_default_resumes_it(demo):
    actor, dossiers = demo
    dossier_id = dossiers["physique"]
    start = TODAY - timedelta(days=120)  # Sun 29/07/2026 → Wed 29/07/2026 (weekday irrelevant here)
    record_step(actor, dossier_id, "saisie_remunerations", "commandement", start, today=TODAY)
    accord = record_step(
        actor, dossier_id, "saisie_remunerations", "pv_accord", start + timedelta(days=40), today=TODAY
    )
    assert "sr_pv_saisie_3_mois" in {d.rule_id for d in accord.closed}  # L212-6 al. 2
    [suspended] = Deadline.select().where(Deadline.dossier == dossier_id, Deadline.rule_id == "sr_accord_suspension")
    assert suspended.suspended_reason.startswith("Procédure suspendue par le procès-verbal d'accord (CPCE L212-3)")
    assert any("suspendue" in w for w in accord.warnings)
    # The default of the debtor, recorded on 16/11/2026: the procedure resumes from that day.
    resumed = record_step(
        actor, dossier_id, "saisie_remunerations", "reprise_apres_accord", TODAY - timedelta(days=10), today=TODAY
    )
    assert [d.rule_id for d in resumed.resumed] == ["sr_accord_suspension"]
    suspended = Deadline.get_by_id(suspended.id)
    assert suspended.suspended_reason == "" and suspended.due_date == TODAY - timedelta(days=9)
    pv = record_step(actor, dossier_id, "saisie_remunerations", "pv_saisie", TODAY, today=TODAY)
    assert "sr_accord_suspension" in {d.rule_id for d in pv.closed}
    assert not [w for w in pv.warnings if "suspendu" in w]


def test_a_pv_de_saisie_during_the_agreement_is_warned(demo):
    actor, dossiers = demo
    dossier_id = dossiers["physique"]
    start = TODAY - timedelta(days=60)
    record_step(actor, dossier_id, "saisie_remunerations", "commandement", start, today=TODAY)
    record_step(actor, dossier_id, "saisie_remunerations", "pv_accord", start + timedelta(days=20), today=TODAY)
    pv = record_step(actor, dossier_id, "saisie_remunerations", "pv_saisie", TODAY, today=TODAY)
    assert any("est suspendu" in w and "saisie irrégulière" in w for w in pv.warnings)


def test_a_payment_from_the_employer_is_imputed_like_any_payment(demo):
    actor, dossiers = demo
    dossier_id = dossiers["physique"]
    before = dossier_statement(dossier_id, TODAY).total_due
    entry = payments.record_payment(
        actor,
        dossier_id,
        on=TODAY,
        amount=Decimal("182.29"),
        mode="virement",
        payer="SARL Transports Rhodaniens (employeur, saisie des rémunérations)",
        label="Retenue sur salaire de novembre 2026",
        today=TODAY,
    )
    after = dossier_statement(dossier_id, TODAY).total_due
    assert before - after == Decimal("182.29")
    assert LedgerEntry.get_by_id(entry.id).payer.startswith("SARL Transports Rhodaniens")


def test_the_repartition_deadlines_exist_only_when_the_etude_is_repartiteur(demo):
    actor, dossiers = demo
    dossier_id = dossiers["physique"]
    assert etude.wage_repartiteur() is False
    first = record_step(actor, dossier_id, "saisie_remunerations", "premiers_fonds_repartiteur", TODAY, today=TODAY)
    assert first.created == []
    etude.set_wage_repartiteur(actor, True)
    assert "est commissaire répartiteur" in etude.repartiteur_text()
    first = record_step(actor, dossier_id, "saisie_remunerations", "premiers_fonds_repartiteur", TODAY, today=TODAY)
    # Thu 26/11/2026 + 42 days = Thu 07/01/2027, no carry-over.
    assert [(d.rule_id, d.due_date.isoformat()) for d in first.created] == [
        ("sr_premiere_repartition_6_semaines", "2027-01-07")
    ]


def test_clerc_etude_set_repartiteur(demo, capsys):
    from clerc_tui.cli import main
    from clerc_tui.models.db import database
    from tests import postgres

    name = database.obj.database  # the file on SQLite, the database's name on PostgreSQL
    base = ["--db", postgres.url(name) if postgres.enabled() else str(name), "--today", "26/11/2026"]
    assert main([*base, "etude", "set", "--repartiteur", "oui"]) == 0
    assert "l'étude est commissaire répartiteur" in capsys.readouterr().out
    assert main([*base, "etude", "set", "--repartiteur", "peut-être"]) == 2
    assert main([*base, "etude", "set"]) == 2
    assert "Aucun réglage donné" in capsys.readouterr().err


# --- the PV de saisie des rémunérations states the seizable fraction (L212-7 CPCE) -------------

NBSP = "\u00a0"


def _mention(view, mention_id: str):
    return next(s for s in view.draft.states if s.mention.id == mention_id)


def test_the_pv_de_saisie_states_the_seizable_fraction_from_the_solvency_file(demo):
    # docs/law/seizable-salary.md's example: net 2 000 €, one dependant, January 2026 → 382,29 € a month.
    actor, dossiers = demo
    dossier_id = dossiers["physique"]
    on = date(2026, 1, 15)
    with_net_pay(actor, dossier_id, "2000.00", known_on=on, dependants=1)
    act = acts.draft_act(actor, dossier_id, "pv_saisie_remunerations", today=TODAY, act_date=on, fields=FIELDS)
    view = acts.act_view(act.id)
    body = view.draft.body
    assert _mention(view, "versement").ok
    assert view.draft.values["seizable_fraction"] == Decimal("382.29")
    assert f"fraction saisissable de 382,29{NBSP}€ par mois" in body
    assert f"salaire net 2{NBSP}000,00{NBSP}€, 1 personne à charge" in body
    # How it is computed: the bracket lines (French figures), the RSA floor and its source.
    assert f"Tranche de 1{NBSP}934,1667 à 2{NBSP}295,8333{NBSP}€ : 2/3 de 65,8333{NBSP}€ = 43,8889{NBSP}€" in body
    assert f"Tranche de 0,0000 à 518,3333{NBSP}€ : 1/20 de 518,3333{NBSP}€ = 25,9167{NBSP}€" in body
    assert f"RSA personne seule, R3252-5) : 646,52{NBSP}€" in body and "Décret n° 2025-293" in body
    assert f"Laissé au salarié : 1{NBSP}617,71{NBSP}€" in body
    assert "versée chaque mois au commissaire de justice répartiteur" in body
    assert "solde bancaire insaisissable" not in body  # the bank SBI is not the wage seizure's business
    # A served act cites the décrets, never the website they were read on (data/seizable.toml).
    assert "Décret n° 2025-1299 du 24 décembre 2025" in body and "lu sur" not in body
    assert not [p for p in view.draft.problems if "Attention" in p]  # facts of the act's date: fresh


def test_without_net_pay_the_seizable_fraction_blocks_and_says_where_to_fill_it(demo):
    actor, dossiers = demo
    dossier_id = dossiers["physique"]
    with_net_pay(actor, dossier_id, None)
    act = acts.draft_act(actor, dossier_id, "pv_saisie_remunerations", today=TODAY, fields=FIELDS)
    _tick_all(actor, act)
    view = acts.act_view(act.id)
    versement = _mention(view, "versement")
    assert not versement.ok and versement.state == "missing"
    assert "onglet 6 Solvabilité : employeur et salaire net" in versement.problems[0]
    assert "[À COMPLÉTER : Fraction saisissable mensuelle" in view.draft.body
    with pytest.raises(InvalidInput, match="Vérification refusée"):
        acts.verify(actor, act.id, today=TODAY)


def test_a_stale_net_pay_warns_without_blocking(demo):
    actor, dossiers = demo
    dossier_id = dossiers["physique"]
    with_net_pay(actor, dossier_id, "2000.00", known_on=TODAY - timedelta(days=250), dependants=0)
    act = acts.draft_act(actor, dossier_id, "pv_saisie_remunerations", today=TODAY, fields=FIELDS)
    view = acts.act_view(act.id)
    assert _mention(view, "versement").ok
    warning = next(p for p in view.draft.problems if p.startswith("Attention"))
    assert "de plus de 6 mois" in warning and "onglet 6 Solvabilité" in warning
    assert "SARL Transports Rhodaniens : employeur, du " in warning


def test_the_served_pv_keeps_the_fraction_it_printed(demo):
    actor, dossiers = demo
    dossier_id = dossiers["physique"]
    with_net_pay(actor, dossier_id, "2000.00", dependants=1)
    act = acts.draft_act(actor, dossier_id, "pv_saisie_remunerations", today=TODAY, fields=FIELDS)
    _tick_all(actor, act)
    acts.verify(actor, act.id, today=TODAY)
    acts.serve(actor, act.id, TODAY, "personne", today=TODAY)
    printed = acts.act_view(act.id).draft.body
    with_net_pay(actor, dossier_id, "3100.00", dependants=2)  # the debtor's file changes afterwards
    view = acts.act_view(act.id)
    assert view.draft.body == printed and f"382,29{NBSP}€" in printed
    assert view.draft.values["seizable_fraction"] == Decimal("382.29")
    assert _mention(view, "versement").ok
    # A new draft reads the new file.
    again = acts.draft_act(actor, dossier_id, "pv_saisie_remunerations", today=TODAY, fields=FIELDS)
    assert acts.act_view(again.id).draft.values["seizable_fraction"] != Decimal("382.29")
