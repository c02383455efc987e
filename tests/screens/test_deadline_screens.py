"""The deadline dashboard and the dossier's deadline actions, driven by keys as a clerc does."""

from datetime import date, timedelta

from textual.widgets import Input, Select

from clerc_tui.app import ClercApp
from clerc_tui.models import AuditEntry, Deadline, User
from clerc_tui.screens.deadline_modals import MoveDialog, ReasonDialog, StepDialog
from clerc_tui.screens.deadlines import DeadlinesScreen
from clerc_tui.screens.dossier_list import DossierListScreen
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.services.dossiers import create_dossier
from clerc_tui.widgets.row_table import RowTable
from tests.conftest import TODAY, make_input
from tests.screens.conftest import fill
from tests.services.test_deadlines import _agenda_fixture


def _rows(app) -> list[list[str]]:
    table = app.screen.query_one(RowTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def _body(app, selector: str) -> str:
    from rich.console import Console

    console = Console(width=240, record=True, file=None, color_system=None)
    with console.capture() as capture:
        console.print(app.screen.query_one(selector).content)
    return capture.get()


def _selected(app):
    return app.screen.selected


async def test_clerc_opens_on_the_dashboard_overdue_first_then_filters_mine_all_a_clerc_and_the_horizon(actor):
    # One app for the opening and the filters (what it opens on, then each filter from there).
    _bruno, ids = _agenda_fixture(actor)
    app = ClercApp(actor, today=TODAY)  # the real default: no start given
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DeadlinesScreen)
        rows = _rows(app)
        # Mine only at first: a header, the overdue row with its badge, then today.
        assert rows[0][1] == "EN RETARD"
        assert rows[1][0] == "RETARD" and rows[1][1] == "01/10/2026" and rows[1][2] == "2026-000001"
        assert rows[1][3] == "LEFÈVRE Hélène" and rows[1][7] == "Claire Martin"
        assert rows[2][1] == "AUJOURD'HUI 26/11/2026" and rows[3][0] == "AUJOURD'HUI"
        assert _selected(app).id == ids["overdue_old"]  # the cursor skips the header
        assert "1 en retard · 1 aujourd'hui · 0 à venir" in str(app.screen.query_one("#agenda-status").render())
        assert "mes échéances (Claire Martin)" in str(app.screen.query_one("#agenda-filters").render())
        screen = app.screen
        shown = lambda: [e.id for e in screen.entries if e is not None]  # noqa: E731
        assert shown() == [ids["overdue_old"], ids["today"]]
        await pilot.press("m")  # everyone's
        assert shown() == [ids["overdue_old"], ids["overdue"], ids["today"], ids["tomorrow"]]
        assert "toutes les échéances" in str(screen.query_one("#agenda-filters").render())
        await pilot.press("m")  # Bruno's
        assert shown() == [ids["overdue"], ids["tomorrow"]]
        assert "échéances de Bruno Dupont" in str(screen.query_one("#agenda-filters").render())
        await pilot.press("m")  # back to mine
        await pilot.press("h")  # 14 days
        assert shown() == [ids["overdue_old"], ids["today"], ids["in_10_days"]]
        await pilot.press("h")  # 30 days
        assert ids["in_30_days"] in shown() and ids["beyond"] not in shown()
        await pilot.press("p")  # first procedure of the catalogue (injonction de payer): none
        assert shown() == [] and "Aucune échéance ouverte" in str(screen.query_one("#agenda-status").render())


async def test_mark_done_asks_a_reason_and_refuses_an_empty_one_in_place(actor):
    _bruno, ids = _agenda_fixture(actor)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("f")
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        await pilot.press("enter")  # empty reason
        assert app.screen is dialog
        assert "Motif obligatoire" in str(dialog.query_one("#dialog-error").render())
        assert not Deadline.get_by_id(ids["overdue_old"]).done
        await fill(pilot, dialog.query_one("#reason", Input), "dénonciation faite")
        await pilot.press("enter")
        assert isinstance(app.screen, DeadlinesScreen)
        done = Deadline.get_by_id(ids["overdue_old"])
        assert done.done and done.done_reason == "dénonciation faite" and done.done_on == TODAY
        assert AuditEntry.select().where(AuditEntry.action == "deadline.done").count() == 1
        assert ids["overdue_old"] not in [e.id for e in app.screen.entries if e is not None]


