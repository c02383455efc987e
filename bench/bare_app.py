"""The floor clerc's start is measured against: a bare Textual app painting one screen."""

from textual.app import App
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self):
        yield Header()
        yield Static("pret")
        yield Footer()


if __name__ == "__main__":
    Bare().run()
