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
    await app.workers.wait_for_complete()
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
        table = app.screen.query_one("#agenda", RowTable)
        assert table._column_widths()[6] >= 14  # « CPCE R211-11 ; »: the article number whole


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


def _inside(widget, size) -> bool:
    region = widget.region
    return region.height > 0 and region.bottom <= size[1] and region.right <= size[0] and region.x >= 0


async def test_reverser_tout_scrolls_with_the_total_and_the_keys_in_sight(make_app):
    from decimal import Decimal as D

    from clerc_tui.screens.remittances import RunConfirm
    from clerc_tui.services.remittances import CreditorDue, RunLine
    from tests.conftest import TODAY

    # 40 creditors, each 100,00 € collected, 10,00 € retained, 90,00 € paid back: the total of
    # the transfers is 40 × 90,00 = 3 600,00 €.
    dues = [
        CreditorDue(
            i,
            f"Créancier {i:02d}",
            (
                RunLine(
                    i,
                    f"2026-{i:06d}",
                    i,
                    f"Créancier {i:02d}",
                    D("100"),
                    D("10"),
                    (),
                    D("90"),
                    iban="FR7630004000310001234567865",
                ),
            ),
        )
        for i in range(40)
    ]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RunConfirm(dues, TODAY))
        await pilot.pause()
        total = app.screen.query_one("#run-total", Static)
        assert "3\u00a0600,00\u00a0€" in str(total.render()) and "o / Entrée" in str(total.render())
        assert _inside(total, SIZE)
        lines = app.screen.query_one(".summary-lines")
        assert lines.max_scroll_y > 0 and _inside(lines, SIZE)
        await pilot.press("pagedown")
        assert lines.scroll_y > 0 and _inside(total, SIZE)


async def test_a_long_batch_summary_scrolls_with_the_total_in_sight(make_app, sample_dossier):
    from decimal import Decimal as D

    from clerc_tui.screens.payment_entry import BatchSummary
    from clerc_tui.services.payments import PendingPayment
    from tests.conftest import TODAY

    batch = [
        PendingPayment(sample_dossier.id, sample_dossier.reference, "LEFÈVRE Hélène", TODAY, D("10")) for _ in range(15)
    ]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(BatchSummary(batch))
        await pilot.pause()
        total = app.screen.query_one("#summary-total", Static)
        assert "15 paiement(s), total 150,00\u00a0€" in str(total.render())  # 15 × 10,00 €
        keys = app.screen.query_one("#summary-keys", Static)
        assert _inside(total, SIZE) and _inside(keys, SIZE)
        assert app.screen.query_one(".summary-lines").max_scroll_y > 0


async def test_the_key_bar_stays_one_line_on_the_remittances(make_app):
    from clerc_tui.screens.remittances import CreditorRemittanceScreen, RemittancesScreen
    from clerc_tui.widgets.key_bar import KeyBar

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for screen in (RemittancesScreen(), CreditorRemittanceScreen(1)):
            await _show(app, pilot, screen)
            bar = app.screen.query_one(KeyBar)
            assert bar.region.height == 1 and bar.region.bottom == SIZE[1]


async def test_the_payment_fields_show_a_date_and_an_amount_whole(make_app):
    """On one row at 80 columns the six fields were 12 columns wide: the date read « 26/11/2 »
    and « Virement » wrapped. Below 100 columns they take two rows of three."""
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.pause()
        fields = app.screen.query_one("#payment-fields")
        date_field = fields.query_one("#pay-date", Input)
        assert date_field.value == "26/11/2026"
        for field in fields.query(Input):
            assert field.content_size.width >= len("123 456,78") + 1, field.id  # and the cursor after it
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert fields.query_one("#pay-dossier").region.y == date_field.region.y  # one row again


@pytest.mark.paints  # a paint between the resize and the table's on_resize was the bug
async def test_a_resized_list_is_drawn_at_its_new_width(actor, make_app):
    """A paint at the new size came before the table's on_resize: its lines cached at 120
    columns were cut to 80 (« Solde calculé » gone, the header's columns under the wrong data)
    until the cursor passed over them."""
    from clerc_tui.services.dossiers import create_dossier
    from tests.conftest import TODAY, make_input

    create_dossier(actor, make_input(), TODAY)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for width, height in ((80, 24), (120, 40), (80, 24)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            header, row = (strip.text for strip in app.screen._compositor.render_strips()[2:4])
            assert header.index("Solde calculé") < width, (width, header)
            assert header.index("Solde") < row.index("234,56") < width, (width, row)