async def test_move_asks_the_new_date_and_a_reason(actor):
    _bruno, ids = _agenda_fixture(actor)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("r")
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        day = app.focused
        assert isinstance(day, Input)  # the dialog opens on the new date
        await fill(pilot, day, "31/11/2026")
        await pilot.press("enter")
        assert "n'existe pas" in str(dialog.query_one("#dialog-error").render())
        await fill(pilot, day, "30/11/2026")
        await pilot.press("enter")
        assert app.focused is dialog.query_one("#reason", Input)
        await pilot.press("enter")  # no reason yet
        assert app.screen is dialog and "Motif obligatoire" in str(dialog.query_one("#dialog-error").render())
        await fill(pilot, dialog.query_one("#reason", Input), "délai de grâce")
        await pilot.press("enter")
        assert isinstance(app.screen, DeadlinesScreen)
        moved = Deadline.get_by_id(ids["overdue_old"])
        assert (moved.due_date, moved.original_due_date, moved.moved_reason) == (
            date(2026, 11, 30),
            date(2026, 10, 1),
            "délai de grâce",
        )
        row = next(r for r in _rows(app) if r[1].startswith("30/11/2026"))
        assert row[1] == "30/11/2026*" and row[0] == ""


async def test_enter_opens_the_dossier_t_jumps_to_today_d_and_a_switch_screens(actor):
    _bruno, ids = _agenda_fixture(actor)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("t")
        assert _selected(app).id == ids["today"]
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DeadlinesScreen)
        await pilot.press("d")
        assert isinstance(app.screen, DossierListScreen)
        await pilot.press("a")
        assert isinstance(app.screen, DeadlinesScreen)


async def test_pages_are_fetched_on_reaching_the_end_and_t_loads_today(actor, monkeypatch):
    monkeypatch.setattr(DeadlinesScreen, "PAGE_SIZE", 4)
    dossier = create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)
    for day in range(1, 31):  # thirty overdue, then two today
        Deadline.create(
            dossier=dossier.id,
            rule_id="r",
            label=f"retard {day}",
            due_date=date(2026, 10, day),
            assigned_to=actor.user_id,
            created_at=TODAY,
        )
    for n in range(2):
        Deadline.create(
            dossier=dossier.id,
            rule_id="r",
            label=f"jour {n}",
            due_date=TODAY,
            assigned_to=actor.user_id,
            created_at=TODAY,
        )
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 12)) as pilot:
        screen = app.screen
        assert len([e for e in screen.entries if e is not None]) == 4
        await pilot.press(*["j"] * 4)
        assert _selected(app).label == "retard 5"  # the next page, fetched
        await pilot.press("t")  # today is beyond the rows loaded: its page is loaded
        assert _selected(app).label == "jour 0"
        assert screen.has_before
        await pilot.press("k")  # above the first row: the previous page comes back
        assert _selected(app).label == "retard 30"
        await pilot.press("k")
        assert _selected(app).label == "retard 29"


def _walkable_agenda(actor, monkeypatch):
    """26 open deadlines of mine within 7 days: 3 overdue, 2 possible, 3 today, then 3 a day for
    six days; pages of 5 (a window of 15). Returns the agenda's order, the rows that start a
    group (a header above them) and each one's header."""
    from clerc_tui.rules.french import day_label
    from clerc_tui.services import deadlines as S

    monkeypatch.setattr(DeadlinesScreen, "PAGE_SIZE", 5)
    dossier = create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)

    def add(day: date, kind: str = "last_day", n: int = 0):
        Deadline.create(
            dossier=dossier.id,
            rule_id="r",
            kind=kind,
            label=f"{kind} {day} {n}",
            due_date=day,
            assigned_to=actor.user_id,
            created_at=TODAY,
        )

    for day in (1, 2, 3):
        add(date(2026, 11, day))
    for day in (10, 11):
        add(date(2026, 11, day), kind="earliest_day")
    for days in range(7):  # today, then six days
        for n in range(3):
            add(TODAY + timedelta(days=days), n=n)
    rows = S.agenda(TODAY, 7, clerc_id=actor.user_id, limit=1000)
    assert len(rows) == 26
    starts, labels, previous = set(), {}, None
    for row in rows:
        section = row.section(TODAY)
        group = section if section in ("overdue", "possible") else row.due_date
        if group != previous:
            starts.add(row.id)
            labels[row.id] = {
                "overdue": "EN RETARD",
                "possible": "POSSIBLE (délais d'attente écoulés : l'acte peut être fait)",
                "today": "AUJOURD'HUI 26/11/2026",
            }.get(section, day_label(row.due_date))
        previous = group
    return [r.id for r in rows], starts, labels


