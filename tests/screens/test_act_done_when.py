"""Issue 6's acceptance, pressed as a clerc would: draft a commandement aux fins de
saisie-vente, see the checklist fail for a missing address, fix it in the dossier, validate,
serve, and find the 8-day waiting period and the 2-year validity on the deadline dashboard."""

import pytest
from textual.widgets import Input

from clerc_tui.app import ClercApp
from clerc_tui.models import DebtorAddress, Dossier, DossierDebtor
from clerc_tui.services.context import os_login
from tests.conftest import TODAY
from tests.screens.conftest import fill


@pytest.fixture
def demo(demo_base):
    from clerc_tui.models import User
    from clerc_tui.models.db import close_database
    from clerc_tui.services.context import identify
    from clerc_tui.services.users import add_user

    demo_base(dossiers=30, seed=3, today=TODAY)
    if User.get_or_none(User.login == os_login()) is None:
        add_user(os_login(), "Claire Martin", "clerc")
    dossier = (
        Dossier.select()
        .where(Dossier.title_kind == "jugement", ~Dossier.debtor_name.contains("·"))
        .order_by(Dossier.id)
        .first()
    )
    debtor_id = DossierDebtor.get(DossierDebtor.dossier == dossier, DossierDebtor.position == 0).debtor_id
    # The debtor's address is unknown (moved away): no current address on file.
    DebtorAddress.update(is_current=False).where(DebtorAddress.debtor == debtor_id).execute()
    Dossier.update(assigned_to=identify().user_id).where(Dossier.id == dossier.id).execute()
    yield ClercApp(identify(), today=TODAY), dossier
    close_database()


async def test_draft_fix_the_address_validate_serve_and_see_the_deadlines(demo):
    from clerc_tui.screens.acts import ActsScreen
    from clerc_tui.screens.deadlines import DeadlinesScreen
    from clerc_tui.screens.dossier_form import DossierFormScreen
    from clerc_tui.screens.dossier_view import DossierScreen

    app, dossier = demo
    async with app.run_test(size=(160, 50)) as pilot:
        assert isinstance(app.screen, DeadlinesScreen)
        await pilot.press("d", "slash")
        await fill(pilot, app.screen.query_one("#filter", Input), dossier.reference)
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, DossierScreen) and app.screen.dossier_id == dossier.id
        await pilot.press("t", "n", "ctrl+s")
        await pilot.pause()
        acts = app.screen
        assert isinstance(acts, ActsScreen) and acts.view.act.act_type == "commandement_saisie_vente"
        problems = [p for s in acts.view.draft.states for p in s.problems]
        assert any("Adresse du débiteur manquante" in p and "fiche dossier (e)" in p for p in problems)

        await pilot.press("escape", "e")
        form = app.screen
        assert isinstance(form, DossierFormScreen)
        for name, value in (
            ("debtor_street", "8 rue des Lilas"),
            ("debtor_postcode", "59000"),
            ("debtor_city", "Lille"),
        ):
            await fill(pilot, form.field(name).control, value)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)

        await pilot.press("t")
        await pilot.pause()
        acts = app.screen
        problems = [p for s in acts.view.draft.states for p in s.problems]
        assert not any("Adresse" in p for p in problems)
        for index, state in enumerate(acts.view.draft.states):
            if state.mention.manual and not state.ticked:
                acts.query_one("#mentions").move_cursor(row=index)
                await pilot.press("space")
                await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert acts.view.act.state == "verified"
        await pilot.press("g", "ctrl+s")
        await pilot.pause()
        assert acts.view.act.state == "served"

        await pilot.press("escape", "escape", "a")  # acts → dossier → list → back to the dashboard
        await pilot.pause()
        dashboard = app.screen
        assert isinstance(dashboard, DeadlinesScreen)
        await pilot.press("h", "h", "h")  # 7 → 14 → 30 days → every open deadline
        await pilot.pause()
        shown = {(e.reference, e.rule_id) for e in dashboard.entries if e is not None}
        assert (dossier.reference, "sv_attente_8_jours") in shown
        assert (dossier.reference, "sv_commandement_validite_2_ans") in shown
