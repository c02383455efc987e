"""Every form and dialog keeps its typing: the app-wide letters (q, c, v, w) are inactive on
it, on a drop-down closed or open and in a field; leaving unsaved typing (Échap, Ctrl+C,
Ctrl+Q) asks « Abandonner la saisie ? » first (docs/forms.md)."""

import pytest
from textual.widgets import Checkbox, Input, Select, Static

from clerc_tui.screens.dossier_list import DossierListScreen
from clerc_tui.screens.form import LeaveConfirm
from clerc_tui.widgets.form_field import FormField
from tests.conftest import TODAY

LETTERS = ("q", "c", "v", "w")


def _dossier_form(app, dossier):
    from clerc_tui.screens.dossier_form import DossierFormScreen

    return DossierFormScreen()


def _dossier_edit(app, dossier):
    from clerc_tui.screens.dossier_form import DossierFormScreen

    return DossierFormScreen(dossier.id)


def _payments(app, dossier):
    from clerc_tui.screens.payment_entry import PaymentEntryScreen

    return PaymentEntryScreen(dossier.reference)


def _calculator(app, dossier):
    from clerc_tui.screens.calculator import CalculatorScreen

    return CalculatorScreen()


def _reason(app, dossier):
    from clerc_tui.screens.deadline_modals import ReasonDialog

    return ReasonDialog("Marquer l'échéance comme faite", "échéance", lambda reason: reason)


def _move(app, dossier):
    from clerc_tui.screens.deadline_modals import MoveDialog

    return MoveDialog("Reporter l'échéance", "échéance", TODAY, lambda on, reason: reason)


def _step(app, dossier):
    from clerc_tui.screens.deadline_modals import StepDialog

    return StepDialog(TODAY, lambda *args: args)


def _new_act(app, dossier):
    from clerc_tui.screens.acts import NewActDialog

    return NewActDialog()


def _act_view(app, dossier):
    from clerc_tui.rules.acts import act_types
    from clerc_tui.services import acts as acts_service

    act = acts_service.draft_act(app.actor, dossier.id, act_types()[0].id, today=TODAY)
    return acts_service.act_view(act.id)


def _act_fields(app, dossier):
    from clerc_tui.screens.acts import ActFieldsDialog

    return ActFieldsDialog(_act_view(app, dossier), lambda values: values)


def _serve(app, dossier):
    from clerc_tui.screens.acts import ServeDialog

    return ServeDialog(_act_view(app, dossier), lambda on, mode: mode)


def _bill(app, dossier):
    from clerc_tui.screens.dossier_accounts import BillActDialog

    return BillActDialog(dossier.id)


def _reject(app, dossier):
    from clerc_tui.screens.payment_entry import RejectDialog
    from clerc_tui.services import payments

    line = payments.check_line(dossier.reference, "10,00", "26/11/2026", "cheque", today=TODAY)
    payments.record_batch(app.actor, [line], today=TODAY)
    return RejectDialog(payments.resolve_dossier(dossier.reference))


def _fact(app, dossier):
    from clerc_tui.screens.solvency import FactDialog

    return FactDialog("Nouveau renseignement de solvabilité", lambda values: None, TODAY, [(1, "Débiteur")])


def _fact_end(app, dossier):
    from clerc_tui.rules.solvency import Fact
    from clerc_tui.screens.solvency import EndDialog

    return EndDialog(Fact(1, 1, "employment", "SARL Dupont", "", None, TODAY, "employeur"), lambda on, reason: None)


FORMS = {
    "dossier_new": _dossier_form,
    "dossier_edit": _dossier_edit,
    "payments": _payments,
    "calculator": _calculator,
    "reason": _reason,
    "move": _move,
    "step": _step,
    "new_act": _new_act,
    "act_fields": _act_fields,
    "serve": _serve,
    "bill": _bill,
    "reject": _reject,
    "solvency_fact": _fact,
    "solvency_end": _fact_end,
}


def _type_something(form) -> None:
    fields = form.query(Input)
    if fields:
        fields.first().value += "7"
        return
    select = form.query(Select).first()
    values = [value for _label, value in select._options if value != select.value and value is not Select.BLANK]
    select.value = values[0]


async def _open(app, pilot, dossier, name):
    form = FORMS[name](app, dossier)
    app.push_screen(form)
    await pilot.pause()
    await pilot.pause()
    assert app.screen is form and not form.dirty
    return form


def _running(app) -> bool:
    return app.return_code is None


