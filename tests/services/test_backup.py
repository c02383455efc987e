"""`clerc backup` / `clerc restore` (issue 13 item 5) with real processes: a writer process
holding the base and committing payments during the copy, a session process refusing a
restore, a backup killed half-way. docs/backups.md."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing, suppress
from datetime import datetime
from pathlib import Path

import pytest

from clerc_tui.errors import ClercError, DatabaseUnavailable
from clerc_tui.services import backup as service
from clerc_tui.services.context import os_login
from tests.conftest import TODAY, run_clerc

CLERC = Path(sys.executable).parent / "clerc"
NOW = datetime(2026, 12, 6, 14, 30, 0)
COPY = r"demo-\d{4}-\d{2}-\d{2}T\d{6}\.db"

# A clerc at work: opens the base as the app does (services/database.py: its session is
# held), then records payments until told to stop, printing how many it committed.
WRITER = """
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from clerc_tui.errors import ClercError
from clerc_tui.services.context import identify
from clerc_tui.services.database import open_database
from clerc_tui.services.payments import record_payment

open_database(sys.argv[1])
actor = identify()
ids = [int(i) for i in sys.argv[2].split(",")]
stop, n, tried = Path(sys.argv[3]), 0, 0
print("ready", flush=True)
while not stop.exists():
    try:
        record_payment(actor, ids[tried % len(ids)], on=date(2026, 11, 26), amount=Decimal("1.00"),
                       label=f"w{tried}", today=date(2026, 11, 26))
        n += 1
    except ClercError:
        pass
    tried += 1
print(n, flush=True)
"""


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "CLERC_DATABASE"}
    env.update({"XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")})
    return env


# Each connection closed by `closing`: `with sqlite3.connect()` only commits, and the connection
# lives on until the garbage collector runs — a restore would rightly see it and refuse.
def _count(path: Path, table: str = "ledger_entry") -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _dossier_ids(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute('SELECT "id" FROM "dossier" ORDER BY "id" LIMIT 10').fetchall()
    return ",".join(str(r[0]) for r in rows)


def _start_writer(tmp_path: Path, base: Path) -> tuple[subprocess.Popen, Path]:
    stop = tmp_path / "stop"
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(base), _dossier_ids(base), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready", process.stderr
    return process, stop


def _stop_writer(process: subprocess.Popen, stop: Path) -> int:
    stop.touch()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return int(out.split()[-1])


def _forge(path: Path, audit_id: int) -> None:
    """What someone with write access to the file can do, and `clerc check` must see."""
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("DROP TRIGGER audit_entry_no_update")
        connection.execute('UPDATE "audit_entry" SET "action" = \'forgé\' WHERE "id" = ?', (audit_id,))


@pytest.fixture
def base(demo_base):
    return demo_base(dossiers=30, seed=3, today=TODAY)


def test_a_backup_while_a_clerc_writes_is_one_snapshot_and_passes_the_check(tmp_path, base, monkeypatch):
    monkeypatch.setattr(service, "STEP_PAGES", 8)  # many steps, each a chance for the writer
    writer, stop = _start_writer(tmp_path, base)
    steps: list[tuple[int, int]] = []

    stages: list[str] = []

    def tick(done, total, label=None):
        if label is not None:
            stages.append(label)
        if not stages:  # the copy's steps, before the check's stage
            steps.append((done, total))
            time.sleep(0.02)  # the writer commits between the steps

    try:
        before = _count(base)
        done = service.backup(str(base), tmp_path / "copies", keep=3, now=NOW, progress=tick)
        after = _count(base)
    finally:
        written = _stop_writer(writer, stop)
    assert written > 0 and after > before, "the writer committed during the copy"
    # One snapshot: the steps never went back (a backup restarted by a commit would).
    assert len(steps) >= 5
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)
    assert len({t for _, t in steps}) == 1 and steps[-1][0] == steps[-1][1]
    assert stages == ["Vérification de la copie"]
    copied = _count(done.path)
    assert before <= copied <= after
    assert done.path.parent == tmp_path / "copies" and done.path.name == "demo-2026-12-06T143000.db"
    # One self-contained file (no -wal), in rollback-journal mode, readable by `clerc check`.
    assert not Path(f"{done.path}-wal").exists()
    assert done.path.read_bytes()[18:20] == b"\x01\x01"
    check = run_clerc(tmp_path, "check", "--db", str(done.path))  # in this process: the copy is the subject
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Intégrité vérifiée" in check.stdout
    assert "chaînés sans rupture" in done.verified


def test_keep_n_removes_only_clercs_own_older_copies(tmp_path, base):
    folder = tmp_path / "copies"
    folder.mkdir()
    strangers = ["notes.txt", "demo-manuelle.db", "autre-2020-01-01T000000.db", "demo-2020-01-01T000000.db.bak"]
    for name in strangers:
        (folder / name).write_text("à garder")
    made = [service.backup(str(base), folder, keep=2, now=NOW.replace(minute=m), progress=None).path for m in (1, 2, 3)]
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([*strangers, made[1].name, made[2].name])
    with pytest.raises(ClercError, match="au moins 1"):
        service.backup(str(base), folder, keep=0, now=NOW, progress=None)


def test_a_copy_that_fails_the_check_is_not_kept(tmp_path, base):
    _forge(base, 1)
    folder = tmp_path / "copies"
    with pytest.raises(DatabaseUnavailable, match="ne passe pas la vérification"):
        service.backup(str(base), folder, keep=3, now=NOW, progress=None)
    assert list(folder.iterdir()) == []


KILLED = """
import os, signal, sys
from datetime import datetime
from pathlib import Path
from clerc_tui.services import backup
from clerc_tui.services.database import open_database

