"""Hints written in a screen's text (« Maj+I : détail des intérêts », « n pour en créer un »)
name the key that really does it there, and follow the user's [keymap] (ClercApp.key_for).

Before, they were typed by hand and drifted when keys changed: the décompte said « i : détail
des intérêts » while `i` opens the import screen (the detail is Maj+I), the solvency tab said
« u : corriger · z : terminer » while `u` pauses the amicable recovery and `z` takes the dossier
out of it, the plan tab « z : annuler » likewise."""

import re
import string

from textual.widgets import Input

from clerc_tui.report.statement import render_text
from clerc_tui.screens.deadlines import DeadlinesScreen
from clerc_tui.screens.dossier_list import DossierListScreen
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.statement_view import InterestDetailScreen
from clerc_tui.widgets.key_bar import key_label
from tests.screens.conftest import fill
from tests.services.test_ledger_statement import example_dossier

CANDIDATES = [*string.ascii_letters, *string.digits, "delete", "enter", "escape", *(f"f{n}" for n in range(1, 13))]


def shown(app, selector: str) -> str:
    content = app.screen.query_one(selector).content
    return content if isinstance(content, str) else render_text(content, width=200)


def keys_named(label: str) -> list[str]:
    """The keys Textual delivers for a label as clerc shows it: « o / Entrée » → o, enter."""
    keys = [next((k for k in CANDIDATES if key_label(k) == part), None) for part in label.split(" / ")]
    assert None not in keys, f"no key is shown as « {label} »"
    return keys  # type: ignore[return-value]


def actions_of(app, text: str, pattern: str) -> set[str]:
    """The actions run, on the screen as it is (focus included), by the key(s) that `text`
    names where `pattern` has its KEY."""
    found = re.search(pattern.replace("KEY", r"(\S+(?: / \S+)?)"), text)
    assert found, f"no « {pattern} » in: {text}"
    bindings = app.screen.active_bindings
    return {bindings[key].binding.action if key in bindings else f"(nothing on {key})" for key in keys_named(found[1])}


async def test_every_hint_on_the_dossier_tabs_names_the_key_that_does_it(actor, make_app):
    example_dossier(actor)  # no ledger entry, no plan, no amicable scenario: every hint is shown
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        assert actions_of(app, shown(app, "#synthese-body"), r"\(KEY : inscrire\)") == {"amicable_enrol"}
        await pilot.press("s")
        hint = shown(app, "#statement-hint")
        assert actions_of(app, hint, "KEY : changer la date") == {"statement_date"}
        assert actions_of(app, hint, "KEY : détail des intérêts") == {"interest_detail"}
        assert actions_of(app, hint, "KEY : exporter") == {"export_statement"}
        await pilot.press("5")
        totals = shown(app, "#accounts-totals")
        assert actions_of(app, totals, "KEY : facturer un acte") == {"bill"}
        assert actions_of(app, totals, "KEY : saisir un versement") == {"payments"}
        await pilot.press("6")
        body = shown(app, "#solvency-body")
        assert actions_of(app, body, "KEY : ajouter") == {"add"}
        assert actions_of(app, body, "KEY : corriger") == {"correct"}
        assert actions_of(app, body, "KEY : terminer") == {"end"}
        await pilot.press("7")
        body = shown(app, "#plan-body")
        assert actions_of(app, body, "KEY : proposer un échéancier") == {"propose"}
        assert actions_of(app, body, "KEY : annuler celui en cours") == {"cancel_plan"}


