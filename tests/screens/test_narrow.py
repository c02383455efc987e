"""80 × 24 is a first-class size: the columns a clerc decides on stay in sight (docs/forms.md)."""

import pytest
from textual.widgets import Static

from clerc_tui.widgets.row_table import RowTable

SIZE = (80, 24)


def _header(table: RowTable) -> str:
    return "".join(segment.text for segment in table.render_line(0))


def _headers(app) -> list[str]:
    return [_header(t) for t in app.screen.query(RowTable) if t.size.width]


async def _show(app, pilot, screen):
    app.push_screen(screen)
    await pilot.pause()
    await pilot.pause()


async def test_the_agenda_keeps_state_date_dossier_article_and_nv(make_app):
    app = make_app(start="agenda")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (header,) = _headers(app)
        for label in ("État", "Échéance", "Dossier", "À faire", "Article", "NV"):
            assert label in header, header
        assert "Procédure" not in header and "Clerc" not in header  # hidden first
        assert len(header) == 80


async def test_the_dossier_list_keeps_the_solde(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (header,) = _headers(app)
        for label in ("Référence", "Débiteur", "Créancier", "Solde", "Échéance"):
            assert label in header, header


async def test_the_remittances_keep_what_is_due(make_app):
    from clerc_tui.screens.remittances import CreditorRemittanceScreen, RemittancesScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _show(app, pilot, RemittancesScreen())
        (header,) = _headers(app)
        for label in ("Créancier", "Encaissé", "Retenue A444-32", "À reverser"):
            assert label in header, header
        await _show(app, pilot, CreditorRemittanceScreen(1))
        (header,) = _headers(app)
        for label in ("Dossier", "Retenue A444-32", "À reverser", "Note"):
            assert label in header, header


async def test_the_acts_keep_the_article_and_the_state(make_app, sample_dossier):
    from clerc_tui.screens.acts import ActsScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _show(app, pilot, ActsScreen(sample_dossier.id))
        acts, mentions = _headers(app)
        assert "État" in acts and "Date" in acts
        assert "Article" in mentions and "État" in mentions, mentions


async def test_the_accounts_keep_debit_credit_and_note(make_app, sample_dossier):
    from clerc_tui.screens.dossier_view import DossierScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _show(app, pilot, DossierScreen(sample_dossier.id))
        await pilot.press("5")
        await pilot.pause()
        header = _header(app.screen.query_one("#accounts-table", RowTable))
        for label in ("Date", "Libellé", "Débit", "Crédit", "Note"):
            assert label in header, header

