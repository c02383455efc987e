"""Textual's command palette with its own texts in French (loaded when the palette opens)."""

from textual.command import CommandPalette


class FrenchCommandPalette(CommandPalette):
    """Textual's palette with its own texts in French (placeholder, « no matches »)."""

    def __init__(self, *args, placeholder: str = "Rechercher une commande…", **kwargs):
        super().__init__(*args, placeholder=placeholder, **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual 8.2.8 (pinned) writes « No matches found » in this private method; the
        # same logic, said in French.
        from rich.align import Align
        from rich.text import Text
        from textual.command import CommandList
        from textual.widgets.option_list import Option

        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text("Aucune commande ne correspond", style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
