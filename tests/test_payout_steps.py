"""A reversement run in short write transactions (issue 11, item 4; docs/trust.md): another
clerc takes the write lock between the run's steps, a run killed midway (an exception, a
real `kill -9`) is resumed by the next run, which pays every creditor exactly once and
writes the file that `reversements fichier RUN` gives back byte for byte. Real SQLite files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.models.db import close_database, open_database
from clerc_tui.services import payments, remittances
from clerc_tui.services.context import identify, os_login
from clerc_tui.services.dossier_input import CreditorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input, migrated_copy, run_clerc

IBAN = "FR7630004000310001234567865"
DB = ["--today", "26/11/2026"]


def _base(path: Path, creditors: int = 3, per_creditor: int = 2) -> list[int]:
    """`creditors` creditors with IBAN, `per_creditor` dossiers each, 100 € received on each."""
    from clerc_tui.services.users import add_user

    migrated_copy(path)
    add_user(os_login(), "Claire Martin", "comptable")
    actor = identify()
    ids = []
    for c in range(creditors):
        creditor = CreditorInput(
            kind="morale", is_individual=False, activity="bailleur", name=f"SCI Créancier {c}", iban=IBAN
        )
        creditor_id = None
        for _ in range(per_creditor):
            given = make_input(new_creditor=creditor)
            if creditor_id is not None:  # the creditor's second dossier
                given = replace(given, creditor_id=creditor_id, new_creditor=None)
            dossier = create_dossier(actor, given, TODAY)
            creditor_id = dossier.creditor_id
            payments.record_payment(actor, dossier.id, on=TODAY, amount="100", mode="virement", today=TODAY)
            ids.append(dossier.id)
    close_database()
    return ids


def _remittances(path: Path) -> dict[int, int]:
    """Reversements per dossier."""
    with sqlite3.connect(path) as con:
        rows = con.execute("SELECT dossier_id, COUNT(*) FROM ledger_entry WHERE kind = 'remittance' GROUP BY 1")
        return dict(rows.fetchall())


def _runs(path: Path) -> list[tuple[int, str, int]]:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT id, state, entries FROM remittance_run ORDER BY id").fetchall()


def _slow_steps(monkeypatch, per_dossier: float = 0.05) -> None:
    """Steps that last, as at étude scale (a décompte per entry written)."""
    real_write = remittances._write_line

    def slow_write(*args):
        time.sleep(per_dossier)
        real_write(*args)

    monkeypatch.setattr(remittances, "_write_line", slow_write)


def test_another_connection_writes_between_the_steps_of_a_run(tmp_path, monkeypatch):
    base = tmp_path / "etude.db"
    ids = _base(base, creditors=3, per_creditor=3)
    monkeypatch.setattr(remittances, "STEP_DOSSIERS", 2)  # 9 dossiers, 3 creditors: 6 steps
    monkeypatch.setattr(remittances, "STEP_SECONDS", 60)  # (the time limit would cut more on a slow machine)
    between: list[int] = []

    def other_clerc_between_steps(done, total):  # no wait allowed: the lock must be free now
        con = sqlite3.connect(base, timeout=0, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO probe VALUES (?)", (done,))
            con.execute("COMMIT")
            between.append(done)
        finally:
            con.close()

    with sqlite3.connect(base) as con:
        con.execute("CREATE TABLE probe (x)")
    open_database(str(base))
    try:
        result = remittances.execute_run(
            identify(), TODAY, today=TODAY, csv_path=tmp_path / "v.csv", writing=other_clerc_between_steps
        )
    finally:
        close_database()
    assert between == [2, 3, 5, 6, 8, 9]  # after each step: two dossiers, one left of each creditor
    assert result.entries == 9 and _remittances(base) == dict.fromkeys(ids, 1)


def test_a_writer_waiting_during_a_run_gets_the_lock_between_its_timed_steps(tmp_path, monkeypatch):
    """Steps are cut by time too (STEP_SECONDS), not only by count: with 16 dossiers of slow
    lines and a step of up to 25 dossiers, a waiting writer still gets in during the run.
    Checked by what it sees (how many reversements were already written when it got the lock),
    not by its waiting time, which a loaded machine makes meaningless."""
    base = tmp_path / "etude.db"
    ids = _base(base, creditors=2, per_creditor=8)
    _slow_steps(monkeypatch, 0.04)  # about 0.1 s a line with its décompte: the time limit cuts steps
    stop, seen = threading.Event(), []

    def other_clerc():  # another process's connection (SQLite's own busy handler), writing every 10 ms
        con = sqlite3.connect(base, timeout=30, isolation_level=None)
        con.execute("CREATE TABLE IF NOT EXISTS probe (x)")
        while not stop.is_set():
            con.execute("BEGIN IMMEDIATE")
            seen.append(con.execute("SELECT COUNT(*) FROM ledger_entry WHERE kind = 'remittance'").fetchone()[0])
            con.execute("INSERT INTO probe VALUES (-1)")
            con.execute("COMMIT")
            time.sleep(0.01)
        con.close()

    open_database(str(base))
    thread = threading.Thread(target=other_clerc)
    thread.start()
    try:
        result = remittances.execute_run(identify(), TODAY, today=TODAY, csv_path=tmp_path / "v.csv")
    finally:
        stop.set()
        thread.join()
        close_database()
    assert result.entries == 16 and _remittances(base) == dict.fromkeys(ids, 1)
    # It wrote in the middle of the run, at several points: the run released the lock between
    # steps that hold far fewer than the 8 dossiers of a creditor.
    assert len({n for n in seen if 0 < n < 16}) >= 3, sorted(set(seen))


def test_run_interrupted_midway_is_resumed_and_pays_each_creditor_once(tmp_path, monkeypatch):
    base = tmp_path / "etude.db"
    ids = _base(base, creditors=3, per_creditor=2)
    monkeypatch.setattr(remittances, "STEP_DOSSIERS", 1)
    real_write, calls = remittances._write_line, []

    def dies_at_the_fourth(*args):
        calls.append(args[1].dossier_id)
        if len(calls) == 4:
            raise RuntimeError("processus interrompu (simulé)")
        real_write(*args)

    target = tmp_path / "virements.csv"
    open_database(str(base))
    monkeypatch.setattr(remittances, "_write_line", dies_at_the_fourth)
    with pytest.raises(RuntimeError, match="simulé"):
        remittances.execute_run(identify(), TODAY, today=TODAY, csv_path=target)
    monkeypatch.setattr(remittances, "_write_line", real_write)
    # Three steps committed, the fourth rolled back: the run is « en cours », no file.
    pending = remittances.pending_run()
    assert pending is not None and (pending.run_id, pending.entries) == (1, 3)
    assert "est resté en cours : 3 dossier(s) enregistré(s)" in remittances.pending_text(pending)
    assert not target.exists()
    with pytest.raises(InvalidInput, match="Reversement n° 1 en cours"):
        remittances.transfer_file(1)
    close_database()
    monkeypatch.undo()  # the next run is another process's: the usual steps
    assert _remittances(base) == dict.fromkeys(ids[:3], 1)
    # The next run resumes it: the three others, then the file; one reversement per dossier.
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--csv", str(target))
    assert result.returncode == 0, result.stderr
    assert "Le reversement n° 1 du 26/11/2026" in result.stderr and "est resté en cours" in result.stderr
    assert "Reversement n° 1, interrompu, repris et terminé" in result.stderr
    assert "Reversement n° 1 du 26/11/2026 : 6 dossier(s)" in result.stderr
    assert _remittances(base) == dict.fromkeys(ids, 1) and _runs(base) == [(1, "complete", 6)]
    again = run_clerc(tmp_path, "--db", str(base), "reversements", "fichier", "1")
    assert again.stdout.encode("utf-8") == target.read_bytes()
    assert target.read_text(encoding="utf-8").count("Reversement dossier") == 6
    # Nothing left: a new run says so and records nothing.
    nothing = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--csv", str(tmp_path / "2.csv"))
    assert nothing.returncode == 2 and "Rien à reverser" in nothing.stderr and _runs(base) == [(1, "complete", 6)]


SLOW_RUN = """
import sys, time
from clerc_tui.services import remittances
remittances.STEP_DOSSIERS = 1
real = remittances._write_line
def slow(*args):
    real(*args)
    print("écrit", args[1].dossier_id, flush=True)
    time.sleep(0.3)
