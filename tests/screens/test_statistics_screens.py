"""The statistics and creditor report screens (issue 16, item 5): charts drawn at 80×24 and
120×40, with data and without, hostile names shown as text, the CSV and the PDF written from
the screen."""

from datetime import date

import pytest

from clerc_tui.paths import exports_dir
from clerc_tui.screens.statistics import CreditorReportScreen, StatisticsScreen
from clerc_tui.services import payments
from clerc_tui.services.dossier_input import CreditorInput
from clerc_tui.services.dossiers import create_dossier
from clerc_tui.widgets.charts import BarChart, DeadlineWeeks
from clerc_tui.widgets.row_table import RowTable
from tests.conftest import TODAY, make_input
from tests.report.test_pdf import flat
from tests.screens.conftest import settle

HOSTILE = "[bold]Bailleur[/] =SOMME(A1)"


def _shown(app) -> str:
    return "\n".join("".join(s.text for s in strip) for strip in app.screen._compositor.render_strips())


def _paid_dossier(actor):
    creditor = CreditorInput(kind="morale", is_individual=False, activity="bailleur", name=HOSTILE, iban="")
    dossier = create_dossier(actor, make_input(new_creditor=creditor), TODAY)
    payments.record_payment(actor, dossier.id, on=TODAY, amount="150", mode="virement", today=TODAY)
    return dossier


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_statistics_charts_fit_and_say_their_values(actor, make_app, size):
    _paid_dossier(actor)
    app = make_app(start="agenda")
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, StatisticsScreen)
        shown = _shown(app)
        assert "Mois le plus fort : nov. 26, 150,00\u00a0€" in shown  # the trend's figure written out, not only drawn
        lines = shown.splitlines()
        assert len(lines) == size[1] and all(len(line) <= size[0] for line in lines)
        await pilot.press("2")
        await pilot.pause()
        shown = _shown(app)
        assert "[bold]Bailleur[/]" in shown and "12,15\u00a0%" in shown  # 150 / 1 234,56, the name as typed
        await pilot.press("3")
        await pilot.pause()
        assert "Aucune échéance ouverte." in _shown(app)
        assert app.screen.query_one(DeadlineWeeks).load is not None


async def test_statistics_with_no_data_say_so(actor, make_app):
    app = make_app(start="agenda")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(app, pilot)
        assert "Aucun encaissement sur la période" in _shown(app)


async def test_creditor_report_screen_shows_table_and_charts_and_writes_csv(actor, make_app):
    dossier = _paid_dossier(actor)
    app = make_app(start="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_creditor_report()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CreditorReportScreen)
        screen.query_one("#report-creditor").value = "[bold]bail"
        screen.query_one("#report-start").value = "01/11/2026"
        screen.query_one("#report-end").value = "26/11/2026"
        await pilot.press("f2")
        await settle(app, pilot)
        assert "[bold]Bailleur[/]" in _shown(app)  # the creditor's name in the title, as typed
        row = [cell.plain for cell in screen.query_one(RowTable).get_row_at(0)]
        assert row[0] == dossier.reference and row[3] == "150,00\u00a0€"
        await pilot.press("f3")  # the charts' tab
        await pilot.pause()
        shown = _shown(app)
        assert "Encaissements par mois" in shown and "nov. 26" in shown and "150,00\u00a0€" in shown
        assert "12,15\u00a0% (1 dossier)" in shown  # the year's recovery rate, written out
        await pilot.press("f5")
        await pilot.pause()
        [csv_file] = list(exports_dir().glob("rapport-creancier-*.csv"))
        text = csv_file.read_text(encoding="utf-8-sig")
        assert dossier.reference in text and ";150,00;" in text
        await pilot.press("f6")  # the PDF, written in a worker
        await settle(app, pilot)
        [pdf_file] = list(exports_dir().glob("rapport-creancier-*.pdf"))
        assert f"Rapport écrit : {pdf_file}" in str(screen.query_one("#report-status").render())
        assert sorted(p.suffix for p in exports_dir().iterdir()) == [".csv", ".pdf"]  # no temporary file left
        text = flat(pdf_file.read_bytes())
        assert f"Rapport au créancier {HOSTILE}" in text and dossier.reference in text and "150,00 €" in text  # chart


async def test_creditor_report_screen_refuses_a_bad_period_in_french(actor, make_app):
    app = make_app(start="agenda")
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_creditor_report()
        await pilot.pause()
        screen = app.screen
        screen.query_one("#report-creditor").value = "x"
        screen.query_one("#report-start").value = "26/11/2026"
        screen.query_one("#report-end").value = "01/11/2026"
        await pilot.press("f2")
        await pilot.pause()
        assert "précède" in str(screen.query_one("#report-status").render())
        assert screen.query_one("#report-months", BarChart).series is None
        assert date(2026, 11, 26) == TODAY
