"""The rates a computation uses: the tables shipped with clerc plus the étude's own rows.

An étude row fills a period the shipped tables lack (a half-year whose arrêté is newer than
this version of clerc; docs/law/rates.md). It is validated by rules/rates.py against everything already
known (no gap, no overlap, never over a shipped row), stored with who entered it, when
and from what source, audited, and every décompte line that uses it is marked. The
dashboard says, one line, when a legal rate the étude will need is not there yet.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from clerc_tui.errors import InvalidInput
from clerc_tui.models import EtudeRate
from clerc_tui.models.db import read_date, write_transaction
from clerc_tui.rules.rates import (
    ECB,
    LEGAL,
    LEGAL_CATEGORIES,
    RateRow,
    Rates,
    RateTable,
    etude_row,
    legal_half_years_due,
    missing_legal_rate_notice,
    shipped_table,
)
from clerc_tui.services.audit import record, snapshot
from clerc_tui.services.context import Actor, require
from clerc_tui.services.plain import Prepared, tuples

TABLES = (LEGAL, ECB)


def _row(model: EtudeRate) -> RateRow:
    return _stored_row(
        (
            model.rate_table,
            model.category,
            model.valid_from,
            model.valid_to,
            model.value,
            model.source,
            model.entered_by,
            model.entered_at,
        )
    )


# The columns of a stored étude row, in the order `_stored_row` reads them.
_STORED = (
    EtudeRate.rate_table,
    EtudeRate.category,
    EtudeRate.valid_from,
    EtudeRate.valid_to,
    EtudeRate.value,
    EtudeRate.source,
    EtudeRate.entered_by,
    EtudeRate.entered_at,
)


def _stored_row(stored: tuple[Any, ...]) -> RateRow:
    table, category, valid_from, valid_to, value, source, entered_by, entered_at = stored
    return etude_row(
        table=table,
        valid_from=valid_from,
        valid_to=valid_to,
        value=str(value),
        source=source,
        entered_by=entered_by,
        entered_on=entered_at.date(),
        category=category,
    )


def etude_rows() -> tuple[list[RateRow], list[RateRow]]:
    """(legal rows, ECB rows) the étude entered, oldest period first."""
    legal: list[RateRow] = []
    ecb: list[RateRow] = []
    for model in EtudeRate.select().order_by(EtudeRate.valid_from, EtudeRate.id):
        (legal if model.rate_table == LEGAL else ecb).append(_row(model))
    return legal, ecb


def current_rates() -> Rates:
    """Shipped tables + the étude's rows (validated together; a bad stored row raises InvalidInput).

    One query per call; the tables are validated once per content of the étude's rows (every
    décompte asks: validating ~200 rows each time cost more than the décompte itself). Any
    change of a stored row (added, corrected by hand in the base) is a new key, so a new
    validation."""
    return _validated_rates(tuple(_ALL_STORED.raw()))


_ALL_STORED = Prepared(lambda: EtudeRate.select(*_STORED).order_by(EtudeRate.valid_from, EtudeRate.id).tuples(), 0)
# Each column's conversion, as peewee's cursor applies it: the rows are read as the driver gives
# them and converted only when their content is new (through peewee's cursor on every call, the
# two rows of the demo cost ~3 % of a décompte).
_STORED_CONVERTERS = tuple(column.python_value for column in _STORED)


@lru_cache(maxsize=8)
def _validated_rates(stored: tuple[tuple[Any, ...], ...]) -> Rates:
    """The shipped tables with these stored étude rows (as the driver gives them: the same
    content, the same key), validated (an InvalidInput is not cached)."""
    if not stored:
        return Rates.shipped()
    rows = [tuple(convert(value) for convert, value in zip(_STORED_CONVERTERS, row, strict=True)) for row in stored]
    legal = [_stored_row(row) for row in rows if row[0] == LEGAL]
    ecb = [_stored_row(row) for row in rows if row[0] != LEGAL]
    return Rates.shipped().with_etude_rows(legal=legal, ecb=ecb)


def add_etude_rate(
    actor: Actor,
    *,
    table: str,
    valid_from,
    valid_to,
    value,
    source: str,
    category: str | None = None,
    now: datetime | None = None,
) -> RateRow:
    """Record a rate row typed by the étude (returned as the tables read it); InvalidInput
    (French) if it overlaps a shipped row or another étude row, leaves a gap, or lacks a
    source. Nothing is written then."""
    require(actor, "rate.add")
    if table not in TABLES:
        raise InvalidInput(f"Table de taux inconnue : « {table} » (legal ou ecb).", field="table")
    now = now or datetime.now()
    row = etude_row(
        table=table,
        valid_from=valid_from,
        valid_to=valid_to,
        value=value,
        source=source,
        entered_by=actor.login,
        entered_on=now.date(),
        category=category,
    )
    with write_transaction():
        legal, ecb = etude_rows()
        # Raises InvalidInput on overlap with a shipped row, overlap or gap with the others.
        Rates.shipped().with_etude_rows(
            legal=[*legal, row] if table == LEGAL else legal, ecb=[*ecb, row] if table == ECB else ecb
        )
        model = EtudeRate.create(
            rate_table=table,
            category=row.category,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            value=row.value,
            source=row.source,
            entered_by=actor.login,
            entered_at=now,
        )
        record(actor, "etude_rate.create", "etude_rate", model.id, after=snapshot(model), at=now)
    return _row(model)


def list_rates(table: str | None = None) -> list[RateRow]:
    """Every row in use (shipped and étude), per table then category then date."""
    rates = current_rates()
    rows = []
    for name, rate_table in ((LEGAL, rates.legal), (ECB, rates.ecb)):
        if table in (None, name):
            rows += sorted(rate_table.rows, key=lambda r: (r.category or "", r.valid_from))
    return rows


def table_of(row: RateRow) -> str:
    return ECB if row.category is None else LEGAL


def legal_rate_notice(today: date, shipped: RateTable | None = None) -> str | None:
    """The dashboard's line when the legal rate of the current half-year or, from 15 June /
    15 December, of the next one is neither shipped nor entered by the étude, for either
    category; None when all are known. The earliest missing half-year is named (rows are
    added in order). No query while the shipped table covers those half-years, one otherwise.
    `shipped`: the shipped legal table (tests pass their own)."""
    shipped = shipped or shipped_table(LEGAL)
    wanted = [
        (start, category)
        for start in legal_half_years_due(today)
        for category in LEGAL_CATEGORIES
        if shipped.find(start, category) is None
    ]
    if not wanted:
        return None
    starts = sorted({start for start, _category in wanted})
    query = tuples(
        EtudeRate.select(EtudeRate.category, EtudeRate.valid_from).where(
            EtudeRate.rate_table == LEGAL, EtudeRate.valid_from.in_(starts)
        )
    )
    entered = {(category, read_date(valid_from)) for category, valid_from in query}
    for start in starts:
        missing = [category for s, category in wanted if s == start and (category, start) not in entered]
        if missing:
            return missing_legal_rate_notice(start, missing)
    return None
