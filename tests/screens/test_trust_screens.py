"""Issue 10, item 13: no English left on screen (palette, help, Ctrl+C, Select's key), and
keymap problems reported in French at start-up."""

import pytest
from textual.command import CommandPalette

from clerc_tui.app import ClercApp
from clerc_tui.screens.help import HelpScreen
from clerc_tui.widgets.key_bar import binding_label
from tests.conftest import TODAY

ENGLISH = (
    "Search for commands",
    "No matches found",
    "Keys",
    "Maximize",
    "Quit",
    "Screenshot",
    "Theme",
    "Dismiss menu",
    "Press",
    "Scroll",
    "Focus",
    "Copy selected",
)


def _notes(app) -> list[str]:
    return [f"{n.title} {n.message}" for n in app._notifications]


async def test_the_palette_is_french(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        commands = [c.title for c in app.get_system_commands(app.screen_stack[0])]
        assert {"Touches", "Quitter", "Thème", "Capture d'écran"} <= set(commands)
        assert not set(commands) & {"Keys", "Maximize", "Quit", "Screenshot", "Theme"}
        assert palette.query_one("#--input Input").placeholder == "Rechercher une commande…"
        await pilot.press(*"zzzqqq")
        from textual.command import CommandList

        def prompts():
            return [str(getattr(o.prompt, "renderable", o.prompt)) for o in palette.query_one(CommandList).options]

        # Textual shows « no matches » after its own 0.5 s countdown: waited for, up to 10 s
        # (a fixed pause failed on a loaded machine).
        for _ in range(100):
            if prompts() == ["Aucune commande ne correspond"]:
                break
            await pilot.pause(0.1)
        assert prompts() == ["Aucune commande ne correspond"]


async def test_help_has_a_french_title_and_french_keys_of_its_own(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query("Static").first().content
        assert table.title == "Raccourcis — Liste des dossiers"
        labels = [label for _k, label, _id in help_screen.entries]
        labels += [binding_label(active.binding) for active in help_screen.active_bindings.values()]
        english = [label for label in labels if any(label == e or label.startswith(e + " ") for e in ENGLISH)]
        assert not english and "help_quit" not in labels, labels


async def test_ctrl_c_says_how_to_quit_in_french(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        notes = _notes(app)
        assert any("Pour quitter clerc" in n and "Quitter ?" in n for n in notes), notes
        assert not any("Press" in n or "Do you want" in n for n in notes)


def test_the_select_menu_key_is_french():
    from textual.binding import Binding
    from textual.widgets._select import SelectOverlay

    (binding,) = Binding.make_bindings(SelectOverlay.BINDINGS)
    assert binding_label(binding) == "Fermer la liste"


def test_the_fec_labels_an_unlabelled_payment_in_french(actor, sample_dossier):
    from datetime import date

    from clerc_tui.services import accounting, payments

    payments.record_payment(
        actor, sample_dossier.id, on=TODAY, amount="100", mode="virement", payer="", bank_reference="", today=TODAY
    )
    lines = accounting.fec_lines(date(2026, 11, 1), TODAY)
    labels = {line.split("|")[10] for line in lines[1:]}
    assert "payment" not in labels and "Paiement" in labels


@pytest.mark.parametrize(
    "keymap, expected",
    [
        ({"list.filtre": "f"}, "identifiant inconnu « list.filtre »"),
        ({"list.filter": "ctrl+"}, "touche invalide « ctrl+ » pour « list.filter »"),
        ({"list.filter": "n"}, "la touche « n » sert à deux actions (list.filter, list.new)"),
    ],
)
async def test_keymap_problems_are_reported_at_start_up_in_french(actor, keymap, expected):
    app = ClercApp(actor, today=TODAY, keymap=keymap, start="dossiers")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        notes = _notes(app)
        assert any(expected in n and "Raccourcis" in n for n in notes), notes


async def test_a_good_keymap_applies_without_warning(actor):
    app = ClercApp(actor, today=TODAY, keymap={"list.filter": "f"}, start="dossiers")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert _notes(app) == []
