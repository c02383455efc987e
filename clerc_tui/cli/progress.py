"""A progress bar for long CLI work, on a terminal only (none when piped or under cron)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Tick = Callable[..., None]  # tick(done, total[, label])


@contextmanager
def progress_bar(label: str) -> Iterator[Tick | None]:
    """Yields `tick(done, total)` drawing a Rich bar on stderr when it is a terminal,
    else None (the services skip the calls). Shown only once the work outlasts ~1 s."""
    # The real stderr: the CLI wraps sys.stderr so that user data written there stays inert,
    # which would also show the bar's own escape codes as « ␛ ». Only our text is drawn here.
    stream = sys.__stderr__
    if stream is None or not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=stream), transient=True, refresh_per_second=4) as bar:
        task = bar.add_task(label, total=None, visible=False)
        started = bar.get_time()

        def tick(done: int, total: int, label: str | None = None) -> None:
            """`label` names a new stage of the work (the bar starts over with its total)."""
            bar.update(task, completed=done, total=total, visible=bar.get_time() - started > 1.0)
            if label is not None:
                bar.update(task, description=label)

        yield tick