open_database(sys.argv[1])
backup.STEP_PAGES = 8
def tick(done, total, label=None):
    if done >= 40:
        os.kill(os.getpid(), signal.SIGKILL)
backup.backup(sys.argv[1], Path(sys.argv[2]), keep=3, now=datetime(2026, 12, 6, 14, 30), progress=tick)
"""


def test_a_killed_backup_leaves_nothing_that_looks_like_a_copy(tmp_path, base):
    folder = tmp_path / "copies"
    killed = subprocess.run([sys.executable, "-c", KILLED, str(base), str(folder)], env=_env(tmp_path))
    assert killed.returncode == -signal.SIGKILL
    left = sorted(p.name for p in folder.iterdir())  # the copy being written, and SQLite's journal of it
    assert left == [".demo-2026-12-06T143000.db.partielle", ".demo-2026-12-06T143000.db.partielle-journal"]
    # The next backup says so, and is complete.
    done = service.backup(str(base), folder, keep=3, now=NOW.replace(hour=15), progress=None)
    assert [p.name for p in done.leftovers] == left
    assert [p.name for p in done.kept] == ["demo-2026-12-06T153000.db"]


def test_restore_is_refused_while_a_clerc_works_then_done_once_his_session_is_gone(tmp_path, base):
    copy = service.backup(str(base), tmp_path / "copies", keep=3, now=NOW, progress=None).path
    writer, _stop = _start_writer(tmp_path, base)
    try:
        for _ in range(500):  # until the writer has committed something since the copy
            if _count(base) > _count(copy) + 2:
                break
            time.sleep(0.01)
        with pytest.raises(DatabaseUnavailable) as refused:
            service.restore(str(base), copy, now=NOW)
        assert f"{os_login()} (processus {writer.pid})" in refused.value.message
        assert f"kill {writer.pid}" in refused.value.message
        assert not list(tmp_path.glob("demo.avant-restauration-*"))
    finally:
        writer.send_signal(signal.SIGKILL)  # a crashed session: the kernel drops its lock
        writer.wait(timeout=30)
    written = _count(base)
    assert written > _count(copy)
    mode = base.stat().st_mode
    done = service.restore(str(base), copy, now=NOW)
    assert done.aside.name == "demo.avant-restauration-2026-12-06T143000.db"
    # The base is the copy; what the writer committed (WAL included) is kept aside, whole.
    assert _count(base) == _count(copy)
    assert _count(done.aside) == written
    assert not Path(f"{done.aside}-wal").exists()
    assert base.stat().st_mode == mode
    assert not list(tmp_path.glob(".demo.db.restauration*"))
    check = run_clerc(tmp_path, "check", "--db", str(base), "--sans-solde")  # the restored base is the subject
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_clerc_starting_during_a_restore_is_refused_and_migrate_waits_for_no_one(tmp_path, base):
    from clerc_tui.services.database import latest_schema_version
    from clerc_tui.services.sessions import Alone, holders

    with Alone(base, "la restauration"):  # a real process: this one's Alone would not lock itself out
        started = subprocess.run(
            [str(CLERC), "whoami", "--db", str(base)], capture_output=True, text=True, env=_env(tmp_path)
        )
    assert started.returncode == 1
    assert "en cours de restauration ou de mise à jour" in started.stderr and "Traceback" not in started.stderr
    # Nothing due: `clerc migrate` says so and succeeds, while a clerc is at work on the base.
    writer, stop = _start_writer(tmp_path, base)
    try:
        # `clerc migrate` in this process (run_clerc): the writer's session is another process's.
        migrate = run_clerc(tmp_path, "migrate", "--db", str(base))
        assert any(h.pid == writer.pid for h in holders(base))  # his session was open all along
    finally:
        _stop_writer(writer, stop)
    assert migrate.returncode == 0, migrate.stderr
    assert migrate.stdout == f"La base est déjà à jour (version {latest_schema_version()}).\n"


# A clerc session, as every clerc process holds it (services/database.py: before opening the base).
SESSION = """
import sys
from pathlib import Path
from clerc_tui.services.sessions import hold

