"""The dashboard's line when the legal rate of the half-year to come (from 15 June / 15 December)
or of the current one is missing. Synthetic shipped tables and fixed days only."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerc_tui.models import EtudeRate
from clerc_tui.models.db import database
from clerc_tui.rules.rates import AUTRES, LEGAL, PARTICULIER, RateRow, RateTable
from clerc_tui.services.rates import legal_rate_notice


def _row(start, end, value, category):
    return RateRow(date.fromisoformat(start), date.fromisoformat(end), Decimal(value), "arrêté — lu sur x", category)


# Synthetic shipped legal table: 2024 S1 and S2, both categories.
SHIPPED = RateTable.build(
    LEGAL,
    [
        _row("2024-01-01", "2024-06-30", "8.01", PARTICULIER),
        _row("2024-07-01", "2024-12-31", "8.16", PARTICULIER),
        _row("2024-01-01", "2024-06-30", "5.07", AUTRES),
        _row("2024-07-01", "2024-12-31", "4.92", AUTRES),
    ],
)


def _enter(category, start, end):
    """A row the étude entered (written straight to the table: the synthetic shipped table is
    not the one add_etude_rate checks against)."""
    EtudeRate.create(
        rate_table=LEGAL,
        category=category,
        valid_from=date.fromisoformat(start),
        valid_to=date.fromisoformat(end),
        value=Decimal("7.00"),
        source="Arrêté du … — lu sur x",
        entered_by="cmartin",
        entered_at=datetime(2024, 12, 20, 9, 0),
    )


def test_before_15_december_nothing_is_said(db_path):
    assert legal_rate_notice(date(2024, 12, 14), SHIPPED) is None


def test_from_15_december_the_missing_january_rate_is_named_with_the_command(db_path):
    line = legal_rate_notice(date(2024, 12, 15), SHIPPED)
    assert line == (
        "Taux de l'intérêt légal du 1er semestre 2025 non saisi (particulier et autres) : "
        "clerc rates add --table legal --category particulier --from 01/01/2025 --to 30/06/2025 "
        '--value … --source "Arrêté du …" (puis --category autres)'
    )


def test_one_category_entered_leaves_the_other_named(db_path):
    _enter(PARTICULIER, "2025-01-01", "2025-06-30")
    line = legal_rate_notice(date(2024, 12, 20), SHIPPED)
    assert "1er semestre 2025 non saisi (autres)" in line and "--category autres" in line
    _enter(AUTRES, "2025-01-01", "2025-06-30")
    assert legal_rate_notice(date(2024, 12, 20), SHIPPED) is None
    assert legal_rate_notice(date(2025, 3, 1), SHIPPED) is None


def test_once_the_half_year_has_begun_the_line_stays_until_the_rate_is_entered(db_path):
    assert "1er semestre 2025" in legal_rate_notice(date(2025, 1, 1), SHIPPED)
    assert "1er semestre 2025" in legal_rate_notice(date(2025, 5, 31), SHIPPED)
    # From 15 June both 2025 S1 and S2 are missing: the earliest is named (rows go in order).
    assert "1er semestre 2025" in legal_rate_notice(date(2025, 6, 20), SHIPPED)


def test_from_15_june_the_july_rate(db_path):
    _enter(PARTICULIER, "2025-01-01", "2025-06-30")
    _enter(AUTRES, "2025-01-01", "2025-06-30")
    assert legal_rate_notice(date(2025, 6, 14), SHIPPED) is None
    line = legal_rate_notice(date(2025, 6, 15), SHIPPED)
    assert "2e semestre 2025 non saisi (particulier et autres)" in line and "--from 01/07/2025 --to 31/12/2025" in line


def _statements(call) -> list[str]:
    """The SQL statements SQLite ran during `call()`."""
    seen: list[str] = []
    connection = database.connection()
    connection.set_trace_callback(seen.append)
    try:
        call()
    finally:
        connection.set_trace_callback(None)
    return seen


def test_no_query_while_the_shipped_table_covers_the_half_years_and_one_otherwise(db_path):
    assert _statements(lambda: legal_rate_notice(date(2024, 12, 14), SHIPPED)) == []
    assert _statements(lambda: legal_rate_notice(date(2024, 6, 30), SHIPPED)) == []
    assert len(_statements(lambda: legal_rate_notice(date(2024, 12, 15), SHIPPED))) == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)))
def test_a_line_exactly_when_a_due_half_year_is_missing(db_path, today):
    # Nothing entered by the étude: the line appears iff the day is in 2025 or later, or from
    # 15 December 2024 on (the half-year starting 1 January 2025 is then due).
    expected = today >= date(2024, 12, 15)
    assert (legal_rate_notice(today, SHIPPED) is not None) == expected


@pytest.mark.parametrize("today", [date(2024, 12, 15), date(2025, 2, 1)])
def test_the_line_is_one_line(db_path, today):
    assert "\n" not in legal_rate_notice(today, SHIPPED)
