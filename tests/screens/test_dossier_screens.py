"""The dossier screens driven as a clerc does: keys only."""

import shutil
import sqlite3
from decimal import Decimal

import pytest
from textual.widgets import Input

from clerc_tui.models import Dossier, User
from clerc_tui.models.db import close_database, open_database
from clerc_tui.screens.dossier_form import DossierFormScreen
from clerc_tui.screens.dossier_list import DossierListScreen
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.help import HelpScreen
from clerc_tui.services.context import Actor, identify
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier, update_dossier
from clerc_tui.widgets.row_table import RowTable
from tests.conftest import TODAY, make_input
from tests.screens.conftest import fill


def _seed(actor):
    for last, first in (("Lefèvre", "Hélène"), ("Martin", "Léa"), ("Lefebvre", "Gérard"), ("Durand [/]x", "Paul")):
        create_dossier(actor, make_input(debtor=DebtorInput(kind="physique", last_name=last, first_name=first)), TODAY)


def _debtors_shown(app) -> list[str]:
    table = app.screen.query_one(RowTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_opens_on_the_list_and_filters_as_you_type(actor, make_app):
    _seed(actor)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, DossierListScreen)
        assert _debtors_shown(app) == ["LEFÈVRE Hélène", "MARTIN Léa", "LEFEBVRE Gérard", "DURAND [/]X Paul"]
        await pilot.press("slash", "l", "e", "f")
        assert _debtors_shown(app) == ["LEFÈVRE Hélène", "LEFEBVRE Gérard"]
        await pilot.press("e", "v")
        assert _debtors_shown(app) == ["LEFÈVRE Hélène"]
        assert "1 dossier pour « lefev »" in str(app.screen.query_one("#list-status").render())
        await pilot.press("enter")  # leaves the filter for the table
        await pilot.press("enter")  # opens the highlighted dossier
        assert isinstance(app.screen, DossierScreen)
        assert "LEFÈVRE Hélène" in str(app.screen.query_one("#dossier-title").render())
        await pilot.press("3")
        await pilot.press("escape")
        assert isinstance(app.screen, DossierListScreen)
        assert app.screen.query_one("#filter", Input).value == "lefev"


WALKABLE = 23  # dossiers in the walkable list


@pytest.fixture(scope="module")
def walkable_base(tmp_path_factory, actor_base):
    """`actor_base` plus the walkable list's dossiers, made by `create_dossier` once for the
    module's three tests instead of once in each (~0.3 s of CPU each), closed: each test copies
    it over its own base. None on PostgreSQL (no file template: each test makes them)."""
    if actor_base is None:
        return None
    path = tmp_path_factory.mktemp("walkable") / "clerc.db"
    shutil.copyfile(actor_base, path)
    open_database(str(path))
    actor = identify()
    for _ in range(WALKABLE):
        create_dossier(actor, make_input(), TODAY)
    close_database()  # the WAL folded into the file
    return path


@pytest.fixture
def walkable_list(actor, db_path, walkable_base, monkeypatch) -> list[str]:
    """`WALKABLE` dossiers, pages of 5 (a window of 15 rows): the references in list order."""
    monkeypatch.setattr(DossierListScreen, "PAGE_SIZE", 5)
    if walkable_base is None:
        for _ in range(WALKABLE):
            create_dossier(actor, make_input(), TODAY)
    else:
        close_database()
        shutil.copyfile(walkable_base, db_path)
        open_database(str(db_path))
    return [f"2026-{n:06d}" for n in range(1, WALKABLE + 1)]


WINDOW = 15  # 3 pages of 5


