"""The procedural calendar: the 27 worked examples of docs/law/calendar.md, holidays, CPC 641-644, L141-1."""

from datetime import date, datetime, timedelta

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.calendar import (
    Period,
    act_day_refusal,
    add_jours_ouvrables,
    add_period,
    after_winter_truce,
    closed_day_reason,
    compute_backward,
    compute_earliest_day,
    compute_last_day,
    execution_time_refusal,
    holiday_name,
    in_winter_truce,
    is_jour_ouvrable,
    is_working_day,
    next_working_day,
    public_holidays,
    winter_truce_period,
)
from clerc_tui.rules.procedures import compute_rule

D = date


def _compute(start, how):
    """`how`: {"rule": id} or a period ({"days": 8}…), plus zone / distance."""
    how = dict(how)
    zone = how.pop("zone", "metropole")
    distance = how.pop("distance", None)
    if "rule" in how:
        return compute_rule(how["rule"], start, zone=zone, distance=distance).computation
    return compute_last_day(start, Period(**how), zone=zone, distance=distance)


# (example, start, how, raw end, final date: the last day, or the earliest day for a waiting period)
WORKED_EXAMPLES = [
    ("01", D(2025, 1, 31), {"months": 1}, D(2025, 2, 28), D(2025, 2, 28)),
    ("02", D(2024, 1, 31), {"months": 1}, D(2024, 2, 29), D(2024, 2, 29)),
    ("03", D(2016, 3, 9), {"rule": "sa_contestation_1_mois"}, D(2016, 4, 9), D(2016, 4, 11)),
    ("04", D(2024, 10, 9), {"rule": "sa_contestation_1_mois"}, D(2024, 11, 9), D(2024, 11, 12)),
    ("05", D(2025, 4, 12), {"rule": "sa_denonciation_8_jours"}, D(2025, 4, 20), D(2025, 4, 22)),
    ("06", D(2025, 6, 12), {"rule": "ip_opposition_1_mois"}, D(2025, 7, 12), D(2025, 7, 15)),
    ("07", D(2026, 4, 23), {"days": 8}, D(2026, 5, 1), D(2026, 5, 4)),
    ("08", D(2026, 4, 8), {"months": 1}, D(2026, 5, 8), D(2026, 5, 11)),
    ("09", D(2025, 10, 11), {"rule": "sa_contestation_1_mois"}, D(2025, 11, 11), D(2025, 11, 12)),
    ("10", D(2025, 8, 29), {"rule": "ip_signification_6_mois"}, D(2026, 2, 28), D(2026, 3, 2)),
    ("11", D(2025, 3, 7), {"rule": "jug_appel_1_mois", "distance": "abroad"}, D(2025, 6, 7), D(2025, 6, 10)),
    ("12-am", D(2025, 4, 10), {"days": 8, "zone": "alsace-moselle"}, D(2025, 4, 18), D(2025, 4, 22)),
    ("12-ailleurs", D(2025, 4, 10), {"days": 8}, D(2025, 4, 18), D(2025, 4, 18)),
    ("13-am", D(2025, 11, 26), {"months": 1, "zone": "alsace-moselle"}, D(2025, 12, 26), D(2025, 12, 29)),
    ("13-ailleurs", D(2025, 11, 26), {"months": 1}, D(2025, 12, 26), D(2025, 12, 26)),
    ("14", D(2025, 12, 24), {"rule": "sa_denonciation_8_jours"}, D(2026, 1, 1), D(2026, 1, 2)),
    ("15", D(2027, 4, 30), {"months": 1}, D(2027, 5, 30), D(2027, 5, 31)),
    ("16", D(2025, 2, 28), {"rule": "pc_reponse_1_mois"}, D(2025, 3, 28), D(2025, 3, 28)),
    ("17", D(2025, 7, 1), {"rule": "sr_registre_commandement"}, D(2025, 7, 2), D(2025, 7, 2)),
    ("18-contestation", D(2025, 7, 1), {"rule": "sr_contestation_suspensive_1_mois"}, D(2025, 8, 1), D(2025, 8, 1)),
    ("18-pv", D(2025, 7, 1), {"rule": "sr_pv_saisie_apres_1_mois"}, D(2025, 8, 1), D(2025, 8, 2)),
    ("19", D(2025, 7, 1), {"rule": "sr_pv_saisie_3_mois"}, D(2025, 10, 1), D(2025, 10, 1)),
    ("20", D(2025, 9, 15), {"rule": "exp_cql_2_mois"}, D(2025, 11, 15), D(2026, 4, 1)),
    ("21", D(2026, 1, 20), {"rule": "exp_cql_2_mois"}, D(2026, 3, 20), D(2026, 4, 1)),
    ("22", D(2025, 11, 3), {"rule": "exp_cpcr_6_semaines"}, D(2025, 12, 15), D(2025, 12, 15)),
    ("22-semaines", D(2025, 11, 3), {"weeks": 6}, D(2025, 12, 15), D(2025, 12, 15)),
    ("23", D(2025, 5, 12), {"rule": "exp_prefet_assignation_6_semaines"}, D(2025, 3, 31), D(2025, 3, 30)),
    ("24", D(2026, 3, 17), {"rule": "exp_prefet_assignation_6_semaines"}, D(2026, 2, 3), D(2026, 2, 2)),
    ("25", D(2025, 5, 2), {"rule": "sv_attente_8_jours"}, D(2025, 5, 10), D(2025, 5, 13)),
    ("26", D(2024, 3, 15), {"rule": "sv_commandement_validite_2_ans"}, D(2026, 3, 15), D(2026, 3, 15)),
    ("27", D(2011, 4, 23), {"rule": "prescription_5_ans"}, D(2016, 4, 23), D(2016, 4, 23)),
]