@pytest.mark.parametrize("name", list(FORMS))
async def test_the_form_survives_the_letters_and_asks_before_leaving(make_app, sample_dossier, name):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open(app, pilot, sample_dossier, name)
        # Each control within its column at 80×24: the interest category's check box was as wide
        # as its label, past its column, its right border cut off.
        for field in form.query(FormField):
            assert field.control.outer_size.width <= field.content_size.width, (name, field.field_name)
        selects = form.query(Select)
        if selects:
            select = selects.first()
            select.focus()
            await pilot.pause()
            # Closed: they used to quit, open the calculator, the payments… (pressed in one go: one
            # that left the form would leave it before the next, and the check after sees it).
            await pilot.press(*LETTERS)
            assert app.screen is form and _running(app)
            await pilot.press("enter")  # open: the list searches what is typed, nothing else
            assert select.expanded
            await pilot.press(*LETTERS)
            assert app.screen is form and _running(app)
            await pilot.press("escape")  # closes the list only
            assert app.screen is form and not select.expanded and _running(app)
        boxes = form.query(Checkbox)
        if boxes:  # on a check box they do nothing either (the dossier forms, the calculator)
            box = boxes.first()
            box.focus()
            await pilot.pause()
            assert app.focused is box
            await pilot.press(*LETTERS)
            assert app.screen is form and _running(app)
        fields = form.query(Input)
        if fields:
            field = fields.first()
            field.focus()
            field.value = ""
            await pilot.press(*LETTERS)  # in a field they are typed
            assert app.screen is form and _running(app) and field.value == "qcvw"
        else:
            _type_something(form)
        # Leaving the unsaved typing, by each way out, asks first (one app per form: the suite
        # opens each form once for the letters and the leaving question).
        below = app.screen_stack[-2]
        assert form.dirty
        for key in ("escape", "ctrl+c", "ctrl+q"):
            await pilot.press(key)
            assert isinstance(app.screen, LeaveConfirm), key
            question = str(app.screen.query_one("#leave-question", Static).render())
            assert "Abandonner la saisie" in question
            assert ("quitter clerc" in question) == (key == "ctrl+q")
            if key == "escape":  # the question is a modal: its letters are inactive too (one
                await pilot.press(*LETTERS)  # question whichever way out asked it: tried once per form)
                assert isinstance(app.screen, LeaveConfirm) and _running(app)
            await pilot.press("n")  # back to the typing, kept
            assert app.screen is form and _running(app) and form.dirty
        await pilot.press("escape", "o")
        assert app.screen is below and _running(app)


@pytest.mark.parametrize("name", ["dossier_new", "payments", "calculator", "bill", "step"])
async def test_a_form_left_as_opened_is_left_without_a_question(make_app, sample_dossier, name):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        below = app.screen
        await _open(app, pilot, sample_dossier, name)
        await pilot.press("escape")
        assert app.screen is below
        await _open(app, pilot, sample_dossier, name)
        await pilot.press("ctrl+c")
        assert app.screen is below and _running(app)
        await _open(app, pilot, sample_dossier, name)
        await pilot.press("ctrl+q")
        assert not _running(app)


async def test_ctrl_q_quits_after_abandon_is_confirmed(make_app, sample_dossier):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open(app, pilot, sample_dossier, "dossier_new")
        form.query(Input).first().value = "SCI"
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, LeaveConfirm) and _running(app)
        await pilot.press("o")
        assert not _running(app)


async def test_a_pending_batch_under_a_dialog_still_asks_before_quitting(make_app, sample_dossier):
    from clerc_tui.screens.payment_entry import RejectDialog

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot, sample_dossier, "payments")
        screen.query_one("#pay-amount", Input).value = "10,00"
        await pilot.press("enter")
        assert len(screen.pending) == 1
        screen.query_one("#pay-dossier", Input).value = sample_dossier.reference
        screen.mark_clean()  # the fields as they are: only the batch is unsaved
        await pilot.press("f6")
        assert isinstance(app.screen, RejectDialog)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, LeaveConfirm)
        assert "1 paiement(s) du lot non enregistré(s)" in str(app.screen.query_one("#leave-question", Static).render())
        await pilot.press("n")
        assert isinstance(app.screen, RejectDialog) and _running(app)


async def test_the_letters_still_work_on_the_lists(make_app):
    from clerc_tui.screens.calculator import CalculatorScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, DossierListScreen)
        await pilot.press("c")
        assert isinstance(app.screen, CalculatorScreen)
        await pilot.press("escape")
        await pilot.press("q")
        assert not _running(app)
