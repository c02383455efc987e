"""The suite's PostgreSQL backend (docs/postgresql.md, « Tests »).

`CLERC_TEST_DATABASE_URL=postgresql://SUPERUSER@HOST:PORT/postgres` runs every test that uses a
base against that server instead of a SQLite file (`scripts/check` starts a throwaway cluster
and runs the suite a second time so). The fixtures of tests/conftest.py ask this module:
`migrated_base` is a template database migrated once per xdist worker, `fresh_base` a new
database copied from it (`CREATE DATABASE … TEMPLATE`, a file copy on the server: ~30 ms), and
the databases a test made are dropped when it ends. `db_path` is then the base's URL (a str)
where it is a file's Path on SQLite: what a test passes to `--db` or `open_database` works
the same; what needs a file (permissions, WAL, a copy of the file) is listed in SQLITE_ONLY.

A test that reaches no base through these fixtures (rules, rendering of plain dataclasses, a
base it makes itself with a SQLite path) runs the same on both passes: it is skipped on
PostgreSQL (`reaches_server`, docs/postgresql.md § 5), and the SQLite pass checks at each test
that one so classified never opens the suite's base (`opened`).
"""

from __future__ import annotations

import functools
import itertools
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

SERVER = os.environ.get("CLERC_TEST_DATABASE_URL", "")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_counter = itertools.count(1)
_made: list[str] = []  # databases made by this process, in order
opened: list[str] = []  # what the running test opened through the suite's fixtures (tests/conftest.py)


def enabled() -> bool:
    return SERVER.startswith(("postgresql://", "postgres://"))


def url(name: str) -> str:
    """The URL of the database `name` on the test server."""
    opened.append(name)
    parts = urlsplit(SERVER)
    return urlunsplit(parts._replace(path=f"/{name}"))


def name_of(target: str) -> str:
    return urlsplit(target).path.lstrip("/")


_admin: list = []


def admin(*statements: str) -> None:
    """Run statements as the server's superuser, outside any transaction (CREATE DATABASE)."""
    import psycopg

    opened.append("admin")
    if not _admin or _admin[0].closed:
        _admin[:] = [psycopg.connect(SERVER, autocommit=True)]  # one per test process, kept
    for statement in statements:
        _admin[0].execute(statement)  # type: ignore[arg-type]


_version: list[int] = []


def _server_version() -> int:
    if not _version:
        admin()
        _version.append(_admin[0].info.server_version)
    return _version[0]


# Fixtures through which a test reaches the suite's base: every other fixture that opens one
# (db_path, actor, sample_dossier, demo_base, make_app, module and session templates) requests
# one of these, so it is in the test's fixture closure.
SERVER_FIXTURES = frozenset({"migrated_base", "demo_template"})
# What a test module says when it reaches the server by itself (a URL built from SERVER, a
# branch on the backend): all its tests run on both passes.
MENTIONS = ("from tests import postgres", "tests.postgres", "CLERC_TEST_DATABASE_URL")


@functools.cache
def _mentions_the_server(path: Path) -> bool:
    try:
        source = path.read_text(encoding="utf-8")
    except OSError:
        return True  # unknown: kept
    return any(mention in source for mention in MENTIONS)


def reaches_server(item) -> bool:
    """Whether the test `item` can reach the PostgreSQL server of the second pass: it requests
    a fixture of SERVER_FIXTURES (directly or through another fixture), or its module names the
    server. Otherwise it opens no base or only SQLite files of its own, the same on both passes."""
    if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return True
    path = getattr(item, "path", None)
    return path is None or _mentions_the_server(Path(path))


def check_opened(item) -> None:
    """Fail the test `item` if it opened the suite's base (`opened`) while `reaches_server`
    says it cannot: the PostgreSQL pass would skip a test that reaches the server."""
    if opened and not reaches_server(item):
        pytest.fail(
            f"{item.nodeid}: opened the suite's base ({', '.join(opened)}) without requesting "
            f"{' or '.join(sorted(SERVER_FIXTURES))}: it would be skipped on PostgreSQL"
        )


