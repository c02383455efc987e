"""The floor clerc's drawing is measured against: a bare Textual app showing a DataTable of
the same size as clerc's dashboard (one page of 60 rows, nine columns, 120 cells wide), with
a header line, a status line and a footer, j/k bound like clerc's."""

from textual.app import App
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

ROWS = 60
WIDTHS = (11, 11, 11, 18, 14, 25, 16, 8, 2)


class BareTable(DataTable):
    BINDINGS = [
        Binding("j", "cursor_down", "Bas", show=False),
        Binding("k", "cursor_up", "Haut", show=False),
    ]


class BareTableApp(App):
    CSS = "DataTable { height: 1fr; }"

    def compose(self):
        yield Header()
        yield Static("filtres : toutes · horizon : 7 jours")
        yield BareTable(cursor_type="row")
        yield Static("pret")
        yield Footer()

    def on_mount(self):
        table = self.query_one(BareTable)
        for index, width in enumerate(WIDTHS):
            table.add_column(f"Col {index}", width=width)
        for row in range(ROWS):
            table.add_row(
                "RETARD",
                f"{1 + row % 28:02d}/11/2026",
                f"2026-{row:05d}",
                f"Débiteur numéro {row}",
                "Saisie-attribution",
                f"Dénoncer la saisie au débiteur {row}",
                "CPCE R211-3",
                "Martin",
                "NV" if row % 3 else "",
            )
        table.focus()


if __name__ == "__main__":
    BareTableApp().run()