def _check_window(screen, starts, labels) -> None:
    """The table shows the rows held, each group's header above its first row (and only there),
    the cursor in view, the header of its group too when it is the group's first row."""
    table = screen.query_one(RowTable)
    entries = screen.entries
    assert table.row_count == len(entries)
    assert len(screen.window.rows) <= 15
    for i, entry in enumerate(entries):
        if entry is None:
            assert str(table.get_row_at(i)[1]) == labels[entries[i + 1].id]
        else:
            assert (i > 0 and entries[i - 1] is None) == (entry.id in starts), (i, entry.label)
    assert table.top_row <= table.cursor_row < table.top_row + table.page_rows
    if screen.selected.id in starts:
        assert table.top_row <= table.cursor_row - 1  # arriving from below too


async def test_j_and_k_walk_the_whole_agenda_both_ways_with_headers_right_across_pages(actor, monkeypatch):
    order, starts, labels = _walkable_agenda(actor, monkeypatch)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 14)) as pilot:
        screen = app.screen
        walked = [screen.selected.id]
        for _ in order[1:]:
            await pilot.press("j")
            walked.append(screen.selected.id)
            _check_window(screen, starts, labels)
        assert walked == order  # every deadline once, in order
        assert len(screen.window.rows) < len(order)
        back = [screen.selected.id]
        for _ in order[1:]:
            await pilot.press("k")
            back.append(screen.selected.id)
            _check_window(screen, starts, labels)
        assert back == order[::-1]
        assert not screen.has_before and screen.query_one(RowTable).top_row == 0  # « EN RETARD » shows


async def test_pagedown_pageup_g_and_G_cross_pages_on_the_dashboard(actor, monkeypatch):
    order, starts, labels = _walkable_agenda(actor, monkeypatch)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 14)) as pilot:
        screen = app.screen
        table = screen.query_one(RowTable)
        for _ in range(8):
            await pilot.press("pagedown")
            _check_window(screen, starts, labels)
        assert screen.selected.id == order[-1]  # PageDown goes on to the end
        await pilot.press("g")
        assert screen.selected.id == order[0] and table.top_row == 0
        await pilot.press("G")  # the last deadline of the whole agenda, at the bottom of the view
        assert screen.selected.id == order[-1] and screen.has_before and not screen.has_after
        assert table.cursor_row - table.top_row == table.page_rows - 1
        _check_window(screen, starts, labels)
        before = order.index(screen.window.rows[0].id)
        for _ in range(2):  # up past the rows of the last screen: the page before comes
            cursor = order.index(screen.selected.id)
            await pilot.press("pageup")
            assert order.index(screen.selected.id) < cursor
            _check_window(screen, starts, labels)
        assert order.index(screen.window.rows[0].id) < before
        for _ in range(8):
            await pilot.press("pageup")
            _check_window(screen, starts, labels)
        assert screen.selected.id == order[0]


async def test_a_commit_elsewhere_rereads_the_window_and_keeps_the_cursor_on_its_deadline(actor, monkeypatch, db_path):
    import sqlite3

    _walkable_agenda(actor, monkeypatch)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 14)) as pilot:
        screen = app.screen
        table = screen.query_one(RowTable)
        await pilot.press("G", "k", "k", "k", "k")
        selected = screen.selected
        held = [r.id for r in screen.window.rows]
        gone = held[held.index(selected.id) - 1]  # the row above the cursor, done by a colleague
        place = table.cursor_row - table.top_row
        other = sqlite3.connect(db_path)
        other.execute("UPDATE deadline SET done = 1 WHERE id = ?", (gone,))
        other.commit()
        other.close()
        app._poll_other_writers()
        await pilot.pause()
        assert screen.selected.id == selected.id
        assert gone not in [r.id for r in screen.window.rows]
        assert [r.id for r in screen.window.rows][: held.index(gone)] == held[: held.index(gone)]
        assert abs(table.cursor_row - table.top_row - place) <= 1  # the row stays where it was on screen
        assert len(screen.window.rows) <= 15