async def test_j_and_k_walk_the_whole_list_across_pages_both_ways_holding_a_window(walkable_list, make_app):
    references = walkable_list
    app = make_app()
    async with app.run_test(size=(120, 14)) as pilot:
        screen = app.screen
        table = screen.query_one(RowTable)
        assert table.page_rows < 10  # several screenfuls in the list, a window bigger than one
        walked, held = [screen.selected.reference], []
        for _ in references[1:]:
            await pilot.press("j")
            walked.append(screen.selected.reference)
            held.append(len(screen.rows))
            assert table.top_row <= table.cursor_row < table.top_row + table.page_rows  # the cursor in view
        assert walked == references  # every dossier once, in order, past every page
        await pilot.press("j")  # the end: nothing more
        assert screen.selected.reference == references[-1]
        back = [screen.selected.reference]
        for _ in references[1:]:
            await pilot.press("k")
            back.append(screen.selected.reference)
            held.append(len(screen.rows))
        assert back == references[::-1]  # and back up to the first, fetching the pages dropped
        assert max(held) <= WINDOW and screen.window.has_before is False
        assert len(screen.rows) < len(references)


async def test_pagedown_pageup_g_and_G_cross_pages(walkable_list, make_app):
    references = walkable_list
    app = make_app()
    async with app.run_test(size=(120, 14)) as pilot:
        screen = app.screen
        table = screen.query_one(RowTable)
        step = table.page_rows
        seen = []
        for _ in range(len(references) // step + 1):
            await pilot.press("pagedown")
            seen.append(screen.selected.reference)
            assert len(screen.rows) <= WINDOW
        expected = [references[min(step * (i + 1), len(references) - 1)] for i in range(len(seen))]
        assert seen == expected  # PageDown goes on past row 5, to the last dossier
        await pilot.press("g")
        assert screen.selected.reference == references[0] and table.top_row == 0
        await pilot.press("G")  # the last dossier of the whole list, at the bottom of the view
        assert screen.selected.reference == references[-1]
        assert table.cursor_row - table.top_row == step - 1
        assert len(screen.rows) == step and screen.window.has_before  # one screenful held
        await pilot.press("pageup")  # from the top of the window: the previous page comes
        assert screen.selected.reference == references[-1 - step]
        assert table.top_row <= table.cursor_row < table.top_row + step
        for _ in range(len(references) // step + 1):
            await pilot.press("pageup")
            assert len(screen.rows) <= WINDOW
        assert screen.selected.reference == references[0]
        await pilot.press("t")  # sort by debtor
        assert "tri : débiteur" in str(screen.query_one("#list-status").render())


async def test_a_commit_elsewhere_rereads_the_window_and_keeps_the_cursor_on_its_dossier(
    walkable_list, make_app, db_path
):
    references = walkable_list
    app = make_app()
    async with app.run_test(size=(120, 14)) as pilot:
        screen = app.screen
        table = screen.query_one(RowTable)
        await pilot.press("G", "k", "k", "k", "k", "k", "k", "k")  # into the page before the last
        selected = screen.selected
        assert selected.reference == references[-8]
        held = [r.reference for r in screen.rows]
        place = table.cursor_row - table.top_row
        other = sqlite3.connect(db_path)  # another clerc renames the debtor of the row above
        other.execute("UPDATE dossier SET debtor_name = 'AUTRE Nom' WHERE reference = ?", (references[-9],))
        other.commit()
        other.close()
        app._poll_other_writers()
        await pilot.pause()
        assert screen.selected.id == selected.id
        assert table.cursor_row - table.top_row == place  # the row did not move on screen
        assert [r.reference for r in screen.rows] == held  # the same window, read again
        assert next(r for r in screen.rows if r.reference == references[-9]).debtor_name == "AUTRE Nom"


async def test_create_a_dossier_with_invalid_then_valid_input(actor, make_app):
    create_dossier(actor, make_input(), TODAY)  # gives the creditor to pick
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, DossierFormScreen)
        await pilot.press("s", "c", "i", "right")  # completion from the étude's creditors
        assert form.field("creditor").value == "SCI Les Tilleuls"
        await pilot.press("ctrl+s")
        assert form.field("debtor_last_name").has_class("-invalid")
        assert form.field("principal").has_class("-invalid")
        assert "2 champs à corriger" in str(form.query_one("#form-message").render())
        assert form.field("creditor").value == "SCI Les Tilleuls"  # typing kept
        assert app.focused is form.field("debtor_last_name").control
        await fill(pilot, form.field("debtor_last_name").control, "Müller")
        await pilot.press("ctrl+s")
        assert app.focused is form.field("principal").control
        await fill(pilot, form.field("principal").control, "12,345")
        await pilot.press("ctrl+s")
        assert "deux décimales" in str(form.field("principal").query_one(".field-error").render())
        assert form.field("debtor_last_name").value == "Müller"
        assert Dossier.select().count() == 1
        assert app.focused is form.field("principal").control
        await fill(pilot, form.field("principal").control, "1 500,00")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DossierScreen)
        created = Dossier.get(Dossier.reference == "2026-000002")
        assert created.debtor_name == "MÜLLER" and created.balance == Decimal("1500.00")
        assert created.assigned_to_id == actor.user_id


