"""Procedures as data: the catalogue is consistent, and each procedure runs from first act to closing."""

from datetime import date

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.rules import procedures as P
from clerc_tui.rules.calendar import KINDS
from clerc_tui.rules.procedures import ProcedureDataError, deadlines_for_step, load_catalogue

D = date
GLOSSARY_IDS = {
    "saisie_attribution",
    "saisie_vente",
    "saisie_remunerations",
    "injonction_de_payer",
    "expulsion",
    "petites_creances",
    "signification_jugement",
}


def test_the_procedures_of_the_glossary_are_all_there():
    assert {p.id for p in P.procedures()} == GLOSSARY_IDS


def test_every_deadline_says_what_why_and_what_if_not():
    for rule in P.rules():
        assert rule.kind in KINDS
        assert rule.label and rule.what and rule.basis and rule.sanction, rule.id


def test_named_rule_ids_are_stable():
    ids = {r.id for r in P.rules()}
    assert {
        "ip_signification_6_mois",
        "ip_opposition_1_mois",
        "sa_denonciation_8_jours",
        "sa_contestation_1_mois",
        "sa_comptes_15_jours_ouvrables",
        "sv_attente_8_jours",
        "sv_commandement_validite_2_ans",
        "sr_registre_commandement",
        "sr_pv_saisie_3_mois",
        "exp_cql_2_mois",
        "exp_cpcr_6_semaines",
        "exp_prefet_assignation_6_semaines",
        "pc_reponse_1_mois",
        "prescription_5_ans",
    } <= ids
    assert len(ids) == len(P.rules())


def test_unknown_ids_are_refused_in_french():
    with pytest.raises(InvalidInput, match="Procédure inconnue"):
        P.procedure("saisie_immobiliere")
    with pytest.raises(InvalidInput, match="Étape inconnue"):
        P.procedure("saisie_vente").step("pv_expulsion")
    with pytest.raises(InvalidInput, match="Règle de délai inconnue"):
        P.rule("sa_denonciation_9_jours")
    with pytest.raises(InvalidInput, match="Élément du dossier inconnu"):
        deadlines_for_step("expulsion", "commandement_payer_clause_resolutoire", D(2025, 11, 3), facts={"bail": 1})


# --- safer choices on unverified points (docs/deadline-choices.md) ------------------------------------


@pytest.mark.parametrize(
    "rule_id",
    [
        "sv_attente_8_jours",
        "sv_commandement_validite_2_ans",
        "exp_cql_2_mois",
        "sr_pv_saisie_apres_1_mois",
        "sr_registre_commandement",
        "sr_registre_pv",
        "sa_contestation_1_mois",
        "sr_contestation_suspensive_1_mois",
        "exp_cpcr_6_semaines",
        "exp_prefet_assignation_6_semaines",
        "exp_saisine_prefet_cql",
    ],
)
def test_unverified_points_are_flagged_on_the_deadline(rule_id):
    computed = P.compute_rule(rule_id, D(2025, 7, 1))
    assert computed.unverified


def test_unverified_distance_extends_a_wait_but_never_a_last_day():
    # R211-11 contestation: later date kept for the payment (earliest day).
    paid = P.compute_rule("sa_paiement_apres_contestation", D(2025, 4, 17), distance="abroad")
    assert paid.due == D(2025, 7, 18)
    deadline = P.DeadlineRule(
        id="x",
        kind="last_day",
        label="x",
        what="x",
        basis="x",
        sanction="x",
        period=P.Period(months=1),
        distance="unverified",
    )
    mine = P.compute_deadline(deadline, D(2025, 4, 17), distance="abroad")
    assert mine.due == D(2025, 5, 19)
    assert any("non appliquée" in line for line in mine.explanation)


def test_closed_list_distance_is_not_applied_to_the_denonciation():
    assert P.compute_rule("sa_denonciation_8_jours", D(2025, 4, 12), distance="abroad").due == D(2025, 4, 22)


