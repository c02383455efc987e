"""The 2025 wage seizure from commandement to répartition on screen (issue 14 item 6): the acts are
drafted, validated and served from the acts screen (`t`), the steps without an act recorded with
`p`, the employer's payment entered like any payment; the deadlines follow, with their dates.
Field values are set directly; keys are pressed where they are the subject (n, c, v, g, p, Ctrl+S)."""

from datetime import date
from decimal import Decimal

import pytest

from clerc_tui.app import ClercApp
from clerc_tui.models import Deadline, Dossier, LedgerEntry
from clerc_tui.services.context import os_login
from tests.conftest import TODAY
from tests.services.test_acts import with_net_pay

START = date(2026, 9, 1)  # Tue: the commandement


@pytest.fixture
def wage_app(demo_base):
    from clerc_tui.models import User
    from clerc_tui.models.db import close_database
    from clerc_tui.services.context import identify
    from clerc_tui.services.etude import set_wage_repartiteur
    from clerc_tui.services.users import add_user

    demo_base(dossiers=30, seed=3, today=TODAY)
    if User.get_or_none(User.login == os_login()) is None:
        add_user(os_login(), "Claire Martin", "commissaire")
    set_wage_repartiteur(identify(), True)
    dossier = (
        Dossier.select()
        .where(Dossier.title_kind == "jugement", Dossier.title_date < date(2026, 6, 1))
        .order_by(Dossier.id)
        .first()
    )
    # The PV de saisie computes the seizable fraction from the debtor's net pay (solvency file).
    with_net_pay(identify(), dossier.id, known_on=START)
    yield ClercApp(identify(), today=START, start="dossiers"), dossier.id
    close_database()


def _open(dossier_id: int) -> dict[str, date]:
    query = Deadline.select().where(Deadline.dossier == dossier_id, Deadline.done == False)  # noqa: E712
    return {d.rule_id: d.due_date for d in query if d.procedure_id == "saisie_remunerations"}


async def _act(app, pilot, screen, type_id: str, fields: dict[str, str] | None = None) -> None:
    """Draft (n), complete (c), tick the manual mentions, validate (v), serve (g) an act dated today."""
    from textual.widgets import Input, Select

    from tests.services.test_acts import _tick_all

    await pilot.press("n")
    await pilot.pause()
    app.screen.query_one("#act-type", Select).value = type_id
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert screen.view.act.act_type == type_id and screen.view.act.act_date == app.today
    if fields:
        await pilot.press("e")
        await pilot.pause()
        for key, value in fields.items():
            app.screen.query_one(f"#field-{key}", Input).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
    _tick_all(app.actor, screen.view.act)
    screen.refresh_data(select_id=screen.view.act.id)
    await pilot.pause()
    assert [s.problems for s in screen.view.draft.blocking] == []
    await pilot.press("f2")
    await pilot.pause()
    assert screen.view.act.state == "verified"
    await pilot.press("g")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert screen.view.act.state == "served"


async def _step(app, pilot, step_id: str) -> None:
    """`p` on the dossier: record a step done today (no act drafted for it)."""
    from textual.widgets import Select

    await pilot.press("p")
    await pilot.pause()
    dialog = app.screen
    dialog.query_one("#procedure", Select).value = "saisie_remunerations"
    await pilot.pause()
    dialog.query_one("#step", Select).value = step_id
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert app.screen is not dialog, str(dialog.query_one("#dialog-error").render())