async def test_the_dashboard_follows_another_process(actor, db_path):
    import sqlite3

    _bruno, ids = _agenda_fixture(actor)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        other = sqlite3.connect(db_path)
        other.execute("UPDATE deadline SET done = 1 WHERE id = ?", (ids["overdue_old"],))
        other.commit()
        other.close()
        app._poll_other_writers()
        await pilot.pause()
        assert [e.id for e in app.screen.entries if e is not None] == [ids["today"]]


async def test_a_debtor_name_with_markup_is_shown_as_typed(actor):
    from clerc_tui.services.dossier_input import DebtorInput

    dossier = create_dossier(
        actor,
        make_input(assigned_to_id=actor.user_id, debtor=DebtorInput(kind="physique", last_name="Durand [/]x")),
        TODAY,
    )
    Deadline.create(
        dossier=dossier.id, rule_id="r", label="[bold]x", due_date=TODAY, assigned_to=actor.user_id, created_at=TODAY
    )
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        row = _rows(app)[1]
        assert row[3] == "DURAND [/]X" and row[5] == "[bold]x"


# --- the dossier screen: record an act, mark done, move -------------------------------------


async def test_record_a_step_from_the_dossier_then_mark_done_and_move(actor, make_app):
    dossier = create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("p")
        dialog = app.screen
        assert isinstance(dialog, StepDialog)
        dialog.query_one("#procedure", Select).value = "saisie_attribution"
        await pilot.pause()
        assert dialog.step_id == "acte_saisie"
        assert dialog.query_one("#fact-bank_account", Select).value == "?"
        dialog.query_one("#fact-bank_account", Select).value = "oui"
        served = dialog.query_one("#served-on", Input)
        served.value = "27/11/2026"  # tomorrow: refused in place
        await pilot.press("ctrl+s")
        assert app.screen is dialog and "après aujourd'hui" in str(dialog.query_one("#dialog-error").render())
        served.value = "20/11/2026"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DossierScreen)
        assert {d.rule_id for d in Deadline.select().where(Deadline.dossier == dossier.id)} == {
            "sa_denonciation_8_jours",
            "sa_comptes_15_jours_ouvrables",
        }
        await pilot.press("3")
        assert "Dénonciation de la saisie-attribution" in _body(app, "#echeances-body")
        assert "Saisie-attribution" in _body(app, "#echeances-body")  # the procedure's name, not its code
        assert "saisie attribution" not in _body(app, "#echeances-body")
        await pilot.press("r")  # pick the first open deadline (the dénonciation), then date and reason
        await pilot.press("enter")
        assert isinstance(app.screen, MoveDialog)
        await fill(pilot, app.focused, "01/12/2026")
        await pilot.press("enter")
        await fill(pilot, app.screen.query_one("#reason", Input), "erreur de calcul du mandant")
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        body = _body(app, "#echeances-body")
        assert "initialement le 30/11/2026" in body
        await pilot.press("f", "enter")
        assert isinstance(app.screen, ReasonDialog)
        await fill(pilot, app.screen.query_one("#reason", Input), "dénoncée le 25/11")
        await pilot.press("enter")
        assert Deadline.get(Deadline.rule_id == "sa_denonciation_8_jours").done
        assert "fait le 26/11/2026 : dénoncée le 25/11" in _body(app, "#echeances-body")


async def test_a_read_only_user_is_told_at_once(actor, make_app):
    from clerc_tui.services.context import Actor

    _bruno, _ids = _agenda_fixture(actor)
    reader = User.create(login="lecteur", name="Léo Lecteur", role="lecture")
    app = ClercApp(Actor(reader.id, "lecteur", "Léo Lecteur", "lecture"), today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("m")  # everyone's
        await pilot.press("f")
        assert isinstance(app.screen, DeadlinesScreen)
        assert any("(vous êtes lecture seule)" in str(n.message) for n in app._notifications)


async def test_a_waiting_period_that_ran_out_reads_possible_not_late(actor):
    from datetime import datetime

    dossier = create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)
    Deadline.create(
        dossier=dossier.id,
        procedure_id="saisie_vente",
        kind="earliest_day",
        due_date=date(2026, 11, 20),
        label="Saisie-vente possible",
        assigned_to=actor.user_id,
        created_at=datetime.now(),
    )
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert _rows(app)[1][:2] == ["POSSIBLE", "20/11/2026"]