def test_alsace_moselle_unknown_commune_takes_the_safer_good_friday_reading():
    # Last day: earlier date (Good Friday not counted as férié).
    last = P.compute_rule("sa_denonciation_8_jours", D(2025, 4, 10), zone="alsace-moselle")
    assert last.due == D(2025, 4, 18)
    assert any("Vendredi saint" in line and "mardi 22/04/2025" in line for line in last.explanation)
    # Commune with a temple: Good Friday férié.
    temple = P.compute_rule("sa_denonciation_8_jours", D(2025, 4, 10), zone="alsace-moselle", good_friday=True)
    assert temple.due == D(2025, 4, 22)
    # Waiting period ending on Good Friday: later date.
    wait = P.compute_rule("sv_attente_8_jours", D(2025, 4, 10), zone="alsace-moselle")
    assert wait.due == D(2025, 4, 23)
    assert P.compute_rule("sv_attente_8_jours", D(2025, 4, 10), zone="alsace-moselle", good_friday=False).due == D(
        2025, 4, 19
    )


def test_lease_date_decides_six_weeks_or_two_months_and_unknown_takes_two_months():
    def created(facts):
        return {
            c.deadline_id: c.due
            for c in deadlines_for_step(
                "expulsion", "commandement_payer_clause_resolutoire", D(2025, 11, 3), facts=facts
            )
        }

    assert created({"lease_from_2023_07_29": True}) == {"exp_cpcr_6_semaines": D(2025, 12, 15)}
    assert created({"lease_from_2023_07_29": False}) == {"exp_cpcr_2_mois": D(2026, 1, 5)}
    assert created({}) == {"exp_cpcr_2_mois": D(2026, 1, 5)}


def test_a_backward_deadline_needs_the_hearing_date():
    with pytest.raises(InvalidInput, match="date de l'audience"):
        deadlines_for_step("expulsion", "assignation", D(2026, 1, 5))


def test_registre_formality_counts_saturday_so_friday_gives_saturday():
    assert P.compute_rule("sr_registre_pv", D(2025, 8, 8)).due == D(2025, 8, 9)  # Fri → Sat
    assert P.compute_rule("sr_registre_pv", D(2025, 8, 9)).due == D(2025, 8, 11)  # Sat → Mon
    assert P.compute_rule("sr_registre_pv", D(2025, 8, 14)).due == D(2025, 8, 16)  # 15 Aug


def test_computed_deadline_carries_everything_the_screen_shows():
    computed = deadlines_for_step("saisie_attribution", "acte_saisie", D(2025, 4, 12))[0]
    assert computed.deadline_id == "sa_denonciation_8_jours"
    assert (computed.procedure_id, computed.step_id, computed.kind) == ("saisie_attribution", "acte_saisie", "last_day")
    assert computed.due == D(2025, 4, 22) and computed.raw_end == D(2025, 4, 20)
    assert computed.basis == "CPCE R211-3" and computed.sanction.startswith("Caducité")
    assert computed.explanation[-1] == "Fondement : CPCE R211-3."
    assert computed.unverified is None
    assert len(computed.skipped) == 2


# --- every procedure from first act to closing ----------------------------------------------------

