"""The dossier list's filter and the dashboard's counts stay cheap at étude scale (issue 12, item 4)
and say the same as before.

Speed is the bench's (bench/bench_filter.py); here: the rows and counts are those a brute-force
Python filter finds, under every sort order, through the walk of the sort index, its fallback
and the gather of few matches (thresholds made small so that a 400-dossier demo crosses them);
counts right around their cap; the query plans read covering indexes, never the deadline table;
and the walk stops at the page's last match (SQLite virtual-machine steps, a count, not a time).
"""

import functools
import re
import sqlite3
from datetime import date, timedelta

import pytest

from clerc_tui.models.db import close_database, database, open_database
from clerc_tui.models.migrations import LATEST
from clerc_tui.rules.names import fold
from clerc_tui.services import deadlines as agenda
from clerc_tui.services import dossier_list
from clerc_tui.services.dossier_list import ListQuery, count, fetch_page
from tests.conftest import TODAY
from tests.models.old_schema import old_database

pytestmark = pytest.mark.xdist_group("list_and_counts")

SORTS = ["reference", "debtor", "creditor", "nature", "phase", "balance"]
# Reference prefixes (all, one year, a few), words broad and narrow, accents, two words, none.
TEXTS = ["2", "2025", "2026-0001", "le", "ma", "sci", "martin", "lefèvre", "MÜLLER", "de ma", "2026 le", "zzqxw"]
SORT_INDEXES = {
    "reference": "dossier_reference",
    "debtor": "dossier_debtor_name_id",
    "creditor": "dossier_creditor_name_id",
    "nature": "dossier_nature_id",
    "phase": "dossier_phase_id",
    "balance": "dossier_balance_id",
}
_REFERENCE = re.compile(r"^\d+(-\d*)?$")
_WORD = re.compile(r"[0-9a-z]+")


@pytest.fixture
def demo(demo_base):
    return demo_base(dossiers=400, seed=3, today=TODAY)


def _python_filter(rows, text):
    """What the filter means, without SQL: each number a reference prefix, each word of two
    letters or more the prefix of a word of the reference, the debtors or the creditor."""
    kept = []
    for row in rows:
        words = _words(row.reference, row.debtor_name, row.creditor_name)
        ok = True
        for raw in text.split():
            token = fold(raw)
            if _REFERENCE.match(token):
                ok = ok and token <= row.reference < token + "~"
            else:
                ok = ok and all(any(w.startswith(t) for w in words) for t in _WORD.findall(token) if len(t) >= 2)
        if ok:
            kept.append(row)
    return kept


@functools.cache
def _words(reference: str, debtor_name: str, creditor_name: str) -> frozenset[str]:
    """The words a row's text folds to: the same 400 rows for every text and every test, so each
    row is folded once (folding was two thirds of the paging test's CPU)."""
    return frozenset(_WORD.findall(fold(f"{reference} {debtor_name} {creditor_name}")))


@functools.cache
def _found(rows: tuple) -> dict:
    """{text: the rows the Python filter keeps} for TEXTS: the same for the 24 sort orders and
    budgets, which see the same rows (the same demo: rows compared in full, not by id)."""
    return {text: _python_filter(rows, text) for text in TEXTS}


def _every_row():
    return fetch_page(ListQuery(""), limit=100_000)


@pytest.mark.parametrize("budget", [50, 10_000])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", SORTS)
def test_pages_hold_the_rows_a_python_filter_finds_in_the_sort_order(demo, monkeypatch, sort, descending, budget):
    # Broad from 20 matches: most filters walk the sort index; a budget of 50 rows makes many
    # walks come back short and gather after all, one of 10,000 never.
    monkeypatch.setattr(dossier_list, "BROAD_MATCHES", 20)
    monkeypatch.setattr(dossier_list, "WALK_BUDGET", budget, raising=False)  # (also run on the code before it)
    every = _every_row()
    assert len(every) == 400
    found = _found(tuple(every))
    for text in TEXTS:
        expected = sorted(found[text], key=lambda r: (r.sort_value(sort), r.id), reverse=descending)
        query = ListQuery(text, sort, descending)
        forward, page = [], fetch_page(query, limit=7)
        while page:
            forward += page
            page = fetch_page(query, limit=7, after=page[-1])
        assert [r.id for r in forward] == [r.id for r in expected], text
        backward, page = [], fetch_page(query, limit=7, last=True)
        while page:
            backward = page + backward
            page = fetch_page(query, limit=7, before=page[0])
        assert [r.id for r in backward] == [r.id for r in expected], text
        assert count(query, cap=1_000) == len(expected), text
    assert any(len(rows) > 20 for rows in found.values())  # the walk was taken
    assert any(0 < len(rows) <= 20 for rows in found.values())  # and the gather