remittances._write_line = slow
from clerc_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_run_killed_9_midway_is_resumed_by_the_next_run(tmp_path):
    base = tmp_path / "etude.db"
    ids = _base(base, creditors=4, per_creditor=2)
    target = tmp_path / "virements.csv"
    env = {k: v for k, v in os.environ.items() if k != "CLERC_DATABASE"}
    env.update({f"XDG_{k}_HOME": str(tmp_path / k.lower()) for k in ("DATA", "STATE", "CONFIG")})
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_RUN, "--db", str(base), *DB, "reversements", "run", "--csv", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    for _ in range(3):  # three dossiers written (each its own committed step)
        assert process.stdout.readline().startswith("écrit"), process.stderr.read() if process.stderr else ""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    paid = _remittances(base)
    assert 2 <= len(paid) < len(ids) and set(paid.values()) == {1}  # the third step may not be committed
    assert _runs(base)[0][1] == "running" and not target.exists()
    listed = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "du")
    assert "ATTENTION : Le reversement n° 1" in listed.stderr and "est resté en cours" in listed.stderr
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--csv", str(target))
    assert result.returncode == 0, result.stderr
    assert "repris et terminé" in result.stderr
    assert _remittances(base) == dict.fromkeys(ids, 1) and _runs(base) == [(1, "complete", len(ids))]
    again = run_clerc(tmp_path, "--db", str(base), "reversements", "fichier", "1")
    assert again.stdout.encode("utf-8") == target.read_bytes()


