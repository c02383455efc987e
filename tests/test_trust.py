"""Trust (issue 10): bases are never wiped nor invented, the CLI keeps the usual conventions,
identity is the OS account, ligatures fold in search. Real files; `clerc` runs in this process
(`run_clerc`) except where the process is the subject: a signal, a closed pipe, the variables
of a login shell."""

import json
import os
import signal
import sqlite3
import subprocess
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clerc_tui.cli import main
from clerc_tui.models import db as db_module
from clerc_tui.models.db import close_database, open_database
from clerc_tui.services.context import os_login
from tests.conftest import CLERC, migrated_copy, run_clerc


def _base_with_me(path: Path, role: str = "clerc") -> None:
    from clerc_tui.services.users import add_user

    migrated_copy(path)
    add_user(os_login(), "Claire Martin", role)
    close_database()


# --- 6. never wipe or invent a database ------------------------------------------------


def test_demo_force_refuses_a_base_that_is_not_a_demo(tmp_path):
    real = tmp_path / "etude.db"
    _base_with_me(real)
    before = real.read_bytes()
    result = run_clerc(tmp_path, "demo", "--db", str(real), "--force", "--dossiers", "20")
    assert result.returncode == 2, result.stdout
    assert "n'est pas une base de démonstration" in result.stderr and "Traceback" not in result.stderr
    assert real.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_demo_force_recreates_a_demo_and_rerun_with_open_keeps_it(tmp_path):
    demo = tmp_path / "demo.db"
    assert run_clerc(tmp_path, "demo", "--db", str(demo), "--dossiers", "20", "--today", "26/11/2026").returncode == 0
    with sqlite3.connect(demo) as c:
        assert c.execute("SELECT demo FROM etude").fetchone() == (1,)
        c.execute("UPDATE dossier SET notes = 'touché' WHERE id = 1")
    # The README's first command, run again (without a terminal it stops before opening).
    again = run_clerc(tmp_path, "demo", "--db", str(demo), "--open", "--today", "26/11/2026")
    assert "existante conservée" in again.stdout
    with sqlite3.connect(demo) as c:
        assert c.execute("SELECT notes FROM dossier WHERE id = 1").fetchone() == ("touché",)
    forced = run_clerc(tmp_path, "demo", "--db", str(demo), "--force", "--dossiers", "25", "--today", "26/11/2026")
    assert forced.returncode == 0, forced.stderr
    with sqlite3.connect(demo) as c:
        assert c.execute("SELECT COUNT(*) FROM dossier").fetchone() == (25,)


def test_demo_open_refuses_to_open_a_real_base_as_a_demo(tmp_path):
    real = tmp_path / "etude.db"
    _base_with_me(real)
    result = run_clerc(tmp_path, "demo", "--db", str(real), "--open")
    assert result.returncode == 2 and "n'est pas une base de démonstration" in result.stderr


