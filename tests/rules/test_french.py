"""rules/french.py: the one way amounts, dates and rates are read and written."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.french import (
    NBSP,
    day_label,
    format_amount,
    format_cents,
    format_date,
    format_date_long,
    format_decimal,
    format_fixed,
    format_integer,
    format_percent,
    parse_amount,
    parse_date,
    parse_percent,
    plain_amount,
    plain_rate,
)

cents = st.decimals(min_value=D("-99999999.99"), max_value=D("99999999.99"), places=2)


def test_format_amount_and_its_variants():
    assert format_amount(D("1234.5")) == "1\u00a0234,50\u00a0€"
    assert format_amount(D("1234567.891")) == "1\u00a0234\u00a0567,89\u00a0€"
    assert format_amount(D("-0.5")) == "-0,50\u00a0€"
    assert format_amount(D("999"), currency=False) == "999,00"
    assert format_amount(D("1234567.8"), currency=False, grouping=False) == "1234567,80"
    assert format_amount(D("0.005")) == "0,01\u00a0€"  # half-up to the cent
    assert plain_amount(D("1234.5")) == "1234.50"
    assert format_cents(123450) == format_amount(D("1234.50")) and format_cents(-5, currency=False) == "-0,05"


def test_one_thousands_separator_everywhere():
    # The no-break space U+00A0, never the narrow U+202F nor a plain space.
    for text in (format_amount(D("1234567")), format_integer(1234567), format_percent(D("7.21"))):
        assert "\u202f" not in text and " " not in text and NBSP in text


@pytest.mark.parametrize(
    "typed",
    ["1 234,56", "1\u00a0234,56", "1\u202f234,56", "1234.56", "1.234,56", "1 234,56 €", " 1234,56€ "],
)
def test_parse_amount_accepts_the_ways_a_clerc_types(typed):
    assert parse_amount(typed) == D("1234.56")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Montant vide"),
        ("abc", "n'est pas un montant"),
        ("1,234", "pas plus de deux décimales"),
        ("-5", "ne peut pas être négatif"),
        ("NaN", "n'est pas un montant"),
    ],
)
def test_parse_amount_refuses_in_french(typed, message):
    with pytest.raises(InvalidInput, match=message):
        parse_amount(typed)


def test_parse_amount_options():
    assert parse_amount("-5", allow_negative=True) == D("-5.00")
    with pytest.raises(InvalidInput, match="supérieur à zéro"):
        parse_amount("0", allow_zero=False)


@given(cents)
def test_an_amount_printed_reads_back(value):
    assert parse_amount(format_amount(value), allow_negative=True) == value
    assert parse_amount(format_amount(value, currency=False, grouping=False), allow_negative=True) == value


def test_integers_and_decimals():
    assert format_integer(36500) == "36\u00a0500"
    assert format_integer(999) == "999" and format_integer(-1000) == "-1\u00a0000"
    assert format_decimal(D("2.50")) == "2,5" and format_decimal(D("5")) == "5"


def test_percent():
    assert format_percent(D("7.2")) == "7,20\u00a0%"
    assert format_percent(D("4.125")) == "4,125\u00a0%"  # a written rate is never rounded
    assert format_percent(D("20"), sign=False) == "20,00"
    assert plain_rate(D("4.125")) == "4.125" and plain_rate(D("7.2")) == "7.20"
    for typed in ("7,21", "7.21", "7,21 %", "7,21%", " 7,21\u00a0% "):
        assert parse_percent(typed) == D("7.21")
    assert parse_percent("4,125") == D("4.125")
    for bad in ("", "abc", "NaN", "inf"):
        with pytest.raises(InvalidInput, match=r"Taux : .* n'est pas un taux"):
            parse_percent(bad, where="Taux")


def test_dates():
    assert parse_date("26/11/2026") == parse_date("2026-11-26") == parse_date("26.11.2026") == date(2026, 11, 26)
    assert parse_date("1/3/2026") == date(2026, 3, 1)
    assert format_date(date(2026, 3, 1)) == "01/03/2026" and format_date(None) == ""
    assert format_date_long(date(2026, 3, 1)) == "1er mars 2026"
    assert format_date_long(date(2026, 8, 15)) == "15 août 2026"
    assert day_label(date(2025, 4, 12)) == "samedi 12/04/2025"
    with pytest.raises(InvalidInput, match="Date vide"):
        parse_date(" ")
    with pytest.raises(InvalidInput, match="n'existe pas dans le calendrier"):
        parse_date("31/02/2025")
    with pytest.raises(InvalidInput, match="jj/mm/aaaa"):
        parse_date("demain")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_a_date_printed_reads_back(day):
    assert parse_date(format_date(day)) == day


def test_the_same_amount_prints_the_same_on_a_screen_in_the_statement_and_in_the_cli(actor, db_path, capsys):
    """1 234 567,80 €: the dossier screen, the printed décompte and `clerc statement` agree."""
    from rich.console import Console

    from clerc_tui.cli import main
    from clerc_tui.models.db import close_database
    from clerc_tui.report.statement import statement_text
    from clerc_tui.screens.dossier_view import summary
    from clerc_tui.services.balances import due_on
    from clerc_tui.services.dossiers import get_dossier
    from clerc_tui.services.statement import dossier_statement
    from tests.services.test_ledger_statement import example_dossier

    expected = "1\u00a0234\u00a0567,80\u00a0€"
    assert format_amount(D("1234567.80")) == expected
    dossier = example_dossier(actor, claims={"principal": D("1234567.80")})
    at = date(2025, 9, 15)

    console = Console(width=160, record=True, file=None, force_terminal=False)
    with console.capture() as capture:
        console.print(summary(get_dossier(dossier.id), due_on(dossier.id, at)))
    screen = capture.get()
    statement = statement_text(dossier_statement(dossier.id, at))
    reference = dossier.reference
    close_database()
    assert main(["--db", str(db_path), "statement", reference, "--at", format_date(at)]) == 0
    cli = capsys.readouterr().out

    for where, text in (("écran", screen), ("décompte", statement), ("CLI", cli)):
        assert expected in text, where
        assert "1\u202f234" not in text and "1 234 567" not in text, where


def test_sizes_read_in_french_units():
    from clerc_tui.rules.french import format_size

    nbsp = "\u00a0"
    assert format_size(654_389_248) == f"654,4{nbsp}Mo"
    assert format_size(1_000_000) == f"1{nbsp}Mo"
    assert format_size(6_700_000_000) == f"6,7{nbsp}Go"
    assert format_size(12_345) == f"12,3{nbsp}Ko"
    assert format_size(999) == f"999{nbsp}o"


def test_format_fixed_groups_thousands_and_keeps_the_places():
    # The seizable salary's bracket lines: four decimals, grouped like every amount.
    assert format_fixed(D("1228.33333"), 4) == f"1{NBSP}228,3333"
    assert format_fixed(D("518.33335"), 4) == "518,3334"  # half-up
    assert format_fixed(D("0"), 4) == "0,0000"
    assert format_fixed(D("1234567.5"), 2) == f"1{NBSP}234{NBSP}567,50"
    assert format_fixed(D("-1234.5"), 1) == f"-1{NBSP}234,5"


@given(cents)
def test_format_fixed_at_two_places_is_format_amount_without_currency(value):
    assert format_fixed(value, 2) == format_amount(value, currency=False)
