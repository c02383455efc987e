"""The act checklist screen: draft a commandement, tick, validate, serve; its deadlines appear."""

import pytest

from clerc_tui.app import ClercApp
from clerc_tui.models import Deadline, Dossier
from clerc_tui.services.context import os_login
from tests.conftest import TODAY


@pytest.fixture
def demo_app(demo_base):
    from clerc_tui.models import User
    from clerc_tui.models.db import close_database
    from clerc_tui.services.context import identify
    from clerc_tui.services.users import add_user

    demo_base(dossiers=30, seed=3, today=TODAY)
    if User.get_or_none(User.login == os_login()) is None:
        add_user(os_login(), "Claire Martin", "clerc")
    dossier = Dossier.select().where(Dossier.title_kind == "jugement").order_by(Dossier.id).first()
    yield ClercApp(identify(), today=TODAY, start="dossiers"), dossier.id
    close_database()


async def test_tick_validate_serve_creates_the_waiting_period_and_validity(demo_app):
    from clerc_tui.screens.acts import ActsScreen
    from clerc_tui.screens.dossier_view import DossierScreen

    app, dossier_id = demo_app
    async with app.run_test(size=(160, 50)) as pilot:
        app.push_screen(DossierScreen(dossier_id))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActsScreen)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")  # first type: commandement de payer aux fins de saisie-vente
        await pilot.pause()
        assert screen.view is not None and screen.view.act.act_type == "commandement_saisie_vente"
        await pilot.press("f2")  # refused: the manual mentions are not ticked
        await pilot.pause()
        assert screen.view.act.state == "draft"
        for index, state in enumerate(screen.view.draft.states):
            if state.mention.manual:
                screen.query_one("#mentions").move_cursor(row=index)
                await pilot.press("space")
                await pilot.pause()
        assert not screen.view.draft.blocking
        await pilot.press("f2")
        await pilot.pause()
        assert screen.view.act.state == "verified"
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.view.act.state == "served"
    rules = {d.rule_id for d in Deadline.select().where(Deadline.dossier == dossier_id, Deadline.done == False)}  # noqa: E712
    assert {"sv_attente_8_jours", "sv_commandement_validite_2_ans"} <= rules


async def test_a_served_act_stays_conforme_and_a_stale_serve_is_refused_with_who(demo_app):
    """Verified, then a payment and the act's own fee: the act screen still says « conforme » once
    served (its décompte is the one frozen at validation). Another act changed meanwhile by another
    clerc: « Signifier » is refused in place, with his name."""
    from decimal import Decimal

    from clerc_tui.models import User
    from clerc_tui.screens.acts import ActsScreen
    from clerc_tui.screens.dossier_view import DossierScreen
    from clerc_tui.services import acts, payments
    from clerc_tui.services.context import Actor
    from tests.services.test_acts import _tick_all

    app, dossier_id = demo_app
    act = acts.draft_act(app.actor, dossier_id, "commandement_saisie_vente", today=TODAY)
    _tick_all(app.actor, act)
    acts.verify(app.actor, act.id, today=TODAY)
    payments.record_payment(app.actor, dossier_id, on=TODAY, amount=Decimal("25.00"), today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        app.push_screen(DossierScreen(dossier_id))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActsScreen) and screen.view.act.id == act.id
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.view.act.state == "served" and not screen.view.draft.blocking
        assert "conforme" in str(screen.query_one("#act-title").render())
        # A second act, edited by Bruno while Claire has it on screen.
        second = acts.draft_act(app.actor, dossier_id, "commandement_saisie_vente", today=TODAY)
        _tick_all(app.actor, second)
        acts.verify(app.actor, second.id, today=TODAY)
        screen.refresh_data(select_id=second.id)
        await pilot.pause()
        bruno = User.create(login="bdupont", name="Bruno Dupont", role="clerc")
        acts.update_act(
            Actor(bruno.id, bruno.login, bruno.name, bruno.role), second.id, {"act_date": "27/11/2026"}, today=TODAY
        )
        await pilot.press("g")
        await pilot.pause()
        dialog = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert "modifié par Bruno Dupont le" in str(dialog.query_one("#dialog-error").render())
