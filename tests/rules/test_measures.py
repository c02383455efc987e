"""Each recommendation rule of data/measures.toml on a small dossier, without a base or a screen
(rules/measures.py, issue 14 item 2), and the stale setting (rules/solvency.py)."""

from datetime import date
from decimal import Decimal

import pytest

from clerc_tui.rules.measures import MeasureDataError, Situation, catalogue, load_catalogue, recommend
from clerc_tui.rules.seizable import quotite, sbi
from clerc_tui.rules.solvency import Fact, is_stale, stale_before
from clerc_tui.rules.tariff import shipped_tariff

ON = date(2026, 11, 26)
DUE = Decimal("3000.00")


def fact(
    kind: str,
    label: str = "x",
    *,
    amount: str | None = None,
    known_on: date | None = ON,
    source: str = "autre",
    ended_on: date | None = None,
    n: int = 1,
) -> Fact:
    return Fact(n, 1, kind, label, "", Decimal(amount) if amount else None, known_on, source, ended_on)


def plan(*facts: Fact, **situation) -> dict:
    values = dict(on=ON, has_title=True, due=DUE, facts=facts)
    values.update(situation)
    return {r.measure.id: r for r in recommend(Situation(**values))}


def first(*facts: Fact, **situation) -> str:
    values = dict(on=ON, has_title=True, due=DUE, facts=facts)
    values.update(situation)
    return recommend(Situation(**values))[0].measure.id


def test_an_account_known_is_seized_first_its_balance_unknown_unless_a_fact_gives_it():
    found = plan(fact("bank_account", "BNP", source="ficoba"))
    account = found["saisie_attribution"]
    assert first(fact("bank_account", "BNP", source="ficoba")) == "saisie_attribution"
    assert account.possible and account.expected is None and "solde inconnu" in account.brings
    with_balance = plan(fact("bank_account", "BNP", amount="1000.00", source="ficoba"))["saisie_attribution"]
    assert with_balance.expected == Decimal("1000.00") - sbi(ON)  # the SBI left to a natural person
    company = plan(fact("bank_account", "BNP", amount="1000.00"), debtor_is_person=False)["saisie_attribution"]
    assert company.expected == Decimal("1000.00")


def test_a_known_employer_with_a_net_pay_brings_the_seizable_fraction_every_month():
    found = plan(fact("employment", "SARL Dupont", amount="2000.00", source="employeur"), fact("dependant", n=2))
    wage = found["saisie_remunerations"]
    assert first(fact("employment", "SARL Dupont", amount="2000.00")) == "saisie_remunerations"
    assert wage.possible and wage.expected == quotite(Decimal("2000.00"), 1, ON).seizable == Decimal("382.29")
    assert wage.months == 8  # 3 000 € / 382,29 € a month, rounded up
    assert any("SARL Dupont" in r and "1 personne(s) à charge" in r for r in wage.reasons)
    assert wage.measure.procedure == "saisie_remunerations" and wage.measure.step == "commandement"


def test_an_employer_without_pay_or_a_company_debtor_says_what_is_missing():
    no_pay = plan(fact("employment", "SARL Dupont"))["saisie_remunerations"]
    assert not no_pay.possible and "salaire net inconnu (le demander à l'employeur)" in no_pay.missing
    assert "employeur inconnu (interroger l'administration, L152-1)" in plan()["saisie_remunerations"].missing
    company = plan(fact("employment", "X", amount="2000"), debtor_is_person=False)["saisie_remunerations"]
    assert "le débiteur est une personne morale" in company.missing
    low = plan(fact("employment", "X", amount="600.00"))["saisie_remunerations"]
    assert not low.possible and low.expected == Decimal("0")  # under the RSA floor: nothing seizable


def test_a_vehicle_movables_and_real_estate_each_open_their_measure():
    assert plan(fact("vehicle", "Clio AB-123-CD", source="siv"))["vehicule"].possible
    goods = plan(fact("movable", "Piano", amount="4000.00"))["saisie_vente"]
    assert goods.possible and goods.expected == Decimal("4000.00")
    assert plan(fact("real_estate", "Maison à Lyon"))["immobiliere"].possible
    nothing = plan()
    assert not nothing["vehicule"].possible and not nothing["saisie_vente"].possible
    assert not nothing["immobiliere"].possible


