"""The rates a computation uses: the tables shipped with clerc plus the étude's own rows.

An étude row fills a period the shipped tables lack (money.md §10: 2026 S2 is not
published in our sources). It is validated by rules/rates.py against everything already
known (no gap, no overlap, never over a shipped row), stored with who entered it, when
and from what source, audited, and every décompte line that uses it is marked.
"""

from __future__ import annotations

from datetime import datetime

from clerc_tui.errors import InvalidInput
from clerc_tui.models import EtudeRate
from clerc_tui.models.db import write_transaction
from clerc_tui.rules.rates import ECB, LEGAL, RateRow, Rates, etude_row
from clerc_tui.services.audit import record, snapshot
from clerc_tui.services.context import Actor, require_write

TABLES = (LEGAL, ECB)


def _row(model: EtudeRate) -> RateRow:
    return etude_row(table=model.rate_table, valid_from=model.valid_from, valid_to=model.valid_to,
                     value=str(model.value), source=model.source, entered_by=model.entered_by,
                     entered_on=model.entered_at.date(), category=model.category)


def etude_rows() -> tuple[list[RateRow], list[RateRow]]:
    """(legal rows, ECB rows) the étude entered, oldest period first."""
    legal, ecb = [], []
    for model in EtudeRate.select().order_by(EtudeRate.valid_from, EtudeRate.id):
        (legal if model.rate_table == LEGAL else ecb).append(_row(model))
    return legal, ecb


def current_rates() -> Rates:
    """Shipped tables + the étude's rows (validated together; a bad stored row raises InvalidInput)."""
    legal, ecb = etude_rows()
    if not legal and not ecb:
        return Rates.shipped()
    return Rates.shipped().with_etude_rows(legal=legal, ecb=ecb)


def add_etude_rate(actor: Actor, *, table: str, valid_from, valid_to, value, source: str,
                   category: str | None = None, now: datetime | None = None) -> EtudeRate:
    """Record a rate row typed by the étude; InvalidInput (French) if it overlaps a shipped
    row or another étude row, leaves a gap, or lacks a source. Nothing is written then."""
    require_write(actor)
    if table not in TABLES:
        raise InvalidInput(f"Table de taux inconnue : « {table} » (legal ou ecb).", field="table")
    now = now or datetime.now()
    row = etude_row(table=table, valid_from=valid_from, valid_to=valid_to, value=value, source=source,
                    entered_by=actor.login, entered_on=now.date(), category=category)
    with write_transaction():
        legal, ecb = etude_rows()
        # Raises InvalidInput on overlap with a shipped row, overlap or gap with the others.
        Rates.shipped().with_etude_rows(legal=legal + [row] if table == LEGAL else legal,
                                        ecb=ecb + [row] if table == ECB else ecb)
        model = EtudeRate.create(rate_table=table, category=row.category, valid_from=row.valid_from,
                                 valid_to=row.valid_to, value=row.value, source=row.source,
                                 entered_by=actor.login, entered_at=now)
        record(actor, "etude_rate.create", "etude_rate", model.id, after=snapshot(model), at=now)
    return model


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



