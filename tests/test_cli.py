"""The `clerc` command itself: database choice, users, refusals in French with exit code 2."""

import subprocess
import sys

import pytest

from clerc_tui.cli import main
from clerc_tui.models import AuditEntry, User
from clerc_tui.models.db import close_database, open_database
from clerc_tui.services.context import os_login
from tests.conftest import run_clerc


def test_user_add_creates_a_user_and_audits_it(tmp_path, capsys):
    db = tmp_path / "etude.db"
    assert main(["init", str(db)]) == 0
    assert (
        main(["--db", str(db), "user", "add", "jdupont", "--name", "Jeanne Dupont", "--role", "principal_clerc"]) == 0
    )
    assert "Utilisateur jdupont (Jeanne Dupont, principal_clerc) créé." in capsys.readouterr().out
    open_database(str(db))
    try:
        user = User.get(User.login == "jdupont")
        assert (user.name, user.role) == ("Jeanne Dupont", "principal_clerc")
        assert AuditEntry.get(AuditEntry.action == "user.add").user_login == os_login()
    finally:
        close_database()


@pytest.mark.parametrize(
    "args, message",
    [
        (["user", "add", "x", "--name", "X", "--role", "boss"], "Rôle « boss » inconnu"),
        (["user", "add", "a b", "--name", "X"], "Identifiant invalide"),
    ],
)
def test_bad_user_input_exits_2_with_a_french_message(tmp_path, capsys, args, message):
    assert main(["init", str(tmp_path / "e.db")]) == 0
    assert main(["--db", str(tmp_path / "e.db"), *args]) == 2
    assert message in capsys.readouterr().err
    close_database()


def test_the_same_login_twice_is_refused(tmp_path, capsys):
    db = str(tmp_path / "e.db")
    main(["init", db])
    main(["--db", db, "user", "add", "x", "--name", "X"])
    assert main(["--db", db, "user", "add", "x", "--name", "X"]) == 2
    assert "existe déjà" in capsys.readouterr().err
    close_database()


def test_an_unknown_login_gets_no_access(tmp_path):
    from clerc_tui.models.db import init_database

    db = tmp_path / "etude.db"
    init_database(str(db))  # no user at all (`clerc init` would register this account)
    close_database()
    result = run_clerc(tmp_path, "whoami", CLERC_DATABASE=str(db))
    assert result.returncode == 2
    assert f"« {os_login()} » n'est pas un utilisateur actif" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_the_default_database_lives_in_the_xdg_data_path(tmp_path):
    result = run_clerc(tmp_path, "init")
    assert result.returncode == 0, result.stderr
    result = run_clerc(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "clerc" / "clerc.db").exists()


def test_python_dash_m_works_too(tmp_path):
    result = subprocess.run([sys.executable, "-m", "clerc_tui", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "clerc" in result.stdout


def test_an_unexpected_error_is_logged_not_printed(tmp_path, monkeypatch, capsys):
    import clerc_tui.cli.database as database_commands
    from clerc_tui.paths import log_file

    run = database_commands.run

    def broken(args):
        if args.command == "migrate":
            raise RuntimeError("kaboom")
        return run(args)

    monkeypatch.setattr(database_commands, "run", broken)
    assert main(["init", str(tmp_path / "e.db")]) == 0
    assert main(["--db", str(tmp_path / "e.db"), "migrate"]) == 1
    err = capsys.readouterr().err
    assert "Erreur inattendue" in err and "Traceback" not in err
    assert "RuntimeError: kaboom" in log_file().read_text(encoding="utf-8")


def test_the_morning_start_skips_the_sub_command_parsers():
    from clerc_tui.cli import _opening_app

    args = _opening_app(["--db", "etude.db", "--today", "26/11/2026"])
    assert (args.command, args.db, str(args.today)) == (None, "etude.db", "2026-11-26")
    assert _opening_app(["--db", "etude.db", "demo"]) is None
    assert _opening_app(["--help"]) is None


def test_a_command_line_builds_its_own_group_alone_and_parses_as_the_whole_parser_does():
    from importlib import import_module

    from clerc_tui.cli import COMMAND_GROUPS, GROUPS, _french_argparse, _named_group, build_parser

    every = {command: group for group in GROUPS for command in import_module(f"clerc_tui.cli.{group}").COMMANDS}
    assert every == COMMAND_GROUPS
    for argv in (
        ["--db", "etude.db", "whoami"],
        ["whoami", "--db", "etude.db", "--json"],
        ["--today", "26/11/2026", "check", "--sans-solde"],
        ["calc", "deadline", "--from", "10/04/2025", "--days", "8", "--zone", "alsace-moselle"],
        ["report", "creditor", "Paris Habitat", "--from", "01/01/2026", "--to", "31/12/2026", "--db", "e.db"],
        ["import", "dossiers", "f.csv", "--creditor", "Paris Habitat", "--dry-run"],
    ):
        with _french_argparse():
            alone = build_parser(_named_group(argv))
            assert len(alone._subparsers._group_actions[0].choices) < len(every)  # type: ignore[union-attr]
            assert vars(alone.parse_args(argv)) == vars(build_parser().parse_args(argv)), argv
    for argv in (["-h"], ["--db", "etude.db"], ["--db", "etude.db", "inconnue"], ["--bogus", "whoami"]):
        assert _named_group(argv) is None, argv
