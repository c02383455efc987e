"""PostgreSQL: the optional driver, the server's own refusals, numbers under concurrency, search.

The tests marked `server` need the suite's PostgreSQL backend (CLERC_TEST_DATABASE_URL, set by
scripts/check for its second run: tests/postgres.py); the others run on both backends."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests import postgres
from tests.conftest import TODAY

server = pytest.mark.skipif(not postgres.enabled(), reason="needs the PostgreSQL backend (CLERC_TEST_DATABASE_URL)")


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_a_sqlite_base_never_imports_the_postgresql_driver(db_path):
    """psycopg installed costs ~120 ms at peewee's import (README « Mesures »): a clerc on a
    SQLite file must not pay it."""
    if postgres.enabled():
        pytest.skip("about a SQLite file")
    pytest.importorskip("psycopg")  # installed (the [postgres] extra): else there is nothing to avoid
    done = _python(
        "import sys\n"
        "from clerc_tui.services.database import open_database\n"
        f"open_database({str(db_path)!r})\n"
        "from clerc_tui.services import dossier_list\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg2')))\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_driver_is_loaded_for_a_postgresql_url_only():
    pytest.importorskip("psycopg")
    done = _python(
        "import peewee, sys\n"  # clerc_tui not imported first: peewee found psycopg itself
        "print(peewee.psycopg is not None)\n"
    )
    assert done.stdout.strip() == "True", done.stderr
    done = _python(
        "import clerc_tui, peewee, sys\n"
        "print(peewee.psycopg is None, 'psycopg' in sys.modules)\n"
        "from clerc_tui.models.db import make_database\n"
        "db = make_database('postgresql://nobody@127.0.0.1:1/none')\n"
        "print(peewee.psycopg is not None, type(db._adapter).__name__)\n"
    )
    assert done.stdout.split("\n")[:2] == ["True False", "True Psycopg3Adapter"], done.stderr


def test_without_the_driver_the_message_names_the_extra_to_install():
    done = _python(
        "import sys\n"
        "sys.modules['psycopg'] = None\n"  # as if the [postgres] extra were not installed
        "from clerc_tui.errors import ClercError\n"
        "from clerc_tui.models.db import open_database\n"
        "try:\n"
        "    open_database('postgresql://nobody@127.0.0.1:1/none')\n"
        "except ClercError as error:\n"
        "    print(error)\n"
    )
    assert "pip install 'clerc-tui[postgres]'" in done.stdout, done.stderr
    assert "psycopg 3" in done.stdout


# --- on the server ---------------------------------------------------------------------------


@server
def test_every_model_column_has_the_type_of_its_field(db_path):
    """psycopg 3 sends parameters typed (a bool is a boolean): a column of another type than
    its field refuses them (`integer = boolean`), which SQLite never says. m0018 fixed one."""
    from clerc_tui.models.db import database
    from tests.models.test_models_match_schema import all_models

    same = {
        "AUTO": "integer",
        "INT": "integer",
        "BIGINT": "bigint",
        "BOOL": "boolean",
        "VARCHAR": "character varying",
        "TEXT": "text",
        "DATE": "date",
        "DATETIME": "timestamp without time zone",
    }
    declared = {
        (table, column): kind
        for table, column, kind in database.execute_sql(
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'"
        ).fetchall()
    }
    wrong = [
        (table, field.column_name, field.field_type, declared.get((table, field.column_name)))
        for model in all_models()
        for table in [model._meta.table_name]
        for field in model._meta.sorted_fields
        if declared.get((table, field.column_name)) != same.get(field.field_type, "?")
    ]
    assert wrong == []


def _as_role(target: str, role: str) -> str:
    parts = urlsplit(target)
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}"))


@pytest.fixture
def clerc_role(db_path):
    """A login role of the étude's clercs (member of clerc_app, m0018), its URL to the test's base."""
    role = f"clerct_{postgres.WORKER}"
    postgres.admin(
        f"DROP ROLE IF EXISTS {role}",
        f"CREATE ROLE {role} LOGIN IN ROLE clerc_app",
        f'GRANT CONNECT ON DATABASE "{postgres.name_of(str(db_path))}" TO {role}',
    )
    yield _as_role(str(db_path), role)
    from clerc_tui.models.db import close_database

    close_database()
    postgres.admin(f"DROP OWNED BY {role}", f"DROP ROLE IF EXISTS {role}")


@server
def test_the_server_refuses_a_clerc_an_edit_of_the_ledger_or_the_audit_trail(clerc_role, sample_dossier):
    """The application role writes and reads the ledger and the audit trail, never edits them:
    refused by the server's privileges (not a trigger a table's owner could drop)."""
    import psycopg
    from psycopg.errors import InsufficientPrivilege

    from clerc_tui.models.db import close_database, open_database
    from clerc_tui.services import billing

    close_database()
    open_database(clerc_role)  # everything clerc does, as the clerc's role
    entry = billing.record_charge(
        identity(), sample_dossier.id, kind="fee", on=TODAY, amount=Decimal("12.34"), label="Émolument", today=TODAY
    )
    close_database()
    with psycopg.connect(clerc_role, autocommit=True) as connection:
        assert connection.execute("SELECT COUNT(*) FROM ledger_entry").fetchone() == (1,)
        for statement in (
            f"UPDATE ledger_entry SET amount = 1 WHERE id = {entry.id}",
            f"DELETE FROM ledger_entry WHERE id = {entry.id}",
            "UPDATE audit_entry SET user_login = 'x'",
            "DELETE FROM audit_entry",
            "TRUNCATE audit_entry",
            "UPDATE document_snapshot SET data = ''",
            "UPDATE schema_version SET version = 99",
        ):
            with pytest.raises(InsufficientPrivilege):
                connection.execute(statement)  # type: ignore[arg-type]
        # What the role may change, it changes: the refusals above are about those tables.
        connection.execute("UPDATE dossier SET nature = nature")


def identity():
    from clerc_tui.services.context import identify

    return identify()


# What the billing processes import (open_database imports every model), imported once by the forkserver.
PRELOADED = [
    "clerc_tui.services.billing",
    "clerc_tui.services.context",
    "clerc_tui.models.db",
    *(f"clerc_tui.models.{name}" for name in ("acts", "amicable", "bank", "dossier", "etude", "imports", "ledger")),
    *(f"clerc_tui.models.{name}" for name in ("parties", "plans", "rates", "solvency", "tracking")),
]


def test_invoice_numbers_taken_at_once_by_several_processes_have_no_gap_nor_duplicate(db_path, sample_dossier):
    """Four processes bill the same dossier at the same time, some of their transactions rolled
    back after taking a number: the committed invoices are numbered 1…N, each once, the
    sequence ends at N, the ledger's chain is whole and its stored totals equal its entries
    (`clerc check`). On both backends (SQLite: the file's write lock)."""
    from clerc_tui.models import LedgerEntry, Sequence
    from clerc_tui.models.db import close_database, open_database
    from clerc_tui.services.integrity import check_accounts, check_integrity
    from tests.processes import bill

    close_database()
    # Four real processes, each its own connection. Forked by a server that has imported clerc once
    # (its preloaded modules; it opens no base) rather than each spawned and importing it: ~0.1 s of
    # CPU a process instead of ~0.22.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.processes", *PRELOADED])
    queue = context.Queue()
    workers = [
        context.Process(target=bill, args=(str(db_path), sample_dossier.id, 12, 4, TODAY, queue)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    numbers = [number for _ in workers for number in queue.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert len(numbers) == 4 * 9
    expected = [f"F{TODAY.year}-{n:06d}" for n in range(1, 4 * 9 + 1)]
    assert sorted(numbers) == expected
    open_database(str(db_path))
    assert Sequence.get(Sequence.name == "facture", Sequence.year == TODAY.year).last == 4 * 9
    invoices = LedgerEntry.select().where(LedgerEntry.document_number.startswith("F"))
    assert sorted(entry.document_number for entry in invoices) == expected
    assert check_integrity() == []
    assert check_accounts(with_balance=False)[1] == []


@server
def test_the_dossier_search_folds_accents_through_the_trigram_index(sample_dossier):
    """« lefev » finds « Lefèvre » on the server too, and the plan reads the GIN index of m0018."""
    from clerc_tui.models.db import database, raw_sql
    from clerc_tui.services.dossier_list import PG_SEARCH_TEXT, ListQuery, count, fetch_page

    assert [row.debtor_name for row in fetch_page(ListQuery(text="lefev"))] == ["LEFÈVRE Hélène"]
    assert [row.creditor_name for row in fetch_page(ListQuery(text="TILLEUL LEFEVRE"))] == ["SCI Les Tilleuls"]
    assert count(ListQuery(text="efevre")) == 0  # a word's start, as on SQLite: not any substring
    with database.atomic():
        database.execute_sql("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show its choice
        plan = database.execute_sql(
            raw_sql(f"EXPLAIN SELECT id FROM dossier d WHERE {PG_SEARCH_TEXT} ~ ?"), ["\\mlefev"]
        ).fetchall()
    assert "dossier_search_trgm" in " ".join(row[0] for row in plan)


@server
def test_the_app_is_told_when_another_connection_commits_and_only_then(db_path, sample_dossier):
    """LISTEN/NOTIFY (m0018): a commit by another clerc is told within a second; this process's
    own writes and another's rolled-back transaction are not."""
    import threading

    import psycopg

    from clerc_tui.models.db import database
    from clerc_tui.services.database import watch_other_writers

    told = threading.Event()
    stop = watch_other_writers(told.set)
    assert stop is not None
    try:
        database.execute_sql("UPDATE dossier SET nature = nature")  # our own commit
        with psycopg.connect(str(db_path)) as other:
            other.execute("UPDATE dossier SET nature = nature")
            other.rollback()
        assert not told.wait(1.5)
        with psycopg.connect(str(db_path), autocommit=True) as other:
            other.execute("UPDATE dossier SET nature = nature")
        assert told.wait(5)
    finally:
        stop()


def test_a_sqlite_base_is_polled_not_listened_to(db_path):
    from clerc_tui.services.database import data_version, watch_other_writers

    if postgres.enabled():
        assert data_version() is None
        stop = watch_other_writers(lambda: None)
        assert stop is not None
        stop()
    else:
        assert isinstance(data_version(), int)
        assert watch_other_writers(lambda: None) is None


@server
async def test_the_dashboard_follows_another_clerc_without_polling(actor, db_path):
    """The app on PostgreSQL: another clerc closes a deadline, the dashboard drops it by itself
    (NOTIFY at their commit), within two seconds, without `_poll_other_writers`."""
    import asyncio

    import psycopg

    from clerc_tui.app import ClercApp
    from tests.screens.test_deadline_screens import _agenda_fixture

    _bruno, ids = _agenda_fixture(actor)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        shown = [e.id for e in app.screen.entries if e is not None]
        assert ids["overdue_old"] in shown
        with psycopg.connect(str(db_path), autocommit=True) as other:
            other.execute("UPDATE deadline SET done = TRUE WHERE id = %s", (ids["overdue_old"],))
        for _ in range(40):
            await asyncio.sleep(0.05)
            await pilot.pause()
            if [e.id for e in app.screen.entries if e is not None] == [ids["today"]]:
                break
        assert [e.id for e in app.screen.entries if e is not None] == [ids["today"]]


@server
def test_a_clerc_role_is_refused_in_french_where_the_owner_must_migrate(clerc_role, db_path):
    """A base one version behind, opened by a clerc's role (not the owner of the tables): no
    traceback, a French message that says who migrates, and nothing changed."""
    from clerc_tui.errors import ClercError
    from clerc_tui.models.db import close_database, make_database, open_database
    from clerc_tui.models.migrations import stored_version, upgrade

    close_database()
    postgres.admin(f'DROP DATABASE "{postgres.name_of(str(db_path))}" WITH (FORCE)')
    postgres.admin(f'CREATE DATABASE "{postgres.name_of(str(db_path))}"')

    db = open_database(str(db_path), migrate=False, create=True)
    upgrade(db, target=17)
    close_database()
    with pytest.raises(ClercError, match=r"clerc_app.*propriétaire des tables \(clerc migrate\)"):
        open_database(clerc_role)
    owner = make_database(str(db_path))
    owner.connect()
    assert stored_version(owner) == 17
    owner.close()


@server
def test_writers_take_turns_and_a_long_wait_is_refused_in_french(db_path, sample_dossier, monkeypatch):
    """Every write transaction takes the one advisory write lock first (models/db.py
    write_transaction), as SQLite's BEGIN IMMEDIATE: two services locking rows in a different
    order cannot deadlock. A clerc who waits longer than the busy timeout reads French, and
    nothing is written."""
    import psycopg
    from peewee import OperationalError

    from clerc_tui.errors import DatabaseUnavailable
    from clerc_tui.models import db
    from clerc_tui.models.ledger import LedgerEntry
    from clerc_tui.services import billing

    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 1)
    with psycopg.connect(str(db_path)) as other:  # another clerc, in the middle of a write
        other.execute("SELECT pg_advisory_xact_lock(%s)", (db.POSTGRESQL_WRITE_LOCK,))
        with pytest.raises(OperationalError) as refused:
            billing.record_charge(
                identity(), sample_dossier.id, kind="fee", on=TODAY, amount=Decimal("1.00"), label="x", today=TODAY
            )
        other.rollback()
    # What the app and the CLI show for it (they translate database errors at the top).
    french = db.explain_database_error(refused.value)
    assert isinstance(french, DatabaseUnavailable) and "occupée : un autre clerc y écrit" in str(french)
    assert LedgerEntry.select().count() == 0
    billing.record_charge(  # the lock released: the same write goes through
        identity(), sample_dossier.id, kind="fee", on=TODAY, amount=Decimal("1.00"), label="x", today=TODAY
    )
    assert LedgerEntry.select().count() == 1


@server
def test_init_on_a_server_never_prints_the_password(capsys):
    """`clerc init postgresql://role:password@…` says which base it made, without the password
    (the test cluster trusts 127.0.0.1: any password is accepted, and must not be echoed)."""
    from clerc_tui.cli import main
    from clerc_tui.models.db import close_database

    parts = urlsplit(postgres.new_database())
    target = urlunsplit(parts._replace(netloc=f"{parts.username}:s3cr3t-mot@{parts.hostname}:{parts.port}"))
    try:
        assert main(["init", target]) == 0
    finally:
        close_database()
    out = capsys.readouterr().out
    assert out.startswith(f"Base créée : postgresql://{parts.username}:***@{parts.hostname}:{parts.port}/")
    assert "s3cr3t" not in out


@server
def test_two_bases_migrated_at_once_both_get_the_application_role():
    """Roles belong to the whole server: a second migration that saw the role missing while the
    first was creating it must not fail once the first commits (parallel test workers did)."""
    import threading

    import psycopg

    from clerc_tui.models.migrations.m0018_postgresql import create_role_sql

    role = f"clerc_race_{postgres.WORKER}"
    postgres.admin(f"DROP ROLE IF EXISTS {role}")
    first = psycopg.connect(postgres.SERVER)
    second = psycopg.connect(postgres.SERVER, autocommit=True)
    outcome: list[object] = []

    def migrate_second() -> None:
        try:
            second.execute(create_role_sql(role))
            outcome.append("ok")
        except Exception as error:  # the test reports what the second saw
            outcome.append(error)

    try:
        first.execute(create_role_sql(role))  # created, not yet committed
        waiting = threading.Thread(target=migrate_second)
        waiting.start()
        # The second waits on the catalogue's unique index until the first ends.
        blocked = psycopg.connect(postgres.SERVER, autocommit=True)
        try:
            for _ in range(200):
                row = blocked.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid = %s",
                    (second.info.backend_pid,),
                ).fetchone()
                if row and row[0]:
                    break
                threading.Event().wait(0.05)
        finally:
            blocked.close()
        first.commit()
        waiting.join(30)
        assert outcome == ["ok"]
    finally:
        first.close()
        second.close()
        postgres.admin(f"DROP ROLE IF EXISTS {role}")
