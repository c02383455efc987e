"""The user's config file (config.py): the [keymap] read from the XDG path, each problem with the
file or a binding said in French, and what cannot apply left out (the default keys then stay)."""

import pytest
from textual.binding import Binding

from clerc_tui.config import check_keymap, load_animations, load_keymap
from clerc_tui.paths import config_file


def _write(path, text: str | bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- reading the file --------------------------------------------------------------------------


def test_no_file_no_keymap_no_warning():
    assert not config_file().exists()  # the tests' own XDG home (conftest)
    assert load_keymap() == ({}, None)


def test_the_keymap_is_read_from_the_xdg_config_file():
    _write(config_file(), '[keymap]\n"list.filter" = "f"\n"dossier.edit" = "e,f2"\n')
    assert load_keymap() == ({"list.filter": "f", "dossier.edit": "e,f2"}, None)


def test_a_file_without_a_keymap_table_is_no_keymap(tmp_path):
    path = _write(tmp_path / "config.toml", '[autre]\ncle = "valeur"\n')
    assert load_keymap(path) == ({}, None)


@pytest.mark.parametrize(
    "content,why",
    [
        ('[keymap\n"list.filter" = "f"\n', "Expected ']'"),  # broken TOML
        ('[keymap]\n"list.filter" = \'f\n', "at end of document"),  # a string left open
        (b'[keymap]\n"list.filter" = "\xe9"\n', "can't decode byte 0xe9"),  # Latin-1, not UTF-8
    ],
)
def test_an_unreadable_file_is_said_in_french_and_the_defaults_apply(tmp_path, content, why):
    path = _write(tmp_path / "config.toml", content)
    keymap, warning = load_keymap(path)
    assert keymap == {}
    assert warning.startswith(f"Configuration {path} illisible (")
    assert why in warning
    assert warning.endswith(") : raccourcis par défaut utilisés.")


def test_a_config_path_that_is_a_folder_is_unreadable_not_a_crash(tmp_path):
    folder = tmp_path / "config.toml"
    folder.mkdir()
    keymap, warning = load_keymap(folder)
    assert keymap == {} and warning.startswith(f"Configuration {folder} illisible (")


@pytest.mark.parametrize(
    "content",
    [
        'keymap = "f"\n',  # a value, not a table
        '[keymap]\n"list.filter" = 1\n',  # a number, not keys
        '[keymap]\n"list.filter" = ["f", "g"]\n',  # a list, not a comma-separated text
        '[keymap]\n"list.filter" = "f"\n[keymap.dossier]\nedit = "e"\n',  # a sub-table
    ],
)
def test_a_keymap_of_the_wrong_shape_is_said_in_french(tmp_path, content):
    path = _write(tmp_path / "config.toml", content)
    assert load_keymap(path) == (
        {},
        f"Configuration {path} : la table [keymap] doit associer un id à des touches (texte).",
    )


# --- checking it against the bindings ------------------------------------------------------------

PLACES = {
    "Liste des dossiers": [
        Binding("slash", "filter", "Filtrer", id="list.filter"),
        Binding("n", "new", "Nouveau", id="list.new"),
        Binding("q", "quit", "Quitter"),  # no id: cannot be remapped, still occupies its key
    ],
    "Dossier": [
        Binding("e", "edit", "Modifier", id="dossier.edit"),
        Binding("s", "statement", "Décompte", id="dossier.statement"),
    ],
}


def test_a_good_keymap_applies_as_given_with_no_problem():
    keymap = {"list.filter": "f", "dossier.edit": "e,f2", "dossier.statement": "ctrl+shift+d"}
    assert check_keymap(keymap, PLACES) == (keymap, [])


@pytest.mark.parametrize(
    "given,key",
    [
        ("/", "slash"),
        ("slash", "slash"),
        ("-", "minus"),
        ("+", "plus"),
        ("@", "at"),
        ("_", "underscore"),
        ("?", "question_mark"),
    ],
)
def test_a_character_is_taken_under_the_name_textual_delivers_it_by(given, key):
    # Textual binds « / » as « slash » (its default for the filter). Until this test, the six
    # characters Textual renames (slash, backslash, at, minus, plus, underscore) were refused.
    assert check_keymap({"dossier.edit": given}, PLACES) == ({"dossier.edit": key}, [])


def test_an_unknown_id_is_left_out_and_named():
    clean, problems = check_keymap({"list.filtre": "f", "list.new": "a"}, PLACES)
    assert clean == {"list.new": "a"}
    assert problems == ["identifiant inconnu « list.filtre » (la touche ? montre les identifiants)"]


@pytest.mark.parametrize(
    "keys,bad",
    [
        ("nokey", "nokey"),  # not a key Textual knows
        ("ctrl+", "ctrl+"),  # a modifier and nothing
        ("hyperctrl+a", "hyperctrl+a"),  # not a modifier
        ("f,ctrl+nokey", "ctrl+nokey"),  # one good, one bad: the binding keeps its default
    ],
)
def test_a_key_textual_cannot_deliver_is_left_out_and_named(keys, bad):
    clean, problems = check_keymap({"list.filter": keys}, PLACES)
    assert clean == {}
    assert problems == [f"touche invalide « {bad} » pour « list.filter » (touche par défaut gardée)"]


@pytest.mark.parametrize("key", ["f5", "pagedown", "shift+tab", "ctrl+alt+x", "super+meta+hyper+z", "é", "€"])
def test_named_keys_modifiers_and_any_character_are_accepted(key):
    assert check_keymap({"list.new": key}, PLACES)[1] == []


def test_a_key_given_two_actions_on_one_screen_is_named_with_the_screen():
    # « n » moved onto the filter: on the list it now also opens a new dossier.
    clean, problems = check_keymap({"list.filter": "n"}, PLACES)
    assert clean == {"list.filter": "n"}  # applied: the keymap's key shadows the other action
    assert problems == [
        "la touche « n » sert à deux actions (list.filter, list.new) sur l'écran « Liste des dossiers »"
    ]
    # A binding without an id is named by its action.
    assert check_keymap({"list.new": "q"}, PLACES)[1] == [
        "la touche « q » sert à deux actions (list.new, quit) sur l'écran « Liste des dossiers »"
    ]


def test_swapping_two_keys_or_reusing_a_key_on_another_screen_is_no_clash():
    assert check_keymap({"list.filter": "n", "list.new": "slash"}, PLACES) == (
        {"list.filter": "n", "list.new": "slash"},
        [],
    )
    # « e » is the dossier's edit key; on the list nothing else has it.
    assert check_keymap({"list.filter": "e"}, PLACES)[1] == []


def test_two_defaults_sharing_a_key_are_not_the_keymaps_fault():
    places = {"Écran": [Binding("x", "a", "A", id="s.a"), Binding("x", "b", "B", id="s.b")]}
    assert check_keymap({"s.a": "x"}, places) == ({"s.a": "x"}, [])


async def test_the_app_says_the_keymap_problems_at_start_and_applies_the_rest(actor):
    from clerc_tui.app import ClercApp
    from tests.conftest import TODAY

    app = ClercApp(actor, today=TODAY, start="dossiers", keymap={"list.filter": "f", "nope": "z"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any(
            m.startswith("Raccourcis du fichier de configuration ([keymap]) : identifiant inconnu « nope »")
            for m in messages
        ), messages
        await pilot.press("f")
        assert app.focused is app.screen.query_one("#filter")


# --- [display]: Textual's animations, off unless asked for (issue 12) ----------------------------


def test_animations_are_off_without_a_setting(tmp_path):
    assert load_animations(tmp_path / "absent.toml") == (False, None)
    path = _write(tmp_path / "config.toml", '[keymap]\n"list.filter" = "f"\n')
    assert load_animations(path) == (False, None)


@pytest.mark.parametrize("value,expected", [("true", True), ("false", False)])
def test_the_display_table_turns_animations_on(tmp_path, value, expected):
    path = _write(tmp_path / "config.toml", f"[display]\nanimations = {value}\n")
    assert load_animations(path) == (expected, None)


@pytest.mark.parametrize("content", ['[display]\nanimations = "oui"\n', "[display]\nanimations = 1\n", "display = 3\n"])
def test_an_invalid_animations_value_is_said_in_french_and_they_stay_off(tmp_path, content):
    path = _write(tmp_path / "config.toml", content)
    assert load_animations(path) == (
        False,
        f"Configuration {path} : [display] animations doit valoir true ou false : animations désactivées.",
    )


def test_an_unreadable_file_is_reported_once_by_the_keymap(tmp_path):
    path = _write(tmp_path / "config.toml", "[display\nanimations = true\n")
    assert load_animations(path) == (False, None)
    assert load_keymap(path)[1].startswith(f"Configuration {path} illisible (")