# Each row: step, date served, facts, deadlines created {id: due}, deadlines closed by the step.
FLOWS = {
    "injonction_de_payer": [
        ("ordonnance", D(2025, 8, 29), {}, {"ip_signification_6_mois": D(2026, 3, 2)}, set()),
        (
            "signification",
            D(2025, 10, 6),
            {},
            {"ip_opposition_1_mois": D(2025, 11, 6), "ip_execution_apres_opposition": D(2025, 11, 7)},
            {"ip_signification_6_mois"},
        ),
        ("verification_non_opposition", D(2025, 11, 7), {}, {}, {"ip_opposition_1_mois"}),
        ("premier_acte_execution", D(2025, 11, 10), {"served_in_person": True}, {}, {"ip_execution_apres_opposition"}),
    ],
    # CPC 1416 al. 2: served at domicile, not à personne. Signification Mon 06/10/2025: the
    # 1422 wait still runs from it (Thu 06/11 + 1 → Fri 07/11/2025), but no opposition month;
    # the first measure Mon 10/11/2025 opens it: + 1 month → Wed 10/12/2025.
    "injonction_de_payer/non_a_personne": [
        ("ordonnance", D(2025, 8, 29), {}, {"ip_signification_6_mois": D(2026, 3, 2)}, set()),
        (
            "signification",
            D(2025, 10, 6),
            {"served_in_person": False},
            {"ip_execution_apres_opposition": D(2025, 11, 7)},
            {"ip_signification_6_mois"},
        ),
        (
            "premier_acte_execution",
            D(2025, 11, 10),
            {"served_in_person": False},
            {"ip_opposition_apres_mesure_1_mois": D(2025, 12, 10)},
            {"ip_execution_apres_opposition"},
        ),
        ("verification_opposition_apres_mesure", D(2025, 12, 11), {}, {}, {"ip_opposition_apres_mesure_1_mois"}),
    ],
    "signification_jugement": [
        ("jugement", D(2025, 1, 15), {}, {"jug_notification_defaut_6_mois": D(2025, 7, 15)}, set()),
        ("signification", D(2025, 3, 7), {}, {"jug_appel_1_mois": D(2025, 4, 7)}, {"jug_notification_defaut_6_mois"}),
        ("certificat_non_appel", D(2025, 4, 8), {}, {}, {"jug_appel_1_mois"}),
    ],
    "signification_jugement/refere": [
        ("jugement", D(2025, 5, 20), {"judgment_by_default": False}, {}, set()),
        ("signification", D(2025, 6, 2), {"short_appeal_delay": True}, {"jug_appel_15_jours": D(2025, 6, 17)}, set()),
        ("certificat_non_appel", D(2025, 6, 18), {}, {}, {"jug_appel_15_jours"}),
    ],
    "saisie_attribution": [
        (
            "acte_saisie",
            D(2025, 4, 12),
            {},
            {"sa_denonciation_8_jours": D(2025, 4, 22), "sa_comptes_15_jours_ouvrables": D(2025, 5, 2)},
            set(),
        ),
        (
            "denonciation",
            D(2025, 4, 17),
            {},
            {"sa_contestation_1_mois": D(2025, 5, 19), "sa_paiement_apres_contestation": D(2025, 5, 20)},
            {"sa_denonciation_8_jours"},
        ),
        (
            "paiement",
            D(2025, 5, 20),
            {},
            {},
            {"sa_contestation_1_mois", "sa_paiement_apres_contestation", "sa_comptes_15_jours_ouvrables"},
        ),
    ],
    # R211-6: the month of contestation after the dénonciation of Thu 17/04/2025 ends Sat 17/05,
    # carried to Mon 19/05 (CPC 642); the certificate of Tue 20/05 closes it, payment follows.
    "saisie_attribution/certificat": [
        (
            "acte_saisie",
            D(2025, 4, 12),
            {"bank_account": False},
            {"sa_denonciation_8_jours": D(2025, 4, 22)},
            set(),
        ),
        (
            "denonciation",
            D(2025, 4, 17),
            {},
            {"sa_contestation_1_mois": D(2025, 5, 19), "sa_paiement_apres_contestation": D(2025, 5, 20)},
            {"sa_denonciation_8_jours"},
        ),
        (
            "certificat_non_contestation",
            D(2025, 5, 20),
            {},
            {},
            {"sa_contestation_1_mois", "sa_paiement_apres_contestation"},
        ),
        ("paiement", D(2025, 5, 21), {}, {}, set()),
    ],
    "saisie_vente": [
        (
            "commandement",
            D(2025, 5, 2),
            {},
            {"sv_attente_8_jours": D(2025, 5, 13), "sv_commandement_validite_2_ans": D(2027, 5, 2)},
            set(),
        ),
        (
            "pv_saisie",
            D(2025, 5, 13),
            {},
            {"sv_vente_amiable_1_mois": D(2025, 6, 13)},
            {"sv_attente_8_jours", "sv_commandement_validite_2_ans"},
        ),
        ("vente", D(2025, 6, 20), {}, {}, {"sv_vente_amiable_1_mois"}),
    ],
    "saisie_vente/tiers": [
        (
            "commandement",
            D(2025, 5, 2),
            {"small_claim_in_dwelling": True},
            {
                "sv_attente_8_jours": D(2025, 5, 13),
                "sv_commandement_validite_2_ans": D(2027, 5, 2),
                "sv_informations_8_jours": D(2025, 5, 12),
            },
            set(),
        ),
        (
            "pv_saisie",
            D(2025, 5, 13),
            {"seized_at_third_party": True},
            {"sv_copie_debiteur_8_jours": D(2025, 5, 21)},
            {"sv_attente_8_jours", "sv_commandement_validite_2_ans", "sv_informations_8_jours"},
        ),
        (
            "signification_debiteur",
            D(2025, 5, 20),
            {},
            {"sv_vente_amiable_tiers_1_mois": D(2025, 6, 20)},
            {"sv_copie_debiteur_8_jours"},
        ),
        ("vente", D(2025, 6, 23), {}, {}, {"sv_vente_amiable_tiers_1_mois"}),
    ],
    # R221-18 / R221-30: debtor absent at the PV of Tue 13/05/2025, so no month from the PV;
    # copy served Fri 16/05/2025: vente amiable until Mon 16/06/2025; saisie antérieure
    # 8 days → Sat 24/05 → Mon 26/05/2025 (CPC 642).
    "saisie_vente/absent": [
        (
            "commandement",
            D(2025, 5, 2),
            {},
            {"sv_attente_8_jours": D(2025, 5, 13), "sv_commandement_validite_2_ans": D(2027, 5, 2)},
            set(),
        ),
        (
            "pv_saisie",
            D(2025, 5, 13),
            {"debtor_absent_at_seizure": True},
            {},
            {"sv_attente_8_jours", "sv_commandement_validite_2_ans"},
        ),
        (
            "signification_debiteur",
            D(2025, 5, 16),
            {"debtor_absent_at_seizure": True},
            {"sv_vente_amiable_tiers_1_mois": D(2025, 6, 16), "sv_saisie_anterieure_8_jours": D(2025, 5, 26)},
            set(),
        ),
        ("vente", D(2025, 6, 17), {}, {}, {"sv_vente_amiable_tiers_1_mois", "sv_saisie_anterieure_8_jours"}),
    ],
    "saisie_vente/carence": [
        (
            "commandement",
            D(2025, 5, 2),
            {},
            {"sv_attente_8_jours": D(2025, 5, 13), "sv_commandement_validite_2_ans": D(2027, 5, 2)},
            set(),
        ),
        ("pv_carence", D(2025, 5, 13), {}, {}, {"sv_attente_8_jours", "sv_commandement_validite_2_ans"}),
    ],
    "saisie_remunerations": [
        (
            "commandement",
            D(2025, 7, 1),
            {},
            {
                "sr_registre_commandement": D(2025, 7, 2),
                "sr_contestation_suspensive_1_mois": D(2025, 8, 1),
                "sr_pv_saisie_apres_1_mois": D(2025, 8, 2),
                "sr_pv_saisie_3_mois": D(2025, 10, 1),
            },
            set(),
        ),
        ("inscription_registre_commandement", D(2025, 7, 1), {}, {}, {"sr_registre_commandement"}),
        (
            "pv_saisie",
            D(2025, 8, 4),
            {},
            {
                "sr_registre_pv": D(2025, 8, 5),
                "sr_denonciation_8_jours": D(2025, 8, 12),
                "sr_declaration_employeur_15_jours": D(2025, 8, 19),
            },
            {"sr_contestation_suspensive_1_mois", "sr_pv_saisie_apres_1_mois", "sr_pv_saisie_3_mois"},
        ),
        ("inscription_registre_pv", D(2025, 8, 4), {}, {}, {"sr_registre_pv"}),
        ("denonciation", D(2025, 8, 8), {}, {}, {"sr_denonciation_8_jours"}),
        ("declaration_employeur", D(2025, 8, 14), {}, {}, {"sr_declaration_employeur_15_jours"}),
        # The étude is répartiteur: first funds Mon 15/09/2025 + 42 days → Mon 27/10/2025; each
        # répartition opens the next: Fri 24/10 + 42 → Fri 05/12/2025, then Fri 16/01/2026.
        (
            "premiers_fonds_repartiteur",
            D(2025, 9, 15),
            {"etude_repartiteur": True},
            {"sr_premiere_repartition_6_semaines": D(2025, 10, 27)},
            set(),
        ),
        (
            "repartition",
            D(2025, 10, 24),
            {"etude_repartiteur": True},
            {"sr_repartition_6_semaines": D(2025, 12, 5)},
            {"sr_premiere_repartition_6_semaines"},
        ),
        (
            "repartition",
            D(2025, 12, 5),
            {"etude_repartiteur": True},
            {"sr_repartition_6_semaines": D(2026, 1, 16)},
            {"sr_repartition_6_semaines"},
        ),
        ("fin_saisie", D(2026, 1, 10), {}, {}, {"sr_repartition_6_semaines"}),
    ],
    # R212-1-17: intervention signified Mon 04/08/2025 (a month after the commandement of
    # Tue 01/07): dénonciation within 8 days → Tue 12/08/2025; registre the same or the next
    # jour ouvrable → Tue 05/08/2025.
    # L212-3, L212-6 al. 2: commandement Thu 10/07/2025 (registre Fri 11/07; the month ends Sun
    # 10/08, carried to Mon 11/08, so the PV is possible from Tue 12/08; three months: Fri 10/10).
    # PV d'accord Thu 14/08: the three months no longer run, the procedure is suspended; the
    # suspended « PV de saisie after the reprise » waits past Fri 15/08 (Assomption) to Sat 16/08.
    # Default recorded Mon 10/11: the suspended délai restarts, the PV is possible from Wed 12/11
    # (Tue 11/11 is a holiday; tests/services/test_deadlines.py). PV de saisie Wed 12/11: registre the
    # next jour ouvrable → Thu 13/11, dénonciation 8 days → Thu 20/11, employer 15 days → Thu 27/11.
    # The étude is not répartiteur: the first funds open no six-week deadline.
    "saisie_remunerations/accord": [
        (
            "commandement",
            D(2025, 7, 10),
            {},
            {
                "sr_registre_commandement": D(2025, 7, 11),
                "sr_contestation_suspensive_1_mois": D(2025, 8, 11),
                "sr_pv_saisie_apres_1_mois": D(2025, 8, 12),
                "sr_pv_saisie_3_mois": D(2025, 10, 10),
            },
            set(),
        ),
        ("inscription_registre_commandement", D(2025, 7, 10), {}, {}, {"sr_registre_commandement"}),
        ("pv_accord", D(2025, 8, 14), {}, {"sr_accord_suspension": D(2025, 8, 16)}, {"sr_pv_saisie_3_mois"}),
        ("reprise_apres_accord", D(2025, 11, 10), {}, {}, set()),
        (
            "pv_saisie",
            D(2025, 11, 12),
            {},
            {
                "sr_registre_pv": D(2025, 11, 13),
                "sr_denonciation_8_jours": D(2025, 11, 20),
                "sr_declaration_employeur_15_jours": D(2025, 11, 27),
            },
            {"sr_contestation_suspensive_1_mois", "sr_pv_saisie_apres_1_mois", "sr_accord_suspension"},
        ),
        ("inscription_registre_pv", D(2025, 11, 12), {}, {}, {"sr_registre_pv"}),
        ("denonciation", D(2025, 11, 19), {}, {}, {"sr_denonciation_8_jours"}),
        ("declaration_employeur", D(2025, 11, 24), {}, {}, {"sr_declaration_employeur_15_jours"}),
        ("premiers_fonds_repartiteur", D(2025, 12, 19), {"etude_repartiteur": False}, {}, set()),
    ],
    "saisie_remunerations/intervention": [
        (
            "commandement",
            D(2025, 7, 1),
            {},
            {
                "sr_registre_commandement": D(2025, 7, 2),
                "sr_contestation_suspensive_1_mois": D(2025, 8, 1),
                "sr_pv_saisie_apres_1_mois": D(2025, 8, 2),
                "sr_pv_saisie_3_mois": D(2025, 10, 1),
            },
            set(),
        ),
        ("inscription_registre_commandement", D(2025, 7, 1), {}, {}, {"sr_registre_commandement"}),
        (
            "intervention",
            D(2025, 8, 4),
            {},
            {"sr_intervention_denonciation_8_jours": D(2025, 8, 12), "sr_intervention_registre": D(2025, 8, 5)},
            {"sr_contestation_suspensive_1_mois", "sr_pv_saisie_apres_1_mois", "sr_pv_saisie_3_mois"},
        ),
        ("inscription_registre_intervention", D(2025, 8, 4), {}, {}, {"sr_intervention_registre"}),
        ("denonciation_intervention", D(2025, 8, 8), {}, {}, {"sr_intervention_denonciation_8_jours"}),
    ],
    "expulsion": [
        (
            "commandement_payer_clause_resolutoire",
            D(2025, 11, 3),
            {"lease_from_2023_07_29": True},
            {"exp_cpcr_6_semaines": D(2025, 12, 15)},
            set(),
        ),
        # Loi 89-462 art. 24 II: CCAPEX seized Wed 05/11/2025 + 2 months = Mon 05/01/2026, the
        # end of the wait: assignation from Tue 06/01/2026.
        (
            "saisine_ccapex",
            D(2025, 11, 5),
            {"landlord_legal_person": True},
            {"exp_ccapex_2_mois": D(2026, 1, 6)},
            set(),
        ),
        (
            "assignation",
            D(2026, 1, 6),
            {"hearing_on": D(2026, 3, 17)},
            {"exp_prefet_assignation_6_semaines": D(2026, 2, 2)},
            {"exp_cpcr_6_semaines", "exp_ccapex_2_mois"},
        ),
        ("notification_prefet_assignation", D(2026, 1, 6), {}, {}, {"exp_prefet_assignation_6_semaines"}),
        (
            "commandement_quitter_lieux",
            D(2026, 1, 20),
            {},
            {"exp_saisine_prefet_cql": D(2026, 1, 20), "exp_cql_2_mois": D(2026, 4, 1)},
            set(),
        ),
        ("saisine_prefet_cql", D(2026, 1, 20), {}, {}, {"exp_saisine_prefet_cql"}),
        ("requisition_force_publique", D(2026, 4, 2), {}, {"exp_silence_prefet_2_mois": D(2026, 6, 2)}, set()),
        (
            "pv_expulsion",
            D(2026, 5, 5),
            {},
            {"exp_retrait_meubles_2_mois": D(2026, 7, 6), "exp_contestation_meubles_1_mois": D(2026, 6, 5)},
            {"exp_cql_2_mois", "exp_silence_prefet_2_mois"},
        ),
        ("sort_des_meubles", D(2026, 7, 7), {}, {}, {"exp_retrait_meubles_2_mois", "exp_contestation_meubles_1_mois"}),
    ],
    "petites_creances": [
        ("invitation", D(2025, 2, 28), {}, {"pc_reponse_1_mois": D(2025, 3, 28)}, set()),
        ("accord", D(2025, 3, 10), {}, {}, {"pc_reponse_1_mois"}),
    ],
    "petites_creances/echec": [
        ("invitation", D(2025, 2, 28), {}, {"pc_reponse_1_mois": D(2025, 3, 28)}, set()),
        ("echec", D(2025, 3, 31), {}, {}, {"pc_reponse_1_mois"}),
    ],
}


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_procedure_flow_from_first_act_to_closing(flow):
    procedure_id = flow.split("/")[0]
    open_deadlines: dict[str, date] = {}
    for step_id, served_on, facts, expected_created, expected_closed in FLOWS[flow]:
        closing = P.procedure(procedure_id).step(step_id).closes
        assert closing & set(open_deadlines) == expected_closed, step_id
        for deadline_id in closing:
            open_deadlines.pop(deadline_id, None)
        created = deadlines_for_step(procedure_id, step_id, served_on, facts=facts)
        assert {c.deadline_id: c.due for c in created} == expected_created, step_id
        open_deadlines.update({c.deadline_id: c.due for c in created})
    assert open_deadlines == {}


