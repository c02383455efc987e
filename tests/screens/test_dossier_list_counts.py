"""The list's status line tells the count truthfully around the cap where counting stops (issue 12):
exactly N up to it, « plus de N dossiers » past it (a broad filter is never counted in full)."""

import pytest

import clerc_tui.screens.dossier_list as list_screen
from clerc_tui.services import dossier_list
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input
from tests.screens.conftest import fill


@pytest.mark.parametrize(
    ("cap", "shown"),
    [
        (5, "plus de 5 dossiers pour « martin »"),  # 6 matches: one past the cap
        (6, "6 dossiers pour « martin »"),  # exactly the cap
        (7, "6 dossiers pour « martin »"),  # one under it
    ],
)
async def test_the_status_line_counts_up_to_the_cap_then_says_more_than(actor, make_app, monkeypatch, cap, shown):
    for index in range(8):
        last = "Martin" if index < 6 else "Petit"
        create_dossier(actor, make_input(debtor=DebtorInput(kind="physique", last_name=last, first_name="Léa")), TODAY)
    monkeypatch.setattr(dossier_list, "BROAD_MATCHES", cap)
    monkeypatch.setattr(list_screen, "BROAD_MATCHES", cap)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(pilot, app.screen.query_one("#filter"), "martin")
        status = str(app.screen.query_one("#list-status").render())
        assert status.startswith(shown), status
        assert len(app.screen.rows) == 6  # the rows are all there, whatever the count says