hold(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.read()
"""


def test_migrate_with_a_step_due_is_refused_while_a_clerc_is_connected_then_done(tmp_path):
    from clerc_tui.models.migrations.steps import STEPS
    from clerc_tui.services.database import latest_schema_version
    from tests.models.old_schema import old_database

    base = tmp_path / "ancienne.db"
    before = STEPS[-2].VERSION  # one step before the latest (versions may skip numbers on a branch)
    old_database(base, before, reference="2026-000001", opened_on="2026-01-05", debtor_name="X", balance_cents=0)
    session = subprocess.Popen(
        [sys.executable, "-c", SESSION, str(base)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )
    try:
        assert session.stdout is not None and session.stdout.readline().strip() == "ready"
        # In this process (run_clerc): the session that refuses it is another process's.
        refused = run_clerc(tmp_path, "migrate", "--db", str(base))
    finally:
        session.communicate(timeout=30)  # its stdin closed: the session ends
    assert refused.returncode == 1
    assert "mise à jour du schéma est refusée" in refused.stderr and f"processus {session.pid}" in refused.stderr
    assert "Traceback" not in refused.stderr
    with closing(sqlite3.connect(base)) as connection:
        assert connection.execute('SELECT max("version") FROM "schema_version"').fetchone()[0] == before
    done = run_clerc(tmp_path, "migrate", "--db", str(base))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Base mise à jour : version {before} → {latest_schema_version()}.\n"


def test_restore_refuses_what_is_not_a_sound_clerc_base_and_changes_nothing(tmp_path, base):
    before = base.read_bytes()
    stranger = tmp_path / "texte.db"
    stranger.write_text("pas une base")
    with pytest.raises(ClercError, match="pas une base SQLite"):
        service.restore(str(base), stranger, now=NOW)
    empty = tmp_path / "vide.db"
    sqlite3.connect(empty).close()
    with pytest.raises(ClercError, match="pas une base clerc"):
        service.restore(str(base), empty, now=NOW)
    forged = service.backup(str(base), tmp_path / "copies", keep=3, now=NOW, progress=None).path
    _forge(forged, 2)
    with pytest.raises(DatabaseUnavailable, match="ne passe pas la vérification"):
        service.restore(str(base), forged, now=NOW)
    with pytest.raises(ClercError, match="la base elle-même"):
        service.restore(str(base), base, now=NOW)
    assert base.read_bytes() == before
    assert not list(tmp_path.glob("*avant-restauration*")) and not list(tmp_path.glob(".demo.db.restauration*"))


def test_the_cli_speaks_french_and_names_the_files(tmp_path, base):
    """The commands as typed, in this process (run_clerc: the same entry point, without three
    interpreter starts); the processes that hold or refuse a base are the other tests'."""
    from clerc_tui.services.database import close_database

    close_database()  # this test's own connection: a restore refuses a base any program has open
    made = run_clerc(tmp_path, "backup", "--db", str(base), "--keep", "1")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"Copie écrite : {base.parent / 'backups'}/demo-")
    assert "Vérifiée : fichier sain" in made.stdout and "Copies gardées" in made.stdout
    (copy,) = (base.parent / "backups").iterdir()
    restored = run_clerc(tmp_path, "restore", str(copy), "--db", str(base))
    assert restored.returncode == 0, restored.stderr
    assert "Base restaurée" in restored.stdout and "avant-restauration" in restored.stdout
    missing = run_clerc(tmp_path, "restore", str(tmp_path / "absente.db"), "--db", str(base))
    assert missing.returncode == 2 and "Copie introuvable" in missing.stderr