def new_database(template: str | None = None, *, kept: bool = False) -> str:
    """A new empty database (or a copy of `template`'s); its URL. Dropped at the end of the test
    that made it, unless `kept` (the worker's templates, made once and copied by many tests)."""
    name = f"t_{WORKER}_{next(_counter)}"
    # FILE_COPY (PostgreSQL 15+) copies the template's files: 60–75 ms a copy on the test cluster
    # (fsync off), against 130–290 ms for the default WAL_LOG, which writes every page to the WAL.
    copy = ""
    if template:
        copy = f' TEMPLATE "{name_of(template)}"' + (" STRATEGY FILE_COPY" if _server_version() >= 150000 else "")
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"{copy}')
    if not kept:
        _made.append(name)
    return url(name)


def migrated_template() -> str:
    """A database made by `init_database` (every migration), closed: the worker's template."""
    from clerc_tui.models.db import close_database, init_database

    target = new_database(kept=True)
    init_database(target)
    close_database()
    return target


def fresh(template: str) -> str:
    """Open a new copy of the template database `template`; its URL."""
    from clerc_tui.models.db import close_database, open_database

    close_database()  # a template copied while a connection is open to it is refused
    target = new_database(template)
    open_database(target)
    return target


def remove(base) -> None:
    """Remove a base made by `fresh_base` now (a file, or a database): for tests that make many."""
    if isinstance(base, str) and enabled():
        from clerc_tui.models.db import close_database

        close_database()
        admin(f'DROP DATABASE IF EXISTS "{name_of(base)}" WITH (FORCE)')
        if name_of(base) in _made:
            _made.remove(name_of(base))
    else:
        base.unlink()


_demos: dict[tuple[int, int, str], str] = {}


def demo_template(*, dossiers: int, seed: int, today) -> str:
    """The URL of that demo base, built once per worker, closed (only ever copied)."""
    from clerc_tui.demo import build_demo
    from clerc_tui.models.db import close_database

    key = (dossiers, seed, today.isoformat())
    if key not in _demos:
        target = new_database(kept=True)
        build_demo(target, dossiers=dossiers, seed=seed, today=today, force=True)
        close_database()
        _demos[key] = target
    return _demos[key]


@pytest.fixture(autouse=True)
def _drop_test_databases():
    """Drop the databases made during the test (not those of module or session fixtures, set
    up before this one): a copy is ~8 MB on the server, the suite makes over a thousand."""
    if not enabled():
        yield
        return
    before = len(_made)
    yield
    from clerc_tui.models.db import close_database

    made, _made[before:] = _made[before:], []
    if made:
        close_database()
        admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in made))


# [backup]'s tests (merged on main after this branch): a SQLite file's online backup, its check and
# the session lock file beside it; on PostgreSQL a backup is pg_dump (its own test, with a server).
BACKUP_OF_A_FILE = "copie et restauration d'un fichier SQLite, verrou de session à côté du fichier"

