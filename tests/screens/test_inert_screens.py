"""Issue 10, item 12 on screen: old data with control characters or markup is shown as
typed (or as placeholders), never obeyed; a reason with markup makes no error storm."""

import re
from decimal import Decimal

from clerc_tui.errors import InvalidInput
from clerc_tui.models.db import database, raw_sql
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.screens.payment_entry import RejectDialog
from clerc_tui.services import payments
from tests.conftest import TODAY

BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MARKUP = "Durand [/]x [link=file:///etc/passwd]y"
EVIL = "Dupont\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\u202e\x9b31m"


def _screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _toasts_shown(app) -> list[str]:
    """The toasts as drawn on the screen (the widget's rendered content, not the stored
    notification): markup parsed there would have eaten « [/] » and the link."""
    from textual.widgets._toast import Toast

    return [" ".join(toast.render().plain.split()) for toast in app.screen.query(Toast)]


def _poison(dossier_id: int, name: str) -> None:
    database.execute_sql(raw_sql("UPDATE debtor SET last_name = ?, display_name = ?"), (name, name))
    database.execute_sql(
        raw_sql("UPDATE dossier SET debtor_name = ?, notes = ? WHERE id = ?"), (name, name, dossier_id)
    )


async def test_old_names_are_inert_on_the_list_and_the_dossier(actor, sample_dossier, make_app):
    _poison(sample_dossier.id, EVIL + " " + MARKUP)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        shown = _screen_text(app)
        assert BAD.search(shown) is None and "Dupont␛]52" in shown
        app.push_screen(DossierScreen(sample_dossier.id))
        await pilot.pause()
        shown = _screen_text(app)
        assert BAD.search(shown) is None and MARKUP in shown


async def test_the_f6_dialog_and_its_message_show_markup_as_typed(actor, sample_dossier, make_app):
    payments.record_payment(actor, sample_dossier.id, on=TODAY, amount=Decimal("50"), mode="cheque", today=TODAY)
    _poison(sample_dossier.id, MARKUP)
    app = make_app()
    async with app.run_test(size=(160, 50), notifications=True) as pilot:  # toasts drawn
        hit = payments.resolve_dossier(sample_dossier.reference)
        app.push_screen(RejectDialog(hit))
        await pilot.pause()
        assert MARKUP in _screen_text(app)
        reason = "rejeté [/]x [link=file:///etc/passwd]y"
        app.screen.query_one("#reject-reason").value = reason
        await pilot.press("enter")
        await pilot.pause()
        assert any(reason in toast for toast in _toasts_shown(app)), _toasts_shown(app)
        app.show_error(InvalidInput(f"Refusé : {MARKUP}"), "test")
        await pilot.pause()
        assert f"Refusé : {MARKUP}" in _toasts_shown(app), _toasts_shown(app)
        # and on the screen as drawn, toast layer included (a toast wraps: the pieces, line by line)
        shown = _screen_text(app)
        assert "Refusé : Durand [/]x" in shown and "[link=file:///etc/passwd]y" in shown, shown
