"""Issue 10 items 5 and 11 on screen: the POSSIBLE section, the trêve hivernale, `o` « Rouvrir » on
the dashboard and on the dossier (tab 3), a past date refused in the postpone dialog, an edit made
meanwhile by another clerc refused in place with who and when, the header « Créancier c/ Débiteur »."""

from datetime import date, datetime

from textual.widgets import Input, OptionList

from clerc_tui.app import ClercApp
from clerc_tui.models import Deadline, User
from clerc_tui.screens.deadline_modals import DeadlinePicker, MoveDialog, ReasonDialog
from clerc_tui.screens.deadlines import DeadlinesScreen
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.help import HelpScreen
from clerc_tui.services import deadlines as S
from clerc_tui.services.context import Actor
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input
from tests.screens.conftest import fill
from tests.screens.test_deadline_screens import _body, _rows


def _deadline(actor, dossier, due, kind="last_day", label="à faire", procedure_id="saisie_attribution", rule_id="r"):
    return Deadline.create(
        dossier=dossier.id,
        procedure_id=procedure_id,
        step_id="s",
        rule_id=rule_id,
        kind=kind,
        due_date=due,
        label=label,
        assigned_to=actor.user_id,
        created_at=datetime.now(),
    )


def _dossier(actor):
    return create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)


async def test_possible_items_have_their_own_section_not_en_retard(actor):
    dossier = _dossier(actor)
    _deadline(actor, dossier, date(2026, 11, 2), label="Dénonciation")
    _deadline(actor, dossier, date(2026, 11, 5), kind="earliest_day", label="Vente possible")
    _deadline(actor, dossier, date(2026, 11, 10), label="Contestation")
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        rows = _rows(app)
        assert [r[1] for r in rows] == [
            "EN RETARD",
            "02/11/2026",
            "10/11/2026",
            "POSSIBLE (délais d'attente écoulés : l'acte peut être fait)",
            "05/11/2026",
        ]
        assert [r[0] for r in rows] == ["", "RETARD", "RETARD", "", "POSSIBLE"]
        status = str(app.screen.query_one("#agenda-status").render())
        assert "2 en retard · 1 possible · 0 aujourd'hui" in status


async def test_an_expulsion_in_the_truce_is_suspended_on_the_dashboard_and_the_dossier(actor, make_app):
    dossier = _dossier(actor)
    _deadline(
        actor,
        dossier,
        date(2026, 10, 14),
        kind="earliest_day",
        label="Expulsion possible",
        procedure_id="expulsion",
        rule_id="exp_cql_2_mois",
    )
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        row = next(r for r in _rows(app) if r[1] == "14/10/2026")
        assert row[0] == "SUSPENDU"
        assert row[5].startswith("Expulsion possible — trêve hivernale jusqu'au 31/03/2027")
    app = make_app()
    async with app.run_test(size=(240, 60)) as pilot:
        await pilot.press("enter")
        await pilot.press("3")
        body = " ".join(_body(app, "#echeances-body").split())
        assert "SUSPENDU — trêve hivernale jusqu'au 31/03/2027" in body
        assert "relogement" in body


async def test_o_reopens_a_done_deadline_from_the_dashboard_with_a_reason(actor):
    dossier = _dossier(actor)
    deadline = _deadline(actor, dossier, date(2026, 11, 30), label="Dénonciation")
    S.mark_done(actor, deadline.id, "faite par erreur", today=TODAY)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert deadline.id not in [e.id for e in app.screen.entries if e is not None]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert ("o", "Rouvrir", "agenda.reopen") in app.screen.entries
        await pilot.press("escape")
        await pilot.press("o")
        assert isinstance(app.screen, DeadlinePicker)
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        await fill(pilot, dialog.query_one("#reason", Input), "...")
        await pilot.press("enter")
        assert app.screen is dialog and "en mots" in str(dialog.query_one("#dialog-error").render())
        dialog.query_one("#reason", Input).value = "marquée faite par erreur"
        await pilot.press("enter")
        assert isinstance(app.screen, DeadlinesScreen)
        assert not Deadline.get_by_id(deadline.id).done
        assert deadline.id in [e.id for e in app.screen.entries if e is not None]