async def test_an_edit_that_lost_the_race_keeps_the_typing_and_says_why(actor, make_app, sample_dossier):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, DossierFormScreen)
        bruno = User.create(login="bdupont", name="Bruno Dupont", role="clerc")
        update_dossier(
            Actor(bruno.id, "bdupont", "Bruno Dupont", "clerc"),
            sample_dossier.id,
            1,
            make_input(phase="execution", creditor_id=sample_dossier.creditor_id, new_creditor=None),
            TODAY,
        )
        await fill(pilot, form.field("debtor_city").control, "Paris")
        await pilot.press("ctrl+s")
        assert app.screen is form
        message = str(form.query_one("#form-message").render())
        assert "modifié par Bruno Dupont" in message and "n'ont pas été enregistrées" in message
        assert form.field("debtor_city").value == "Paris"
        dossier = Dossier.get_by_id(sample_dossier.id)
        assert (dossier.phase, dossier.version) == ("execution", 2)


async def test_help_lists_the_keys_of_the_current_screen(actor, make_app, sample_dossier):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        entries = app.screen.entries
        assert ("/", "Filtrer", "list.filter") in entries and ("n", "Nouveau", "list.new") in entries
        assert ("?", "Aide", "app.help") in entries
        await pilot.press("escape")
        await pilot.press("enter", "question_mark")
        ids = {binding_id for _, _, binding_id in app.screen.entries}
        assert "dossier.edit" in ids and "list.filter" not in ids


async def test_the_keymap_remaps_a_binding_by_its_id(actor, make_app, sample_dossier):
    app = make_app(keymap={"list.filter": "f"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f")
        assert app.focused is app.screen.query_one("#filter")


async def test_an_unexpected_error_is_logged_and_said_in_french(actor, make_app, sample_dossier, monkeypatch):
    import clerc_tui.screens.dossier_view as view_screen
    from clerc_tui.paths import log_file

    def broken(_):
        raise RuntimeError("boom")

    monkeypatch.setattr(view_screen, "get_dossier", broken)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert any("Erreur inattendue" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        assert isinstance(app.screen, DossierListScreen)  # still running
    assert "RuntimeError: boom" in log_file().read_text(encoding="utf-8")


async def test_a_change_made_by_another_process_shows_up(actor, make_app, sample_dossier, db_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        other = sqlite3.connect(db_path)
        other.execute("UPDATE dossier SET debtor_name = 'DUPONT Marc' WHERE id = ?", (sample_dossier.id,))
        other.commit()
        other.close()
        app._poll_other_writers()
        await pilot.pause()
        assert _debtors_shown(app) == ["DUPONT Marc"]


async def test_each_tab_takes_the_keys_so_that_page_down_scrolls_it(actor, make_app, sample_dossier):
    from textual.containers import VerticalScroll

    app = make_app()
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.focused, VerticalScroll) and app.focused.parent.id == "synthese"
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.focused, VerticalScroll) and app.focused.parent.id == "historique"
        await pilot.press("1")
        await pilot.pause()
        scroll = app.focused
        assert scroll.max_scroll_y > 0
        await pilot.press("pagedown")
        assert scroll.scroll_y > 0


async def test_help_speaks_french_even_for_textual_own_keys(actor, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        labels = {label for _, label, _ in app.screen.entries}
        assert "Zone suivante" in labels and "Focus Next" not in labels and "Quit" not in labels
        assert sum(1 for _, label, _ in app.screen.entries if label == "Palette de commandes") == 1