def test_a_killed_demo_leaves_nothing_behind(tmp_path):
    target = tmp_path / "big.db"
    process = subprocess.Popen(
        [str(CLERC), "demo", "--db", str(target), "--dossiers", "200000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        while not list(tmp_path.glob(".big.db.demo-*.tmp")):  # the build has begun (no fixed delay)
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if "big.db" in p.name] == []


def test_a_demo_killed_outright_is_cleaned_by_the_next_one(tmp_path):
    """SIGKILL cannot be caught: the target is untouched and the next demo removes the leftover."""
    target = tmp_path / "big.db"
    process = subprocess.Popen(
        [str(CLERC), "demo", "--db", str(target), "--dossiers", "200000"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not list(tmp_path.glob(".big.db.demo-*.tmp")):
        assert process.poll() is None
        time.sleep(0.05)
    process.kill()
    process.wait(timeout=60)
    assert not target.exists()
    assert run_clerc(tmp_path, "demo", "--db", str(target), "--dossiers", "10").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir() if "big.db" in p.name) == ["big.db"]


@pytest.mark.parametrize("where", ["missing.db", "no-such-folder/etude.db"])
@pytest.mark.parametrize("how", ["--db", "CLERC_DATABASE"])
def test_a_missing_base_is_refused_never_created(tmp_path, where, how):
    target = tmp_path / where
    if how == "--db":
        result = run_clerc(tmp_path, "deadlines", "--db", str(target))
    else:
        result = run_clerc(tmp_path, "deadlines", CLERC_DATABASE=str(target))
    assert result.returncode == 2
    assert "Base introuvable" in result.stderr and "clerc init" in result.stderr
    assert "Aucune échéance" not in result.stdout
    assert (not target.exists() and not target.parent.exists()) or (target.parent == tmp_path and not target.exists())


def test_the_default_base_is_not_created_either(tmp_path):
    result = run_clerc(tmp_path, "check")
    assert result.returncode == 2 and "Base introuvable" in result.stderr
    assert not (tmp_path / "data" / "clerc").exists()


def test_user_add_on_a_fresh_path_is_refused_init_creates(tmp_path):
    target = tmp_path / "etude.db"
    refused = run_clerc(tmp_path, "user", "add", "jdupont", "--name", "Jeanne Dupont", "--db", str(target))
    assert refused.returncode == 2 and "Base introuvable" in refused.stderr and not target.exists()
    assert run_clerc(tmp_path, "init", str(target)).returncode == 0
    assert run_clerc(tmp_path, "user", "add", "jdupont", "--name", "Jeanne Dupont", "--db", str(target)).returncode == 0
    again = run_clerc(tmp_path, "init", str(target))
    assert again.returncode == 2 and "existe déjà" in again.stderr


def test_a_file_that_is_not_a_clerc_base_is_not_written(tmp_path):
    other = tmp_path / "autre.db"
    with sqlite3.connect(other) as c:
        c.execute("CREATE TABLE notes (x)")
    result = run_clerc(tmp_path, "check", "--db", str(other))
    assert result.returncode == 2 and "n'est pas une base clerc" in result.stderr
    with sqlite3.connect(other) as c:  # no schema written into it
        assert c.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_opening_an_up_to_date_base_takes_no_write_lock(tmp_path, monkeypatch):
    path = tmp_path / "etude.db"
    _base_with_me(path)
    # A 0.2 s busy timeout instead of 10 s: were a lock taken, opening would fail at once.
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = _hold_write_lock(path)
    try:
        open_database(str(path))
        from clerc_tui.services.context import identify

        assert identify().login == os_login()
    finally:
        close_database()
        holder.rollback()
        holder.close()


def test_read_only_commands_run_while_another_clerc_writes(tmp_path):
    path = tmp_path / "etude.db"
    _base_with_me(path)
    holder = _hold_write_lock(path)
    try:
        result = run_clerc(tmp_path, "deadlines", "--db", str(path), "--today", "26/11/2026")
        whoami = run_clerc(tmp_path, "whoami", "--db", str(path))
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 0, result.stderr
    assert whoami.returncode == 0, whoami.stderr


def test_a_locked_base_gets_an_explanation(tmp_path, monkeypatch, capsys):
    path = tmp_path / "etude.db"
    _base_with_me(path)
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = _hold_write_lock(path)
    try:
        code = main(["user", "add", "jdupont", "--name", "Jeanne Dupont", "--db", str(path)])
    finally:
        close_database()
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert code == 1
    assert "est occupée : un autre clerc y écrit" in err and "Erreur inattendue" not in err


@pytest.fixture
def immutable(tmp_path):
    """chattr +i: read-only even for root (the tests may run as root). Skipped where unsupported."""
    marked = []

    def mark(path: Path):
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i indisponible ici")
        marked.append(path)

    yield mark
    for path in reversed(marked):
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def test_a_read_only_base_gets_an_explanation(tmp_path, immutable):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "etude.db"
    _base_with_me(path)
    immutable(path)
    immutable(folder)
    for args in (("deadlines", "--today", "26/11/2026"), ("user", "add", "jdupont", "--name", "J D")):
        result = run_clerc(tmp_path, *args, "--db", str(path))
        assert result.returncode == 1, (args, result.stdout)
        assert "Erreur inattendue" not in result.stderr and "Traceback" not in result.stderr
        assert "écriture" in result.stderr and str(path) in result.stderr


# --- 7. CLI conventions -----------------------------------------------------------------


def test_global_options_are_accepted_after_the_sub_command(tmp_path):
    path = tmp_path / "etude.db"
    _base_with_me(path)
    after = run_clerc(tmp_path, "check", "--db", str(path))
    assert after.returncode == 0, after.stderr
    before = run_clerc(tmp_path, "--db", str(path), "deadlines", "--today", "26/11/2026", "--json")
    assert before.returncode == 0, before.stderr
    mixed = run_clerc(tmp_path, "--today", "01/01/2020", "deadlines", "--db", str(path), "--today", "26/11/2026")
    assert "26/11/2026" in mixed.stdout  # the one after the sub-command wins


def test_a_closed_pipe_is_not_an_error(tmp_path, demo_template):
    # ~80 KB of JSON, more than a pipe holds (64 KB): clerc is still writing when `head` closes it.
    from tests.conftest import fresh_base

    path = fresh_base(demo_template(dossiers=300, seed=1, today=date(2026, 11, 26)), tmp_path / "demo.db")
    close_database()
    command = f"'{CLERC}' deadlines --db '{path}' --today 26/11/2026 --days 366 --json"
    shell = f'{command} | head -1; echo "rc=${{PIPESTATUS[0]}}"'
    result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines()[-1] == "rc=0"
    assert result.stderr == ""
    whole = run_clerc(tmp_path, "deadlines", "--db", str(path), "--today", "26/11/2026", "--days", "366", "--json")
    assert len(whole.stdout.encode()) > 65536


def test_argparse_speaks_french(tmp_path):
    unknown = run_clerc(tmp_path, "frobnicate")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("usage : clerc")
    assert "choix invalide" in unknown.stderr and "invalid choice" not in unknown.stderr
    missing = run_clerc(tmp_path, "user", "add")
    assert "arguments obligatoires manquants : login, --name" in missing.stderr
    extra = run_clerc(tmp_path, "check", "--nope")
    assert "arguments non reconnus : --nope" in extra.stderr
    value = run_clerc(tmp_path, "deadlines", "--days")
    assert "une valeur attendue" in value.stderr
    helped = run_clerc(tmp_path, "--help")
    assert "affiche cette aide et quitte" in helped.stdout
    assert "show this help" not in helped.stdout and "usage:" not in helped.stdout


def test_without_a_terminal_clerc_says_so_and_exits(tmp_path):
    path = tmp_path / "etude.db"
    _base_with_me(path)
    # A real start-up, stdin and stdout pipes: were the check gone, the app would start (the
    # process, not the suite, then hangs until the timeout).
    result = run_clerc(tmp_path, "--db", str(path), process=True, timeout=60)
    assert result.returncode == 2
    assert "terminal" in result.stderr and "Traceback" not in result.stderr


def test_an_unwritable_log_folder_still_reaches_the_user_in_one_french_line(tmp_path, monkeypatch):
    import clerc_tui.cli.database as database_commands

    state = tmp_path / "state-is-a-file"
    state.write_text("")
    path = tmp_path / "etude.db"
    _base_with_me(path)

    def broken(args):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(database_commands, "run", broken)
    result = run_clerc(tmp_path, "migrate", "--db", str(path), XDG_STATE_HOME=str(state))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Erreur inattendue" in lines[0] and "kaboom" in lines[0] and "journal impossible" in lines[0]


# --- 8. identity is the OS account ------------------------------------------------------


def test_logname_and_user_do_not_change_who_acts(tmp_path):
    import pwd

    me = pwd.getpwuid(os.getuid()).pw_name
    path = tmp_path / "etude.db"
    _base_with_me(path, role="clerc")
    assert main(["user", "add", "amuller", "--name", "Maître Muller", "--role", "commissaire", "--db", str(path)]) == 0
    close_database()
    result = run_clerc(  # a real process: LOGNAME and USER are what a login shell sets
        tmp_path,
        "whoami",
        "--json",
        "--db",
        str(path),
        LOGNAME="amuller",
        USER="amuller",
        LNAME="amuller",
        USERNAME="amuller",
        process=True,
    )
    assert result.returncode == 0, result.stderr
    who = json.loads(result.stdout)
    assert (who["login"], who["name"], who["role"]) == (me, "Claire Martin", "clerc")
    text = run_clerc(tmp_path, "whoami", "--db", str(path), LOGNAME="amuller")
    assert text.stdout.split("\t")[0] == me


# --- 14. Œ and Æ fold in search ----------------------------------------------------------


@pytest.mark.parametrize("typed", ["oeuvrard", "œuvrard", "ŒUVRARD", "Oeuv", "œu"])
def test_ligatures_fold_in_the_dossier_filter(actor, typed):
    from clerc_tui.services.dossier_input import DebtorInput
    from clerc_tui.services.dossier_list import ListQuery, fetch_page
    from clerc_tui.services.dossiers import create_dossier
    from tests.conftest import TODAY, make_input

    for last in ("Œuvrard", "Lætitia", "Oudin"):
        create_dossier(
            actor,
            make_input(
                debtor=DebtorInput(kind="physique", civility="Madame", last_name=last, first_name="Anne"),
                claims={"principal": Decimal(10)},
            ),
            TODAY,
        )
    assert {row.debtor_name for row in fetch_page(ListQuery(typed), limit=10)} == {"ŒUVRARD Anne"}
    assert {row.debtor_name for row in fetch_page(ListQuery("laetitia"), limit=10)} == {"LÆTITIA Anne"}