@pytest.mark.parametrize("text", ["le", "2026", "2026 le"])
def test_counts_are_right_just_below_at_and_above_the_cap(demo, text):
    matches = len(_python_filter(_every_row(), text))
    assert matches > 3
    query = ListQuery(text)
    assert count(query, cap=matches + 1) == matches
    assert count(query, cap=matches) == matches  # exactly the cap: not « plus de »
    assert count(query, cap=matches - 1) == matches  # cap + 1: « plus de cap »
    assert count(query, cap=matches - 2) == matches - 1  # never more than cap + 1 counted


def test_the_count_cap_is_read_when_counting(demo, monkeypatch):
    """The screen shows « plus de N dossiers » past BROAD_MATCHES: count stops at the same N."""
    monkeypatch.setattr(dossier_list, "BROAD_MATCHES", 5)
    assert count(ListQuery("le")) == 6
    assert count(ListQuery("")) == 400  # no filter: the exact number, read from an index


# The statistics ANALYZE gave the dossier table of the 300,000-dossier demo: with them, SQLite
# plans the 400-dossier demo's queries as it plans that base's (sqlite.org/optoverview.html:
# « manual control of query plans using SQLITE_STAT tables »).
STATS_AT_300_000 = {
    "dossier_balance_id": "300000 1 1",
    "dossier_phase_id": "300000 75000 1",
    "dossier_nature_id": "300000 50000 1",
    "dossier_phase_reference": "300000 75000 1",
    "dossier_creditor_name_id": "300000 750 1",
    "dossier_debtor_name_id": "300000 3 1",
    "dossier_assigned_to_id": "300000 60000",
    "dossier_creditor_id": "300000 750",
    "dossier_reference": "300000 1",
}


@pytest.fixture
def planned_at_scale(demo):
    connection = database.obj.connection()
    connection.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'dossier'")
    connection.executemany(
        "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('dossier', ?, ?)", sorted(STATS_AT_300_000.items())
    )
    connection.execute("ANALYZE sqlite_schema")  # reload the statistics
    return demo


class _Queries:
    """The SQL the services send, with its parameters."""

    def __init__(self, monkeypatch):
        self.sent = []
        original = database.obj.execute_sql

        def execute_sql(sql, params=None, *args, **kwargs):
            self.sent.append((sql, list(params or [])))
            return original(sql, params, *args, **kwargs)

        monkeypatch.setattr(database.obj, "execute_sql", execute_sql)

    def plans(self):
        """Each query's EXPLAIN QUERY PLAN as (id, parent, detail) rows."""
        return [
            (sql, [(r[0], r[1], r[3]) for r in database.obj.connection().execute(f"EXPLAIN QUERY PLAN {sql}", params)])
            for sql, params in self.sent
        ]


def _subtree(plan, title):
    """The detail lines under the plan node whose detail is `title` (e.g. MATERIALIZE p)."""
    roots = {node for node, _parent, detail in plan if detail == title}
    lines, found = [], True
    while found:
        found = False
        for node, parent, detail in plan:
            if parent in roots and node not in roots:
                roots.add(node)
                lines.append(detail)
                found = True
    return lines


@pytest.mark.parametrize("sort", SORTS)
def test_a_broad_filter_walks_the_covering_sort_index_instead_of_sorting_its_matches(
    planned_at_scale, monkeypatch, sort
):
    monkeypatch.setattr(dossier_list, "BROAD_MATCHES", 20)
    queries = _Queries(monkeypatch)
    rows = fetch_page(ListQuery("le", sort), limit=7)
    assert len(rows) == 7
    index = SORT_INDEXES[sort]
    (page,) = [plan for sql, plan in queries.plans() if "MIN(dl.due_date)" in sql]
    ids = _subtree(page, "MATERIALIZE p")
    assert f"SCAN d USING COVERING INDEX {index}" in ids, ids
    assert not any("TEMP B-TREE" in line for line in ids), ids  # the matches are never sorted
    assert not any("INTEGER PRIMARY KEY" in line for line in ids), ids  # nor each read from the table


