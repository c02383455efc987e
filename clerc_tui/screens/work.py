"""Long database work off the UI thread: a Textual thread worker on its own connection,
its progress drawn on the screen, its result (or its refusal) handed back to the UI thread.

A use case that can take more than ~50 ms on a 100 000-dossier étude (the reversements, a
payment batch…) runs through `in_worker`: the screen keeps answering keys meanwhile. The
work gets a `tick(done, total)` to call as it goes; `show_progress` turns it into a line
such as « Calcul des sommes dues : 1 234 / 8 544 dossiers », redrawn at most ten times a
second (each redraw crosses from the worker's thread to the UI's).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from clerc_tui.errors import ClercError
from clerc_tui.services.background import on_own_connection

if TYPE_CHECKING:
    from clerc_tui.screens.base import ClercScreen

Tick = Callable[..., None]  # tick(done, total[, label])
NBSP = "\u202f"  # narrow no-break space between groups of digits, as the amounts


def count_text(n: int) -> str:
    return f"{n:,}".replace(",", NBSP)


def progress_text(label: str, done: int, total: int, unit: str = "dossiers") -> str:
    """« Calcul des sommes dues : 1 234 / 8 544 dossiers »."""
    return f"{label} : {count_text(done)} / {count_text(total)} {unit}"


def ticker(screen: Screen[Any], show: Callable[[int, int, str | None], None], every: float = 0.1) -> Tick:
    """A `tick(done, total[, label])` for the worker's thread: calls `show` on the UI thread,
    at most once every `every` seconds (and always for the last step or a new label)."""
    last = [0.0]

    def tick(done: int, total: int, label: str | None = None) -> None:
        now = time.monotonic()
        if label is None and done < total and now - last[0] < every:
            return
        last[0] = now

        def draw() -> None:
            if screen.is_attached:
                show(done, total, label)

        screen.app.call_from_thread(draw)

    return tick


def show_progress(widget: Static, label: str, unit: str = "dossiers") -> Callable[[int, int, str | None], None]:
    """A `show` for `ticker` that writes the progress line into `widget`; a tick's own
    label (a new stage of the work) replaces `label`."""
    current = [label]

    def show(done: int, total: int, new_label: str | None) -> None:
        if new_label is not None:
            current[0] = new_label
        widget.update(Text(progress_text(current[0], done, total, unit)))

    return show


def in_worker(
    screen: ClercScreen[Any],
    work: Callable[[], Any],
    then: Callable[[Any], None],
    what: str,
    *,
    failed: Callable[[Exception], None] | None = None,
    group: str = "work",
) -> Worker[None]:
    """`work()` on a thread worker with its own database connection; `then(result)` back on
    the UI thread if the screen is still shown. A failure goes to `failed(error)` on the UI
    thread, or else is said with the app's French error dialog (`what` names the work)."""
    app = screen.app

    def on_screen(callback: Callable[[Any], None], value: Any) -> None:
        if screen.is_attached:  # the clerc may have left the screen meanwhile
            callback(value)

    def default_failed(error: Exception) -> None:
        if isinstance(error, ClercError):
            app.notify(error.message, severity="error", timeout=10, markup=False)
        else:
            app.show_error(error, what)

    def body() -> None:
        try:
            result = on_own_connection(work)
        except Exception as error:
            app.call_from_thread(on_screen, failed or default_failed, error)
        else:
            app.call_from_thread(on_screen, then, result)

    return screen.run_worker(body, thread=True, group=group, exit_on_error=False)
