"""The demo's stand-in rate rows run to the demo's own `today`, half-year by half-year, so that
its décomptes work on 1 January 2027 and after, whatever the shipped tables hold."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from clerc_tui.demo import PROVISIONAL_MARK, build_demo, provisional_rates
from clerc_tui.errors import MissingRate
from clerc_tui.models import EtudeRate, LedgerEntry
from clerc_tui.models.db import close_database, open_database
from clerc_tui.rules.rates import AUTRES, ECB, LEGAL, PARTICULIER, RateRow, Rates, RateTable, etude_row
from clerc_tui.services.rates import current_rates
from clerc_tui.services.statement import dossier_statement


def _row(start, end, value, category=None):
    return RateRow(date.fromisoformat(start), date.fromisoformat(end), Decimal(value), "arrêté — lu sur x", category)


# A synthetic "shipped" set: legal rates to 31/12/2024, ECB to 10/03/2024.
SYNTHETIC = Rates(
    RateTable.build(
        LEGAL,
        [
            _row("2024-01-01", "2024-06-30", "8.01", PARTICULIER),
            _row("2024-07-01", "2024-12-31", "8.16", PARTICULIER),
            _row("2024-01-01", "2024-06-30", "5.07", AUTRES),
            _row("2024-07-01", "2024-12-31", "4.92", AUTRES),
        ],
    ),
    RateTable.build(ECB, [_row("2023-09-20", "2024-03-10", "4.50")]),
)


def test_stand_ins_on_1_january_2027_run_half_year_by_half_year():
    rows = provisional_rates(date(2027, 1, 1), SYNTHETIC)
    legal = [r for r in rows if r[0] == "legal" and r[1] == PARTICULIER]
    # 2025 S1, 2025 S2, 2026 S1, 2026 S2, 2027 S1: five half-years, the last value repeated.
    assert [(r[2], r[3]) for r in legal] == [
        ("2025-01-01", "2025-06-30"),
        ("2025-07-01", "2025-12-31"),
        ("2026-01-01", "2026-06-30"),
        ("2026-07-01", "2026-12-31"),
        ("2027-01-01", "2027-06-30"),
    ]
    assert {r[4] for r in legal} == {"8.16"}
    assert legal[-1][5] == "provisoire — à vérifier (taux du 1er semestre 2027 non relevé)"
    assert {r[4] for r in rows if r[1] == AUTRES} == {"4.92"} and len([r for r in rows if r[1] == AUTRES]) == 5
    assert [r for r in rows if r[0] == "ecb"] == [
        (
            "ecb",
            None,
            "2024-03-11",
            "2027-06-30",
            "4.50",
            "provisoire — à vérifier (décisions de la BCE après le 10/03/2024 non relevées)",
        )
    ]


def test_no_stand_in_where_the_tables_already_reach():
    assert provisional_rates(date(2024, 3, 1), SYNTHETIC) == [
        (
            "ecb",
            None,
            "2024-03-11",
            "2024-06-30",
            "4.50",
            "provisoire — à vérifier (décisions de la BCE après le 10/03/2024 non relevées)",
        )
    ]
    assert provisional_rates(date(2023, 12, 1), SYNTHETIC) == []


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2045, 12, 31)))
def test_stand_ins_make_a_valid_table_that_covers_today(today):
    extra = {LEGAL: [], ECB: []}
    for table, category, valid_from, valid_to, value, source in provisional_rates(today, SYNTHETIC):
        extra[table].append(
            etude_row(
                table=table,
                category=category,
                valid_from=valid_from,
                valid_to=valid_to,
                value=value,
                source=source,
                entered_by="demo",
                entered_on=today,
            )
        )
    rates = SYNTHETIC.with_etude_rows(legal=extra[LEGAL], ecb=extra[ECB])  # no gap, no overlap
    end = (date(today.year, 7, 1) if today.month <= 6 else date(today.year + 1, 1, 1)) - timedelta(days=1)
    for category in (PARTICULIER, AUTRES):
        assert rates.legal_rate(today, category) and rates.legal.last_day(category) == max(end, date(2024, 12, 31))
    assert rates.ecb_rate(today) and rates.ecb.last_day() == max(end, date(2024, 3, 10))


def test_a_demo_built_on_1_january_2027_gives_statements_to_that_day(tmp_path):
    today = date(2027, 1, 1)
    path = tmp_path / "demo.db"
    build_demo(str(path), dossiers=120, seed=5, today=today)
    open_database(str(path))
    try:
        rates = current_rates()  # shipped + the demo's stand-ins, validated together
        for category in (PARTICULIER, AUTRES):
            assert rates.legal_rate(today, category)
        assert rates.ecb_rate_for_half_year(today)
        assert all(PROVISIONAL_MARK in r.source for r in EtudeRate.select())
        dossiers = {e.dossier_id for e in LedgerEntry.select(LedgerEntry.dossier)}
        assert dossiers
        for dossier_id in dossiers:
            try:
                dossier_statement(dossier_id, today)
            except MissingRate as error:  # pragma: no cover - the failure this test is about
                raise AssertionError(error.message) from None
    finally:
        close_database()