def _vm_steps(fn) -> int:
    """SQLite virtual-machine instructions (by tens) run by `fn`: the work done, as a count."""
    connection, counted = database.obj.connection(), [0]

    def step():
        counted[0] += 1
        return 0

    connection.set_progress_handler(step, 10)
    try:
        fn()
    finally:
        connection.set_progress_handler(None, 10)
    return counted[0]


def test_the_walk_stops_at_the_page_s_last_match(planned_at_scale, monkeypatch):
    """Every dossier matches « 2 »: the first page of 5 is found in 5 rows of the walk, so a budget
    of 300 or of 10,000 rows costs the same work (it would cost 60 times more if the walk read its
    whole budget before keeping the first matches)."""
    monkeypatch.setattr(dossier_list, "BROAD_MATCHES", 20)

    def work(budget):
        monkeypatch.setattr(dossier_list, "WALK_BUDGET", budget)
        return _vm_steps(lambda: fetch_page(ListQuery("2", "debtor"), limit=5))

    steps = [work(300), work(10_000), work(5)]
    assert steps[1] <= steps[0] * 1.1
    assert steps[2] <= steps[0] * 1.1
    # The measure itself sees a walk that is not stopped early: the gather of every match.
    monkeypatch.setattr(dossier_list, "BROAD_MATCHES", 10_000)
    assert work(10_000) > 3 * steps[0]


# --- the dashboard's counts ---------------------------------------------------------------------


def _python_counts(rows, today, horizon, clerc_id=None, procedure_id=None):
    end = today + timedelta(days=horizon)
    kept = [
        r
        for r in rows
        if not r.done
        and r.due_date <= end
        and (clerc_id is None or r.assigned_to_id == clerc_id)
        and (procedure_id is None or r.procedure_id == procedure_id)
    ]
    possible = sum(1 for r in kept if r.due_date < today and r.kind == "earliest_day")
    overdue = sum(1 for r in kept if r.due_date < today) - possible
    due_today = sum(1 for r in kept if r.due_date == today)
    return agenda.AgendaCounts(overdue, due_today, len(kept) - overdue - possible - due_today, possible)


def test_counts_are_those_of_the_rows_for_every_filter_and_horizon(demo):
    from clerc_tui.models import Deadline

    rows = list(Deadline.select())
    clerc = max(
        {r.assigned_to_id for r in rows if not r.done},
        key=lambda c: sum(1 for r in rows if r.assigned_to_id == c),
    )
    procedure = max({r.procedure_id for r in rows}, key=lambda p: sum(1 for r in rows if r.procedure_id == p))
    seen = set()
    for today in (TODAY, TODAY - timedelta(days=200), TODAY + timedelta(days=40)):
        for horizon in agenda.HORIZONS:
            for filters in (
                {},
                {"clerc_id": clerc},
                {"procedure_id": procedure},
                {"clerc_id": clerc, "procedure_id": procedure},
            ):
                counts = agenda.agenda_counts(today, horizon, **filters)
                assert counts == _python_counts(rows, today, horizon, **filters), (today, horizon, filters)
                seen.add(counts.possible > 0 and counts.overdue > 0 and counts.later > 0)
    assert True in seen  # every part was non-empty at least once


def _python_agenda(rows, today, horizon):
    end = today + timedelta(days=horizon)
    kept = [r for r in rows if not r.done and r.due_date <= end]

    def part(r):
        return (0 if r.kind != "earliest_day" else 1) if r.due_date < today else 2

    return [r.id for r in sorted(kept, key=lambda r: (part(r), r.due_date, r.id))]


@pytest.mark.parametrize("horizon", [7, 30, agenda.ALL_HORIZON])
def test_agenda_pages_both_ways_hold_the_open_deadlines_of_the_horizon_in_order(demo, horizon):
    """Each part of the agenda reads one index range with one upper bound; the rows are still
    exactly those of the horizon, whichever way the pages are read, even from a row beyond it."""
    from clerc_tui.models import Deadline

    expected = _python_agenda(list(Deadline.select()), TODAY, horizon)
    assert len(expected) > 37  # more than a page
    forward, page = [], agenda.agenda(TODAY, horizon, limit=37)
    while page:
        forward += [r.id for r in page]
        page = agenda.agenda(TODAY, horizon, limit=37, after=page[-1])
    assert forward == expected
    beyond = agenda.agenda(TODAY, agenda.ALL_HORIZON, limit=100_000)[-1]  # the last open deadline of all
    backward, page = [], agenda.agenda(TODAY, horizon, limit=37, before=beyond)
    while page:
        backward = [r.id for r in page] + backward
        page = agenda.agenda(TODAY, horizon, limit=37, before=page[0])
    assert backward == [i for i in expected if i != beyond.id]