@pytest.mark.parametrize("example,start,how,raw_end,final", WORKED_EXAMPLES, ids=[w[0] for w in WORKED_EXAMPLES])
def test_worked_examples(example, start, how, raw_end, final):
    result = _compute(start, how)
    assert result.raw_end == raw_end
    assert result.due == final


def test_all_27_worked_examples_are_covered():
    assert {w[0].split("-")[0] for w in WORKED_EXAMPLES} == {f"{n:02d}" for n in range(1, 28)}


def test_example_4_lists_each_skipped_day_with_its_reason():
    result = _compute(D(2024, 10, 9), {"rule": "sa_contestation_1_mois"})
    assert [(s.day, s.reason) for s in result.skipped] == [
        (D(2024, 11, 9), "samedi"),
        (D(2024, 11, 10), "dimanche"),
        (D(2024, 11, 11), "jour férié : Armistice"),
    ]


def test_example_5_easter_sunday_then_easter_monday():
    result = _compute(D(2025, 4, 12), {"rule": "sa_denonciation_8_jours"})
    assert [s.reason for s in result.skipped] == ["dimanche", "jour férié : Lundi de Pâques"]
    text = "\n".join(result.explanation)
    assert "fin brute : dimanche 20/04/2025" in text
    assert "Dernier jour : mardi 22/04/2025" in text
    assert "CPCE R211-3" in text


def test_example_12_explains_the_good_friday_alternative():
    result = _compute(D(2025, 4, 10), {"days": 8, "zone": "alsace-moselle"})
    assert result.skipped[0].reason == "jour férié : Vendredi saint"
    assert any("sinon la date serait le vendredi 18/04/2025" in line for line in result.explanation)


def test_example_13_saint_etienne_is_a_holiday_only_in_alsace_moselle():
    result = _compute(D(2025, 11, 26), {"months": 1, "zone": "alsace-moselle"})
    assert [s.reason for s in result.skipped] == ["jour férié : Saint-Étienne", "samedi", "dimanche"]


def test_example_20_keeps_the_last_day_of_the_wait_and_the_truce():
    result = _compute(D(2025, 9, 15), {"rule": "exp_cql_2_mois"})
    assert result.last_day == D(2025, 11, 17)
    assert result.winter_truce == (D(2025, 11, 1), D(2026, 3, 31))


def test_example_23_last_day_is_a_sunday_so_act_the_friday_before():
    result = _compute(D(2025, 5, 12), {"rule": "exp_prefet_assignation_6_semaines"})
    assert result.act_by == D(2025, 3, 28)
    assert result.skipped == ()
    assert _compute(D(2026, 3, 17), {"rule": "exp_prefet_assignation_6_semaines"}).act_by is None


def test_example_25_without_prorogation_of_the_wait_would_be_monday():
    result = compute_earliest_day(D(2025, 5, 2), Period(days=8), prorogation=False)
    assert result.due == D(2025, 5, 12)
    assert result.skipped[0].day == D(2025, 5, 11)  # Sunday: no execution act (L141-1)
    safer = _compute(D(2025, 5, 2), {"rule": "sv_attente_8_jours"})
    assert any("lundi 12/05/2025" in line for line in safer.explanation)


def test_example_26_no_prorogation_but_no_act_on_a_sunday():
    result = _compute(D(2024, 3, 15), {"rule": "sv_commandement_validite_2_ans"})
    assert result.skipped == ()
    assert result.act_by == D(2026, 3, 14)


def test_example_27_prescription_is_never_moved():
    result = compute_last_day(D(2011, 4, 23), Period(years=5), prorogation=False, kind="expiry")
    assert result.due == D(2016, 4, 23) and result.skipped == ()
    assert compute_last_day(D(2011, 4, 23), Period(years=5)).due == D(2016, 4, 25)


# --- holidays --------------------------------------------------------------------------


