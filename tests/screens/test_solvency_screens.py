"""The dossier's « 6 Solvabilité » tab and the recommendation (`m`), driven by keys (issue 14
items 1–2): the facts and the seizable amount shown, the wage seizure first with its reasons,
and choosing it starts its procedure through the `p` dialog."""

from datetime import date
from decimal import Decimal

from rich.console import Console
from textual.widgets import Input, OptionList, Select, Static

from clerc_tui.models import Deadline, SolvencyFact
from clerc_tui.rules.french import format_amount
from clerc_tui.rules.seizable import quotite
from clerc_tui.screens.deadline_modals import DeadlinePicker, StepDialog
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.solvency import EndDialog, FactDialog, MeasuresScreen
from clerc_tui.services import solvency
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input
from tests.screens.conftest import fill


def _text(app, selector: str) -> str:
    console = Console(width=200, record=True, color_system=None)
    with console.capture() as capture:
        console.print(app.screen.query_one(selector, Static).content)
    return capture.get()


async def test_known_employer_seizable_amount_then_wage_seizure_chosen_starts_its_procedure(actor, make_app):
    debtor = DebtorInput(kind="physique", last_name="Roux", first_name="Paul", employer_name="Boulangerie [b]Roux")
    dossier = create_dossier(
        actor,
        make_input(
            debtor=debtor,
            title_kind="jugement",
            title_date=date(2026, 3, 2),
            claims={"principal": Decimal("3000.00")},
            assigned_to_id=actor.user_id,
        ),
        TODAY,
    )
    debtor_id = solvency.dossier_solvency(dossier.id, TODAY).debtors[0].debtor_id
    solvency.record_fact(
        actor,
        debtor_id,
        "bank_account",
        label="Banque Ancienne",
        detail="FR76 \x1b[2J effacé ?",  # hostile text: drawn, never obeyed
        known_on=date(2025, 2, 1),
        source="ficoba",
        today=TODAY,
    )
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "6")
        assert isinstance(app.screen, DossierScreen)
        body = _text(app, "#solvency-body")
        assert "Boulangerie [b]Roux" in body and "non daté" in body and "ANCIENNE" in body
        assert "\x1b" not in body and "␛[2J effacé ?" in body
        # The card's employer, corrected with the net pay the employer gave: a dated fact.
        await pilot.press("C")
        assert isinstance(app.screen, DeadlinePicker)  # newest first: the account, then the undated card
        await pilot.press("down", "enter")
        dialog = app.screen
        assert isinstance(dialog, FactDialog)
        assert dialog.query_one("#fact-kind", Select).value == "employment"
        await fill(pilot, dialog.query_one("#fact-amount", Input), "abc")
        await pilot.press("ctrl+s")
        assert app.screen is dialog and "Montant" in str(dialog.query_one("#dialog-error", Static).render())
        await fill(pilot, dialog.query_one("#fact-amount", Input), "2000")
        dialog.query_one("#fact-source", Select).value = "employeur"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DossierScreen)
        body = _text(app, "#solvency-body")
        seizable = format_amount(quotite(Decimal("2000"), 0, TODAY).seizable)
        assert "Salaire saisissable" in body and f"{seizable} par mois" in body
        # The recommendation: the wage seizure first (the account's FICOBA answer is stale).
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MeasuresScreen)
        first = screen.plan.measures[0]
        assert first.measure.id == "saisie_remunerations" and first.possible
        detail = _text(app, "#measure-detail")
        assert "Employeur : Boulangerie [b]Roux" in detail and "par mois" in detail and "Fondement" in detail
        assert screen.query_one("#measures-list", OptionList).highlighted == 0
        await pilot.press("enter")
        step = app.screen
        assert isinstance(step, StepDialog)
        assert (step.procedure_id, step.step_id) == ("saisie_remunerations", "commandement")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DossierScreen)
        assert (
            Deadline.select()
            .where(Deadline.dossier == dossier.id, Deadline.procedure_id == "saisie_remunerations")
            .exists()
        )


async def test_a_fact_ends_and_stays_in_the_history(actor, make_app, sample_dossier):
    debtor_id = solvency.dossier_solvency(sample_dossier.id, TODAY).debtors[0].debtor_id
    solvency.record_fact(
        actor,
        debtor_id,
        "employment",
        label="SARL Dupont",
        amount=Decimal("1500.00"),
        known_on=date(2026, 11, 2),
        source="employeur",
        today=TODAY,
    )
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "6", "delete", "enter")
        assert isinstance(app.screen, EndDialog)
        await fill(pilot, app.screen.query_one("#end-date", Input), "20/11/2026")
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        body = _text(app, "#solvency-body")
        assert "Aucun renseignement" in body and "Historique" in body and "terminé le 20/11/2026" in body
    assert SolvencyFact.select().count() == 2  # the fact and its end: nothing erased
