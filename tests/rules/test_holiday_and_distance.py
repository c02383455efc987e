"""CPC 642 with the corrected holiday table, and CPC 643 distance from an address."""

from datetime import date

import pytest

from clerc_tui.rules.calendar import (
    Period,
    compute_last_day,
    distance_of_address,
    holiday_corrections,
    holiday_name,
    is_working_day,
)

D = date


@pytest.mark.parametrize("day", [D(2005, 5, 16), D(2006, 6, 5), D(2007, 5, 28)])
def test_whit_monday_2005_to_2007_is_a_public_holiday_in_both_zones(day):
    assert day.weekday() == 0  # a Monday: Easter + 50 days (27/03/2005, 16/04/2006, 08/04/2007)
    for zone in ("metropole", "alsace-moselle"):
        assert holiday_name(day, zone) == "Lundi de Pentecôte"
        assert not is_working_day(day, zone)


def test_the_other_years_keep_the_library_calendar():
    assert holiday_name(D(2004, 5, 31)) == "Lundi de Pentecôte"
    assert holiday_name(D(2008, 5, 12)) == "Lundi de Pentecôte"
    assert holiday_name(D(2006, 6, 6)) is None


def test_every_correction_names_its_source():
    assert len(holiday_corrections()) == 3
    assert all(source.strip() for _day, _name, _zones, source in holiday_corrections())


def test_a_deadline_ending_on_whit_monday_2006_moves_to_tuesday():
    # Fri 05/05/2006 + 1 month = Mon 05/06/2006, Whit Monday → Tue 06/06/2006.
    result = compute_last_day(D(2006, 5, 5), Period(months=1))
    assert result.raw_end == D(2006, 6, 5) and result.last_day == D(2006, 6, 6)
    assert [s.reason for s in result.skipped] == ["jour férié : Lundi de Pentecôte"]


@pytest.mark.parametrize(
    "country,postcode,expected",
    [
        ("France", "69002", None),
        ("FR", "69002", None),
        ("fr", "75011", None),
        ("  france ", "13001", None),
        ("", "33000", None),
        ("France", "97400", "outre-mer"),  # La Réunion
        ("France", "98413", "outre-mer"),  # TAAF (984)
        ("FR", "98800", "outre-mer"),  # Nouvelle-Calédonie
        ("Monaco", "98000", "abroad"),
        ("France", "98000", "abroad"),  # Monaco written with its French postcode
        ("Belgique", "1000", "abroad"),
    ],
)
def test_distance_of_an_address(country, postcode, expected):
    assert distance_of_address(country, postcode) == expected
