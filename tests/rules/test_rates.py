"""The rate tables: sourced, continuous, and loud when a period is missing."""

from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from itertools import pairwise

import pytest

from clerc_tui.errors import InvalidInput, MissingRate
from clerc_tui.rules import rates as r
from clerc_tui.rules.rates import (
    AUTRES,
    ECB,
    LEGAL,
    PARTICULIER,
    RateRow,
    Rates,
    RateTable,
    etude_row,
    legal_half_years_due,
    missing_legal_rate_notice,
)

SHIPPED = Rates.shipped()


def _row(start, end, value="1.00", category=None, source="arrêté — lu sur x", **kw):
    return RateRow(date.fromisoformat(start), date.fromisoformat(end), Decimal(value), source, category, **kw)


# --- shipped tables ---------------------------------------------------------------------------


@pytest.mark.parametrize("category", [PARTICULIER, AUTRES])
def test_legal_table_is_continuous_from_2000_to_2026_s1(category):
    chain = SHIPPED.legal.rows_for(category)
    assert chain[0].valid_from == date(2000, 1, 1)
    assert chain[-1].valid_to == date(2026, 6, 30)
    for previous, current in pairwise(chain):
        assert current.valid_from == previous.valid_to + timedelta(days=1)
    assert all(row.source and row.origin == "clerc" for row in chain)
    assert len(chain) == 15 + 23  # 15 annual rows, 2015 S1 … 2026 S1


def test_ecb_table_is_continuous_and_sourced():
    chain = SHIPPED.ecb.rows_for(None)
    assert chain[0].valid_from <= date(2013, 1, 1)
    for previous, current in pairwise(chain):
        assert current.valid_from == previous.valid_to + timedelta(days=1)
        assert current.value != previous.value
    assert all(row.source for row in chain)


def test_the_data_files_write_rates_as_strings_never_floats():
    for name in ("legal_rates.toml", "ecb_rates.toml"):
        text = resources.files("clerc_tui.data").joinpath(name).read_text(encoding="utf-8")
        values = [line for line in text.splitlines() if line.startswith("value")]
        assert values and all(line.split("=", 1)[1].strip().startswith('"') for line in values)


@pytest.mark.parametrize(
    ("day", "category", "expected"),
    [
        (date(2000, 6, 1), PARTICULIER, "2.74"),
        (date(2014, 12, 31), AUTRES, "0.04"),
        (date(2015, 1, 1), PARTICULIER, "4.06"),
        (date(2015, 1, 1), AUTRES, "0.93"),
        (date(2016, 4, 10), PARTICULIER, "4.54"),
        (date(2023, 7, 1), PARTICULIER, "6.82"),  # not 6.83 (one secondary site is wrong)
        (date(2023, 12, 31), AUTRES, "4.22"),
        (date(2024, 3, 1), AUTRES, "5.07"),
        (date(2025, 6, 30), PARTICULIER, "7.21"),
        (date(2025, 7, 1), AUTRES, "2.76"),
        (date(2026, 6, 30), PARTICULIER, "6.67"),
        (date(2026, 1, 1), AUTRES, "2.62"),
    ],
)
def test_legal_rate_of_a_day(day, category, expected):
    assert SHIPPED.legal_rate(day, category).value == Decimal(expected)


def test_the_two_categories_differ_since_2015():
    # A public calculator shipped identical values for both categories: it was wrong.
    for row in SHIPPED.legal.rows_for(PARTICULIER):
        if row.valid_from >= date(2015, 1, 1):
            assert row.value != SHIPPED.legal_rate(row.valid_from, AUTRES).value


def test_2026_s2_is_missing_and_the_message_names_the_semester():
    with pytest.raises(MissingRate) as caught:
        SHIPPED.legal_rate(date(2026, 11, 26), PARTICULIER)
    assert "2e semestre 2026" in caught.value.message
    assert "01/07/2026" in caught.value.message
    assert "ajoutez" in caught.value.message


def test_before_2000_the_message_names_the_year():
    with pytest.raises(MissingRate, match="l'année 1999"):
        SHIPPED.legal_rate(date(1999, 12, 31), AUTRES)