def test_every_step_of_every_procedure_is_walked_by_a_flow():
    walked = {(flow.split("/")[0], row[0]) for flow, rows in FLOWS.items() for row in rows}
    assert walked == {(p.id, s.id) for p in P.procedures() for s in p.steps}


def test_an_ip_served_abroad_waits_longer_before_enforcement():
    created = {
        c.deadline_id: c.due
        for c in deadlines_for_step("injonction_de_payer", "signification", D(2025, 6, 12), distance="abroad")
    }
    assert created == {"ip_opposition_1_mois": D(2025, 9, 12), "ip_execution_apres_opposition": D(2025, 9, 13)}


def test_example_11_through_the_judgment_flow():
    created = deadlines_for_step("signification_jugement", "signification", D(2025, 3, 7), distance="abroad")
    assert [(c.deadline_id, c.due) for c in created] == [("jug_appel_1_mois", D(2025, 6, 10))]


# --- the data file is checked when loaded -----------------------------------------------------------

GOOD = """
schema = 1
[[procedure]]
id = "saisie_vente"
[[procedure.step]]
id = "a"
act = "A"
[[procedure.step.deadline]]
id = "d"
kind = "last_day"
label = "D"
delai = { days = 8 }
what = "W"
basis = "B"
sanction = "S"
[[procedure.step]]
id = "b"
act = "B"
closes = ["d"]
"""


