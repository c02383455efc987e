"""`clerc init` names its administrateur; `clerc user role` / `deactivate` (issue 10, item 9).
The commands as typed, on real files: the identity is the OS account running the tests."""

import json
from pathlib import Path

from clerc_tui.models import AuditEntry, User
from clerc_tui.models.db import close_database, open_database
from clerc_tui.services.context import os_login
from clerc_tui.services.users import os_display_name
from tests.conftest import run_clerc

ME = os_login()


def _ok(result):
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def _refused(result, message: str):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def _audit(db: Path) -> list[tuple[str, str, str]]:
    open_database(str(db))
    try:
        return [(a.action, a.user_login, a.row_id) for a in AuditEntry.select().order_by(AuditEntry.id)]
    finally:
        close_database()


def test_init_registers_its_creator_as_first_administrateur(tmp_path):
    db = tmp_path / "etude.db"
    out = _ok(run_clerc(tmp_path, "init", str(db)))
    assert f"Administrateur : {ME} ({os_display_name()}, commissaire)" in out
    who = json.loads(_ok(run_clerc(tmp_path, "--db", str(db), "whoami", "--json")))
    assert who == {
        "login": ME,
        "name": os_display_name(),
        "role": "commissaire",
        "base": str(db),
        "source": "option",
        "config_file": None,
    }
    assert _audit(db) == [("user.add", ME, "1")]


def test_user_role_and_deactivate_from_the_command_line(tmp_path):
    db = tmp_path / "etude.db"
    base = ["--db", str(db)]
    _ok(run_clerc(tmp_path, "init", str(db)))
    # The last active administrateur can neither step down nor be deactivated.
    _refused(
        run_clerc(tmp_path, *base, "user", "role", ME, "clerc"),
        "est le dernier administrateur actif de l'étude : changement de rôle refusé",
    )
    _refused(
        run_clerc(tmp_path, *base, "user", "deactivate", ME),
        "est le dernier administrateur actif de l'étude : désactivation refusée",
    )
    _ok(run_clerc(tmp_path, *base, "user", "add", "mdubois", "--name", "Marie Dubois", "--role", "commissaire"))
    _ok(run_clerc(tmp_path, *base, "user", "add", "bdupont", "--name", "Bruno Dupont"))
    assert "Utilisateur bdupont (Bruno Dupont) : rôle comptable." in _ok(
        run_clerc(tmp_path, *base, "user", "role", "bdupont", "comptable")
    )
    _refused(run_clerc(tmp_path, *base, "user", "role", "bdupont", "boss"), "Rôle « boss » inconnu")
    _refused(run_clerc(tmp_path, *base, "user", "role", "personne", "clerc"), "Utilisateur « personne » inconnu")
    # Another administrateur exists: this account may become a clerc, and then manages nobody.
    _ok(run_clerc(tmp_path, *base, "user", "role", ME, "clerc"))
    _refused(
        run_clerc(tmp_path, *base, "user", "add", "zed", "--name", "Zoé Zed"),
        "Action réservée à : commissaire (vous êtes clerc) — gérer les utilisateurs et leurs rôles.",
    )
    _refused(run_clerc(tmp_path, *base, "user", "deactivate", "bdupont"), "Action réservée à : commissaire")
    _refused(run_clerc(tmp_path, *base, "user", "role", ME, "commissaire"), "Action réservée à : commissaire")
    open_database(str(db))
    try:
        assert User.get(User.login == "bdupont").active and User.get(User.login == ME).role == "clerc"
    finally:
        close_database()
    users = _ok(run_clerc(tmp_path, *base, "user", "list"))
    assert f"{ME}\t{os_display_name()}\tclerc\n" in users
    actions = [(action, row) for action, _who, row in _audit(db)]
    assert actions == [("user.add", "1"), ("user.add", "2"), ("user.add", "3"), ("user.role", "3"), ("user.role", "1")]


def test_a_deactivated_account_is_refused_at_start_and_kept(tmp_path):
    db = tmp_path / "etude.db"
    base = ["--db", str(db)]
    _ok(run_clerc(tmp_path, "init", str(db)))
    _ok(run_clerc(tmp_path, *base, "user", "add", "mdubois", "--name", "Marie Dubois", "--role", "commissaire"))
    out = _ok(run_clerc(tmp_path, *base, "user", "deactivate", ME))
    assert "désactivé : il ne peut plus ouvrir clerc ; son nom reste au journal d'audit" in out
    for command in (["whoami"], ["user", "add", "zed", "--name", "Zoé Zed"], ["user", "deactivate", "mdubois"]):
        _refused(run_clerc(tmp_path, *base, *command), f"Le compte « {ME} » ({os_display_name()}) est désactivé")
    assert f"{ME}\t{os_display_name()}\tcommissaire\tdésactivé" in _ok(run_clerc(tmp_path, *base, "user", "list"))
    assert _audit(db)[-1] == ("user.deactivate", ME, "1")  # by himself, the audit keeps who