def test_nothing_known_leads_to_the_pv_de_carence_and_anything_known_bars_it():
    assert first() == "carence"
    assert plan()["carence"].possible and plan()["carence"].measure.step == "pv_carence"
    assert not plan(fact("vehicle"))["carence"].possible
    ended = fact("bank_account", ended_on=date(2026, 10, 1))  # an account closed counts for nothing
    assert plan(ended)["carence"].possible


def test_without_title_only_the_amicable_plan_remains():
    found = plan(fact("bank_account"), fact("employment", amount="2000"), has_title=False)
    possible = [m for m, r in found.items() if r.possible]
    assert possible == ["plan_amiable"]
    assert "pas de titre exécutoire" in found["saisie_attribution"].missing


def test_a_stale_fact_is_named_and_its_measure_comes_after_a_fresh_one():
    old = fact("bank_account", "BNP", known_on=date(2026, 4, 1), source="ficoba")
    job = fact("employment", "SARL Dupont", amount="2000.00", n=2)
    ranked = [r.measure.id for r in recommend(Situation(on=ON, has_title=True, due=DUE, facts=(old, job)))]
    assert ranked[:2] == ["saisie_remunerations", "saisie_attribution"]
    account = plan(old, job)["saisie_attribution"]
    assert account.possible
    assert account.missing == ("renseignement FICOBA (L152-2) du 01/04/2026, de plus de 6 mois : à vérifier",)
    assert plan(old, job, stale_months=12)["saisie_attribution"].missing == ()
    assert first(old, job, stale_months=12) == "saisie_attribution"


def test_a_procedure_running_is_not_proposed_again_and_one_run_before_is_flagged():
    found = plan(fact("bank_account"), running=frozenset({"saisie_attribution"}))
    assert not found["saisie_attribution"].possible
    before = plan(fact("bank_account"), run_before=frozenset({"saisie_attribution"}))["saisie_attribution"]
    assert before.possible and any("Déjà menée" in r for r in before.reasons)


def test_the_cost_is_the_tariffs_for_the_acts_it_needs():
    goods = plan(fact("movable", "Piano"))["saisie_vente"]
    commandement = shipped_tariff().act_charge("commandement_saisie_vente", ON, DUE, with_dep=True)
    assert goods.cost == commandement.ttc  # the PV de saisie-vente has no figure in the shipped tariff
    assert any("non chiffré" in line for line in goods.cost_lines)
    charged = plan(fact("movable", "Piano"), dep_charged=True)["saisie_vente"]
    assert charged.cost == shipped_tariff().act_charge("commandement_saisie_vente", ON, DUE, with_dep=False).ttc


def test_nothing_due_blocks_every_measure():
    assert not any(r.possible for r in plan(fact("bank_account"), due=Decimal("0")).values())


def test_every_rule_names_its_articles_and_source_and_a_broken_file_is_refused():
    for measure in catalogue().measures:
        assert measure.basis and measure.source and measure.reason
    with pytest.raises(MeasureDataError):
        load_catalogue(
            '[missing]\ntitle = "x"\n[[measure]]\nid = "a"\nlabel = "a"\nrank = 1\nprocedure = ""\n'
            'step = ""\nacts = []\nneeds = ["unknown"]\nfresh = []\nyields = "nothing"\nreason = "r"\n'
            'basis = "b"\nsource = "s"\n'
        )


def test_stale_after_the_setting_and_undated_always():
    assert stale_before(ON) == date(2026, 5, 26)
    assert not is_stale(fact("bank_account", known_on=date(2026, 5, 26)), ON)
    assert is_stale(fact("bank_account", known_on=date(2026, 5, 25)), ON)
    assert is_stale(fact("bank_account", known_on=None), ON)
    assert not is_stale(fact("bank_account", known_on=date(2026, 2, 1)), ON, months=12)


def test_a_closed_dossier_gets_no_measure():
    found = plan(fact("bank_account"), fact("employment", amount="2000"), phase="clos")
    assert not any(r.possible for r in found.values())
    assert all("dossier clos" in r.missing for r in found.values())
