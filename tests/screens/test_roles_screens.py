"""A refused action says, in place, which role it needs (issue 10, item 9): acts (v, g),
the rejected cheque (F6), the reversement run (w, F3), an émolument typed by hand (b)."""

from decimal import Decimal as D

import pytest
from textual.widgets import Input, Static

from clerc_tui.app import ClercApp
from clerc_tui.models import Dossier, LedgerEntry, RemittanceRun
from clerc_tui.models.acts import Act
from clerc_tui.models.db import close_database
from clerc_tui.screens.acts import ActsScreen, ServeDialog
from clerc_tui.screens.dossier_accounts import BillActDialog
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.payment_entry import PaymentEntryScreen, RejectDialog
from clerc_tui.screens.remittances import RemittancesScreen, RunConfirm
from clerc_tui.services import acts, payments
from clerc_tui.services.context import identify
from clerc_tui.services.users import add_user
from tests.conftest import TODAY


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.fixture
def clerc_app(demo_base):
    """The demo base (its OS account is the commissaire) seen by a clerc, Bruno Dupont."""

    demo_base(dossiers=30, seed=3, today=TODAY)
    admin = identify()
    add_user("bdupont", "Bruno Dupont", "clerc", actor=admin)
    dossier = Dossier.select().where(Dossier.title_kind == "jugement").order_by(Dossier.id).first()
    yield admin, ClercApp(identify("bdupont"), today=TODAY, start="dossiers"), dossier
    close_database()


def _ready_act(admin, dossier_id: int, *, verified: bool) -> Act:
    act = acts.draft_act(admin, dossier_id, "commandement_saisie_vente", today=TODAY)
    for state in acts.act_view(act.id).draft.states:
        if state.mention.manual:
            acts.tick(admin, act.id, state.mention.id)
    return acts.verify(admin, act.id, today=TODAY) if verified else Act.get_by_id(act.id)


async def test_a_clerc_cannot_validate_nor_serve_and_is_told_who_can(clerc_app):
    admin, app, dossier = clerc_app
    draft = _ready_act(admin, dossier.id, verified=False)
    async with app.run_test(size=(160, 50)) as pilot:
        app.push_screen(DossierScreen(dossier.id))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActsScreen)
        screen.show_act(draft.id)
        await pilot.press("f2")
        await pilot.pause()
        assert "Action réservée à : principal clerc, commissaire (vous êtes clerc) — valider un acte." in _notes(app)
        assert Act.get_by_id(draft.id).state == "draft"
        verified = _ready_act(admin, dossier.id, verified=True)
        screen.refresh_data(select_id=verified.id)
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert not isinstance(app.screen, ServeDialog)  # told before the dialog, not after
        assert "Action réservée à : commissaire (vous êtes clerc) — enregistrer la signification d'un acte." in _notes(
            app
        )
        assert Act.get_by_id(verified.id).state == "verified"


async def test_a_clerc_cannot_reverse_a_payment_nor_run_reversements(clerc_app):
    admin, app, dossier = clerc_app
    payment = payments.record_payment(admin, dossier.id, on=TODAY, amount="100", mode="cheque", today=TODAY)
    entries = LedgerEntry.select().count()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, PaymentEntryScreen)
        screen.query_one("#pay-dossier", Input).value = dossier.reference
        await pilot.press("f6")
        await pilot.pause()
        assert not isinstance(app.screen, RejectDialog)
        assert (
            "Action réservée à : comptable, principal clerc, commissaire (vous êtes clerc) — annuler un "
            "versement, un remboursement ou un reversement." in _notes(app)
        )
        assert not LedgerEntry.select().where(LedgerEntry.reverses == payment.id).exists()
        await pilot.press("escape")  # the reference typed: « Abandonner la saisie ? » asks first
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, RemittancesScreen)
        await pilot.press("f3")
        await pilot.pause()
        assert not isinstance(app.screen, RunConfirm)
        status = str(app.screen.query_one("#remit-status", Static).render())
        assert (
            "Action réservée à : comptable, principal clerc, commissaire (vous êtes clerc) — exécuter un "
            "reversement aux créanciers."
        ) in status
    assert RemittanceRun.select().count() == 0 and LedgerEntry.select().count() == entries


async def test_a_clerc_bills_at_the_tariff_but_cannot_type_an_emolument(clerc_app):
    _admin, app, dossier = clerc_app
    async with app.run_test(size=(160, 50)) as pilot:
        app.push_screen(DossierScreen(dossier.id))
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, BillActDialog)
        dialog.query_one("#bill-base", Input).value = "100,00"
        before = LedgerEntry.select().count()
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is dialog  # refused in place, the typing kept
        assert (
            "Action réservée à : principal clerc, commissaire (vous êtes clerc) — saisir un émolument absent du tarif."
        ) in str(dialog.query_one("#dialog-error", Static).render())
        assert LedgerEntry.select().count() == before
        dialog.query_one("#bill-base", Input).value = ""  # at the tariff: everyday work
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is not dialog
        assert LedgerEntry.select().count() == before + 1
        assert LedgerEntry.select().order_by(LedgerEntry.id.desc()).first().amount > D(0)
