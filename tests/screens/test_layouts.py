"""How many times a screen is laid out whole as it opens and closes (screens/base._LaidOutOnce,
widgets/header.TitleBar, widgets/scroll.Scrolled, ClercApp.refresh): each layout of the dossier
form arranges its ~200 widgets (~50-100 ms of CPU). Textual 8.2.8 laid the form out three times as
it opened and the list twice on Échap; a Textual that lays out more again fails here."""

from collections import Counter

from textual.screen import Screen

from clerc_tui.screens.dossier_form import DossierFormScreen
from clerc_tui.screens.dossier_list import DossierListScreen


async def test_the_dossier_form_is_laid_out_at_most_twice_and_the_list_not_again_on_escape(
    make_app, sample_dossier, monkeypatch
):
    layouts: Counter[str] = Counter()
    real = Screen._refresh_layout

    def counted(self, size=None, scroll=False):
        if not (scroll and not self._layout_widgets):  # a whole layout, not a scroll's
            layouts[type(self).__name__] += 1
        return real(self, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        layouts.clear()
        await pilot.press("n")
        assert isinstance(app.screen, DossierFormScreen)
        body = app.screen.query_one("#form-body")
        assert body.show_vertical_scrollbar and body.virtual_size.height > body.size.height
        assert layouts == Counter({"DossierFormScreen": layouts["DossierFormScreen"]})
        assert 1 <= layouts["DossierFormScreen"] <= 2, layouts
        layouts.clear()
        await pilot.press("escape")
        assert isinstance(app.screen, DossierListScreen)
        assert layouts == Counter(), layouts  # the list's size did not change: nothing to lay out
        layouts.clear()
        app.screen.sub_title = "autre titre"  # the title line repainted, the screen not laid out
        await pilot.pause()
        assert layouts == Counter(), layouts