async def test_the_hinted_key_opens_the_interest_detail_even_when_the_keymap_moves_it(actor, make_app):
    example_dossier(actor)
    app = make_app(keymap={"dossier.interest_detail": "f9"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "s", "a")
        await fill(pilot, app.screen.query_one("#statement-at", Input), "15/09/2025")  # 2026 S2: no rate yet
        await pilot.press("enter")
        hint = shown(app, "#statement-hint")
        assert "F9 : détail des intérêts" in hint
        (label,) = re.findall(r"(\S+) : détail des intérêts", hint)
        await pilot.press(*keys_named(label))
        assert isinstance(app.screen, InterestDetailScreen)


async def test_the_palette_names_the_key_of_each_command_as_the_keymap_has_it(actor, make_app):
    """Before, the palette's texts were typed by hand: « (a sur l'échéancier) » (the plan's name,
    not the deadlines'), and « (i) » whatever the keymap said."""
    example_dossier(actor)
    app = make_app(keymap={"app.imports": "f9", "dossier.amicable_pause": "ctrl+b"})
    async with app.run_test(size=(120, 40)) as pilot:
        texts = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert texts["Import de dossiers d'un créancier"].endswith("puis import (F9)")
        assert texts["Relances amiables du jour"].endswith("(a sur l'écran des échéances)")
        assert texts["Touches"].endswith("(? / F1)")
        await pilot.press("enter")  # the dossier: its own commands
        assert isinstance(app.screen, DossierScreen)
        texts = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert texts["Relance amiable : bloquer ou reprendre"].endswith("ensuite (Ctrl+B)")
        assert texts["Solvabilité du débiteur"].endswith("de chacun (6)")


async def test_a_hint_names_every_key_of_its_binding(actor, make_app):
    """« o / Entrée : enregistrer », « Échap / n : continuer la saisie »: all the keys that do it."""
    from clerc_tui.screens.form import LeaveConfirm
    from clerc_tui.screens.payment_entry import BatchSummary

    app = make_app()
    async with app.run_test(size=(120, 40)):
        assert app.key_for(BatchSummary, "payment.summary_ok") == "o / Entrée"
        assert app.key_for(LeaveConfirm, "leave.keep") == "Échap / n"


async def test_the_hints_of_empty_screens_name_their_keys(actor, make_app):
    app = make_app(start="agenda")  # a base without a dossier: nothing due, nothing listed
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, DeadlinesScreen)
        status = shown(app, "#agenda-status")
        widen = re.search(r"\((\S+), (\S+), (\S+) pour l'élargir\)", status)
        assert widen, status
        actions = [app.screen.active_bindings[keys_named(label)[0]].binding.action for label in widen.groups()]
        assert actions == ["cycle_clerc", "cycle_procedure", "cycle_horizon"]
        await pilot.press("d")
        assert isinstance(app.screen, DossierListScreen)
        assert actions_of(app, shown(app, "#list-status"), "KEY pour en créer un") == {"new"}


# A key named in text, the way clerc writes hints: « F5 valide », « Maj+C : corriger », « n pour… »,
# or after what it does, as the palette does: « … puis import (i) », « (a sur l'écran des échéances) »,
# or beside Entrée: « o / Entrée : enregistrer ».
TYPED_KEY = re.compile(
    r"(?:^|[\s(«/])(F\d{1,2}|Ctrl\+\w+|Maj\+\w+|[a-zA-Z])"
    r"(?: : | pour | puis | ou F\d| la retire| valide| enregistre| importe| cherche| met | confirme)"
    r"|(?:^|\s)\((?:\?|\d|F\d{1,2}|Ctrl\+\w+|Maj\+\w+|[a-zA-Z])(?:\)| sur )"
    r"|(?:^|[\s(«])[a-zA-Z] / (?:Entrée|Échap)"
)


def test_no_screen_types_a_key_by_hand_in_its_text():
    """Every key named in the text of a screen or widget comes from ClercApp.key_for: a string
    literal that names one (docstrings aside) is a hint that will drift."""
    import ast
    from pathlib import Path

    import clerc_tui

    root = Path(clerc_tui.__file__).parent
    typed = []
    for path in sorted([*(root / "screens").glob("*.py"), *(root / "widgets").glob("*.py"), root / "app.py"]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        typed += [
            f"{path.name}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and TYPED_KEY.search(node.value)
        ]
    assert typed == []


async def test_the_decompte_hint_is_whole_at_80_columns(actor, make_app):
    example_dossier(actor)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "s")
        hint, bar = app.screen.query_one("#statement-hint"), app.screen.query_one("#statement-bar")
        lines = [strip.text for strip in hint.render_lines(hint.region.reset_offset)]
        assert "exporter" in "".join(lines)  # « x : exporter » is the last thing it says
        assert bar.size.height >= len(lines) >= 2  # wrapped, and the bar shows every line of it
