"""Which base clerc opens (config.choose_database), weakest first: the XDG path < the étude's
config (/etc/clerc/config.toml, or CLERC_SYSTEM_CONFIG) < the user's config < CLERC_DATABASE
< --db; and `clerc whoami` and the app's title say which base is open and what named it."""

import json

import pytest

from clerc_tui.cli import main
from clerc_tui.config import choose_database
from clerc_tui.errors import ClercError
from clerc_tui.paths import config_file, default_database_path, system_config_file
from clerc_tui.services.context import os_login
from clerc_tui.services.database import close_database


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_system_config_path_comes_from_clerc_system_config(monkeypatch, tmp_path):
    monkeypatch.delenv("CLERC_SYSTEM_CONFIG")
    assert str(system_config_file()) == "/etc/clerc/config.toml"
    monkeypatch.setenv("CLERC_SYSTEM_CONFIG", str(tmp_path / "etude.toml"))
    assert system_config_file() == tmp_path / "etude.toml"


def test_each_source_wins_over_the_weaker_ones(monkeypatch, tmp_path):
    choice = choose_database()
    assert (choice.target, choice.source, choice.origin) == (
        str(default_database_path()),
        "default",
        "chemin par défaut",
    )
    system = _write(system_config_file(), '[database]\npath = "/srv/clerc/etude.db"\n')
    choice = choose_database()
    assert (choice.target, choice.source, choice.config_file) == ("/srv/clerc/etude.db", "system_config", system)
    assert choice.origin == f"base de l'étude, {system}"
    user = _write(config_file(), '[keymap]\n"list.filter" = "f"\n[database]\nurl = "postgresql://clerc@db/etude"\n')
    choice = choose_database()
    assert (choice.target, choice.source, choice.origin) == (
        "postgresql://clerc@db/etude",
        "user_config",
        f"votre configuration, {user}",
    )
    monkeypatch.setenv("CLERC_DATABASE", str(tmp_path / "env.db"))
    choice = choose_database()
    assert (choice.target, choice.origin) == (str(tmp_path / "env.db"), "CLERC_DATABASE")
    choice = choose_database("option.db")
    assert (choice.target, choice.origin) == ("option.db", "--db")


def test_a_user_config_without_a_database_table_leaves_the_etudes_base():
    _write(config_file(), "[display]\nanimations = true\n")
    _write(system_config_file(), '[database]\npath = "/srv/clerc/etude.db"\n')
    assert choose_database().source == "system_config"


def test_stronger_sources_read_no_config_file_at_all(monkeypatch):
    # A broken config is not even read when --db or CLERC_DATABASE names the base: start-up
    # reads nothing it does not need.
    _write(system_config_file(), "[database\n")
    assert choose_database("x.db").target == "x.db"
    monkeypatch.setenv("CLERC_DATABASE", "y.db")
    assert choose_database().target == "y.db"


@pytest.mark.parametrize(
    "content, why",
    [
        ("[database\n", "Expected ']'"),
        ('[database]\npath = "relative/etude.db"\n', "doit être un chemin absolu"),
        ('[database]\npth = "/srv/clerc/etude.db"\n', "clé inconnue dans [database] : pth"),
        ('[database]\npath = "/a.db"\nurl = "postgresql://x/y"\n', "path ou url, l'un des deux"),
        ('[database]\nurl = "/srv/etude.db"\n', "n'est pas une URL"),
        ("[database]\npath = 3\n", "doit être un texte non vide"),
        ('database = "/srv/etude.db"\n', "[database] doit être une table"),
    ],
)
def test_a_wrong_system_config_is_refused_in_french_naming_the_file(content, why):
    path = _write(system_config_file(), content)
    with pytest.raises(ClercError) as refused:
        choose_database()
    message = refused.value.message
    assert message.startswith(f"Configuration {path} illisible (")
    assert why in message
    assert "la base de l'étude n'a pas été ouverte" in message


def test_an_unreadable_system_config_is_said_not_a_traceback(capsys):
    folder = system_config_file().parent
    folder.mkdir(parents=True)
    system_config_file().mkdir()  # a folder where the file should be: read() fails with an OSError
    assert main(["whoami"]) == 2
    err = capsys.readouterr().err
    assert f"Configuration {system_config_file()} illisible (ce chemin est un dossier, pas un fichier)" in err
    assert "Traceback" not in err


def test_whoami_says_which_base_and_from_where(tmp_path, capsys):
    db = tmp_path / "etude.db"
    assert main(["init", str(db)]) == 0
    system = _write(system_config_file(), f'[database]\npath = "{db}"\n')
    capsys.readouterr()
    # A clerc who types `clerc` (here `clerc whoami`) with nothing set reaches the étude's base.
    assert main(["whoami"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[0] == os_login()
    assert lines[1] == f"Base : {db} (base de l'étude, {system})"
    assert main(["whoami", "--json"]) == 0
    who = json.loads(capsys.readouterr().out)
    assert (who["base"], who["source"], who["config_file"]) == (str(db), "system_config", str(system))
    assert main(["whoami", "--db", str(db)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == f"Base : {db} (--db)"
    close_database()


def test_whoami_never_shows_a_server_password():
    from clerc_tui.services.database import shown

    assert shown("postgresql://clerc:secret@db/etude") == "postgresql://clerc:***@db/etude"


async def test_the_apps_title_names_the_base_and_its_source(tmp_path):
    from clerc_tui.app import make_app

    db = tmp_path / "etude.db"
    assert main(["init", str(db)]) == 0
    system = _write(system_config_file(), f'[database]\npath = "{db}"\n')
    app = make_app(choose_database())
    try:
        async with app.run_test(size=(160, 30)):
            header = app.screen.query_one("HeaderTitle")
            shown = str(header.render())
            assert f"{db} (base de l'étude, {system})" in shown
            assert app.sub_title.startswith(f"{os_login()} · commissaire · ")
    finally:
        close_database()
