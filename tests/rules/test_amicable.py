"""The amicable rules, pure: scenarios as data, the next step, the hours, the ceiling, opt-outs,
what a message may claim, and that no message reads like an act of enforcement."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules import amicable as rules

HOURS = rules.parse_hours(rules.DEFAULT_HOURS)


def state(**changes):
    values = dict(
        enrolled_on=date(2026, 11, 2), steps_done=0, last_step_on=None, due_on=None, last_payment_on=None,
        balance=Decimal("500.00"),
    )  # fmt: skip
    values.update(changes)
    return rules.DossierState(**values)


def test_every_shipped_step_names_its_source_and_template():
    for scenario in rules.scenarios():
        assert scenario.source
        for step in scenario.steps:
            assert step.source and step.template in rules.template_names()


def test_a_scenario_is_chosen_by_creditor_then_nature_then_default():
    mine = rules.Scenario("mine", "Le mien", False, (), ("123456789",), "pratique", rules.scenarios()[0].steps)
    among = (*rules.scenarios(), mine)
    assert rules.choose_scenario("123 456 789", "loyers", among).id == "mine"
    assert rules.choose_scenario("", "loyers", among).id == "loyers"
    assert rules.choose_scenario("", "facture", among).id == "standard"


def test_a_bad_file_is_refused_with_its_place():
    text = '[[scenario]]\nid = "x"\nlabel = "X"\ndefault = true\nsource = "s"\n[[scenario.step]]\ncode = "a"\n'
    with pytest.raises(ClercError, match="étape n° 1"):
        rules.load_scenarios(text, rules.template_names())


def test_progression_over_simulated_days():
    standard = rules.scenario("standard")
    day = date(2026, 11, 2)
    s = state(enrolled_on=day)
    done = []
    for offset in range(120):
        today = date.fromordinal(day.toordinal() + offset)
        nxt = rules.next_step(standard, s, today)
        if nxt is None:
            break
        if nxt.is_due:
            done.append((nxt.step.code, today))
            s = state(enrolled_on=day, steps_done=s.steps_done + 1, last_step_on=today)
    codes = [code for code, _ in done]
    assert codes == [step.code for step in standard.steps]
    days = [d for _, d in done]
    assert days[0] == day and (days[1] - days[0]).days == 10 and (days[2] - days[1]).days == 7


def test_a_recent_payment_makes_the_step_wait_and_a_pause_ends_by_itself():
    standard = rules.scenario("standard")
    s = state(steps_done=1, last_step_on=date(2026, 11, 2), last_payment_on=date(2026, 11, 10))
    assert rules.next_step(standard, s, date(2026, 11, 12)).waiting.startswith("versement reçu il y a 2")
    assert rules.next_step(standard, s, date(2026, 11, 20)).is_due
    paused = state(status="paused", paused_until=date(2026, 11, 5))
    assert rules.next_step(standard, paused, date(2026, 11, 5)).waiting == "bloqué jusqu'au 05/11/2026"
    assert rules.next_step(standard, paused, date(2026, 11, 6)).is_due
    assert rules.next_step(standard, state(balance=Decimal("0")), date(2026, 11, 6)).waiting.startswith("solde")


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (datetime(2026, 12, 7, 10, 0), None),  # Monday 10:00
        (datetime(2026, 12, 7, 9, 59), "09:59 : hors des heures"),
        (datetime(2026, 12, 7, 13, 0), "13:00 : hors des heures"),
        (datetime(2026, 12, 7, 19, 59), None),
        (datetime(2026, 12, 7, 20, 0), "20:00 : hors des heures"),
        (datetime(2026, 12, 5, 11, 0), "samedi : hors des heures"),
        (datetime(2026, 12, 6, 11, 0), "dimanche"),
        (datetime(2026, 12, 25, 11, 0), "jour férié (Noël)"),
        (datetime(2026, 11, 11, 11, 0), "jour férié (Armistice"),
    ],
)
def test_hours_and_holidays(moment, reason):
    found = rules.hours_refusal(moment, HOURS)
    assert (found is None) if reason is None else (found or "").startswith(reason)


def test_alsace_moselle_adds_saint_etienne():
    boxing_day = datetime(2025, 12, 26, 11, 0)  # a Friday
    assert rules.hours_refusal(boxing_day, HOURS) is None
    assert "Saint" in (rules.hours_refusal(boxing_day, HOURS, ("metropole", "alsace-moselle")) or "")


def test_hours_setting_is_parsed_and_sunday_refused():
    saturday = rules.parse_hours("lun-sam 09:00-12:00")
    assert rules.hours_refusal(datetime(2026, 12, 5, 9, 30), saturday) is None
    with pytest.raises(InvalidInput, match="dimanche"):
        rules.parse_hours("lun-dim 10:00-12:00")
    with pytest.raises(InvalidInput):
        rules.parse_hours("lun-ven 12:00-10:00")


def test_ceiling_optout_and_missing_recipient():
    ok = dict(hours=HOURS, zones=("metropole",), ceiling=4, recipient="a@b.fr")
    monday = datetime(2026, 12, 7, 11, 0)
    assert rules.contact_refusal("email", monday, contacts_in_window=3, opted_out=False, **ok) is None
    assert "plafond atteint : 4" in rules.contact_refusal("email", monday, contacts_in_window=4, opted_out=False, **ok)
    assert "refusé le canal courriel" in rules.contact_refusal(
        "email", monday, contacts_in_window=0, opted_out=True, **ok
    )
    assert "aucune adresse électronique" in rules.contact_refusal(
        "email", monday, contacts_in_window=0, opted_out=False, **{**ok, "recipient": ""}
    )
    # A letter is posted, not received at that moment: the hours do not apply to it; the ceiling does.
    sunday = datetime(2026, 12, 6, 22, 0)
    assert rules.contact_refusal("letter", sunday, contacts_in_window=0, opted_out=False, **ok) is None


def test_no_fee_is_claimed_without_a_title():
    without = rules.claimable(Decimal("100"), Decimal("5"), Decimal("80"), has_title=False)
    assert (without.fees, without.total, without.fees_claimed) == (Decimal("0"), Decimal("105"), False)
    with_title = rules.claimable(Decimal("100"), Decimal("5"), Decimal("80"), has_title=True)
    assert (with_title.total, with_title.fees_claimed) == (Decimal("185"), True)


CONTEXT = dict(
    etude_name="Étude Durand", commissaire_name="Me Durand", etude_address="1 rue, 69002 Lyon",
    etude_phone="04 00 00 00 00", etude_email="", debtor_name="LEFÈVRE Hélène", creditor_name="SCI",
    reference="2026-000001", letter_reference="2026-000001/lettre_2", date="7 décembre 2026",
    principal="100,00 €", interest="5,00 €", fees="0,00 €", fees_claimed=False, total="105,00 €",
    first_reference="2026-000001/lettre_1", first_date="02/11/2026",
)  # fmt: skip


@pytest.mark.parametrize("step", [s for sc in rules.scenarios() for s in sc.steps], ids=lambda s: s.code)
def test_no_message_reads_like_an_act_and_later_ones_recall_the_first(step):
    for fees_claimed in (False, True):
        subject, body = rules.render_message(step, {**CONTEXT, "fees_claimed": fees_claimed})
        assert rules.enforcement_words(subject + body) == []
        if not fees_claimed and step.channel in ("letter", "email") and step.template != "proposition_plan":
            assert "L111-8" in body
    if step.code != "lettre_1" and step.channel in ("letter", "email"):
        assert "2026-000001/lettre_1" in body and "02/11/2026" in body


def test_first_letter_is_courteous_with_the_full_breakdown():
    _subject, body = rules.render_message(rules.scenario("standard").steps[0], CONTEXT)
    assert "n'est pas un acte de procédure" in body
    assert "Principal" in body and "Intérêts" in body and "Total" in body
    assert "échéancier" in body and "surendettement" in body


def test_keys_differ_by_round():
    assert rules.message_key(7, "standard", 1, "lettre_1", "letter") == "d7:sstandard:lettre_1:letter"
    assert rules.message_key(7, "standard", 2, "lettre_1", "letter") != rules.message_key(
        7, "standard", 1, "lettre_1", "letter"
    )