def test_the_agenda_from_today_reads_no_more_for_a_ten_year_horizon(demo):
    """« t » (from today) skips the overdue parts: each ends before today, and that is the only
    upper bound of its range. With the horizon as a second one, SQLite walked every open
    deadline up to the horizon to find none."""
    week = _vm_steps(lambda: agenda.agenda(TODAY, 7, limit=5, start=TODAY))
    ten_years = _vm_steps(lambda: agenda.agenda(TODAY, agenda.ALL_HORIZON, limit=5, start=TODAY))
    assert ten_years <= week * 1.2, (week, ten_years)


@pytest.mark.parametrize(
    "filters", [{}, {"clerc_id": 1}, {"procedure_id": "saisie_vente"}, {"clerc_id": 1, "procedure_id": "saisie_vente"}]
)
@pytest.mark.parametrize("horizon", [7, agenda.ALL_HORIZON])
def test_counts_read_only_covering_indexes_of_the_open_deadlines(demo, monkeypatch, filters, horizon):
    queries = _Queries(monkeypatch)
    agenda.agenda_counts(TODAY, horizon, **filters)
    ((_sql, plan),) = queries.plans()
    reads = [d for _node, _parent, d in plan if d.startswith(("SEARCH", "SCAN")) and d != "SCAN CONSTANT ROW"]
    assert len(reads) == 4, reads  # past, possible, today, up to the horizon
    for detail in reads:
        assert re.match(r"SEARCH dl USING COVERING INDEX deadline_open_\w+ \(done=\? AND ", detail), detail


# --- the migration ------------------------------------------------------------------------------


def _v15_base(path, analysed: bool):
    old_database(path, 15, reference="2026-000001", opened_on="2026-01-05", debtor_name="X", balance_cents=0)
    with sqlite3.connect(path) as connection:
        for due, kind, done in (
            ("2026-11-20", "last_day", 0),
            ("2026-11-21", "earliest_day", 0),
            ("2026-11-26", "last_day", 0),
            ("2026-11-30", "expiry", 0),
            ("2026-11-22", "last_day", 1),
        ):
            connection.execute(
                "INSERT INTO deadline (dossier_id, procedure_id, step_id, rule_id, kind, due_date, label, basis, "
                "sanction, note, done, done_reason, created_at) VALUES (1, 'saisie_vente', 's', 'r', ?, ?, 'x', '', "
                "'', '', ?, '', '2026-01-05')",
                (kind, due, done),
            )
        if analysed:
            connection.execute("ANALYZE")


@pytest.mark.parametrize("analysed", [False, True])
def test_m0016_builds_small_indexes_of_the_open_deadlines_on_a_version_15_base(tmp_path, analysed):
    path = tmp_path / "v15.db"
    _v15_base(path, analysed)
    open_database(str(path))
    try:
        connection = database.obj.connection()
        assert connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == LATEST
        partial = {name: bool(p) for _s, name, _u, _o, p in connection.execute("PRAGMA index_list(deadline)")}
        new = {"deadline_open_due_kind", "deadline_open_clerc_due_kind", "deadline_open_procedure_due_kind"}
        assert {name for name in new if partial.get(name)} == new
        for name in new:  # only the four open deadlines are indexed
            assert (
                connection.execute(f'SELECT COUNT(*) FROM deadline INDEXED BY "{name}" WHERE done = 0').fetchone()[0]
                == 4
            )
        if analysed:  # the planner knows the new indexes' size too
            stats = {r[0] for r in connection.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'deadline'")}
            assert new <= stats
        counts = agenda.agenda_counts(date(2026, 11, 26), 7)
        assert (counts.overdue, counts.possible, counts.today, counts.later) == (1, 1, 1, 1)
    finally:
        close_database()