def test_unknown_category_is_refused_in_french():
    with pytest.raises(InvalidInput, match="Catégorie de créancier inconnue"):
        SHIPPED.legal_rate(date(2025, 1, 1), "entreprise")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2013, 3, 1), "0.75"),
        (date(2019, 1, 1), "0.00"),
        (date(2022, 7, 26), "0.00"),
        (date(2022, 7, 27), "0.50"),
        (date(2023, 1, 1), "2.50"),
        (date(2023, 7, 1), "4.00"),
        (date(2024, 1, 1), "4.50"),
        (date(2024, 7, 1), "4.25"),
        (date(2025, 1, 1), "3.15"),
        (date(2025, 6, 10), "2.40"),
        (date(2025, 6, 11), "2.15"),
        (date(2026, 1, 1), "2.15"),
        (date(2026, 2, 5), "2.15"),
    ],
)
def test_ecb_rate_in_force_on_a_day(day, expected):
    assert SHIPPED.ecb_rate(day).value == Decimal(expected)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # docs/law/statement.md §4: the ECB rate on the first day of the half-year.
        (date(2023, 5, 1), "2.50"),
        (date(2023, 9, 1), "4.00"),
        (date(2024, 2, 1), "4.50"),
        (date(2024, 12, 31), "4.25"),
        (date(2025, 6, 30), "3.15"),
        (date(2025, 7, 1), "2.15"),
        (date(2026, 6, 30), "2.15"),
    ],
)
def test_ecb_rate_for_l441_10_is_the_one_on_1_january_or_1_july(day, expected):
    assert SHIPPED.ecb_rate_for_half_year(day).value == Decimal(expected)


def test_ecb_rate_for_2026_s2_is_unknown():
    with pytest.raises(MissingRate) as caught:
        SHIPPED.ecb_rate_for_half_year(date(2026, 9, 1))
    assert "01/07/2026" in caught.value.message and "2e semestre 2026" in caught.value.message
    with pytest.raises(MissingRate):
        SHIPPED.ecb_rate(date(2026, 2, 6))


def test_shipped_tables_are_parsed_once():
    assert r.shipped_table(LEGAL) is r.shipped_table(LEGAL)
    assert Rates.shipped() is Rates.shipped()


# --- validation -------------------------------------------------------------------------------


def test_a_gap_is_rejected():
    rows = [_row("2025-01-01", "2025-03-31", "2.00"), _row("2025-04-02", "2025-12-31", "2.10")]
    with pytest.raises(InvalidInput, match="Trou"):
        RateTable.build(ECB, rows)


def test_an_overlap_is_rejected():
    rows = [_row("2025-01-01", "2025-04-30", "2.00"), _row("2025-04-01", "2025-12-31", "2.10")]
    with pytest.raises(InvalidInput, match="Chevauchement"):
        RateTable.build(ECB, rows)


def test_a_row_without_source_is_rejected():
    with pytest.raises(InvalidInput, match="aucune source"):
        RateTable.build(ECB, [_row("2025-01-01", "2025-12-31", source="  ".strip())])


def test_a_legal_row_must_be_one_semester_since_2015():
    rows = [_row("2025-01-01", "2025-12-31", category=PARTICULIER)]
    with pytest.raises(InvalidInput, match="un semestre"):
        RateTable.build(LEGAL, rows)


def test_a_legal_row_needs_a_known_category():
    with pytest.raises(InvalidInput, match="catégorie"):
        RateTable.build(LEGAL, [_row("2025-01-01", "2025-06-30", category="tous")])


def test_a_float_in_the_file_is_refused():
    text = '[[rate]]\nvalid_from = 2025-01-01\nvalid_to = 2025-12-31\nvalue = 2.15\nsource = "x"\n'
    with pytest.raises(InvalidInput, match="texte"):
        r.load_table_text(ECB, text)


def test_a_valid_small_table_loads():
    text = (
        '[[rate]]\nvalid_from = 2025-01-01\nvalid_to = 2025-06-30\nvalue = "2.15"\nsource = "x"\n'
        '[[rate]]\nvalid_from = 2025-07-01\nvalid_to = 2025-12-31\nvalue = "2,00"\nsource = "y"\n'
    )
    table = r.load_table_text(ECB, text)
    assert table.row_on(date(2025, 8, 1)).value == Decimal("2.00")


# --- rows added by the étude ------------------------------------------------------------------