def test_last_step_failing_after_the_rename_removes_the_file_and_the_rerun_writes_it(tmp_path, monkeypatch):
    """Was « nothing recorded » when the run was one transaction (issue 10): now the
    dossiers are recorded step by step, and a run whose last step fails stays « en cours »,
    without a file; the next run writes the file and completes it, nobody paid twice."""
    from clerc_tui.models.db import database

    base = tmp_path / "etude.db"
    ids = _base(base, creditors=2, per_creditor=1)
    target = tmp_path / "virements.csv"
    target.write_bytes(b"ancien fichier\n")
    open_database(str(base))
    real_update, seen = remittances.RemittanceRun.update, {}

    def dying_update(**fields):  # the process « dies » in the last step, after the rename
        if fields.get("state") == remittances.COMPLETE:
            seen["file_there"] = target.read_bytes() != b"ancien fichier\n"
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return real_update(**fields)

    monkeypatch.setattr(remittances.RemittanceRun, "update", dying_update)
    with pytest.raises(sqlite3.OperationalError, match="simulated"):
        remittances.execute_run(identify(), TODAY, today=TODAY, csv_path=target)
    monkeypatch.undo()
    assert database.transaction_depth() == 0
    close_database()
    assert seen == {"file_there": True}
    assert target.read_bytes() == b"ancien fichier\n" and list(tmp_path.glob(".*.tmp")) == []
    assert _runs(base) == [(1, "running", 2)] and _remittances(base) == dict.fromkeys(ids, 1)
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--csv", str(target))
    assert result.returncode == 0 and "repris et terminé" in result.stderr, result.stderr
    assert _runs(base) == [(1, "complete", 2)] and _remittances(base) == dict.fromkeys(ids, 1)
    assert target.read_text(encoding="utf-8").count("Reversement dossier") == 2


def test_bad_path_records_nothing_even_when_resuming(tmp_path, monkeypatch):
    base = tmp_path / "etude.db"
    _base(base, creditors=2, per_creditor=1)
    bad = tmp_path / "absent" / "v.csv"
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--csv", str(bad))
    assert result.returncode == 2 and "Rien n'a été enregistré" in result.stderr and _runs(base) == []
    open_database(str(base))
    monkeypatch.setattr(remittances, "STEP_DOSSIERS", 1)
    monkeypatch.setattr(remittances, "_write_line", lambda *a: (_ for _ in ()).throw(RuntimeError("tué")))
    with pytest.raises(RuntimeError):
        remittances.execute_run(identify(), TODAY, today=TODAY, csv_path=tmp_path / "v.csv")
    close_database()
    monkeypatch.undo()
    assert _runs(base) == [(1, "running", 0)]
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--csv", str(bad))
    assert result.returncode == 2 and "Rien n'a été enregistré. Le reversement n° 1 reste en cours." in result.stderr
    assert _runs(base) == [(1, "running", 0)]
    with sqlite3.connect(base) as con:
        assert con.execute("SELECT COUNT(*) FROM ledger_entry WHERE kind IN ('remittance', 'fee')").fetchone() == (0,)