def test_the_postgresql_password_goes_to_a_private_file_never_to_the_command_line():
    url = "postgresql://clerc:p%3Aw%40d%20s3cret@db.example:5433/etude?sslmode=require"
    with service._libpq(url) as (dsn, env):
        assert dsn == "postgresql://clerc@db.example:5433/etude?sslmode=require"
        passfile = Path(env["PGPASSFILE"])
        assert passfile.stat().st_mode & 0o777 == 0o600
        assert passfile.read_text() == "*:*:*:clerc:p\\:w@d s3cret\n"
        assert "PGPASSWORD" not in env
    assert not passfile.exists()
    with pytest.raises(ClercError, match="ne remplace qu'une base SQLite"):
        service.restore(url, Path(__file__), now=NOW)


@pytest.mark.skipif(not os.environ.get("CLERC_TEST_DATABASE_URL"), reason="CLERC_TEST_DATABASE_URL not set")
def test_postgresql_backup_is_a_checked_pg_dump_archive(tmp_path):
    url = os.environ["CLERC_TEST_DATABASE_URL"]
    done = service.backup(url, tmp_path, keep=1, now=NOW, progress=None)
    again = service.backup(url, tmp_path, keep=1, now=NOW.replace(hour=15), progress=None)
    assert not done.path.exists()  # --keep 1: the older archive went
    assert [p.name for p in tmp_path.iterdir()] == [again.path.name] and again.path.suffix == ".dump"
    assert again.path.read_bytes()[:5] == b"PGDMP" and "pg_restore --list" in again.verified


def test_restore_is_refused_while_another_program_has_the_base_open(tmp_path, base):
    copy = service.backup(str(base), tmp_path / "copies", keep=3, now=NOW, progress=None).path
    other = sqlite3.connect(base)  # not a clerc (no session): the sqlite3 shell, a script…
    other.execute("SELECT count(*) FROM dossier").fetchone()
    try:
        with pytest.raises(DatabaseUnavailable, match="ouverte par un autre programme"):
            service.restore(str(base), copy, now=NOW)
    finally:
        other.close()
    assert not list(tmp_path.glob("*avant-restauration*"))


def test_the_app_itself_holds_its_session_and_a_restore_names_it(tmp_path, base):
    """The real `clerc` application in a pseudo-terminal: while it shows the échéancier, a
    restore is refused and names it; once it has quit, the restore goes through."""
    import pty

    from clerc_tui.services.database import close_database
    from clerc_tui.services.sessions import holders

    copy = service.backup(str(base), tmp_path / "copies", keep=3, now=NOW, progress=None).path
    close_database()  # this test's own connection
    primary, secondary = pty.openpty()
    env = {**_env(tmp_path), "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    app = subprocess.Popen(
        [str(CLERC), "--db", str(base), "--today", "26/11/2026"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        start_new_session=True,
    )
    os.close(secondary)

    def drain() -> None:  # read what the app draws, as a terminal would: a full pty blocks its writes
        with suppress(OSError):
            while os.read(primary, 65536):
                pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        for _ in range(600):  # the app opens the base within a few seconds
            if any(h.pid == app.pid for h in holders(base)):
                break
            assert app.poll() is None, "clerc quit before opening the base"
            time.sleep(0.05)
        with pytest.raises(DatabaseUnavailable, match=f"{os_login()} \\(processus {app.pid}\\)"):
            service.restore(str(base), copy, now=NOW)
    finally:
        app.send_signal(signal.SIGHUP)  # the SSH connection drops
        app.wait(timeout=30)
        os.close(primary)
        reader.join(timeout=5)
    assert service.restore(str(base), copy, now=NOW).aside.exists()