def test_2026_metropole_has_the_11_holidays_of_l3133_1():
    assert set(public_holidays(2026)) == {
        D(2026, 1, 1),
        D(2026, 4, 6),
        D(2026, 5, 1),
        D(2026, 5, 8),
        D(2026, 5, 14),
        D(2026, 5, 25),
        D(2026, 7, 14),
        D(2026, 8, 15),
        D(2026, 11, 1),
        D(2026, 11, 11),
        D(2026, 12, 25),
    }
    assert D(2026, 1, 1).weekday() == 3 and D(2026, 5, 1).weekday() == 4 and D(2026, 5, 8).weekday() == 4


def test_alsace_moselle_adds_good_friday_and_26_december():
    local = public_holidays(2026, "alsace-moselle")
    assert set(local) - set(public_holidays(2026)) == {D(2026, 4, 3), D(2026, 12, 26)}
    assert local[D(2026, 4, 3)] == "Vendredi saint"
    assert local[D(2026, 12, 26)] == "Saint-Étienne"
    assert D(2026, 4, 3) not in public_holidays(2026, "alsace-moselle", good_friday=False)
    assert D(2026, 12, 26) in public_holidays(2026, "alsace-moselle", good_friday=False)


@pytest.mark.parametrize(
    "day",
    [
        D(2024, 4, 1),
        D(2024, 5, 1),
        D(2024, 5, 8),
        D(2024, 5, 9),
        D(2024, 5, 20),
        D(2024, 11, 11),
        D(2025, 4, 21),
        D(2025, 5, 1),
        D(2025, 5, 8),
        D(2025, 5, 29),
        D(2025, 6, 9),
        D(2025, 7, 14),
        D(2025, 11, 11),
        D(2026, 1, 1),
        D(2026, 4, 6),
        D(2026, 5, 1),
        D(2026, 5, 8),
        D(2026, 5, 14),
        D(2026, 5, 25),
        D(2027, 3, 29),
        D(2027, 5, 6),
        D(2027, 5, 17),
    ],
)
def test_holidays_used_by_the_worked_examples(day):
    assert holiday_name(day) is not None


@pytest.mark.parametrize("easter", [D(2024, 3, 31), D(2025, 4, 20), D(2026, 4, 5), D(2027, 3, 28), D(2028, 4, 16)])
def test_easter_based_holidays(easter):
    for offset, name in ((1, "Lundi de Pâques"), (39, "Ascension"), (50, "Lundi de Pentecôte")):
        assert holiday_name(easter + timedelta(days=offset)) == name
    assert holiday_name(easter - timedelta(days=2)) is None
    assert holiday_name(easter - timedelta(days=2), "alsace-moselle") == "Vendredi saint"


def test_alsace_moselle_2025_days():
    assert holiday_name(D(2025, 4, 18), "alsace-moselle") == "Vendredi saint"
    assert holiday_name(D(2025, 12, 26), "alsace-moselle") == "Saint-Étienne"
    assert holiday_name(D(2025, 12, 26)) is None


def test_cass_2021_sunday_then_whit_monday_moves_to_tuesday():
    day, skipped = next_working_day(D(2018, 5, 20))
    assert day == D(2018, 5, 22)
    assert [s.reason for s in skipped] == ["dimanche", "jour férié : Lundi de Pentecôte"]


def test_reasons_name_the_day():
    assert closed_day_reason(D(2025, 12, 25)) == "jour férié : Noël"
    assert closed_day_reason(D(2026, 11, 1)) == "dimanche, jour férié : Toussaint"
    assert closed_day_reason(D(2025, 12, 27)) == "samedi"
    assert closed_day_reason(D(2025, 12, 24)) is None


def test_unknown_zone_is_refused_in_french():
    with pytest.raises(InvalidInput, match="Zone de calendrier inconnue"):
        public_holidays(2026, "bretagne")
    with pytest.raises(InvalidInput):
        compute_last_day(D(2026, 1, 1), Period(days=1), zone="corse")


# --- CPC 641 arithmetic ---------------------------------------------------------------------


def test_months_before_days():
    assert add_period(D(2025, 1, 30), Period(months=1, days=1)) == D(2025, 3, 1)


def test_years_keep_the_day_number_or_take_the_last_day():
    assert add_period(D(2024, 2, 29), Period(years=1)) == D(2025, 2, 28)
    assert add_period(D(2024, 2, 29), Period(years=4)) == D(2028, 2, 29)


def test_weeks_are_seven_days():
    assert add_period(D(2025, 11, 3), Period(weeks=6)) == D(2025, 11, 3) + timedelta(days=42)


def test_the_start_day_is_not_counted():
    assert add_period(D(2025, 6, 2), Period(days=1)) == D(2025, 6, 3)