def test_a_minimal_catalogue_loads():
    catalogue = load_catalogue(GOOD)
    assert [r.id for r in catalogue.rules] == ["d"]


@pytest.mark.parametrize(
    "change,message",
    [
        (('kind = "last_day"', 'kind = "someday"'), "nature"),
        (("delai = { days = 8 }", "delai = { days = -8 }"), "négatif"),
        (("delai = { days = 8 }", "delai = { jours = 8 }"), "unités"),
        (('sanction = "S"', 'sanction = "S"\nsanctoin = "T"'), "champs inconnus"),
        (('sanction = "S"', ""), "sanction"),
        (('closes = ["d"]', 'closes = ["d", "e"]'), "qu'aucune étape antérieure ne crée"),
        (('closes = ["d"]', "closes = []"), "n'est fermé par aucune étape"),
        (('sanction = "S"', 'sanction = "S"\nholiday_shift = false'), "no_shift_reason"),
        (('sanction = "S"', 'sanction = "S"\nwhen = "moon_is_full"'), "condition"),
        (('sanction = "S"', 'sanction = "S"\ndistance = "maybe"'), "distance"),
        (('sanction = "S"', 'sanction = "S"\nwinter_truce = true'), "winter_truce"),
        (("schema = 1", "schema = 2"), "schema"),
        (('id = "b"', 'id = "a"'), "double"),
        (('id = "saisie_vente"', 'id = "saisie_imaginaire"'), "vocabulary.PROCEDURES"),
    ],
)
def test_a_broken_catalogue_is_refused(change, message):
    with pytest.raises(ProcedureDataError, match=message):
        load_catalogue(GOOD.replace(*change, 1) if change[0] != 'id = "b"' else GOOD.replace(*change))


def test_wage_seizure_for_a_debtor_abroad_keeps_a_window_for_the_pv():
    created = {
        c.deadline_id: c
        for c in deadlines_for_step("saisie_remunerations", "commandement", D(2025, 7, 1), distance="abroad")
    }
    assert created["sr_contestation_suspensive_1_mois"].due == D(2025, 10, 1)
    assert created["sr_pv_saisie_apres_1_mois"].due == D(2025, 8, 2)
    assert created["sr_pv_saisie_3_mois"].due == D(2025, 10, 1)
    assert created["sr_pv_saisie_apres_1_mois"].due <= created["sr_pv_saisie_3_mois"].due


def test_a_backward_period_is_never_extended_for_distance():
    computed = P.compute_rule("exp_prefet_assignation_6_semaines", D(2025, 5, 12), distance="abroad")
    assert computed.due == D(2025, 3, 30)
    assert any("à rebours" in line and "distance" in line for line in computed.explanation)
