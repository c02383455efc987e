"""Issue 12, latency floor: no animation unless the config asks for one; the décompte computed
when its tab is first shown and when its data changed, never on a switch back, and laid out
once per content."""

from datetime import date
from decimal import Decimal as D

import pytest
import textual.constants

import clerc_tui.screens.statement_view as statement_view
from clerc_tui.screens.dossier_view import DossierScreen
from clerc_tui.services.payments import record_payment
from clerc_tui.widgets.prerendered import Prerendered
from tests.conftest import TODAY
from tests.services.test_ledger_statement import add_2026_s2, example_dossier


async def test_no_animation_by_default_even_where_textual_would_animate(make_app, monkeypatch):
    # The tests run with TEXTUAL_ANIMATIONS=none (conftest); a clerc's terminal has no such variable.
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "full")
    assert make_app(animations=True).animation_level == "full"
    app = make_app()
    assert app.animation_level == "none"
    example_dossier(app.actor)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, DossierScreen)
        started = []
        real = app.animator.animate
        monkeypatch.setattr(app.animator, "animate", lambda *a, **k: started.append(a) or real(*a, **k))
        await pilot.press("2", "3", "1")
        assert app.screen.query_one("TabbedContent").active == "synthese"
        assert started == []  # the tab underline jumps, it does not slide for 300 ms


@pytest.mark.paints  # the view lays the décompte out as it paints it
async def test_the_decompte_is_computed_when_shown_and_when_its_data_changed(actor, make_app, monkeypatch):
    dossier = example_dossier(actor)
    add_2026_s2(actor)
    computed = []
    real = statement_view.dossier_statement

    def counting(dossier_id, at):
        computed.append(at)
        return real(dossier_id, at)

    monkeypatch.setattr(statement_view, "dossier_statement", counting)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, DossierScreen)
        await pilot.press("2", "5", "1")
        assert computed == []  # not shown yet: not computed
        await pilot.press("s")
        assert computed == [TODAY]
        body = screen.query_one("#statement-body")
        shown = body.content
        assert isinstance(shown, Prerendered) and shown.renders == 1
        painted = [body.render_line(y).text for y in range(body.size.height)]
        assert painted[0].startswith(f"Décompte arrêté au 26/11/2026 — dossier {dossier.reference}")
        assert any("Sommes dues en vertu du titre" in line for line in painted)
        assert app.focused is body
        await pilot.press("end")  # the keys scroll the décompte, laid out to its end
        assert body.scroll_y > 0 and body.virtual_size.height == body.scroll_y + body.size.height
        assert "Total dû" in "".join(body.render_line(y).text for y in range(body.size.height))
        await pilot.press("home")
        assert body.scroll_y == 0
        await pilot.press("1", "s", "5", "s", "3", "s")
        assert computed == [TODAY]  # switching back neither computes nor lays out again
        assert body.content is shown and shown.renders == 1

        await pilot.press("1")
        screen.refresh_data()  # e.g. a colleague's commit: the hidden décompte waits to be shown
        assert len(computed) == 1
        await pilot.press("s")
        assert len(computed) == 2
        assert body.content is shown and shown.renders == 1  # the same décompte: not laid out again

        await pilot.press("pagedown")
        reading = body.scroll_y
        assert reading > 0
        record_payment(actor, dossier.id, on=date(2026, 10, 1), amount=D("100"), mode="virement", today=TODAY)
        screen.refresh_data()  # shown: recomputed at once, and drawn anew where the clerc was reading
        await pilot.pause()
        assert len(computed) == 3
        assert body.content is not shown and isinstance(body.content, Prerendered)
        assert body.scroll_y == reading
        assert screen.query_one("#statement-pane").statement.payments[-1].payment.amount == D("100")
