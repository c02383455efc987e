"""The bottom line: the keys of the current screen, drawn as one line of text.

Textual's Footer mounts a widget per key and cost ~60 ms of the first paint (measured on
the deadline dashboard); this bar shows the same keys (those with `show=True`, after the
user's keymap) for the price of one Static.
"""

from rich.text import Text
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._draw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self._draw()

    def _draw(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis")
        seen = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            line.append(f" {key} ", style="bold reverse" if enabled else "dim reverse")
            line.append(f" {binding.description}  ", style="" if enabled else "dim")
        line.append(" ^p ", style="bold reverse")
        line.append(" palette")
        self.update(line)
