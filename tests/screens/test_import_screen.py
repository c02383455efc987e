"""The import screen (i): the file and the creditor typed, F5 checks (mapping and refusals shown,
nothing written), F2 imports on a worker; Échap with typing asks first."""

from textual.widgets import Input, Static

from clerc_tui.models import Dossier, DossierSource
from clerc_tui.screens.form import LeaveConfirm
from clerc_tui.screens.imports import ImportScreen
from clerc_tui.widgets.row_table import RowTable
from tests.screens.conftest import fill, settle

CSV = (
    "Réf.;Nom;Prénom;Code postal;Capital\r\n"
    "S-1;Martin;Zoé;69002;1 000,00\r\n"
    "S-2;[red]Durand[/red];Luc;96000;250\r\n"
    "S-3;Petit;Léa;75011;12,5O\r\n"
)


def _text(app, selector) -> str:
    return str(app.screen.query_one(selector, Static).render()).replace("\u202f", " ")


async def test_check_then_import_from_the_screen(actor, sample_dossier, make_app, tmp_path):
    path = tmp_path / "créances.csv"
    path.write_text(CSV, encoding="cp1252")
    app = make_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, ImportScreen)
        await pilot.press("f2")
        assert "Vérifiez d'abord le fichier (F5)" in _text(app, "#import-status")
        await fill(pilot, app.screen.query_one("#import-path", Input), str(path))
        await fill(pilot, app.screen.query_one("#import-creditor", Input), "sci les tilleuls")
        await pilot.press("f5")
        await settle(app, pilot)
        columns = " ".join(_text(app, "#import-columns").split())
        assert "Principal * ← Capital" in columns and "Colonnes du même nom : Nom, Prénom, Code postal" in columns
        assert "Non lus : Type de débiteur, Civilité," in columns
        assert "CSV, Windows-1252, séparateur point-virgule" in _text(app, "#import-columns")
        assert "1 à créer, 0 déjà présent(s), 2 refusé(s)" in _text(app, "#import-status")
        table = app.screen.query_one(RowTable)
        assert [table.get_row_at(i)[:2] for i in range(table.row_count)] == [["3", "S-2"], ["4", "S-3"]]
        assert "[red]Durand[/red]" not in table.get_row_at(0)[2]  # the refusal is about the postcode
        assert Dossier.select().count() == 1  # the check wrote nothing
        await pilot.press("f2")
        await settle(app, pilot)
        assert "Import terminé : 1 créé, 0 déjà présent, 2 refusés (3 lignes lues)." in _text(app, "#import-status")
        assert [s.creditor_reference for s in DossierSource.select()] == ["S-1"]
        await pilot.press("escape")  # imported: nothing left to lose
        await pilot.pause()
        assert not isinstance(app.screen, ImportScreen)


async def test_leaving_with_typing_asks_first_and_a_bad_file_is_said(actor, sample_dossier, make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await fill(pilot, app.screen.query_one("#import-path", Input), str(tmp_path / "absent.csv"))
        await fill(pilot, app.screen.query_one("#import-creditor", Input), "SCI Les Tilleuls")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "illisible" in _text(app, "#import-status")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveConfirm)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#import-creditor", Input).value == "SCI Les Tilleuls"