async def test_wage_seizure_from_commandement_to_repartition(wage_app):
    from clerc_tui.screens.acts import ActsScreen
    from clerc_tui.screens.dossier_view import DossierScreen
    from clerc_tui.services import payments
    from clerc_tui.services.statement import dossier_statement

    app, dossier_id = wage_app
    async with app.run_test(size=(160, 50)) as pilot:
        app.push_screen(DossierScreen(dossier_id))
        await pilot.pause()
        dossier_screen = app.screen
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActsScreen)

        # Tue 01/09/2026: the commandement (R212-1-3). Registre by Wed 02/09; the PV de saisie
        # from Fri 02/10 (the month ends Thu 01/10), at the latest Tue 01/12 (L212-6).
        await _act(app, pilot, screen, "commandement_saisie_remunerations")
        assert _open(dossier_id) == {
            "sr_registre_commandement": date(2026, 9, 2),
            "sr_contestation_suspensive_1_mois": date(2026, 10, 1),
            "sr_pv_saisie_apres_1_mois": date(2026, 10, 2),
            "sr_pv_saisie_3_mois": date(2026, 12, 1),
        }
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dossier_screen
        await _step(app, pilot, "inscription_registre_commandement")
        assert "sr_registre_commandement" not in _open(dossier_id)

        # Mon 05/10: the PV de saisie to the employer; the étude is répartiteur (its name printed).
        app._fixed_today = date(2026, 10, 5)
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        await _act(
            app, pilot, screen, "pv_saisie_remunerations", {"employer": "SARL Transports Rhodaniens, 69002 Lyon"}
        )
        assert "SARL Transports Rhodaniens" in screen.view.draft.body
        assert "commandement de payer aux fins de saisie des rémunérations signifié le 1er septembre 2026" in (
            screen.view.draft.body
        )
        # Registre Tue 06/10, dénonciation by Tue 13/10, the employer's declaration by Tue 20/10.
        assert _open(dossier_id) == {
            "sr_registre_pv": date(2026, 10, 6),
            "sr_denonciation_8_jours": date(2026, 10, 13),
            "sr_declaration_employeur_15_jours": date(2026, 10, 20),
        }

        # Fri 09/10: the dénonciation, timed from the PV served (8 days, caducité).
        app._fixed_today = date(2026, 10, 9)
        await _act(app, pilot, screen, "denonciation_saisie_remunerations", {"employer": "SARL Transports Rhodaniens"})
        assert "signifié le 5 octobre 2026" in screen.view.draft.body
        assert "sr_denonciation_8_jours" not in _open(dossier_id)
        await pilot.press("escape")
        await pilot.pause()
        await _step(app, pilot, "inscription_registre_pv")
        await _step(app, pilot, "declaration_employeur")

        # Thu 05/11: the employer's first payment reaches the étude, entered like any payment and
        # imputed; the first répartition is due within six weeks → Thu 17/12/2026.
        app._fixed_today = date(2026, 11, 5)
        before = dossier_statement(dossier_id, app.today).total_due
        entry = payments.record_payment(
            app.actor,
            dossier_id,
            on=app.today,
            amount=Decimal("182.29"),
            mode="virement",
            payer="SARL Transports Rhodaniens (employeur)",
            today=app.today,
        )
        assert before - dossier_statement(dossier_id, app.today).total_due == Decimal("182.29")
        assert LedgerEntry.get_by_id(entry.id).payer == "SARL Transports Rhodaniens (employeur)"
        await _step(app, pilot, "premiers_fonds_repartiteur")
        assert _open(dossier_id) == {"sr_premiere_repartition_6_semaines": date(2026, 12, 17)}

        # Fri 20/11: the répartition; the next one within six weeks ends Fri 01/01/2027, a holiday,
        # not carried over (« au moins toutes les six semaines »): the day before, Thu 31/12/2026.
        app._fixed_today = date(2026, 11, 20)
        await _step(app, pilot, "repartition")
        assert _open(dossier_id) == {"sr_repartition_6_semaines": date(2026, 12, 31)}


async def test_the_inventory_is_typed_one_good_per_line_in_the_complements(wage_app):
    """`c` on a PV de saisie-vente: the inventory is a text area, one good per line, « désignation ;
    valeur »; saved, it prints numbered in the act; shown again as typed."""
    from textual.widgets import TextArea

    from clerc_tui.screens.acts import ActsScreen
    from clerc_tui.screens.dossier_view import DossierScreen
    from clerc_tui.services import acts

    app, dossier_id = wage_app
    act = acts.draft_act(app.actor, dossier_id, "pv_saisie_vente", today=app.today)
    async with app.run_test(size=(160, 50)) as pilot:
        app.push_screen(DossierScreen(dossier_id))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActsScreen) and screen.view.act.id == act.id
        assert any(s.mention.id == "inventaire" for s in screen.view.draft.blocking)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#field-inventory", TextArea).text = "Vélo Peugeot bleu ; 80\nLampe [red]de[/] bureau"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActsScreen)
        body = screen.view.draft.body
        assert "1. Vélo Peugeot bleu — valeur estimée : 80,00\u00a0€" in body
        assert "2. Lampe [red]de[/] bureau — sans estimation" in body  # hostile text kept inert
        assert not any(s.mention.id == "inventaire" for s in screen.view.draft.blocking)
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one("#field-inventory", TextArea).text == (
            "Vélo Peugeot bleu ; 80,00\nLampe [red]de[/] bureau"
        )