# --- the missing legal rate line ---------------------------------------------------------------


def _after_shipped_legal_table():
    """The day from which the half-year after the shipped legal table is due (the 15th of the
    table's last month), and that half-year's first day: derived from the table, so the test
    holds however far the shipped table reaches."""
    from datetime import timedelta

    from clerc_tui.rules.rates import LEGAL, shipped_table

    last = max(shipped_table(LEGAL).last_day(c) for c in ("particulier", "autres"))
    return date(last.year, last.month, 15), last + timedelta(days=1)


async def test_the_dashboard_says_which_legal_rate_to_enter_and_forgets_it_once_entered(actor):
    from clerc_tui.rules.french import format_date
    from clerc_tui.rules.rates import half_year_name
    from clerc_tui.services.rates import add_etude_rate

    today, start = _after_shipped_legal_table()
    app = ClercApp(actor, today=today)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#agenda-rates")
        assert line.display
        text = str(line.render())
        assert f"Taux de l'intérêt légal du {half_year_name(start)} non saisi (particulier et autres)" in text
        assert f"clerc rates add --table legal --category particulier --from {format_date(start)}" in text
        end = date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)
        for category in ("particulier", "autres"):
            add_etude_rate(
                actor,
                table="legal",
                category=category,
                valid_from=start,
                valid_to=end,
                value="6,00",
                source="Arrêté du … — lu sur x",
            )
        app.screen.refresh_data()  # as after another clerc's write
        await pilot.pause()
        assert not app.screen.query_one("#agenda-rates").display


async def test_no_rate_line_before_the_15th(actor):
    from datetime import timedelta

    today, _start = _after_shipped_legal_table()
    app = ClercApp(actor, today=today - timedelta(days=1))
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#agenda-rates").display


async def test_a_suspended_expulsion_wait_is_said_on_the_dossier_and_the_dashboard(actor, make_app):
    from clerc_tui.services.deadlines import ALL_HORIZON

    dossier = create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        await pilot.press("p")
        dialog = app.screen
        dialog.query_one("#procedure", Select).value = "expulsion"
        await pilot.pause()
        dialog.query_one("#step", Select).value = "commandement_quitter_lieux"
        await pilot.pause()
        dialog.query_one("#served-on", Input).value = "20/11/2026"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DossierScreen)
        assert any("Préfet non saisi" in str(n.message) for n in app._notifications)
        await pilot.press("3")
        assert "SUSPENDU — Préfet non saisi" in _body(app, "#echeances-body")
    dashboard = ClercApp(actor, today=TODAY)
    async with dashboard.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = dashboard.screen
        assert isinstance(screen, DeadlinesScreen)
        screen.horizon = ALL_HORIZON
        screen.reload()
        await pilot.pause()
        suspended = [r for r in _rows(dashboard) if r[0] == "SUSPENDU"]
        assert len(suspended) == 1 and "Préfet non saisi" in suspended[0][5]
    assert Deadline.get(Deadline.dossier == dossier.id, Deadline.rule_id == "exp_cql_2_mois").suspended_reason


async def test_a_notice_of_other_writers_while_the_app_closes_is_ignored(make_app):
    """The listening thread (PostgreSQL) may deliver a commit notice after the last screen is
    gone: nothing to refresh, and no error (it once raised ScreenStackError in that thread)."""
    app = make_app()
    async with app.run_test():
        pass
    assert not app.screen_stack
    app._other_writers_committed()  # as call_from_thread runs it, once the screens are gone


async def test_a_notice_of_other_writers_on_a_screen_half_built_is_ignored(actor, make_app):
    """A commit notice may reach a dossier screen whose widgets are not all there (being built or
    taken down): the refresh is skipped, not raised in the listening thread (seen on PostgreSQL:
    NoMatches '#synthese-body')."""
    dossier = create_dossier(actor, make_input(), TODAY)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(DossierScreen(dossier.id))
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        await app.screen.query_one("#synthese-body").remove()
        app._other_writers_committed()  # as call_from_thread runs it
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