def test_franc_delay_does_not_count_the_last_day_either():
    assert compute_last_day(D(2025, 6, 2), Period(days=8)).due == D(2025, 6, 10)
    assert compute_last_day(D(2025, 6, 2), Period(days=8), franc=True).due == D(2025, 6, 11)


def test_distance_extension_is_one_period_from_the_same_start():
    assert compute_last_day(D(2025, 3, 7), Period(months=1), distance="outre-mer").raw_end == D(2025, 5, 7)
    assert compute_last_day(D(2025, 1, 31), Period(months=1), distance="abroad").raw_end == D(2025, 4, 30)
    assert compute_last_day(D(2025, 3, 7), Period(days=15), distance="abroad").raw_end == D(2025, 5, 22)


def test_distance_extension_is_refused_where_the_rule_says_so():
    result = compute_last_day(D(2025, 3, 7), Period(days=8), distance="abroad", extend=False)
    assert result.raw_end == D(2025, 3, 15) and result.extension_months == 0
    assert any("Pas d'extension pour distance" in line for line in result.explanation)


def test_negative_or_mixed_periods_are_refused():
    with pytest.raises(InvalidInput):
        Period(days=-1)
    with pytest.raises(InvalidInput):
        Period(working_days=3, days=1)


def test_a_date_beyond_the_calendar_is_a_french_error():
    with pytest.raises(InvalidInput, match="sort du calendrier"):
        compute_last_day(D(9999, 12, 1), Period(months=2))
    with pytest.raises(InvalidInput, match="sort du calendrier"):
        compute_last_day(D(9999, 12, 1), Period(days=100))


# --- jours ouvrables / ouvrés ------------------------------------------------------------------


def test_saturday_is_ouvrable_but_not_ouvre():
    assert is_jour_ouvrable(D(2025, 7, 5)) and not is_working_day(D(2025, 7, 5))
    assert not is_jour_ouvrable(D(2025, 7, 6)) and not is_jour_ouvrable(D(2025, 7, 14))


def test_fifteen_jours_ouvrables_count_saturdays():
    # From Tue 1 July 2025: Sundays 6 and 13 and 14 July (holiday) are not counted.
    day, skipped = add_jours_ouvrables(D(2025, 7, 1), 15)
    assert day == D(2025, 7, 19)
    assert [s.day for s in skipped] == [D(2025, 7, 6), D(2025, 7, 13), D(2025, 7, 14)]


# --- when acts may be done (CPCE L141-1) and the trêve hivernale -----------------------------


@pytest.mark.parametrize(
    "moment,allowed",
    [
        (datetime(2025, 5, 12, 6, 0), True),
        (datetime(2025, 5, 12, 5, 59), False),
        (datetime(2025, 5, 12, 21, 0), True),
        (datetime(2025, 5, 12, 21, 1), False),
        (datetime(2025, 5, 10, 10, 0), True),  # Saturday
        (datetime(2025, 5, 11, 10, 0), False),  # Sunday
        (datetime(2025, 5, 8, 10, 0), False),  # 8 May
    ],
)
def test_execution_hours(moment, allowed):
    assert (execution_time_refusal(moment) is None) is allowed


def test_judge_leave_allows_any_time():
    assert execution_time_refusal(datetime(2025, 5, 11, 23, 0), judge_leave=True) is None


def test_execution_refusal_says_why():
    assert "CPCE L141-1" in execution_time_refusal(datetime(2025, 12, 25, 10, 0))
    assert act_day_refusal(D(2025, 12, 26), "alsace-moselle") == "jour férié : Saint-Étienne"


@pytest.mark.parametrize(
    "day,inside",
    [
        (D(2025, 10, 31), False),
        (D(2025, 11, 1), True),
        (D(2026, 1, 15), True),
        (D(2026, 3, 31), True),
        (D(2026, 4, 1), False),
    ],
)
def test_winter_truce_bounds(day, inside):
    assert in_winter_truce(day) is inside


def test_winter_truce_period_and_end():
    assert winter_truce_period(D(2026, 2, 10)) == (D(2025, 11, 1), D(2026, 3, 31))
    assert after_winter_truce(D(2025, 12, 15)) == D(2026, 4, 1)
    assert after_winter_truce(D(2026, 5, 2)) == D(2026, 5, 2)


def test_end_of_truce_on_easter_monday_moves_to_the_next_day():
    # 1 April 2024 was Easter Monday: no expulsion that day either.
    result = compute_earliest_day(D(2024, 1, 10), Period(months=2), winter_truce=True)
    assert result.due == D(2024, 4, 2)


def test_backward_period_is_never_moved_forward():
    result = compute_backward(D(2025, 5, 12), Period(weeks=6))
    assert result.direction == "backward" and result.due == D(2025, 3, 30)
    assert any("CPC 642 ne s'applique pas" in line for line in result.explanation)
