"""The dossier's « 7 Échéancier » tab, driven by keys (issue 15 item 4): the proposal recomputed
as the clerc types, the plan made with its letter, each instalment's state from the ledger, a
replacement asking its reason, a half-typed proposal never lost on Échap; the start-of-day check
raising the default alert."""

from datetime import timedelta
from decimal import Decimal

from rich.console import Console
from textual.widgets import Input, Static

from clerc_tui.models import Deadline
from clerc_tui.models.plans import PaymentPlan
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.form import LeaveConfirm
from clerc_tui.screens.plans import PlanDialog
from clerc_tui.services import plans
from clerc_tui.services.acts import act_view
from clerc_tui.services.dossiers import create_dossier
from clerc_tui.services.payments import record_payment
from tests.conftest import TODAY, make_input
from tests.screens.conftest import fill, settle


def _text(widget: Static) -> str:
    console = Console(width=200, record=True, color_system=None)
    with console.capture() as capture:
        console.print(widget.content)
    return capture.get().replace("\xa0", " ").replace("\u202f", " ")


async def test_propose_edit_and_make_a_plan_then_replace_it(actor, make_app):
    create_dossier(actor, make_input(claims={"principal": Decimal("1000.00")}), TODAY)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "7")
        assert isinstance(app.screen, DossierScreen)
        assert "Aucun échéancier" in _text(app.screen.query_one("#plan-body", Static))
        await pilot.press("n")
        dialog = app.screen
        assert isinstance(dialog, PlanDialog)
        preview = dialog.query_one("#plan-preview", Static)
        assert "12 échéance(s), total 1 000,00" in _text(preview)
        # Échap with something typed asks first: the typing is never lost silently
        await fill(pilot, dialog.query_one("#plan-count", Input), "4")
        assert "4 échéance(s)" in _text(preview) and "250,00" in _text(preview)
        await pilot.press("escape")
        assert isinstance(app.screen, LeaveConfirm)
        await pilot.press("n")
        assert app.screen is dialog and dialog.query_one("#plan-count", Input).value == "4"
        await fill(pilot, dialog.query_one("#plan-first-amount", Input), "400")
        await fill(pilot, dialog.query_one("#plan-count", Input), "abc")
        assert "nombre entier" in _text(preview)
        await pilot.press("ctrl+s")
        assert app.screen is dialog and "nombre entier" in str(dialog.query_one("#dialog-error", Static).render())
        await fill(pilot, dialog.query_one("#plan-count", Input), "4")
        assert "400,00" in _text(preview) and "200,00" in _text(preview)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DossierScreen)
        body = _text(app.screen.query_one("#plan-body", Static))
        assert "En cours" in body and "400,00" in body and "À venir" in body
        [plan] = PaymentPlan.select()
        assert plan.letter_act_id is not None and "400,00" in act_view(plan.letter_act_id).draft.body
        # a second plan replaces the first, with its reason
        await pilot.press("n")
        dialog = app.screen
        assert isinstance(dialog, PlanDialog) and "remplace" in _text(dialog.query_one(Static))
        await fill(pilot, dialog.query_one("#plan-monthly", Input), "100")
        await pilot.press("ctrl+s")
        assert app.screen is dialog and "motif" in str(dialog.query_one("#dialog-error", Static).render()).lower()
        await fill(pilot, dialog.query_one("#plan-reason", Input), "perte d'emploi du débiteur")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DossierScreen)
        body = _text(app.screen.query_one("#plan-body", Static))
        assert "Remplacé" in body and "perte d'emploi" in body
        assert [p.status for p in PaymentPlan.select().order_by(PaymentPlan.id)] == ["remplace", "actif"]


async def test_instalment_states_and_the_default_alert_at_start_of_day(actor, make_app):
    dossier = create_dossier(actor, make_input(claims={"principal": Decimal("300.00")}), TODAY)
    total = plans.propose(dossier.id, TODAY, count=3).proposal.total
    view = plans.create_plan(actor, dossier.id, "amiable", today=TODAY, expected_total=total, count=3)
    first, second = view.instalments[0], view.instalments[1]
    record_payment(actor, dossier.id, on=first.due_on, amount=first.amount, today=first.due_on)
    record_payment(actor, dossier.id, on=second.due_on, amount=Decimal("40"), today=second.due_on)
    day = second.due_on + timedelta(days=9)
    app = make_app()
    app._fixed_today = day
    async with app.run_test(size=(160, 50)) as pilot:
        alerts = Deadline.select().where(Deadline.procedure_id == "echeancier")
        for _ in range(100):  # the start-of-day check runs in a worker, started after the first paint
            await settle(app, pilot)
            if alerts.count():
                break
            await pilot.pause(0.05)
        [alert] = alerts
        assert alert.due_date == day and "n° 2" in alert.label
        await pilot.press("enter", "7")
        body = _text(app.screen.query_one("#plan-body", Static))
        assert "En défaut" in body and "Payée" in body and "Impayée" in body and "40,00" in body
        await pilot.press("delete")
        await fill(pilot, app.screen.query_one("#reason", Input), "le débiteur a retiré son accord")
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        assert "Annulé" in _text(app.screen.query_one("#plan-body", Static))
    assert PaymentPlan.get_by_id(view.plan.id).status == "annule"