# Tests that need a SQLite file by nature, skipped on PostgreSQL with the reason.
SQLITE_ONLY: dict[str, str] = {
    "tests/models/test_migrations.py::test_a_new_database_is_created_at_the_latest_schema": (
        "lit sqlite_master (dont l'index FTS5) ; le schéma PostgreSQL est vérifié par "
        "tests/test_postgresql.py::test_every_model_column_has_the_type_of_its_field"
    ),
    "tests/models/test_migrations.py::test_sqlite_is_opened_for_several_processes": "PRAGMA journal_mode (WAL)",
    "tests/models/test_migrations.py::test_money_is_stored_as_integer_cents": (
        "typeof() : classe de stockage de SQLite (PostgreSQL a des colonnes typées)"
    ),
    "tests/services/test_deadlines.py::test_agenda_query_uses_the_index_without_sorting": (
        "EXPLAIN QUERY PLAN de SQLite"
    ),
    "tests/services/test_deadlines.py::test_the_done_deadlines_are_read_latest_first_from_their_index": (
        "EXPLAIN QUERY PLAN de SQLite"
    ),
    "tests/services/test_deadline_trust.py::test_each_part_of_the_agenda_uses_the_index_without_sorting": (
        "EXPLAIN QUERY PLAN de SQLite"
    ),
    "tests/services/test_dossier_list.py::test_keyset_pages_walk_an_index_for_every_sort_order": (
        "EXPLAIN QUERY PLAN de SQLite"
    ),
    "tests/services/test_rates_notice.py::test_no_query_while_the_shipped_table_covers": (
        "compte les requêtes par set_trace_callback de sqlite3"
    ),
    "tests/services/test_balances_batch.py::test_short_transactions_and_a_few_queries_per_batch": (
        "compte les requêtes par set_trace_callback de sqlite3"
    ),
    "tests/services/test_list_and_counts_at_scale.py::test_a_broad_filter_walks_the_covering_sort_index": (
        "statistiques sqlite_stat1 et set_progress_handler de SQLite"
    ),
    "tests/services/test_list_and_counts_at_scale.py::test_the_walk_stops_at_the_page_s_last_match": (
        "statistiques sqlite_stat1 de SQLite (le parcours d'index est propre à SQLite)"
    ),
    "tests/services/test_list_and_counts_at_scale.py::test_counts_read_only_covering_indexes": (
        "EXPLAIN QUERY PLAN de SQLite"
    ),
    "tests/services/test_list_and_counts_at_scale.py::test_the_agenda_from_today_reads_no_more": (
        "compte les pas de la machine virtuelle de SQLite"
    ),
    "tests/screens/test_deadline_screens.py::test_a_commit_elsewhere_rereads": (
        "écrit par sqlite3 et sonde data_version ; sur PostgreSQL, LISTEN/NOTIFY : tests/test_postgresql.py"
    ),
    "tests/screens/test_deadline_screens.py::test_the_dashboard_follows_another_process": (
        "écrit par sqlite3 et sonde data_version ; sur PostgreSQL, LISTEN/NOTIFY : tests/test_postgresql.py"
    ),
    "tests/screens/test_dossier_screens.py::test_a_commit_elsewhere_rereads": (
        "écrit par sqlite3 et sonde data_version ; sur PostgreSQL, LISTEN/NOTIFY : tests/test_postgresql.py"
    ),
    "tests/screens/test_dossier_screens.py::test_a_change_made_by_another_process_shows_up": (
        "écrit par sqlite3 et sonde data_version ; sur PostgreSQL, LISTEN/NOTIFY : tests/test_postgresql.py"
    ),
    "tests/test_chain.py::test_the_demo_writes_the_chain_and_a_forged_demo_row_is_caught": (
        "falsifie le fichier SQLite par sqlite3 ; sur PostgreSQL, le serveur refuse la modification : "
        "tests/test_postgresql.py"
    ),
    # A SQLite file shared by OS accounts, whatever the backend under test: run once, in the first pass.
    "tests/test_shared_base.py": "droits d'un fichier de base partagé entre comptes du système",
    "tests/e2e/": "deux clercs par SSH sur une base SQLite partagée (fichier, droits, data_version)",
    "tests/test_terminal_gone.py": "le verrou des sessions est un fichier à côté d'une base SQLite",
}

SQLITE_ONLY.update(
    {
        f"tests/services/test_backup.py::{name}": BACKUP_OF_A_FILE
        for name in (
            "test_a_backup_while_a_clerc_writes_is_one_snapshot_and_passes_the_check",
            "test_a_copy_that_fails_the_check_is_not_kept",
            "test_a_clerc_starting_during_a_restore_is_refused_and_migrate_waits_for_no_one",
            "test_restore_refuses_what_is_not_a_sound_clerc_base_and_changes_nothing",
            "test_a_killed_backup_leaves_nothing_that_looks_like_a_copy",
            "test_restore_is_refused_while_another_program_has_the_base_open",
            "test_restore_is_refused_while_a_clerc_works_then_done_once_his_session_is_gone",
            "test_the_cli_speaks_french_and_names_the_files",
            "test_the_app_itself_holds_its_session_and_a_restore_names_it",
            "test_migrate_with_a_step_due_is_refused_while_a_clerc_is_connected_then_done",
        )
    }
)


SAME_ON_BOTH = "n'ouvre aucune base du serveur : le même test que sur la passe SQLite"


def skip_sqlite_only(items) -> None:
    """On PostgreSQL: skip SQLITE_ONLY's tests, and those that never reach the server."""
    if not enabled():
        return
    for item in items:
        for prefix, reason in SQLITE_ONLY.items():
            if item.nodeid.startswith(prefix):
                item.add_marker(pytest.mark.skip(reason=f"SQLite seulement : {reason}"))
                break
        else:
            if not reaches_server(item):
                item.add_marker(pytest.mark.skip(reason=SAME_ON_BOTH))