def _etude_2026_s2(category=PARTICULIER, value="6,50", **kw):
    fields = dict(
        table=LEGAL,
        category=category,
        valid_from="01/07/2026",
        valid_to="31/12/2026",
        value=value,
        source="Arrêté du 2X juin 2026 (JO), lu sur Légifrance",
        entered_by="mdupont",
        entered_on=date(2026, 7, 2),
    )
    fields.update(kw)
    return etude_row(**fields)


def test_the_etude_can_add_the_missing_semester():
    rates = SHIPPED.with_etude_rows(legal=[_etude_2026_s2()])
    row = rates.legal_rate(date(2026, 11, 26), PARTICULIER)
    assert row.value == Decimal("6.50") and row.from_etude and row.entered_by == "mdupont"
    with pytest.raises(MissingRate):  # the other category is still missing
        rates.legal_rate(date(2026, 11, 26), AUTRES)
    with pytest.raises(MissingRate):  # the shipped tables are unchanged
        SHIPPED.legal_rate(date(2026, 11, 26), PARTICULIER)


def test_an_etude_row_never_replaces_a_shipped_row():
    row = _etude_2026_s2(valid_from="01/01/2026", valid_to="30/06/2026")
    with pytest.raises(InvalidInput, match="ne peut pas être remplacé"):
        SHIPPED.with_etude_rows(legal=[row])


def test_an_etude_row_must_not_leave_a_gap():
    row = _etude_2026_s2(valid_from="01/01/2027", valid_to="30/06/2027")
    with pytest.raises(InvalidInput, match="Trou"):
        SHIPPED.with_etude_rows(legal=[row])


def test_an_etude_row_needs_a_source_and_an_author():
    with pytest.raises(InvalidInput, match="source"):
        _etude_2026_s2(source=" ")
    with pytest.raises(InvalidInput, match="qui a saisi"):
        _etude_2026_s2(entered_by="")


def test_an_etude_ecb_row_continues_the_table():
    row = etude_row(
        table=ECB,
        valid_from=date(2026, 2, 6),
        valid_to=date(2026, 7, 31),
        value="2.15",
        source="Communiqués BCE mars–juin 2026",
        entered_by="mdupont",
        entered_on=date(2026, 8, 1),
    )
    rates = SHIPPED.with_etude_rows(ecb=[row])
    assert rates.ecb_rate_for_half_year(date(2026, 9, 1)).from_etude


def test_a_shipped_row_cannot_be_smuggled_in_as_an_extra():
    with pytest.raises(InvalidInput, match="origine"):
        SHIPPED.legal.with_etude_rows([_row("2026-07-01", "2026-12-31", category=PARTICULIER)])


# --- the half-year to come (dashboard reminder) ------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 14), (date(2026, 7, 1),)),
        (date(2026, 12, 15), (date(2026, 7, 1), date(2027, 1, 1))),  # from 15 December: 1 January's too
        (date(2026, 12, 31), (date(2026, 7, 1), date(2027, 1, 1))),
        (date(2027, 1, 1), (date(2027, 1, 1),)),
        (date(2027, 6, 14), (date(2027, 1, 1),)),
        (date(2027, 6, 15), (date(2027, 1, 1), date(2027, 7, 1))),  # from 15 June: 1 July's too
        (date(2027, 7, 1), (date(2027, 7, 1),)),
        (date(2027, 11, 15), (date(2027, 7, 1),)),  # the 15th counts in June and December only
    ],
)
def test_half_years_whose_legal_rate_is_expected(today, expected):
    assert legal_half_years_due(today) == expected


def test_the_missing_rate_line_names_the_half_year_and_the_command():
    line = missing_legal_rate_notice(date(2027, 1, 1), [AUTRES, PARTICULIER])
    assert line == (
        "Taux de l'intérêt légal du 1er semestre 2027 non saisi (particulier et autres) : "
        "clerc rates add --table legal --category particulier --from 01/01/2027 --to 30/06/2027 "
        '--value … --source "Arrêté du …" (puis --category autres)'
    )
    line = missing_legal_rate_notice(date(2027, 7, 1), [AUTRES])
    assert "2e semestre 2027 non saisi (autres)" in line and "--from 01/07/2027 --to 31/12/2027" in line
    assert "puis" not in line and "\n" not in line
