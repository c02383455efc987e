"""m0030: the two indexes that were the prefix of another are gone, and what read them reads the
longer one (a search, not a scan)."""

from clerc_tui.models.db import database, is_sqlite
from clerc_tui.models.migrations import m0030_prefix_indexes


def _indexes(table: str) -> set[str]:
    if is_sqlite():
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = %s"
    return {name for (name,) in database.execute_sql(query, (table,))}


def test_the_prefix_indexes_are_dropped_and_the_longer_ones_kept(db_path):
    assert m0030_prefix_indexes.PREFIX_INDEXES == ("dossier_debtor_dossier_id", "timeline_event_dossier_id")
    debtors, events = _indexes("dossier_debtor"), _indexes("timeline_event")
    assert "dossier_debtor_dossier_id" not in debtors
    assert "dossier_debtor_dossier_id_debtor_id" in debtors
    assert "timeline_event_dossier_id" not in events
    assert "timeline_event_dossier_occurred" in events


def test_a_dossier_s_debtors_and_events_are_searched_by_the_longer_indexes(db_path):
    """SQLite: the foreign keys' cascade when a dossier is deleted (what read the shorter ones),
    a search, never a scan. PostgreSQL: its planner, scans by table forbidden, finds the longer one."""
    if is_sqlite():
        database.execute_sql("PRAGMA foreign_keys = ON")
        plan = [row[3] for row in database.execute_sql('EXPLAIN QUERY PLAN DELETE FROM "dossier" WHERE "id" = 1')]
        assert "SEARCH dossier_debtor USING COVERING INDEX dossier_debtor_dossier_id_debtor_id (dossier_id=?)" in plan
        assert "SEARCH timeline_event USING COVERING INDEX timeline_event_dossier_occurred (dossier_id=?)" in plan
        assert not any(step.startswith("SCAN") for step in plan)
        return
    with database.atomic():
        database.execute_sql("SET LOCAL enable_seqscan = off")
        for table, index in (
            ("dossier_debtor", "dossier_debtor_dossier_id_debtor_id"),
            ("timeline_event", "timeline_event_dossier_occurred"),
        ):
            plan = " ".join(
                r[0] for r in database.execute_sql(f'EXPLAIN SELECT 1 FROM "{table}" WHERE "dossier_id" = 1')
            )
            assert f"Index Scan on {index}" in plan or f"using {index} on {table}" in plan