async def test_o_reopens_on_the_dossier_tab_3(actor, make_app):
    dossier = _dossier(actor)
    deadline = _deadline(actor, dossier, date(2026, 11, 30), label="Dénonciation")
    S.mark_done(actor, deadline.id, "dénoncée", today=TODAY)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("3")
        assert "fait le 26/11/2026 : dénoncée" in _body(app, "#echeances-body")
        await pilot.press("question_mark")
        assert ("o", "Rouvrir", "dossier.deadline_reopen") in app.screen.entries
        await pilot.press("escape")
        await pilot.press("o")
        assert isinstance(app.screen, DeadlinePicker)
        await pilot.press("enter")
        assert isinstance(app.screen, ReasonDialog)
        await fill(pilot, app.screen.query_one("#reason", Input), "acte nul, à refaire")
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        assert not Deadline.get_by_id(deadline.id).done
        assert "à faire" in _body(app, "#echeances-body")


async def test_the_postpone_dialog_refuses_a_past_date_on_the_dashboard_and_the_dossier(actor, make_app):
    dossier = _dossier(actor)
    deadline = _deadline(actor, dossier, date(2026, 11, 20), label="Dénonciation")
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("r")
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        dialog.query_one("#new-date", Input).value = "25/11/2026"
        dialog.query_one("#reason", Input).value = "délai de grâce"
        dialog.query_one("#reason", Input).focus()
        await pilot.press("enter")
        assert app.screen is dialog and "cette date est passée" in str(dialog.query_one("#dialog-error").render())
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "3", "r", "enter")
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        dialog.query_one("#new-date", Input).value = "01/01/2026"
        dialog.query_one("#reason", Input).value = "délai de grâce"
        dialog.query_one("#reason", Input).focus()
        await pilot.press("enter")
        assert app.screen is dialog and "cette date est passée" in str(dialog.query_one("#dialog-error").render())
    assert Deadline.get_by_id(deadline.id).due_date == date(2026, 11, 20)


async def test_an_edit_made_meanwhile_by_another_clerc_is_refused_in_the_dialog(actor, make_app):
    dossier = _dossier(actor)
    deadline = _deadline(actor, dossier, date(2026, 11, 30), label="Dénonciation")
    bruno = User.create(login="bdupont", name="Bruno Dupont", role="clerc")
    other = Actor(bruno.id, bruno.login, bruno.name, bruno.role)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        S.move(other, deadline.id, date(2026, 12, 2), "délai accordé", today=TODAY)  # meanwhile, another clerc
        dialog.query_one("#reason", Input).value = "dénonciation faite"
        await pilot.press("enter")
        error = str(dialog.query_one("#dialog-error").render())
        assert app.screen is dialog and "modifiée par Bruno Dupont le" in error
        await pilot.press("escape")  # the reason typed is kept until the clerc says to abandon it
        await pilot.press("o")
        assert next(e for e in app.screen.entries if e is not None and e.id == deadline.id).version == 2
    assert not Deadline.get_by_id(deadline.id).done
    # The dossier's tab 3: the same refusal.
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "3", "f", "enter")
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        S.mark_done(other, deadline.id, "fait par Bruno", today=TODAY)
        dialog.query_one("#reason", Input).value = "dénonciation faite"
        await pilot.press("enter")
        assert "modifiée par Bruno Dupont le" in str(dialog.query_one("#dialog-error").render())
    assert Deadline.get_by_id(deadline.id).done_reason == "fait par Bruno"


async def test_the_dossier_header_reads_creancier_c_debiteur(actor, make_app):
    _dossier(actor)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        title = str(app.screen.query_one("#dossier-title").render())
        assert "SCI Les Tilleuls  c/  LEFÈVRE Hélène" in title, title


async def test_the_reopen_picker_lists_the_latest_done_first(actor):
    dossier = _dossier(actor)
    first = _deadline(actor, dossier, date(2026, 11, 30), label="Première")
    second = _deadline(actor, dossier, date(2026, 12, 1), label="Seconde")
    S.mark_done(actor, first.id, "faite", today=TODAY, done_on=date(2026, 11, 20))
    S.mark_done(actor, second.id, "faite", today=TODAY)
    app = ClercApp(actor, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("o")
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0].startswith("fait le 26/11/2026") and "Seconde" in labels[0]
        assert "Première" in labels[1]
